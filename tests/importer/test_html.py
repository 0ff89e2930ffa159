"""Web pages through trafilatura: main text, the page's own metadata, chrome and comments
kept aside, and nothing fetched."""

from __future__ import annotations

import socket

import pytest

from reader.importer import parse_bytes

PAGE = """<!doctype html><html><head><title>Council votes | The Northshire Gazette</title>
<meta property="og:site_name" content="The Northshire Gazette">
<meta property="og:title" content="Council votes to outsource children's services">
<meta name="author" content="Ann Writer">
<meta property="article:published_time" content="2014-04-17T09:30:00+01:00">
<link rel="stylesheet" href="https://example.org/site.css">
<script src="https://example.org/track.js"></script></head>
<body><nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/sport">Sport</a></nav>
<article><h1>Council votes to outsource children's services</h1>
<p>The council voted on Wednesday to hand its children's services to an independent trust,
after a debate that ran late into the night at the civic centre.</p>
<p>Opponents said the decision was rushed, that families had not been asked and that the
trust had no record of running services of this size or this complexity.</p>
<p>Did you enjoy this article?</p>
<p>The leader of the council said the move would protect front-line jobs and bring in fresh
leadership within the year, and promised a review after twelve months.</p>
<img src="https://example.org/photo.jpg" alt="The civic centre"></article>
<div id="comments" class="comments"><h3>2 Comments</h3>
<div class="comment"><p>Sam: This is a terrible idea and nobody asked us.</p></div>
<div class="comment"><p>Jo: About time something changed here.</p></div></div>
<footer><p>Copyright 2014 Northshire Media. All rights reserved.</p></footer>
</body></html>"""


@pytest.fixture
def no_network(monkeypatch):
    import trafilatura  # noqa: F401 - imported before the patch: urllib3 subclasses socket

    def refuse(*args, **kwargs):
        raise AssertionError("the importer tried to open a network connection")
    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_page_text_and_its_metadata(no_network):
    art = parse_bytes(PAGE.encode(), "page.html", "doc")
    assert art.title == "Council votes to outsource children's services"
    assert (art.source, art.author, art.date, art.date_from) == (
        "The Northshire Gazette", "Ann Writer", "2014-04-17", "text")
    paras = art.body.split("\n\n")
    assert len(paras) == 3
    assert paras[0].startswith("The council voted") and paras[2].endswith("twelve months.")


def test_chrome_and_comments_kept_aside(no_network):
    art = parse_bytes(PAGE.encode(), "page.html", "doc")
    for furniture in ("Home", "Did you enjoy", "Copyright", "terrible idea"):
        assert furniture not in art.body
    assert "Did you enjoy this article?" in art.chrome  # reader's own rule, after trafilatura
    assert "Copyright 2014" in art.chrome
    assert art.comments.startswith("2 Comments") and "terrible idea" in art.comments


def test_page_without_date_metadata_stays_undated(no_network):
    page = PAGE.replace('<meta property="article:published_time" '
                        'content="2014-04-17T09:30:00+01:00">', "")
    page = page.replace("Copyright 2014", "Copyright")
    assert parse_bytes(page.encode(), "page.html", "doc").date == ""


# -- reader's own rules on what trafilatura leaves (issue 14: news pages F1) ---------------

RULES_PAGE = """<!doctype html><html><head><title>Harbour levy approved</title>
<meta property="og:site_name" content="Port Gazette"></head><body>
<div class="crumbs">News &gt; Local &gt; Harbour</div>
<article><h1>Harbour "levy" approved</h1>
<p>Posted on April 21, 2015, at 11:29 a.m.</p>
<p>The port authority approved a levy on cruise ships on Tuesday after a public inquiry that
lasted most of the winter and heard from every ferry operator on the coast.</p>
<p>Operators said the levy would raise fares. The authority said the money would pay for the
dredging the harbour has needed since the storms two years ago.</p>
<p>The levy starts in June and will be reviewed after a year, the authority's chair said at
the meeting, which was attended by more than two hundred people.</p>
<h3>You Might Also Like</h3>
<p>Ferry strike called off after talks with the union went on through the night.</p>
<p>Topics: harbour, ferries, levy</p>
</article><p>Copyright © 2015 Port Gazette Ltd.</p></body></html>"""


def test_page_furniture_the_library_leaves_is_kept_aside(no_network):
    art = parse_bytes(RULES_PAGE.encode(), "levy.html", "levy")
    body = art.body
    assert body.startswith("The port authority approved a levy")
    assert body.endswith("more than two hundred people.")
    for furniture in ("News > Local > Harbour", "Posted on", "You Might Also Like",
                      "Ferry strike", "Topics:", "Copyright"):
        assert furniture not in body, furniture
    assert "You Might Also Like" in art.chrome and "Ferry strike" in art.chrome
    assert art.title == 'Harbour "levy" approved'
    assert art.date == "2015-04-21"


def test_author_and_site_name_from_the_page(no_network):
    page = RULES_PAGE.replace("<title>", '<meta name="author" content="Gillian Mohney March">'
                                         "<title>")
    art = parse_bytes(page.encode(), "levy.html", "levy")
    assert (art.author, art.source) == ("Gillian Mohney", "Port Gazette")
    updated = RULES_PAGE.replace("<title>", '<meta name="author" content="Last Updated: '
                                            'January 7, 2025"><title>')
    assert parse_bytes(updated.encode(), "levy.html", "levy").author == ""


