"""A very long article stays bounded (issue 17): the entity candidates' overlap checks are
near-linear and give what the plain `any(...)` scans gave; the policy Document of a long,
compactly loaded analysis reads its token arrays through views (no list per token) and
finds exactly what the list-built Document finds."""

from __future__ import annotations

import json
import random
import re

import pytest

from reader.domain import Article
from reader.extraction.entities import candidates as C
from reader.extraction.names import Lexicon
from reader.extraction.nlp import Analysis, full_text
from reader.extraction.nlpcache import Tokens
from reader.extraction.policies import build_policies, load_codebook
from reader.extraction.policies.document import Document

from .fakes import analysis
from .policy_fakes import CODEBOOK


class _NaiveSpans:
    """The scans the candidates used before: the reference for `_Spans`."""

    def __init__(self, size: int, spans=()):
        self.spans = list(spans)

    def add(self, s: int, e: int) -> None:
        self.spans.append((s, e))

    def overlaps(self, s: int, e: int) -> bool:
        return any(s < te and ts < e for ts, te in self.spans)


class _NaiveOverlapping:
    def __init__(self, cands):
        self.cands = cands

    def first(self, s: int, e: int):
        return next((c for c in self.cands if c.start < e and s < c.end), None)


def test_span_checks_answer_as_the_plain_scans():
    rng = random.Random(17)
    size = 300
    for _ in range(200):
        spans = []
        for _ in range(rng.randrange(0, 12)):
            s = rng.randrange(-5, size + 5)
            spans.append((s, s + rng.randrange(-1, 15)))  # empty, inverted, off the end too
        fast, slow = C._Spans(size, spans[:6]), _NaiveSpans(size, spans[:6])
        for s, e in spans[6:]:
            fast.add(s, e)
            slow.add(s, e)
        for _ in range(30):
            s = rng.randrange(-5, size + 5)
            e = s + rng.randrange(-1, 20)
            assert fast.overlaps(s, e) == slow.overlaps(s, e), (spans, s, e)
        cands = [C.Cand(None, s, e, "", "X", "ner") for s, e in spans]
        fast_o, slow_o = C._Overlapping(cands), _NaiveOverlapping(cands)
        for _ in range(30):
            s = rng.randrange(-5, size + 5)
            e = s + rng.randrange(0, 20)
            assert fast_o.first(s, e) is slow_o.first(s, e), (spans, s, e)


def _many_names_text(n: int) -> tuple[str, list[tuple[str, str]]]:
    """n sentences full of honorifics, acronym definitions and quoted titles, some of which
    the 'model' found (ents) and some not."""
    rng = random.Random(n)
    surnames = ["Laming", "Munro", "Narey", "Loughton", "Balls", "Gove", "Clarke", "Brown"]
    orgs = [("Local Government Association", "LGA"), ("National Health Service", "NHS"),
            ("Trades Union Congress", "TUC"), ("Child Poverty Action Group", "CPAG")]
    out = []
    for i in range(n):
        name = rng.choice(surnames)
        org, acr = rng.choice(orgs)
        kind = i % 4
        if kind == 0:
            out.append(f"Lord {name}'s review was read by Dr {rng.choice(surnames)} today.")
        elif kind == 1:
            out.append(f"The {org} ({acr}) said Mr {name} was wrong.")
        elif kind == 2:
            out.append(f"Its report, ‘No More Blame Game’, named Sir {name} {acr} again.")
        else:
            out.append(f"Mrs {name} and the {org} met at noon.")
    ents = [("Local Government Association", "ORG"), ("Gove", "PERSON"), ("NHS", "ORG")]
    return "\n\n".join(out), ents


@pytest.mark.parametrize("n", [120])
def test_candidates_of_a_long_text_are_those_of_the_plain_scans(n, monkeypatch):
    text, ents = _many_names_text(n)
    art = Article(id="long", title="", body=text)
    lex = Lexicon.load(None)
    fast = C.read_article(art, analysis(art, ents), lex)
    monkeypatch.setattr(C, "_Spans", _NaiveSpans)
    monkeypatch.setattr(C, "_Overlapping", _NaiveOverlapping)
    slow = C.read_article(art, analysis(art, ents), lex)

    def rows(res):
        return [(c.start, c.end, c.text, c.label, c.source, c.strong, c.form, c.also)
                for c in res.cands]

    assert rows(fast) == rows(slow)
    assert fast.acronyms == slow.acronyms
    assert {c.source for c in fast.cands} >= {"honorific", "acronym", "quoted", "ner"}


