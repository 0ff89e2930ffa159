"""The policy cache's discovery facts: packed per article, an unchanged article's sentences
written back as read, a damaged or stale cache never reused."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from reader.extraction.policies import PolicyTable, build_policies, load_codebook
from reader.extraction.policies.discovery import (
    DocFacts,
    PackedFacts,
    pack_facts,
    unpack_facts,
)

from .policy_fakes import CODEBOOK

FACTS = {
    "a": DocFacts([[0, 10, "Ann Lee", "proposes"], [11, 30, None, "unknown"]],
                  {"tax bill": [0], "asylum quota": [0, 1]}, [["mp", "Ann Lee"]], ["tax bill"],
                  {0: "A tax bill."}),
    "b": DocFacts([[0, 5, None, "unknown"]], {"weather": [0]}, [], [], {}),
    "c": DocFacts(),
}


@pytest.fixture(scope="module")
def corpus_table(corpus_articles, corpus_analyses):
    return build_policies(corpus_articles, corpus_analyses, load_codebook(CODEBOOK))


def _fields(f: DocFacts) -> tuple:
    return f.units, f.keys, f.roles, f.acted, f.texts


def test_packed_facts_read_back_the_same():
    back = unpack_facts(json.loads(json.dumps(pack_facts(FACTS))))
    assert list(back) == list(FACTS)
    assert all(isinstance(f, PackedFacts) for f in back.values())
    assert {d: _fields(f) for d, f in back.items()} == {d: _fields(f) for d, f in FACTS.items()}
    assert list(back["a"].names) == ["tax bill", "asylum quota"]


def test_unchanged_facts_are_written_back_as_read_and_equal_facts_pack_the_same():
    text = pack_facts(FACTS)
    back = unpack_facts(text)
    assert pack_facts(back) == text  # nothing decoded: the same bytes
    back["a"].units  # noqa: B018 (decoded: still the same bytes)
    assert pack_facts(back) == text
    copy = {d: DocFacts(*(json.loads(json.dumps(x)) for x in _fields(f)))
            for d, f in FACTS.items()}
    for f in copy.values():
        f.texts = {int(u): t for u, t in f.texts.items()}
    assert pack_facts(copy) == text


def test_a_changed_article_s_facts_are_its_own():
    back = unpack_facts(pack_facts(FACTS))
    back["b"] = DocFacts([[0, 9, None, "supports"]], {"rail fare": [0]}, [], [], {})
    again = unpack_facts(pack_facts(back))
    assert _fields(again["b"]) == _fields(back["b"])
    assert _fields(again["a"]) == _fields(FACTS["a"])


def test_facts_of_the_plain_form_written_before_are_read():
    rows = json.loads(json.dumps({d: f.to_row() for d, f in FACTS.items()}))
    back = unpack_facts(rows)
    assert {d: _fields(f) for d, f in back.items()} == {d: _fields(f) for d, f in FACTS.items()}


@pytest.mark.parametrize("damage", [
    lambda t: t[:8] + t[8:-12] + ("A" if t[-12] != "A" else "B") + t[-11:],  # one byte
    lambda t: t[:-8],  # cut short
    lambda t: "0" * 8 + t[8:],  # another CRC
    lambda t: t[:8] + "!" + t[9:],  # not base64
    lambda t: 12,
])
def test_damaged_facts_are_refused(damage):
    with pytest.raises((ValueError, TypeError)):
        unpack_facts(damage(pack_facts(FACTS)))


@pytest.mark.spacy
def test_a_policy_cache_with_damaged_facts_is_rebuilt_not_reused(corpus_articles,
                                                               corpus_analyses, corpus_table):
    from reader.domain import ArticleInfo

    book = load_codebook(CODEBOOK)
    data = json.loads(json.dumps(corpus_table.to_cache()))
    text = data["facts"]
    data["facts"] = text[:-12] + ("A" if text[-12] != "A" else "B") + text[-11:]
    with pytest.raises(ValueError):
        PolicyTable.from_cache(data)
    by_id = {a.id: a for a in corpus_articles}
    infos = [ArticleInfo(id=a.id, title=a.title, author=a.author, date=a.date,
                         text_hash=a.text_hash) for a in corpus_articles]
    loaded = []

    def load(doc_id):
        loaded.append(doc_id)
        return by_id[doc_id]

    again = build_policies(infos, corpus_analyses, book, previous=data, load=load)
    assert sorted(loaded) == sorted(by_id)  # every article matched again
    assert again.to_cache() == build_policies(corpus_articles, corpus_analyses,
                                              book).to_cache()


@pytest.mark.spacy
def test_a_changed_article_is_matched_again_from_packed_facts(corpus_articles,
                                                             corpus_analyses, corpus_table):
    book = load_codebook(CODEBOOK)
    previous = json.loads(json.dumps(corpus_table.to_cache()))
    moved = [replace(corpus_articles[0], date="2001-01-01")] + corpus_articles[1:]
    again = build_policies(moved, corpus_analyses, book, previous=previous)
    fresh = build_policies(moved, corpus_analyses, book)
    assert again.to_cache() == fresh.to_cache()
    assert again.to_cache()["docs"] != previous["docs"]


@pytest.mark.spacy
def test_a_cache_written_before_the_key_index_is_reused(corpus_articles, corpus_analyses,
                                                        corpus_table):
    import marshal

    from reader.domain import ArticleInfo

    book = load_codebook(CODEBOOK)
    data = corpus_table.to_cache(raw_facts=True)
    # the form written before: each article's key names beside its detail; no key index
    rows = {doc: [list(f.keys), f.roles, f.acted,
                  marshal.dumps([f.units, list(f.keys.values()), f.texts], 2)]
            for doc, f in unpack_facts(data.pop("facts")).items()}
    del data["index"]
    old = {**data, "facts": marshal.dumps(rows, 2)}
    assert PolicyTable.from_cache(old).to_cache() == corpus_table.to_cache()
    moved = [replace(corpus_articles[0], date="2001-01-01")] + corpus_articles[1:]
    by_id = {a.id: a for a in moved}
    infos = [ArticleInfo(id=a.id, title=a.title, author=a.author, date=a.date,
                         text_hash=a.text_hash) for a in moved]
    loaded = []

    def load(doc_id):
        loaded.append(doc_id)
        return by_id[doc_id]

    again = build_policies(infos, corpus_analyses, book, previous=old, load=load)
    assert loaded == [moved[0].id]  # the others' results reused
    assert again.to_cache() == build_policies(moved, corpus_analyses, book).to_cache()
