"""Notes in the real main window: anchoring from a selection, autosave, highlights, trash, tags,
orphans, safe preview, search, storage failures, import/export and the one-instance lock."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from dataclasses import replace
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QTextCursor
from PySide6.QtWidgets import QFileDialog, QMessageBox

from reader.errors import DiskFull
from reader.library import Library
from reader.paths import Paths
from reader.store import Store
from reader.ui.app import AlreadyOpen, lock_data_dir
from reader.ui.operations.notes import read_snapshot
from reader.ui.viewer import NOTE_PROPERTY, note_colour

from .conftest import ARTICLES, click_article, settle_window, write_corpus
from .fakes import ContractLibrary

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def select_text(view, start: int, end: int) -> None:
    """Select body[start:end] through the view's text cursor, as a mouse drag does."""
    cursor = view.textCursor()
    cursor.setPosition(view.body_pos(start))
    cursor.setPosition(view.body_pos(end), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)


def add_note_by_keyboard(qtbot, win, doc: str, passage: str):
    """Open `doc`, select `passage` and press Ctrl+Shift+N; the new Note."""
    if win.current_doc != doc:
        click_article(qtbot, win, doc)
    view = win.article_view
    start = view.article.body.index(passage)
    select_text(view, start, start + len(passage))
    with qtbot.waitSignal(win.note_added, timeout=5000) as added:
        qtbot.keyClick(view, Qt.Key.Key_N, CTRL_SHIFT)
    return added.args[0]


def note_selection(view, note_id):
    """The viewer's extra selection marking note `note_id`, or None."""
    for sel in view.extraSelections():
        if sel.format.property(NOTE_PROPERTY) == note_id:
            return sel
    return None


def type_and_wait_saved(qtbot, win, widget, text: str):
    """Type into an editor widget and wait for the autosave; the saved Note."""
    with qtbot.waitSignal(win.note_saved, timeout=5000) as saved:
        qtbot.keyClicks(widget, text)
    return saved.args[0]


@pytest.fixture
def lib_window(make_window, built_data_dir):
    """The main window over the real Library (real notes store) on the test corpus."""
    return make_window(built_data_dir, library_cls=Library)


def reopen(qtbot, make_window, win, data_dir, corpus=None):
    """Close `win` (and its library) and open a new window on the same data dir."""
    win.close()
    win.library.close()
    again = make_window(data_dir, library_cls=Library, corpus=corpus, settle=False)
    qtbot.waitUntil(lambda: again.current_doc is not None, timeout=5000)
    settle_window(qtbot, again)
    return again


# -- anchoring, autosave and restart ---------------------------------------------------


def test_selection_note_autosaves_and_survives_a_restart(qtbot, make_window, lib_window,
                                                        built_data_dir):
    win = lib_window
    passage = "Professor Eileen Munro published her review"
    note = add_note_by_keyboard(qtbot, win, "c-munro", passage)
    body = win.article_view.article.body
    start = body.index(passage)
    assert (note.doc, note.start, note.end, note.quote) == \
        ("c-munro", start, start + len(passage), passage)
    panel = win.notes_panel
    assert win.sidebar.currentWidget() is panel
    assert panel.current().id == note.id
    qtbot.waitUntil(panel.editor.hasFocus, timeout=2000)
    assert panel.quote.text() == f"“{passage}”"
    assert "Created" in panel.meta.text() and "Munro review published" in panel.meta.text()
    assert panel.list.isColumnHidden(2)  # no tags yet: no Tags column

    saved = type_and_wait_saved(qtbot, win, panel.editor, "Key source: **Munro** review")
    assert saved.body == "Key source: **Munro** review"
    assert "<strong>Munro</strong>" in panel.preview.toHtml() or \
        "font-weight:700" in panel.preview.toHtml()
    saved = type_and_wait_saved(qtbot, win, panel.tags, "munro, review")
    assert saved.tags == ("munro", "review")
    assert [panel.tag_combo.itemText(i) for i in range(panel.tag_combo.count())] == \
        ["All tags", "munro (1)", "review (1)"]
    assert not panel.list.isColumnHidden(2)
    sel = note_selection(win.article_view, note.id)
    assert sel is not None
    assert (sel.cursor.selectionStart(), sel.cursor.selectionEnd()) == \
        (win.article_view.body_pos(start), win.article_view.body_pos(start + len(passage)))

    again = reopen(qtbot, make_window, win, built_data_dir)
    assert again.current_doc == "c-munro"
    listed = again.notes_panel.visible_notes()
    assert [(n.id, n.body, n.tags) for n in listed] == \
        [(note.id, "Key source: **Munro** review", ("munro", "review"))]
    view = again.article_view
    assert view.note_spans() == [(note.id, start, start + len(passage))]
    sel = note_selection(view, note.id)
    assert sel is not None
    assert (sel.cursor.selectionStart(), sel.cursor.selectionEnd()) == \
        (view.body_pos(start), view.body_pos(start + len(passage)))
    assert sel.cursor.selectedText() == passage
    assert sel.format.background().color() == note_colour(view.palette())
    # Distinct from the entity-mention highlight (the palette's Highlight colour).
    assert sel.format.background().color().rgb() != \
        view.palette().color(view.palette().ColorRole.Highlight).rgb()


