"""One article's analysis as policies read it: sentences, quotes, the pattern matcher, the tree.

Patterns are matched over lemma sequences by a small matcher of our own rather than
spaCy's Matcher, because a codebook term must match a lemma *or* a surface form, skip
punctuation and possessives and allow bounded gaps inside a sentence.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from operator import and_

from reader.domain import Article
from reader.extraction.nlp import Analysis
from reader.extraction.nlpcache import Tokens
from reader.extraction.policies.codebook import EDGE_PUNCT, QUOTES, Gap, Pattern, Term

_QUOTE_MARK = re.compile("[“”\"‘’']")


@dataclass
class Unit:
    """A sentence clipped to the body and to one paragraph (full-text offsets)."""

    start: int
    end: int
    para: int
    tokens: Sequence[int]  # a range of token indices
    quoted: bool = False
    question: bool = False


class _Words(Sequence):
    """A token column of word ids read as the words (a long article's lemma, POS, dep)."""

    __slots__ = ("ids", "words")

    def __init__(self, ids: array, words: list[str]):
        self.ids, self.words = ids, words

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, i):
        return self.words[self.ids[i]]


class _Slices(Sequence):
    """Each token's text, sliced from the full text when asked for."""

    __slots__ = ("text", "starts", "ends")

    def __init__(self, text: str, starts: array, ends: array):
        self.text, self.starts, self.ends = text, starts, ends

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, i):
        return self.text[self.starts[i]:self.ends[i]]


class _Children(Sequence):
    """Each token's dependents in token order, from the head column: two int arrays
    (offsets and the children grouped by head) instead of a list per token."""

    __slots__ = ("_at", "_kids")

    def __init__(self, head: Sequence[int]):
        n = len(head)
        counts = array("i", bytes(4 * (n + 1)))
        for i, h in enumerate(head):
            if h != i:
                counts[h + 1] += 1
        self._at = array("i", accumulate(counts))
        fill = array("i", self._at)
        self._kids = array("i", bytes(4 * self._at[-1])) if n else array("i")
        for i, h in enumerate(head):
            if h != i:
                self._kids[fill[h]] = i
                fill[h] += 1

    def __len__(self) -> int:
        return len(self._at) - 1

    def __getitem__(self, i) -> list[int]:
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._kids[self._at[i]:self._at[i + 1]].tolist()


