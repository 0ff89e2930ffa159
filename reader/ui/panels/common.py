"""Layout helpers the panels share: a column of widgets, a filter box, plural counts."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget


def column(*widgets, margins=(0, 0, 0, 0), spacing=4) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(*margins)
    layout.setSpacing(spacing)
    for w in widgets:
        layout.addWidget(w)
    return box


def filter_box(placeholder: str, name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    edit.setClearButtonEnabled(True)
    return edit


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
