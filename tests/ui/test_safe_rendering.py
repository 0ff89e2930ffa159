"""Safe rendering in the real main window: hostile articles show as text and load nothing;
only web links leave the app; offsets stay exact with astral characters."""

from __future__ import annotations

import re

from reader.library import Library

from .conftest import click_article, write_corpus

# -- safe rendering ----------------------------------------------------------------------

HOSTILE = {
    "evil.html": """<html><head><title>Hostile page</title>
<link rel="stylesheet" href="file:///dev/zero"><script>alert('x')</script></head><body>
<h1>Hostile page</h1><p>Read <a href="file:///etc/passwd">this file</a> and
<img src="/dev/zero"> more text about councils.</p>
<p>Second paragraph with <img src="file:///dev/zero"> an image.</p></body></html>""",
    "tags.txt": """Literal tags in text

A body that talks about <img src="/dev/zero"> and <script>alert(1)</script> and
<a href="file:///etc/passwd">links</a> as plain text.
""",
}


def test_hostile_articles_render_as_text_without_loading_anything(qtbot, make_window, data_dir,
                                                                  tmp_path, monkeypatch):
    from reader.ui.viewer import ArticleView

    corpus = write_corpus(tmp_path / "hostile", HOSTILE)
    loads = []
    real = ArticleView.loadResource

    def spy(self, kind, url):
        loads.append(url.toString())
        return real(self, kind, url)

    monkeypatch.setattr(ArticleView, "loadResource", spy)
    win = make_window(data_dir, library_cls=Library, corpus=corpus)
    for doc_id in ("evil", "tags"):
        click_article(qtbot, win, doc_id)
        win.article_view.grab()  # lay out and paint everything
    view = win.article_view
    text = view.toPlainText()
    assert '<img src="/dev/zero">' in text and "<script>" in text  # shown, not run
    assert not re.search(r"\ufffc", text)  # no image object in the document
    assert loads == []
    # The viewer itself refuses resources even when handed raw HTML.
    view.setHtml('<img src="file:///dev/zero"><img src="/etc/hostname">')
    view.grab()
    assert loads and all(bytes(real(view, 2, _url(u))) == b"" for u in loads)


def test_only_web_links_leave_the_app(qtbot, window, monkeypatch):
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    view = window.article_view
    internal = []
    view.link_activated.connect(lambda url: internal.append(url.toString()))
    for link in ("file:///etc/passwd", "javascript:alert(1)", "https://example.org/x",
                 "entity:ofsted"):
        view.anchorClicked.emit(QUrl(link))
    assert opened == ["https://example.org/x"]
    assert internal == ["entity:ofsted"]
    assert window.entity_panel.current_id() == "ofsted"
    view.anchorClicked.emit(QUrl("entity:Leeds%20City%20Council"))  # notes link by name
    assert window.entity_panel.current_id() == "leeds-city-council"


def _url(text):
    from PySide6.QtCore import QUrl

    return QUrl(text)


def test_sanitiser_strips_active_content():
    from reader.ui.viewer import sanitise

    out = sanitise('<p onclick="x()">Hi <img src="/dev/zero"><script>bad()</script>'
                   '<a href="file:///etc/passwd">f</a> <a href="entity:gove">G</a></p>')
    assert "img" not in out and "script" not in out and "onclick" not in out
    assert "file:" not in out and 'href="entity:gove"' in out


def test_offsets_survive_astral_characters(qtbot):
    from reader.domain import Article
    from reader.ui.viewer import ArticleView

    view = ArticleView()
    qtbot.addWidget(view)
    art = Article("x", "Emoji 😀 title", "Ab 😀😀 cd\n\nSecond 🎉 para with Leeds in it.\r\nend")
    view.show_article(art)
    start = art.body.index("Leeds")
    view.select_body(start, start + 5)
    assert view.textCursor().selectedText() == "Leeds"
    assert view.selected_body_range() == (start, start + 5)
    end = art.body.index("end")
    view.select_body(end, end + 3)
    assert view.textCursor().selectedText() == "end"
