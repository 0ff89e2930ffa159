"""The policy table built incrementally (one article changed, removed or added back) equals a
full build of the changed corpus: per-article results reused, variant groups regrouped only
where a changed key reaches (`discovery.GroupMemo`)."""

from __future__ import annotations

import json
import random
from dataclasses import replace

import pytest

from reader.extraction.policies import build_policies, load_codebook
from reader.extraction.policies.discovery import GroupMemo, _turned, variant_groups

from .policy_fakes import CODEBOOK

WORDS = ["tax", "bill", "back", "id", "identity", "card", "asylum", "quota", "on", "of",
         "golden", "rule", "economic", "low", "rate", "vat", "value", "added", "for", "plan"]


def _corpus(rng: random.Random, docs: int) -> dict[str, set[str]]:
    """{key: articles naming it} of random one- to four-word keys over a small vocabulary
    (so that abbreviations, turned phrases and longer forms collide often)."""
    out: dict[str, set[str]] = {}
    for d in range(docs):
        for _ in range(rng.randint(1, 6)):
            key = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))
            if rng.random() < 0.3:
                key = f"{rng.choice(WORDS)} {rng.choice(['on', 'of', 'for'])} {rng.choice(WORDS)}"
            out.setdefault(key, set()).add(f"d{d}")
    return out


def _change(known: dict[str, set[str]], doc: str, keys: set[str]) -> dict[str, set[str]]:
    """`known` with article `doc` naming exactly `keys` now."""
    out = {k: v - {doc} for k, v in known.items()}
    for k in keys:
        out.setdefault(k, set()).add(doc)
    return {k: v for k, v in out.items() if v}


def test_regrouping_only_what_a_change_reaches_equals_grouping_everything():
    rng = random.Random(11)
    for _ in range(80):
        known = _corpus(rng, 12)
        seeds = rng.sample(sorted(known), min(len(known), 15))
        before = variant_groups(seeds, known, known)
        doc = f"d{rng.randrange(14)}"  # an article changed, removed (no keys) or added
        old = {k for k, v in known.items() if doc in v}
        new = set(rng.sample(sorted(known), 2)) | {
            " ".join(rng.choice(WORDS) for _ in range(3))} if rng.random() < 0.8 else set()
        turned = [t for t in map(_turned, seeds) if t]
        if turned and rng.random() < 0.5:  # a seed's turned form comes or goes
            new ^= {rng.choice(turned)}
        after = _change(known, doc, new)
        seeds_after = [s for s in seeds if s in after] + rng.sample(sorted(after), 2)
        memo = GroupMemo({k: sorted(v) for k, v in before.items()}, old | new)
        assert memo.regroup(seeds_after, after) == variant_groups(seeds_after, after, after)
        assert memo.groups == variant_groups(seeds_after, after, after)


@pytest.mark.spacy
def test_incremental_policy_table_equals_a_full_build(nlp, corpus_articles, corpus_analyses,
                                                      tmp_path):
    from reader.extraction.nlp import analyse

    book = load_codebook(CODEBOOK)
    arts = list(corpus_articles)
    analyses = dict(corpus_analyses)
    # A sentence of another article appended: its keys move between articles.
    extra = arts[1].body.split("\n\n")[-1]
    changed = replace(arts[0], body=arts[0].body + "\n\n" + extra)
    analyses.update(analyse([changed], tmp_path, nlp=nlp))
    previous = json.loads(json.dumps(build_policies(arts, analyses, book).to_cache()))
    steps = [[changed] + arts[1:],  # changed
             [changed] + arts[2:],  # one removed
             arts]  # put back, and the first one as it was
    for current in steps:
        again = build_policies(current, analyses, book, previous=previous)
        full = build_policies(current, analyses, book)
        assert again.to_cache() == full.to_cache()
        assert full.groups  # the bundled corpus does name proposed objects
        previous = json.loads(json.dumps(again.to_cache()))


def test_an_earlier_candidate_is_taken_only_when_nothing_it_reads_changed():
    from reader.extraction.policies.build import _Reuse
    from reader.extraction.policies.discovery import DocFacts
    from reader.extraction.policies.table import POLICY_VERSION

    def row(roles):
        return DocFacts(units=[[0, 5, "Ann", "for"]], keys={"tax": [0]}, roles=roles).to_row()

    previous = {"version": POLICY_VERSION, "rules": "r", "policies": [], "proposals": [],
                "facts": {"a": row([["chancellor", "Ann"]]), "b": row([]), "c": row([])},
                "docs": {"a": "ka", "b": "kb", "c": "kc"},
                "sources": {"tax": ["discovered-tax", ["tax"], ["a", "b"]]},
                "candidates": [{"id": "discovered-tax", "label": "Tax", "description": "d",
                                "variants": ["taxes"], "mentions": [
                                    ["a", 0, 5, "Taxes", "Ann", "old", "for", "2020"]]}]}

    def earlier(roles_of_c):  # a and b reused, c matched again naming `roles_of_c`
        reuse = _Reuse(previous, "r", set())
        facts: dict = {}
        for doc in "ab":
            assert reuse.take(doc, "k" + doc, {}, [], facts, lambda n: n)
        facts["c"] = DocFacts(roles=roles_of_c)
        return reuse.candidates(facts, {"a": "2020"}, {"Ann": "person:ann"}.get)

    got = earlier([])("tax", {"tax"}, {"a", "b"})
    assert (got.id, got.label, got.variants, got.discovered) == (
        "discovered-tax", "Tax", ["taxes"], True)
    assert [(m.actor, m.actor_name, m.text) for m in got.mentions] == [
        ("person:ann", "Ann", "Taxes")]  # actors resolved again
    assert earlier([])("tax", {"tax"}, {"a", "b", "c"}) is None  # names a changed article
    assert earlier([])("tax", {"tax", "taxes"}, {"a", "b"}) is None  # other variants
    assert earlier([])("vat", {"vat"}, {"a", "b"}) is None  # no earlier candidate
    # the corpus's roles moved: a role's fallback person may have too
    assert earlier([["chancellor", "Bob"]])("tax", {"tax"}, {"a", "b"}) is None
    assert _Reuse(None, "r", set()).candidates({}, {}, str)("tax", {"tax"}, {"a"}) is None
