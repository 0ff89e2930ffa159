"""The article tags editor: one line of comma-separated tags, completing the tag being typed
from the tags the library already uses."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)


class TagCompleter(QCompleter):
    """Completes the last comma-separated part of the line, keeping the parts before it."""

    def splitPath(self, path: str) -> list[str]:
        return [path.split(",")[-1].strip()]

    def pathFromIndex(self, index) -> str:
        line = self.widget().text() if self.widget() is not None else ""
        before = [p.strip() for p in line.split(",")[:-1] if p.strip()]
        return ", ".join([*before, str(index.data())]) + ", "


def split_tags(text: str) -> list[str]:
    """The tags of the editor's line, in order, without empty ones."""
    return [t.strip() for t in text.split(",") if t.strip()]


class TagsDialog(QDialog):
    """Edit one article's tags; `saved` carries the new list when the user presses OK."""

    # OK was pressed: (the tags, in order).
    saved = Signal(list)

    def __init__(self, title: str, tags: list[str], known: list[str], parent=None):
        super().__init__(parent)
        self.setObjectName("tagsDialog")
        self.setWindowTitle("Article tags")
        label = QLabel(f"Tags of “{title}”, separated by commas:")
        label.setWordWrap(True)
        self.edit = QLineEdit(", ".join(tags))
        self.edit.setObjectName("tagsEdit")
        self.edit.setPlaceholderText("e.g. evidence, to check")
        label.setBuddy(self.edit)
        self.known = QStringListModel(sorted(known, key=str.casefold), self)
        completer = TagCompleter(self.known, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.edit.setCompleter(completer)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.edit)
        layout.addWidget(buttons)
        self.resize(420, self.sizeHint().height())

    def accept(self) -> None:
        self.saved.emit(split_tags(self.edit.text()))
        super().accept()
