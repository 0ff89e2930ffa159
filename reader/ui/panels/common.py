"""Layout helpers the panels share: a column of widgets, a list over its details, a filter
box, plural counts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QSplitter, QVBoxLayout, QWidget


def column(*widgets, margins=(0, 0, 0, 0), spacing=4) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(*margins)
    layout.setSpacing(spacing)
    for w in widgets:
        layout.addWidget(w)
    return box


def list_over_details(owner: QWidget, name: str, top: QWidget, details: QWidget) -> QSplitter:
    """Fill `owner` with `top` (a filter and its list) over `details`, in a splitter named
    `name` (its sizes are saved with the window) that gives the list three quarters."""
    splitter = QSplitter(Qt.Orientation.Vertical)
    splitter.setObjectName(name)
    splitter.addWidget(top)
    splitter.addWidget(details)
    splitter.setStretchFactor(0, 3)
    splitter.setStretchFactor(1, 1)
    layout = QVBoxLayout(owner)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(splitter)
    return splitter


def filter_box(placeholder: str, name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    edit.setClearButtonEnabled(True)
    return edit


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
