"""Drive the real main window: open, find, zoom, search, notes, import, index, restart."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from reader.library import Library
from reader.services.indexing import IndexingService

from .conftest import click_article, settle_window

# -- articles ----------------------------------------------------------------------------


def test_window_lists_articles_and_opens_one_on_click(qtbot, window):
    assert window.article_model.rowCount() == 3
    assert window.article_table.horizontalHeader().isSortIndicatorShown()
    click_article(qtbot, window, "b-gove")
    view = window.article_view
    assert view.article.title == "Gove announces social work reform"
    text = view.toPlainText()
    assert text.startswith("Gove announces social work reform\n2013-05-10 · Ben Jones")
    # The body starts at a known position and maps 1:1.
    assert text[view.body_start:view.body_start + 20] == view.article.body[:20]
    # Reader comments are kept aside, collapsed behind a link at the end.
    assert "Good news for social workers" not in text
    assert "Reader comments (" in text
    assert window.article_model.is_read("b-gove")
    settle_window(qtbot, window)  # the read state is written in the write lane
    assert "b-gove" in window.library.articles.read_docs()
    assert window.windowTitle().startswith("Gove announces")


def test_filter_box_and_empty_filter_state(qtbot, window):
    qtbot.keyClicks(window.article_filter, "munro")
    assert window.article_proxy.rowCount() == 1
    qtbot.keyClicks(window.article_filter, " zebra")
    assert window.article_stack.is_empty
    assert "No articles match" in window.article_stack.label.text()


def test_comments_expand_and_offsets_stay_exact(qtbot, window):
    click_article(qtbot, window, "b-gove")
    view = window.article_view
    window.actions_by_name["toggle_extras"].trigger()
    assert "Good news for social workers" in view.toPlainText()
    body = view.article.body
    start = body.index("Leeds City Council")
    view.select_body(start, start + len("Leeds City Council"))
    assert view.textCursor().selectedText() == "Leeds City Council"


def test_find_in_article(qtbot, window):
    click_article(qtbot, window, "b-gove")
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.find_bar.isVisible()
    qtbot.keyClicks(window.find_bar.edit, "social")
    assert window.find_bar.count.text() == "1 of 2"  # title and body; not the comments
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Return)
    assert window.find_bar.count.text() == "2 of 2"
    assert window.article_view.textCursor().selectedText().lower() == "social"
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Escape)
    assert not window.find_bar.isVisible()


def test_zoom_shortcuts(qtbot, window):
    click_article(qtbot, window, "a-leeds")
    view = window.article_view
    size = view.document().defaultFont().pointSizeF()
    qtbot.keyClick(window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom == 1 and view.document().defaultFont().pointSizeF() > size
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom == 0


# -- search ------------------------------------------------------------------------------


def test_search_as_you_type_then_enter_opens_first_hit_with_terms_highlighted(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.search_field.hasFocus()
    with qtbot.waitSignal(window.search_finished, timeout=5000) as blocker:
        qtbot.keyClicks(window.search_field, "inspectors professionals")
    result = blocker.args[0]
    assert result.query == "inspectors professionals" and result.hits
    assert window.left.currentWidget() is window.search_panel
    assert "<b>" in window.search_panel.hits.index(0, 0).data(Qt.ItemDataRole.UserRole + 3)
    assert set(result.facets) >= {"source", "year"}
    with qtbot.waitSignal(window.article_opened, timeout=5000) as opened:
        qtbot.keyClick(window.search_field, Qt.Key.Key_Return)
    assert opened.args == [result.hits[0].id]
    view = window.article_view
    words = [view.article.body[s:e].lower() for s, e in view.term_selections()]
    assert any(w.startswith("inspect") for w in words)
    assert any(w.startswith("profession") for w in words)
    assert all(any(w.startswith(t) for t in result.terms) for w in words)
    assert len(view.extraSelections()) >= len(words)


def test_enter_before_the_debounce_fires_still_opens_the_first_hit(qtbot, window):
    window.search_field.setFocus()
    qtbot.keyClicks(window.search_field, "munro")
    with qtbot.waitSignal(window.article_opened, timeout=5000) as opened:
        qtbot.keyClick(window.search_field, Qt.Key.Key_Return)
    assert opened.args[0] in {"c-munro", "b-gove"}


def test_no_results_and_bad_queries_say_so(qtbot, window):
    with qtbot.waitSignal(window.search_finished, timeout=5000):
        qtbot.keyClicks(window.search_field, "zebra")
    panel = window.search_panel
    assert panel.results_stack.is_empty
    assert "No results for “zebra”" in panel.results_stack.label.text()
    window.search_field.clear()
    assert window.left.currentIndex() == 0
    with qtbot.waitSignal(window.search_failed, timeout=5000) as failed:
        qtbot.keyClicks(window.search_field, '"unbalanced')
    assert "quote" in failed.args[1].lower()
    assert "quote" in panel.header.text().lower()


def test_facet_narrows_the_search(qtbot, window):
    with qtbot.waitSignal(window.search_finished, timeout=5000):
        qtbot.keyClicks(window.search_field, "ofsted")
    facets = window.search_panel.facets
    years = next(facets.index(r, 0) for r in range(facets.rowCount())
                 if facets.index(r, 0).data() == "Years")
    year = facets.index(0, 0, years)
    with qtbot.waitSignal(window.search_finished, timeout=5000) as blocker:
        window.search_panel.facet_view.activated.emit(year)
    assert blocker.args[0].query == f"ofsted date:{year.data()}"
    assert blocker.args[0].total == 1


# -- notes -------------------------------------------------------------------------------


def test_new_note_from_selection(qtbot, make_window, built_data_dir):
    window = make_window(built_data_dir, library_cls=Library)  # the real notes store
    click_article(qtbot, window, "c-munro")
    view = window.article_view
    body = view.article.body
    start = body.index("Eileen Munro")
    view.select_body(start, start + len("Eileen Munro"))
    with qtbot.waitSignal(window.notes_loaded, timeout=5000):
        qtbot.keyClick(window, Qt.Key.Key_N,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    notes = window.library.notes.list()
    assert [(n.doc, n.quote) for n in notes] == [("c-munro", "Eileen Munro")]
    assert window.sidebar.currentWidget() is window.notes_panel
    qtbot.keyClicks(window.notes_panel.editor, "Key author")
    window.notes_panel.flush()
    settle_window(qtbot, window)
    assert window.library.notes.list()[0].body == "Key author"
    assert window.notes_panel.model.index(0, 0).data() == "Key author"  # list reloaded


# -- import, index, restart --------------------------------------------------------------


def test_import_through_the_file_dialog(qtbot, window, tmp_path, monkeypatch):
    good = tmp_path / "new.txt"
    good.write_text("Fostering review launched\n\n3 June 2014\n\nA review of fostering began.\n")
    bad = tmp_path / "picture.png"
    bad.write_bytes(b"\x89PNG")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        lambda *a, **k: ([str(good), str(bad)], ""))
    with qtbot.waitSignal(window.import_finished, timeout=10_000) as done:
        qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    statuses = sorted(o.status for o in done.args[0])
    assert statuses == ["failed", "imported"]
    assert window.article_model.rowCount() == 4
    report = window.import_report.view.toPlainText()
    assert "imported" in report and "failed" in report and "picture.png" in report
    qtbot.waitUntil(lambda: window.current_doc is not None
                    and window.current_doc.startswith("new-"), timeout=5000)
    with qtbot.waitSignal(window.search_finished, timeout=5000) as found:
        qtbot.keyClicks(window.search_field, "fostering")
    assert found.args[0].total == 1


def test_first_index_runs_in_the_background_with_progress(qtbot, make_window, data_dir):
    win = make_window(data_dir, settle=False)
    qtbot.waitUntil(lambda: win.article_model.rowCount() == 3)  # listed before the index
    with qtbot.waitSignal(win.index_finished, timeout=10_000) as done:
        pass
    assert done.args[0].added == 3
    assert not win.progress.isVisible()


def test_cancel_stops_indexing(qtbot, make_window, data_dir, monkeypatch):
    import threading

    def slow_index(self, rebuild=False, progress=None, cancelled=None, nlp=True, cluster=None):
        from reader.domain import IndexReport

        for n in range(1000):
            progress("index", n, 1000)
            if cancelled():
                return IndexReport(total=1000, cancelled=True)
            threading.Event().wait(0.01)
        return IndexReport(total=1000)

    monkeypatch.setattr(IndexingService, "update", slow_index)
    win = make_window(data_dir, settle=False)
    qtbot.waitUntil(lambda: win.cancel_button.isVisible(), timeout=5000)
    assert win.progress.isVisible()
    with qtbot.waitSignal(win.index_finished, timeout=5000) as done:
        qtbot.mouseClick(win.cancel_button, Qt.MouseButton.LeftButton)
    assert done.args[0].cancelled
    assert "cancelled" in win.statusBar().currentMessage().lower()


def test_restart_restores_the_session(qtbot, make_window, built_data_dir):
    win = make_window(built_data_dir)
    win.resize(760, 560)  # within the offscreen screen, so restoreGeometry keeps it
    click_article(qtbot, win, "b-gove")
    win.zoom(+2)
    win.actions_by_name["toggle_extras"].trigger()  # longer: comments shown
    bar = win.article_view.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())
    top = win.article_view.top_pos()
    with qtbot.waitSignal(win.search_finished, timeout=5000):
        qtbot.keyClicks(win.search_field, "ofsted")
    win.show_tab(1)
    win.splitter.setSizes([180, 400])
    sizes = win.splitter.sizes()
    win.close()
    assert (built_data_dir / "ui.ini").exists()

    again = make_window(built_data_dir, settle=False)
    qtbot.waitUntil(lambda: again.current_doc == "b-gove", timeout=5000)
    settle_window(qtbot, again)
    assert again.search_field.text() == "ofsted"
    assert again.search_result is not None and again.search_result.query == "ofsted"
    assert again.article_view.zoom == 2
    assert again.sidebar.currentIndex() == 1
    assert abs(again.splitter.sizes()[0] - sizes[0]) <= 2
    assert top > 0 and abs(again.article_view.top_pos() - top) < 40
    assert again.actions_by_name["toggle_extras"].isChecked()


def test_restart_marks_the_search_terms_again(qtbot, make_window, built_data_dir):
    win = make_window(built_data_dir)
    with qtbot.waitSignal(win.search_finished, timeout=5000):
        qtbot.keyClicks(win.search_field, "ofsted")
    with qtbot.waitSignal(win.article_opened, timeout=5000):
        qtbot.keyClick(win.search_field, Qt.Key.Key_Return)
    doc, marks = win.current_doc, win.article_view.term_selections()
    assert marks
    win.close()

    again = make_window(built_data_dir)
    assert again.current_doc == doc
    assert again.article_view.term_selections() == marks


def test_empty_corpus_says_how_to_import(qtbot, make_window, data_dir, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    win = make_window(data_dir, corpus=empty)
    assert win.article_stack.is_empty
    assert "Import" in win.article_stack.label.text()
    assert "Import" in win.article_view.toPlainText()


# -- every action on a shortcut ----------------------------------------------------------


def test_every_action_has_a_unique_shortcut_listed_in_help(qtbot, window):
    seen = {}
    for name, action in window.actions_by_name.items():
        assert action.shortcuts(), f"{name} has no shortcut"
        for key in action.shortcuts():
            assert key.toString() not in seen, f"{key.toString()}: {name} and {seen.get(key)}"
            seen[key.toString()] = name
    listed = {a for _, a, _ in window.shortcut_table()}
    for action in window.actions_by_name.values():
        assert action.text().replace("&", "") in listed
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert "Next mention" in window.shortcuts_dialog.findChild(type(window.entity_panel.details)) \
        .toPlainText()
    window.shortcuts_dialog.close()


def test_a_damaged_notes_database_is_reported_not_fatal(qtbot, make_window, built_data_dir):
    (built_data_dir / "reader.sqlite3").write_bytes(b"this is not a database" * 100)
    win = make_window(built_data_dir, library_cls=Library)
    box = win.findChild(QMessageBox, "userDataMessage")
    assert box is not None and box.isVisible()
    assert "damaged" in box.text().lower() or "restored" in box.text().lower()
    box.close()


def test_export_notes_writes_the_chosen_file(qtbot, make_window, built_data_dir, tmp_path,
                                             monkeypatch):
    win = make_window(built_data_dir, library_cls=Library)
    win.library.notes.add("a-leeds", 0, 6, body="About Ofsted")
    target = tmp_path / "notes.md"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(target), "Markdown (*.md)"))
    qtbot.keyClick(win, Qt.Key.Key_E,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(target.exists, timeout=5000)
    assert "About Ofsted" in target.read_text(encoding="utf-8")
    qtbot.waitUntil(lambda: "exported" in win.statusBar().currentMessage(), timeout=5000)
