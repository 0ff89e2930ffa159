"""reader's own line rules, shared by every format: datelines, bylines, page chrome and
reader comments kept aside, repeated headlines and standfirsts dropped once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reader.importer.dates import MONTH_RE, WEEKDAY_RE, parse_date

# A line that is only a date (optionally with separators, a weekday, a time, and "Posted
# on" / "Updated:" before it): a dateline. An update's date is not the publication date.
_DATELINE = re.compile(
    r"^[\s|•·,\-–—]*(?:(?P<prefix>posted|published|first published|(?:last )?updated)"
    r"(?:\s+on)?\s*:?\s*)?"
    rf"{WEEKDAY_RE}(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH_RE}\s*,?\s+(?:\d{{4}}|\d{{2}})"
    rf"|{MONTH_RE}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
    r"(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?)?"
    r"[\s|•·,\-–—]*$",
    re.I,
)
_BYLINE = re.compile(
    r"^(?i:by|written by|posted by)\s+([A-Z][\w'’.-]+(?:\s+(?:[A-Z][\w'’.-]+|de|van|von|le|la))"
    r"{0,4})\s*[|,]?\s*$"
)
_NAV = re.compile(r"^\s*«.*»\s*$|\|\s*Main\s*\|")
_MORE_FROM = re.compile(r"^More from\s+(.{2,60}?)\s*$")
_RESPONSES = re.compile(
    r"^(?:(?:\d+|One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|No)\s+"
    r"(?:Responses?|Comments?|Replies)(?:\s+(?:to|on)\b.*)?"
    r"|Comments?|Reader comments|Leave a (?:comment|reply)|Add your comment)\s*:?$",
    re.I,
)
_COMMENT_STAMP = re.compile(
    rf"({MONTH_RE}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{MONTH_RE}\s+\d{{4}})\s+at\s+\d{{1,2}}:\d{{2}}",
    re.I,
)
# Whole lines that are page furniture, never article text (compared case-insensitively,
# without a colon after them).
_CHROME_LINES = {
    "did you enjoy this article?", "addtoany", "top", "back to top", "share", "share this",
    "share this article", "print", "email", "tweet", "related articles", "related stories",
    "advertisement", "subscribe", "sign up", "log in", "login", "register", "main",
    "blog comments powered by disqus", "comments powered by disqus", "read more",
    # WordPress's "likes" box under a post: "Like this:", a "Like" button, "Loading...".
    "like this", "like", "loading...", "loading…",
}
_CHROME_PATTERNS = [
    re.compile(r"^you must be (?:logged in|signed in)\b", re.I),
    re.compile(r"^(?:please )?(?:log|sign) in to (?:comment|reply|post)\b", re.I),
    re.compile(r"^powered by\b", re.I),
    re.compile(r"^[\s,;.|•·\-–—#*_=~]+$"),  # separators and stray punctuation (", ,", "___")
    re.compile(r"^(?:share|follow us) on\b", re.I),
    # A copyright notice: "Copyright © 2015, Eklektix, Inc.", "© 2016 Tencent. All Rights…".
    re.compile(r"^(?:copyright\s*(?:©|\(c\))?|©|\(c\))\s*\d{4}\b.{0,150}$", re.I),
    re.compile(r"^.{0,100}\ball rights reserved\.?$", re.I),
    # A breadcrumb trail: "News > UK > Politics", "科技 > 要闻 > 正文".
    re.compile(r"^(?:[^<>›»\n]{1,30}\s[>›»]\s){2,}[^<>›»\n]{1,30}$"),
    re.compile(r"^(?:topics|tags|filed under|categories)\s*:.{0,200}$", re.I),
    re.compile(r"^\d{1,3} of \d{1,3}$"),  # a slideshow's counter
    # A numeric dateline ("08.04.2015 12:46", "21/04/2015"): furniture, but never taken as
    # the date, as day and month may come in either order.
    re.compile(r"^\d{1,2}[./-]\d{1,2}[./-]\d{4}(?:,?\s+\d{1,2}[:.]\d{2}(?:\s*(?:Uhr|h|[ap]\.?m\.?))?)?$",
               re.I),
]
# A heading that opens the page's "related content" below the article: it and everything
# after it (up to the comments) is page chrome. "Related" alone is WordPress's related-posts
# box (readability keeps it with the article).
_TAIL = re.compile(
    r"^(?:you (?:might|may) also like|related(?: articles| stories| content| coverage| posts"
    r"| links| videos)?|more (?:stories|on this (?:story|topic))|recommended(?: for you| stories)?"
    r"|most (?:popular|read|viewed)|other [\w ]{1,30} columns|featured (?:slide ?shows|videos"
    r"|stories)|what to read next|read next)\s*:?$", re.I)
_BULLET = re.compile(r"^[-•·*]\s+")
_TAIL_AFTER = 3  # body paragraphs: a "related" heading before them is the page's top
_MAX_TITLE = 200  # characters: a longer first line is a paragraph
_STANDFIRST_ZONE = 3  # paragraphs: a repeat of one of these is the page echoing its standfirst
_PICTURE = re.compile(r"\b(?:Picture|Image|Photo)_\d+\b\s*")


@dataclass
class Extracted:
    """One article as a format reader found it, before reader's line rules.

    `text` holds paragraphs separated by blank lines; `meta` what the document itself states
    (title, author, source, date as ISO): it wins over what the line rules find."""

    text: str
    meta: dict[str, str] = field(default_factory=dict)
    chrome: str = ""
    comments: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class Parsed:
    title: str = ""
    source: str = ""
    author: str = ""
    date: str = ""
    date_from: str = ""
    body: list[str] = field(default_factory=list)
    chrome: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


def property_text(value) -> str:
    """A document property (title, author) as text, or "" when it is a word processor's
    placeholder ("Microsoft Word - draft.doc", "Untitled", a file name)."""
    text = " ".join(str(value or "").split())
    junk = (text.lower().endswith((".doc", ".docx", ".pdf", ".txt", ".rtf"))
            or text.lower().startswith(("microsoft word - ", "untitled")))
    return "" if junk else text


def _is_chrome_line(line: str) -> bool:
    line = _BULLET.sub("", line.strip())
    low = line.lower().rstrip(": ")  # "Share this:" is "Share this"
    return low in _CHROME_LINES or any(p.search(line) for p in _CHROME_PATTERNS)


def _words(text: str) -> str:
    """The words of a line, lower case, without punctuation or quotes (“ ” vs ")."""
    return " ".join(re.findall(r"\w+", text.lower()))


def _is_meta_or_chrome(line: str) -> bool:
    return bool(_DATELINE.match(line) or _BYLINE.match(line) or _NAV.search(line)
                or _MORE_FROM.match(line) or _RESPONSES.match(line) or _is_chrome_line(line))


def paragraphs(text: str) -> list[str]:
    """Blank-line separated blocks, each block's lines stripped and joined by a newline."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    paras: list[str] = []
    cur: list[str] = []
    for ln in text.split("\n"):
        ln = re.sub(r"[ \t]+", " ", ln).strip()
        if ln:
            cur.append(ln)
        elif cur:
            paras.append("\n".join(cur))
            cur = []
    if cur:
        paras.append("\n".join(cur))
    return paras


def clean_text(text: str, meta: dict[str, str] | None = None) -> Parsed:
    """Apply the line rules to plain text. `meta` (from HTML/Markdown/manifest) wins."""
    meta = meta or {}
    out = Parsed()
    # Split a paragraph's lines apart when they hold metadata (e.g. "1 Feb 11\nStandfirst").
    items: list[str] = []
    for p in paragraphs(text):
        sub = p.split("\n")
        if len(sub) > 1 and any(_is_meta_or_chrome(s) for s in sub):
            items.extend(sub)
        else:
            items.append(p)

    in_comments = in_tail = False
    seen: set[str] = set()  # the first paragraphs, where a page repeats its standfirst
    title = meta.get("title", "").strip()
    title_tried = bool(title)
    # A short line just above a navigation bar is the site's name ("Conservative Home").
    if len(items) > 1 and _NAV.search(items[1]) and len(items[0].split()) <= 6:
        out.source = items[0].strip()
        out.chrome.append(out.source)
        items = items[1:]
    for item in items:
        line = item.strip()
        if not line:
            continue
        if in_comments:
            out.comments.append(line)
            continue
        if _RESPONSES.match(line):
            in_comments = True
            out.comments.append(line)
            continue
        if in_tail or (len(out.body) >= _TAIL_AFTER and _TAIL.match(line)):
            in_tail = True
            out.chrome.append(line)
            continue
        if _NAV.search(line):
            out.chrome.append(line)
            continue
        m = _MORE_FROM.match(line)
        if m:
            out.chrome.append(line)
            out.source = out.source or m[1].strip()
            continue
        m = _BYLINE.match(line)
        if m:
            out.chrome.append(line)
            out.author = out.author or m[1].strip()
            continue
        m = _DATELINE.match(line)
        if m:
            out.chrome.append(line)
            if "updated" not in (m["prefix"] or "").lower():
                out.date = out.date or parse_date(line)
            continue
        if _is_chrome_line(line):
            out.chrome.append(line)
            continue
        pic = _PICTURE.match(line)
        if pic:
            out.chrome.append(line[: pic.end()].strip())
            line = line[pic.end():]
        if not title_tried:
            title_tried = True
            # A long first line, or a sentence, is the text's start, not a headline.
            if len(line) <= _MAX_TITLE and not (len(line) > 80 and line.endswith(".")):
                title = " ".join(line.split())
                continue
        key = " ".join(line.split()).lower()
        if not out.body and _words(line) == _words(title):
            out.chrome.append(line)  # the headline repeated at the top of the body
            continue
        if key in seen:
            out.chrome.append(line)  # a standfirst or paragraph repeated by the page
            continue
        if len(out.body) < _STANDFIRST_ZONE:
            seen.add(key)
        out.body.append(line)
    out.title = title
    if not out.date:
        for c in out.comments:
            m = _COMMENT_STAMP.search(c)
            if m:
                out.date = parse_date(m[1])
                out.date_from = "comment" if out.date else ""
                break
    elif not out.date_from:
        out.date_from = "text"
    return out
