"""Names in a headline: the model's spans cut to names (a headline is written tersely and
capitalised by position)."""

from __future__ import annotations

import re

from reader.extraction import names as N
from reader.extraction.entities.candidates import _WORD, Cand, Doc
from reader.extraction.names import DATE, MONEY

# " v ", a slash between two names (not "AC/DC"), a score ("2-1")
_HEAD_SPLIT = re.compile(r"\s+(?:v|vs\.?|versus)\s+|(?<=[a-z])\s*/\s*(?=[A-Z][a-z])|\s+\d+-\d+\s+")
_HEAD_WORD = re.compile(r"\S+")


def headline(doc: Doc, cands: list[Cand], lw: N.NameWords) -> list[Cand]:
    """The model's spans in a headline cut to names. A headline is written tersely and
    capitalised by position (or, in some styles, every word): "Blackburn v Burnley",
    "O'Connell rejects Lions", "Rapper Kanye West". Each span is split at " v ", "/" and
    scores ("2-1"), cut before its first lower-case word that is not a minor word, and loses
    leading words the body writes in lower case ("rapper") unless the body has the span
    as it is; in a title-case headline only what the body also writes is kept (the
    corpus's known names are still found there again: matching.py)."""
    text, off = doc.text, doc.off
    head = [w for w in _HEAD_WORD.findall(text[:off]) if len(w) > 3 and w[0].isalpha()]
    title_case = len(head) >= 3 and all(w[0].isupper() for w in head)
    body = doc.body
    lower: set[str] = set()  # the body's lower-case words, read when first needed
    out = []
    for c in cands:
        if c.start >= off or c.label in (DATE, MONEY):
            if c.start >= off or c.text[0].isupper() or c.text[0].isdigit():
                out.append(c)  # not "nears 1990"
            continue
        pieces, at = [], c.start
        for m in _HEAD_SPLIT.finditer(text, c.start, c.end):
            pieces.append((at, m.start()))
            at = m.end()
        pieces.append((at, c.end))
        for s, e in pieces:
            s, e = _headline_name(text, s, e, body, lower, lw)
            if e <= s or (title_case and text[s:e] not in body):
                continue
            if (s, e) == (c.start, c.end):
                out.append(c)
            else:  # a title before the name ("Professor X") moved off still leads its form
                form = c.form if c.form.endswith(text[s:e]) else ""
                out.append(Cand(doc, s, e, text[s:e], c.label, c.source, c.strong, form))
    return out


def _headline_name(text: str, s: int, e: int, body: str, lower: set[str],
                   lw: N.NameWords) -> tuple[int, int]:
    s, e = N.clean_span(text, s, e)
    words = list(_HEAD_WORD.finditer(text, s, e))
    for k, w in enumerate(words):
        word = w.group(0)
        if word.islower() and word not in lw.minor_words and word not in lw.particles:
            if k == 0:
                return s, s
            e = words[k - 1].end()
            words = words[:k]
            break
    while len(words) > 1 and text[s:e] not in body:
        if not lower:
            lower.update(w for w in _WORD.findall(body) if w.islower())
            lower.add("")  # read: not read again when the body has no lower-case word
        if words[0].group(0).lower() not in lower:
            break
        words = words[1:]
        s = words[0].start()
    return N.clean_span(text, s, e)