def test_close_flushes_the_last_keystrokes(qtbot, make_window, lib_window, built_data_dir):
    win = lib_window
    note = add_note_by_keyboard(qtbot, win, "a-leeds", "turned a corner")
    qtbot.keyClicks(win.notes_panel.editor, "typed just before closing")
    assert win.notes_panel._autosave.isActive()  # the pause has not passed yet
    again = reopen(qtbot, make_window, win, built_data_dir)
    assert again.library.notes.get(note.id).body == "typed just before closing"


def test_whole_article_note_and_switching_notes_saves(qtbot, lib_window):
    win = lib_window
    first = add_note_by_keyboard(qtbot, win, "b-gove", "Michael Gove")
    panel = win.notes_panel
    with qtbot.waitSignal(win.note_added, timeout=5000) as added:
        panel.article_button.click()  # "Note on this article"
    whole = added.args[0]
    assert whole.doc == "b-gove" and whole.quote == "" and whole.start is None
    assert panel.quote.text() == "On the whole article."
    assert whole.id not in [n for n, _, _ in win.article_view.note_spans()]
    qtbot.keyClicks(panel.editor, "About the reform as a whole")
    # Switching to the other note saves at once, without waiting for the pause.
    row = next(r for r in range(panel.proxy.rowCount())
               if panel.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 1) == first.id)
    with qtbot.waitSignal(win.note_saved, timeout=2000) as saved:
        qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton,
                         pos=panel.list.visualRect(panel.proxy.index(row, 0)).center())
    assert (saved.args[0].id, saved.args[0].body) == (whole.id, "About the reform as a whole")
    assert panel.current().id == first.id
    assert win.library.notes.get(whole.id).body == "About the reform as a whole"


def test_without_a_selection_add_note_says_what_to_do(qtbot, lib_window):
    click_article(qtbot, lib_window, "a-leeds")
    qtbot.keyClick(lib_window.article_view, Qt.Key.Key_N, CTRL_SHIFT)
    assert "Select some text" in lib_window.statusBar().currentMessage()
    settle_window(qtbot, lib_window)
    assert lib_window.library.notes.list() == []


