"""The policy key index (`keyindex.KeyIndex`): updated for the changed articles, it is the
index of the changed corpus; a word's bucket holds exactly the keys `_reachable` gives for
it; discover reads the same through it as from every article's keys."""

from __future__ import annotations

import random

import pytest

from reader.extraction.policies import PolicyLexicon
from reader.extraction.policies.discovery import (
    DocFacts,
    GroupMemo,
    _head,
    _reachable,
    _turned,
    discover,
)
from reader.extraction.policies.facts import pack_facts, unpack_facts
from reader.extraction.policies.keyindex import KeyIndex

WORDS = ["tax", "bill", "back", "id", "identity", "card", "asylum", "quota", "on", "of",
         "golden", "rule", "economic", "low", "rate", "vat", "value", "added", "for", "plan"]


# few words, often acted on: candidates and variant groups of several keys (discover)
DENSE = ["tax", "bill", "back", "id", "identity", "card", "vat", "value", "added", "asylum",
         "quota"]


def _key(rng: random.Random, words: list[str]) -> str:
    if rng.random() < 0.3:
        return f"{rng.choice(words)} {rng.choice(['on', 'of', 'for'])} {rng.choice(words)}"
    shortest = 1 if words is WORDS else 2
    return " ".join(rng.choice(words) for _ in range(rng.randint(shortest, 4)))


def _facts(rng: random.Random, words: list[str] = WORDS) -> DocFacts:
    keys = {_key(rng, words) for _ in range(rng.randint(0 if words is WORDS else 2, 7))}
    acted = 0.3 if words is WORDS else 0.6
    return DocFacts([[0, 9, None, "unknown"]], {k: [0] for k in keys}, [],
                    sorted(k for k in keys if rng.random() < acted), {0: "A sentence."})


def _corpus(rng: random.Random, docs: int, words: list[str] = WORDS) -> dict[str, DocFacts]:
    return {f"d{n}": _facts(rng, words) for n in range(docs)}


def test_an_updated_index_is_the_index_of_the_changed_corpus():
    rng = random.Random(5)
    for _ in range(60):
        before = unpack_facts(pack_facts(_corpus(rng, 10), raw=True))  # as read back
        index = KeyIndex.unpacked(KeyIndex.of(before).packed())
        after = dict(before)
        changed = set()
        for _ in range(rng.randint(1, 3)):
            doc = f"d{rng.randrange(12)}"  # changed, added, or removed
            changed.add(doc)
            if rng.random() < 0.2:
                after.pop(doc, None)
            else:
                after[doc] = _facts(rng)
        assert index.update(before, after, changed)
        want = KeyIndex.of(after)
        assert KeyIndex.unpacked(index.packed()).content() == want.content()
        assert index.content() == want.content()
        for k in {k for f in before.values() for k in f.names} | want.keys():
            assert sorted(index.docs(k)) == sorted(d for d, f in after.items() if k in f.names)


def test_a_word_s_bucket_holds_the_keys_reachable_from_it():
    rng = random.Random(7)
    corpus = _corpus(rng, 30)
    index = KeyIndex.of(corpus)
    known = {k for f in corpus.values() for k in f.names}
    assert index.keys() == known
    for seed in sorted(known):
        words = {_head(seed)} | ({_head(_turned(seed))} if _turned(seed) else set())
        assert index.near(words) == _reachable(known, [seed])


def test_an_article_id_with_a_line_break_has_no_index():
    assert KeyIndex.of({"a\nb": DocFacts()}) is None
    index = KeyIndex.of({"a": DocFacts()})
    assert not index.update({}, {"a\nb": DocFacts()}, {"a\nb"})


@pytest.mark.parametrize("value", [b"\x00damaged", 12, {"tax": "not a bucket"}, None])
def test_a_damaged_index_is_not_read(value):
    assert KeyIndex.unpacked(value) is None


def test_discover_reads_the_same_through_the_index():
    lex = PolicyLexicon.load()
    rng = random.Random(3)
    found = 0
    for _ in range(20):
        corpus = _corpus(rng, rng.choice([24, 80]), DENSE)
        plain = discover([], corpus, {}, lambda n: n, lambda d: "", lex, GroupMemo())
        through = discover([], corpus, {}, lambda n: n, lambda d: "", lex, GroupMemo(),
                           index=KeyIndex.of(corpus))
        assert through == plain
        found += len(plain)
        # ... and from an earlier build's groups, one article changed
        memo = GroupMemo()
        discover([], corpus, {}, lambda n: n, lambda d: "", lex, memo)
        doc = f"d{rng.randrange(len(corpus))}"
        old = corpus[doc].names
        changed = {**corpus, doc: _facts(rng, DENSE)}
        keys = set(old) | set(changed[doc].names)
        plain = discover([], changed, {}, lambda n: n, lambda d: "", lex)
        index = KeyIndex.of(corpus)
        index.update(corpus, changed, {doc})
        through = discover([], changed, {}, lambda n: n, lambda d: "", lex,
                           GroupMemo(memo.groups, keys), index=index)
        assert through == plain
    assert found > 20  # (candidates to compare)
