"""Discovery's rules for news that reports measures (issue 13): measures acted on grow
candidates, their variants group, and proposers found through "its" and document nouns."""

from __future__ import annotations

import pytest

from reader.extraction.policies import build_policies
from reader.extraction.policies.discovery import DocFacts, variant_groups

from .policy_fakes import article

BODIES = {
    # proposers
    "its": ("Poland asked for more time on Monday.\n\n"
            "Its ministers want to introduce a ban on software patents."),
    "owner": ("The European Commission says member states will adopt the directive.\n\n"
              "The directive is intended to offer patent protection to software."),
    # a measure reported acted on, never proposed: three articles
    "rates1": "The central bank raised interest rates to 4.75% on Thursday.",
    "rates2": "The Federal Reserve raised interest rates again, its sixth rise.",
    "rates3": "Higher interest rates have hit house prices, estate agents said.",
    # a measure in force, named in full then short
    "rule1": ("The chancellor will meet his golden economic rule, aides said.\n\n"
              "The golden rule lets him borrow only to invest."),
    "rule2": "The Treasury said the golden rule would be met this year.",
    "rule3": "Economists doubt that the golden rule will survive the election.",
    # a law named by itself
    "act1": "The Clean Rivers Act forces water firms to publish their spills.",
    "act2": "Firms must comply with the Clean Rivers Act from next year.",
    "act3": "Critics say the Clean Rivers Act costs too much.",
    # the noun of an enacting verb
    "sale1": "The government plans the privatisation of the national railway.",
    "sale2": "Unions oppose the privatisation of the post office.",
    "sale3": "Privatisation has raised billions for the treasury.",
    # a firm's words that name no measure
    "firm1": "The company raised prices and increased output.",
}


@pytest.fixture(scope="module")
def table(nlp, tmp_path_factory):
    from reader.extraction.nlp import analyse

    arts = [article(k, v, date=f"2005-02-{n + 1:02d}") for n, (k, v) in
            enumerate(BODIES.items())]
    analyses = analyse(arts, tmp_path_factory.mktemp("nlp"), nlp=nlp)
    return build_policies(arts, analyses, [])


def _only(table, doc):
    found = [p for p in table.proposals if p.doc == doc]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.spacy
def test_its_ministers_are_the_last_country_named(table):
    assert _only(table, "its").proposer == "Poland"


@pytest.mark.spacy
def test_a_document_as_passive_subject_stands_for_its_owner(table):
    p = _only(table, "owner")
    assert (p.proposer, p.object) == ("European Commission", "patent protection")


def _candidate(table, docs):
    found = [c for c in table.candidates if set(docs) <= set(c.docs)]
    assert found, [(c.label, c.docs) for c in table.candidates]
    return found[0]


@pytest.mark.spacy
def test_a_measure_acted_on_is_a_candidate_without_a_proposal(table):
    c = _candidate(table, ["rates1", "rates2", "rates3"])
    assert c.label == "Interest rates" and c.discovered
    assert not [p for p in table.proposals if p.doc.startswith("rates")]
    texts = {m.doc: m.text for m in c.mentions}
    assert texts["rates3"] == BODIES["rates3"]  # the evidence, from the cached facts
    actors = {m.doc: m.actor for m in c.mentions}
    assert actors["rates2"] == "Federal Reserve"  # nobody speaks: who enacts it


@pytest.mark.spacy
def test_a_name_in_full_and_short_is_one_candidate(table):
    c = _candidate(table, ["rule1", "rule2", "rule3"])
    assert c.label == "Golden rule"
    assert "golden economic rule" in c.variants
    assert len([x for x in table.candidates if "golden" in x.label.lower()]) == 1


@pytest.mark.spacy
@pytest.mark.parametrize("docs, label", [
    (["act1", "act2", "act3"], "Clean Rivers Act"),
    (["sale1", "sale2", "sale3"], "Privatisation"),
])
def test_laws_and_enactments_named_by_themselves(table, docs, label):
    assert _candidate(table, docs).label == label


@pytest.mark.spacy
def test_vague_words_acted_on_are_not_candidates(table):
    labels = {c.label.lower() for c in table.candidates}
    assert not labels & {"price", "prices", "output", "rise", "increase"}


def test_variants_one_modifier_longer_and_turned():
    known = ["tax bill", "back tax bill", "quota on asylum", "asylum quota",
             "golden economic rule", "golden rule", "low exchange rate", "low rate"]
    together = {"golden economic rule": {"a"}, "golden rule": {"a", "b"},
                "low exchange rate": {"c"}, "low rate": {"d"}}
    groups = variant_groups(["tax bill", "asylum quota", "golden rule", "low rate"], known,
                            together)
    assert groups["tax bill"] == {"tax bill", "back tax bill"}
    assert groups["asylum quota"] == {"asylum quota", "quota on asylum"}
    assert groups["golden rule"] == {"golden rule", "golden economic rule"}
    assert groups["low rate"] == {"low rate"}  # never written together: not one thing


def test_doc_facts_rows_round_trip_and_old_rows_read():
    facts = DocFacts([[0, 10, "Ann Lee", "proposes"]], {"tax bill": [0]}, [["mp", "Ann Lee"]],
                     ["tax bill"], {0: "A tax bill."})
    assert DocFacts.from_row(facts.to_row()) == facts
    old = DocFacts.from_row(facts.to_row()[:3])
    assert (old.acted, old.texts, old.keys) == ([], {}, {"tax bill": [0]})


def test_what_nearly_every_article_names_is_the_corpus_subject():
    from reader.extraction.policies import PolicyLexicon
    from reader.extraction.policies.discovery import discover

    def facts(named: bool) -> DocFacts:
        if not named:
            return DocFacts([[0, 5, None, "unknown"]], {"weather": [0]}, [], [], {})
        return DocFacts([[0, 12, None, "unknown"]], {"tax bill": [0]}, [], ["tax bill"],
                        {0: "A tax bill."})

    lex = PolicyLexicon.load()
    found = {}
    for others in (0, 2):
        corpus = {f"d{n}": facts(n < 3) for n in range(3 + others)}
        found[others] = discover([], corpus, {}, lambda n: n, lambda d: "", lex)
    assert found[0] == []  # named in all three articles: what the corpus is about
    assert [c.label for c in found[2]] == ["Tax bill"]  # named in three of five


@pytest.mark.parametrize("key, text, label", [
    ("3 g licence", "Vodafone paid for its 3G licence in 2000.", "3G licence"),
    ("sarbanes oxley act", "The Sarbanes-Oxley Act took effect.", "Sarbanes-Oxley Act"),
    ("interest rate", "Interest rates rose again.", "Interest rates"),
])
def test_a_key_is_named_as_the_text_writes_it(key, text, label):
    from reader.domain import PolicyMention
    from reader.extraction.policies.discovery import _written

    mention = PolicyMention("a", 0, len(text), text, None, "unknown", "", None)
    assert _written(key, [mention]).most_common(1)[0][0] == label
