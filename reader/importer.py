"""Raw file (.txt, .md, .html) -> clean Article: metadata, body, and page chrome kept aside.

The same rules serve the bundled corpus and user imports. Nothing is silently destroyed:
page chrome goes to `Article.chrome`, reader comments to `Article.comments`.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from reader.domain import Article
from reader.errors import BadInput

log = logging.getLogger(__name__)

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
MAX_BYTES = 10 * 1024 * 1024  # an article larger than this is not an article

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")]
    )
    for m in names
}
_MONTH_RE = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
             r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
# "17 April 2014", "1 Feb 11", "Monday 17 April 2014"
_DMY = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_RE})\s*,?\s+(\d{{4}}|\d{{2}})\b",
                  re.I)
# "November 13, 2013", "Nov 13 2013"
_MDY = re.compile(rf"\b({_MONTH_RE})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?!\d)")
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"

# A line that is only a date (optionally with separators and a weekday): a dateline.
_DATELINE = re.compile(
    rf"^[\s|•·,\-–—]*{_WEEKDAY}(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH_RE}\s*,?\s+(?:\d{{4}}|\d{{2}})"
    rf"|{_MONTH_RE}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
    rf"(?:\s+(?:at\s+)?\d{{1,2}}[:.]\d{{2}}\s*(?:[ap]\.?m\.?)?)?[\s|•·,\-–—]*$",
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
    rf"({_MONTH_RE}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH_RE}\s+\d{{4}})\s+at\s+\d{{1,2}}:\d{{2}}",
    re.I,
)
# Whole lines that are page furniture, never article text (compared case-insensitively).
_CHROME_LINES = {
    "did you enjoy this article?", "addtoany", "top", "back to top", "share", "share this",
    "share this article", "print", "email", "tweet", "related articles", "related stories",
    "advertisement", "subscribe", "sign up", "log in", "login", "register", "main",
    "blog comments powered by disqus", "comments powered by disqus", "read more",
}
_CHROME_PATTERNS = [
    re.compile(r"^you must be (?:logged in|signed in)\b", re.I),
    re.compile(r"^(?:please )?(?:log|sign) in to (?:comment|reply|post)\b", re.I),
    re.compile(r"^powered by\b", re.I),
    re.compile(r"^[\s,;.|•·\-–—#*]+$"),  # separators and stray punctuation (", ,")
    re.compile(r"^(?:share|follow us) on\b", re.I),
]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")  # control characters bar \t \n \f \r
_PICTURE = re.compile(r"\b(?:Picture|Image|Photo)_\d+\b\s*")


def parse_date(text: str) -> str:
    """The first plausible date in `text` as ISO yyyy-mm-dd, or "" (never a guess)."""
    candidates = []
    for rx, kind in ((_DMY, "dmy"), (_MDY, "mdy"), (_ISO, "iso")):
        m = rx.search(text)
        if m:
            candidates.append((m.start(), kind, m))
    for _, kind, m in sorted(candidates, key=lambda c: c[0]):
        try:
            if kind == "dmy":
                day, month, year = int(m[1]), _MONTHS[m[2].lower().rstrip(".")], m[3]
            elif kind == "mdy":
                month, day, year = _MONTHS[m[1].lower().rstrip(".")], int(m[2]), m[3]
            else:
                year, month, day = m[1], int(m[2]), int(m[3])
            y = int(year)
            if len(year) == 2:
                y += 2000 if y < 70 else 1900
            return date(y, month, day).isoformat()
        except (ValueError, KeyError):
            continue
    return ""


# -- reading bytes -----------------------------------------------------------------------


def decode(raw: bytes, name: str = "file") -> tuple[str, list[str]]:
    """Bytes -> text. Raises BadInput for empty/binary input; warns on non-UTF-8."""
    warnings: list[str] = []
    if not raw.strip():
        raise BadInput(f"{name}: empty file")
    if b"\x00" in raw[:8192]:
        raise BadInput(f"{name}: binary file (contains NUL bytes), not an article")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            text = raw.decode("cp1252")
            enc = "Windows-1252"
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
            enc = "Latin-1"
        warnings.append(f"not valid UTF-8 (byte {exc.start}); decoded as {enc}")
    controls = len(_CONTROL.findall(text, 0, 8192))
    if controls > max(8, len(text[:8192]) // 50):
        raise BadInput(f"{name}: binary file (control characters), not an article")
    return text, warnings


# -- HTML --------------------------------------------------------------------------------

_DROP = {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg",
         "canvas", "form", "button", "select", "nav", "head"}
_CHROME_TAGS = {"header", "footer", "aside"}
_BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
          "table", "section", "article", "blockquote", "pre", "hr", "dd", "dt", "figure",
          "figcaption", "main", "time", "address"}


class _HtmlText(HTMLParser):
    """HTML -> plain text with paragraph breaks; scripts/styles dropped, metadata collected."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.chrome: list[str] = []
        self.meta: dict[str, str] = {}
        self.title = ""
        self.h1 = ""
        self._skip = 0
        self._aside = 0
        self._in_title = False
        self._in_h1 = False

    def handle_starttag(self, tag, attrs):
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (a.get("name") or a.get("property") or "").lower()
            if key and a.get("content"):
                self.meta.setdefault(key, a["content"].strip())
            return
        if tag == "time" and a.get("datetime"):
            self.meta.setdefault("time", a["datetime"])
        if tag in _DROP:
            self._skip += 1
        elif tag in _CHROME_TAGS:
            self._aside += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "h1":
            self._in_h1 = True
        if tag in _BLOCK:
            self._out("\n\n")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in _DROP:
            self._skip -= 1

    def handle_endtag(self, tag):
        if tag in _DROP:
            self._skip = max(0, self._skip - 1)
        elif tag in _CHROME_TAGS:
            self._aside = max(0, self._aside - 1)
        elif tag == "title":
            self._in_title = False
        elif tag == "h1":
            self._in_h1 = False
        if tag in _BLOCK:
            self._out("\n\n")

    def handle_data(self, data):
        if self._in_title:
            self.title += data
            return
        if self._skip:
            return
        if self._in_h1:
            self.h1 += data
        self._out(data)

    def _out(self, text: str) -> None:
        (self.chrome if self._aside else self.parts).append(text)


