"""Policies: unfiled proposals, attribution, the cache, the bundled corpus, reuse of results."""

from __future__ import annotations

import json

import pytest

from reader.errors import NotFound
from reader.extraction.policies import (
    PolicyTable,
    build_policies,
    load_codebook,
    promote,
)

from .policy_fakes import CODEBOOK, article, hand_analysis, policy_entry

PROPOSAL_CUES = [  # (sentence, expected cue or None: no cue, or no measure proposed)
    ("The council proposes that parking fees should be cut.", "proposes"),
    ("The minister plans to cut parking fees.", "plans to"),
    ("The charity calls for a ban on smacking.", "calls for"),
    ("The report recommends a national register of tutors.", "recommends"),
    ("Foster carers should be paid more.", None),  # pay whom: carers are not a measure
    ("The bill would see the creation of a new agency.", "would see the creation"),
    ("Carers will be able to claim travel costs.", None),
    ("The government is considering a ban on energy drinks.", "is considering"),
    ("We need to cut paperwork for social workers.", "We need to"),
    ("Failing councils may be forced to merge.", None),  # no object
    ("The consultation calls for the views of parents.", None),
    ("The report lists the changes we need to make.", None),
    ("Should councils pay foster carers more?", None),
    ("The minister visited a school in Leeds.", None),
    ("We should be ashamed of ourselves.", None),
]


# -- without the model -------------------------------------------------------------------


def test_a_broken_user_policy_is_skipped_and_reported():
    art = article("a", "Councils outsourced services.")
    words = [("Councils", "council", "NOUN"), ("outsourced", "outsource", "VERB"),
             ("services", "service", "NOUN"), (".", ".", "PUNCT")]
    users = [policy_entry("outsourcing", "council"), policy_entry("user:bad", "... x"),
             policy_entry("user:good", "council")]
    table = build_policies([art], {"a": hand_analysis(art, words)},
                           [policy_entry("outsourcing", "outsource")], users)
    assert [p.id for p in table.policies] == ["outsourcing", "user:good"]
    assert table.get("user:good").user and table.get("user:good").docs == ["a"]
    assert len(table.problems) == 2 and "duplicate" in table.problems[0]


def test_cache_round_trip_and_re_resolution():
    art = article("a", "Councils outsourced services.", date="2014-04-17")
    words = [("Councils", "council", "NOUN"), ("outsourced", "outsource", "VERB"),
             ("services", "service", "NOUN"), (".", ".", "PUNCT")]
    table = build_policies([art], {"a": hand_analysis(art, words)},
                           [policy_entry("outsourcing", "outsource")])
    data = json.loads(json.dumps(table.to_cache()))
    again = PolicyTable.from_cache(data)
    assert [p.to_json() for p in again.policies] == [p.to_json() for p in table.policies]
    assert again.get("outsourcing").first_date == "2014-04-17"
    with pytest.raises(NotFound):
        again.get("nope")
    with pytest.raises(ValueError):
        PolicyTable.from_cache({"version": -1})
    with pytest.raises(ValueError):
        PolicyTable.from_cache({**data, "policies": [{"id": "x"}]})


# -- with the model ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def proposal_docs(nlp, tmp_path_factory):
    """Each proposal sentence as its own article, analysed in one batch."""
    from reader.extraction.nlp import analyse

    arts = [article(f"c{n}", sentence) for n, (sentence, _) in enumerate(PROPOSAL_CUES)]
    return arts, analyse(arts, tmp_path_factory.mktemp("nlp"), nlp=nlp)


@pytest.mark.spacy
def test_proposal_cues(proposal_docs):
    cue_arts, analyses = proposal_docs
    table = build_policies(cue_arts, analyses, [policy_entry("unused", "zzzz")])
    got = {p.doc: p.cue for p in table.proposals}
    for n, (sentence, cue) in enumerate(PROPOSAL_CUES):
        assert got.get(f"c{n}") == cue, sentence
    proposal = next(p for p in table.proposals if p.doc == "c2")
    assert proposal.to_json() == {"doc": "c2", "start": 0, "end": len(PROPOSAL_CUES[2][0]),
                                  "text": PROPOSAL_CUES[2][0], "cue": "calls for",
                                  "object": "ban on smacking", "proposer": None,
                                  "stance": "proposes", "date": ""}


