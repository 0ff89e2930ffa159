"""Headline mentions and acronym merges on short texts written for each rule (no spaCy)."""

from __future__ import annotations

from reader.domain import Mention
from reader.extraction.entities import EntityTable


def by_name(table):
    return {e.name: e for e in table.entities}


# -- headlines ---------------------------------------------------------------------------------
def test_an_entity_only_a_headline_names_is_an_entity(build):
    title = "Acme Holdings to close its plant"
    t = build(("a", "The firm said that jobs would go.", [("Acme Holdings", "ORG")], title))
    (acme,) = t.entities
    assert (acme.name, acme.type, acme.count) == ("Acme Holdings", "Organisation", 1)
    (m,) = acme.mentions
    assert (m.field, m.start, m.end) == ("title", 0, 13)
    assert title[m.start:m.end] == m.text == "Acme Holdings"
    assert m.to_json() == {"doc": "a", "start": 0, "end": 13, "text": "Acme Holdings",
                           "field": "title"}


def test_headline_and_body_mentions_each_index_their_own_text(build):
    title = "Talks with Nadia Rahman end"
    body = "Nadia Rahman left early. Later Rahman said the talks had failed."
    t = build(("a", body, [("Nadia Rahman", "PERSON")], title))
    rahman = by_name(t)["Nadia Rahman"]
    fields = [(m.field, m.start, m.end) for m in rahman.mentions]
    assert fields == [("title", 11, 23), ("body", 0, 12), ("body", 31, 37)]
    for m in rahman.mentions:
        text = title if m.field == "title" else body
        assert text[m.start:m.end] == m.text
    body_json = [m.to_json() for m in rahman.mentions if m.field == "body"]
    assert all("field" not in j for j in body_json)  # a body mention's JSON is unchanged


def test_a_known_name_is_found_again_in_a_headline(build):
    """The model tagged nothing in the second headline: the name is looked for there too."""
    t = build(
        ("a", "Nadia Rahman resigned. Nadia Rahman had led the council.",
         [("Nadia Rahman", "PERSON")]),
        ("b", "The council met on Monday.", [], "Why Nadia Rahman quit"))
    found = [(m.doc, m.field, m.start) for m in by_name(t)["Nadia Rahman"].mentions]
    assert ("b", "title", 4) in found


def test_headline_mentions_share_the_article_not_a_sentence(build):
    t = build(("a", "Acme Holdings cut jobs. Later, the union complained.",
               [("Acme Holdings", "ORG"), ("Nadia Rahman", "PERSON")],
               "Nadia Rahman attacks Acme Holdings"))
    related = t.related(by_name(t)["Nadia Rahman"].id)
    (r,) = related
    assert r.entity.name == "Acme Holdings"
    assert r.score == 1  # the article only: a headline is no body sentence
    assert [(e.doc, e.start) for e in r.evidence] == [("a", 0)]  # where Acme is named


def test_headline_mentions_survive_the_cache(build):
    t = build(("a", "Jobs will go.", [("Acme Holdings", "ORG")], "Acme Holdings shuts plant"))
    again = EntityTable.from_cache(t.to_cache())
    assert again.entities[0].mentions == (Mention("a", 0, 13, "Acme Holdings", field="title"),)
    assert again.entities[0].mentions[0].field == "title"
    assert t.doc_mentions("a")[0][0].field == "title"


def test_headline_spans_are_cut_to_names(build):
    """Headline style: fixtures, verbs and role words run into the model's spans."""
    t = build(
        ("a", "Blackburn beat Burnley at home. Blackburn were the better side.",
         [("Blackburn v Burnley", "ORG"), ("Blackburn", "ORG"), ("Burnley", "ORG")],
         "Blackburn v Burnley"),
        ("b", "The rapper Kanye West won. Kanye West thanked his mother.",
         [("Rapper Kanye West", "PERSON"), ("Kanye West", "PERSON")],
         "Rapper Kanye West wins award"),
        ("c", "Paul O'Connell said no. O'Connell will stay in Ireland.",
         [("O'Connell rejects Lions", "PERSON"), ("Paul O'Connell", "PERSON"),
          ("O'Connell", "PERSON")],
         "O'Connell rejects Lions"))
    names = by_name(t)
    assert not {"Blackburn v Burnley", "Rapper Kanye West", "O'Connell rejects Lions"} & set(names)
    heads = {(m.doc, m.text) for e in t.entities for m in e.mentions if m.field == "title"}
    assert {("a", "Blackburn"), ("a", "Burnley"), ("b", "Kanye West"),
            ("c", "O'Connell")} <= heads
    assert all(m.doc == "c" for m in names["Paul O'Connell"].mentions)


