"""User edits over extracted entities: each op, undo, stale edits, re-extraction."""

from __future__ import annotations

import logging

import pytest

from reader.domain import Entity, Mention
from reader.errors import BadInput
from reader.extraction.entities import build_entities
from reader.extraction.overlay import apply_edits, validate_edit

from .fakes import corpus

DOCS = (
    ("a", "Professor Eileen Munro wrote it. Professor Munro said more. Ofsted agreed.",
     [("Eileen Munro", "PERSON"), ("Munro", "PERSON"), ("Ofsted", "ORG")]),
    ("b", "Munro and Ofsted met Ed Balls. The LGA and Ofsted spoke.",
     [("Munro", "PERSON"), ("Ofsted", "ORG"), ("Ed Balls", "PERSON"), ("LGA", "ORG")]),
)


@pytest.fixture
def table(resources_dir):
    arts, analyses = corpus(*DOCS)
    return build_entities(arts, analyses, resources_dir)


def test_merge_moves_mentions_and_names_and_redirects_the_old_id(table):
    t = table.with_edits([{"op": "merge", "source": "organisation:lga",
                           "target": "organisation:ofsted"}])
    ofsted = t.get("organisation:ofsted")
    assert ofsted.count == table.get("organisation:ofsted").count + 1
    assert "LGA" in ofsted.aliases
    assert t.get("organisation:lga") is ofsted  # the old id still leads somewhere
    assert all(e.id != "organisation:lga" for e in t.entities)
    assert list(ofsted.mentions) == sorted(ofsted.mentions, key=lambda m: (m.doc, m.start))


def test_rename_keeps_the_id_and_the_old_name_as_alias(table):
    t = table.with_edits([{"op": "rename", "entity": "person:ed-balls", "name": "Edward Balls"}])
    e = t.get("person:ed-balls")
    assert e.name == "Edward Balls" and "Ed Balls" in e.aliases
    assert t.find("Ed Balls") is e and t.find("Edward Balls") is e


def test_retype(table):
    t = table.with_edits([{"op": "retype", "entity": "organisation:lga", "type": "place"}])
    assert t.get("organisation:lga").type == "Place"
    assert [e.name for e in t.of_type("Place")] == ["LGA"]


def test_hide_and_unhide(table):
    t = table.with_edits([{"op": "hide", "entity": "person:ed-balls"}])
    assert t.get("person:ed-balls").hidden
    assert "Ed Balls" not in {e.name for e in t.select()}
    t = table.with_edits([{"op": "hide", "entity": "person:ed-balls"},
                          {"op": "unhide", "entity": "person:ed-balls"}])
    assert not t.get("person:ed-balls").hidden


def test_split_takes_an_alias_out_with_its_mentions(table):
    munro = table.get("person:eileen-munro")
    assert munro.count == 3
    t = table.with_edits([{"op": "split", "entity": "person:eileen-munro", "alias": "Munro"}])
    left, new = t.get("person:eileen-munro"), t.get("person:munro")
    assert [m.text for m in left.mentions] == ["Eileen Munro"]
    assert [m.text for m in new.mentions] == ["Munro", "Munro"]
    assert new.type == "Person" and new.name == "Munro"
    assert "Munro" not in left.aliases and "Professor Munro" not in left.aliases
    assert "Professor Munro" in new.aliases
    assert "Professor Eileen Munro" in left.aliases


def test_split_by_a_titled_form_moves_only_those_mentions(table):
    t = table.with_edits([{"op": "split", "entity": "person:eileen-munro",
                           "alias": "Professor Munro"}])
    new = t.find("Professor Munro")
    assert new.id == "person:professor-munro"
    assert [(m.doc, m.text) for m in new.mentions] == [("a", "Munro")]
    assert t.get("person:eileen-munro").count == 2
    assert "Munro" in t.get("person:eileen-munro").aliases  # still used in doc b


def test_undo_is_the_list_minus_its_last_edit(table):
    edits = [
        {"op": "rename", "entity": "person:ed-balls", "name": "Edward Balls"},
        {"op": "merge", "source": "organisation:lga", "target": "organisation:ofsted"},
        {"op": "split", "entity": "person:eileen-munro", "alias": "Munro"},
        {"op": "hide", "entity": "organisation:ofsted"},
    ]
    states = [table.with_edits(edits[:n]) for n in range(len(edits) + 1)]
    for n in range(1, len(edits) + 1):
        undone = states[n].with_edits(edits[:n - 1])
        assert [e.to_json() for e in undone.entities] == \
            [e.to_json() for e in states[n - 1].entities]
    assert [e.to_json() for e in states[0].entities] == [e.to_json() for e in table.entities]


def test_edits_accept_names_and_aliases(table):
    t = table.with_edits([{"op": "merge", "source": "LGA", "target": "Ofsted"},
                          {"op": "hide", "entity": "Professor Eileen Munro"}])
    assert t.get("organisation:ofsted").count == 4  # 3 + the LGA mention
    assert t.get("person:eileen-munro").hidden