class Document:
    """The analysis of one article, in the shapes matching and attribution need."""

    def __init__(self, article: Article, analysis: Analysis, key_cache: dict | None = None):
        self.article = article
        self.key_cache = {} if key_cache is None else key_cache
        self.an = analysis
        self.text = f"{article.title}\n\n{article.body}" if article.title else article.body
        self.offset = analysis.body_offset
        toks = analysis.tokens
        if isinstance(toks, Tokens):  # a long article, loaded compactly: views, no lists
            starts = toks.column(0)
            self.tok_text = _Slices(self.text, starts, toks.column(1))
            self.lemma, self.pos, self.dep = (_Words(toks.column(k), toks.words)
                                              for k in (2, 3, 4))
            self.head = toks.column(5)
            self.children = _Children(self.head)
        else:
            starts = array("i", [t[0] for t in toks])
            self.tok_text = [self.text[s:e] for s, e, *_ in toks]
            self.lemma = [t[2] for t in toks]
            self.pos = [t[3] for t in toks]
            self.dep = [t[4] for t in toks]
            self.head = [t[5] for t in toks]
            self.children = [[] for _ in toks]
            for i, h in enumerate(self.head):
                if h != i:
                    self.children[h].append(i)
        self._starts = starts
        self.ent_of: dict[int, tuple[int, int, str]] = {}
        for ent in analysis.ents:
            for i in range(bisect_left(starts, ent[0]), len(starts)):
                if starts[i] >= ent[1]:
                    break
                self.ent_of[i] = ent
        self.paras = self._paragraphs()
        self.qmask = bytearray(len(self.text))
        for s, e in self._quote_spans():
            self.qmask[s:e] = b"\x01" * (e - s)
        # prefix counts of letters/digits, and of those inside quotes
        letters = bytes(map(str.isalnum, self.text))
        # (arrays, not lists: a list holds an int object per character, which churns and
        # fragments the heap when 10k articles go through one after another)
        self.alnum = array("i", accumulate(letters, initial=0))
        self.quoted_alnum = array("i", accumulate(map(and_, letters, self.qmask), initial=0))
        self.units = self._units()
        self.content, self.unit_of, self.index = self._content_index()

    # paragraphs, quotes and sentences ----------------------------------------------------
    def _paragraphs(self) -> list[tuple[int, int]]:
        out, pos = [], 0
        body = self.article.body
        for chunk in body.split("\n\n"):
            if chunk.strip():
                out.append((self.offset + pos, self.offset + pos + len(chunk)))
            pos += len(chunk) + 2
        return out

    def _quote_spans(self) -> list[tuple[int, int]]:
        """(start, end) of quoted text, per paragraph; an unclosed quote runs to the
        paragraph's end (news style: a quote continued in the next paragraph)."""
        spans = []
        for pstart, pend in self.paras:
            text = self.text[pstart:pend]
            opener, at = None, 0
            for m in _QUOTE_MARK.finditer(text):
                i, ch = m.start(), m[0]
                prev = text[i - 1] if i else " "
                nxt = text[i + 1] if i + 1 < len(text) else " "
                if opener is None or (opener == "'" and ch == "‘"):
                    # (a second opening single quote restarts: the first was a stray)
                    if ch in "“\"":
                        opener, at = '"', i
                    elif ch == "‘" or (ch == "'" and not prev.isalnum()):
                        opener, at = "'", i
                    continue
                if opener == '"' and ch in "”\"":
                    spans.append((pstart + at, pstart + i + 1))
                    opener = None
                elif opener == "'" and ch in "’'" and not nxt.isalnum():
                    # A closing single quote, or an apostrophe ("professionals’ time")?
                    # After or before punctuation it closes; else only a short scare quote.
                    if not prev.isalnum() or nxt in ".,!?;:)" or i - at <= 40:
                        spans.append((pstart + at, pstart + i + 1))
                        opener = None
            if opener is not None:
                spans.append((pstart + at, pend))
        return spans

    def quoted_share(self, start: int, end: int) -> float:
        """Share of the letters in text[start:end] that are inside quotation marks."""
        letters = self.alnum[end] - self.alnum[start]
        return (self.quoted_alnum[end] - self.quoted_alnum[start]) / letters if letters else 0.0

    def in_quote(self, offset: int) -> bool:
        return bool(self.qmask[offset]) if 0 <= offset < len(self.qmask) else False

    def _units(self) -> list[Unit]:
        units: list[Unit] = []
        starts = self._starts
        para_ends = [pe for _, pe in self.paras]
        for s, e in self.an.sents:
            s = max(s, self.offset)
            # the paragraphs the sentence overlaps: from the first one ending after it starts
            for pi in range(bisect_right(para_ends, s), len(self.paras)):
                ps, pe = self.paras[pi]
                if ps >= e:
                    break
                a, b = max(s, ps), min(e, pe)
                if a >= b:
                    continue
                piece = self.text[a:b]
                a += len(piece) - len(piece.lstrip())
                b -= len(piece) - len(piece.rstrip())
                if not any(c.isalnum() for c in self.text[a:b]):
                    continue
                lo = bisect_left(starts, a)
                unit = Unit(a, b, pi, range(lo, max(lo, bisect_left(starts, b, lo))))
                unit.quoted = self.quoted_share(a, b) >= 0.5
                unit.question = self.text[a:b].rstrip("’'\"”) ").endswith("?")
                units.append(unit)
        return units

    # the matcher's index -----------------------------------------------------------------
    def _content_index(self):
        # (int arrays, not lists: a long article has millions of words)
        content = array("i")  # token indices of words (punctuation, possessives skipped)
        unit_of = array("i")
        index: dict[str, array] = defaultdict(lambda: array("i"))
        self._keys_at: list[frozenset[str]] = []  # per position in `content`
        self._surface_at: list[str] = []
        for ui, unit in enumerate(self.units):
            for ti in unit.tokens:
                if self.pos[ti] in ("PUNCT", "SPACE"):
                    continue
                surface, keys = self._word_keys(self.tok_text[ti], self.lemma[ti], self.pos[ti])
                if not surface:
                    continue
                pos = len(content)
                content.append(ti)
                unit_of.append(ui)
                self._keys_at.append(keys)
                self._surface_at.append(surface)
                for k in keys:
                    index[k].append(pos)
                index["=" + surface].append(pos)
        return content, unit_of, dict(index)

    def _word_keys(self, raw: str, lemma: str, pos: str) -> tuple[str, frozenset[str]]:
        """(surface, match keys) of a token; ("", ...) for a possessive or bare punctuation.
        Memoised per build: most tokens are common words."""
        cache_key = (raw, lemma, pos)
        hit = self.key_cache.get(cache_key)
        if hit is not None:
            return hit
        text = raw.translate(QUOTES)
        surface = "" if text in ("'s", "'") else EDGE_PUNCT.sub("", text)
        lower = surface.lower()
        keys = {lower, EDGE_PUNCT.sub("", lemma.translate(QUOTES)).lower()}
        if pos in ("NOUN", "PROPN") and len(lower) > 3:  # "Reviews" (PROPN keeps its plural)
            if lower.endswith("ies"):
                keys.add(lower[:-3] + "y")
            elif lower.endswith("s") and not lower.endswith("ss"):
                keys.add(lower[:-1])
        keys.discard("")
        hit = self.key_cache[cache_key] = (surface, frozenset(keys))
        return hit

    def _term_ok(self, term: Term, pos: int) -> bool:
        if term.pos and self.pos[self.content[pos]] != term.pos:
            return False
        return bool(term.keys & self._keys_at[pos]) or self._surface_at[pos] in term.exact

    def find(self, pattern: Pattern) -> list[tuple[int, int]]:
        """Matches as (first, last) positions in `self.content`, inside one unit."""
        first = pattern.elements[0]
        cands = set()
        for k in first.keys:
            cands.update(self.index.get(k, ()))
        for x in first.exact:
            cands.update(self.index.get("=" + x, ()))
        out = []
        for p in sorted(cands):
            if not self._term_ok(first, p):
                continue
            end = self._extend(pattern.elements, 1, p, self.unit_of[p])
            if end is not None:
                out.append((p, end))
        return out

    def _extend(self, elements, k: int, pos: int, unit: int) -> int | None:
        if k == len(elements):
            return pos
        el = elements[k]
        gap = 0
        if isinstance(el, Gap):
            gap, k = el.most, k + 1
            el = elements[k]
        for nxt in range(pos + 1, pos + 2 + gap):
            if nxt >= len(self.content) or self.unit_of[nxt] != unit:
                return None
            if self._term_ok(el, nxt):
                end = self._extend(elements, k + 1, nxt, unit)
                if end is not None:
                    return end
        return None

    # tree helpers ------------------------------------------------------------------------
    def distance(self, a: int, b: int) -> int:
        """Path length between two tokens in the dependency tree (large when unrelated)."""
        up = {}
        node, d = a, 0
        while node not in up and d < 60:
            up[node] = d
            if self.head[node] == node:
                break
            node, d = self.head[node], d + 1
        node, d = b, 0
        seen = set()
        while node not in seen and d < 60:
            if node in up:
                return up[node] + d
            seen.add(node)
            if self.head[node] == node:
                break
            node, d = self.head[node], d + 1
        return 999

    def depth(self, i: int) -> int:
        d = 0
        while self.head[i] != i and d < 60:
            i, d = self.head[i], d + 1
        return d

    def kids(self, i: int, *deps: str) -> list[int]:
        return [c for c in self.children[i] if self.dep[c] in deps]
