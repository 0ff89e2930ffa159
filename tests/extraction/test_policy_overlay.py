"""The policy overlay: promote, import, remove, rename, merge, hide as a pure function."""

from __future__ import annotations

import pytest

from reader.domain import Policy, PolicyMention
from reader.errors import BadInput
from reader.extraction.policies import dump_codebook, load_codebook
from reader.extraction.policies.overlay import (
    apply_definitions,
    apply_presentation,
    candidate_patterns,
    validate_policy_edit,
)

from .policy_fakes import policy_entry


def mention(doc: str, start: int, date: str = "") -> PolicyMention:
    return PolicyMention(doc, start, start + 5, "words", None, "unknown", date)


BOOK = [policy_entry("outsourcing", "outsource"), policy_entry("care-first", "Care First")]
CAND = Policy("discovered-id-card", "ID cards", "", [mention("a", 0), mention("b", 10)],
              discovered=True, variants=["identity cards", "id card", "£ ..."])


def test_definitions_promote_import_and_remove_in_order():
    promote = {"op": "promote", "candidate": CAND.id, "id": "user-id-cards",
               "label": "ID cards", "patterns": candidate_patterns(CAND)}
    imported = {"op": "import", "policies": [policy_entry("outsourcing", "contract out"),
                                             policy_entry("new-one", "new thing")]}
    defs = apply_definitions(BOOK, [], [promote, imported])
    assert [p["id"] for p in defs.book] == ["outsourcing", "care-first"]
    assert defs.book[0]["patterns"] == ["contract out"]  # replaced in place
    assert [p["id"] for p in defs.users] == ["user-id-cards", "new-one"]
    assert defs.promoted == {CAND.id: "user-id-cards"}
    defs = apply_definitions(BOOK, [], [promote, {"op": "remove", "policy": "user-id-cards"},
                                        {"op": "remove", "policy": "outsourcing"}])
    assert defs.users == [] and defs.promoted == {}
    assert len(defs.skipped) == 1 and "outsourcing" in defs.skipped[0]  # not the user's


def test_candidate_patterns_are_its_phrasings_the_language_can_read():
    assert candidate_patterns(CAND) == ["id cards", "identity cards", "id card"]


def test_presentation_merge_rename_hide_and_redirects():
    a = Policy("outsourcing", "Outsourcing", "", [mention("a", 0, "2005-01-02")])
    b = Policy("care-first", "Care First", "", [mention("a", 0, "2005-01-02"),
                                                 mention("c", 3, "2004-12-01")])
    edits = [{"op": "merge", "source": "care-first", "target": "outsourcing"},
             {"op": "rename", "policy": "care-first", "label": "Contracting out"},
             {"op": "hide", "policy": CAND.id},
             {"op": "hide", "policy": "gone"}]
    shown = apply_presentation([a, b], [CAND], edits)
    (pol,), (cand,) = shown.policies, shown.candidates
    assert (pol.id, pol.label) == ("outsourcing", "Contracting out")  # through the redirect
    assert [(m.doc, m.start) for m in pol.mentions] == [("c", 3), ("a", 0)]  # one per sentence
    assert shown.redirects == {"care-first": "outsourcing"}
    assert [p.id for p in shown.merged["outsourcing"]] == ["care-first"]
    assert cand.hidden and not pol.hidden
    assert len(shown.skipped) == 1 and "gone" in shown.skipped[0]
    unhidden = apply_presentation([a, b], [CAND], [*edits, {"op": "unhide", "policy": CAND.id}])
    assert not unhidden.candidates[0].hidden


def test_a_promoted_candidate_leaves_the_candidates_and_redirects():
    pol = Policy("user-id-cards", "ID cards", "", [mention("a", 0)], user=True)
    shown = apply_presentation([pol], [CAND], [], {CAND.id: "user-id-cards"})
    assert shown.candidates == [] and shown.redirects == {CAND.id: "user-id-cards"}


@pytest.mark.parametrize("edit, message", [
    ({"op": "explode"}, "Unknown policy edit op"),
    ({"op": "rename", "policy": "x"}, "needs a non-empty 'label'"),
    ({"op": "import", "policies": []}, "non-empty list 'policies'"),
    ("hide", "must be a mapping"),
])
def test_malformed_edits_are_refused(edit, message):
    with pytest.raises(BadInput, match=message):
        validate_policy_edit(edit)


def test_dump_codebook_round_trips(tmp_path):
    entries = [dict(policy_entry("q", 'say "no"', "a\\b", unless=("not it",)),
                    label="Quotes “curly” and \\ back", description="Line\nbreak")]
    path = tmp_path / "book.toml"
    path.write_text(dump_codebook(entries, "title"), encoding="utf-8")
    assert load_codebook(path) == entries


def test_split_moves_one_pattern_into_a_policy_of_its_own():
    book = [policy_entry("outsourcing", "outsource", "contract out", unless=("out of",))]
    split = {"op": "split", "policy": "outsourcing", "pattern": "contract out",
             "id": "user-contracting", "label": "Contracting"}
    defs = apply_definitions(book, [], [split])
    assert defs.book[0]["patterns"] == ["outsource"]
    assert defs.users == [{"id": "user-contracting", "label": "Contracting", "description": "",
                           "patterns": ["contract out"], "unless": ["out of"]}]
    again = apply_definitions(book, [], [split, dict(split, id="user-other")])
    assert len(again.users) == 1 and "besides others" in again.skipped[0]  # the last pattern
