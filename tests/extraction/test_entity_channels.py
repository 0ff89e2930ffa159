"""Channels (reader.extraction.entities.channels): the units an edit can reach, and the
premise of a per-group splice: the merging passes re-run on a closed set of units alone give
those units' groups exactly as a run over every candidate does."""

from __future__ import annotations

import pytest

from reader.extraction.entities import build, build_entities
from reader.extraction.entities.channels import (
    Trace,
    closure,
    holders_of,
    same_entities,
    same_merges,
)
from reader.extraction.entities.state import unpack

from .fakes import corpus

_DOCS = [
    ("a", "Michael Gove met the Local Government Association (LGA) in Leeds. Gove spoke.",
     [("Michael Gove", "PERSON"), ("Local Government Association", "ORG"), ("Leeds", "GPE")]),
    ("b", "Gove said the LGA was wrong. The Social Worker Commission met Lord Laming.",
     [("Gove", "PERSON"), ("LGA", "ORG"), ("Social Worker Commission", "ORG")]),
    ("c", "The Conservative Party Commission on Social Workers and the Social Worker "
          "Commission met. Time Warner and TimeWarner agreed.",
     [("Conservative Party Commission on Social Workers", "ORG"),
      ("Social Worker Commission", "ORG"), ("Time Warner", "ORG"), ("TimeWarner", "ORG")]),
    ("d", "Ofsted inspected Haringey. Ed Balls and Mr Balls argued in 2008.",
     [("Ofsted", "ORG"), ("Haringey", "GPE"), ("Ed Balls", "PERSON"), ("2008", "DATE")]),
    ("e", "The LGA and the London Gardens Alliance met. Leeds won.",
     [("LGA", "ORG"), ("London Gardens Alliance", "ORG"), ("Leeds", "GPE")]),
]


@pytest.fixture
def traced(resources_dir, monkeypatch):
    """(corpus, trace) of a full build of `_DOCS` with its channels traced."""
    seen = []
    run = build._run

    def traced_run(corpus_, results, keys, trace=None):
        trace = Trace(corpus_.lex, corpus_.acronym_defs, corpus_.memo)
        out = run(corpus_, results, keys, trace)
        seen.append((corpus_, trace, out[0]))
        return out

    monkeypatch.setattr(build, "_run", traced_run)
    arts, analyses = corpus(*_DOCS)
    plain = build_entities(arts, analyses, resources_dir).to_cache()
    monkeypatch.setattr(build, "_run", run)
    again = build_entities(arts, analyses, resources_dir).to_cache()
    for part in ("table", "state"):  # tracing changes nothing
        assert unpack(again[part]) == unpack(plain[part])
    return seen[0]


def _units_of(corpus_, doc_id):
    return {c.unit for c in corpus_.cands if c.doc.id == doc_id}


def test_every_articles_closure_merges_as_the_full_run(traced):
    corpus_, trace, extracted = traced
    holders = holders_of(trace.units)
    for doc_id in "abcde":
        reach = closure(_units_of(corpus_, doc_id), trace.units, holders)
        assert _units_of(corpus_, doc_id) <= reach
        assert same_merges(corpus_, reach), doc_id
        assert same_entities(corpus_, trace, extracted, reach), doc_id
    assert same_entities(corpus_, trace, extracted, set(trace.units))


def test_a_closure_follows_acronyms_head_nouns_and_spellings(traced):
    corpus_, trace, _ = traced
    holders = holders_of(trace.units)
    reach = closure({"lga"}, trace.units, holders)
    # the names the acronym may stand for, not every organisation
    assert {"local-government-association", "london-gardens-alliance"} <= reach
    assert "ofsted" not in reach
    short = closure({"social-worker-commission"}, trace.units, holders)
    assert "conservative-party-commission-on-social-workers" in short
    assert {"time-warner", "timewarner"} <= closure({"time-warner"}, trace.units, holders)


def test_a_set_that_is_not_closed_does_not_merge_as_the_full_run(traced):
    """The check can fail: the acronym re-run without the names it merges into."""
    corpus_, trace, extracted = traced
    assert not same_merges(corpus_, {"lga"})
    assert not same_entities(corpus_, trace, extracted, {"gove"})  # without "Michael Gove"
