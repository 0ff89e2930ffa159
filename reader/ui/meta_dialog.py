"""The "Edit details…" dialog: an article's date, source, author and title, set by the user."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from reader.domain import META_FIELDS, ArticleInfo
from reader.errors import BadInput
from reader.metadata import clean_fields

LABELS = {"date": "&Date", "source": "&Source", "author": "&Author", "title": "&Title"}


def _value(info: ArticleInfo, field: str) -> str:
    return {"date": info.date, "source": info.source, "author": info.author,
            "title": info.title}[field]


class MetaDialog(QDialog):
    """Window-modal, not blocking: `saved` carries {field: value, or None for the file's own
    value} once the input checks; `undo_requested` asks to take back the last change."""

    saved = Signal(dict)
    undo_requested = Signal()

    def __init__(self, info: ArticleInfo, mine: dict[str, str], parent=None):
        super().__init__(parent)
        self.setObjectName("metaDialog")
        self.setWindowTitle("Edit details")
        self.info, self.mine = info, mine
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for field in META_FIELDS:
            edit = QLineEdit(_value(info, field))
            edit.setObjectName(f"meta_{field}")
            if field == "date":
                edit.setPlaceholderText("YYYY-MM-DD (empty: undated)")
            label = LABELS[field] + (" (set by you)" if field in mine else "")
            form.addRow(label, edit)
            self.edits[field] = edit
        note = QLabel("Your values are kept with your notes and shown instead of what the "
                      "file says; they survive a re-import and a rebuild of the index.")
        note.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("metaError")
        self.error.setStyleSheet("color: #b00020")
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.revert = QPushButton("Use the &file's values")
        self.revert.setObjectName("metaRevert")
        self.revert.setEnabled(bool(mine))
        self.undo = QPushButton("&Undo my last change")
        self.undo.setObjectName("metaUndo")
        self.undo.setEnabled(bool(mine))
        buttons.addButton(self.revert, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.addButton(self.undo, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.revert.clicked.connect(self._revert)
        self.undo.clicked.connect(self._undo)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{info.id}</b>"))
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(480, 0)

    def values(self) -> dict[str, str | None]:
        """The fields the user changed, with their new values."""
        return {field: edit.text().strip() for field, edit in self.edits.items()
                if edit.text().strip() != _value(self.info, field)}

    def accept(self) -> None:
        values = self.values()
        if values:
            try:
                clean_fields(values)
            except BadInput as exc:
                self.error.setText(str(exc))
                self.error.show()
                return
            self.saved.emit(values)
        super().accept()

    def _revert(self) -> None:
        self.saved.emit({field: None for field in self.mine})
        super().accept()

    def _undo(self) -> None:
        self.undo_requested.emit()
        super().accept()
