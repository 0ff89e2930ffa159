"""The Notes tab: the user's notes as a list, and a plain editor for the selected one.

A first version for the notes feature (Library.notes / add_note / update_note /
trash_note); the notes work extends it (Markdown preview, tags, [[Entity]] links). Edits are
saved after a pause in typing (a single-shot timer), through the window's write lane.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListView,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from reader.ui.models import ID_ROLE, OBJECT_ROLE
from reader.ui.widgets import EmptyStack

AUTOSAVE_MS = 800
_DISPLAY = Qt.ItemDataRole.DisplayRole
_ROOT = QModelIndex()  # the invisible root, as a default argument


def note_label(note) -> str:
    """One line for the list: the note's first line, else its quote."""
    first = next((line.strip() for line in (note.body or "").splitlines() if line.strip()), "")
    if first:
        return first
    quote = " ".join((note.quote or "").split())
    return f"“{quote[:80]}”" if quote else "Empty note"


class NotesModel(QAbstractListModel):
    """Notes, newest first; orphaned notes (their text changed) in italics."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._notes: list = []

    def set_notes(self, notes) -> None:
        self.beginResetModel()
        self._notes = sorted(notes or (), key=lambda n: n.updated or n.created or "",
                             reverse=True)
        self.endResetModel()

    def note(self, row: int):
        return self._notes[row] if 0 <= row < len(self._notes) else None

    def row_of(self, note_id) -> int | None:
        for n, note in enumerate(self._notes):
            if note.id == note_id:
                return n
        return None

    def replace(self, note) -> None:
        """Show the saved version of a note in place (the list does not re-sort under the
        user's cursor)."""
        row = self.row_of(note.id)
        if row is not None:
            self._notes[row] = note
            index = self.index(row, 0)
            self.dataChanged.emit(index, index)

    def rowCount(self, parent=_ROOT):
        return 0 if parent.isValid() else len(self._notes)

    def data(self, index, role=_DISPLAY):
        if not index.isValid() or not 0 <= index.row() < len(self._notes):
            return None
        note = self._notes[index.row()]
        if role == _DISPLAY:
            return note_label(note)
        if role == Qt.ItemDataRole.ToolTipRole:
            return " ".join((note.quote or note.body or "").split())[:300]
        if role == Qt.ItemDataRole.FontRole and getattr(note, "orphan", False):
            font = QFont()
            font.setItalic(True)
            return font
        if role == ID_ROLE:
            return note.id
        if role == OBJECT_ROLE:
            return note
        return None


class NotesPanel(QWidget):
    """List + editor. The window fetches and saves; the panel reports what the user did."""

    # A note was activated in the list: (note) — the window opens its article at the quote.
    note_activated = Signal(object)
    # The editor text of a note changed and the user paused: (note id, new body).
    note_edited = Signal(object, str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("notesPanel")
        self.model = NotesModel(self)
        self.list = QListView()
        self.list.setObjectName("notesList")
        self.list.setModel(self.model)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.activated.connect(self._on_activated)
        self.list.selectionModel().currentChanged.connect(self._current_changed)
        self.stack = EmptyStack(self.list)
        self.quote = QLabel()
        self.quote.setObjectName("noteQuote")
        self.quote.setWordWrap(True)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("noteEditor")
        self.editor.setPlaceholderText("Write your note (Markdown).")
        self.editor.textChanged.connect(self._on_text_changed)
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.flush)
        editor_box = QWidget()
        box = QVBoxLayout(editor_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.quote)
        box.addWidget(self.editor)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("notesSplitter")
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(editor_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self._current = None
        self._loading = False
        self.set_notes(None)

    def set_notes(self, notes, keep=None) -> None:
        """Replace the list; None means the notes feature is not available yet."""
        self.flush()
        keep = keep if keep is not None else (self._current.id if self._current else None)
        self.model.set_notes(notes)
        if notes is None:
            self.stack.set_empty("Notes are not available in this version yet.")
        elif not notes:
            self.stack.set_empty("No notes yet.\n\nSelect text in an article and press "
                                 "Ctrl+Shift+N to note it.")
        else:
            self.stack.set_empty(None)
        row = self.model.row_of(keep) if keep is not None else None
        if row is not None:
            self.list.setCurrentIndex(self.model.index(row, 0))
        else:
            self._show(None)

    def note_saved(self, note) -> None:
        """A save finished: refresh its row (and keep the editor's newer text, if any)."""
        self.model.replace(note)
        if self._current is not None and self._current.id == note.id:
            self._current = note

    def select(self, note_id) -> None:
        row = self.model.row_of(note_id)
        if row is not None:
            self.list.setCurrentIndex(self.model.index(row, 0))
            self.editor.setFocus()

    def flush(self) -> None:
        """Save pending edits now (called on a pause, on switching notes and on quit)."""
        if self._autosave.isActive():
            self._autosave.stop()
        if self._current is not None and self.editor.document().isModified():
            self.editor.document().setModified(False)
            self.note_edited.emit(self._current.id, self.editor.toPlainText())

    def _show(self, note) -> None:
        self._current = note
        self._loading = True
        self.editor.setPlainText(note.body if note else "")
        self.editor.document().setModified(False)
        self._loading = False
        self.editor.setEnabled(note is not None)
        quote = " ".join((note.quote or "").split()) if note else ""
        self.quote.setText(f"“{quote}”" if quote else "")
        self.quote.setVisible(bool(quote))

    def _current_changed(self, current: QModelIndex, _previous) -> None:
        self.flush()
        self._show(self.model.note(current.row()) if current.isValid() else None)

    def _on_activated(self, index: QModelIndex) -> None:
        note = self.model.note(index.row())
        if note is not None:
            self.note_activated.emit(note)

    def _on_text_changed(self) -> None:
        if not self._loading and self._current is not None:
            self._autosave.start()
