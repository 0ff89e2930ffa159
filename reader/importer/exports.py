"""News-database exports: one file, many articles (Nexis Uni, LexisNexis Academic, Factiva).

Each article becomes its own `Extracted` with the metadata its header block states: title,
publication (source), date, byline. The layouts recognised:

- Nexis Uni: title, publication, date line, ... "Byline:", "Length:", "Body", the text,
  "Load-Date:", "End of Document".
- LexisNexis Academic: "3 of 25 DOCUMENTS", publication, date line, title, "BYLINE:",
  "LENGTH:", the text, "LOAD-DATE:", "LANGUAGE:".
- Factiva: title, "By ...", "523 words", date, publication, code, language, copyright, the
  text, "Document GRDN000020140417ea4h0001n".
"""

from __future__ import annotations

import re

from reader.importer.dates import parse_date
from reader.importer.rules import Extracted

_END_NEXIS = re.compile(r"^\s*End of Document\s*$", re.M | re.I)
_COUNT_LN = re.compile(r"^\s*\d+ of \d+ DOCUMENTS?\s*$", re.M)
_END_FACTIVA = re.compile(r"^\s*Document [A-Za-z0-9]{16,}\s*$", re.M)
_FIELD = re.compile(
    r"^(byline|section|length|load-date|language|publication-type|dateline|highlight|graphic|"
    r"correction-date|journal-code|url|type|subject|geographic|company|organization|person|"
    r"industry|ticker|classification|notes|document-type|copyright|edition|pub-type)\s*:\s*(.*)$",
    re.I)
_BODY = re.compile(r"^\s*Body\s*$", re.I)
_WORDS = re.compile(r"^[ \t]*[\d,]+ words[ \t]*$", re.I | re.M)
_COPYRIGHT = re.compile(r"^\s*(?:copyright|©|\(c\))\s*", re.I)
_BY = re.compile(r"^\s*By\s+(.{2,80}?)\s*$")


def _lines(chunk: str) -> list[str]:
    return [" ".join(ln.split()) for ln in chunk.replace("\r", "").split("\n")]


def _blocks(lines: list[str]) -> list[str]:
    """Blank-line separated paragraphs of already-stripped lines."""
    text = "\n".join(lines)
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def _nexis(chunk: str) -> Extracted | None:
    lines = _lines(chunk)
    meta: dict[str, str] = {}
    header: list[str] = []
    body: list[str] = []
    footer: list[str] = []
    part = "header"
    for ln in lines:
        field = _FIELD.match(ln)
        if part == "header":
            if _BODY.match(ln):
                part = "body"
                header.append(ln)
                continue
            header.append(ln)
            if field:
                key, value = field[1].lower(), field[2].strip()
                if key == "byline":
                    meta.setdefault("author", value)
                continue
            if not ln or _COPYRIGHT.match(ln):
                continue
            if "title" not in meta:
                meta["title"] = ln
            elif "date" not in meta and parse_date(ln):
                meta["date"] = parse_date(ln)
            elif "source" not in meta and "date" not in meta:
                meta["source"] = ln
        elif part == "body":
            if field and field[1].lower() in ("load-date", "classification", "graphic",
                                                "language", "notes"):
                part = "footer"
                footer.append(ln)
            else:
                body.append(ln)
        else:
            footer.append(ln)
    if part == "header":  # no "Body" line: the text follows the header's field lines
        return None
    return Extracted("\n\n".join(_blocks(body)), meta, chrome="\n".join(
        x for x in header + footer if x))


def _academic(chunk: str) -> Extracted | None:
    lines = _lines(chunk)
    meta: dict[str, str] = {}
    chrome: list[str] = []
    body: list[str] = []
    in_body = False
    for ln in lines:
        field = _FIELD.match(ln)
        if in_body:
            if field and field[1].lower() in ("load-date", "language", "publication-type",
                                                "correction-date", "graphic"):
                in_body = None  # the footer
            if in_body:
                body.append(ln)
            elif ln:
                chrome.append(ln)
            continue
        if in_body is None:
            if ln:
                chrome.append(ln)
            continue
        if not ln or _COUNT_LN.match(ln):
            continue
        if field:
            chrome.append(ln)
            if field[1].lower() == "byline":
                meta.setdefault("author", field[2].strip())
            if field[1].lower() == "length":
                in_body = True
            continue
        if "source" not in meta:
            meta["source"] = ln
            chrome.append(ln)
        elif "date" not in meta and parse_date(ln):
            meta["date"] = parse_date(ln)
            chrome.append(ln)
        elif "title" not in meta:
            meta["title"] = ln
        else:
            in_body = True  # no LENGTH line: the text starts here
            body.append(ln)
    return Extracted("\n\n".join(_blocks(body)), meta, chrome="\n".join(chrome))


def _factiva(chunk: str) -> Extracted | None:
    lines = _lines(chunk)
    meta: dict[str, str] = {}
    chrome: list[str] = []
    nonblank = [i for i, ln in enumerate(lines) if ln]
    if not nonblank:
        return None
    meta["title"] = lines[nonblank[0]]
    start = nonblank[0] + 1
    # The header runs to the copyright line (or the language line when there is none).
    end = next((i for i in range(start, min(len(lines), start + 15))
                if _COPYRIGHT.match(lines[i])), None)
    if end is None:
        end = next((i for i in range(start, min(len(lines), start + 12))
                    if lines[i].lower() in ("english", "french", "german", "spanish")), start)
    header = [ln for ln in lines[start:end + 1] if ln]
    after_date = False
    for ln in header:
        chrome.append(ln)
        by = _BY.match(ln)
        if by and "author" not in meta:
            meta["author"] = by[1]
        elif _WORDS.match(ln) or _COPYRIGHT.match(ln):
            continue
        elif "date" not in meta and parse_date(ln):
            meta["date"] = parse_date(ln)
            after_date = True
        elif after_date and "source" not in meta:
            meta["source"] = ln
    body = [ln for ln in lines[end + 1:] if not _END_FACTIVA.match(ln)]
    chrome.extend(ln for ln in lines[end + 1:] if _END_FACTIVA.match(ln))
    return Extracted("\n\n".join(_blocks(body)), meta, chrome="\n".join(chrome))


def _split(text: str, rx: re.Pattern, keep_after: bool) -> list[str]:
    """The chunks between matches of `rx` (a match ends a chunk, or starts one)."""
    chunks, last = [], 0
    for m in rx.finditer(text):
        if keep_after:
            chunks.append(text[last:m.start()])
            last = m.end()
        else:
            if m.start() > last:
                chunks.append(text[last:m.start()])
            last = m.start()
    chunks.append(text[last:])
    return [c for c in chunks if c.strip()]


def split_export(text: str) -> list[Extracted] | None:
    """The articles of a news-database export, or None when `text` is not one."""
    if _END_NEXIS.search(text) and re.search(r"^\s*(?:Load-Date|Length)\s*:", text, re.M | re.I):
        found = [_nexis(c) for c in _split(text, _END_NEXIS, keep_after=True)]
    elif len(_COUNT_LN.findall(text)) >= 1 and re.search(r"^\s*LOAD-DATE:", text, re.M):
        found = [_academic(c) for c in _split(text, _COUNT_LN, keep_after=False)]
    elif _END_FACTIVA.search(text) and _WORDS.search(text):
        found = [_factiva(c) for c in _split(text, _END_FACTIVA, keep_after=True)]
    else:
        return None
    articles = [a for a in found if a is not None and a.text.strip()]
    return articles or None
