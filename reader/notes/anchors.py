"""Anchoring notes to article text: make an anchor, find its passage again when the text changes.

Anchors follow the W3C Web Annotation model (https://www.w3.org/TR/annotation-model/): a
note on a passage keeps both a TextPositionSelector (`start`/`end` into `Article.body`) and a
TextQuoteSelector (`quote` plus ~32 characters of `prefix`/`suffix`). When an article's text
changes, `reanchor` finds the passage again from the quote; a note whose passage is gone is
flagged orphan and kept, never dropped.
"""

from __future__ import annotations

from dataclasses import replace
from difflib import SequenceMatcher

from reader.domain import Anchor, Note
from reader.errors import BadInput

CONTEXT = 32  # characters of prefix/suffix kept around a quote
FUZZY_MIN_RATIO = 0.75  # similarity (difflib ratio) a changed passage needs to keep its note
FUZZY_MIN_QUOTE = 8  # shorter quotes are only found exactly: fuzzy matches would be noise
MAX_OCCURRENCES = 500  # exact occurrences of a quote considered (a quote like "the")
MAX_FUZZY_WINDOWS = 40  # candidate windows aligned with difflib per note


def make_anchor(body: str, start: int, end: int) -> Anchor:
    """Anchor for the selection body[start:end], trimmed of surrounding whitespace.

    Raises BadInput when the range is outside the text or selects only whitespace."""
    if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool):
        raise BadInput("A note's start and end must be whole numbers.")
    if not 0 <= start < end <= len(body):
        raise BadInput(f"The selection {start}–{end} is outside the article text "
                       f"(0–{len(body)}).")
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    if start == end:
        raise BadInput("The selection is empty: select some words to note.")
    return Anchor(start, end, body[start:end], body[max(0, start - CONTEXT):start],
                  body[end:end + CONTEXT])


def reanchor(note: Note, body: str) -> tuple[int, int] | None:
    """Where `note`'s passage is in `body` (new text of its article), or None if it is gone.

    1. The old position still holds the quote with the same context: keep it.
    2. Else every exact occurrence of the quote is scored by how well its surroundings match
       the stored prefix/suffix, ties broken by closeness to the old position.
    3. Else (the passage itself was edited) windows around likely spots (the old position,
       where the prefix/suffix/pieces of the quote occur) are aligned with difflib; the best
       one at least FUZZY_MIN_RATIO similar to the quote wins.
    Raises ValueError for a whole-article note (nothing to anchor; see `refresh_anchor`).
    """
    quote = note.quote
    if not quote:
        raise ValueError("a whole-article note has no anchor")
    hint = note.start if note.start is not None else 0
    if note.start is not None and note.end is not None and body[note.start:note.end] == quote:
        if _context_score(body, note.start, note.end, note.prefix, note.suffix) == 1.0:
            return note.start, note.end
    found = _exact(body, note, hint)
    if found is None and len(quote) >= FUZZY_MIN_QUOTE:
        found = _fuzzy(body, note, hint)
    return found


def refresh_anchor(note: Note, body: str, text_hash: str) -> Note:
    """The note re-anchored against its article's current text (hash `text_hash`).

    Returns the note unchanged when `text_hash` is the one it was anchored on. Orphans keep
    their last offsets (a hint for the next try) and become anchored again if the passage
    comes back."""
    if note.text_hash == text_hash:
        return note
    if note.whole_article:
        return replace(note, text_hash=text_hash, orphan=False)
    found = reanchor(note, body)
    if found is None:
        return replace(note, text_hash=text_hash, orphan=True)
    return replace(note, start=found[0], end=found[1], text_hash=text_hash, orphan=False)


