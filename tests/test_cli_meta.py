"""`reader meta`: show, set, clear and undo an article's metadata from the command line."""

from __future__ import annotations

import json

import pytest

from reader.cli import main


@pytest.fixture
def doc(tmp_path, monkeypatch, capsys):
    """An undated article imported into a fresh data dir (bundled corpus beside it)."""
    monkeypatch.setenv("READER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("READER_CORPUS", raising=False)
    page = tmp_path / "undated.txt"
    page.write_text("Quokka council report\n\nThe quokka council met about the review.\n")
    assert main(["import", str(page), "--json", "--no-nlp"]) == 0
    return json.loads(capsys.readouterr().out)[0]["id"]


def _json(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def test_set_a_date_shows_in_list_and_search(doc, capsys):
    assert _json(capsys, "meta", doc, "--json")["date"] == ""
    rec = _json(capsys, "meta", doc, "--date", "2011-03-14", "--source", "Gazette",
                "--no-nlp", "--json")
    assert (rec["date"], rec["source"], rec["set_by_user"]) == ("2011-03-14", "Gazette",
                                                                ["date", "source"])
    listed = {r["id"]: r for r in _json(capsys, "list", "--json")}
    assert listed[doc]["date"] == "2011-03-14"
    assert listed[doc]["set_by_user"] == ["date", "source"]
    assert all("set_by_user" not in r for i, r in listed.items() if i != doc)
    hits = _json(capsys, "search", "quokka date:2011", "--json")["hits"]
    assert [h["id"] for h in hits] == [doc]
    assert main(["list"]) == 0
    assert "2011-03-14 · Gazette  [set by you: date, source]" in capsys.readouterr().out


def test_text_output_marks_what_the_user_set(doc, capsys):
    assert main(["meta", doc, "--author", "Ann Lee", "--no-nlp"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == doc
    assert "  date    undated" in out
    assert "  author  Ann Lee  (set by you)" in out


def test_survives_rebuild_clear_and_undo(doc, capsys):
    _json(capsys, "meta", doc, "--date", "2011-03-14", "--no-nlp", "--json")
    _json(capsys, "index", "--rebuild", "--no-nlp", "--json")
    assert [h["id"] for h in _json(capsys, "search", "quokka date:2011", "--json")["hits"]] \
        == [doc]
    rec = _json(capsys, "meta", doc, "--clear", "date", "--no-nlp", "--json")
    assert (rec["date"], rec["set_by_user"]) == ("", [])
    rec = _json(capsys, "meta", doc, "--undo", "--no-nlp", "--json")
    assert (rec["date"], rec["set_by_user"]) == ("2011-03-14", ["date"])


@pytest.mark.parametrize("argv, message", [
    (["--date", "14/03/2011"], "YYYY-MM-DD"),
    (["--date", "2011-02-30"], "no such day"),
    (["--title", ""], "title cannot be empty"),
])
def test_bad_input_one_line_exit_2(doc, capsys, argv, message):
    assert main(["meta", doc, *argv, "--no-nlp"]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err and "Traceback" not in err
    assert _json(capsys, "meta", doc, "--json")["set_by_user"] == []


def test_unknown_article_exit_2(doc, capsys):
    assert main(["meta", "no-such-id", "--date", "2011-01-01"]) == 2
    assert "No article with id 'no-such-id'" in capsys.readouterr().err