@pytest.fixture(scope="module")
def attribution_table(nlp, tmp_path_factory):
    from reader.extraction.nlp import analyse

    bodies = {
        "said": "Failing councils should outsource child protection, Michael Gove said.",
        "quote": ("The minister, Jane Smith, spoke in Leeds today.\n\n"
                  "“We will scrap ContactPoint,” she said. “It is a disaster.\n\n"
                  "“We will also publish all serious case reviews.”"),
        "according": ("According to the Local Government Association, outsourcing will not "
                      "improve failing services."),
        "sceptical": "The Local Government Association is sceptical that outsourcing will work.",
        "opposes": "Unison opposes outsourcing of child protection.",
        "possessive": ("The Conservatives' plans would see the creation of a chief social "
                       "worker."),
        "plain": "Councils in Kent outsourced child protection last year.",
        "verb-first": "Labour has attacked government plans to outsource children's services.",
        "unnamed": "Critics reject outsourcing.",
        "appos": ("According to the charity's chief executive, Peter Wanless, serious case "
                  "reviews should be published in full."),
        "covered": "The minister plans to outsource child protection services.",
    }
    arts = [article(k, v) for k, v in bodies.items()]
    book = [p for p in load_codebook(CODEBOOK)
            if p["id"] in ("outsourcing", "scrap-contactpoint", "publish-serious-case-reviews",
                           "chief-social-worker")]
    ids = {"Michael Gove": "person:michael-gove", "Conservatives": "organisation:conservatives"}
    return build_policies(arts, analyse(arts, tmp_path_factory.mktemp("nlp"), nlp=nlp), book,
                          resolve_actor=ids.get)


def _only(table: PolicyTable, policy: str, doc: str):
    found = [m for m in table.get(policy).mentions if m.doc == doc]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.spacy
@pytest.mark.parametrize("policy, doc, actor, stance", [
    ("outsourcing", "said", "person:michael-gove", "proposes"),
    ("scrap-contactpoint", "quote", "Jane Smith", "proposes"),
    ("publish-serious-case-reviews", "quote", "Jane Smith", "proposes"),  # quote continued
    ("outsourcing", "according", "Local Government Association", "unknown"),
    ("outsourcing", "sceptical", "Local Government Association", "sceptical"),
    ("outsourcing", "opposes", "Unison", "opposes"),
    ("chief-social-worker", "possessive", "organisation:conservatives", "proposes"),
    ("outsourcing", "plain", None, "unknown"),
    ("outsourcing", "verb-first", "Labour", "opposes"),
    ("outsourcing", "unnamed", None, "opposes"),
    ("publish-serious-case-reviews", "appos", "Peter Wanless", "proposes"),
])
def test_attribution(attribution_table, policy, doc, actor, stance):
    mention = _only(attribution_table, policy, doc)
    assert (mention.actor, mention.stance) == (actor, stance), mention.text


@pytest.mark.spacy
def test_sentence_covered_by_a_policy_is_not_an_unfiled_proposal(attribution_table):
    assert _only(attribution_table, "outsourcing", "covered")
    assert "covered" not in {p.doc for p in attribution_table.proposals}


# -- the bundled corpus ------------------------------------------------------------------

