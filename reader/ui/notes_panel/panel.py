"""`NotesPanel`, the Notes tab: the notes list over an autosaving Markdown editor.

The panel never calls the library. The window loads notes (a `NotesSnapshot`) and hands them
over; the panel reports what the user did through signals and is told how saves went.

Saving: every edit (body or tags) restarts a single-shot timer; when it fires, or when the
user switches note, or the window closes, the panel emits `save_requested(Edit)`. The window
saves it in its serial write lane and answers `saved(edit, note)` or `save_failed(edit,
message)`. A failed edit stays in the editor (and in `unsaved()`) and is sent again on the
next change: nothing the user typed is dropped because a save failed.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QTextCursor
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from reader.domain import Note
from reader.ui.models import OBJECT_ROLE, NoteModel, local_time
from reader.ui.notes_panel.editor import NoteEditorBox
from reader.ui.notes_panel.edits import Edit, same_tags, tags_text
from reader.ui.notes_panel.note_list import NoteListBox

AUTOSAVE_MS = 700  # pause in typing before a save (the brief: at most a second)
PREVIEW_MS = 200  # pause in typing before the preview is re-rendered
READONLY_MESSAGE = "Notes are read-only: the data folder can't be written."


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
        self._pending: dict[int, Edit] = {}  # note id -> latest edit not confirmed saved
        self._failed: set[int] = set()  # notes whose latest save failed

        self.banner = QLabel()
        self.banner.setObjectName("notesBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()

        # The list and the editor; their parts are the panel's too (the window and the
        # tests reach them as panel.list, panel.editor, ...).
        self.list_box = NoteListBox()
        self.view_combo = self.list_box.view_combo
        self.tag_combo = self.list_box.tag_combo
        self.article_button = self.list_box.article_button
        self.model = self.list_box.model
        self.proxy = self.list_box.proxy
        self.list = self.list_box.list
        self.trash_action = self.list_box.trash_action
        self.stack = self.list_box.stack
        self.editor_box = NoteEditorBox()
        self.meta = self.editor_box.meta
        self.quote = self.editor_box.quote
        self.tags = self.editor_box.tags
        self.editor = self.editor_box.editor
        self.preview = self.editor_box.preview
        self.trash_button = self.editor_box.trash_button
        self.restore_button = self.editor_box.restore_button
        self.saved_label = self.editor_box.saved_label

        self.view_combo.currentIndexChanged.connect(self._view_changed)
        self.tag_combo.currentIndexChanged.connect(self._tag_changed)
        self.list.activated.connect(self._on_activated)
        self.list.selectionModel().currentRowChanged.connect(self._current_changed)
        self.trash_action.triggered.connect(self._trash_clicked)
        self.tags.textEdited.connect(self._on_edited)
        self.editor.textChanged.connect(self._on_text_changed)
        self.preview.link_activated.connect(self._preview_link)
        self.trash_button.clicked.connect(self._trash_clicked)
        self.restore_button.clicked.connect(self._restore_clicked)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("notesSplitter")
        self.splitter.addWidget(self.list_box)
        self.splitter.addWidget(self.editor_box)
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
        self.list_box.available = snapshot is not None
        self.model.set_notes(snapshot.notes if snapshot else [])
        self.list_box.set_tags(snapshot.tags if snapshot else [])
        self.set_readonly(bool(snapshot and snapshot.readonly))
        self.list_box.update_counts()
        self.list_box.update_empty_state()
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

    def replace(self, note: Note) -> None:
        """A note changed outside the editor (trashed, restored, created): show it."""
        self.model.replace(note)
        if self._current is not None and self._current.id == note.id:
            self._current = note
            if self._visible(note.id):
                self._show_meta(note)
                self._update_enabled()
            else:
                self._show(None)
        self.list_box.update_counts()

    def set_tags(self, tags) -> None:
        """Refresh the tag filter's choices: [(tag, count)]."""
        self.list_box.set_tags(tags)

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
        return self.list_box.visible_notes()

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
        self.list_box.update_counts()
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
        return note.body == edit.body and same_tags(edit.tags, note.tags)

    # -- internals ------------------------------------------------------------------------
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
        self.list_box.update_empty_state()
        self.list.setColumnHidden(NoteModel.ARTICLE, self.proxy.view == "article")

    def _view_changed(self, _index: int) -> None:
        self._refilter(view=self.view_combo.currentData())

    def _tag_changed(self, _index: int) -> None:
        self._refilter(tag=self.tag_combo.currentData())

    def _visible(self, note_id) -> bool:
        return self.list_box.visible(note_id)

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

    def _show(self, note: Note | None) -> None:
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

    def _show_meta(self, note: Note | None) -> None:
        self.editor_box.show_meta(note, self.model.title)

    def _update_enabled(self) -> None:
        editable = self.editor_box.update_enabled(self._current, self._readonly)
        self.trash_action.setEnabled(editable)

    def _update_preview(self) -> None:
        self._preview_timer.stop()
        self.editor_box.show_preview(self._current, self._render)

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
