"""The notes store under damage, from the command line and from several processes at once."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

from reader.cli import main
from reader.store import Store

from .conftest import FULL

REPO = Path(__file__).resolve().parents[2]


def _env(data: Path) -> dict:
    env = {**os.environ, "READER_DATA_DIR": str(data), "PYTHONPATH": str(REPO)}
    env.pop("READER_CORPUS", None)
    return env


def _first_doc(capsys) -> str:
    assert main(["list", "--json"]) == 0
    return json.loads(capsys.readouterr().out)[0]["id"]


def _bodies(db: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("SELECT body FROM notes ORDER BY id")]
    finally:
        conn.close()


def test_cli_note_save_reaches_a_verified_backup_at_exit(tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"
    monkeypatch.setenv("READER_DATA_DIR", str(data))
    monkeypatch.delenv("READER_CORPUS", raising=False)
    doc = _first_doc(capsys)
    for k in range(3):  # a burst of commands: one backup, replaced by each exit
        assert main(["notes", "add", "--doc", doc, "--text", f"saved {k}"]) == 0
        backups = sorted((data / "backups").glob("reader-*.sqlite3"))
        assert len(backups) == 1
        assert _bodies(backups[0]) == [f"saved {j}" for j in range(k + 1)]
        conn = sqlite3.connect(backups[0])
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
    assert not list((data / "backups").glob("*.partial"))


def test_cli_prints_the_restore_message_on_stderr(tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"
    monkeypatch.setenv("READER_DATA_DIR", str(data))
    monkeypatch.delenv("READER_CORPUS", raising=False)
    doc = _first_doc(capsys)
    assert main(["notes", "add", "--doc", doc, "--text", "kept"]) == 0
    db = data / "reader.sqlite3"
    db.write_bytes(random.Random(3).randbytes(db.stat().st_size))
    capsys.readouterr()
    assert main(["notes", "list"]) == 0
    out = capsys.readouterr()
    assert "kept" in out.out
    [line] = [x for x in out.err.splitlines() if x.startswith("reader: ")]
    assert "damaged" in line and "restored" in line
    assert "The save journal holds no change made after that backup" in line
    assert main(["list"]) == 0  # a command that never opens the store says nothing
    assert "reader:" not in capsys.readouterr().err


def test_processes_starting_at_once_on_a_damaged_database(tmp_path):
    """4 processes at once on a garbled database: no traceback, one restore, every restored
    note there afterwards, never an empty database left in place."""
    tries = 10 if FULL else 2
    for attempt in range(tries):
        data = tmp_path / f"data{attempt}"
        db = data / "reader.sqlite3"
        with Store.open(db) as store:
            for k in range(7):
                store.add_note("doc", body=f"note {k}")
        assert len(_bodies(sorted((data / "backups").glob("reader-*"))[-1])) == 7
        db.write_bytes(random.Random(attempt).randbytes(db.stat().st_size))
        procs = [subprocess.Popen([sys.executable, "-m", "reader", "notes", "list", "--json"],
                                  env=_env(data), cwd=REPO, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(4)]
        results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
        for code, out, err in results:
            assert code == 0 and "Traceback" not in err, err
            assert [n["text"] for n in json.loads(out)] == [f"note {k}" for k in range(7)]
        assert sum("restored" in err for _, _, err in results) == 1
        assert len(list(data.glob("reader.sqlite3.damaged-*"))) == 1
        assert _bodies(db) == [f"note {k}" for k in range(7)]
