"""The "Edit details…" dialog: a date set on an undated article shows at once in the list,
the reading pane and the search index; bad input is refused in the dialog; undo."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox

from reader.ui.models import ArticleModel

from .conftest import click_article, settle_window


def _row(win, doc_id: str) -> int:
    return win.article_model.row_of(doc_id)


def _save(qtbot, win, dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    settle_window(qtbot, win)


def test_edit_details_sets_a_date_everywhere_and_undoes(qtbot, window):
    click_article(qtbot, window, "c-munro")
    # Undated, as most imported articles are (set through the service: "undated" by the user).
    window.library_changed.emit(window.library.articles.set_meta("c-munro", {"date": ""}))
    settle_window(qtbot, window)
    model = window.article_model
    assert model.index(_row(window, "c-munro"), ArticleModel.DATE).data() == "Undated ✎"

    menu = window.articles.list_menu("c-munro")
    [action] = [a for a in menu.actions() if a.text() == "Edit &details…"]
    action.trigger()
    dialog = window.articles.meta_dialog
    assert dialog.isVisible() and dialog.edits["date"].text() == ""

    dialog.edits["date"].setText("31/12/2010")  # refused in the dialog, one line
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.isVisible() and "YYYY-MM-DD" in dialog.error.text()

    table = window.article_table
    assert table.isColumnHidden(ArticleModel.SOURCE)  # no article has a source yet
    dialog.edits["date"].setText("2010-12-31")
    dialog.edits["source"].setText("Community Care")
    _save(qtbot, window, dialog)
    assert not dialog.isVisible()
    row = _row(window, "c-munro")
    assert model.index(row, ArticleModel.DATE).data() == "2010-12-31 ✎"
    assert model.index(row, ArticleModel.SOURCE).data() == "Community Care ✎"
    assert not table.isColumnHidden(ArticleModel.SOURCE)
    view_text = window.article_view.toPlainText()
    assert "2010-12-31 (set by you) · Community Care" in view_text
    assert window.library.search.run("date:2010").total == 1  # the index followed
    assert window.articles.corpus_span[0] == "2010-12-31"

    dialog = window.articles.edit_details("c-munro")
    assert dialog.undo.isEnabled()
    dialog.undo.click()
    settle_window(qtbot, window)
    info = window.library.articles.info("c-munro")
    assert (info.source, info.date, info.user_set) == ("", "", ("date",))
    assert model.index(_row(window, "c-munro"), ArticleModel.SOURCE).data() == ""
    assert table.isColumnHidden(ArticleModel.SOURCE)
