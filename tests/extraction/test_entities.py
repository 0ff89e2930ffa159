"""Entity rules on short texts written for each rule, with hand-made analyses (no spaCy)."""

from __future__ import annotations

import json

import pytest

from reader.domain import Evidence
from reader.errors import NotFound
from reader.extraction.entities import EntityTable, build_entities
from reader.extraction.nlp import Analysis

from .fakes import corpus, through_file


@pytest.fixture
def build(resources_dir):
    def run(*docs, edits=()):
        arts, analyses = corpus(*docs)
        table = build_entities(arts, analyses, resources_dir, edits)
        texts = {(a.id, "body"): a.body for a in arts}
        texts.update({(a.id, "title"): a.title for a in arts})
        for e in table.entities:  # the invariant, checked on every table built here
            for m in e.mentions:
                assert texts[(m.doc, m.field)][m.start:m.end] == m.text, (e.id, m)
        return table
    return run


def names(table, type_=None):
    return {e.name for e in table.entities if type_ is None or e.type == type_}


# -- cleaning ----------------------------------------------------------------------------------
def test_articles_and_possessives_are_trimmed_with_exact_offsets(build):
    body = "It is the Department for Education’s plan. The Department for Education agreed."
    t = build(("a", body, [("the Department for Education’s", "ORG"),
                           ("The Department for Education", "ORG")]))
    dfe = t.get("organisation:department-for-education")
    assert dfe.name == "Department for Education"
    assert [(m.start, m.end) for m in dfe.mentions] == [(10, 34), (47, 71)]
    assert {m.text for m in dfe.mentions} == {"Department for Education"}


def test_trailing_punctuation_and_dashes_are_trimmed(build):
    body = "Leaders such as Peter Wanless- come from many backgrounds."
    t = build(("a", body, [("Peter Wanless-", "PERSON")]))
    (m,) = t.get("person:peter-wanless").mentions
    assert m.text == "Peter Wanless" and body[m.start:m.end] == "Peter Wanless"


def test_a_span_crossing_a_line_break_is_rejected(build):
    body = "The report came from Haringey\nSocial Services yesterday."
    t = build(("a", body, [("Haringey\nSocial Services", "ORG")]))
    assert t.entities == []


def test_page_chrome_and_placeholders_are_not_entities(build):
    body = "Main\n\nPicture_1 Tim Loughton wrote this.\n\nTop"
    t = build(("a", body, [("Main", "PERSON"), ("Picture_1", "PERSON"),
                           ("Tim Loughton", "PERSON"), ("Top", "ORG")]))
    assert names(t) == {"Tim Loughton"}


def test_a_capitalised_common_phrase_is_not_a_name(build):
    body = ("Councils publish serious case reviews. Ofsted evaluates Serious Case Reviews. "
            "Staff said the Case Reviews were late.")
    t = build(("a", body, [("Case Reviews", "PERSON"), ("Serious Case Reviews", "WORK_OF_ART"),
                           ("Ofsted", "ORG")]))
    assert names(t) == {"Ofsted"}


def test_a_capitalised_phrase_never_written_in_lower_case_is_kept(build):
    body = "The Integrated Children’s System failed. Children’s services are stretched."
    t = build(("a", body, [("The Integrated Children’s System", "ORG")]))
    assert names(t) == {"Integrated Children’s System"}


def test_unwanted_labels_are_dropped_and_dates_need_a_month_or_year(build):
    body = ("Today three councils, 80% of them, met at 3pm. The consultation closes on 30 May "
            "and the pilots began in 2008 after seventeen month old Peter died.")
    t = build(("a", body, [("Today", "DATE"), ("three", "CARDINAL"), ("80%", "PERCENT"),
                           ("3pm", "TIME"), ("30 May", "DATE"), ("2008", "DATE"),
                           ("seventeen month old", "DATE")]))
    assert names(t) == {"30 May", "2008"}
    assert {e.type for e in t.entities} == {"Date"}


def test_money_keeps_its_symbol_and_unit(build):
    body = "It is linked to a £30m innovation programme."
    t = build(("a", body, [(body.index("30"), body.index("30") + 2, "MONEY")]))
    (e,) = t.entities
    assert (e.name, e.type, e.id) == ("£30m", "Money", "money:30m")