def test_candidates_of_thousands_of_sentences():
    """Some 4,000 name-dense sentences go through (quadratic checks took minutes on 9 MB);
    every "Lord X" yields its name, but for the one the model found (Gove)."""
    text, ents = _many_names_text(4000)
    art = Article(id="long", title="", body=text)
    res = C.read_article(art, analysis(art, ents), Lexicon.load(None))
    lords = [c for c in res.cands if c.source == "honorific" and c.form.startswith("Lord ")]
    assert len(lords) == len(re.findall(r"Lord (?!Gove)\w+", text)) > 800


def _joined(articles: list[Article], analyses, times: int) -> tuple[Article, list, Analysis]:
    """One long article made of the corpus articles (`times` over), its analysis joined
    from theirs with offsets and heads shifted."""
    parts, tokens, sents, ents, at = [], [], [], [], 0
    for _ in range(times):
        for art in articles:
            an = analyses[art.id]
            text = full_text(art)
            base = len(tokens)
            tokens += [(s + at, e + at, lem, pos, dep, h + base)
                       for s, e, lem, pos, dep, h in an.tokens]
            sents += [(s + at, e + at) for s, e in an.sents]
            ents += [(s + at, e + at, label) for s, e, label in an.ents]
            parts.append(text)
            at += len(text) + 2
    long = Article(id="long", title="", body="\n\n".join(parts), date="2014-01-01")
    an = Analysis(text_hash=long.text_hash, title_len=0, sents=sents, ents=ents,
                  tokens=tokens)
    return long, tokens, an


@pytest.mark.spacy
def test_a_compact_long_article_gives_what_lists_give(corpus_articles, corpus_analyses):
    long, tokens, as_lists = _joined(corpus_articles, corpus_analyses, 3)
    compact_tokens = Tokens()
    compact_tokens.extend(tokens)
    compact = Analysis(text_hash=long.text_hash, title_len=0, sents=as_lists.sents,
                       ents=as_lists.ents, tokens=compact_tokens)

    doc = Document(long, compact)
    ref = Document(long, as_lists)
    # no Python list (nor object) per token: views over the arrays
    for column in (doc.tok_text, doc.lemma, doc.pos, doc.dep, doc.head, doc.children):
        assert not isinstance(column, list)
    assert all(isinstance(u.tokens, range) for u in doc.units)
    n = len(tokens)
    for i in range(0, n, 7):
        assert (doc.tok_text[i], doc.lemma[i], doc.pos[i], doc.dep[i], doc.head[i],
                doc.children[i]) == (ref.tok_text[i], ref.lemma[i], ref.pos[i], ref.dep[i],
                                     ref.head[i], ref.children[i])
    assert [(u.start, u.end, u.para, list(u.tokens), u.quoted, u.question) for u in doc.units] \
        == [(u.start, u.end, u.para, list(u.tokens), u.quoted, u.question) for u in ref.units]

    book = load_codebook(CODEBOOK)
    got = build_policies([long], {"long": compact}, book)
    want = build_policies([long], {"long": as_lists}, book)
    assert json.dumps(got.to_cache(), sort_keys=True) == json.dumps(want.to_cache(),
                                                                    sort_keys=True)
    assert sum(len(p.mentions) for p in got.policies) > 0


def test_shared_name_lists_read_as_copied_lists():
    """The attributor's per-sentence copies of the full names met so far share one list."""
    from reader.extraction.policies.attribution import _Names

    rng = random.Random(5)
    words = ["Brown", "Clarke", "Gove", "Balls"]
    fast, slow = [_Names()], [[]]
    for _ in range(2000):
        k = rng.randrange(len(fast))
        op = rng.random()
        if op < 0.2:
            fast.append(fast[k].copy())
            slow.append(list(slow[k]))
        elif op < 0.6:
            name = f"{rng.choice('ABCDE')} {rng.choice(words)}"
            if name not in slow[k]:
                fast[k].append(name)
                slow[k].append(name)
        w = rng.choice(words)
        assert fast[k].last_ending(w) == next(
            (f for f in reversed(slow[k]) if f.split()[-1] == w), None)
        name = f"{rng.choice('ABCDE')} {rng.choice(words)}"
        assert (name in fast[k]) == (name in slow[k])
