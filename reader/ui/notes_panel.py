"""The Notes tab: a sortable, filterable list of notes and an autosaving Markdown editor.

The panel never calls the library. The window loads notes (a `NotesSnapshot`) and hands them
over; the panel reports what the user did through signals and is told how saves went.

Saving: every edit (body or tags) restarts a single-shot timer; when it fires, or when the
user switches note, or the window closes, the panel emits `save_requested(Edit)`. The window
saves it in its serial write lane and answers `saved(edit, note)` or `save_failed(edit,
message)`. A failed edit stays in the editor (and in `unsaved()`) and is sent again on the
next change: nothing the user typed is dropped because a save failed.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.ui.models import OBJECT_ROLE, ORPHAN_TIP, NoteModel, NoteProxy, local_time
from reader.ui.viewer import SafeBrowser
from reader.ui.widgets import EmptyStack

AUTOSAVE_MS = 700  # pause in typing before a save (the brief: at most a second)
PREVIEW_MS = 200  # pause in typing before the preview is re-rendered
READONLY_MESSAGE = "Notes are read-only: the data folder can't be written."
VIEW_LABELS = {"article": "This article", "all": "All notes", "orphans": "Orphaned",
               "trash": "Trash"}


@dataclass(frozen=True, eq=False)
class Edit:
    """One save request: the note's whole text and its tags as typed (comma-separated).
    Compared by identity: the panel matches each answer to the request it sent."""

    note_id: int
    body: str
    tags: str


def tags_text(tags) -> str:
    return ", ".join(tags or ())


def _same_tags(typed: str, tags) -> bool:
    def clean(items):
        return [" ".join(t.strip().lstrip("#").split()).casefold() for t in items
                if t.strip().lstrip("#").strip()]

    return clean(typed.split(",")) == clean(tags or ())


class NotesPanel(QWidget):
    """List (view, tag filter, sortable columns) above the selected note's editor."""

    # A note was activated in the list (double click, Enter): (note).
    note_activated = Signal(object)
    # The user paused typing, switched note or closed the window: (Edit) to save.
    save_requested = Signal(object)
    # "Move to trash" / "Restore" was clicked: (note id).
    trash_requested = Signal(object)
    restore_requested = Signal(object)
    # An entity link ([[Name]]) was clicked in the preview: (entity name).
    entity_link_activated = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("notesPanel")
        self._render = None  # Markdown -> safe HTML (Library.render_markdown), or None
        self._current = None  # the note in the editor
        self._dirty = False  # the editor holds changes not handed to save_requested yet
        self._loading = False
        self._readonly = False
        self._available = True
        self._pending: dict[int, Edit] = {}  # note id -> latest edit not confirmed saved
        self._failed: set[int] = set()  # notes whose latest save failed

        self.banner = QLabel()
        self.banner.setObjectName("notesBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()

        # -- list controls
        self.view_combo = QComboBox()
        self.view_combo.setObjectName("notesView")
        for key, label in VIEW_LABELS.items():
            self.view_combo.addItem(label, key)
        self.view_combo.setToolTip("Notes on the open article, all notes, notes whose passage "
                                   "is gone (orphaned), or the trash")
        self.view_combo.currentIndexChanged.connect(self._view_changed)
        self.tag_combo = QComboBox()
        self.tag_combo.setObjectName("notesTagFilter")
        self.tag_combo.setToolTip("Only notes with this tag")
        self.tag_combo.addItem("All tags", None)
        self.tag_combo.currentIndexChanged.connect(self._tag_changed)
        self.article_button = QToolButton()
        self.article_button.setObjectName("articleNoteButton")
        controls = QHBoxLayout()
        controls.setContentsMargins(4, 4, 4, 0)
        controls.setSpacing(4)
        controls.addWidget(self.view_combo, 1)
        controls.addWidget(self.tag_combo, 1)
        controls.addWidget(self.article_button)

        # -- the list
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
        self.list.activated.connect(self._on_activated)
        self.list.selectionModel().currentRowChanged.connect(self._current_changed)
        self.trash_action = QAction("Move note to trash", self.list)
        self.trash_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.trash_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.trash_action.triggered.connect(self._trash_clicked)
        self.list.addAction(self.trash_action)
        self.stack = EmptyStack(self.list)
        list_box = QWidget()
        list_layout = QVBoxLayout(list_box)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.setSpacing(4)
        list_layout.addLayout(controls)
        list_layout.addWidget(self.stack)

        # -- the editor
        self.meta = QLabel()
        self.meta.setObjectName("noteMeta")
        self.meta.setWordWrap(True)
        self.quote = QLabel()
        self.quote.setObjectName("noteQuote")
        self.quote.setWordWrap(True)
        self.quote.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tags = QLineEdit()
        self.tags.setObjectName("noteTags")
        self.tags.setPlaceholderText("Tags, comma-separated")
        self.tags.textEdited.connect(self._on_edited)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("noteEditor")
        self.editor.setTabChangesFocus(True)
        self.editor.textChanged.connect(self._on_text_changed)
        self.preview = SafeBrowser()
        self.preview.setObjectName("notePreview")
        self.preview.link_activated.connect(self._preview_link)
        self.trash_button = QPushButton("Move to trash")
        self.trash_button.setObjectName("noteTrashButton")
        self.trash_button.clicked.connect(self._trash_clicked)
        self.restore_button = QPushButton("Restore")
        self.restore_button.setObjectName("noteRestoreButton")
        self.restore_button.clicked.connect(self._restore_clicked)
        self.saved_label = QLabel()
        self.saved_label.setObjectName("noteSaveState")
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.saved_label, 1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.trash_button)
        editor_box = QWidget()
        editor_box.setObjectName("noteEditorBox")
        box = QVBoxLayout(editor_box)
        box.setContentsMargins(4, 4, 4, 0)
        box.setSpacing(4)
        box.addWidget(self.meta)
        box.addWidget(self.quote)
        box.addWidget(self.editor, 1)
        box.addWidget(self.tags)
        box.addLayout(buttons)
        # Write, then tag: Tab goes from the text to the tags, then to the buttons.
        QWidget.setTabOrder(self.editor, self.tags)
        QWidget.setTabOrder(self.tags, self.restore_button)
        QWidget.setTabOrder(self.restore_button, self.trash_button)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("notesSplitter")
        self.splitter.addWidget(list_box)
        self.splitter.addWidget(editor_box)
        self.splitter.addWidget(self.preview)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([200, 260, 180])  # until the user's own sizes are restored
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter)

        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.flush)
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_MS)
        self._preview_timer.timeout.connect(self._update_preview)
        self.proxy.modelReset.connect(self._update_empty_state)
        self.proxy.rowsInserted.connect(self._update_empty_state)
        self.proxy.rowsRemoved.connect(self._update_empty_state)
        self.proxy.layoutChanged.connect(self._update_empty_state)
        self.set_notes(None)

    # -- set-up by the window -------------------------------------------------------------
    def set_renderer(self, render) -> None:
        """`render(markdown) -> safe HTML` for the preview (None: show the plain text)."""
        self._render = render

    def set_article_action(self, action: QAction) -> None:
        """The window's "Note on this article" action, shown as a button over the list."""
        self.article_button.setDefaultAction(action)

    def set_titles(self, titles: dict[str, str]) -> None:
        self.model.set_titles(titles)
        if self._current is not None:
            self._show_meta(self._current)

    # -- notes ----------------------------------------------------------------------------
    def set_notes(self, snapshot, keep=None) -> None:
        """Show a NotesSnapshot (None: this library has no notes). `keep` (a note id) is
        selected afterwards; by default the current note stays selected."""
        self.flush()
        keep = keep if keep is not None else (self._current.id if self._current else None)
        self._available = snapshot is not None
        self.model.set_notes(snapshot.notes if snapshot else [])
        self._set_tags(snapshot.tags if snapshot else [])
        self.set_readonly(bool(snapshot and snapshot.readonly))
        self._update_counts()
        self._update_empty_state()
        previous = self._current
        if not self._select(keep):
            self._show(None)
            return
        note = self.model.find(keep)
        pending = self._pending.get(note.id)
        if previous is not None and previous.id == note.id and \
                self.editor.toPlainText() == (pending.body if pending else note.body):
            self._current = note  # same text: keep the cursor where it is
            self._show_meta(note)
            self._update_enabled()
        else:
            self._show(note)

    def replace(self, note) -> None:
        """A note changed outside the editor (trashed, restored, created): show it."""
        self.model.replace(note)
        if self._current is not None and self._current.id == note.id:
            self._current = note
            if self._visible(note.id):
                self._show_meta(note)
                self._update_enabled()
            else:
                self._show(None)
        self._update_counts()

    def set_tags(self, tags) -> None:
        """Refresh the tag filter's choices: [(tag, count)]."""
        self._set_tags(tags)

    def note(self, note_id):
        return self.model.find(note_id)

    def current(self):
        return self._current

    def set_current_doc(self, doc: str | None) -> None:
        """The article in the reading pane: the "This article" view lists its notes."""
        if doc == self.proxy.doc:
            return
        self._refilter(doc=doc)

    def set_view(self, view: str) -> None:
        self.view_combo.setCurrentIndex(self.view_combo.findData(view))

    def set_tag_filter(self, tag: str | None) -> None:
        index = self.tag_combo.findData(tag) if tag else 0
        self.tag_combo.setCurrentIndex(max(0, index))

    def reveal(self, note_id, focus: bool = False) -> bool:
        """Select a note, switching view and clearing the tag filter if it is hidden; with
        `focus` the editor gets the keyboard. False when there is no such note."""
        note = self.model.find(note_id)
        if note is None:
            return False
        if not self.proxy.accepts(note):
            self.tag_combo.setCurrentIndex(0)
        if not self.proxy.accepts(note):
            self.set_view("trash" if note.trashed else
                          "article" if note.doc == self.proxy.doc else "all")
        self._select(note_id)
        if focus and self.editor.isEnabled():
            self.editor.setFocus()
            self.editor.moveCursor(QTextCursor.MoveOperation.End)
        return True

    def visible_notes(self) -> list:
        """The notes listed, in the list's order."""
        return [self.proxy.index(r, 0).data(OBJECT_ROLE)
                for r in range(self.proxy.rowCount())]

    # -- read-only and messages -----------------------------------------------------------
    def set_readonly(self, readonly: bool) -> None:
        self._readonly = readonly
        if readonly:
            self.show_banner(READONLY_MESSAGE, "readonly")
        elif self.banner.property("kind") == "readonly":
            self.clear_banner()
        self._update_enabled()

    @property
    def readonly(self) -> bool:
        return self._readonly

    def show_banner(self, text: str, kind: str = "error") -> None:
        """A strip over the tab: "readonly" (stays) or "error" (until the next good save)."""
        if self._readonly and kind != "readonly":
            text = f"{READONLY_MESSAGE} {text}"
            kind = "readonly"
        self.banner.setText(text)
        self.banner.setProperty("kind", kind)
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)
        self.banner.show()

    def clear_banner(self) -> None:
        if self._readonly:
            self.show_banner(READONLY_MESSAGE, "readonly")
            return
        self.banner.hide()
        self.banner.setProperty("kind", "")

    # -- saving ---------------------------------------------------------------------------
    def flush(self) -> None:
        """Hand pending changes to `save_requested` now (after a pause, on a note switch,
        before the window closes)."""
        self._autosave.stop()
        if self._current is None or not self._dirty or self._readonly:
            return
        self._dirty = False
        edit = Edit(self._current.id, self.editor.toPlainText(), self.tags.text())
        self._pending[edit.note_id] = edit
        self.saved_label.setText("Saving…")
        self.save_requested.emit(edit)

    def saved(self, edit: Edit, note) -> None:
        """The window saved `edit`; `note` is the stored version."""
        if self._pending.get(edit.note_id) is edit:
            del self._pending[edit.note_id]
            self._failed.discard(edit.note_id)
        self.model.replace(note)
        self._update_counts()
        if self._current is not None and self._current.id == note.id:
            self._current = note
            self._show_meta(note)
        if not self._failed and self.banner.property("kind") == "error":
            self.clear_banner()
        if self._current is not None and self._current.id == note.id and not self._dirty:
            self.saved_label.setText(f"Saved {local_time(note.updated)[-5:]}")

    def save_failed(self, edit: Edit, message: str) -> None:
        """Saving `edit` failed: keep its text (it is retried on the next change)."""
        if self._pending.get(edit.note_id) is not edit:
            return  # a newer edit of this note is on its way
        self._failed.add(edit.note_id)
        if self._current is not None and self._current.id == edit.note_id:
            self._dirty = True
            self.saved_label.setText("Not saved")
        self.show_banner(f"Your last change was not saved: {message} It stays in the editor "
                         "and is saved again with your next change.", "error")

    def unsaved(self) -> list[Edit]:
        """Edits not confirmed saved, the editor's current text included (for closing)."""
        self._autosave.stop()
        if self._current is not None and self._dirty and not self._readonly:
            self._pending[self._current.id] = Edit(self._current.id, self.editor.toPlainText(),
                                                   self.tags.text())
            self._dirty = False
        return list(self._pending.values())

    @staticmethod
    def is_saved_as(edit: Edit, note) -> bool:
        """Whether the stored `note` already holds `edit`."""
        return note.body == edit.body and _same_tags(edit.tags, note.tags)

    # -- internals ------------------------------------------------------------------------
    def _set_tags(self, tags) -> None:
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

    def _update_counts(self) -> None:
        notes = self.model.notes()
        orphans = sum(1 for n in notes if n.orphan and not n.trashed)
        trashed = sum(1 for n in notes if n.trashed)
        # The Tags column only when some note has tags (the sidebar is narrow).
        self.list.setColumnHidden(NoteModel.TAGS, not any(n.tags for n in notes))
        for key, n in (("orphans", orphans), ("trash", trashed)):
            index = self.view_combo.findData(key)
            self.view_combo.setItemText(index, f"{VIEW_LABELS[key]} ({n})" if n else
                                        VIEW_LABELS[key])

    def _refilter(self, **changes) -> None:
        keep = self._current.id if self._current else None
        self.flush()
        self.proxy.set_filter(**changes)
        if keep is not None and self._visible(keep):
            self._select(keep)
        else:
            self.list.selectionModel().clearCurrentIndex()
            self.list.clearSelection()
            self._show(None)
        self._update_empty_state()
        self.list.setColumnHidden(NoteModel.ARTICLE, self.proxy.view == "article")

    def _view_changed(self, _index: int) -> None:
        self._refilter(view=self.view_combo.currentData())

    def _tag_changed(self, _index: int) -> None:
        self._refilter(tag=self.tag_combo.currentData())

    def _visible(self, note_id) -> bool:
        note = self.model.find(note_id)
        return note is not None and self.proxy.accepts(note)

    def _select(self, note_id) -> bool:
        row = self.model.row_of(note_id) if note_id is not None else None
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.list.setCurrentIndex(index)
        self.list.scrollTo(index)
        if self._current is None or self._current.id != note_id:
            self._show(self.model.note(row))
        return True

    def _update_empty_state(self, *_args) -> None:
        if not self._available:
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

    def _show(self, note) -> None:
        """Put `note` (or nothing) in the editor; an unsaved edit of it wins over the
        stored text."""
        self._autosave.stop()
        self._current = note
        self._loading = True
        pending = self._pending.get(note.id) if note is not None else None
        self.editor.setPlainText(pending.body if pending else note.body if note else "")
        self.tags.setText(pending.tags if pending else tags_text(note.tags) if note else "")
        self._loading = False
        self._dirty = note is not None and note.id in self._failed
        self.saved_label.setText("Not saved" if self._dirty else "")
        self._show_meta(note)
        self._update_enabled()
        self._update_preview()

    def _show_meta(self, note) -> None:
        if note is None:
            self.meta.setText("")
            self.quote.setText("")
            self.quote.hide()
            self.meta.hide()
            return
        created, updated = local_time(note.created), local_time(note.updated)
        times = f"Created {created}"
        if updated and updated != created:  # the time alone when it is the same day
            times += f" · updated {updated[11:] if updated[:10] == created[:10] else updated}"
        text = f"On “{self.model.title(note.doc)}”\n{times}"
        if note.orphan:
            text += f"\n⚠ {ORPHAN_TIP}"
        if note.trashed:
            text += "\nIn the trash: restore it to edit it."
        self.meta.setText(text)
        self.meta.setProperty("orphan", bool(note.orphan))
        self.meta.style().unpolish(self.meta)
        self.meta.style().polish(self.meta)
        self.meta.show()
        quote = " ".join((note.quote or "").split())
        self.quote.setText(f"“{quote}”" if quote else "On the whole article.")
        self.quote.show()

    def _update_enabled(self) -> None:
        note = self._current
        editable = note is not None and not self._readonly and not note.trashed
        for widget in (self.editor, self.tags):
            widget.setEnabled(note is not None)
            widget.setReadOnly(not editable)
        self.editor.setPlaceholderText(
            "Write your note in Markdown: **bold**, *italic*, lists, [links](https://…), "
            "[[Entity name]] links to an entity. It saves as you type." if editable else
            "Select a note in the list, or select text in the article and press Ctrl+Shift+N."
            if note is None else "")
        self.trash_button.setVisible(note is not None and not note.trashed)
        self.restore_button.setVisible(note is not None and note.trashed)
        self.trash_button.setEnabled(editable)
        self.restore_button.setEnabled(note is not None and not self._readonly)
        self.trash_action.setEnabled(editable)

    def _update_preview(self) -> None:
        self._preview_timer.stop()
        text = self.editor.toPlainText()
        if self._current is None:
            self.preview.clear()
            return
        if not text.strip():
            self.preview.set_safe_html("<p><i>Nothing written yet.</i></p>")
            return
        rendered = self._render(text) if self._render else None
        if rendered is None:  # no renderer: the text as it is, escaped
            import html

            rendered = f"<pre>{html.escape(text)}</pre>"
        self.preview.set_safe_html(rendered)

    def _current_changed(self, current: QModelIndex, _previous) -> None:
        self.flush()
        note = current.data(OBJECT_ROLE) if current.isValid() else None
        if note is None or self._current is None or note.id != self._current.id:
            self._show(note)

    def _on_activated(self, index: QModelIndex) -> None:
        note = index.data(OBJECT_ROLE)
        if note is not None:
            self.note_activated.emit(note)

    def _on_text_changed(self) -> None:
        if self._loading or self._current is None:
            return
        self._preview_timer.start()
        self._on_edited()

    def _on_edited(self, *_args) -> None:
        if self._loading or self._current is None or self._readonly:
            return
        self._dirty = True
        self.saved_label.setText("")
        self._autosave.start()

    def _trash_clicked(self) -> None:
        if self._current is not None and not self._readonly and not self._current.trashed:
            self.flush()
            self.trash_requested.emit(self._current.id)

    def _restore_clicked(self) -> None:
        if self._current is not None and not self._readonly and self._current.trashed:
            self.restore_requested.emit(self._current.id)

    def _preview_link(self, url: QUrl) -> None:
        if url.scheme() == "entity":
            self.entity_link_activated.emit(url.path())