def html_to_text(markup: str) -> tuple[str, dict[str, str], str]:
    """(plain text, metadata, chrome text) from an HTML page. Scripts and styles dropped."""
    parser = _HtmlText()
    parser.feed(markup)
    parser.close()
    meta = dict(parser.meta)
    title = (parser.h1 or parser.title).strip()
    if title:
        meta["title"] = " ".join(title.split())
    text = "".join(parser.parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    chrome = re.sub(r"\s+", " ", "".join(parser.chrome)).strip()
    return text.strip(), meta, chrome


# -- Markdown ----------------------------------------------------------------------------

_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)


def markdown_to_text(text: str) -> tuple[str, dict[str, str]]:
    """Front matter -> metadata; Markdown markup reduced to plain reading text."""
    meta: dict[str, str] = {}
    m = _FRONT.match(text)
    if m:
        for line in m[1].splitlines():
            key, sep, value = line.partition(":")
            if sep and value.strip():
                meta[key.strip().lower()] = value.strip().strip("'\"")
        text = text[m.end():]
    lines = []
    for line in text.splitlines():
        heading = re.match(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)
        if heading:
            if "title" not in meta and line.lstrip().startswith("# "):
                meta["title"] = heading[1]
                continue
            line = heading[1]
        line = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", line)  # images -> alt text
        line = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", line)  # links -> text
        line = re.sub(r"(\*\*|__)(.+?)\1", r"\2", line)
        line = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?!\w)", r"\1", line)
        line = re.sub(r"`([^`]+)`", r"\1", line)
        line = re.sub(r"^\s{0,3}>\s?", "", line)
        lines.append(line)
    return "\n".join(lines), meta


# -- plain text rules --------------------------------------------------------------------


@dataclass
class _Parsed:
    title: str = ""
    source: str = ""
    author: str = ""
    date: str = ""
    date_from: str = ""
    body: list[str] = field(default_factory=list)
    chrome: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


def _is_chrome_line(line: str) -> bool:
    low = line.strip().lower()
    return low in _CHROME_LINES or any(p.search(line) for p in _CHROME_PATTERNS)


