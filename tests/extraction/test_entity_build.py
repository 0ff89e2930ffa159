"""Building entity tables: fingerprints, skipped analyses, the offsets invariant, streaming,
and incremental builds (an unchanged article's results reused from the previous cache)."""

from __future__ import annotations

import logging
import marshal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.domain import ArticleInfo
from reader.extraction.entities import EntityTable, build_entities, fingerprint
from reader.extraction.entities.links import unbucketed
from reader.extraction.entities.state import pack, sig_of, unpack
from reader.extraction.nlp import Analysis, full_text

from .fakes import article, corpus, through_file


def _cache(table):
    """A table's cache with its packed parts unpacked (the same values may pack to other
    bytes: marshal shares equal objects by identity)."""
    data = through_file(table.to_cache())
    state = unpack(data["state"])
    state["docs"] = {d: (rec, hits, (sig_of(m), m[1]) if m else m)  # spans packed apart
                     for d, (rec, hits, m) in state["docs"].items()}
    for name in ("units", "holders", "forms", "forms_by"):  # packed in parts (links.bucketed)
        if name in state.get("links", {}):
            state["links"][name] = unbucketed(state["links"][name])
    return {**data, "table": unpack(data["table"]), "state": state}


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
    texts = {(a.id, "body"): a.body for a in arts} | {(a.id, "title"): a.title for a in arts}
    for e in table.entities:
        assert e.mentions
        for m in e.mentions:
            text = texts[(m.doc, m.field)]  # a headline mention indexes the title
            assert 0 <= m.start < m.end <= len(text)
            assert text[m.start:m.end] == m.text
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
    return through_file(build_entities(arts, analyses, resources_dir).to_cache())


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
    None, {}, [], "x", {"format": 5}, {"format": 5, "rules": "x", "state": b""},
    "rules-but-broken-docs", "not-packed", "broken-record", "broken-memo",
])
def test_a_stale_or_broken_previous_cache_means_a_full_build(garbage, resources_dir):
    arts, analyses = corpus(*_DOCS)
    full = build_entities(arts, analyses, resources_dir)
    good = through_file(full.to_cache())
    state = unpack(good["state"])
    if garbage == "rules-but-broken-docs":
        garbage = {**good, "state": pack({"docs": [1, 2], "memo": None})}
    elif garbage == "not-packed":
        garbage = {**good, "state": b"not marshal!"}
    elif garbage == "broken-record":
        docs = dict(state["docs"])
        (text_hash, blob), hits, matches = docs["a"]
        own = marshal.loads(blob)
        docs["a"] = ((text_hash, marshal.dumps((*own[:7], ("x",)))), hits, matches)  # words
        docs["b"] = ((docs["b"][0][0], marshal.dumps((*own[:4], ((1,),), *own[5:]))),
                     hits, matches)
        docs["c"] = "nonsense"
        docs["d"] = ((docs["d"][0][0], b"not marshal"), None, None)
        garbage = {**good, "state": pack({**state, "docs": docs})}
    elif garbage == "broken-memo":
        docs = {d: (own, ("x",), (None, 5)) for d, (own, _, _) in state["docs"].items()}
        garbage = {**good, "state": pack({"docs": docs,
                                          "memo": {"phrases": 3, "lookups": [1]}})}
    again, _ = _incremental(arts, analyses, garbage, resources_dir)
    assert _cache(again) == _cache(full)


