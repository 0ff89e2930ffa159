"""The article as a QTextDocument: its layout, and body offsets <-> document positions.

Layout of the document: the title block, the meta block, an empty block, then the body as
plain-text paragraphs starting at `body_start`. Every body offset `i` maps to document
position `body_start + utf16(body[:i])` (see `OffsetMap`), so entity mentions, search terms
and note anchors select exactly `body[start:end]`. Page chrome and reader comments follow the
body, collapsed behind a `TOGGLE` link.
"""

from __future__ import annotations

import bisect

from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QFont,
    QPalette,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)

from reader.domain import Article, ArticleInfo

TOGGLE = "reader:toggle/"  # href prefix of the links that expand/collapse chrome and comments
# Characters QTextCursor.insertText turns into block or frame boundaries. The body is split
# on "\n" by us; these are shown as a space so that one body char stays one position.
_SPECIAL = str.maketrans({"\r": " ", "\u2029": " ", "\ufdd0": " ", "\ufdd1": " ",
                          "\x00": " "})


class OffsetMap:
    """Python str offsets <-> Qt (UTF-16) positions for one text."""

    def __init__(self, text: str):
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
        self._ends = [a + k + 2 for k, a in enumerate(self._astral)]  # qt end of each pair

    def to_qt(self, i: int) -> int:
        return i + bisect.bisect_left(self._astral, i)

    def from_qt(self, pos: int) -> int:
        return pos - bisect.bisect_right(self._ends, pos)


def write_message(doc: QTextDocument, text: str, palette: QPalette) -> None:
    """Replace the document with a short centred hint (an empty state)."""
    doc.clear()
    cursor = QTextCursor(doc)
    fmt = QTextBlockFormat()
    fmt.setAlignment(Qt.AlignmentFlag.AlignHCenter)
    fmt.setTopMargin(48)
    cursor.setBlockFormat(fmt)
    char = QTextCharFormat()
    char.setForeground(palette.brush(QPalette.ColorRole.PlaceholderText))
    cursor.insertText(text, char)


def write_article(doc: QTextDocument, article: Article, expanded: set[str], palette: QPalette,
                  font: QFont) -> int:
    """Replace the document with `article` in `font` (title, meta, plain-text body, then
    chrome and comments, open when their key is in `expanded`); returns `body_start`."""
    doc.clear()
    doc.setDefaultFont(font)
    cursor = QTextCursor(doc)

    title_block = QTextBlockFormat()
    title_block.setBottomMargin(6)
    title_block.setHeadingLevel(1)
    title_fmt = QTextCharFormat()
    title_fmt.setFontWeight(QFont.Weight.Bold)
    title_fmt.setProperty(QTextFormat.Property.FontSizeAdjustment, 2)
    cursor.setBlockFormat(title_block)
    cursor.insertText(plain(article.title) or "Untitled", title_fmt)

    meta_block = QTextBlockFormat()
    meta_block.setBottomMargin(12)
    meta_fmt = QTextCharFormat()
    meta_fmt.setForeground(palette.brush(QPalette.ColorRole.PlaceholderText))
    cursor.insertBlock(meta_block, meta_fmt)
    cursor.insertText(plain(meta_line(article)), meta_fmt)

    body_block = QTextBlockFormat()
    body_block.setLineHeight(145, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
    cursor.insertBlock(body_block, QTextCharFormat())
    cursor.insertBlock(body_block, QTextCharFormat())
    body_start = cursor.position()
    for n, line in enumerate(article.body.split("\n")):
        if n:
            cursor.insertBlock(body_block, QTextCharFormat())
        if line:
            cursor.insertText(line.translate(_SPECIAL))

    extras = (("chrome", "Page chrome", article.chrome),
              ("comments", "Reader comments", article.comments))
    for key, label, extra in extras:
        if extra.strip():
            _write_extra(cursor, key, label, extra, key in expanded, palette)
    return body_start


def _write_extra(cursor, key, label, text, open_, palette) -> None:
    block = QTextBlockFormat()
    block.setTopMargin(18)
    link = QTextCharFormat()
    link.setAnchor(True)
    link.setAnchorHref(TOGGLE + key)
    link.setForeground(palette.brush(QPalette.ColorRole.Link))
    words = len(text.split())
    cursor.insertBlock(block, QTextCharFormat())
    cursor.insertText(f"{'▾' if open_ else '▸'} {label} ({words} words, not part of the "
                      "article)", link)
    if open_:
        muted = QTextCharFormat()
        muted.setForeground(palette.brush(QPalette.ColorRole.PlaceholderText))
        for line in text.split("\n"):
            cursor.insertBlock(QTextBlockFormat(), muted)
            cursor.insertText(line.translate(_SPECIAL), muted)


def find_all(doc: QTextDocument, text: str) -> list[tuple[int, int]]:
    """Every match of `text` in the document (case-insensitive): [(start, end)] positions."""
    flags = QTextDocument.FindFlag(0)
    matches = []
    cursor = doc.find(text, 0, flags)
    while not cursor.isNull():
        matches.append((cursor.selectionStart(), cursor.selectionEnd()))
        cursor = doc.find(text, cursor, flags)
    return matches


def next_match(matches, start: int, end: int, backward: bool, again: bool) -> int:
    """The index in `matches` of the match to select, wrapping, from a selection [start,
    end): the last one before it (`backward`), else the first one from its end (`again`) or
    from its start (so a match that still matches is kept while typing)."""
    if backward:
        before = [i for i, (s, _) in enumerate(matches) if s < start]
        return before[-1] if before else len(matches) - 1
    origin = end if again else start
    after = [i for i, (s, _) in enumerate(matches) if s >= origin]
    return after[0] if after else 0


def meta_line(article: Article | ArticleInfo) -> str:
    parts = [article.date or "Undated", article.source, article.author]
    if article.date_from == "comment":
        parts[0] += " (date from a reader comment)"
    elif "date" in article.user_set:
        parts[0] += " (set by you)"
    mine = [f for f in article.user_set if f != "date"]
    if mine:
        parts.append(f"({', '.join(mine)} set by you)")
    return " · ".join(p for p in parts if p)


def plain(text: str) -> str:
    """One line of text as it is shown (newlines and block separators as spaces)."""
    return (text or "").replace("\n", " ").translate(_SPECIAL)
