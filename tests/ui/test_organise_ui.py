"""Drive the real window: stars and tags on articles, saved searches, results ordered by date,
snippets made only for the rows in view."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QMessageBox

from reader.ui.models.articles import STAR
from reader.ui.search_controller import SORT_KEY

from .conftest import settle_window, write_corpus

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_ALT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def search(qtbot, win, query: str):
    win.search_field.clear()
    with qtbot.waitSignal(win.search_finished, timeout=5000) as blocker:
        qtbot.keyClicks(win.search_field, query)
    return blocker.args[0]


def title_cell(win, doc_id: str) -> str:
    return win.article_model.index(win.article_model.row_of(doc_id), 0).data()


def back_to(qtbot, win) -> None:
    """The window active again after a dialog closed (window shortcuts need it)."""
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=5000)


def open_doc(qtbot, win, doc_id: str) -> None:
    with qtbot.waitSignal(win.article_opened, timeout=5000):
        win.open_article(doc_id)


def test_ctrl_d_stars_the_open_article_and_the_list_shows_it(qtbot, window):
    open_doc(qtbot, window, "a-leeds")
    assert not title_cell(window, "a-leeds").startswith(STAR)
    qtbot.keyClick(window, Qt.Key.Key_D, CTRL)
    qtbot.waitUntil(lambda: title_cell(window, "a-leeds").startswith(STAR), timeout=5000)
    assert window.library.articles.info("a-leeds").starred
    window.article_filter.setText("starred:yes")  # the list's filter takes the search terms
    assert window.article_proxy.rowCount() == 1
    window.article_filter.clear()
    qtbot.keyClick(window, Qt.Key.Key_D, CTRL)
    qtbot.waitUntil(lambda: not title_cell(window, "a-leeds").startswith(STAR), timeout=5000)
    assert not window.library.articles.info("a-leeds").starred


def test_tags_from_the_context_menu_with_completion_then_filtered(qtbot, window):
    menu = window.articles.list_menu("b-gove")
    actions = {a.text().replace("&", ""): a for a in menu.actions()}
    assert {"Star", "Tags…"} <= set(actions)
    actions["Tags…"].trigger()
    dialog = window.articles.tags_dialog
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.edit, "evidence, to check")
    with qtbot.waitSignal(window.library_changed, timeout=5000):
        qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    assert window.library.articles.info("b-gove").tags == ("evidence", "to check")
    assert "tags: evidence, to check" in window.article_model.index(
        window.article_model.row_of("b-gove"), 0).data(Qt.ItemDataRole.ToolTipRole)
    # The next article's editor completes from the tags the library uses.
    dialog = window.articles.edit_tags("c-munro")
    qtbot.waitExposed(dialog)
    completer = dialog.edit.completer()
    completer.setCompletionPrefix("ev")
    assert completer.currentCompletion() == "evidence, "  # the line as completed
    dialog.reject()
    result = search(qtbot, window, "Ofsted tag:evidence")
    assert [h.id for h in result.hits] == ["b-gove"]
    assert [c.text() for c in window.search_panel.chips()] == ["#evidence ✕"]
    with qtbot.waitSignal(window.search_finished, timeout=5000) as widened:
        window.search_panel.chips()[0].click()
    assert len(widened.args[0].hits) == 3 and window.search_field.text() == "Ofsted"


def test_a_search_saved_runs_renamed_and_deleted_from_the_keyboard(qtbot, window):
    search(qtbot, window, "Ofsted")
    qtbot.keyClick(window, Qt.Key.Key_S, CTRL)
    dialog = window.findChild(QInputDialog, "saveSearchDialog")
    qtbot.waitExposed(dialog)
    line = dialog.findChild(QLineEdit)
    line.setText("Inspections")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    saved = window.search_panel.saved
    qtbot.waitUntil(lambda: saved.model.rowCount() == 1, timeout=5000)
    assert saved.model.search(0).query == "Ofsted"

    window.search_field.clear()
    back_to(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_K, CTRL_SHIFT)
    assert window.left.currentIndex() == 1 and saved.view.hasFocus()
    with qtbot.waitSignal(window.search_finished, timeout=5000) as ran:
        qtbot.keyClick(saved.view, Qt.Key.Key_Return)
    assert ran.args[0].query == "Ofsted" and window.search_field.text() == "Ofsted"

    back_to(qtbot, window)
    saved.view.setFocus()
    qtbot.keyClick(saved.view, Qt.Key.Key_F2)  # the list's own F2, not Rename entity
    dialog = window.findChild(QInputDialog, "renameSearchDialog")
    qtbot.waitExposed(dialog)
    line = dialog.findChild(QLineEdit)
    line.setText("Ofsted articles")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: saved.model.rowCount() == 1
                    and saved.model.search(0).name == "Ofsted articles", timeout=5000)

    back_to(qtbot, window)
    saved.view.setFocus()
    saved.view.setCurrentIndex(saved.model.index(0, 0))
    qtbot.keyClick(saved.view, Qt.Key.Key_Delete)
    box = window.findChild(QMessageBox, "deleteSearchBox")
    qtbot.waitExposed(box)
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: saved.model.rowCount() == 0, timeout=5000)
    assert window.library.search.saved() == []
    assert saved.stack.is_empty


def test_sort_by_date_is_chosen_remembered_and_restored(qtbot, make_window, built_data_dir):
    win = make_window(built_data_dir)
    assert len(search(qtbot, win, "Ofsted").hits) == 3
    box = win.search_panel.sort_box
    with qtbot.waitSignal(win.search_finished, timeout=5000) as newest:
        box.setCurrentIndex(box.findData("newest"))
    assert [h.id for h in newest.args[0].hits] == ["b-gove", "a-leeds", "c-munro"]
    with qtbot.waitSignal(win.search_finished, timeout=5000) as oldest:
        qtbot.keyClick(win, Qt.Key.Key_6, CTRL_ALT)
    assert [h.id for h in oldest.args[0].hits] == ["c-munro", "a-leeds", "b-gove"]
    assert box.currentData() == "oldest"
    assert win.actions_by_name["sort_oldest"].isChecked()
    assert win.settings.value(SORT_KEY) == "oldest"
    win.close()
    again = make_window(built_data_dir)
    assert again.search.sort == "oldest"
    assert again.search_panel.sort_box.currentData() == "oldest"
    assert again.actions_by_name["sort_oldest"].isChecked()


def test_snippets_are_made_only_for_the_rows_in_view(qtbot, make_window, data_dir, tmp_path):
    corpus = write_corpus(tmp_path / "many", {
        f"n{n:02d}.txt": f"Walrus report {n}\n\n{1 + n % 28} March 2012\n\n"
                         f"Opening words {n}. The walrus colony grew this year, said the "
                         "keepers.\n" for n in range(60)})
    win = make_window(data_dir, corpus=corpus)
    asked: list[str] = []
    real = win.library.search.snippets

    def spy(query, doc_ids):
        asked.extend(doc_ids)
        return real(query, doc_ids)

    win.library.search.snippets = spy
    panel = win.search_panel
    with qtbot.waitSignal(panel.snippets_filled, timeout=10_000):
        result = search(qtbot, win, "walrus")
    assert (result.total, len(result.hits)) == (60, 50)
    assert all(h.snippet == "" for h in result.hits)  # the search itself made none
    settle_window(qtbot, win)
    shown = list(panel.visible_rows())
    assert 0 < len(shown) < 50 and 0 < len(asked) < 50
    # Those in view were asked for (and a row that left the view as snippets grew it).
    assert {panel.hits.hit(r).id for r in shown} <= set(asked)
    assert len(set(asked)) <= len(shown) + 3
    for row in shown:
        assert "<b>walrus</b>" in panel.hits.hit(row).snippet.lower()
    assert not panel.hits.is_filled(49)
    panel.results.scrollToBottom()
    # Asked for at the next turn of the event loop (the scroll position in pixels once
    # became the timer's interval: seconds of placeholders).
    assert panel._visible_timer.isActive() and panel._visible_timer.interval() == 0
    qtbot.waitUntil(lambda: panel.hits.is_filled(49), timeout=10_000)
    assert "<b>walrus</b>" in panel.hits.hit(49).snippet.lower()
    assert len(set(asked)) < 50  # the middle rows never shown were never made


def hit_title(win, doc_id: str) -> str:
    hits = win.search_panel.hits
    row = next(r for r in range(hits.rowCount()) if hits.hit(r).id == doc_id)
    return hits.index(row, 0).data(Qt.ItemDataRole.UserRole + 3).split("<br>")[0]


def test_search_hits_show_the_star_of_a_starred_article(qtbot, window):
    open_doc(qtbot, window, "a-leeds")
    window.actions_by_name["star_article"].trigger()  # starred while no search is shown
    qtbot.waitUntil(lambda: title_cell(window, "a-leeds").startswith(STAR), timeout=5000)
    search(qtbot, window, "ofsted")
    assert hit_title(window, "a-leeds").startswith(f"<b>{STAR}")
    assert not hit_title(window, "c-munro").startswith(f"<b>{STAR}")
    # Starred from the hit list's article while the hits are shown: the row follows.
    open_doc(qtbot, window, "c-munro")
    window.actions_by_name["star_article"].trigger()
    qtbot.waitUntil(lambda: hit_title(window, "c-munro").startswith(f"<b>{STAR}"),
                    timeout=5000)
    open_doc(qtbot, window, "a-leeds")
    window.actions_by_name["star_article"].trigger()  # and the star taken off
    qtbot.waitUntil(lambda: not hit_title(window, "a-leeds").startswith(f"<b>{STAR}"),
                    timeout=5000)