def test_norp_is_kept_only_when_it_names_a_party(build):
    body = "The Tories and British voters disagreed; Tory plans and Parliamentarians too."
    t = build(("a", body, [("Tories", "NORP"), ("British", "NORP"), ("Tory", "NORP"),
                           ("Parliamentarians", "NORP")]))
    (party,) = t.entities
    assert party.id == "organisation:conservative-party"
    assert party.name == "Conservative Party" and party.type == "Organisation"
    assert set(party.aliases) == {"Tories", "Tory"}
    assert [m.text for m in party.mentions] == ["Tories", "Tory"]


def test_a_portfolio_word_before_secretary_is_part_of_a_title(build):
    body = "Education Secretary Michael Gove spoke."
    t = build(("a", body, [("Education", "ORG"), ("Michael Gove", "PERSON")]))
    assert names(t) == {"Michael Gove"}


def test_a_role_is_not_a_name_but_a_known_name_with_a_role_word_is(build):
    body = ("The Director of Children’s Services resigned. The Children's Commissioner for "
            "England objected. The Home Secretary was silent.")
    t = build(("a", body, [("The Director of Children’s Services", "ORG"),
                           ("The Children's Commissioner for England", "ORG"),
                           ("The Home Secretary", "PERSON")]))
    assert names(t) == {"Children's Commissioner for England"}
    assert t.entities[0].type == "Organisation"


def test_mp_for_names_a_place(build):
    body = "Tim Loughton is MP for East Worthing & Shoreham and a minister."
    t = build(("a", body, [("Tim Loughton", "PERSON"), ("East Worthing & Shoreham", "ORG")]))
    assert t.find("East Worthing & Shoreham").type == "Place"


def test_a_quoted_title_case_phrase_is_a_work(build):
    body = "We updated ‘No More Blame Game’ and the ‘Care First’ idea, ‘ticking boxes’ aside."
    t = build(("a", body, [("Blame Game", "ORG")]))
    (work,) = t.entities
    assert (work.name, work.type) == ("No More Blame Game", "Work")


# -- types -------------------------------------------------------------------------------------
def test_the_gazetteer_fixes_places_whatever_the_model_said(build):
    body = ("Social workers in Cumbria, Knowsley, Westminster, Hackney and Gateshead. "
            "Inspectors failed in Haringey.")
    t = build(("a", body, [("Cumbria", "GPE"), ("Knowsley", "GPE"), ("Westminster", "GPE"),
                           ("Hackney", "PERSON"), ("Gateshead", "ORG"), ("Haringey", "ORG")]))
    assert {e.name: e.type for e in t.entities} == dict.fromkeys(
        ["Cumbria", "Knowsley", "Westminster", "Hackney", "Gateshead", "Haringey"], "Place")


def test_type_is_voted_across_mentions(build):
    body = "Ofsted said. Ofsted agreed. Ofsted’s work. A spokesman from Ofsted said."
    arts, analyses = corpus(("a", body, [("Ofsted", "ORG")]))
    an = analyses["a"]
    ents = [(s, e, "PERSON" if i == 1 else lab) for i, (s, e, lab) in enumerate(an.ents)]
    analyses["a"] = Analysis(an.text_hash, an.title_len, an.sents, ents, an.tokens)
    t = build_entities(arts, analyses, None)
    (e,) = t.entities
    assert (e.type, e.count) == ("Organisation", 4)


@pytest.mark.parametrize("name, typed", [
    ("Team GB", "Organisation"), ("Neath RFC", "Organisation"), ("GB", "Organisation"),
    ("Richard III", "Person"),  # a regnal number
])
def test_a_name_ending_in_an_initialism_is_no_person(build, name, typed):
    t = build(("a", f"{name} won. Later {name} said more.", [(name, "PERSON")]))
    (e,) = t.entities
    assert (e.name, e.type) == (name, typed)


