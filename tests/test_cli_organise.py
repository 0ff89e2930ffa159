"""`reader star`, `reader tag`, `reader searches`, `reader list --starred/--tag` and
`reader search --sort`."""

from __future__ import annotations

import json

import pytest

from reader.cli import main


@pytest.fixture
def docs(tmp_path, monkeypatch, capsys):
    """Two articles imported into a fresh data dir (the bundled corpus beside them)."""
    monkeypatch.setenv("READER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("READER_CORPUS", raising=False)
    for name, date in (("old", "1 March 2001"), ("new", "1 March 2003")):
        (tmp_path / f"{name}.txt").write_text(f"Wombat {name}\n\n{date}\n\nThe wombat "
                                               "council met.\n")
    assert main(["import", str(tmp_path / "old.txt"), str(tmp_path / "new.txt"), "--json",
                 "--no-nlp"]) == 0
    return [o["id"] for o in json.loads(capsys.readouterr().out)]


def _run(capsys, *argv, code=0):
    got = main(list(argv))
    out = capsys.readouterr()
    assert got == code, out.err
    return out


def _json(capsys, *argv):
    return json.loads(_run(capsys, *argv).out)


def test_star_and_list_starred(docs, capsys):
    old, new = docs
    assert _json(capsys, "star", old, "--json") == {"id": old, "starred": True, "changed": True}
    assert "(no change)" in _run(capsys, "star", old).out
    assert [r["id"] for r in _json(capsys, "list", "--starred", "--json")] == [old]
    assert "★" in _run(capsys, "list", "--starred").out
    _run(capsys, "index", "--rebuild", "--no-nlp")
    assert [h["id"] for h in _json(capsys, "search", "wombat starred:yes", "--json")["hits"]] \
        == [old]
    assert _json(capsys, "star", old, "--off", "--json")["starred"] is False
    assert "No articles match." in _run(capsys, "list", "--starred").out


def test_tag_add_remove_and_list(docs, capsys):
    old, new = docs
    assert _json(capsys, "tag", new, "add", "to check", "Evidence", "--json")["tags"] == \
        ["to check", "Evidence"]
    _json(capsys, "tag", old, "add", "evidence", "--json")
    assert sorted(r["id"] for r in _json(capsys, "list", "--tag", "EVIDENCE", "--json")) == \
        sorted(docs)
    assert _json(capsys, "tag", new, "remove", "evidence", "--json")["tags"] == ["to check"]
    assert f"{new}  Wombat new: to check" in _run(capsys, "tag", new).out
    err = _run(capsys, "tag", new, "add", "a,b", code=2).err
    assert err.count("\n") == 1 and "comma" in err
    with pytest.raises(SystemExit) as bad:  # argparse: "invalid choice"
        main(["tag", new, "evidence"])
    assert bad.value.code == 2 and "invalid choice" in capsys.readouterr().err
    assert "Name the tag" in _run(capsys, "tag", new, "add", code=2).err
    assert "No article" in _run(capsys, "tag", "nope", "add", "x", code=2).err


def test_search_sorted_by_date(docs, capsys):
    old, new = docs
    newest = _json(capsys, "search", "wombat", "--sort", "newest", "--json")["hits"]
    oldest = _json(capsys, "search", "wombat", "--sort", "oldest", "--json")["hits"]
    assert [h["id"] for h in newest] == [new, old]
    assert [h["id"] for h in oldest] == [old, new]


def test_saved_searches(docs, capsys):
    assert "No saved searches" in _run(capsys, "searches").out
    _run(capsys, "searches", "save", "Wombats", "wombat council")
    assert "already named" in _run(capsys, "searches", "save", "wombats", "x", code=2).err
    assert "Unbalanced" in _run(capsys, "searches", "save", "Bad", '"wombat', code=2).err
    _run(capsys, "searches", "rename", "WOMBATS", "Marsupials")
    assert [(s["name"], s["query"]) for s in _json(capsys, "searches", "--json")] == \
        [("Marsupials", "wombat council")]
    assert "No saved search" in _run(capsys, "searches", "delete", "nope", code=2).err
    _run(capsys, "searches", "delete", "marsupials")
    assert _json(capsys, "searches", "--json") == []
