"""Importer rules: metadata, page chrome kept aside, formats, and every bad-input class."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader import importer
from reader.errors import BadInput
from reader.importer import parse_bytes, parse_date, parse_file

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def parse(text: str, name: str = "a.txt"):
    return parse_bytes(text.encode("utf-8"), name, "doc")


# -- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, iso",
    [
        ("17 April 2014", "2014-04-17"),
        ("| 17 April 2014", "2014-04-17"),
        ("1 Feb 11", "2011-02-01"),
        ("November 13, 2013", "2013-11-13"),
        ("Nov 13 2013", "2013-11-13"),
        ("Monday 3rd March 2008", "2008-03-03"),
        ("2012-06-30", "2012-06-30"),
        ("31 February 2014", ""),  # not a real date: never guessed
        ("no date here", ""),
    ],
)
def test_parse_date_forms(text, iso):
    assert parse_date(text) == iso


# -- metadata ----------------------------------------------------------------------------


def test_byline_and_dateline_become_metadata_not_body():
    art = parse("Headline here\n\nBy Joe Lepper\n\n| 17 April 2014\n\nFirst paragraph.\n")
    assert art.title == "Headline here"
    assert art.author == "Joe Lepper"
    assert art.date == "2014-04-17" and art.date_from == "text"
    assert art.body == "First paragraph."
    assert "By Joe Lepper" in art.chrome


def test_comment_timestamp_is_only_a_flagged_fallback():
    text = ("Title\n\nBody text.\n\nOne Response to Title\n\n"
            "1. Ann Cotton November 13, 2013 at 1:17 pm #\n\nA comment.")
    art = parse(text)
    assert art.date == "2013-11-13"
    assert art.date_from == "comment"
    assert any("comment" in w for w in art.warnings)
    assert "A comment." in art.comments and "A comment." not in art.body


def test_dateline_wins_over_comment_timestamp():
    text = ("Title\n\n1 Feb 11\n\nBody.\n\n2 Comments\n\nBob January 5, 2012 at 1:00 pm\n\nHi")
    art = parse(text)
    assert art.date == "2011-02-01" and art.date_from == "text"


def test_no_date_stays_empty():
    art = parse("Title\n\nA body that mentions 2014 but has no dateline.")
    assert art.date == "" and art.date_from == ""


def test_source_from_more_from_line():
    art = parse("Title\n\nBody.\n\nMore from Community Care\n")
    assert art.source == "Community Care"
    assert "More from" not in art.body


def test_source_from_site_name_above_navigation_bar():
    art = parse("Conservative Home\n\n« Older post | Main | Newer post »\n\nThe title\n\nBody.")
    assert art.source == "Conservative Home"
    assert art.title == "The title"
    assert art.body == "Body."
    assert "| Main |" in art.chrome


def test_manifest_overrides_metadata():
    art = parse_bytes(b"Title\n\nBody.", "a.txt", "doc", manifest={"source": "The Paper",
                                                                  "date": "2 March 2010"})
    assert art.source == "The Paper" and art.date == "2010-03-02"


# -- page chrome -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "chrome_line",
    [
        "Did you enjoy this article?",
        "AddToAny",
        "Top",
        "blog comments powered by Disqus",
        "You must be logged in using Intense Debate, Wordpress, Twitter or Facebook to comment.",
        "Please log in to comment",
        ", ,",
        "« Previous | Main | Next »",
    ],
)
def test_chrome_lines_are_kept_aside(chrome_line):
    art = parse(f"Title\n\nReal paragraph one.\n\n{chrome_line}\n\nReal paragraph two.")
    assert chrome_line not in art.body
    assert chrome_line in art.chrome  # never silently destroyed
    assert art.body == "Real paragraph one.\n\nReal paragraph two."


def test_repeated_standfirst_and_datelines_dropped_from_body_once():
    text = ("Title\n\n1 Feb 11\nThe standfirst sentence.\nBy Lucy Phillips\n\n\n1 February 2011\n\n"
            "The standfirst sentence.\n\nSecond paragraph.")
    art = parse(text)
    assert art.body == "The standfirst sentence.\n\nSecond paragraph."
    assert art.chrome.count("The standfirst sentence.") == 1
    assert art.author == "Lucy Phillips"
    assert art.date == "2011-02-01"


def test_picture_placeholder_removed_from_paragraph():
    art = parse("Title\n\nPicture_1 Tim Loughton is MP for somewhere.")
    assert art.body == "Tim Loughton is MP for somewhere."
    assert "Picture_1" in art.chrome


def test_reader_comments_kept_apart():
    art = parse("Title\n\nBody.\n\n3 Responses to Title\n\nGreat post!\n\nI disagree.")
    assert art.body == "Body."
    assert "Great post!" in art.comments and "I disagree." in art.comments


def test_indented_text_is_dedented():
    art = parse("Title\n\n    First para.\n\n    Second para.")
    assert art.body == "First para.\n\nSecond para."


# -- formats -----------------------------------------------------------------------------


def test_html_drops_scripts_styles_and_navigation():
    page = b"""<html><head><title>Site | Page</title><style>p{color:red}</style>
    <meta name="author" content="Jane Doe"><meta property="og:site_name" content="The Paper">
    <meta property="article:published_time" content="2013-11-13T09:00:00Z">
    <script>alert('x')</script></head><body><nav>Home | News</nav>
    <h1>Real headline</h1><p>First &amp; foremost paragraph.</p>
    <p>Second <b>bold</b> paragraph.<script>evil()</script></p>
    <footer>Copyright</footer></body></html>"""
    art = parse_bytes(page, "page.html", "doc")
    assert art.title == "Real headline"
    assert art.author == "Jane Doe" and art.source == "The Paper" and art.date == "2013-11-13"
    assert art.body == "First & foremost paragraph.\n\nSecond bold paragraph."
    for bad in ("alert", "evil", "color:red", "Home | News"):
        assert bad not in art.body
    assert "Copyright" in art.chrome


def test_markdown_front_matter_and_markup():
    md = (b"---\ntitle: From front matter\nauthor: A. Writer\ndate: 2012-05-01\n---\n"
          b"Some **bold** and a [link](http://x.example) here.\n\n## Sub\n\nMore.")
    art = parse_bytes(md, "n.md", "doc")
    assert art.title == "From front matter" and art.author == "A. Writer"
    assert art.date == "2012-05-01"
    assert art.body == "Some bold and a link here.\n\nSub\n\nMore."


def test_markdown_heading_is_title():
    art = parse_bytes(b"# The heading\n\nBody text.", "n.md", "doc")
    assert art.title == "The heading" and art.body == "Body text."


# -- bad input ---------------------------------------------------------------------------


def test_empty_file_rejected():
    with pytest.raises(BadInput, match="empty"):
        parse_bytes(b"  \n\n", "e.txt", "doc")


def test_binary_file_rejected():
    with pytest.raises(BadInput, match="binary"):
        parse_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00", "img.txt", "doc")


def test_over_size_limit_rejected(monkeypatch):
    monkeypatch.setattr(importer, "MAX_BYTES", 100)
    with pytest.raises(BadInput, match="limit"):
        parse_bytes(b"Title\n\n" + b"x" * 200, "big.txt", "doc")


def test_invalid_utf8_decoded_with_fallback_and_warning():
    art = parse_bytes("Title\n\nCaf\xe9 society.".encode("latin-1"), "l.txt", "doc")
    assert art.body == "Café society."
    assert any("UTF-8" in w for w in art.warnings)


def test_unsupported_type_rejected():
    with pytest.raises(BadInput, match="unsupported"):
        parse_bytes(b"Title\n\nBody", "doc.xyz", "doc")


def test_only_chrome_rejected():
    with pytest.raises(BadInput, match="no article text"):
        parse("AddToAny\n\nTop")


# -- the bundled corpus ------------------------------------------------------------------

CHROME_WORDS = ["Disqus", "Did you enjoy this article?", "You must be logged in",
                "One Response to", "| Main |", "AddToAny", "More from Community Care",
                "Picture_1", "Ann Cotton"]


def _bundled():
    return {p.stem: parse_file(p, bundled=True) for p in sorted(CORPUS.glob("*.txt"))}


def test_bundled_corpus_metadata():
    arts = _bundled()
    assert len(arts) == 5
    by_title = {a.title: a for a in arts.values()}
    assert by_title["Government unveils plans to outsource child protection"].date == "2014-04-17"
    assert by_title["Move to free councils from child protection red tape"].date == "2011-02-01"
    authors = sorted(a.author for a in arts.values() if a.author)
    assert authors == ["Joe Lepper", "Lucy Phillips"]
    undated = [a for a in arts.values() if not a.date]
    assert len(undated) == 2  # no invented dates
    assert by_title["Government keen for councils to outsource child protection"].date_from == \
        "comment"
    assert {a.source for a in arts.values()} == {"", "Community Care", "Conservative Home"}


@pytest.mark.parametrize("word", CHROME_WORDS)
def test_bundled_bodies_hold_no_chrome(word):
    for art in _bundled().values():
        assert word not in art.body, (art.id, word)


def test_bundled_text_kept_somewhere():
    """Cleaning moves text aside; it never loses a word of the raw file."""
    for path in sorted(CORPUS.glob("*.txt")):
        art = parse_file(path)
        kept = " ".join(f"{art.title} {art.body} {art.chrome} {art.comments} {art.source}".split())
        for line in path.read_text(encoding="utf-8").splitlines():
            words = " ".join(line.split()).replace("Picture_1 ", "")
            if words:
                assert words in kept or words.replace("Picture_1", "").strip() in kept, line
