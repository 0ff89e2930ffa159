"""The Notes tab and noted passages: loading, adding, autosave, trash, export/import, and the
last save on close."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from reader.domain import Changes, Note
from reader.errors import ReaderError
from reader.ui.dialogs import notes_import_summary, show_notes_import_report
from reader.ui.models import note_label
from reader.ui.operations import notes as ops

log = logging.getLogger(__name__)

WRITE_ACTIONS = ("new_note", "article_note", "import_notes")  # disabled when read-only


class NotesController:
    """Behaviour of MainWindow `win`'s notes panel and the notes marked in the article."""

    def __init__(self, win):
        self.win = win
        self._keep = None  # note id to select when the list next reloads
        self._after_refresh: list = []  # callbacks run once the notes refresh arrives
        panel = win.notes_panel
        panel.set_renderer(win.library.notes.render)
        panel.note_activated.connect(self.open_note)
        panel.save_requested.connect(self._save)
        panel.trash_requested.connect(lambda note_id: self._trash_or_restore(note_id, True))
        panel.restore_requested.connect(lambda note_id: self._trash_or_restore(note_id, False))
        panel.entity_link_activated.connect(win.entities.select_entity)
        win.search_panel.note_activated.connect(self.open_note)
        win.article_view.note_clicked.connect(self._note_clicked)

    # -- loading -------------------------------------------------------------------------
    def load(self) -> None:
        """(Re)load every note, the tags and the store's read-only state."""
        ops.load_notes(self.win.runner, self.win.library, done=self._ready,
                       failed=self._failed)

    def on_library_changed(self, changes: Changes) -> None:
        """A saved, trashed or restored note is already in the list: its tags may have
        changed. Anything else (a new note, an import: `counts`) reloads the list."""
        if not changes.notes and changes.counts is None:
            return
        note = changes.note
        if note is not None and self.win.notes_panel.note(note.id) is not None:
            ops.load_tags(self.win.runner, self.win.library, done=self._tags_ready,
                          failed=lambda exc: self._refreshed())
        else:
            self._keep = note.id if note is not None else None
            self.load()

    def _ready(self, snapshot) -> None:
        win = self.win
        keep, self._keep = self._keep, None
        win.notes_panel.set_notes(snapshot, keep)
        for name in WRITE_ACTIONS:
            win.actions_by_name[name].setEnabled(not win.notes_panel.readonly)
        self.highlight()
        win.notes_loaded.emit()
        self._refreshed()

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, ReaderError):
            log.error("loading notes failed", exc_info=(type(exc), exc, exc.__traceback__))
        self.win.notes_panel.show_banner(f"Notes cannot be shown: {exc}", "error")
        self.win.statusBar().showMessage(f"Notes cannot be shown: {exc}", 10000)
        self.win.notes_loaded.emit()
        self._refreshed()

    def _tags_ready(self, tags) -> None:
        self.win.notes_panel.set_tags(tags)
        self.highlight()  # tooltips follow the first line
        self._refreshed()

    def _refreshed(self) -> None:
        callbacks, self._after_refresh = self._after_refresh, []
        for callback in callbacks:
            callback()

    def _announce(self, changes: Changes, callback) -> None:
        """Run `callback` once the window shows `changes`."""
        self._after_refresh.append(callback)
        self.win.library_changed.emit(changes)

    def highlight(self) -> None:
        """Mark the open article's noted passages (orphans and the trash are not marked)."""
        doc = self.win.current_doc
        spans = [] if doc is None else [
            (n.id, n.start, n.end, note_label(n)) for n in self.win.notes_panel.model.notes()
            if n.doc == doc and not n.trashed and not n.orphan and n.quote
            and n.start is not None and n.end is not None]
        self.win.article_view.highlight_notes(spans)

    # -- writing -------------------------------------------------------------------------
    def new_note(self) -> None:
        """A note on the passage selected in the reading pane, opened in the editor."""
        span = self.win.article_view.selected_body_range()
        if self.win.current_doc is None or span is None:
            self.win.statusBar().showMessage("Select some text in the article first (or "
                                             "use Edit > Note on this article).", 6000)
            return
        self._add(self.win.current_doc, *span)

    def new_article_note(self) -> None:
        """A note on the whole open article."""
        if self.win.current_doc is None:
            self.win.statusBar().showMessage("Open an article first.", 5000)
            return
        self._add(self.win.current_doc, None, None)

    def _add(self, doc: str, start, end) -> None:
        self.win.notes_panel.flush()

        def shown(note):
            self.win.show_tab(2)
            self.win.notes_panel.reveal(note.id, focus=True)
            self.win.statusBar().showMessage(
                "Note added: write it in the Notes tab; it saves as you type.", 5000)
            self.win.note_added.emit(note)

        ops.add_note(self.win.runner, self.win.library, doc, start, end,
                     done=lambda changes: self._announce(changes, lambda: shown(changes.note)),
                     failed=self.win.report_write_failure)

    def _save(self, edit) -> None:
        """Save one editor change (the write lane is FIFO: edits land in typing order)."""
        panel = self.win.notes_panel

        def done(changes):
            panel.saved(edit, changes.note)
            self._announce(changes, lambda: self.win.note_saved.emit(changes.note))

        def failed(exc):
            if not isinstance(exc, ReaderError):
                log.error("saving a note failed", exc_info=(type(exc), exc, exc.__traceback__))
            message = str(exc) or exc.__class__.__name__
            panel.save_failed(edit, message)
            self.win.statusBar().showMessage(f"Note not saved: {message}", 15000)
            self.win.note_save_failed.emit(message)

        ops.save_note(self.win.runner, self.win.library, edit.note_id, edit.body, edit.tags,
                      done=done, failed=failed)

    def _trash_or_restore(self, note_id: int, trash: bool) -> None:
        def done(changes):
            self.win.notes_panel.replace(changes.note)
            self._announce(changes, lambda: announce(changes.note))

        def announce(note):
            self.win.statusBar().showMessage(
                "Note moved to the trash (Notes > Trash to restore it)." if trash
                else "Note restored.", 6000)
            self.win.note_changed.emit(note)

        operation = ops.trash_note if trash else ops.restore_note
        operation(self.win.runner, self.win.library, note_id, done=done,
                  failed=self.win.report_write_failure)

    def open_note(self, note: Note) -> None:
        """Open a note's article at its passage, and the note in the Notes tab."""
        panel = self.win.notes_panel
        if panel.note(note.id) is None:  # e.g. added by `reader note` meanwhile
            panel.replace(note)
        panel.set_current_doc(note.doc)
        self.win.show_tab(2)
        panel.reveal(note.id)
        if note.doc != self.win.current_doc or note.quote:
            span = (note.start, note.end) if note.quote and note.start is not None \
                and not note.orphan else None
            self.win.open_article(note.doc, select=span)

    def _note_clicked(self, note_id) -> None:
        """A noted passage was clicked in the reading pane: its note, in the Notes tab (the
        keyboard stays with the reading pane)."""
        self.win.sidebar_dock.show()
        self.win.sidebar.setCurrentWidget(self.win.notes_panel)
        self.win.notes_panel.reveal(note_id)

    # -- export and import ---------------------------------------------------------------
    def export_notes(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(
            self.win, "Export notes", str(Path.home() / "reader-notes.md"),
            "Markdown (*.md);;JSON (W3C Web Annotations) (*.json)")
        if not path:
            return
        fmt = "json" if path.lower().endswith(".json") or "JSON" in chosen else "md"
        if fmt == "json" and not path.lower().endswith(".json"):
            path += ".json"
        elif fmt == "md" and Path(path).suffix == "":
            path += ".md"
        self.win.notes_panel.flush()
        ops.export_notes(self.win.runner, self.win.library, fmt, path,
                         done=lambda p: self.win.statusBar().showMessage(
                             f"Notes exported to {p}", 8000),
                         failed=self.win.report_write_failure)

    def import_notes(self) -> None:
        """Restore notes from a JSON export; known notes are updated, never duplicated."""
        path, _ = QFileDialog.getOpenFileName(
            self.win, "Import notes", str(Path.home()),
            "Notes export (W3C Web Annotations) (*.json);;All files (*)")
        if not path:
            return
        self.win.notes_panel.flush()

        def report(counts):
            show_notes_import_report(self.win, Path(path).name, counts)
            self.win.statusBar().showMessage(
                f"Notes imported: {notes_import_summary(counts)}.", 10000)
            self.win.notes_imported.emit(counts)

        ops.import_notes(
            self.win.runner, self.win.library, path,
            done=lambda changes: self._announce(changes, lambda: report(changes.counts)),
            failed=self.win.report_write_failure)

    # -- closing -------------------------------------------------------------------------
    def save_unsaved(self) -> list[str]:
        """On close: wait for the write lane, then save whatever the editor still holds
        (on the GUI thread, on purpose: the window is going away). The problems, for the
        user."""
        panel = self.win.notes_panel
        edits = panel.unsaved()
        if not edits:
            return []
        self.win.runner.wait_for_writes()
        notes = self.win.library.notes
        problems = []
        for edit in edits:
            try:
                if panel.is_saved_as(edit, notes.get(edit.note_id)):
                    continue
                notes.update(edit.note_id, body=edit.body, tags=edit.tags)
            except Exception as exc:  # every failure is reported: the text must not vanish
                if not isinstance(exc, ReaderError):
                    log.error("saving a note on close failed",
                              exc_info=(type(exc), exc, exc.__traceback__))
                problems.append(str(exc) or exc.__class__.__name__)
                panel.save_failed(edit, problems[-1])
        return problems