def test_context_menu_offers_add_note_and_open_note(qtbot, lib_window):
    win = lib_window
    note = add_note_by_keyboard(qtbot, win, "a-leeds", "Ofsted praised Leeds")
    view = win.article_view
    start = view.article.body.index("fewer children waiting")
    select_text(view, start, start + len("fewer children waiting"))
    menu = view.context_menu(view.cursorRect().center())
    texts = [a.text().replace("&", "") for a in menu.actions()]
    assert "Add note" in texts and "Note on this article" in texts
    assert "Star article" in texts and "Article tags…" in texts  # as in the article list
    assert "Open note" not in texts
    add = next(a for a in menu.actions() if a.text().replace("&", "") == "Add note")
    with qtbot.waitSignal(win.note_added, timeout=5000) as added:
        add.trigger()
    assert added.args[0].quote == "fewer children waiting"
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.body_pos(view.article.body.index("praised") + 2))
    menu = view.context_menu(view.cursorRect(cursor).center())
    opener = next(a for a in menu.actions() if a.text().replace("&", "") == "Open note")
    with qtbot.waitSignal(view.note_clicked) as clicked:
        opener.trigger()
    assert clicked.args == [note.id]
    table = {(menu_name, action): keys for menu_name, action, keys in win.shortcut_table()}
    assert table[("Edit", "Add note")] == "Ctrl+Shift+N"
    assert table[("Edit", "Note on this article")]
    assert table[("File", "Import notes…")]


def test_clicking_a_noted_passage_opens_its_note(qtbot, lib_window):
    win = lib_window
    lib = win.library
    body = lib.articles.get("b-gove").body
    first = lib.notes.add("b-gove", body.index("Leeds City Council"),
                         body.index("Leeds City Council") + 18, body="On the council").note
    second = lib.notes.add("b-gove", body.index("Munro review"),
                          body.index("Munro review") + 12, body="On the review").note
    win.load_notes()
    click_article(qtbot, win, "b-gove")
    settle_window(qtbot, win)
    view = win.article_view
    assert sorted(n for n, _, _ in view.note_spans()) == [first.id, second.id]
    win.show_tab(0)
    for note, word in ((second, "review"), (first, "Council")):
        cursor = QTextCursor(view.document())
        cursor.setPosition(view.body_pos(body.index(word, body.index("Leeds City")) + 2))
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                         pos=view.cursorRect(cursor).center())
        assert win.sidebar.currentWidget() is win.notes_panel
        assert win.notes_panel.current().id == note.id
        assert win.notes_panel.editor.toPlainText() == note.body
    # Over a noted passage the pointer says it can be clicked; elsewhere it is as before.
    before = view.viewport().cursor().shape()
    qtbot.mouseMove(view.viewport(), view.cursorRect(cursor).center())
    assert view.viewport().cursor().shape() == Qt.CursorShape.PointingHandCursor
    cursor.setPosition(view.body_pos(body.index("Education secretary") + 3))
    qtbot.mouseMove(view.viewport(), view.cursorRect(cursor).center())
    assert view.viewport().cursor().shape() == before
    # A click elsewhere in the text opens nothing.
    with qtbot.assertNotEmitted(view.note_clicked):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                         pos=view.cursorRect(cursor).center())


# -- trash, tags, orphans --------------------------------------------------------------


def test_trash_and_restore(qtbot, lib_window):
    win = lib_window
    note = add_note_by_keyboard(qtbot, win, "a-leeds", "Inspectors said")
    panel = win.notes_panel
    type_and_wait_saved(qtbot, win, panel.editor, "Check this quote")
    assert note_selection(win.article_view, note.id) is not None
    with qtbot.waitSignal(win.note_changed, timeout=5000) as changed:
        qtbot.mouseClick(panel.trash_button, Qt.MouseButton.LeftButton)
    assert changed.args[0].trashed
    assert panel.visible_notes() == []
    assert note_selection(win.article_view, note.id) is None  # no longer highlighted
    assert panel.view_combo.currentText() == "This article"
    assert panel.view_combo.itemText(panel.view_combo.findData("trash")) == "Trash (1)"
    assert win.library.notes.list() == []  # out of the normal lists, still stored
    panel.set_view("trash")
    assert [n.id for n in panel.visible_notes()] == [note.id]
    panel.list.setCurrentIndex(panel.proxy.index(0, 0))
    assert panel.editor.isReadOnly() and panel.restore_button.isVisible()
    assert "In the trash" in panel.meta.text()
    with qtbot.waitSignal(win.note_changed, timeout=5000) as changed:
        qtbot.mouseClick(panel.restore_button, Qt.MouseButton.LeftButton)
    assert not changed.args[0].trashed
    assert panel.visible_notes() == []  # it left the trash view
    panel.set_view("article")
    assert [(n.id, n.body) for n in panel.visible_notes()] == [(note.id, "Check this quote")]
    assert note_selection(win.article_view, note.id) is not None
    # The Delete key in the list trashes the selected note too.
    panel.list.setCurrentIndex(panel.proxy.index(0, 0))
    panel.list.setFocus()
    with qtbot.waitSignal(win.note_changed, timeout=5000) as changed:
        qtbot.keyClick(panel.list, Qt.Key.Key_Delete)
    assert changed.args[0].trashed