EXPECTED_DOCS = {  # a careful reading of the five articles (ids by their first 3 digits)
    "outsourcing": {"000", "001", "002"},
    "social-work-practices": {"000", "001", "002"},
    "scrap-contactpoint": {"000", "004"},
    "publish-serious-case-reviews": {"000", "003", "004"},
    "chief-social-worker": {"000"},
    "inspection-overhaul": {"000", "004"},
    "unannounced-inspections": {"003"},
    "ofsted-scr-evaluation": {"003"},
    "suspend-statutory-guidance": {"003"},
    "reduce-bureaucracy": {"000", "003", "004"},
    "leadership-accountability": {"001"},
    "shared-responsibility": {"000", "001", "003", "004"},
    "care-first": {"004"},
    "recruitment-retention": {"003", "004"},
    "end-structural-change": {"000", "004"},
    "raise-social-work-status": {"000", "003", "004"},
    "social-work-training": {"004"},
    "early-help": {"003"},
    "innovation-programme": {"002"},
}


@pytest.fixture(scope="module")
def corpus_table(corpus_articles, corpus_analyses):
    return build_policies(corpus_articles, corpus_analyses, load_codebook(CODEBOOK))


@pytest.mark.spacy
def test_corpus_policy_articles(corpus_table):
    got = {p.id: {d[:3] for d in p.docs} for p in corpus_table.policies}
    assert got == EXPECTED_DOCS


@pytest.mark.spacy
def test_corpus_mentions_are_body_sentences(corpus_table, corpus_articles):
    bodies = {a.id: a.body for a in corpus_articles}
    for policy in corpus_table.policies:
        for m in policy.mentions:
            assert bodies[m.doc][m.start:m.end] == m.text
            assert m.text == m.text.strip() and "\n\n" not in m.text


@pytest.mark.spacy
def test_outsourcing_timeline_and_attribution(corpus_table, corpus_articles):
    outsourcing = corpus_table.get("outsourcing")
    dated, undated = corpus_table.timeline("outsourcing")
    assert [m.date for m in dated] == sorted(m.date for m in dated)
    assert [m.doc[:3] for m in dated][0] == "001" and dated[-1].doc[:3] == "002"
    assert {m.doc[:3] for m in undated} == {"000"}
    assert (outsourcing.first_date, outsourcing.last_date) == ("2013-11-13", "2014-04-17")
    actors = {m.actor for m in outsourcing.mentions}
    assert {"Conservatives", "Michael Gove", "Department for Education"} <= actors
    lga = [m for m in outsourcing.mentions if m.actor == "Local Government Association"]
    assert [m.stance for m in lga] == ["sceptical"]
    assert "is sceptical outsourcing will improve" in lga[0].text
    gove = [m for m in outsourcing.mentions if m.actor == "Michael Gove"]
    assert {m.doc[:3] for m in gove} == {"001", "002"}
    assert outsourcing.to_json()["docs"] == outsourcing.docs
    assert set(outsourcing.to_json()["mentions"][0]) == {"doc", "start", "end", "text", "actor",
                                                         "stance"}


@pytest.mark.spacy
def test_corpus_quotes_are_attributed_to_their_speakers(corpus_table):
    def actor_of(policy: str, words: str) -> str | None:
        return next(m.actor for m in corpus_table.get(policy).mentions if words in m.text)

    # "he said" after a named speaker; a quote continued in the next paragraph
    assert actor_of("end-structural-change", "growing body of opinion") == "Tim Loughton"
    assert actor_of("leadership-accountability", "Ultimate responsibility") == "Michael Gove"
    assert actor_of("reduce-bureaucracy", "manageable size") == "Eileen Munro"
    assert actor_of("ofsted-scr-evaluation", "A spokesman from Ofsted") == "Ofsted"
    assert actor_of("early-help", "I welcome") == "Tim Loughton"
    assert actor_of("recruitment-retention", "Initiatives to increase") == "Shireen Ritchie"
    # "we" outside quotes in an opinion piece is its writer ("Tim Loughton MP: ...")
    assert actor_of("inspection-overhaul", "We want to see") == "Tim Loughton"
    contactpoint = [m for m in corpus_table.get("scrap-contactpoint").mentions
                    if m.doc.startswith("004")]
    assert [(m.actor, m.stance) for m in contactpoint] == [("Tim Loughton", "proposes")]


