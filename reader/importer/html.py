"""Saved web pages: the main text, title, author, site name and date through trafilatura.

trafilatura is given the parsed page only (never a URL), so nothing is fetched. readability
(the copy trafilatura ships) gives a second opinion on the main text: its text is taken when
it holds trafilatura's article and more (`_better_lines`). What is left out of the article is
kept as chrome, the comment section as comments; reader's own line rules
(`rules.clean_text`) then run on the text, as for every format.
"""

from __future__ import annotations

import copy
import logging
import re
from collections import Counter
from functools import cache

from reader.importer.dates import MONTH_RE, parse_date
from reader.importer.rules import Extracted
from reader.importer.text import decode

log = logging.getLogger(__name__)

MAX_CHROME_CHARS = 20_000  # the page text kept aside beside one article


@cache
def _config():
    from trafilatura.settings import use_config

    config = use_config()
    # A short article (a news brief, a test page) is still an article: the default 250
    # characters makes trafilatura fall back to whole-page extractors on it.
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
    # htmldate's extensive search guesses from any date in the text (a copyright year,
    # a related link); reader takes only dates the page states as its own.
    config.set("DEFAULT", "EXTENSIVE_DATE_SEARCH", "off")
    return config


def _extract(markup: str, **options):
    import trafilatura

    return trafilatura.bare_extraction(
        markup, url=None, with_metadata=True, include_comments=True, include_tables=True,
        include_images=False, include_links=False, deduplicate=False, config=_config(),
        date_extraction_params={"extensive_search": False, "original_date": True,
                                "outputformat": "%Y-%m-%d"},
        **options)


_BLOCK_TAGS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6",
               "section", "article", "header", "footer", "aside", "nav", "blockquote", "pre",
               "dd", "dt", "figcaption", "address", "br", "ul", "ol", "table", "form")


def _page(markup: str) -> tuple[list[str], str]:
    """Every visible line of the page (block by block, scripts and styles dropped), and the
    site name its head states (og:site_name) for when trafilatura finds none."""
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        return [], ""
    site = next((" ".join(v.split()) for v in root.xpath(
        "//meta[@property='og:site_name' or @name='og:site_name']/@content") if v.strip()), "")
    for bad in root.xpath("//script|//style|//noscript|//template|//head|//svg"):
        bad.drop_tree()
    return _block_lines(root), site


_BREAK = "\u2029"  # a block boundary; the page's own line breaks are spaces (hard-wrapped HTML)


def _block_lines(root) -> list[str]:
    """The text of a parsed page, one line per block (a paragraph, a list item, a cell…),
    whitespace collapsed; a `<pre>` keeps its lines. The tree is changed."""
    for pre in root.iter("pre"):
        for node in pre.iter():
            node.text = node.text and node.text.replace("\n", _BREAK)
            if node is not pre:
                node.tail = node.tail and node.tail.replace("\n", _BREAK)
    # A table cell holding one block (`<td><p>Comment</p></td>`) is one value of its row; a
    # cell holding several is a page laid out in a table, its paragraphs kept apart.
    inline = set()
    for cell in root.iter("td", "th"):
        inner = [el for el in cell.iterdescendants(*_BLOCK_TAGS) if el.tag != "br"]
        if len(inner) <= 1 and not any(el.tag == "table" for el in inner):
            inline.update(inner)
    for el in root.iter(*_BLOCK_TAGS):
        if el in inline:
            continue
        el.tail = _BREAK + (el.tail or "")
        el.text = _BREAK + (el.text or "")
    for cell in root.iter("td", "th"):  # a table row on one line, as trafilatura writes it
        cell.text = " | " + (cell.text or "")
    for row in root.iter("tr"):
        row.text = _BREAK + (row.text or "")
        row.tail = " |" + _BREAK + (row.tail or "")
    return [" ".join(ln.split()) for ln in root.text_content().split(_BREAK)]


_WORD = re.compile(r"\w+")
# readability's text replaces trafilatura's when it holds this share of trafilatura's 4-word
# runs: it is the same article, with what trafilatura's stricter filter dropped between and
# around its paragraphs (photo captions, a lead set as a heading, a table, an author's note).
# On the news pages of tests/quality any share from 0.90 to 0.96 scores 0.953-0.954.
_SAME_ARTICLE = 0.95


def _shingles(text: str, k: int = 4) -> Counter:
    words = _WORD.findall(text.lower())
    return Counter(tuple(words[i:i + k]) for i in range(max(1, len(words) - k + 1)))


