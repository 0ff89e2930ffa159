"""The Notes tab's list box: view and tag choosers, the notes table, its empty state."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.ui.models import OBJECT_ROLE, NoteModel, NoteProxy
from reader.ui.widgets import EmptyStack

VIEW_LABELS = {"article": "This article", "all": "All notes", "orphans": "Orphaned",
               "trash": "Trash"}


class NoteListBox(QWidget):
    """View and tag choosers, the "note on this article" button, and the notes table over
    `model` filtered by `proxy`. The panel connects the choosers and the table and decides
    what a selection means; this box only shows the list."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.available = True  # False: this library has no notes (the empty state says so)
        self.view_combo = QComboBox()
        self.view_combo.setObjectName("notesView")
        for key, label in VIEW_LABELS.items():
            self.view_combo.addItem(label, key)
        self.view_combo.setToolTip("Notes on the open article, all notes, notes whose passage "
                                   "is gone (orphaned), or the trash")
        self.tag_combo = QComboBox()
        self.tag_combo.setObjectName("notesTagFilter")
        self.tag_combo.setToolTip("Only notes with this tag")
        self.tag_combo.addItem("All tags", None)
        self.article_button = QToolButton()
        self.article_button.setObjectName("articleNoteButton")
        controls = QHBoxLayout()
        controls.setContentsMargins(4, 4, 4, 0)
        controls.setSpacing(4)
        controls.addWidget(self.view_combo, 1)
        controls.addWidget(self.tag_combo, 1)
        controls.addWidget(self.article_button)

        self.model = NoteModel(self)
        self.proxy = NoteProxy(self)
        self.proxy.setSourceModel(self.model)
        self.list = QTableView()
        self.list.setObjectName("notesList")
        self.list.setModel(self.proxy)
        self.list.setSortingEnabled(True)
        self.list.sortByColumn(NoteModel.UPDATED, Qt.SortOrder.DescendingOrder)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setShowGrid(False)
        self.list.setWordWrap(False)
        self.list.setAlternatingRowColors(True)
        self.list.verticalHeader().hide()
        header = self.list.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(NoteModel.NOTE, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(36)
        for column, width in ((NoteModel.ARTICLE, 90), (NoteModel.TAGS, 64)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(NoteModel.UPDATED, QHeaderView.ResizeMode.ResizeToContents)
        self.trash_action = QAction("Move note to trash", self.list)
        self.trash_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.trash_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.list.addAction(self.trash_action)
        self.stack = EmptyStack(self.list)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(controls)
        layout.addWidget(self.stack)
        self.proxy.modelReset.connect(self.update_empty_state)
        self.proxy.rowsInserted.connect(self.update_empty_state)
        self.proxy.rowsRemoved.connect(self.update_empty_state)
        self.proxy.layoutChanged.connect(self.update_empty_state)

    def visible(self, note_id) -> bool:
        """Whether the note is listed under the current view and tag."""
        note = self.model.find(note_id)
        return note is not None and self.proxy.accepts(note)

    def visible_notes(self) -> list:
        """The notes listed, in the list's order."""
        return [self.proxy.index(r, 0).data(OBJECT_ROLE)
                for r in range(self.proxy.rowCount())]

    def set_tags(self, tags) -> None:
        """The tag filter's choices: [(tag, count)]; the chosen tag stays chosen (signals
        blocked: the filter itself does not change)."""
        current = self.tag_combo.currentData()
        self.tag_combo.blockSignals(True)
        self.tag_combo.clear()
        self.tag_combo.addItem("All tags", None)
        for tag, count in tags:
            self.tag_combo.addItem(f"{tag} ({count})", tag)
        index = self.tag_combo.findData(current) if current else 0
        if current and index < 0:  # the tag went away: keep it as a choice with no notes
            self.tag_combo.addItem(f"{current} (0)", current)
            index = self.tag_combo.count() - 1
        self.tag_combo.setCurrentIndex(index)
        self.tag_combo.blockSignals(False)

    def update_counts(self) -> None:
        """The view chooser's counts (orphans, trash) and the Tags column when any note has
        tags."""
        notes = self.model.notes()
        orphans = sum(1 for n in notes if n.orphan and not n.trashed)
        trashed = sum(1 for n in notes if n.trashed)
        # The Tags column only when some note has tags (the sidebar is narrow).
        self.list.setColumnHidden(NoteModel.TAGS, not any(n.tags for n in notes))
        for key, n in (("orphans", orphans), ("trash", trashed)):
            index = self.view_combo.findData(key)
            self.view_combo.setItemText(index, f"{VIEW_LABELS[key]} ({n})" if n else
                                        VIEW_LABELS[key])

    def update_empty_state(self, *_args) -> None:
        """The table, or a hint saying why it is empty."""
        if not self.available:
            self.stack.set_empty("Notes are not available in this version yet.")
        elif self.proxy.rowCount():
            self.stack.set_empty(None)
        else:
            tag = self.tag_combo.currentData()
            where = f" tagged “{tag}”" if tag else ""
            view = self.proxy.view
            if view == "trash":
                text = f"No notes{where} in the trash."
            elif view == "orphans":
                text = (f"No orphaned notes{where}: every quoted passage is still in its "
                        "article.")
            elif view == "article" and self.proxy.doc is None:
                text = "Open an article to see its notes, or choose All notes."
            elif view == "article":
                text = (f"No notes{where} on this article yet.\n\nSelect text and press "
                        "Ctrl+Shift+N, or use “Note on this article”.")
            else:
                text = (f"No notes{where} yet.\n\nSelect text in an article and press "
                        "Ctrl+Shift+N to note it.")
            self.stack.set_empty(text)

