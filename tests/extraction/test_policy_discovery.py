"""Proposals as structured records (proposer, object, stance) and discovered candidates."""

from __future__ import annotations

import pytest

from reader.extraction.policies import build_policies
from reader.extraction.policies.discovery import variant_groups

from .policy_fakes import article

BODIES = {
    "previous": ("Home Secretary Charles Clarke spoke to MPs on Monday.\n\n"
                 "He said the government plans to introduce identity cards by 2008."),
    "pronoun": ("Jane Smith, the party's leader, visited Leeds.\n\n"
                "The party wants to scrap tuition fees, she said."),
    "role": ("The Home Secretary has proposed a points system for migrants.\n\n"
             "Critics were unconvinced."),
    "quote": ("Tom Brown, the union's leader, spoke at the rally.\n\n"
              "“The rules are unfair,” he said. “We know that.\n\n"
              "“The government must abolish the minimum wage exemption for apprentices.”"),
    "opinion": "The chairman said fans should not ignore the need for patience.",
    "sue": "The suspect plans to sue the police for wrongful arrest.",
    "idcards": ("Ministers want to introduce ID cards within five years.\n\n"
                "The Liberal Democrats oppose ID cards."),
    "idcards2": "Opponents say identity cards will not stop terrorism.",
}
IDS = {"Charles Clarke": "person:charles-clarke"}


@pytest.fixture(scope="module")
def table(nlp, tmp_path_factory):
    from reader.extraction.nlp import analyse

    arts = [article(k, v, date="2005-01-0" + str(n + 1)) for n, (k, v) in
            enumerate(BODIES.items())]
    analyses = analyse(arts, tmp_path_factory.mktemp("nlp"), nlp=nlp)
    return build_policies(arts, analyses, [], resolve_actor=IDS.get)


def _proposal(table, doc):
    found = [p for p in table.proposals if p.doc == doc]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.spacy
@pytest.mark.parametrize("doc, proposer, obj", [
    ("previous", "person:charles-clarke", "identity cards"),  # "He said" after a named speaker
    ("pronoun", "Jane Smith", "tuition fees"),  # "she said" in the sentence
    ("role", "person:charles-clarke", "points system for migrants"),  # the role named elsewhere
    ("quote", "Tom Brown", "minimum wage exemption for apprentices"),  # quote continued
])
def test_proposal_records(table, doc, proposer, obj):
    p = _proposal(table, doc)
    assert (p.proposer, p.object, p.stance) == (proposer, obj, "proposes"), p.text
    assert p.date.startswith("2005-01") and BODIES[doc][p.start:p.end] == p.text
    assert set(p.to_json()) >= {"proposer", "object", "stance", "date", "cue"}


@pytest.mark.spacy
@pytest.mark.parametrize("doc", ["opinion", "sue"])
def test_opinions_and_other_plans_are_not_proposals(table, doc):
    assert not [p for p in table.proposals if p.doc == doc]


@pytest.mark.spacy
def test_two_phrasings_of_one_object_are_one_candidate(table):
    cards = [c for c in table.candidates if "card" in c.label.lower()]
    assert len(cards) == 1, [c.label for c in table.candidates]
    card = cards[0]
    assert card.discovered and card.id.startswith("discovered-")
    assert set(card.docs) == {"previous", "idcards", "idcards2"}
    assert {"id card", "identity card"} <= {card.label.lower().rstrip("s")} | {
        v.rstrip("s") for v in card.variants}
    stances = {(m.actor, m.stance) for m in card.mentions}
    assert any(a and a.endswith("Democrats") and st == "opposes" for a, st in stances)
    assert card.to_json()["discovered"] is True
    assert table.get(card.id) is card


def test_variants_by_abbreviation():
    groups = variant_groups(["id card", "vat"], ["identity card", "idea card", "value added tax",
                                                 "vat"])
    assert groups["id card"] == {"id card", "identity card"}
    assert groups["vat"] == {"vat"}  # a one-word key has no tail to share
