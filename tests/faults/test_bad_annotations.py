"""A JSON notes import with hostile annotations: each bad one skipped or simplified and
reported, every good one imported, never a traceback."""

from __future__ import annotations

import json

import pytest

from reader.cli import main
from reader.errors import BadInput
from reader.notes import parse_annotations
from reader.store import Store


def _ann(n: int, **changes) -> dict:
    ann = {"type": "Annotation", "id": f"urn:uuid:00000000-0000-0000-0000-{n:012d}",
           "bodyValue": f"good note {n}", "created": "2024-01-02T03:04:05Z",
           "target": {"source": "doc1", "selector": [
               {"type": "TextQuoteSelector", "exact": "a passage"},
               {"type": "TextPositionSelector", "start": 10, "end": 19}]}}
    ann.update(changes)
    return ann


def _target(start, end) -> dict:
    return {"source": "doc1", "selector": [{"type": "TextQuoteSelector", "exact": "a passage"},
                                          {"type": "TextPositionSelector", "start": start,
                                           "end": end}]}


def _nested(depth: int) -> dict:
    deep: dict = {}
    for _ in range(depth):
        deep = {"a": deep}
    return deep


# name: (annotation, imported?, its problem line contains)
BAD = {
    "huge position": (_ann(1, target=_target(1, 10**30)), True, "position is out of range"),
    "position past SQLite": (_ann(2, target=_target(2**63, 2**64)), True, "out of range"),
    "date out of range": (_ann(3, created="9999-12-31T23:59:59-05:00"), True,
                          "is out of range; replaced"),
    "year one": (_ann(4, modified="0001-01-01T00:00:00+05:00"), True, "out of range"),
    "lone surrogate": (_ann(5, bodyValue="bad \ud800 text"), False, "lone surrogate"),
    "surrogate in tag": (_ann(6, body=[{"purpose": "tagging", "value": "t\udc00"}]), False,
                         "lone surrogate"),
    "deep nesting": (_ann(7, bodyValue=None, extra=_nested(900)), True, None),
    "wrong types": (_ann(8, id=8, target={"source": 7}), False, "names no article"),
    "bool positions": (_ann(9, target=_target(True, 9.5)), True, None),
    "types everywhere": (_ann(10, bodyValue=[1], body={"value": {"x": 1}, "purpose": {}},
                              created=5, modified=[1], type=["Annotation", 3]), True, None),
    "not an object": ("just a string", False, "not an Annotation"),
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_one_bad_annotation_never_stops_the_import(tmp_path, kind):
    bad, imported, problem = BAD[kind]
    text = json.dumps([_ann(100), bad, _ann(101)])
    notes, problems = parse_annotations(text)
    bodies = [n.body for n in notes]
    assert bodies[0] == "good note 100" and bodies[-1] == "good note 101"
    assert len(notes) == (3 if imported else 2)
    if problem:
        assert any(line.startswith("annotation 2: ") and problem in line for line in problems)
    else:
        assert problems == []
    with Store.open(tmp_path / "reader.sqlite3") as store:
        counts = store.import_notes(notes, problems)
        assert counts["added"] == len(notes)
        assert all(n.start is None or n.end <= 2**31 for n in store.list_notes())


def test_whole_file_too_deep_or_huge_number_is_one_message():
    with pytest.raises(BadInput, match="nested too deeply"):
        parse_annotations("[" * 100_000 + "]" * 100_000)
    with pytest.raises(BadInput, match="invalid JSON"):
        parse_annotations('[{"start": ' + "9" * 5000 + "}]")


def test_a_note_the_database_refuses_is_left_out_and_reported(tmp_path):
    notes, _ = parse_annotations(json.dumps([_ann(1), _ann(2), _ann(3)]))
    bad = notes[1].__class__(**{**notes[1].__dict__, "start": 2**70, "end": 2**71})
    problems: list[str] = []
    with Store.open(tmp_path / "reader.sqlite3") as store:
        counts = store.import_notes([notes[0], bad, notes[2]], problems)
        assert counts == {"added": 2, "updated": 0, "unchanged": 0}
        assert [n.body for n in store.list_notes()] == ["good note 1", "good note 3"]
    assert problems == [f"annotation {bad.uid}: cannot be saved (OverflowError) (skipped)"]


def test_cli_import_reports_each_bad_annotation(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("READER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("READER_CORPUS", raising=False)
    items = [_ann(100)] + [bad for bad, _, _ in BAD.values()] + [_ann(101)]
    path = tmp_path / "notes.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    assert main(["notes", "import", str(path)]) == 0
    out = capsys.readouterr()
    assert out.out.startswith(f"{2 + sum(ok for _, ok, _ in BAD.values())} added")
    assert "Traceback" not in out.err
    assert sum(1 for line in out.err.splitlines() if line.strip().startswith("annotation ")) \
        == sum(1 for _, _, problem in BAD.values() if problem)
