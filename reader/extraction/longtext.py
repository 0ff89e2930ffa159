"""Texts of any length through spaCy: long ones cut into bounded pieces, their analyses joined.

spaCy refuses a text over `nlp.max_length` (1,000,000 characters) and its memory grows with
the text, so a text over WHOLE_LIMIT is analysed in pieces of at most PIECE_CHARS, cut at a
paragraph break where there is one (entities never cross those), else at a sentence end,
else at white space. Offsets, sentence spans and token heads of each piece are shifted into
the whole text, so the joined analysis indexes it exactly as one pass would; an entity that
a cut inside a paragraph split in two (same label, touching the cut) is joined again. A text
up to WHOLE_LIMIT is one piece: its analysis is exactly what spaCy gives for it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

WHOLE_LIMIT = 100_000  # characters: a text up to this length is analysed whole
# The longest piece of a longer text: about an article, so a batch of pieces costs what a
# batch of articles does (spaCy's working memory grows with the characters in a batch).
PIECE_CHARS = 5_000
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s")

Item = tuple[str, tuple[str, int]]  # (text, (text hash, title length))


def cut_points(text: str, whole: int | None = None, piece: int | None = None
               ) -> list[tuple[int, bool]]:
    """[(start of piece, whether it starts after a paragraph break)], the first (0, True).

    Each piece is at most `piece` (PIECE_CHARS) characters long; a text up to `whole`
    (WHOLE_LIMIT) is one piece."""
    whole = WHOLE_LIMIT if whole is None else whole
    piece = PIECE_CHARS if piece is None else piece
    cuts = [(0, True)]
    if len(text) <= whole:
        return cuts
    pos = 0
    while len(text) - pos > piece:
        cut, paragraph = _cut(text, pos, pos + piece)
        cuts.append((cut, paragraph))
        pos = cut
    return cuts


def _cut(text: str, lo: int, hi: int) -> tuple[int, bool]:
    """Where to end a piece that starts at `lo` and may not pass `hi`: after the last
    paragraph break in its second half, else the last sentence end, else the last white
    space, else at `hi` (a word of thousands of letters is cut)."""
    floor = lo + (hi - lo) // 2
    found = text.rfind("\n\n", floor, hi)
    if found >= 0:
        return found + 2, True
    ends = [m.end() for m in _SENTENCE_END.finditer(text, floor, hi)]
    if ends:
        return ends[-1], False
    for k in range(hi - 1, floor - 1, -1):
        if text[k].isspace():
            return k + 1, False
    return hi, False


class _Joiner:
    """Collects the analysed pieces of one text, shifting their offsets into it; tokens are
    kept as JSON text (what the cache stores), a fifth of the memory of token tuples."""

    def __init__(self, text_hash: str, title_len: int) -> None:
        self.text_hash, self.title_len = text_hash, title_len
        self.sents: list[tuple[int, int]] = []
        self.ents: list[tuple[int, int, str]] = []
        self.token_parts: list[str] = []  # each piece's tokens as JSON (compact)
        self._count = 0

    def add(self, doc, start: int, paragraph: bool, text: str) -> None:
        base = self._count
        self.sents += [(s.start_char + start, s.end_char + start) for s in doc.sents]
        ents = [(e.start_char + start, e.end_char + start, e.label_) for e in doc.ents]
        if ents and self.ents and not paragraph and _touch(text, self.ents[-1], ents[0], start):
            ents[0] = (self.ents.pop()[0], ents[0][1], ents[0][2])
        self.ents += ents
        tokens = [(t.idx + start, t.idx + start + len(t.text), t.lemma_, t.pos_, t.dep_,
                   t.head.i + base) for t in doc]
        self._count += len(tokens)
        self.token_parts.append(json.dumps(tokens, separators=(",", ":"))[1:-1])


def _touch(text: str, before: tuple[int, int, str], after: tuple[int, int, str],
           cut: int) -> bool:
    """Whether two entities of one label meet at a cut, only white space between them."""
    return (before[2] == after[2] and before[1] <= cut <= after[0]
            and not text[before[1]:after[0]].strip())


def analyse_items(nlp, items: Iterable[Item], batch_size: int) -> Iterator[_Joiner]:
    """The analysis (sents, ents, token_parts, text_hash, title_len) of each item, in
    order, whatever its length."""

    def pieces():
        for text, (text_hash, title_len) in items:
            cuts = cut_points(text)
            if len(cuts) == 1:
                yield text, (text_hash, title_len, 0, True, True, "")
                continue
            for k, (start, paragraph) in enumerate(cuts):
                end = cuts[k + 1][0] if k + 1 < len(cuts) else len(text)
                yield text[start:end], (text_hash, title_len, start, paragraph,
                                        k + 1 == len(cuts), text)

    joiner = None
    for doc, (text_hash, title_len, start, paragraph, last, whole) in nlp.pipe(
            pieces(), as_tuples=True, batch_size=batch_size):
        if joiner is None:
            joiner = _Joiner(text_hash, title_len)
        joiner.add(doc, start, paragraph, whole)
        if last:
            yield joiner
            joiner = None
