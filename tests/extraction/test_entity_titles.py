"""Titles, honorifics and fragments on short texts written for each rule (no spaCy)."""

from __future__ import annotations

from reader.extraction import names as N


def by_name(table):
    return {e.name: e for e in table.entities}


def test_mr_alone_is_never_an_entity(build):
    body = "Mr Straw spoke. Mr said nothing, and Mr. was tagged too. Mrs agreed."
    t = build(("a", body, [("Mr", "GPE"), ("Mr.", "ORG"), ("Mrs", "PERSON"),
                           ("Mr Straw", "PERSON")]))
    names = set(by_name(t))
    assert not names & {"Mr", "Mr.", "Mrs"}
    assert names == {"Mr Straw"}


def test_a_titled_name_the_model_typed_a_place_is_a_person(build):
    t = build(("a", "Mr Ash arrived. Mr Ash left.", [("Mr Ash", "GPE")]))
    (ash,) = t.entities
    assert (ash.type, ash.name) == ("Person", "Mr Ash")


def test_mr_kennedy_goes_to_charles_not_to_baroness_kennedy(build):
    t = build(
        ("a", "Charles Kennedy leads the party. Mr Kennedy said it would win.",
         [("Charles Kennedy", "PERSON"), ("Mr Kennedy", "PERSON")]),
        ("b", "Helena Kennedy chairs the inquiry. Baroness Kennedy said it was fair.",
         [("Helena Kennedy", "PERSON"), ("Baroness Kennedy", "PERSON")]),
        ("c", "Mr Kennedy campaigned in Bath.", [("Mr Kennedy", "PERSON"), ("Bath", "GPE")]),
        ("d", "Baroness Kennedy spoke in the Lords.", [("Baroness Kennedy", "PERSON")]),
    )
    charles, helena = t.find("Charles Kennedy"), t.find("Helena Kennedy")
    assert {m.doc for m in charles.mentions} == {"a", "c"}
    assert {m.doc for m in helena.mentions} == {"b", "d"}
    assert not any(e.name in ("Mr Kennedy", "Baroness Kennedy") for e in t.entities)


def test_an_ambiguous_mr_stays_unresolved(build):
    t = build(
        ("a", "John Smith and Peter Smith met. Mr Smith spoke first.",
         [("John Smith", "PERSON"), ("Peter Smith", "PERSON"), ("Mr Smith", "PERSON")]))
    names = by_name(t)
    assert names["Mr Smith"].type == "Person" and names["Mr Smith"].count == 1
    assert names["John Smith"].count == 1 and names["Peter Smith"].count == 1


def test_mrs_howard_is_not_michael_howard(build):
    body = ("Michael Howard launched the campaign. Mr Howard said taxes would fall. "
            "Mrs Howard stood beside him. Mr Howard thanked her.")
    t = build(("a", body, [("Michael Howard", "PERSON"), ("Mr Howard", "PERSON"),
                           ("Mrs Howard", "PERSON")]))
    michael = t.find("Michael Howard")
    assert michael.count == 3
    assert all(m.form != "Mrs Howard" for m in michael.mentions)
    mrs = t.get("person:mrs-howard")
    assert mrs.count == 1 and mrs.mentions[0].form == "Mrs Howard"


def test_baroness_scotland_is_a_person_not_the_place(build):
    body = ("Scotland voted. Baroness Scotland, the minister, visited Scotland. "
            "Baroness Scotland said Scotland mattered.")
    t = build(("a", body, [("Scotland", "GPE"), ("Baroness Scotland", "PERSON")]))
    place = t.get("place:scotland")
    assert place.type == "Place" and place.count == 3
    assert all(not m.form for m in place.mentions)
    baroness = t.get("person:baroness-scotland")
    assert baroness.count == 2


def test_the_german_government_makes_no_person(build):
    t = build(
        ("a", "The German government agreed. Mike German, a Welsh politician, disagreed.",
         [("Mike German", "PERSON"), ("German", "NORP"), ("Welsh", "NORP")]),
        ("b", "German officials met British ones. The German side said no.",
         [("German", "PERSON"), ("British", "NORP")]),
    )
    names = by_name(t)
    assert "German" not in names and "Welsh" not in names and "British" not in names
    assert names["Mike German"].count == 1  # no German of doc "b" absorbed


def test_following_mr_straw_is_no_fragment_entity(build):
    body = ("Jack Straw spoke. Following Mr Straw, Both Mr Brown and Mr Blair replied. "
            "Howard - can he win?")
    t = build(("a", body, [("Jack Straw", "PERSON"), ("Following Mr Straw", "ORG"),
                           ("Both Mr Brown and Mr Blair", "PERSON"),
                           ("Howard - can", "PERSON")]))
    names = set(by_name(t))
    assert not any(w in n for n in names for w in ("Following", "Both", " and ", " - "))
    assert t.find("Jack Straw").count == 2
    assert {"Mr Brown", "Howard"} <= names


def test_weekdays_months_plurals_and_one_offs_are_not_looked_for_again(build):
    body = ("On Sunday the MPs met. Sunday was quiet. MPs voted in May. Chelsea won. "
            "Then Chelsea lost.")
    first = [(body.find(w), body.find(w) + len(w), label)
             for w, label in (("Sunday", "ORG"), ("MPs", "ORG"), ("Chelsea", "GPE"))]
    t = build(("a", body, first))
    assert "Sunday" not in by_name(t) and "MPs" not in by_name(t)
    assert t.find("Chelsea").count == 1  # tagged once: not spread to the second


def test_trim_fragment_rules():
    text = "Following Mr Straw - can it be"
    s, e = N.trim_fragment(text, 0, len(text), True)
    assert text[s:e] == "Mr Straw"
    text = "Marks and Spencer"
    assert N.trim_fragment(text, 0, len(text), False) == (0, len(text))
    assert N.title_class("Baroness") == "fp" and N.title_class("Mr.") == "m"
    assert N.title_class("Dr") == "" and not N.compatible("m", "f")
    assert N.is_title_only("Mr") and N.is_title_only("Home Secretary")
    assert not N.is_title_only("Mr Kennedy")
    assert N.title_before("Senator John Kerry and President ") == "President"
    assert N.title_before("Culture, Media and Sport Secretary ") == "Media and Sport Secretary"


def test_a_nationality_before_a_full_name_is_no_part_of_it(build):
    body = ("Briton Tim Henman won. Tim Henman said so. Christian Bale watched, and the "
            "Spaniard Rafael Nadal lost to Frenchman Arnaud Clement. British Airways flew.")
    t = build(("a", body, [("Briton Tim Henman", "PERSON"), ("Tim Henman", "PERSON"),
                           ("Christian Bale", "PERSON"), ("Spaniard Rafael Nadal", "PERSON"),
                           ("Frenchman Arnaud Clement", "ORG"), ("British Airways", "ORG")]))
    names = by_name(t)
    assert names["Tim Henman"].count == 2
    assert "Rafael Nadal" in names and "Christian Bale" in names  # a first name stays
    assert names["Arnaud Clement"].type == "Person"
    assert "British Airways" in names  # an adjective starts many a firm's name
    assert not any(n.startswith(("Briton", "Spaniard", "Frenchman")) for n in names)