def test_all_notes_view_tag_filter_and_sorting(qtbot, lib_window):
    win = lib_window
    lib = win.library
    a = lib.notes.add("a-leeds", 0, 6, body="Leeds note", tags=["leeds", "ofsted"]).note
    b = lib.notes.add("b-gove", 0, 4, body="Gove note", tags=["Leeds"]).note
    c = lib.notes.add("c-munro", body="Munro note", tags=["review"]).note
    with qtbot.waitSignal(win.notes_loaded, timeout=5000):
        win.load_notes()
    panel = win.notes_panel
    panel.set_view("all")
    assert {n.id for n in panel.visible_notes()} == {a.id, b.id, c.id}
    assert not panel.list.isColumnHidden(1)  # the Article column, in the all-notes view
    tags = [panel.tag_combo.itemText(i) for i in range(panel.tag_combo.count())]
    assert tags == ["All tags", "leeds (2)", "ofsted (1)", "review (1)"]
    panel.tag_combo.setCurrentIndex(1)
    assert {n.id for n in panel.visible_notes()} == {a.id, b.id}
    panel.tag_combo.setCurrentIndex(3)
    assert [n.id for n in panel.visible_notes()] == [c.id]
    panel.set_tag_filter(None)
    header = panel.list.horizontalHeader()
    for order in (sorted, lambda x: sorted(x, reverse=True)):  # click the Note column
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                         pos=QPoint(header.sectionViewportPosition(0) + 10,
                                    header.height() // 2))
        labels = [n.body for n in panel.visible_notes()]
        assert labels == order(labels)
    click_article(qtbot, win, "c-munro")
    panel.set_view("article")
    assert [n.id for n in panel.visible_notes()] == [c.id]
    assert panel.list.isColumnHidden(1)


def test_orphans_are_listed_and_marked_never_hidden(qtbot, make_window, data_dir, tmp_path):
    corpus = write_corpus(tmp_path / "corpus")
    win = make_window(data_dir, library_cls=Library, corpus=corpus)
    note = add_note_by_keyboard(qtbot, win, "c-munro", "Critics said the review avoided hard "
                                                       "choices.")
    kept = add_note_by_keyboard(qtbot, win, "c-munro", "Ofsted said it would study")
    # The article's text changes: the first passage is gone.
    (corpus / "c-munro.txt").write_text(
        ARTICLES["c-munro.txt"].replace("Critics said the review avoided hard choices.",
                                        "Everyone welcomed it."), encoding="utf-8")
    again = reopen(qtbot, make_window, win, data_dir, corpus)
    panel = again.notes_panel
    listed = {n.id: n for n in panel.visible_notes()}
    assert set(listed) == {note.id, kept.id}  # this article's view lists the orphan too
    assert listed[note.id].orphan and not listed[kept.id].orphan
    row = next(r for r in range(panel.proxy.rowCount())
               if panel.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 1) == note.id)
    assert panel.proxy.index(row, 0).data().startswith("⚠ ")
    assert panel.view_combo.itemText(panel.view_combo.findData("orphans")) == "Orphaned (1)"
    panel.set_view("orphans")
    assert [n.id for n in panel.visible_notes()] == [note.id]
    panel.list.setCurrentIndex(panel.proxy.index(0, 0))
    assert "no longer in the article" in panel.meta.text()
    assert panel.quote.text() == "“Critics said the review avoided hard choices.”"
    spans = again.article_view.note_spans()
    assert [n for n, _, _ in spans] == [kept.id]  # the orphan's old offsets are not marked


# -- preview -----------------------------------------------------------------------------