def clean_text(text: str, meta: dict[str, str] | None = None) -> _Parsed:
    """Apply the line rules to plain text. `meta` (from HTML/Markdown/manifest) wins."""
    meta = meta or {}
    out = _Parsed()
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    lines = [re.sub(r"[ \t]+", " ", ln).strip() for ln in text.split("\n")]
    # Paragraphs: blank-line separated blocks; a block's lines joined by a newline.
    paras: list[str] = []
    cur: list[str] = []
    for ln in lines:
        if ln:
            cur.append(ln)
        elif cur:
            paras.append("\n".join(cur))
            cur = []
    if cur:
        paras.append("\n".join(cur))
    # Split a paragraph's lines apart when they hold metadata (e.g. "1 Feb 11\nStandfirst").
    items: list[str] = []
    for p in paras:
        sub = p.split("\n")
        if len(sub) > 1 and any(_is_meta_or_chrome(s) for s in sub):
            items.extend(sub)
        else:
            items.append(p)

    in_comments = False
    seen: set[str] = set()
    title = meta.get("title", "").strip()
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
        if _DATELINE.match(line):
            out.chrome.append(line)
            out.date = out.date or parse_date(line)
            continue
        if _is_chrome_line(line):
            out.chrome.append(line)
            continue
        pic = _PICTURE.match(line)
        if pic:
            out.chrome.append(line[: pic.end()].strip())
            line = line[pic.end():]
        if not title:
            title = " ".join(line.split())
            continue
        key = " ".join(line.split()).lower()
        if key == title.lower() and not out.body:
            out.chrome.append(line)  # the headline repeated at the top of the body
            continue
        if key in seen:
            out.chrome.append(line)  # a standfirst or paragraph repeated by the page
            continue
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


def _is_meta_or_chrome(line: str) -> bool:
    return bool(_DATELINE.match(line) or _BYLINE.match(line) or _NAV.search(line)
                or _MORE_FROM.match(line) or _RESPONSES.match(line) or _is_chrome_line(line))


# -- entry points ------------------------------------------------------------------------


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def parse_bytes(raw: bytes, name: str, doc_id: str, *, path: str = "",
                manifest: dict[str, str] | None = None, bundled: bool = False) -> Article:
    """Parse one file's bytes. Raises BadInput with a one-line reason."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise BadInput(f"{name}: unsupported file type '{suffix or 'none'}' "
                       f"(use {', '.join(SUFFIXES)})")
    if len(raw) > MAX_BYTES:
        raise BadInput(f"{name}: {len(raw) / 1e6:.1f} MB is over the {MAX_BYTES // 2**20} MB "
                       "limit for one article")
    text, warnings = decode(raw, name)
    meta: dict[str, str] = {}
    extra_chrome = ""
    if suffix in (".html", ".htm"):
        text, hmeta, extra_chrome = html_to_text(text)
        meta["title"] = hmeta.get("title", "")
        meta["author"] = hmeta.get("author", "")
        meta["source"] = hmeta.get("og:site_name", "")
        meta["date"] = parse_date(hmeta.get("article:published_time", "")
                                  or hmeta.get("date", "") or hmeta.get("time", ""))
    elif suffix in (".md", ".markdown"):
        text, meta = markdown_to_text(text)
        if meta.get("date"):
            meta["date"] = parse_date(meta["date"])
    parsed = clean_text(text, {"title": meta.get("title", "")})
    for key, value in (manifest or {}).items():
        if value and key in ("title", "source", "author", "date"):
            meta[key] = parse_date(value) if key == "date" else value
    title = parsed.title or meta.get("title", "")
    body = "\n\n".join(parsed.body)
    if not body.strip():
        raise BadInput(f"{name}: no article text found (only page furniture)")
    date_ = meta.get("date") or parsed.date
    date_from = "text" if meta.get("date") else parsed.date_from
    if date_from == "comment":
        warnings.append("date taken from a reader comment's timestamp (no dateline found)")
    chrome = "\n".join(c for c in parsed.chrome if c)
    if extra_chrome:
        chrome = f"{chrome}\n{extra_chrome}".strip()
    return Article(
        id=doc_id,
        title=title or Path(name).stem,
        body=body,
        source=meta.get("source") or parsed.source,
        author=meta.get("author") or parsed.author,
        date=date_,
        date_from=date_from if date_ else "",
        chrome=chrome,
        comments="\n\n".join(parsed.comments),
        path=path,
        sha=sha256(raw),
        warnings=tuple(warnings),
        bundled=bundled,
    )


def parse_file(path: Path, doc_id: str | None = None, manifest: dict[str, str] | None = None,
               bundled: bool = False) -> Article:
    """Read and parse one file. Raises BadInput (with a one-line reason) or OSError."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise BadInput(f"{path.name}: {size / 1e6:.1f} MB is over the {MAX_BYTES // 2**20} MB "
                       "limit for one article")
    raw = path.read_bytes()
    return parse_bytes(raw, path.name, doc_id or path.stem, path=str(path), manifest=manifest,
                       bundled=bundled)