def test_a_headline_keeps_a_name_written_with_a_slash(build):
    t = build(("a", "AC/DC played in Leeds.", [("AC/DC", "ORG"), ("Leeds", "GPE")],
               "AC/DC tour reaches Leeds"))
    heads = {m.text for e in t.entities for m in e.mentions if m.field == "title"}
    assert heads == {"AC/DC", "Leeds"}


def test_a_headline_role_word_is_no_part_of_a_name(build):
    """"Rocker Doherty": the corpus writes "rocker" in lower case and never the phrase in a
    body; the known name inside is found instead."""
    t = build(
        ("a", "The rocker Pete Doherty was arrested. Pete Doherty denied it.",
         [("Pete Doherty", "PERSON")]),
        ("b", "He was released on Friday.", [("Rocker Doherty", "PERSON")],
         "Rocker Doherty freed"))
    names = by_name(t)
    assert "Rocker Doherty" not in names
    assert ("b", "title", 7, 14) in {(m.doc, m.field, m.start, m.end)
                                     for m in names["Pete Doherty"].mentions}


def test_a_title_case_headline_keeps_only_what_the_body_names(build):
    title = "Rising Oil Prices Hit Global Markets"
    t = build(("a", "Oil prices rose again. Global Markets fell.",
               [("Rising Oil Prices", "ORG"), ("Global Markets", "ORG")], title))
    names = by_name(t)
    assert "Rising Oil Prices" not in names
    assert [m.field for m in names["Global Markets"].mentions] == ["title", "body"]


# -- acronyms ----------------------------------------------------------------------------------
def test_an_acronym_joins_the_one_name_its_initials_spell_when_they_meet(build):
    t = build(
        ("a", "The United Nations met in Geneva. The UN said little.",
         [("United Nations", "ORG"), ("UN", "ORG"), ("Geneva", "GPE")]),
        ("b", "The UN will vote on Friday.", [("UN", "ORG")]),
        ("c", "Talks in the United States went on. U.S. officials spoke.",
         [("United States", "GPE"), ("U.S.", "GPE")]),
        ("d", "U.S. markets rose.", [("U.S.", "GPE")]))
    names = by_name(t)
    assert "UN" not in names and "U.S." not in names
    assert names["United Nations"].count == 3 and "UN" in names["United Nations"].aliases
    assert names["United States"].count == 3 and names["United States"].type == "Place"


def test_an_acronym_that_never_meets_its_expansion_stays_apart(build):
    t = build(
        ("a", "The World Tourism Organisation met.", [("World Tourism Organisation", "ORG")]),
        ("b", "The WTO said trade grew.", [("WTO", "ORG")]))
    assert {"WTO", "World Tourism Organisation"} <= set(by_name(t))


def test_an_ambiguous_acronym_stays_apart(build):
    t = build(
        ("a", "The United States and the US economy grew.",
         [("United States", "GPE"), ("US", "GPE")]),
        ("b", "Universal Studios said US cinemas were full.",
         [("Universal Studios", "ORG"), ("US", "GPE")]))
    names = by_name(t)
    assert names["US"].count == 2
    assert names["United States"].count == 1 and names["Universal Studios"].count == 1


def test_an_acronym_goes_to_the_name_it_clearly_meets_most(build):
    docs = [(f"s{i}", "The United States and the US agreed.",
             [("United States", "GPE"), ("US", "GPE")]) for i in range(3)]
    docs.append(("u", "Universal Studios said US cinemas were full.",
                 [("Universal Studios", "ORG"), ("US", "GPE")]))
    names = by_name(build(*docs))
    assert "US" not in names and names["United States"].count == 7
    assert names["Universal Studios"].count == 1


def test_an_acronym_never_joins_a_name_of_another_kind(build):
    """"CA" next to a law ("Companies Act"): a body's acronym is no law's."""
    t = build(("a", "The Companies Act binds CA staff. CA said so.",
               [("Companies Act", "LAW"), ("CA", "ORG")]))
    assert {"CA", "Companies Act"} <= set(by_name(t))


def test_a_merge_keeps_a_headline_mention_at_the_offsets_of_a_body_one():
    from reader.domain import Entity
    from reader.extraction.overlay import apply_edits

    head = Mention("a", 0, 4, "Acme", field="title")
    body = Mention("a", 0, 4, "Acme")
    ents = [Entity("organisation:acme", "Acme", "Organisation", mentions=(body,)),
            Entity("person:acme", "Acme", "Person", mentions=(head,))]
    edit = {"op": "merge", "source": "person:acme", "target": "organisation:acme"}
    (merged,), _, _ = apply_edits(ents, [edit])
    assert merged.mentions == (head, body)