HOSTILE_NOTE = textwrap.dedent("""\
    # Heading
    <script>alert('x')</script>
    [click me](javascript:alert(1)) and <img src="file:///etc/passwd" onerror="alert(2)">
    <a href="javascript:alert(3)">raw link</a>
    See [[Michael Gove]] and [the site](https://example.org/page).
    """)


def test_preview_is_sanitised_and_links_are_routed(qtbot, make_window, built_data_dir,
                                                    monkeypatch):
    from reader.ui.viewer import SafeBrowser

    loads = []
    real_load = SafeBrowser.loadResource

    def spy(self, kind, url):
        loads.append(url.toString())
        return real_load(self, kind, url)

    monkeypatch.setattr(SafeBrowser, "loadResource", spy)
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    win = make_window(built_data_dir, library_cls=ContractLibrary)  # with fake entities
    win.library.notes.add("b-gove", body=HOSTILE_NOTE)
    with qtbot.waitSignal(win.notes_loaded, timeout=5000):
        win.load_notes()
    panel = win.notes_panel
    panel.set_view("all")
    panel.list.setCurrentIndex(panel.proxy.index(0, 0))
    panel.preview.grab()  # lay out and paint
    markup = panel.preview.toHtml()
    assert "Heading" in panel.preview.toPlainText()
    for bad in ("<script", "alert(", "javascript:", "onerror", "file:", "<img"):
        assert bad not in markup.lower(), bad
    assert 'href="entity:Michael%20Gove"' in markup
    assert 'href="https://example.org/page"' in markup
    assert loads == []
    assert not opened  # shown, not followed
    panel.preview.anchorClicked.emit(QUrl("https://example.org/page"))
    assert opened == ["https://example.org/page"]
    panel.preview.anchorClicked.emit(QUrl("javascript:alert(1)"))
    assert opened == ["https://example.org/page"]
    panel.preview.anchorClicked.emit(QUrl("entity:Michael%20Gove"))
    assert win.sidebar.currentWidget() is win.entity_panel
    assert win.entity_panel.current_id() == "michael-gove"


# -- the main search ---------------------------------------------------------------------


def test_main_search_lists_matching_notes_under_the_articles(qtbot, lib_window):
    win = lib_window
    lib = win.library
    body = lib.articles.get("b-gove").body
    note = lib.notes.add("b-gove", body.index("Munro review"), body.index("Munro review") + 12,
                        body="Compare with the fostering stocktake", tags=["fostering"]).note
    lib.notes.add("a-leeds", body="Nothing about that")
    found = []
    win.notes_found.connect(found.append)
    with qtbot.waitSignals([win.search_finished, win.notes_found], timeout=5000):
        qtbot.keyClicks(win.search_field, "fostering")
    assert [n.id for n in found[-1]] == [note.id]
    panel = win.search_panel
    assert panel.note_box.isVisible() and panel.note_header.text() == "Notes (1)"
    assert panel.results_stack.is_empty  # no article mentions fostering
    markup = panel.note_hits.index(0, 0).data(Qt.ItemDataRole.UserRole + 3)
    assert "Gove announces social work reform" in markup and "#fostering" in markup
    with qtbot.waitSignal(win.article_opened, timeout=5000):
        panel.note_results.activated.emit(panel.note_hits.index(0, 0))
    assert win.current_doc == "b-gove"
    assert win.notes_panel.current().id == note.id
    assert win.article_view.textCursor().selectedText() == "Munro review"
    # Field clauses are left out of the notes' search; articles still match them.
    with qtbot.waitSignal(win.notes_found, timeout=5000) as found:
        win.search_field.setText("stocktake date:2013")
    assert [n.id for n in found.args[0]] == [note.id]
    win.search_field.clear()
    assert not panel.note_box.isVisible()


# -- storage failures --------------------------------------------------------------------


class ReadOnlyLibrary(Library):
    """A library whose notes store is opened read-only (as for a data folder that cannot
    be written)."""

    def _open_store(self):
        with self._store_lock:
            if self._store is None:
                self._store = Store.open(self.paths.db_path, readonly=True)
            return self._store