def _covers(lines: list[str], of: list[str]) -> float:
    """The share of `of`'s 4-word runs that `lines` hold too. Runs span lines: a block put
    between two others costs three runs (per-line runs scored lower on tests/quality: they
    judge lines of under four words on one run)."""
    want = _shingles("\n".join(of))
    return sum((_shingles("\n".join(lines)) & want).values()) / (sum(want.values()) or 1)


_HIDDEN = ("//body//*[@hidden or @aria-hidden='true' or contains(translate(@style, ' ', ''),"
           " 'display:none') or contains(translate(@style, ' ', ''), 'visibility:hidden')]")


def _tree(markup: str):
    """The page parsed as trafilatura parses it, without what the page hides: the hidden
    attribute, aria-hidden, display:none, visibility:hidden (a reader does not see it;
    Mozilla's Readability drops it the same way). None when it is not HTML."""
    from trafilatura.utils import load_html

    tree = load_html(markup)
    if tree is None:
        return None
    hidden = _outermost(tree.xpath(_HIDDEN))
    # A page that hides most of its text shows it with a script (saved before the script
    # ran): then what it hides is the article, and it stays.
    total = len("".join(tree.xpath("//body//text()[not(ancestor::script or ancestor::style)]")))
    if sum(len(el.text_content()) for el in hidden) * 2 <= total:
        for el in hidden:
            el.drop_tree()
    return tree


def _outermost(elements: list) -> list:
    """The elements not inside another of them."""
    chosen = set(elements)
    return [el for el in elements if not any(a in chosen for a in el.iterancestors())]


def _readability_lines(tree) -> list[str]:
    """The article by readability (the copy trafilatura ships), one line per block; [] when
    it fails. The tree is changed."""
    import lxml.html
    from trafilatura.readability_lxml import Document

    # Navigation, asides and footers are never the article (trafilatura drops them too); when
    # readability finds no article it returns the whole body, and they would come with it.
    for el in _outermost(tree.xpath("//body//nav|//body//aside|//body//footer|//body//menu")):
        el.drop_tree()
    try:
        root = lxml.html.fromstring(Document(tree, min_text_length=25).summary())
    except Exception:  # noqa: BLE001 - a second opinion that fails is no opinion
        log.debug("readability failed", exc_info=True)
        return []
    return [ln for ln in _block_lines(root) if ln]


def _better_lines(tree, lines: list[str], comments: list[str]) -> list[str]:
    """trafilatura's lines, or readability's when readability found the same article and more
    (see `_SAME_ARTICLE`). trafilatura's comment lines are left out of readability's text:
    comments stay aside."""
    other = _readability_lines(tree)
    if not other or _covers(other, lines) < _SAME_ARTICLE:
        return lines
    said = set(comments)
    return [ln for ln in other if ln not in said]


_NOT_A_NAME = re.compile(r"\b(?:updated|published|posted)\b", re.I)
_TRAILING_DATE = re.compile(rf"(?:[\s,|·•-]+(?:{MONTH_RE}|\d[\d:,./-]*))+\s*$", re.I)


def _author(value: str) -> str:
    """The page's author, without a date run into it ("Gillian Mohney March"); "" when it is
    a date line ("Last Updated January 7")."""
    value = " ".join((value or "").split())
    if _NOT_A_NAME.search(value):
        return ""
    return _TRAILING_DATE.sub("", value).strip()


def read_html(raw: bytes, name: str) -> Extracted:
    """Raises BadInput for an empty or binary file; an empty `text` means no article found."""
    markup, warnings = decode(raw, name)
    # favor_recall: on the news pages of tests/quality it scored best (body F1 0.934 against
    # 0.923 by default and 0.911 favouring precision), keeping slideshow and live-blog text.
    tree = _tree(markup)
    doc = None if tree is None else _extract(copy.deepcopy(tree), favor_recall=True)
    if doc is None:
        return Extracted("", warnings=warnings)
    lines = [ln.strip() for ln in (doc.text or "").split("\n") if ln.strip()]
    comments = [ln.strip() for ln in (doc.comments or "").split("\n") if ln.strip()]
    lines = _better_lines(tree, lines, comments)
    kept = " ".join(" ".join([doc.title or "", *lines, *comments]).split())
    page, site = _page(markup)
    chrome = list(dict.fromkeys(ln for ln in page if ln and ln not in kept))
    meta = {
        "title": " ".join((doc.title or "").split()),
        "author": _author(doc.author or ""),
        "source": doc.sitename or site,
        "date": parse_date(doc.date or ""),
    }
    return Extracted("\n\n".join(lines), meta, "\n".join(chrome)[:MAX_CHROME_CHARS],
                     "\n\n".join(comments), warnings)