@pytest.mark.parametrize("harm", ["missing", "damaged", "stale", "table-missing"])
def test_a_missing_or_damaged_file_beside_the_cache_means_a_full_build(harm, resources_dir,
                                                                      tmp_path, caplog):
    from reader.services.derived import dump_cache, read_cache

    arts, analyses = corpus(*_DOCS)
    full = build_entities(arts, analyses, resources_dir)
    path = tmp_path / "entities.json"
    dump_cache(path, full.to_cache())
    side = tmp_path / ("entities.table.bin" if harm == "table-missing" else "entities.state.bin")
    good = side.read_bytes()
    if harm in ("missing", "table-missing"):
        side.unlink()
    elif harm == "damaged":
        side.write_bytes(good[:100] + bytes([good[100] ^ 1]) + good[101:])
    else:  # another write's file (a writer stopped between it and the JSON): same size
        side.write_bytes(pack({"docs": {}, "memo": {}}).ljust(len(good), b"N"))
    caplog.set_level("INFO")
    previous = read_cache(path)
    assert previous is not None and ("state" if harm != "table-missing" else "table") \
        not in previous
    assert "rebuilding it" in caplog.text and "Traceback" not in caplog.text
    if harm == "table-missing":  # the table itself is gone: rebuilt, with the state's help
        with pytest.raises(ValueError):
            EntityTable.from_cache(previous)
    else:  # the table loads; the next build reads every article
        assert EntityTable.from_cache(previous).entities == full.entities
    again, loaded = _incremental(arts, analyses, previous, resources_dir)
    assert sorted(loaded) == ([] if harm == "table-missing" else ["a", "b", "c", "d"])
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
        previous = through_file(again.to_cache())


@pytest.mark.parametrize("doc", [
    # a second full name with the surname "Gove": "Gove" in other articles is ambiguous
    ("d", "Ed Balls met Lucy Gove in 2008.",
     [("Ed Balls", "PERSON"), ("Lucy Gove", "PERSON"), ("2008", "DATE")]),
    # an acronym defined: "LGA" elsewhere now merges by the definition
    ("d", "The Leeds Governance Alliance (LGA) met Ed Balls.",
     [("Leeds Governance Alliance", "ORG"), ("Ed Balls", "PERSON")]),
    # new words in lower case (the set every article's common-phrase test reads)
    ("d", "The tories said leeds and ofsted and main case reviews.", [("Tories", "NORP")]),
    # a new name that another body writes in lower case ("case reviews" in c): dropped
    ("d", "Ed Balls met Case Reviews at length.",
     [("Ed Balls", "PERSON"), ("Case Reviews", "ORG")]),
    # a new name other bodies hold without a candidate: found again there
    ("d", "Eileen Munro met Haringey Council and Lord Laming.",
     [("Eileen Munro", "PERSON"), ("Haringey Council", "ORG")]),
    # nothing left
    ("d", "Nothing here.", []),
])
def test_a_change_of_corpus_wide_inputs_equals_a_full_build(doc, resources_dir):
    """Changes whose effects reach other articles (surname targets, acronym definitions,
    the words written in lower case, the names looked for again), then back again."""
    previous = _previous(resources_dir)
    for docs in ([*_DOCS[:3], doc], list(_DOCS)):
        arts, analyses = corpus(*docs)
        again, loaded = _incremental(arts, analyses, previous, resources_dir)
        full = build_entities(arts, analyses, resources_dir)
        assert _cache(again) == _cache(full)
        assert [e.to_json() for e in again.entities] == [e.to_json() for e in full.entities]
        assert loaded == ["d"]
        previous = through_file(again.to_cache())


def test_an_edit_to_the_rules_code_means_a_full_build(resources_dir, monkeypatch):
    """Each article's results and the scans' memo are only as good as the code that gave
    them: the rules digest covers the rules' source, so new code reads every article."""
    from reader.extraction.entities import build

    previous = _previous(resources_dir)
    monkeypatch.setattr(build, "_code_digest", lambda: "edited")
    arts, analyses = corpus(*_DOCS)
    again, loaded = _incremental(arts, analyses, previous, resources_dir)
    assert sorted(loaded) == ["a", "b", "c", "d"]
    assert _cache(again) == _cache(build_entities(arts, analyses, resources_dir))


