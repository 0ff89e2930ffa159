"""CSV exports: the CLI's `--csv` parsed back with the csv module (search results, entities
with counts, an entity's mentions, who proposed what), the file format (UTF-8 with a BOM,
CRLF) and formula injection."""

from __future__ import annotations

import csv
import io
import json

import pytest

from reader.cli import main
from reader.exports import BOM, Table, csv_text, read_csv, safe_cell


def test_cells_a_spreadsheet_would_run_as_formulas_get_an_apostrophe():
    table = Table("t", ("a", "b"), [("=HYPERLINK(\"http://x\")", "+44 20"), ("-1+2", "@SUM(A1)"),
                                    ("\tlead", "\rret"), ("plain = text", -5),
                                    ("Zoë €", None), (True, 2.5)])
    text = csv_text(table)
    assert text.startswith(BOM) and "\r\n" in text
    rows = read_csv(text)
    assert rows[0] == ["a", "b"]
    assert rows[1] == ["'=HYPERLINK(\"http://x\")", "'+44 20"]
    assert rows[2] == ["'-1+2", "'@SUM(A1)"]
    assert rows[3] == ["'\tlead", "'\rret"]
    assert rows[4] == ["plain = text", "-5"]  # numbers stay numbers
    assert rows[5] == ["Zoë €", ""]
    assert rows[6] == ["yes", "2.5"]
    assert safe_cell("ok") == "ok" and safe_cell(3) == 3
    assert not csv_text(table, bom=False).startswith(BOM)


@pytest.fixture
def data(indexed_data):
    return indexed_data


def run(capsys, *argv) -> str:
    code = main(list(argv))
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def rows_of(text: str) -> list[dict]:
    assert not text.startswith(BOM)  # to a pipe: no mark
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.spacy
def test_search_csv_has_every_hit_and_a_file_opens_as_utf8(capsys, data, tmp_path):
    found = json.loads(run(capsys, "search", "council", "--json", "--limit", "100"))
    rows = rows_of(run(capsys, "search", "council", "--csv"))
    assert found["total"] >= 2
    assert [r["article"] for r in rows] == [h["id"] for h in found["hits"]]
    assert [r["rank"] for r in rows] == [str(n) for n in range(1, len(rows) + 1)]
    assert all(r["title"] and "<b>" not in r["snippet"] and r["snippet"] for r in rows)
    assert len(rows_of(run(capsys, "search", "council", "--csv", "--limit", "1"))) == 1
    out = run(capsys, "search", "council", "--csv", str(tmp_path / "hits"))
    path = tmp_path / "hits.csv"
    assert f"{len(rows)} rows written to {path}" in out
    raw = path.read_bytes()
    assert raw.startswith(BOM.encode()) and b"\r\n" in raw
    with path.open(encoding="utf-8-sig", newline="") as f:
        assert list(csv.DictReader(f)) == rows


@pytest.mark.spacy
def test_entities_csv_has_the_counts_of_the_listing(capsys, data):
    listed = json.loads(run(capsys, "entities", "--json"))
    rows = rows_of(run(capsys, "entities", "--csv"))
    assert [(r["id"], r["name"], r["type"], int(r["mentions"]), int(r["articles"]))
            for r in rows] == [(e["id"], e["name"], e["type"], e["count"], len(e["docs"]))
                               for e in listed]


@pytest.mark.spacy
def test_entity_mentions_csv_lists_every_mention_by_date_with_its_sentence(capsys, data):
    ent = max(json.loads(run(capsys, "entities", "--json")), key=lambda e: e["count"])
    rows = rows_of(run(capsys, "entities", "mentions", ent["id"], "--csv"))
    assert len(rows) == ent["count"] and {r["entity"] for r in rows} == {ent["name"]}
    assert all(r["mention"] in r["sentence"] for r in rows)
    keys = [(r["date"] == "", r["date"], r["article"], int(r["start"])) for r in rows]
    assert keys == sorted(keys)
    assert len(json.loads(run(capsys, "entities", "mentions", ent["name"], "--json"))) == \
        ent["count"]
    assert main(["entities", "mentions", "Nobody At All", "--csv"]) != 0
    assert "No entity called" in capsys.readouterr().err


@pytest.mark.spacy
def test_who_proposed_csv_has_one_row_per_statement_with_a_named_actor(capsys, data):
    policies = json.loads(run(capsys, "policies", "--json"))
    rows = rows_of(run(capsys, "policies", "who", "--csv"))
    assert list(rows[0]) == ["policy", "actor", "stance", "date", "sentence", "article",
                             "start", "end"]
    with_actor = [(m["doc"], m["start"]) for p in policies for m in p["mentions"]
                  if m["actor"]]
    assert {(r["article"], int(r["start"])) for r in rows} >= set(with_actor)
    assert all(r["actor"] and r["stance"] and r["sentence"] for r in rows)
