"""Policies: resources/policy_lexicon.toml, its errors and its part in the cache fingerprint."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import pytest

from reader.errors import BadInput
from reader.extraction.policies import STANCES, PolicyLexicon, build_policies, fingerprint

from .conftest import RESOURCES
from .policy_fakes import article, hand_analysis, policy_entry


@pytest.fixture
def own_resources(tmp_path):
    """A copy of the bundled policy lexicon that a test may edit."""
    shutil.copy(RESOURCES / "policy_lexicon.toml", tmp_path / "policy_lexicon.toml")
    return tmp_path


def _edit(resources, old: str, new: str) -> None:
    path = resources / "policy_lexicon.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_bundled_lexicon_loads_and_is_the_default():
    lex = PolicyLexicon.load(RESOURCES)
    assert PolicyLexicon.load(None) == lex
    assert set(lex.stance_of.values()) == set(STANCES) - {"unknown"}
    assert lex.stance_of["sceptical"] == "sceptical" and lex.stance_of["call"] == "proposes"
    assert lex.cue_nouns <= set(lex.stance_of)  # a cue noun is a stance word
    assert lex.generic["ministers"] == "Ministers"
    assert [p.text for p in lex.weak_cues] == ["we need to", "have|has to change"]
    assert len(lex.digest) == 16


def test_missing_lexicon_is_a_reader_error_naming_the_file(tmp_path):
    with pytest.raises(BadInput, match="cannot read") as info:
        PolicyLexicon.load(tmp_path)
    assert str(tmp_path / "policy_lexicon.toml") in str(info.value)


@pytest.mark.parametrize("old, new, message", [
    ("\n[words]\n", "\n[words\n", "not valid TOML"),
    ("\n[generic_actors]\n", "\n[generic]\n", "unknown table"),
    ('modals = ["should"', 'modal = ["should"', "unknown list 'modal'"),
    ('modals = ["should"', 'modals = [1, "should"', "words.modals must be a list"),
    ('wary",', 'wary", "oppose",', "under two stances"),
    ("sceptical = [", "doubting = [", "unknown stance"),
    ('weak = ["we need to"', 'weak = ["... we need to"', "gap"),
    ('ministers = "Ministers"', 'ministers = ""', "non-empty string"),
])
def test_malformed_lexicon_gives_a_clear_error(own_resources, old, new, message):
    _edit(own_resources, old, new)
    with pytest.raises(BadInput, match=message) as info:
        PolicyLexicon.load(own_resources)
    assert "policy_lexicon.toml" in str(info.value)


def _one_article():
    art = article("a", "Councils outsourced taxes.")
    words = [("Councils", "council", "NOUN"), ("outsourced", "outsource", "VERB"),
             ("taxes", "tax", "NOUN"), (".", ".", "PUNCT")]
    analysis = hand_analysis(art, words)
    deps = ["nsubj", "ROOT", "dobj", "punct"]  # a proposal needs its object
    tokens = [(s, e, lemma, pos, deps[n], 1)
              for n, (s, e, lemma, pos, _, _) in enumerate(analysis.tokens)]
    return art, {"a": replace(analysis, tokens=tokens)}


def test_an_edited_lexicon_changes_results_and_invalidates_caches(own_resources):
    art, analyses = _one_article()
    book = [policy_entry("unused", "zzzz")]
    before = build_policies([art], analyses, book, resources_dir=own_resources)
    fp = fingerprint([art], book, resources_dir=own_resources)
    assert before.proposals == []
    assert fp == fingerprint([art], book)  # the bundled lexicon, unedited

    _edit(own_resources, 'weak = ["we need to"', 'weak = ["outsource:VERB", "we need to"')
    _edit(own_resources, 'actions = [', 'actions = ["outsource", ')
    assert fingerprint([art], book, resources_dir=own_resources) != fp
    loaded = []

    def load(doc_id):
        loaded.append(doc_id)
        return art

    previous = json.loads(json.dumps(before.to_cache()))
    after = build_policies([art], analyses, book, previous=previous, load=load,
                           resources_dir=own_resources)
    assert loaded == ["a"]  # results under the old lexicon are not reused
    assert [p.cue for p in after.proposals] == ["outsourced"]
