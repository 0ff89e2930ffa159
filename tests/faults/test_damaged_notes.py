"""Damaged note rows (bytes that pass integrity_check) are skipped and named, never a crash."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli import main
from reader.errors import ReaderError
from reader.store import Store

REPO = Path(__file__).resolve().parents[2]

DAMAGE = {
    "body not UTF-8": "UPDATE notes SET body = CAST(x'66ff80fe' AS TEXT) WHERE id = ?",
    "body a BLOB": "UPDATE notes SET body = x'00ff' WHERE id = ?",
    "quote not UTF-8": "UPDATE notes SET quote = CAST(x'c3' AS TEXT) WHERE id = ?",
    "position not a number": "UPDATE notes SET pos_start = 'abc' WHERE id = ?",
    "tag not UTF-8": "UPDATE tags SET tag = CAST(x'ff61' AS TEXT) WHERE pos = 0 AND note_id = ?",
    "tag a BLOB": "UPDATE tags SET tag = x'ff00' WHERE pos = 0 AND note_id = ?",
}


def _damage(path, sql: str, note_id: int) -> None:
    conn = sqlite3.connect(path)
    conn.execute(sql, (note_id,))
    conn.commit()
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_store_skips_a_damaged_note_and_names_it(tmp_path, caplog, kind):
    db = tmp_path / "reader.sqlite3"
    with Store.open(db) as store:
        ids = [store.add_note("doc", body=f"note {k}", tags=["t", f"k{k}"]).id
               for k in range(3)]
    _damage(db, DAMAGE[kind], ids[1])
    with Store.open(db) as store, caplog.at_level(logging.WARNING):
        assert store.recovery_message == ""  # not damage SQLite sees: nothing restored
        assert [n.id for n in store.list_notes()] == [ids[0], ids[2]]
        assert f"Note {ids[1]} is damaged" in caplog.text
        assert [n.id for n in store.search_notes("note")] == [ids[0], ids[2]]
        assert [n.id for n in store.list_notes(tag="k2")] == [ids[2]]
        assert ("k0", 1) in store.tags() and ("k2", 1) in store.tags()
        with pytest.raises(ReaderError, match=f"Note {ids[1]} is damaged"):
            store.get_note(ids[1])
        with store.reader() as view:
            assert [n.id for n in view.list_notes()] == [ids[0], ids[2]]
        count = store._read("SELECT count(*) FROM notes")[0][0]
        assert count == 3  # the damaged note stays in the database


def test_cli_notes_list_and_export_skip_the_damaged_note(tmp_path, monkeypatch, capsys,
                                                         caplog):
    data = tmp_path / "data"
    monkeypatch.setenv("READER_DATA_DIR", str(data))
    monkeypatch.delenv("READER_CORPUS", raising=False)
    assert main(["list", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)[0]["id"]
    for k in range(3):
        assert main(["notes", "add", "--doc", doc, "--text", f"note {k}", "--tag", "x"]) == 0
    capsys.readouterr()
    _damage(data / "reader.sqlite3", DAMAGE["body not UTF-8"], 2)
    _damage(data / "reader.sqlite3", DAMAGE["tag a BLOB"], 3)
    for argv in (["notes", "list"], ["notes", "export"], ["notes", "export", "--format", "json"],
                 ["notes", "list", "--json"]):
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            assert main(argv) == 0, argv
        out = capsys.readouterr()
        assert "note 0" in out.out and "note 1" not in out.out and "note 2" not in out.out
        assert "Note 2 is damaged" in caplog.text and "Note 3 is damaged" in caplog.text
    # As a command: the warning reaches stderr as one line per note, no traceback.
    done = subprocess.run([sys.executable, "-m", "reader", "notes", "list"], env={
        **os.environ, "READER_DATA_DIR": str(data)}, capture_output=True, text=True,
        cwd=REPO, timeout=120)
    assert done.returncode == 0 and "note 0" in done.stdout
    assert "Traceback" not in done.stderr
    assert [line for line in done.stderr.splitlines() if "is damaged" in line] == [
        "WARNING reader.store.notes: Note 2 is damaged and cannot be read (a value is not "
        "valid UTF-8 text); it is skipped (it stays in the database).",
        "WARNING reader.store.notes: Note 3 is damaged and cannot be read (a value is not "
        "valid UTF-8 text); it is skipped (it stays in the database)."]
