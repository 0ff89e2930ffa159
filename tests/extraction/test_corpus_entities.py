"""Entities of the 5 bundled articles, through the real spaCy model (loaded once)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from reader.extraction.entities import EntityTable, build_entities
from reader.extraction.names import Lexicon

from .fakes import article, through_file

pytestmark = pytest.mark.spacy


@pytest.fixture(scope="module")
def table(corpus_articles, corpus_analyses, resources_dir):
    return build_entities(corpus_articles, corpus_analyses, resources_dir)


def test_every_mention_indexes_the_body(table, corpus_articles):
    """A body mention indexes the body; a headline mention (field "title") the title."""
    texts = {(a.id, "body"): a.body for a in corpus_articles}
    texts.update({(a.id, "title"): a.title for a in corpus_articles})
    assert len(table) > 20
    fields = set()
    for e in table.entities:
        assert e.count > 0
        for m in e.mentions:
            text = texts[(m.doc, m.field)]
            assert 0 <= m.start < m.end <= len(text)
            assert text[m.start:m.end] == m.text
            fields.add(m.field)
    assert fields == {"body", "title"}  # the bundled headlines name entities ("Tories")


def test_no_page_chrome_becomes_an_entity(table, corpus_articles):
    chrome = {line.strip().lower() for a in corpus_articles for line in a.chrome.splitlines()}
    for e in table.entities:
        assert e.name.lower() not in chrome, e
        assert e.name not in ("Main", "Top", "Picture_1", "AddToAny", "Disqus"), e
        assert "_" not in e.name and "\n" not in e.name


def test_comments_are_never_extracted(table):
    assert table.find("Rotherham") is None  # only in a reader's comment
    assert table.find("Ann Cotton") is None


def test_michael_gove_is_one_person_with_gove_as_alias(table):
    gove = table.find("Gove")
    assert gove.id == "person:michael-gove" and gove.type == "Person"
    assert gove.name == "Michael Gove" and "Gove" in gove.aliases
    assert len(gove.docs) == 4
    assert [e for e in table.entities if "Gove" in e.name.split()] == [gove]
    assert table.find("Education Secretary Michael Gove") is gove


def test_munro_and_laming(table):
    munro = table.find("Munro")
    assert munro.name == "Eileen Munro" and munro.count >= 6
    assert {"Professor Eileen Munro", "Professor Munro"} <= set(munro.aliases)
    assert table.find("Lord Laming").type == "Person"


def test_lga_is_merged_with_local_government_association(table):
    lga = table.find("LGA")
    assert lga is table.find("Local Government Association")
    assert lga.name == "Local Government Association" and lga.type == "Organisation"
    assert len(lga.docs) == 2


def test_tories_are_the_conservative_party(table):
    party = table.find("Tories")
    assert party.id == "organisation:conservative-party"
    assert {"Tories", "Tory", "Conservatives"} <= set(party.aliases)
    assert table.find("Conservatives") is party and party.count >= 8


def test_case_variants_and_cleaned_names(table):
    cp = table.find("ContactPoint")
    assert cp is table.find("Contactpoint") and cp.count == 2
    assert table.find("Department for Education").name == "Department for Education"
    assert table.find("London School of Economics") is not None
    assert all(not e.name.lower().startswith("the ") for e in table.entities)
    assert all(not e.name.endswith(("’s", "'s", "-", ",")) for e in table.entities)


def test_no_place_is_typed_as_a_person(table, resources_dir):
    for place in ("Haringey", "Doncaster", "Cumbria", "Knowsley", "Westminster", "Hackney",
                  "Gateshead", "England"):
        assert table.find(place).type == "Place", place
    lex = Lexicon.load(resources_dir)
    for e in table.of_type("Person"):
        assert lex.fixed_type(e.name) in (None, "Person"), e


def test_not_names_are_dropped(table):
    for phrase in ("Case Reviews", "Government", "Parliamentarians", "Education",
                   "Children’s Services", "Child Protection", "today", "second"):
        found = table.find(phrase)
        assert found is None or found.name != phrase, phrase


def test_headline_names_are_headline_mentions(table, corpus_articles):
    # "Tim Loughton MP: ..." is article 004's title: one mention there, three in bodies.
    tim = table.find("Tim Loughton")
    assert [m.field for m in tim.mentions].count("body") == 3
    (head,) = [m for m in tim.mentions if m.field == "title"]
    title = next(a.title for a in corpus_articles if a.id == head.doc)
    assert (head.start, title[head.start:head.end]) == (0, "Tim Loughton")


def test_related_and_cache(table):
    rel = table.related("person:michael-gove", limit=5)
    assert rel and all(r.score > 0 for r in rel)
    assert rel == sorted(rel, key=lambda r: -r.score)
    data = through_file(table.to_cache())
    again = EntityTable.from_cache(data)
    assert [e.to_json() for e in again.entities] == [e.to_json() for e in table.entities]


def test_written_text_through_the_model(nlp, tmp_path, resources_dir):
    from reader.extraction.nlp import analyse

    arts = [
        article("x", "Education Secretary Michael Gove met the Local Government Association "
                     "(LGA) in Doncaster on 3 March 2012. Gove said the LGA was wrong.",
                "Gove meets councils"),
        article("y", "Sir Martin Narey criticised Ofsted’s report, the Tories said."),
    ]
    analyses = analyse(arts, tmp_path, nlp=nlp)
    t = build_entities(arts, analyses, resources_dir)
    gove = t.find("Michael Gove")
    assert [m.field for m in gove.mentions] == ["title", "body", "body"]  # "Gove meets ..."
    assert "Education Secretary Michael Gove" in gove.aliases
    assert t.find("LGA").name == "Local Government Association"
    assert t.find("LGA").count == 3  # the expansion and twice the acronym
    assert t.find("Doncaster").type == "Place"
    assert t.find("Martin Narey").aliases == ("Sir Martin Narey",)
    assert t.find("Ofsted").mentions[0].text == "Ofsted"
    assert t.find("Tories").name == "Conservative Party"


def test_entities_module_does_not_import_spacy():
    code = ("import sys, reader.extraction.entities, reader.extraction.overlay; "
            "print('spacy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