def test_read_only_store_shows_a_banner_and_disables_editing(qtbot, make_window,
                                                              built_data_dir, ui_corpus):
    lib = Library(Paths.resolve(built_data_dir, ui_corpus))
    note = lib.notes.add("a-leeds", 0, 6, body="Written before").note
    lib.close()
    win = make_window(built_data_dir, library_cls=ReadOnlyLibrary)
    panel = win.notes_panel
    win.show_tab(2)
    assert panel.banner.isVisible()
    assert panel.banner.objectName() == "notesBanner"
    assert panel.banner.text() == "Notes are read-only: the data folder can't be written."
    panel.reveal(note.id)
    assert panel.editor.toPlainText() == "Written before"
    assert panel.editor.isReadOnly() and panel.tags.isReadOnly()
    assert not panel.trash_button.isEnabled()
    assert not win.actions_by_name["new_note"].isEnabled()
    assert not win.actions_by_name["article_note"].isEnabled()
    with qtbot.assertNotEmitted(panel.save_requested):
        qtbot.keyClicks(panel.editor, "more")
        panel.flush()
    assert panel.editor.toPlainText() == "Written before"


def test_disk_full_keeps_the_text_and_retries_on_the_next_edit(qtbot, lib_window,
                                                                monkeypatch):
    win = lib_window
    note = add_note_by_keyboard(qtbot, win, "a-leeds", "Michael Gove visited Leeds")
    lib = win.library
    real_update = lib.notes.update

    def full(*args, **kwargs):
        raise DiskFull("The disk is full, so this change was not saved (everything saved "
                       "before is safe). Free some space and try again.")

    monkeypatch.setattr(lib.notes, "update", full)
    panel = win.notes_panel
    with qtbot.waitSignal(win.note_save_failed, timeout=5000) as failed:
        qtbot.keyClicks(panel.editor, "Weeks of work")
    assert "disk is full" in failed.args[0]
    assert panel.banner.isVisible() and "disk is full" in panel.banner.text()
    assert panel.banner.property("kind") == "error"
    assert "disk is full" in win.statusBar().currentMessage()
    assert panel.editor.toPlainText() == "Weeks of work"  # nothing lost
    assert panel.saved_label.text() == "Not saved"
    # Closing now would lose the text: the window asks, and stays open when told to.
    asked = []
    monkeypatch.setattr(win, "confirm_close_unsaved", lambda problems: asked.append(problems)
                        or False)
    win.close()
    assert asked and "disk is full" in asked[0][0]
    assert win.isVisible() and panel.editor.toPlainText() == "Weeks of work"
    # Space is freed: the next edit saves everything typed.
    monkeypatch.setattr(lib.notes, "update", real_update)
    saved = type_and_wait_saved(qtbot, win, panel.editor, "!")
    assert saved.body == "Weeks of work!"
    assert lib.notes.get(note.id).body == "Weeks of work!"
    assert not panel.banner.isVisible()


def test_the_close_question_keeps_the_window_unless_told_otherwise(qtbot, lib_window):
    win = lib_window
    answers = []

    def answer(button_text):
        box = win.findChild(QMessageBox, "unsavedNoteQuestion")
        answers.append(box.text())
        if button_text is None:
            box.defaultButton().click()
        else:
            next(b for b in box.buttons() if b.text() == button_text).click()

    QTimer.singleShot(0, lambda: answer(None))
    assert win.confirm_close_unsaved(["The disk is full."]) is False
    assert "The disk is full." in answers[0]
    QTimer.singleShot(0, lambda: answer("Close and lose it"))
    assert win.confirm_close_unsaved(["The disk is full."]) is True


# -- import and export -------------------------------------------------------------------


