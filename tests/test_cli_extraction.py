"""CLI over the extraction layer on the bundled corpus: entities, corrections, notes.

The bundled corpus is indexed with the real spaCy model once per module; each test works on
its own copy of that data dir.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli import main

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.spacy


@pytest.fixture
def data(indexed_data):
    return indexed_data


def run_json(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def by_name(entities):
    return {e["name"]: e for e in entities}


def body_of(capsys, doc):
    return run_json(capsys, "show", doc, "--json")["body"]


def test_second_index_runs_no_nlp_and_never_imports_spacy(data):
    code = ("import json, sys; from reader.cli import main\n"
            "main(['index', '--json']); main(['entities', '--json'])\n"
            "main(['search', 'entity:\"Michael Gove\"', '--json'])\n"
            "print('SPACY', 'spacy' in sys.modules, file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, env={**os.environ, "READER_DATA_DIR": str(data)}, timeout=120)
    assert out.returncode == 0, out.stderr
    assert '"analysed": 0' in out.stdout and '"unchanged": 5' in out.stdout
    assert "SPACY False" in out.stderr


def test_entities_json_shape_sorted_and_offsets_exact(data, capsys):
    ents = run_json(capsys, "entities", "--json")
    assert ents, "no entities extracted"
    keys = {"id", "name", "type", "aliases", "count", "docs", "mentions"}
    assert all(keys <= set(e) for e in ents)
    counts = [e["count"] for e in ents]
    assert counts == sorted(counts, reverse=True)
    shown = {}
    for e in ents:
        assert e["count"] == len(e["mentions"])
        for m in e["mentions"]:
            if m["doc"] not in shown:
                shown[m["doc"]] = run_json(capsys, "show", m["doc"], "--json")
            text = shown[m["doc"]][m.get("field", "body")]  # "title": a headline mention
            assert text[m["start"]:m["end"]] == m["text"]


def test_entities_filters(data, capsys):
    people = run_json(capsys, "entities", "--type", "person", "--json")
    assert people and all(e["type"] == "Person" for e in people)
    doc = "002_0a43d322f62b6ccb"
    in_doc = run_json(capsys, "entities", "--doc", doc, "--json")
    assert in_doc and all(m["doc"] == doc for e in in_doc for m in e["mentions"])
    assert main(["entities", "--type", "spaceship"]) == 2
    assert "Unknown entity type" in capsys.readouterr().err


def test_gove_is_one_person_with_aliases(data, capsys):
    gove = by_name(run_json(capsys, "entities", "--json"))["Michael Gove"]
    assert gove["type"] == "Person" and "Gove" in gove["aliases"]
    assert len(gove["docs"]) >= 3


def test_search_filters_by_entity(data, capsys):
    gove = by_name(run_json(capsys, "entities", "--json"))["Michael Gove"]
    res = run_json(capsys, "search", 'entity:"Michael Gove"', "--json")
    assert sorted(h["id"] for h in res["hits"]) == gove["docs"]


def test_related_json(data, capsys):
    res = run_json(capsys, "entities", "related", "Gove", "--json")
    assert res["entity"]["name"] == "Michael Gove"
    assert res["related"] and all(r["evidence"] for r in res["related"])
    scores = [r["score"] for r in res["related"]]
    assert scores == sorted(scores, reverse=True)
    first = res["related"][0]["evidence"][0]
    assert first["sentence"] == body_of(capsys, first["doc"])[first["start"]:first["end"]]


def test_merge_moves_mentions_survives_rebuild_and_undo(data, capsys):
    before = by_name(run_json(capsys, "entities", "--json"))
    ofsted, dfe = before["Ofsted"], before["Department for Education"]
    assert main(["entities", "merge", "Ofsted", "Department for Education"]) == 0
    capsys.readouterr()
    after = by_name(run_json(capsys, "entities", "--json"))
    assert "Ofsted" not in after
    merged = after["Department for Education"]
    assert merged["count"] == ofsted["count"] + dfe["count"]
    assert "Ofsted" in merged["aliases"]
    hits = run_json(capsys, "search", 'entity:"Department for Education"', "--json")["hits"]
    assert set(ofsted["docs"]) <= {h["id"] for h in hits}
    # A full rebuild re-extracts from the cache; the correction is re-applied.
    run_json(capsys, "index", "--rebuild", "--json")
    assert "Ofsted" not in by_name(run_json(capsys, "entities", "--json"))
    assert main(["entities", "undo"]) == 0
    assert "Undone: merge" in capsys.readouterr().out
    assert by_name(run_json(capsys, "entities", "--json"))["Ofsted"]["count"] == ofsted["count"]
    assert main(["entities", "undo"]) == 0
    assert "Nothing to undo" in capsys.readouterr().out


def test_rename_retype_hide_unhide_split(data, capsys):
    assert main(["entities", "rename", "Gove", "Michael Andrew Gove"]) == 0
    assert main(["entities", "retype", "ContactPoint", "Work"]) == 0
    assert main(["entities", "hide", "Ed Balls"]) == 0
    capsys.readouterr()
    ents = by_name(run_json(capsys, "entities", "--json"))
    assert "Michael Andrew Gove" in ents and "Michael Gove" not in ents
    assert ents["Michael Andrew Gove"]["id"] == "person:michael-gove"  # ids are stable
    assert ents["ContactPoint"]["type"] == "Work"
    assert "Ed Balls" not in ents
    assert "Ed Balls" in by_name(run_json(capsys, "entities", "--all", "--json"))
    assert main(["entities", "unhide", "Ed Balls"]) == 0
    assert main(["entities", "split", "Michael Andrew Gove", "Gove"]) == 0
    capsys.readouterr()
    ents = by_name(run_json(capsys, "entities", "--json"))
    assert "Ed Balls" in ents and "Gove" in ents
    assert "Gove" not in ents["Michael Andrew Gove"]["aliases"]


def test_edit_errors_are_clear(data, capsys):
    assert main(["entities", "merge", "Nobody At All", "Ofsted"]) == 2
    assert "No entity called 'Nobody At All'" in capsys.readouterr().err
    assert main(["entities", "merge", "Ofsted", "Ofsted"]) == 2
    assert "itself" in capsys.readouterr().err
    assert main(["entities", "retype", "Ofsted", "Spaceship"]) == 2
    assert "Unknown entity type" in capsys.readouterr().err


# -- notes -------------------------------------------------------------------------------

DOC = "002_0a43d322f62b6ccb"


def test_notes_add_list_export_import_round_trip(data, capsys, tmp_path):
    note = run_json(capsys, "notes", "add", "--doc", DOC, "--quote",
                    "Councils will be handed powers", "--text", "Key *claim*", "--tag",
                    "outsourcing", "--json")
    body = body_of(capsys, DOC)
    assert body[note["start"]:note["end"]] == "Councils will be handed powers"
    run_json(capsys, "notes", "add", "--doc", DOC, "--text", "Whole-article note", "--json")
    listed = run_json(capsys, "notes", "list", "--doc", DOC, "--json")
    assert [n["text"] for n in listed] == ["Key *claim*", "Whole-article note"]
    assert run_json(capsys, "notes", "list", "--tag", "outsourcing", "--json")[0]["id"] == \
        note["id"]
    assert main(["notes", "export", "--format", "md"]) == 0
    md = capsys.readouterr().out
    assert "> Councils will be handed powers" in md and "Joe Lepper" in md and "2014-04-17" in md
    out = tmp_path / "notes.json"
    assert main(["notes", "export", "--format", "json", "-o", str(out)]) == 0
    exported = json.loads(out.read_text())
    assert exported["type"] == "AnnotationCollection" and exported["total"] == 2
    res = run_json(capsys, "notes", "import", str(out), "--json")
    assert res["added"] == 0 and res["unchanged"] == 2
    assert len(run_json(capsys, "notes", "list", "--json")) == 2


def test_notes_import_into_empty_library(data, capsys, tmp_path):
    run_json(capsys, "notes", "add", "--doc", DOC, "--quote", "sceptical", "--text", "LGA",
             "--json")
    out = tmp_path / "n.json"
    main(["notes", "export", "--format", "json", "-o", str(out)])
    other = tmp_path / "other"
    shutil.copytree(data, other, ignore=shutil.ignore_patterns("reader.sqlite3*", "backups"))
    res = run_json(capsys, "notes", "import", str(out), "--data-dir", str(other), "--json")
    assert res["added"] == 1
    again = run_json(capsys, "notes", "list", "--data-dir", str(other), "--json")
    assert again[0]["quote"] == "sceptical" and again[0]["start"] is not None


def test_notes_errors(data, capsys, tmp_path):
    assert main(["notes", "add", "--doc", DOC, "--quote", "words not in the article",
                 "--text", "x"]) == 2
    assert "quote was not found" in capsys.readouterr().err
    assert main(["notes", "add", "--doc", "nope", "--text", "x"]) == 2
    assert "No article" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["notes", "import", str(bad)]) == 2
    assert "not a notes export" in capsys.readouterr().err
    assert main(["notes", "import", str(tmp_path / "missing.json")]) == 2
    assert "Cannot read" in capsys.readouterr().err


# -- policies ----------------------------------------------------------------------------


def test_policies_json_shape_and_outsourcing_timeline(data, capsys):
    pols = {p["id"]: p for p in run_json(capsys, "policies", "--json")}
    keys = {"id", "label", "description", "docs", "first_date", "last_date", "mentions"}
    assert pols and all(keys <= set(p) for p in pols.values())
    out = pols["outsourcing"]
    assert out["first_date"] == "2013-11-13" and out["last_date"] == "2014-04-17"
    bodies = {}
    for m in out["mentions"]:
        assert {"doc", "start", "end", "text", "actor", "stance"} <= set(m)
        bodies.setdefault(m["doc"], body_of(capsys, m["doc"]))
        assert bodies[m["doc"]][m["start"]:m["end"]] == m["text"]
    lga = [m for m in out["mentions"] if m["actor"] == "organisation:local-government-association"]
    assert lga and {m["stance"] for m in lga} == {"sceptical"}
    shown = run_json(capsys, "policies", "show", "outsourcing", "--json")
    dates = [m["date"] for m in shown["timeline"]]
    assert dates == sorted(dates) and shown["undated"]  # the undated Conservative proposal


def test_search_filters_by_policy(data, capsys):
    pol = {p["id"]: p for p in run_json(capsys, "policies", "--json")}["outsourcing"]
    hits = run_json(capsys, "search", "policy:outsourcing", "--json")["hits"]
    assert sorted(h["id"] for h in hits) == sorted(pol["docs"])


def test_user_policy_from_a_proposal_survives_rebuild(data, capsys):
    proposals = run_json(capsys, "policies", "proposals", "--json")
    assert proposals and all({"doc", "start", "end", "text", "cue"} <= set(p) for p in proposals)
    target = next(p for p in proposals if p["cue"] == "wants to")
    added = run_json(capsys, "policies", "add", "Reform the approach", "--pattern",
                     "reform the current ... approach", "--json")
    assert added["docs"] == [target["doc"]]
    assert target["text"] not in {p["text"] for p in run_json(capsys, "policies", "proposals",
                                                               "--json")}
    run_json(capsys, "index", "--rebuild", "--json")
    ids = {p["id"] for p in run_json(capsys, "policies", "--json")}
    assert added["id"] in ids
    hits = run_json(capsys, "search", f"policy:{added['id']}", "--json")["hits"]
    assert [h["id"] for h in hits] == [target["doc"]]
    assert main(["policies", "remove", added["id"]]) == 0
    capsys.readouterr()
    assert added["id"] not in {p["id"] for p in run_json(capsys, "policies", "--json")}


def test_policy_errors(data, capsys):
    assert main(["policies", "add", "Broken", "--pattern", "("]) == 2
    assert "pattern" in capsys.readouterr().err
    assert main(["policies", "remove", "outsourcing"]) == 2
    assert "codebook" in capsys.readouterr().err
    assert main(["policies", "show", "no-such-policy"]) == 2
    assert "No policy" in capsys.readouterr().err


def test_show_gives_the_headline_and_body_mentions(data, capsys):
    """`reader show` lists the article's entities, each mention in the title or the body."""
    doc = "000_683c173d2dad4951"  # "Failing councils should outsource ..., say Tories"
    shown = run_json(capsys, "show", doc, "--json")
    tories = by_name(shown["entities"])["Conservative Party"]
    heads = [m for m in tories["mentions"] if m.get("field") == "title"]
    assert [shown["title"][m["start"]:m["end"]] for m in heads] == ["Tories"]
    body = [m for m in tories["mentions"] if "field" not in m]
    assert body and all(shown["body"][m["start"]:m["end"]] == m["text"] for m in body)
    assert main(["show", doc]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("  Conservative Party"))
    assert f"{len(heads) + len(body)} mentions, 1 in the title: title {heads[0]['start']}-" \
           f"{heads[0]['end']}, body {body[0]['start']}-{body[0]['end']}" in line