# -- merging -----------------------------------------------------------------------------------
def test_surname_merges_into_the_full_name(build):
    t = build(("a", "Michael Gove spoke. Later Gove said more.", [("Michael Gove", "PERSON"),
                                                                  ("Gove", "PERSON")]),
              ("b", "Gove was asked again.", [("Gove", "PERSON")]))
    (gove,) = t.entities
    assert (gove.id, gove.name) == ("person:michael-gove", "Michael Gove")
    assert "Gove" in gove.aliases
    assert gove.count == 3 and gove.docs == ["a", "b"]


def test_an_ambiguous_surname_is_resolved_per_article_or_left_alone(build):
    t = build(("a", "John Smith spoke. Smith said no.", [("John Smith", "PERSON"),
                                                         ("Smith", "PERSON")]),
              ("b", "Jane Smith spoke. Smith said yes.", [("Jane Smith", "PERSON"),
                                                          ("Smith", "PERSON")]),
              ("c", "Smith was not there.", [("Smith", "PERSON")]))
    assert t.get("person:john-smith").docs == ["a"] and t.get("person:john-smith").count == 2
    assert t.get("person:jane-smith").docs == ["b"] and t.get("person:jane-smith").count == 2
    assert t.get("person:smith").docs == ["c"]  # which Smith? not guessed


def test_a_surname_of_a_place_typed_name_is_not_merged(build):
    t = build(("a", "Anna Hackney met staff in Hackney.", [("Anna Hackney", "PERSON"),
                                                          ("Hackney", "GPE")]))
    assert t.find("Hackney").type == "Place"
    assert t.get("person:anna-hackney").count == 1


def test_acronym_defined_in_the_text_merges_with_its_expansion(build):
    body = ("The Local Government Association (LGA) is sceptical. A LGA spokeswoman said no.")
    t = build(("a", body, [("The Local Government Association", "ORG"), ("LGA", "ORG")]))
    (lga,) = t.entities
    assert lga.id == "organisation:local-government-association"
    assert lga.aliases == ("LGA",) and lga.count == 3


def test_acronym_merges_by_initials_when_only_one_name_fits(build):
    """...and the two meet in some article (the evidence that the corpus means it)."""
    t = build(("a", "The London School of Economics hired her. The LSE said so.",
               [("London School of Economics", "ORG"), ("LSE", "ORG")]),
              ("b", "An LSE study found it.", [("LSE", "ORG")]))
    (lse,) = t.entities
    assert lse.name == "London School of Economics" and lse.docs == ["a", "b"]
    apart = build(("a", "The London School of Economics hired her.",
                   [("London School of Economics", "ORG")]),
                  ("b", "An LSE study found it.", [("LSE", "ORG")]))
    assert names(apart) == {"London School of Economics", "LSE"}


def test_acronym_with_two_possible_expansions_is_left_alone(build):
    t = build(("a", "Local Government Association and London Gardens Agency met.",
               [("Local Government Association", "ORG"), ("London Gardens Agency", "ORG")]),
              ("b", "The LGA said.", [("LGA", "ORG")]))
    assert names(t) == {"Local Government Association", "London Gardens Agency", "LGA"}


def test_an_undefined_acronym_found_again_after_definition(build):
    body = "The Serious Case Panel (SCP) met. Later the SCP reported."
    t = build(("a", body, [("Serious Case Panel", "ORG")]))
    (scp,) = t.entities
    assert scp.name == "Serious Case Panel" and scp.count == 3


def test_an_organisation_short_form_merges_within_its_article(build):
    t = build(("a", "The Conservative Party Commission on Social Workers reported. Read the "
                    "Social Worker Commission report. The Conservative Party agreed.",
               [("The Conservative Party Commission on Social Workers", "ORG"),
                ("Social Worker Commission", "ORG"), ("The Conservative Party", "ORG")]),
              ("b", "The Social Worker Commission met.", [("Social Worker Commission", "ORG")]))
    commission = t.find("Conservative Party Commission on Social Workers")
    assert commission.aliases == ("Social Worker Commission",)
    assert commission.docs == ["a"] and commission.count == 2
    # Another article never named the long form: its short form is left alone.
    assert t.get("organisation:social-worker-commission").docs == ["b"]
    # A different head noun ("Party" vs "Commission") is never a short form.
    assert t.get("organisation:conservative-party").count == 1