def test_export_then_import_into_another_data_folder(qtbot, make_window, lib_window, tmp_path,
                                                     monkeypatch):
    win = lib_window
    lib = win.library
    lib.notes.add("a-leeds", 0, 6, body="First", tags=["x"])
    lib.notes.add("b-gove", body="Second")
    target = tmp_path / "notes-export"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(target), "JSON (W3C Web Annotations) (*.json)"))
    win.actions_by_name["export_notes"].trigger()
    exported = tmp_path / "notes-export.json"  # the chosen type's extension is added
    qtbot.waitUntil(exported.exists, timeout=5000)
    assert json.loads(exported.read_text(encoding="utf-8"))["total"] == 2

    other = make_window(tmp_path / "other-data", library_cls=Library)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(exported), ""))
    with qtbot.waitSignal(other.notes_imported, timeout=5000) as imported:
        qtbot.keyClick(other, Qt.Key.Key_I, CTRL_SHIFT)
    assert {k: imported.args[0][k] for k in ("added", "updated", "unchanged")} == \
        {"added": 2, "updated": 0, "unchanged": 0}
    report = other.findChild(QMessageBox, "notesImportReport")
    assert report is not None and "2 added" in report.text()
    report.close()
    other.notes_panel.set_view("all")
    assert sorted(n.body for n in other.notes_panel.visible_notes()) == ["First", "Second"]
    # Importing the same file again duplicates nothing; a damaged entry is reported.
    data = json.loads(exported.read_text(encoding="utf-8"))
    data["first"]["items"].append({"type": "Annotation", "body": []})
    exported.write_text(json.dumps(data), encoding="utf-8")
    with qtbot.waitSignal(other.notes_imported, timeout=5000) as imported:
        other.actions_by_name["import_notes"].trigger()
    assert imported.args[0]["unchanged"] == 2 and imported.args[0]["added"] == 0
    assert len(imported.args[0]["problems"]) == 1
    report = other.findChild(QMessageBox, "notesImportReport")
    assert "1 problem" in report.text() and "annotation 3" in report.text()
    report.close()
    # Not a notes export at all: a message, no crash.
    exported.write_text("not json", encoding="utf-8")
    other.actions_by_name["import_notes"].trigger()
    qtbot.waitUntil(lambda: other.findChild(QMessageBox, "messageBox") is not None,
                    timeout=5000)
    assert "not a notes export" in other.findChild(QMessageBox, "messageBox").text()


# -- one window per data folder ----------------------------------------------------------


def test_a_second_instance_is_refused_and_a_stale_lock_taken_over(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    first = lock_data_dir(folder)
    assert first is not None and first.isLocked()
    with pytest.raises(AlreadyOpen, match="reader is already open on this data folder"):
        lock_data_dir(folder)
    # The app itself: a clear message and exit code 1.
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    from reader.ui.app import run

    assert run(SimpleNamespace(data_dir=str(folder), corpus=str(tmp_path))) == 1
    assert shown and "already open on this data folder" in shown[0]
    first.unlock()
    second = lock_data_dir(folder)
    assert second is not None
    second.unlock()
    # A reader killed while holding the lock leaves the file behind: it is taken over.
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from PySide6.QtCore import QLockFile
            lock = QLockFile({str(folder / "reader.lock")!r})
            lock.setStaleLockTime(0)
            print(lock.tryLock(1000), flush=True)
            time.sleep(60)
        """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "True"
        with pytest.raises(AlreadyOpen):
            lock_data_dir(folder)
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(10)
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.stdout.close()
    assert (folder / "reader.lock").exists()
    taken = lock_data_dir(folder)
    assert taken is not None and taken.isLocked()
    taken.unlock()


def test_note_model_in_the_panel_passes_the_tester(qtmodeltester, lib_window):
    lib = lib_window.library
    note = lib.notes.add("a-leeds", 0, 6, body="x", tags=["t"]).note
    lib.notes.trash(lib.notes.add("b-gove", body="y").note.id)
    lib_window.notes_panel.set_notes(read_snapshot(lib))
    panel = lib_window.notes_panel
    qtmodeltester.check(panel.model)
    panel.set_view("all")
    qtmodeltester.check(panel.proxy)
    assert [n.id for n in panel.visible_notes()] == [note.id]
    panel.model.replace(replace(note, body="changed"))
    assert panel.visible_notes()[0].body == "changed"