@pytest.mark.spacy
def test_cached_table_re_resolves_actors(corpus_table):
    ids = {"Michael Gove": "person:michael-gove", "Tory": "organisation:conservative-party",
           "Conservatives": "organisation:conservative-party"}
    table = PolicyTable.from_cache(json.loads(json.dumps(corpus_table.to_cache())), ids.get)
    actors = {m.actor for m in table.get("outsourcing").mentions}
    assert {"person:michael-gove", "organisation:conservative-party",
            "Department for Education"} <= actors
    assert "Michael Gove" not in actors
    assert [p.text for p in table.proposals] == [p.text for p in corpus_table.proposals]
    assert {p.proposer for p in table.proposals} == {"person:michael-gove", "Government"}


@pytest.mark.spacy
def test_corpus_proposals_and_promotion(corpus_table, corpus_articles, corpus_analyses):
    # Unfiled proposals on the corpus: each judged a real proposal (0 false alarms).
    assert sorted((p.doc[:3], p.cue, p.object) for p in corpus_table.proposals) == [
        ("001", "has to change", "monolithic model"),
        ("001", "has to change", "monolithic model"), ("002", "wants to", "illogical approach")]
    assert {p.proposer for p in corpus_table.proposals} == {"Michael Gove", "Government"}
    assert all(p.cue in p.text for p in corpus_table.proposals)
    reform = next(p for p in corpus_table.proposals if p.cue == "wants to")
    user = promote(reform, "Intervention reform", ["government intervention"])
    assert user["id"] == "user:intervention-reform"
    assert user["description"] == reform.text
    table = build_policies(corpus_articles, corpus_analyses, load_codebook(CODEBOOK), [user])
    promoted = table.get(user["id"])
    assert promoted.user and [m.text for m in promoted.mentions] == [reform.text]
    assert promoted.mentions[0].actor == "Government"
    assert reform.text not in {p.text for p in table.proposals}
    assert {p.id for p in table.for_doc(reform.doc)} >= {"outsourcing", user["id"]}


# -- reuse of earlier results --------------------------------------------------------------


@pytest.mark.spacy
def test_unchanged_articles_reuse_earlier_results_and_are_not_loaded(
        corpus_articles, corpus_analyses, corpus_table):
    from dataclasses import replace

    from reader.domain import ArticleInfo

    book = load_codebook(CODEBOOK)
    changed = corpus_articles[0]
    moved = replace(changed, date="2001-01-01")  # same text, another date: re-matched
    arts = [moved] + corpus_articles[1:]
    by_id = {a.id: a for a in arts}
    infos = [ArticleInfo(id=a.id, title=a.title, author=a.author, date=a.date,
                         text_hash=a.text_hash) for a in arts]
    loaded = []

    def load(doc_id):
        loaded.append(doc_id)
        return by_id[doc_id]

    previous = json.loads(json.dumps(corpus_table.to_cache()))
    again = build_policies(infos, corpus_analyses, book, previous=previous, load=load)
    fresh = build_policies(arts, corpus_analyses, book)
    assert loaded == [changed.id]
    assert again.to_cache() == fresh.to_cache()
    assert any(m.date == "2001-01-01" for p in again.policies for m in p.mentions)


@pytest.mark.spacy
def test_earlier_results_under_other_policies_are_not_reused(corpus_articles,
                                                            corpus_analyses, corpus_table):
    book = load_codebook(CODEBOOK)
    user = [policy_entry("user-extra", "social worker")]
    previous = corpus_table.to_cache()
    loaded = []

    def load(doc_id):
        loaded.append(doc_id)
        return next(a for a in corpus_articles if a.id == doc_id)

    table = build_policies(corpus_articles, corpus_analyses, book, user, previous=previous,
                           load=load)
    assert len(loaded) == len(corpus_articles)
    assert table.get("user-extra").mentions
    broken = {**previous, "docs": "not a mapping"}
    again = build_policies(corpus_articles, corpus_analyses, book, previous=broken)
    assert again.to_cache()["policies"] == corpus_table.to_cache()["policies"]