def test_a_sequence_of_changes_equals_full_builds(resources_dir):
    """Add, edit, remove and put back, each built from the previous incremental cache:
    the memoised answers and the per-article word counts follow every step (c holds the
    only lower-case "case reviews"; the edits give "Gove" a second full name and then
    define "LGA" as something else)."""
    extra = ("e", "Lucy Gove met the Leeds Governance Alliance (LGA) and Mr Balls.",
             [("Lucy Gove", "PERSON"), ("Leeds Governance Alliance", "ORG"),
              ("Balls", "PERSON")])
    steps = [
        [*_DOCS, extra],  # added
        [*_DOCS[:2], _DOCS[3], extra],  # removed (c)
        [*_DOCS[:2], ("c", "Case Reviews said Ofsted was wrong in Haringey.",
                      [("Case Reviews", "ORG"), ("Ofsted", "ORG")]), _DOCS[3], extra],
        [*_DOCS, extra],  # c back as it was
        [_DOCS[0], ("b", "Mr Gove said the LGA was wrong.", [("Gove", "PERSON")]),
         *_DOCS[2:], extra],  # edited: a titled surname now two full names could take
        list(_DOCS),  # e removed
    ]
    previous = _previous(resources_dir)
    for docs in steps:
        arts, analyses = corpus(*docs)
        again, _ = _incremental(arts, analyses, previous, resources_dir)
        full = build_entities(arts, analyses, resources_dir)
        assert _cache(again) == _cache(full)
        assert [e.to_json() for e in again.entities] == [e.to_json() for e in full.entities]
        previous = through_file(again.to_cache())


@pytest.mark.parametrize("memo", [
    {"words": {"gove": "x"}},
    {"words": {}},  # counts that do not hold the articles' words
])
def test_a_damaged_memo_means_a_full_build(memo, resources_dir):
    previous = _previous(resources_dir)
    state = unpack(previous["state"])
    damaged = {**previous, "state": pack({**state, "memo": {**state["memo"], **memo}})}
    docs = [_DOCS[0], ("b", "Gove said the Tories were wrong.", [("Gove", "PERSON")]),
            *_DOCS[2:]]
    arts, analyses = corpus(*docs)
    again, _ = _incremental(arts, analyses, damaged, resources_dir)
    assert _cache(again) == _cache(build_entities(arts, analyses, resources_dir))


@pytest.mark.parametrize("rules", [
    None, 5, {"plain": 5}, {"common": 3}, {"groupish": None},
    {"plain": {}, "surnames": {}},  # counts that do not hold the changed article's
])
def test_damaged_rule_counts_mean_every_article_is_ruled(rules, resources_dir, caplog):
    caplog.set_level(logging.INFO, logger="reader.extraction.entities.rules")
    previous = _previous(resources_dir)
    state = unpack(previous["state"])
    damaged = rules if not isinstance(rules, dict) else {**state["rules"], **rules}
    previous = {**previous, "state": pack({**state, "rules": damaged})}
    docs = [_DOCS[0], ("b", "Gove said the Tories were wrong.", [("Gove", "PERSON")]),
            *_DOCS[2:]]
    arts, analyses = corpus(*docs)
    again, _ = _incremental(arts, analyses, previous, resources_dir)
    assert _cache(again) == _cache(build_entities(arts, analyses, resources_dir))
    if isinstance(rules, dict):
        assert "earlier rule counts not usable" in caplog.text


def test_only_articles_holding_a_changed_name_are_scanned_again(resources_dir, monkeypatch):
    """A new name ("Michael Howard") changes the list of names looked for under its first
    word, which "Michael Gove" (a) shares: only the bodies that hold a name whose entry
    changed are scanned again (b holds it without a candidate and gains the mention), and
    the result is the full build's."""
    from reader.extraction.entities import matching, splice

    base = [_DOCS[0], ("b", "Gove said the LGA was wrong. Michael Howard agreed.",
                       [("Gove", "PERSON")]), *_DOCS[2:]]
    previous = _previous(resources_dir, base)
    scanned = []
    real = matching._scan
    docs = [*base, ("e", "Michael Howard met Ofsted.",
                    [("Michael Howard", "PERSON"), ("Ofsted", "ORG")])]
    arts, analyses = corpus(*docs)
    ids = {full_text(a): a.id for a in arts}
    for module in (matching, splice):
        monkeypatch.setattr(module, "_scan", lambda text, *rest: scanned.append(ids[text])
                            or real(text, *rest))
    again, loaded = _incremental(arts, analyses, previous, resources_dir)
    assert loaded == ["e"]
    assert sorted(scanned) == ["b", "e"]
    full = build_entities(arts, analyses, resources_dir)
    assert _cache(again) == _cache(full)
    howard = again.find("Michael Howard")
    assert howard is not None and {m.doc for m in howard.mentions} == {"b", "e"}
