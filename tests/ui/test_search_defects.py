"""Drive the real window's search: what the header says, facets that toggle, filter chips,
the notes a search finds, and what the reading pane marks for a phrase or an entity."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt  # mightBeRichText lives in QtGui
from PySide6.QtGui import QTextDocument

from reader.domain import Hit, SearchResult

from .conftest import write_corpus


def shown_text(label) -> str:
    """The text a QLabel shows (rich text rendered, plain text as it is)."""
    text = label.text()
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text))
    if not rich:
        return text
    doc = QTextDocument()
    doc.setHtml(text)
    return doc.toPlainText()


def search(qtbot, win, query: str):
    win.search_field.clear()
    with qtbot.waitSignal(win.search_finished, timeout=5000) as blocker:
        qtbot.keyClicks(win.search_field, query)
    return blocker.args[0]


def facet_row(panel, group: str, label: str):
    facets = panel.facets
    parent = next(facets.index(r, 0) for r in range(facets.rowCount())
                  if facets.index(r, 0).data() == group)
    return next(facets.index(r, 0, parent) for r in range(facets.rowCount(parent))
                if facets.index(r, 0, parent).data() == label)


# -- 1: HTML entities --------------------------------------------------------------------


def test_header_and_query_errors_show_quotes_not_html_entities(qtbot, window):
    search(qtbot, window, '"Munro review"')
    header = shown_text(window.search_panel.header)
    assert '“"Munro review"”' in header and "&" not in header
    window.search_field.clear()
    for query, expected in (("title:", "'title:' needs something after it"),
                            ("date:<x>", "Could not understand 'date:<x>'")):
        window.search_field.clear()
        with qtbot.waitSignal(window.search_failed, timeout=5000):
            qtbot.keyClicks(window.search_field, query)
        header = shown_text(window.search_panel.header)
        assert expected in header, header
        assert "&#x27;" not in header and "&gt;" not in header and "&lt;" not in header


# -- 3: a search that finds only a note ----------------------------------------------------


def test_a_search_finding_only_a_note_does_not_say_no_results(qtbot, window):
    window.library.notes.add("a-leeds", body="Ask about the zebra crossing")
    window.search_field.setFocus()
    with qtbot.waitSignals([window.search_finished, window.notes_found], timeout=5000):
        qtbot.keyClicks(window.search_field, "zebra")
    qtbot.waitUntil(lambda: window.search_panel.note_box.isVisible(), timeout=5000)
    panel = window.search_panel
    header = shown_text(panel.header)
    assert "No results" not in header and "1 note" in header, header
    assert "No results" not in panel.results_stack.label.text()
    assert "note" in panel.results_stack.label.text()


# -- 6: facets toggle, chips, undated/no-source buckets, plural ---------------------------


def test_one_match_is_singular(qtbot, window):
    search(qtbot, window, "spring")
    assert "1 article matches" in shown_text(window.search_panel.header)


def test_a_facet_clicked_again_removes_its_clause_and_shows_as_a_chip(qtbot, window):
    panel = window.search_panel
    search(qtbot, window, "ofsted")
    year = facet_row(panel, "Years", "2012")
    with qtbot.waitSignal(window.search_finished, timeout=5000) as narrowed:
        qtbot.mouseClick(panel.facet_view.viewport(), Qt.MouseButton.LeftButton,
                         pos=panel.facet_view.visualRect(year).center())
    assert narrowed.args[0].query == "ofsted date:2012"
    assert [chip.text() for chip in panel.chips()] == ["2012 ✕"]
    assert panel.chip_bar.isVisible()
    year = facet_row(panel, "Years", "2012")
    with qtbot.waitSignal(window.search_finished, timeout=5000) as widened:
        qtbot.mouseClick(panel.facet_view.viewport(), Qt.MouseButton.LeftButton,
                         pos=panel.facet_view.visualRect(year).center())
    assert widened.args[0].query == "ofsted"
    assert panel.chips() == [] and not panel.chip_bar.isVisible()
    # A chip's own click removes its filter too.
    search(qtbot, window, "ofsted date:2013")
    with qtbot.waitSignal(window.search_finished, timeout=5000) as removed:
        qtbot.mouseClick(panel.chips()[0], Qt.MouseButton.LeftButton)
    assert removed.args[0].query == "ofsted"


@pytest.fixture
def mixed_corpus(tmp_path):
    return write_corpus(tmp_path / "mixed", {
        "dated.txt": "Leeds praised\n\n1 March 2012\n\nOfsted praised Leeds.\n",
        "undated.txt": "Undated piece\n\nOfsted said nothing about Leeds today.\n",
        "sourced.html": "<html><head><title>Ofsted news</title>"
                        '<meta property="og:site_name" content="BBC News"></head><body>'
                        "<article><h1>Ofsted news</h1><p>Ofsted visited Leeds again this "
                        "week.</p></article></body></html>"})


def test_undated_and_sourceless_articles_count_in_the_facets(qtbot, make_window, data_dir,
                                                           mixed_corpus):
    win = make_window(data_dir, corpus=mixed_corpus, settle=False)
    qtbot.waitUntil(lambda: not win.starting and not win.runner.busy, timeout=10_000)
    result = search(qtbot, win, "ofsted")
    assert result.total == 3
    panel = win.search_panel
    undated = facet_row(panel, "Years", "Undated")
    assert panel.facets.index(undated.row(), 1, undated.parent()).data() == "2"
    no_source = facet_row(panel, "Sources", "No source")
    assert panel.facets.index(no_source.row(), 1, no_source.parent()).data() == "2"
    with qtbot.waitSignal(win.search_finished, timeout=5000) as narrowed:
        panel.facet_view.activated.emit(undated)
    assert sorted(h.id for h in narrowed.args[0].hits) == ["sourced", "undated"]
    assert [chip.text() for chip in panel.chips()] == ["Undated ✕"]


# -- 8: a phrase marks only the phrase; an entity hit's snippet shows the mention ----------


def test_a_phrase_query_marks_only_the_phrase_in_the_article(qtbot, window):
    search(qtbot, window, '"Munro review"')
    with qtbot.waitSignal(window.article_opened, timeout=5000):
        qtbot.keyClick(window.search_field, Qt.Key.Key_Return)
    view = window.article_view
    marked = [view.article.body[s:e] for s, e in view.term_selections()]
    assert marked and all(m.lower() == "munro review" for m in marked), marked


def test_an_entity_hit_shows_the_mention_not_the_opening_lines(qtbot, make_window, data_dir,
                                                            tmp_path, monkeypatch):
    opening = "Opening words of a long article. " * 12
    corpus = write_corpus(tmp_path / "long", {
        "long.txt": f"A long article\n\n1 March 2012\n\n{opening}\n\nLate in the text, "
                    "Eileen Munro spoke.\n"})
    win = make_window(data_dir, corpus=corpus, settle=False)
    qtbot.waitUntil(lambda: not win.starting and not win.runner.busy, timeout=10_000)
    query = "entity:'eileen munro'"
    lead = opening[:200]
    # The index of this fake library has no entity field: answer as the index does, with
    # the article's opening lines as the snippet.
    monkeypatch.setattr(win.library.search, "run", lambda q, limit=20, facets=False, **_:
                        SearchResult(query=q, total=1, hits=[Hit("long", "A long article",
                                                                 1.0, lead)]))
    search(qtbot, win, query)
    qtbot.waitUntil(lambda: "Munro" in (win.search_panel.hits.hit(0).snippet or ""),
                    timeout=5000)
    snippet = win.search_panel.hits.hit(0).snippet
    assert "<b>Eileen Munro</b> spoke." in snippet and snippet.startswith("… ")



def test_the_first_hit_takes_enter_but_does_not_look_open(qtbot, window):
    """The reading pane shows what it showed before the search: the first hit is where
    Enter goes (the list's current row), not highlighted as if it were open."""
    results = window.search_panel.results
    search(qtbot, window, '"Munro review"')
    assert results.currentIndex().row() == 0
    assert not results.selectionModel().selectedIndexes()
    with qtbot.waitSignal(window.article_opened, timeout=5000):
        qtbot.keyClick(window.search_field, Qt.Key.Key_Return)
    assert window.article_view.article.id == window.search_panel.result.hits[0].id