# -- readability's second opinion (issue 14: news pages F1 0.940 -> 0.954) ----------------

FIGURE_PAGE = """<!doctype html><html><head><title>Harbour levy approved</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>Harbour levy approved</h1>
<p>The port authority approved a levy on cruise ships on Tuesday after a public inquiry that
lasted most of the winter and heard from every ferry operator on the coast.</p>
<p>Operators said the levy would raise fares. The authority said the money would pay for the
dredging the harbour has needed since the storms two years ago.</p>
<figure><img src="quay.jpg"><figcaption>Cruise ships moored at the north quay, where the levy
will be collected from June.</figcaption></figure>
<p hidden>Draft: check the tonnage figures with the authority before this goes out.</p>
<p>The levy starts in June and will be reviewed after a year, the authority's chair said at
the meeting, which was attended by more than two hundred people.</p>
<table><tr><th>Ship size</th><th>Levy</th></tr><tr><td>Under 50,000 tonnes</td><td>2,000</td></tr>
<tr><td>Over 50,000 tonnes</td><td><p>5,000</p></td></tr></table>
<p>Fishing crews, who pay no levy, asked for a seat on the board that will spend the money;
the chair said their request would be heard at the next meeting in March.</p>
</article><footer><p>Port Gazette, 1 Quay Street</p></footer></body></html>"""


def test_a_caption_trafilatura_drops_comes_back_through_readability(no_network):
    art = parse_bytes(FIGURE_PAGE.encode(), "levy.html", "levy")
    paras = art.body.split("\n\n")
    # trafilatura leaves <figure> out; readability's text holds all of trafilatura's and the
    # caption, in its place between the paragraphs. The page's hard wraps are not breaks.
    assert paras[0].startswith("The port authority") and paras[0].endswith("on the coast.")
    assert paras[2] == ("Cruise ships moored at the north quay, where the levy will be "
                        "collected from June.")
    assert paras[4:7] == ["| Ship size | Levy |", "| Under 50,000 tonnes | 2,000 |",
                          "| Over 50,000 tonnes | 5,000 |"]  # a row stays one line
    assert len(paras) == 8
    for furniture in ("Home", "Port Gazette, 1 Quay", "Draft: check"):  # hidden: never shown
        assert furniture not in art.body, furniture


def test_readability_wins_only_when_it_holds_trafilaturas_article(monkeypatch):
    from reader.importer import html

    words = "the port authority approved a levy on cruise ships after a long inquiry".split()
    ours = [" ".join(words[i:] + words[:i]) for i in range(len(words))]  # 13 paragraphs
    more = [ours[0], "A caption between the paragraphs.", *ours[1:], "Sam: a comment."]
    monkeypatch.setattr(html, "_readability_lines", lambda tree: more)
    assert html._better_lines(None, ours, ["Sam: a comment."]) == more[:-1]  # comments aside
    monkeypatch.setattr(html, "_readability_lines", lambda tree: ours[:11])
    assert html._better_lines(None, ours, []) == ours  # it lacks two paragraphs of 13
    monkeypatch.setattr(html, "_readability_lines", lambda tree: [])
    assert html._better_lines(None, ours, []) == ours


def test_wordpress_likes_and_related_posts_are_chrome():
    from reader.importer import clean_text

    text = "\n\n".join([
        "Title of the post",
        "First paragraph of the post, long enough to be the start of an article.",
        "Second paragraph.", "Third paragraph.", "Fourth paragraph.",
        "Share this:", "Like this:", "Like", "Loading...", "Related",
        "Another post on the same blog, its first lines as a teaser…", 'In "News"'])
    parsed = clean_text(text)
    assert parsed.body[-1] == "Fourth paragraph."
    assert "Related" in parsed.chrome and "Like this:" in parsed.chrome
    assert any(c.startswith("Another post") for c in parsed.chrome)


def test_numeric_dateline_is_chrome_and_never_the_date():
    from reader.importer import clean_text

    parsed = clean_text("08.04.2015 12:46\n\nPassword manager adds one-time codes\n\n"
                        "The update brings a feature the phone version has had for a year.",
                        {"title": "Password manager adds one-time codes"})
    assert parsed.chrome[:2] == ["08.04.2015 12:46", "Password manager adds one-time codes"]
    assert parsed.body == ["The update brings a feature the phone version has had for a year."]
    assert parsed.date == ""  # 8 April or 4 August: not guessed


def test_an_article_the_page_hides_until_a_script_runs_is_kept(no_network):
    page = FIGURE_PAGE.replace("<article>", '<article style="display: none">')
    art = parse_bytes(page.encode(), "levy.html", "levy")
    assert art.body.startswith("The port authority approved a levy")


def test_a_short_page_does_not_bring_its_navigation_and_asides(no_network):
    # readability finds no article-sized block here and returns the whole body: its <nav>,
    # <aside> and <footer> are taken out first.
    page = b"""<html><head><title>Ferry times</title></head><body>
    <nav><a href="/">Home</a> | <a href="/news">News</a></nav><h1>Ferry times</h1>
    <p>The winter timetable starts on Monday.</p>
    <aside><h3>Most read</h3><p>Harbour levy approved</p></aside>
    <footer><p>Port Gazette</p></footer></body></html>"""
    art = parse_bytes(page, "ferry.html", "ferry")
    assert art.body == "The winter timetable starts on Monday."
