"""Snippets: the query's words in <b>…</b>, in up to two fragments of the article body."""

from __future__ import annotations

import html
from bisect import bisect_left
from collections import deque
from itertools import accumulate

from whoosh.analysis import Token
from whoosh.highlight import (
    FIRST,
    BasicFragmentScorer,
    ContextFragmenter,
    Formatter,
    Fragment,
    get_text,
    top_fragments,
)

MAXCHARS, SURROUND, WIDEN = 240, 60, 20


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Fragments end on whole words: tokens split "children’s" into "children" + "s", so a
    fragment could otherwise start at "s services". At most WIDEN characters each way."""
    s, e = start, end
    while s > 0 and not text[s - 1].isspace() and start - s < WIDEN:
        s -= 1
    while e < len(text) and not text[e].isspace() and e - end < WIDEN:
        e += 1
    return s, e


class WordFragmenter(ContextFragmenter):
    """Whoosh's ContextFragmenter, with fragments widened to whole words."""

    def __init__(self):
        super().__init__(maxchars=MAXCHARS, surround=SURROUND)
        self.charlimit = None  # else highlights() is '' when the first match is past 32 KB

    def fragment_tokens(self, text, tokens):
        for frag in super().fragment_tokens(text, tokens):
            frag.startchar, frag.endchar = _widen(text, frag.startchar, frag.endchar)
            yield frag


class Bold(Formatter):
    """Matches in <b>…</b>, everything else HTML-escaped."""

    between = " … "

    def format_token(self, text, token, replace=False):
        return f"<b>{html.escape(get_text(text, token, replace))}</b>"

    def _text(self, text):
        return html.escape(text)


def lead(body: str, n: int = 200) -> str:
    """The article's opening words: the snippet when no query word is in the body."""
    if len(body) <= n:
        return body
    cut = body.rfind(" ", 0, n)
    return body[: cut if cut > 0 else n] + " …"


class Snippets:
    """Snippet maker for one schema's body analyzer.

    `make` gives exactly what Whoosh's `hit.highlights("body", top=2)` gives with
    `WordFragmenter` and `Bold` (reader.search.reference), with one regex pass over the text
    and a per-word stem cache (reader.search.stems) instead of the analyzer chain per token."""

    def __init__(self, analyzer):
        from reader.search.stems import FastStems

        self._stems = FastStems(analyzer)
        self._scorer = BasicFragmentScorer()
        self._formatter = Bold()

    def make(self, text: str, words: frozenset[str]) -> str:
        """The snippet HTML ('' when no word of `words` is in `text`)."""
        frags = self._fragments(text, words)
        return self._formatter.format(top_fragments(frags, 2, self._scorer, FIRST, minscore=1))

    def _fragments(self, text: str, words: frozenset[str]) -> list:
        """Whoosh's ContextFragmenter.fragment_tokens over the analyzer's tokens, run token by
        token only near matched words: elsewhere (outside a fragment) a token only moves the
        window of possible fragment starts, which is recomputed when the next match comes."""
        parts = self._stems.splitter.split(text)
        cum = list(accumulate(map(len, parts)))
        tokens = parts[1::2]
        # parts: gap, word, gap, word, ..., gap; word i spans cum[2i] to cum[2i + 1].
        starts, ends = cum[0::2][:len(tokens)], cum[1::2]
        keys = self._stems.keys(tokens)
        matches = [i for i, k in enumerate(keys) if k in words]
        out: list = []
        if not matches:
            return out
        first, firsts, countdown, currentlen = None, deque(), -1, 0
        tks: list = []
        i, n, next_match = 0, len(tokens), 0
        while i < n:
            if countdown < 0:
                while next_match < len(matches) and matches[next_match] < i:
                    next_match += 1
                if next_match == len(matches):
                    break  # no fragment open and no match left: nothing more can happen
                j = matches[next_match]
                if j > i:  # tokens i..j-1 only slide the window of starts
                    low = ends[j - 1] - SURROUND
                    while firsts and firsts[0] < low:
                        firsts.popleft()
                    firsts.extend(starts[bisect_left(starts, low, i, j):j])
                    i = j
            startchar, endchar = starts[i], ends[i]
            tlength = endchar - startchar
            matched = keys[i] in words
            if countdown < 0 and not matched:
                firsts.append(startchar)
                while firsts and endchar - firsts[0] > SURROUND:
                    firsts.popleft()
            elif currentlen + tlength > MAXCHARS:
                countdown = 0
            elif matched:
                countdown = SURROUND
                if first is None:
                    if firsts:
                        first = firsts[0]
                    else:
                        first = startchar
                        countdown += SURROUND
                t = Token(positions=False, chars=True, text=keys[i], boost=1.0)
                t.startchar, t.endchar, t.matched = startchar, endchar, True
                tks.append(t)
            if countdown >= 0:
                currentlen += tlength
                countdown -= tlength
                if countdown <= 0:
                    out.append(_fragment(text, tks, first, endchar))
                    tks, firsts, first, currentlen = [], deque(), None, 0
            i += 1
        if tks:  # Whoosh closes the last fragment at the text's last token
            out.append(_fragment(text, tks, first, ends[-1]))
        return out


def _fragment(text, tks, startchar, endchar):
    # As ContextFragmenter's mkfrag, then widened like WordFragmenter.
    if startchar is None:
        startchar = tks[0].startchar if tks else 0
    if endchar is None:
        endchar = tks[-1].endchar if tks else len(text)
    frag = Fragment(text, tks, max(0, startchar), min(len(text), endchar))
    frag.startchar, frag.endchar = _widen(text, frag.startchar, frag.endchar)
    return frag