def test_a_possessive_that_belongs_to_a_known_name_is_kept(build):
    body = "Barnardo's chief executive spoke, and Ofsted's inspectors listened."
    t = build(("a", body, [("Barnardo", "ORG"), ("Ofsted's", "ORG")]))
    assert names(t) == {"Barnardo's", "Ofsted"}


def test_case_variants_are_one_entity(build):
    t = build(("a", "The ContactPoint database.", [("ContactPoint", "ORG")]),
              ("b", "It is called Contactpoint here.", [("Contactpoint", "ORG")]))
    (cp,) = t.entities
    assert cp.name == "ContactPoint" and cp.aliases == ("Contactpoint",) and cp.count == 2


def test_titles_are_stripped_from_the_name_and_kept_as_aliases(build):
    body = ("Professor Eileen Munro published it. Professor Munro said more. "
            "Education Secretary Michael Gove agreed with Sir Martin Narey. "
            "Children’s minister Tim Loughton MP welcomed it.")
    t = build(("a", body, [("Eileen Munro", "PERSON"), ("Munro", "PERSON"),
                           ("Michael Gove", "PERSON"), ("Sir Martin Narey", "PERSON"),
                           ("Tim Loughton", "PERSON")]))
    munro = t.get("person:eileen-munro")
    assert {"Professor Eileen Munro", "Professor Munro", "Munro"} <= set(munro.aliases)
    assert [m.text for m in munro.mentions] == ["Eileen Munro", "Munro"]
    gove = t.get("person:michael-gove")
    assert "Education Secretary Michael Gove" in gove.aliases
    narey = t.get("person:martin-narey")
    assert narey.aliases == ("Sir Martin Narey",) and narey.mentions[0].text == "Martin Narey"
    loughton = t.get("person:tim-loughton")
    assert "Tim Loughton MP" in loughton.aliases
    assert t.find("Professor Eileen Munro") is munro
    assert t.find("Sir Martin Narey") is narey


def test_a_name_found_by_its_honorific(build):
    body = "The report was submitted to Lord Laming’s review. Lord Laming agreed."
    t = build(("a", body, []))
    (laming,) = t.entities
    assert (laming.name, laming.type) == ("Lord Laming", "Person")
    assert [m.text for m in laming.mentions] == ["Laming", "Laming"]


def test_known_names_are_found_where_the_model_missed_them(build):
    body = ("Ofsted inspects councils. Critics of Ofsted disagree. Baby Peter died. "
            "After the Baby P case, Tim Loughton spoke. Loughton said it again.")
    t = build(("a", body, [("Ofsted", "ORG"), ("Baby Peter", "PERSON"),
                           ("Tim Loughton", "PERSON")]))
    assert t.get("organisation:ofsted").count == 2
    baby = t.get("person:baby-peter")
    assert baby.aliases == ("Baby P",) and baby.count == 2
    assert t.get("person:tim-loughton").count == 2


# -- titles of articles ------------------------------------------------------------------------
def test_headline_mentions_are_title_mentions_and_help_find_names(build):
    t = build(("a", "Loughton said child protection must change.",
               [("Tim Loughton", "PERSON"), ("Loughton", "PERSON")],
               "Tim Loughton MP: Has child protection failed?"),
              ("b", "Nothing else here.", [("Ofsted", "ORG")], "Ofsted under fire"))
    lough = t.find("Tim Loughton")
    assert lough.name == "Tim Loughton"
    assert [(m.field, m.start, m.end) for m in lough.mentions] == [("title", 0, 12),
                                                                    ("body", 0, 8)]
    assert "Tim Loughton MP" in lough.aliases
    ofsted = t.find("Ofsted")  # only in a headline: an entity all the same
    assert [(m.field, m.start, m.end) for m in ofsted.mentions] == [("title", 0, 6)]


# -- the table ---------------------------------------------------------------------------------
@pytest.fixture
def table(build):
    return build(
        ("a", "Michael Gove met Ofsted. Ofsted inspects Haringey. Ed Balls disagreed.",
         [("Michael Gove", "PERSON"), ("Ofsted", "ORG"), ("Haringey", "GPE"),
          ("Ed Balls", "PERSON")]),
        ("b", "Ofsted and Michael Gove again. Then Haringey.",
         [("Ofsted", "ORG"), ("Michael Gove", "PERSON"), ("Haringey", "GPE")]),
    )


