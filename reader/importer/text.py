"""Plain text and Markdown: bytes -> text (encoding fallbacks), front matter -> metadata."""

from __future__ import annotations

import re

from reader.errors import BadInput
from reader.importer.dates import parse_date
from reader.importer.rules import Extracted

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")  # control characters bar \t \n \f \r
_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
# Every span is bounded ({1,500}): unbounded ones made a line of 60 KB of "[" or "a *b"
# quadratic (18 s); bounded, any line is linear (a 60 KB line: under 0.4 s).
_IMAGE = re.compile(r"!\[([^\]]{0,500})\]\([^)]{0,2000}\)")
_LINK = re.compile(r"\[([^\]]{1,500})\]\([^)]{0,2000}\)")
_STRONG = re.compile(r"(\*\*|__)(.{1,500}?)\1")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?!\s)(.{1,500}?)(?<!\s)\*(?!\w)")
_CODE = re.compile(r"`([^`]{1,500})`")


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
        line = _IMAGE.sub(r"\1", line)  # images -> alt text
        line = _LINK.sub(r"\1", line)  # links -> text
        line = _STRONG.sub(r"\2", line)
        line = _EMPHASIS.sub(r"\1", line)
        line = _CODE.sub(r"\1", line)
        line = re.sub(r"^\s{0,3}>\s?", "", line)
        lines.append(line)
    return "\n".join(lines), meta


def read_markdown(raw: bytes, name: str) -> Extracted:
    text, warnings = decode(raw, name)
    text, meta = markdown_to_text(text)
    if meta.get("date"):
        meta["date"] = parse_date(meta["date"])
    # Only the title guides the line rules; front-matter author/source/date are the document's.
    return Extracted(text, {k: meta.get(k, "") for k in ("title", "author", "source", "date")},
                     warnings=warnings)