def _context_score(body: str, start: int, end: int, prefix: str, suffix: str) -> float:
    """1.0 when the text around [start, end) equals the stored prefix/suffix; less as it
    differs (difflib ratio, weighted by length)."""
    total = len(prefix) + len(suffix)
    if not total:
        return 1.0
    score = 0.0
    for stored, actual in ((prefix, body[max(0, start - len(prefix)):start]),
                           (suffix, body[end:end + len(suffix)])):
        if stored:
            ratio = 1.0 if stored == actual else SequenceMatcher(None, stored, actual).ratio()
            score += ratio * len(stored)
    return score / total


def _exact(body: str, note: Note, hint: int) -> tuple[int, int] | None:
    quote = note.quote
    best: tuple[float, int] | None = None
    best_pos = -1
    pos = body.find(quote)
    for _ in range(MAX_OCCURRENCES):
        if pos < 0:
            break
        key = (_context_score(body, pos, pos + len(quote), note.prefix, note.suffix),
               -abs(pos - hint))
        if best is None or key > best:
            best, best_pos = key, pos
        pos = body.find(quote, pos + 1)
    return None if best is None else (best_pos, best_pos + len(quote))


def _occurrences(body: str, needle: str, limit: int) -> list[int]:
    out: list[int] = []
    pos = body.find(needle) if needle else -1
    while pos >= 0 and len(out) < limit:
        out.append(pos)
        pos = body.find(needle, pos + 1)
    return out


def _fuzzy(body: str, note: Note, hint: int) -> tuple[int, int] | None:
    quote = note.quote
    qlen = len(quote)
    seeds = [hint]
    if len(note.prefix) >= FUZZY_MIN_QUOTE:
        seeds += [p + len(note.prefix) for p in _occurrences(body, note.prefix, 10)]
    if len(note.suffix) >= FUZZY_MIN_QUOTE:
        seeds += [p - qlen for p in _occurrences(body, note.suffix, 10)]
    piece = max(4, qlen // 4)
    for offset in range(0, qlen - piece + 1, piece):
        seeds += [p - offset for p in _occurrences(body, quote[offset:offset + piece], 10)]
    slack = max(10, qlen // 3)
    windows: list[int] = []
    for seed in sorted(set(seeds), key=lambda s: abs(s - hint)):
        if all(abs(seed - w) > slack // 2 for w in windows):
            windows.append(seed)
        if len(windows) >= MAX_FUZZY_WINDOWS:
            break
    best: tuple[float, int] | None = None
    best_span = None
    for seed in windows:
        lo = max(0, seed - slack)
        hi = min(len(body), seed + qlen + slack)
        if hi <= lo:
            continue
        span = _align(body, lo, hi, quote)
        if span is None:
            continue
        start, end, ratio = span
        if ratio < FUZZY_MIN_RATIO:
            continue
        key = (ratio + 0.1 * _context_score(body, start, end, note.prefix, note.suffix),
               -abs(start - hint))
        if best is None or key > best:
            best, best_span = key, (start, end)
    return best_span


def _align(body: str, lo: int, hi: int, quote: str) -> tuple[int, int, float] | None:
    """Best span of body[lo:hi] matching `quote` and its difflib similarity."""
    window = body[lo:hi]
    matcher = SequenceMatcher(None, window, quote, autojunk=len(quote) > 400)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    # Stray one- or two-character matches at the edges stretch the span: drop them.
    while len(blocks) > 1 and blocks[0].size < 3:
        blocks.pop(0)
    while len(blocks) > 1 and blocks[-1].size < 3:
        blocks.pop()
    if not blocks:
        return None
    first, last = blocks[0], blocks[-1]
    # Unmatched quote characters at either end were most likely replaced in place.
    start = max(0, first.a - first.b)
    end = min(len(window), last.a + last.size + (len(quote) - last.b - last.size))
    while start < end and window[start].isspace():
        start += 1
    while end > start and window[end - 1].isspace():
        end -= 1
    if start >= end:
        return None
    ratio = SequenceMatcher(None, window[start:end], quote, autojunk=False).ratio()
    return lo + start, lo + end, ratio

