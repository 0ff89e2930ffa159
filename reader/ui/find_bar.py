"""The find bar under the reading pane: find within the open article."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget


class FindBar(QWidget):
    """Find within the open article: Enter next, Shift+Enter previous, Esc closes."""

    # The user asked for a match: (text, backward, again — False while typing).
    find_requested = Signal(str, bool, bool)
    # The bar was closed.
    closed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("findBar")
        self.edit = QLineEdit()
        self.edit.setObjectName("findField")
        self.edit.setPlaceholderText("Find in article")
        self.edit.setClearButtonEnabled(True)
        self.count = QLabel()
        self.count.setObjectName("findCount")
        prev_btn = QToolButton(text="▲", toolTip="Previous match (Shift+Enter)")
        next_btn = QToolButton(text="▼", toolTip="Next match (Enter)")
        close_btn = QToolButton(text="✕", toolTip="Close (Esc)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.count)
        for button in (prev_btn, next_btn, close_btn):
            button.setAutoRaise(True)
            layout.addWidget(button)
        prev_btn.clicked.connect(lambda: self.find_requested.emit(self.edit.text(), True, True))
        next_btn.clicked.connect(lambda: self.find_requested.emit(self.edit.text(), False, True))
        close_btn.clicked.connect(self.close_bar)
        self.edit.textChanged.connect(lambda text: self.find_requested.emit(text, False, False))
        self.edit.installEventFilter(self)
        self.hide()

    def open_bar(self, text: str = "") -> None:
        self.show()
        if text:
            self.edit.setText(text)
        self.edit.setFocus()
        self.edit.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.closed.emit()

    def show_count(self, n: int, total: int) -> None:
        text = self.edit.text()
        self.count.setText("" if not text else (f"{n} of {total}" if total else "No matches"))

    def eventFilter(self, obj, event):
        if obj is self.edit and event.type() == QEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                backward = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
                self.find_requested.emit(self.edit.text(), backward, True)
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.close_bar()
                return True
        return super().eventFilter(obj, event)
