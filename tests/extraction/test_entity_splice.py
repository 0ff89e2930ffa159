"""The per-group splice (reader.extraction.entities.splice): an incremental build that re-runs
the corpus-wide passes on the groups a change reaches equals a full build, chained over
random changes; a guard that fails takes the full path."""

from __future__ import annotations

import logging
import random

import pytest

from reader.extraction.entities import build_entities
from reader.extraction.entities.state import pack, unpack

from .fakes import corpus, through_file
from .test_entity_build import _cache, _incremental

# Every lower-case word the sentences write is in "z", which never changes: the corpus's
# lower-case words stay put, so the splice's guards hold unless a change says otherwise.
_WORDS = ("z", "The met said in and with of the on was wrong right spoke a to.",
          [])
_PEOPLE = ["Michael Gove", "Lucy Gove", "Ed Balls", "Eileen Munro", "Alan Johnson",
           "Gove", "Balls", "Munro", "Johnson", "Mr Balls", "Mrs Gove", "Lord Laming"]
_BODIES = ["Local Government Association", "London Gardens Alliance", "LGA", "Ofsted",
           "Social Worker Commission", "Conservative Party Commission on Social Workers",
           "Time Warner", "TimeWarner", "Home Office", "Leeds Council"]
_PLACES = ["Leeds", "Haringey", "London"]


def _sentence(rng: random.Random) -> tuple[str, list[tuple[str, str]]]:
    kind = rng.randrange(5)
    person, body, place = rng.choice(_PEOPLE), rng.choice(_BODIES), rng.choice(_PLACES)
    if kind == 0:
        text = f"{person} met the {body} in {place}."
    elif kind == 1:
        text = f"{person} said the {body} was wrong."
    elif kind == 2:  # an acronym defined
        text = f"The {body} (LGA) spoke with {person}."
    elif kind == 3:
        text = f"{person} and {rng.choice(_PEOPLE)} met in {place}."
    else:
        text = f"The {body} and the {rng.choice(_BODIES)} met on {place}."
    ents = [(p, "PERSON") for p in _PEOPLE if p in text]
    ents += [(b, "ORG") for b in _BODIES if b in text]
    ents += [(p, "GPE") for p in _PLACES if p in text]
    ents.sort(key=lambda e: -len(e[0]))  # the longest wins an overlap
    return text, ents


def _doc(doc_id: str, sentences: list) -> tuple:
    ents = sorted({e for _, es in sentences for e in es}, key=lambda e: (-len(e[0]), e))
    return doc_id, " ".join(t for t, _ in sentences), ents


