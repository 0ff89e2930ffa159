"""The Other type and the words around a name as type votes (names.context_type,
grouping.Corpus._vote), on short texts written for each rule (no spaCy)."""

from __future__ import annotations

import pytest

from reader.extraction import names as N
from reader.extraction.entities import build_entities
from reader.extraction.lexicon import TYPES, entity_type

from .fakes import corpus


def cue(text: str, name: str, label: str = "Person") -> str:
    start = text.index(name)
    return N.context_type(text, start, start + len(name), label)


@pytest.mark.parametrize(("text", "name", "label", "want"), [
    ("Shares in oil giant Yukos fell.", "Yukos", "Person", "Organisation"),
    ("Liverpool boss Rafael Benitez said.", "Liverpool", "Place", "Organisation"),
    ("The sale of Yukos' shares.", "Yukos", "Person", "Organisation"),
    ("Firms such as BT have a duty.", "BT", "Place", "Organisation"),
    ("Yukos is confident of its right.", "Yukos", "Person", "Organisation"),
    ("Everton were beaten.", "Everton", "Person", "Organisation"),
    ("Chelsea won the Premiership in May.", "Premiership", "Person", "Other"),
    ("She has an Oscar-winning role.", "Oscar", "Person", "Other"),
    ("They chase the Premiership title.", "Premiership", "Organisation", "Other"),
    ("The Champions League final is on.", "Champions League", "Organisation", "Other"),
])
def test_the_words_around_a_name_say_its_type(text, name, label, want):
    assert cue(text, name, label) == want


@pytest.mark.parametrize(("text", "name", "label"), [
    ("Kostas Kenteris and Katerina Thanou are cleared.", "Katerina Thanou", "Person"),
    ("Kenteris and Thanou are cleared.", "Thanou", "Person"),
    ("A museum for Jimi Hendrix are planned.", "Jimi Hendrix", "Person"),  # a full name
    ("Croatia have won.", "Croatia", "Place"),  # a country's team stays a place
    ("I Rawaqa (Fiji), V Matfield.", "Fiji", "Place"),
    ("Libya had cut its ties.", "Libya", "Place"),  # places have "its"
    ("Tony Blair said its plan was good.", "Tony Blair", "Person"),
    ("The Six Nations are under way.", "Six Nations", "Other"),  # a plural name
    ("Blair's spokesman said.", "Blair", "Person"),  # people have spokesmen
    ("Film producer Harvey Weinstein said.", "Harvey Weinstein", "Person"),
])
def test_words_a_person_or_a_country_also_has_say_nothing(text, name, label):
    assert cue(text, name, label) == ""


def test_other_is_one_of_the_types_users_filter_by():
    assert "Other" in TYPES
    assert entity_type("other") == "Other"


@pytest.fixture
def build(resources_dir):
    def run(*docs):
        arts, analyses = corpus(*docs)
        return {e.name: e.type for e in build_entities(arts, analyses, resources_dir).entities}
    return run


def test_an_event_label_and_an_event_head_word_make_an_other(build):
    got = build(("a", "The Six Nations starts. The Champions League resumes.",
                 [("Six Nations", "EVENT"), ("Champions League", "ORG")]))
    assert got["Six Nations"] == "Other"
    assert got["Champions League"] == "Other"


def test_a_firm_the_model_calls_a_person_becomes_an_organisation_by_its_context(build):
    docs = [(f"p{i}", "Yukos said so on Monday.", [("Yukos", "PERSON")]) for i in range(5)]
    docs += [(f"o{i}", "Shares in oil giant Yukos fell.", [("Yukos", "PERSON")])
             for i in range(2)]
    assert build(*docs)["Yukos"] == "Organisation"


def test_a_person_with_a_few_organisation_contexts_stays_a_person(build):
    docs = [(f"p{i}", "Roddick said so on Monday.", [("Roddick", "PERSON")])
            for i in range(12)]
    docs += [("o", "Roddick were beaten.", [("Roddick", "PERSON")])]
    assert build(*docs)["Roddick"] == "Person"


def test_a_word_after_a_determiner_is_not_a_person(build):
    docs = [(f"p{i}", "Chelsea lead the Premiership.", [("Premiership", "PERSON")])
            for i in range(3)]
    assert build(*docs)["Premiership"] == "Other"


def test_a_gazetteer_town_used_as_a_club_becomes_an_organisation_by_its_context(build):
    docs = [(f"c{i}", "Liverpool boss Rafael Benitez smiled.", [("Liverpool", "GPE")])
            for i in range(4)]
    docs += [(f"p{i}", "Rain fell in Liverpool.", [("Liverpool", "GPE")]) for i in range(4)]
    assert build(*docs)["Liverpool"] == "Organisation"
    # ... while a country's national team keeps the gazetteer's Place
    docs = [(f"c{i}", "England coach Andy Robinson smiled.", [("England", "GPE")])
            for i in range(4)]
    docs += [(f"p{i}", "Rain fell in England.", [("England", "GPE")]) for i in range(4)]
    assert build(*docs)["England"] == "Place"


def test_one_name_with_and_without_spaces_or_hyphens_is_one_entity(build):
    got = build(("a", "TimeWarner rose. TimeWarner fell. Time Warner said so.",
                 [("TimeWarner", "ORG"), ("Time Warner", "ORG")]),
                ("b", "Wal-Mart and Wal Mart.", [("Wal-Mart", "ORG"), ("Wal Mart", "ORG")]))
    assert "Time Warner" not in got and got["TimeWarner"] == "Organisation"
    assert len([n for n in got if n.replace("-", " ") == "Wal Mart"]) == 1


def test_an_award_and_its_plural_are_one_entity_but_other_plurals_are_not(build):
    got = build(("a", "She won an Oscar-winning part. At the Oscars, an Oscar-winning film.",
                 [("Oscar", "PERSON"), ("Oscars", "ORG")]),
                ("b", "Time reported it. The Times reported it.",
                 [("Time", "ORG"), ("Times", "ORG")]))
    assert "Oscars" not in got and got["Oscar"] == "Other"
    assert {"Time", "Times"} <= set(got)  # two papers, neither an Other


def test_a_person_never_joins_a_thing_spelled_alike(build):
    got = build(("a", "Rip Guard spoke. RipGuard blocks copies. RipGuard works.",
                 [("Rip Guard", "PERSON"), ("RipGuard", "ORG")]))
    assert got == {"Rip Guard": "Person", "RipGuard": "Organisation"}