def test_an_edit_whose_entity_is_gone_is_skipped_with_a_log_line(table, caplog):
    edits = [{"op": "hide", "entity": "person:nobody"},
             {"op": "merge", "source": "person:ed-balls", "target": "organisation:gone"},
             {"op": "frobnicate", "entity": "x"},
             {"op": "retype", "entity": "person:ed-balls", "type": "Colour"},
             {"op": "hide", "entity": "person:ed-balls"}]
    with caplog.at_level(logging.INFO, logger="reader.extraction.overlay"):
        t = table.with_edits(edits)
    assert len(t.skipped) == 4
    assert "person:nobody" in caplog.text and "frobnicate" in caplog.text
    assert t.get("person:ed-balls").hidden  # later edits still apply


def test_edits_apply_to_a_merged_away_id(table):
    t = table.with_edits([{"op": "merge", "source": "organisation:lga",
                           "target": "organisation:ofsted"},
                          {"op": "rename", "entity": "organisation:lga", "name": "OFSTED"}])
    assert t.get("organisation:ofsted").name == "OFSTED"


def test_edits_survive_re_extraction(resources_dir):
    # First the corpus only says "Gove"; later an article gives his full name, which
    # changes the entity's id. The stored edits still find it through its aliases.
    first = corpus(("a", "Gove spoke to Ofsted.", [("Gove", "PERSON"), ("Ofsted", "ORG")]))
    edits = [{"op": "rename", "entity": "person:gove", "name": "Mr Gove"},
             {"op": "hide", "entity": "person:gove"}]
    t1 = build_entities(*first, resources_dir, edits)
    assert t1.get("person:gove").name == "Mr Gove" and t1.get("person:gove").hidden
    second = corpus(("a", "Gove spoke to Ofsted.", [("Gove", "PERSON"), ("Ofsted", "ORG")]),
                    ("b", "Michael Gove agreed.", [("Michael Gove", "PERSON")]))
    t2 = build_entities(*second, resources_dir, edits)
    gove = t2.get("person:michael-gove")
    assert gove.name == "Mr Gove" and gove.hidden and gove.count == 2
    assert t2.skipped == []


def test_apply_edits_does_not_touch_its_input():
    ent = Entity("person:x", "X", "Person", (), (Mention("a", 0, 1, "X"),))
    out, redirects, skipped = apply_edits([ent], [{"op": "rename", "entity": "person:x",
                                                   "name": "Y"}])
    assert ent.name == "X" and out[0].name == "Y" and redirects == {} and skipped == []


@pytest.mark.parametrize("edit, message", [
    ({"op": "merge", "source": "a"}, "needs a non-empty 'target'"),
    ({"op": "nope"}, "Unknown entity edit op"),
    ({"op": "retype", "entity": "a", "type": "Colour"}, "Unknown entity type"),
    ({"op": "rename", "entity": "a", "name": "  "}, "non-empty 'name'"),
    ("merge", "must be a mapping"),
])
def test_validate_edit_explains_what_is_wrong(edit, message):
    with pytest.raises(BadInput, match=message):
        validate_edit(edit)


def test_validate_edit_normalises():
    assert validate_edit({"op": "retype", "entity": " person:x ", "type": "place",
                          "extra": 1}) == {"op": "retype", "entity": "person:x",
                                           "type": "Place"}


@pytest.mark.parametrize("spelling, type_", [
    ("org", "Organisation"), ("ORGANIZATION", "Organisation"), ("organisation", "Organisation"),
    ("gpe", "Place"), ("Location", "Place"), ("people", "Person"), ("work", "Work"),
])
def test_retype_takes_the_type_aliases_the_listing_takes(spelling, type_):
    from reader.extraction.lexicon import entity_type

    assert entity_type(spelling) == type_
    assert validate_edit({"op": "retype", "entity": "x", "type": spelling})["type"] == type_


# -- batches: several edits, one undo step -------------------------------------------------


def test_a_batch_applies_its_edits_in_order_and_undoes_as_one(table):
    batch = {"op": "batch", "edits": [
        {"op": "merge", "source": "organisation:lga", "target": "organisation:ofsted"},
        {"op": "hide", "entity": "person:ed-balls"}]}
    t = table.with_edits([batch])
    assert "LGA" in t.get("organisation:ofsted").aliases
    assert t.get("person:ed-balls").hidden
    undone = t.with_edits(t.edits[:-1])  # undo drops the last stored edit: the whole batch
    assert undone.get("organisation:lga").name == "LGA"
    assert not undone.get("person:ed-balls").hidden


def test_batch_validation_and_bad_stored_batches_are_skipped(table, caplog):
    assert validate_edit({"op": "batch", "edits": [{"op": "hide", "entity": " Ofsted "}]}) == {
        "op": "batch", "edits": [{"op": "hide", "entity": "Ofsted"}]}
    for bad in ({"op": "batch"}, {"op": "batch", "edits": []},
                {"op": "batch", "edits": [{"op": "hide"}]},
                {"op": "batch", "edits": [{"op": "batch", "edits": [{"op": "hide",
                                                                     "entity": "x"}]}]}):
        with pytest.raises(BadInput):
            validate_edit(bad)
    with caplog.at_level(logging.INFO):
        entities, _, skipped = apply_edits(table.entities, [
            {"op": "batch", "edits": "nope"},
            {"op": "batch", "edits": [{"op": "batch", "edits": [{"op": "hide",
                                                                 "entity": "organisation:lga"}]}]},
            {"op": "batch", "edits": [{"op": "hide", "entity": "nobody"},
                                      {"op": "hide", "entity": "organisation:lga"}]}])
    assert len(skipped) == 3
    assert next(e for e in entities if e.id == "organisation:lga").hidden