def test_bulk_merge_and_hide_are_one_undo_step(data, capsys):
    before = by_name(run_json(capsys, "entities", "--json"))
    people = sorted((e for e in before.values() if e["type"] == "Person"),
                    key=lambda e: -e["count"])
    target, a, b = people[0]["name"], people[1]["name"], people[2]["name"]
    assert main(["entities", "merge", target, a, b, "--into", target]) == 0
    assert f"merged 2 entities into {target} (one edit)" in capsys.readouterr().out
    merged = by_name(run_json(capsys, "entities", "--json"))
    assert a not in merged and b not in merged
    assert merged[target]["count"] == sum(before[n]["count"] for n in (target, a, b))
    assert main(["entities", "undo"]) == 0
    assert "Undone: 2 edits in one (merge)" in capsys.readouterr().out
    assert by_name(run_json(capsys, "entities", "--json")) == before

    rare = [n for n, e in before.items() if e["count"] < 2]
    kind = next(e["type"] for e in sorted(before.values(), key=lambda e: -e["count"])
                if e["type"] != "Person")
    dates = [n for n, e in before.items() if e["type"] == kind and e["count"] >= 2]
    assert rare and dates
    assert main(["entities", "hide", "--below", "2"]) == 0
    assert f"hid {len(rare)} entities (one edit)" in capsys.readouterr().out
    assert main(["entities", "hide", "--type", kind.lower()]) == 0
    capsys.readouterr()
    left = by_name(run_json(capsys, "entities", "--json"))
    assert not set(rare) & set(left) and not set(dates) & set(left)
    hidden = by_name(run_json(capsys, "entities", "--all", "--json"))
    assert all(hidden[n]["hidden"] for n in rare)
    assert main(["entities", "unhide", rare[0], dates[0]]) == 0
    capsys.readouterr()
    assert {rare[0], dates[0]} <= set(by_name(run_json(capsys, "entities", "--json")))
    for _ in range(3):
        assert main(["entities", "undo"]) == 0
    capsys.readouterr()
    assert by_name(run_json(capsys, "entities", "--json")) == before


def test_bulk_edit_errors_are_clear(data, capsys):
    assert main(["entities", "merge", "Ofsted", "Gove", "Ed Balls"]) == 2
    assert "--into" in capsys.readouterr().err
    assert main(["entities", "merge", "Ofsted", "--into", "Ofsted"]) == 2
    assert "Nothing to merge" in capsys.readouterr().err
    assert main(["entities", "hide"]) == 2
    assert "Say which entities" in capsys.readouterr().err
    assert main(["entities", "hide", "Ofsted", "--below", "3"]) == 2
    assert "not both" in capsys.readouterr().err
    assert main(["entities", "hide", "--below", "0"]) == 2
    assert "at least 1" in capsys.readouterr().err
    assert main(["entities", "hide", "--type", "Spaceship"]) == 2
    assert "Unknown entity type" in capsys.readouterr().err
    assert main(["entities", "hide", "Ofsted", "Nobody At All"]) == 2
    assert "Nobody At All" in capsys.readouterr().err
    assert run_json(capsys, "entities", "--all", "--json") == run_json(
        capsys, "entities", "--json")  # nothing was hidden