def test_entities_are_sorted_by_count_and_serialise(table):
    assert [e.name for e in table.entities] == ["Ofsted", "Haringey", "Michael Gove",
                                                "Ed Balls"]
    js = table.get("person:michael-gove").to_json()
    assert set(js) == {"id", "name", "type", "aliases", "count", "docs", "mentions", "hidden"}
    assert js["count"] == 2 and js["docs"] == ["a", "b"]
    assert js["mentions"][0] == {"doc": "a", "start": 0, "end": 12, "text": "Michael Gove"}
    json.dumps([e.to_json() for e in table.entities])


def test_lookups(table):
    assert {e.name for e in table.for_doc("b")} == {"Ofsted", "Michael Gove", "Haringey"}
    assert [e.name for e in table.of_type("Person")] == ["Michael Gove", "Ed Balls"]
    assert table.find("michael gove").id == "person:michael-gove"
    assert table.find("Nobody") is None
    with pytest.raises(NotFound):
        table.get("person:nobody")
    pairs = table.doc_mentions("a")
    assert [m.start for m, _ in pairs] == sorted(m.start for m, _ in pairs)
    assert [e.name for _, e in pairs][:2] == ["Michael Gove", "Ofsted"]


def test_hidden_entities_are_left_out_of_lookups(table):
    hidden = table.with_edits([{"op": "hide", "entity": "organisation:ofsted"}])
    assert "Ofsted" not in {e.name for e in hidden.for_doc("a")}
    assert "Ofsted" in {e.name for e in hidden.for_doc("a", include_hidden=True)}
    assert hidden.get("organisation:ofsted").hidden
    assert all(r.entity.name != "Ofsted" for r in hidden.related("person:michael-gove"))


def test_related_weights_sentences_above_articles(table):
    rel = table.related("person:michael-gove")
    by_name = {r.entity.name: r for r in rel}
    # Ofsted: same sentence in a and b (2 x 3) + 2 shared articles = 8.
    assert by_name["Ofsted"].score == 8
    # Haringey: never in Gove's sentences, 2 shared articles.
    assert by_name["Haringey"].score == 2
    assert by_name["Ed Balls"].score == 1
    assert rel[0].entity.name == "Ofsted"
    ev = by_name["Ofsted"].evidence
    assert ev == [Evidence("a", 0, 24), Evidence("b", 0, 30)]
    assert by_name["Haringey"].evidence[0].doc in ("a", "b")
    assert table.related("person:michael-gove", limit=1)[0].entity.name == "Ofsted"


def test_evidence_sentences_contain_both_entities(build):
    bodies = {"a": "Gove met Ofsted.\n\nThen Ofsted left. Michael Gove stayed with Ofsted."}
    t = build(("a", bodies["a"], [("Michael Gove", "PERSON"), ("Gove", "PERSON"),
                                   ("Ofsted", "ORG")]))
    (rel,) = t.related("person:michael-gove")
    for ev in rel.evidence:
        sentence = bodies["a"][ev.start:ev.end]
        assert "Ofsted" in sentence and "Gove" in sentence
    assert rel.score == 2 * 3 + 1


def test_cache_round_trip_without_nlp(table):
    data = through_file(table.to_cache())
    again = EntityTable.from_cache(data)
    assert [e.to_json() for e in again.entities] == [e.to_json() for e in table.entities]
    assert again.fingerprint == table.fingerprint
    assert again.related("person:michael-gove") == table.related("person:michael-gove")
    edits = [{"op": "rename", "entity": "person:michael-gove", "name": "M. Gove"}]
    assert EntityTable.from_cache(data, edits).get("person:michael-gove").name == "M. Gove"


@pytest.mark.parametrize("bad", [{}, {"format": 999}, {"format": 1, "entities": [{}],
                                                         "sentences": {}}])
def test_a_bad_cache_raises_value_error(bad):
    with pytest.raises(ValueError):
        EntityTable.from_cache(bad)