class _Paths(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.seen: list[str] = []

    def emit(self, record):
        msg = record.getMessage()
        if msg.startswith(("entities: spliced", "entities: full passes",
                           "entities: previous links")):
            self.seen.append(msg)


@pytest.fixture
def paths(monkeypatch):
    """The path each build took; closures of any size spliced (a small corpus's reach
    most of its units)."""
    from reader.extraction.entities import splice

    monkeypatch.setattr(splice, "SHARE", 1.0)
    handler = _Paths()
    logger = logging.getLogger("reader.extraction.entities.build")
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    yield handler.seen
    logger.removeHandler(handler)
    logger.setLevel(level)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_chained_random_changes_splice_as_a_full_build(seed, resources_dir, paths):
    """Sentences appended and cut, articles removed and put back, at random, each build
    from the previous one's cache: every table (and all the state the next build reads)
    equals a full build's, and most builds take the splice."""
    rng = random.Random(seed)
    texts = {f"d{i}": [_sentence(rng) for _ in range(rng.randrange(1, 4))] for i in range(8)}
    order = ["z", *texts]
    present = list(order)
    removed: list[str] = []

    def docs():
        return [_WORDS if d == "z" else _doc(d, texts[d]) for d in present]

    arts, analyses = corpus(*docs())
    previous = through_file(build_entities(arts, analyses, resources_dir).to_cache())
    for _ in range(14):
        doc = rng.choice(present[1:])
        step = rng.randrange(6)
        if step == 0 and len(present) > 3:
            present.remove(doc)
            removed.append(doc)
        elif step == 1 and removed:
            back = removed.pop()
            present.insert(min(order.index(back), len(present)), back)
        elif step == 2 and len(texts[doc]) > 1:
            texts[doc] = texts[doc][:-1]
        else:
            texts[doc] = [*texts[doc], _sentence(rng)]
        arts, analyses = corpus(*docs())
        again, _ = _incremental(arts, analyses, previous, resources_dir)
        full = build_entities(arts, analyses, resources_dir)
        assert _cache(again) == _cache(full)
        assert [e.to_json() for e in again.entities] == [e.to_json() for e in full.entities]
        previous = through_file(again.to_cache())
    spliced = [p for p in paths if p == "entities: spliced"]
    assert len(spliced) >= 7, paths


def _base():
    rng = random.Random(7)
    return [_WORDS, *(_doc(f"d{i}", [_sentence(rng) for _ in range(2)]) for i in range(5))]


@pytest.mark.parametrize("extra", [
    " Ofsted spoke at length.",  # new lower-case words ("at", "length")
    " They said ofsted was wrong.",  # "Ofsted" written in lower case: no longer looked for
])
def test_lower_case_words_that_move_splice_as_a_full_build(extra, resources_dir, paths):
    docs = _base()
    docs.append(("e", "Ofsted met Ofsted in Leeds.", [("Ofsted", "ORG"), ("Leeds", "GPE")]))
    arts, analyses = corpus(*docs)
    previous = through_file(build_entities(arts, analyses, resources_dir).to_cache())
    for text in (docs[2][1] + extra, docs[2][1]):  # and back
        docs[2] = (docs[2][0], text, docs[2][2])
        arts, analyses = corpus(*docs)
        again, _ = _incremental(arts, analyses, previous, resources_dir)
        assert paths[-1] == "entities: spliced"
        assert _cache(again) == _cache(build_entities(arts, analyses, resources_dir))
        previous = through_file(again.to_cache())


@pytest.mark.parametrize("kept, extra, ents, name", [
    # "Case Reviews" written in lower case elsewhere: a common phrase, no name
    (("e", "Case Reviews met Case Reviews in Leeds.", [("Case Reviews", "ORG")]),
     " They read the case reviews.", [], "Case Reviews"),
    # "Zorblan" tagged a group twice elsewhere: a group word, no person
    (("e", "Zorblan said so in Leeds.", [("Zorblan", "PERSON")]),
     " The Zorblan team and the Zorblan fans met.", [("Zorblan", "NORP")], "Zorblan"),
])
def test_rules_that_move_for_an_unchanged_article_splice_as_a_full_build(
        kept, extra, ents, name, resources_dir, paths):
    """The corpus rules' sets (common texts, group words) move with another article: the
    unchanged article holding the text is ruled again, not given its earlier keys."""
    docs = [*_base(), kept]
    arts, analyses = corpus(*docs)
    first = build_entities(arts, analyses, resources_dir)
    assert name in {e.name for e in first.entities}
    previous = through_file(first.to_cache())
    base = docs[2]
    for text, more in ((base[1] + extra, ents), (base[1], [])):  # and back
        docs[2] = (base[0], text, [*more, *base[2]])
        arts, analyses = corpus(*docs)
        again, _ = _incremental(arts, analyses, previous, resources_dir)
        full = build_entities(arts, analyses, resources_dir)
        assert paths[-1] == "entities: spliced"
        assert _cache(again) == _cache(full)
        assert (name in {e.name for e in again.entities}) == (not more and not extra
                                                                 or text == base[1])
        previous = through_file(again.to_cache())


def test_a_name_the_corpus_already_writes_in_lower_case_is_dropped_when_it_comes(
        resources_dir, paths):
    """The lower-case words stay put ("case reviews" is written from the start): the
    names that come and go are the ones looked at, and the result is a full build's."""
    docs = [*_base(), ("e", "They read the case reviews.", [])]
    arts, analyses = corpus(*docs)
    previous = through_file(build_entities(arts, analyses, resources_dir).to_cache())
    base = docs[2]
    for text, ents in ((base[1] + " Case Reviews met Ofsted.", [("Case Reviews", "ORG")]),
                       (base[1], [])):
        docs[2] = (base[0], text, [*ents, *base[2]])
        arts, analyses = corpus(*docs)
        again, _ = _incremental(arts, analyses, previous, resources_dir)
        assert paths[-1] == "entities: spliced"
        assert _cache(again) == _cache(build_entities(arts, analyses, resources_dir))
        assert "Case Reviews" not in {e.name for e in again.entities}
        assert ("Case Reviews" in unpack(again.to_cache()["state"])["rules"]["common"]) == (
            bool(ents))
        previous = through_file(again.to_cache())


def test_articles_in_another_order_take_the_full_path(resources_dir, paths):
    docs = _base()
    arts, analyses = corpus(*docs)
    previous = through_file(build_entities(arts, analyses, resources_dir).to_cache())
    docs = [docs[0], *reversed(docs[1:])]
    arts, analyses = corpus(*docs)
    again, loaded = _incremental(arts, analyses, previous, resources_dir)
    assert loaded == []
    assert paths[-1] == "entities: full passes (the articles' order moved)"
    assert _cache(again) == _cache(build_entities(arts, analyses, resources_dir))


def _add_a_sentence(docs) -> None:
    """The third article gains a sentence naming two organisations."""
    docs[2] = (docs[2][0], docs[2][1] + " Ofsted met the Home Office.",
               [("Home Office", "ORG"), ("Ofsted", "ORG"), *docs[2][2]])


def test_a_closure_too_large_takes_the_full_path(resources_dir, paths, monkeypatch):
    from reader.extraction.entities import splice

    monkeypatch.setattr(splice, "SHARE", 0.0)
    docs = _base()
    arts, analyses = corpus(*docs)
    previous = through_file(build_entities(arts, analyses, resources_dir).to_cache())
    _add_a_sentence(docs)
    arts, analyses = corpus(*docs)
    again, _ = _incremental(arts, analyses, previous, resources_dir)
    assert paths[-1] == "entities: full passes (the closure is too large)"
    assert _cache(again) == _cache(build_entities(arts, analyses, resources_dir))


@pytest.mark.parametrize("links", [None, {}, {"units": 5}, {"holders": [1]},
                                   {"keys": {"d1": 3}}, {"ids": {"x": 1}}])
def test_missing_or_damaged_links_take_the_full_path(links, resources_dir, paths):
    docs = _base()
    arts, analyses = corpus(*docs)
    previous = through_file(build_entities(arts, analyses, resources_dir).to_cache())
    state = unpack(previous["state"])
    if links is None:
        del state["links"]
    else:
        state["links"] = {**state["links"], **links} if links else {}
    previous = {**previous, "state": pack(state)}
    _add_a_sentence(docs)
    arts, analyses = corpus(*docs)
    again, _ = _incremental(arts, analyses, previous, resources_dir)
    assert "entities: spliced" not in paths
    assert _cache(again) == _cache(build_entities(arts, analyses, resources_dir))


def test_an_unchanged_sentence_added_splices(resources_dir, paths):
    docs = _base()
    arts, analyses = corpus(*docs)
    previous = through_file(build_entities(arts, analyses, resources_dir).to_cache())
    _add_a_sentence(docs)
    arts, analyses = corpus(*docs)
    again, loaded = _incremental(arts, analyses, previous, resources_dir)
    assert paths[-1] == "entities: spliced"
    assert loaded == [docs[2][0]]
    assert _cache(again) == _cache(build_entities(arts, analyses, resources_dir))


@pytest.mark.parametrize("before, after", [
    # "Alan" gains a title class (Mr): "Mrs Smith" elsewhere now fits "Lucy Smith" only
    ("Alan Jones met.", "Mr Alan Jones met."),
    # "Blues" stops being a group word: "Mr Blues" may now be "Alan Blues"
    ("The Blues won.", "They won."),
])
def test_corpus_wide_reads_of_the_surname_pass_splice_as_a_full_build(
        before, after, resources_dir, paths):
    ents = [("Alan Jones", "PERSON"), ("Blues", "NORP")]
    docs = [_WORDS,
            ("a", "Lucy Smith spoke. Alan Smith spoke. Alan Blues spoke.",
             [("Lucy Smith", "PERSON"), ("Alan Smith", "PERSON"), ("Alan Blues", "PERSON")]),
            ("b", "Mrs Smith agreed. Mr Blues agreed.", [("Smith", "PERSON"),
                                                         ("Blues", "PERSON")]),
            ("c", "The Blues won.", [("Blues", "NORP")]),
            ("d", before, ents)]
    arts, analyses = corpus(*docs)
    previous = through_file(build_entities(arts, analyses, resources_dir).to_cache())
    tables = []
    for text in (after, before):
        docs[-1] = ("d", text, ents)
        arts, analyses = corpus(*docs)
        again, _ = _incremental(arts, analyses, previous, resources_dir)
        full = build_entities(arts, analyses, resources_dir)
        assert _cache(again) == _cache(full)
        tables.append({e.id: e.count for e in again.entities})
        previous = through_file(again.to_cache())
    assert tables[0] != tables[1]  # the change reaches other articles' entities
    assert paths[-2:] == ["entities: spliced"] * 2
