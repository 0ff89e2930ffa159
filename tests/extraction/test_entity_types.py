"""Entity types on short texts written for each rule (no spaCy): an organisation's head
word, a vote across every mention, and a gazetteer place the corpus uses as a club."""

from __future__ import annotations


def types(table):
    return {e.name: e.type for e in table.entities}


def test_a_name_ending_in_united_or_agency_is_an_organisation(build):
    t = build(
        ("a", "Manchester United won. Manchester United lost. The Child Support Agency paid.",
         [("Manchester United", "PERSON"), ("Manchester United", "PERSON"),
          ("Child Support Agency", "GPE")]),
        ("b", "Manchester United drew with Ashford Rovers.",
         [("Manchester United", "GPE"), ("Ashford Rovers", "PERSON")]))
    got = types(t)
    assert got["Manchester United"] == "Organisation"
    assert got["Child Support Agency"] == "Organisation"
    assert got["Ashford Rovers"] == "Organisation"


def test_the_head_word_counts_only_capitalised_and_after_another_word(build):
    t = build(("a", "Ann Fund spoke. Ann Fund left. United won.",
               [("Ann Fund", "PERSON"), ("Ann Fund", "PERSON"), ("United", "ORG")]))
    got = types(t)
    assert got["Ann Fund"] == "Organisation"  # the rule is about the last word only
    assert got["United"] == "Organisation"  # one word: the model's vote


def test_a_titled_person_keeps_person(build):
    t = build(("a", "Sir Ralph Society spoke. Sir Ralph Society left.",
               [("Sir Ralph Society", "PERSON"), ("Sir Ralph Society", "PERSON")]))
    assert "Organisation" not in types(t).values()


def test_the_type_is_voted_across_every_article_not_the_first_label(build):
    t = build(
        ("a", "Glasgow is wet.", [("Glasgow", "PERSON")]),
        ("b", "Rain in Glasgow.", [("Glasgow", "GPE")]),
        ("c", "Glasgow again.", [("Glasgow", "GPE")]))
    assert types(t)["Glasgow"] == "Place"


def test_a_gazetteer_place_used_overwhelmingly_as_a_club_is_an_organisation(build):
    club = [(f"m{i}", "Chelsea beat Hull.", [("Chelsea", "ORG")]) for i in range(11)]
    t = build(*club, ("z", "A flat in Chelsea.", [("Chelsea", "GPE")]))
    assert types(t)["Chelsea"] == "Organisation"


def test_a_gazetteer_place_with_a_split_vote_stays_a_place(build):
    docs = [(f"m{i}", "Chelsea beat Hull.", [("Chelsea", "ORG")]) for i in range(6)]
    docs += [(f"p{i}", "A flat in Chelsea.", [("Chelsea", "GPE")]) for i in range(6)]
    assert types(build(*docs))["Chelsea"] == "Place"


def test_a_few_organisation_labels_do_not_override_the_gazetteer(build):
    docs = [(f"m{i}", "Chelsea beat Hull.", [("Chelsea", "ORG")]) for i in range(3)]
    assert types(build(*docs))["Chelsea"] == "Place"
