"""Building entity tables: fingerprints, skipped analyses, the offsets invariant, streaming,
and incremental builds (an unchanged article's results reused from the previous cache)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.domain import ArticleInfo
from reader.extraction.entities import EntityTable, build_entities, fingerprint
from reader.extraction.entities.state import pack, unpack
from reader.extraction.nlp import Analysis, full_text

from .fakes import article, corpus


def _cache(table):
    """A table's cache with its packed parts unpacked (the same values may pack to other
    bytes: marshal shares equal objects by identity)."""
    data = json.loads(json.dumps(table.to_cache()))
    return {**data, "table": unpack(data["table"]), "state": unpack(data["state"])}


def test_fingerprint_follows_text_and_resources(resources_dir, tmp_path):
    arts = [article("a", "Some text.")]
    fp = fingerprint(arts, resources_dir)
    assert fp == fingerprint(arts, resources_dir)
    assert fp != fingerprint([article("a", "Other text.")], resources_dir)
    (tmp_path / "aliases.toml").write_text("ignore = ['x']\n", encoding="utf-8")
    assert fp != fingerprint(arts, tmp_path)
    info = ArticleInfo(id="a", title="", text_hash=arts[0].text_hash)
    assert fingerprint([info], resources_dir) == fp  # the catalogue is enough


def test_an_analysis_of_another_text_is_skipped(resources_dir, caplog):
    arts, analyses = corpus(("a", "Michael Gove spoke.", [("Michael Gove", "PERSON")]))
    changed = [article("a", "Ed Balls spoke at length.")]
    t = build_entities(changed, analyses, resources_dir)
    assert t.entities == []
    assert "another text" in caplog.text
    assert build_entities(arts, {}, resources_dir).entities == []


def test_nothing_in_nothing_out(resources_dir):
    t = build_entities([], {}, resources_dir)
    assert t.entities == [] and t.related is not None
    assert EntityTable.from_cache(t.to_cache()).entities == []


def test_a_corrupt_analysis_does_not_crash(resources_dir):
    art = article("a", "Michael Gove spoke.")
    bad = Analysis(art.text_hash, 0, [(0, 999)], [(0, 12, "PERSON"), (500, 600, "ORG")],
                   [(0, 7, "x", "X", "d", 0), (400, 410, "x", "X", "d", 0)])
    t = build_entities([art], {"a": bad}, resources_dir)
    assert [e.name for e in t.entities] == ["Michael Gove"]


# -- the offsets invariant, on random texts and random spans -----------------------------------
_WORDS = ["the", "The", "Department", "for", "Education’s", "Gove", "Michael", "LGA",
          "(LGA)", "Local", "Government", "Association", "Ofsted,", "—", "Tories", "said",
          "Professor", "Munro", "Sir", "£30m", "Haringey", "\n", "‘Top’", "Main", "MP", "’s"]
_LABELS = ["PERSON", "ORG", "GPE", "NORP", "DATE", "MONEY", "WORK_OF_ART", "LAW", "CARDINAL"]


@settings(database=None, max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_mention_indexes_the_body_exactly(data, resources_dir):
    arts, analyses = [], {}
    for n in range(data.draw(st.integers(1, 3))):
        title = " ".join(data.draw(st.lists(st.sampled_from(_WORDS), max_size=5)))
        body = " ".join(data.draw(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=30)))
        art = article(f"d{n}", body, title)
        text = full_text(art)
        cuts = sorted(set(data.draw(st.lists(st.integers(0, len(text)), max_size=12))))
        ents = [(s, e, data.draw(st.sampled_from(_LABELS)))
                for s, e in zip(cuts[::2], cuts[1::2], strict=False) if e > s]
        tokens = [(i, i + len(w), w, "X", "dep", 0) for i, w in _tokens(text)]
        analyses[art.id] = Analysis(art.text_hash, len(title), [(0, len(text))], ents, tokens)
        arts.append(art)
    table = build_entities(arts, analyses, resources_dir)
    bodies = {a.id: a.body for a in arts}
    for e in table.entities:
        assert e.mentions
        for m in e.mentions:
            assert 0 <= m.start < m.end <= len(bodies[m.doc])
            assert bodies[m.doc][m.start:m.end] == m.text
            assert "\n" not in m.text


def _tokens(text: str):
    import re

    return [(m.start(), m.group()) for m in re.finditer(r"\w+|[^\w\s]", text)]


def test_articles_and_analyses_may_be_streamed_from_the_cache(resources_dir, tmp_path):
    from reader.extraction import nlp

    arts, analyses = corpus(
        ("a", "Michael Gove met the Local Government Association (LGA) in Leeds.",
         [("Michael Gove", "PERSON"), ("Leeds", "GPE")]),
        ("b", "Gove said the LGA was wrong. Lord Laming agreed.", []))
    for an in analyses.values():
        nlp._store(tmp_path, an)
    lazy = nlp.CachedAnalyses(tmp_path, {a.id: a.text_hash for a in arts})
    read = []

    def stream():
        for a in arts:
            read.append(a.id)
            yield a

    streamed = build_entities(stream(), lazy, resources_dir)
    held = build_entities(arts, analyses, resources_dir)
    assert read == ["a", "b"]
    assert _cache(streamed) == _cache(held)
    assert {m.doc for e in streamed.entities for m in e.mentions} == {"a", "b"}


# -- incremental builds ------------------------------------------------------------------------
_DOCS = [
    ("a", "Michael Gove met the Local Government Association (LGA) in Leeds. Gove spoke.",
     [("Michael Gove", "PERSON"), ("Leeds", "GPE")]),
    ("b", "Gove said the LGA was wrong. Lord Laming agreed with Professor Eileen Munro.",
     [("Gove", "PERSON"), ("Eileen Munro", "PERSON")]),
    ("c", "Ofsted inspected Haringey. Munro said case reviews matter; Ofsted agreed.",
     [("Ofsted", "ORG"), ("Haringey", "GPE"), ("Munro", "PERSON")], "Ofsted in Haringey"),
    ("d", "The Tories and Ed Balls argued about ‘No More Blame Game’ in 2008.",
     [("Tories", "NORP"), ("Ed Balls", "PERSON"), ("2008", "DATE")]),
]


def _infos(arts):
    return [ArticleInfo(id=a.id, title=a.title, text_hash=a.text_hash) for a in arts]


def _incremental(arts, analyses, previous, resources_dir):
    """An incremental build from catalogue entries; returns (table, ids loaded)."""
    by_id = {a.id: a for a in arts}
    loaded = []

    def load(doc_id):
        loaded.append(doc_id)
        return by_id[doc_id]

    table = build_entities(_infos(arts), analyses, resources_dir, previous=previous, load=load)
    return table, loaded


def _previous(resources_dir, docs=_DOCS):
    arts, analyses = corpus(*docs)
    return json.loads(json.dumps(build_entities(arts, analyses, resources_dir).to_cache()))


@pytest.mark.parametrize("change", ["text", "removed", "added", "reordered"])
def test_an_incremental_build_equals_a_full_build(change, resources_dir):
    previous = _previous(resources_dir)
    docs = list(_DOCS)
    if change == "text":
        docs[1] = ("b", "Gove said the LGA was right. Lord Laming and Ed Balls disagreed.",
                   [("Gove", "PERSON"), ("Ed Balls", "PERSON")])
    elif change == "removed":
        del docs[0]
    elif change == "added":
        docs.append(("e", "Michael Gove and Ofsted met in Leeds.",
                     [("Michael Gove", "PERSON"), ("Ofsted", "ORG"), ("Leeds", "GPE")]))
    else:
        docs.reverse()
    arts, analyses = corpus(*docs)
    full = build_entities(arts, analyses, resources_dir)
    again, loaded = _incremental(arts, analyses, previous, resources_dir)
    assert _cache(again) == _cache(full)
    assert loaded == {"text": ["b"], "removed": [], "added": ["e"], "reordered": []}[change]
    assert [e.to_json() for e in again.entities] == [e.to_json() for e in full.entities]


def test_an_unchanged_corpus_loads_no_article_and_no_analysis(resources_dir):
    previous = _previous(resources_dir)
    arts, analyses = corpus(*_DOCS)

    class Counting(dict):
        def get(self, key, default=None):
            raise AssertionError(f"analysis of {key} loaded")

        def __getitem__(self, key):
            raise AssertionError(f"analysis of {key} loaded")

    table, loaded = _incremental(arts, Counting(analyses), previous, resources_dir)
    assert loaded == []
    assert _cache(table) == _cache(build_entities(arts, analyses, resources_dir))


@pytest.mark.parametrize("garbage", [
    None, {}, [], "x", {"format": 3}, {"format": 3, "rules": "x", "state": ""},
    "rules-but-broken-docs", "not-packed", "broken-record", "broken-memo",
])
def test_a_stale_or_broken_previous_cache_means_a_full_build(garbage, resources_dir):
    arts, analyses = corpus(*_DOCS)
    full = build_entities(arts, analyses, resources_dir)
    good = json.loads(json.dumps(full.to_cache()))
    state = unpack(good["state"])
    if garbage == "rules-but-broken-docs":
        garbage = {**good, "state": pack({"docs": [1, 2], "memo": None})}
    elif garbage == "not-packed":
        garbage = {**good, "state": "not base64!"}
    elif garbage == "broken-record":
        docs = dict(state["docs"])
        own, hits, matches = docs["a"]
        docs["a"] = ((*own[:4], b"not zlib", *own[5:]), hits, matches)  # lower words
        docs["b"] = ((*own[:5], ((1,),), *own[6:]), hits, matches)
        docs["c"] = "nonsense"
        docs["d"] = (docs["d"][0][:3], None, None)
        garbage = {**good, "state": pack({**state, "docs": docs})}
    elif garbage == "broken-memo":
        docs = {d: (own, ("x",), (None, 5)) for d, (own, _, _) in state["docs"].items()}
        garbage = {**good, "state": pack({"docs": docs,
                                          "memo": {"phrases": 3, "lookups": [1]}})}
    again, _ = _incremental(arts, analyses, garbage, resources_dir)
    assert _cache(again) == _cache(full)


def test_other_resources_mean_a_full_build(resources_dir, tmp_path):
    previous = _previous(resources_dir)
    for name in ("aliases.toml", "gazetteer.toml", "entity_lexicon.toml"):
        (tmp_path / name).write_bytes((resources_dir / name).read_bytes())
    (tmp_path / "aliases.toml").write_text("ignore = ['Leeds']\n", encoding="utf-8")
    arts, analyses = corpus(*_DOCS)
    again, loaded = _incremental(arts, analyses, previous, tmp_path)
    assert sorted(loaded) == ["a", "b", "c", "d"]
    assert "Leeds" not in {e.name for e in again.entities}


def test_the_old_call_still_works(resources_dir):
    """Articles (not catalogue entries) and no `load`: the previous cache still helps."""
    previous = _previous(resources_dir)
    arts, analyses = corpus(*_DOCS)
    again = build_entities(arts, analyses, resources_dir, (), previous)
    assert _cache(again) == _cache(build_entities(arts, analyses, resources_dir))


def test_new_rules_mean_a_full_build(resources_dir, monkeypatch):
    from reader.extraction.entities import build

    previous = _previous(resources_dir)
    monkeypatch.setattr(build, "ENTITIES_VERSION", build.ENTITIES_VERSION + 1)
    arts, analyses = corpus(*_DOCS)
    _, loaded = _incremental(arts, analyses, previous, resources_dir)
    assert sorted(loaded) == ["a", "b", "c", "d"]


def test_chained_incremental_builds_equal_full_builds(resources_dir):
    """Each build's memo of the corpus-wide scans feeds the next: a name, a common phrase
    and an acronym come and go in one article while the others stay unchanged."""
    edits = [
        ("d", "Ed Balls and Eileen Munro met the Case Reviews Board. Case reviews matter.",
         [("Ed Balls", "PERSON"), ("Eileen Munro", "PERSON"), ("Case Reviews Board", "ORG")]),
        ("d", "Munro met the Local Government Association. Lord Laming said case reviews.",
         [("Munro", "PERSON"), ("Local Government Association", "ORG")]),
        _DOCS[3],
    ]
    previous = _previous(resources_dir)
    for doc in edits:
        docs = [*_DOCS[:3], doc]
        arts, analyses = corpus(*docs)
        again, loaded = _incremental(arts, analyses, previous, resources_dir)
        assert _cache(again) == _cache(build_entities(arts, analyses, resources_dir))
        assert loaded == ["d"]
        previous = json.loads(json.dumps(again.to_cache()))
