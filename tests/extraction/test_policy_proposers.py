"""Proposal rules of the third pass: weak cues need a proposer, firms' own plans are not
policy, and proposers found through a role, a nation or a report's owner (invented texts)."""

from __future__ import annotations

import pytest

from reader.extraction.policies import build_policies

from .policy_fakes import article

BODIES = {
    # weak "should" with nobody proposing it
    "nobody": "Ideally, the old fence should be replaced with a stone wall.",
    # a quote's "we need to" with no speaker named
    "quote": "\u201cWe need to have the strategy in place to deal with the pressures.",
    # what one person should be allowed: not a measure
    "person": "\u201cI do not think he should be allowed these perks,\u201d the group's chair "
              "Mary Jones said.",
    # a firm's plans for itself
    "firm": "Acme Widgets plans to cut its worldwide workforce by a third by 2008.",
    "brand": "The Tesco group said it planned to expand the brand by opening new stores.",
    "firms": "The firms want to make a system that stops illegal copying.",
    # ... but a government's plan for firms is policy
    "public": "The government plans to cut the workforce of the civil service by a third.",
    # "He also called for ..." after a role named without a person
    "role": ("Norway's trade minister, lashed out at the rich nations on Monday. "
             "He also called for reform of the World Trade Organisation.\n\n"
             "Ola Nordmann, Norway's trade minister, argued that the rules were unfair."),
    # a nation's ministers kept as written
    "nation": "Polish ministers want to introduce a tax on software patents.",
    # "the submission" owned by who made it
    "owner": ("The Farmers Union said in its submission that prices were too low. "
              "The submission also calls for a ban on cheap imports."),
}
IDS = {"Ola Nordmann": "person:ola-nordmann"}


@pytest.fixture(scope="module")
def table(nlp, tmp_path_factory):
    from reader.extraction.nlp import analyse

    arts = [article(k, v, date="2005-02-01") for k, v in BODIES.items()]
    analyses = analyse(arts, tmp_path_factory.mktemp("nlp"), nlp=nlp)
    return build_policies(arts, analyses, [], resolve_actor=IDS.get)


def _found(table, doc):
    return [p for p in table.proposals if p.doc == doc]


@pytest.mark.spacy
@pytest.mark.parametrize("doc", ["nobody", "quote", "person", "firm", "brand", "firms"])
def test_not_proposals(table, doc):
    assert not _found(table, doc)


@pytest.mark.spacy
@pytest.mark.parametrize("doc, proposer", [
    ("public", "Government"),  # a company-like object, but a government's plan
    ("role", "person:ola-nordmann"),  # "He" -> the role -> the person the article names in it
    ("nation", "Polish ministers"),  # not the vague "Ministers"
    ("owner", "Farmers Union"),  # "its submission" -> who said it
])
def test_proposers(table, doc, proposer):
    found = _found(table, doc)
    assert len(found) == 1, found
    p = found[0]
    assert (p.proposer or p.proposer_name) in (proposer, "The " + proposer), p
