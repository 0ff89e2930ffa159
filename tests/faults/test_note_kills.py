"""Notes under SIGKILL and damage: no acknowledged save lost, whatever happens to the file.

A child process saves notes in a loop, printing each id after its save returned (an
acknowledged save); the test kills it at a random moment, damages the database or its WAL,
and opens it again. READER_FAULTS=full runs the issue's counts (100 kills); CI runs 10.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.store import Store

from .conftest import FULL

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")

REPO = Path(__file__).resolve().parents[2]
CHILD = REPO / "tests" / "store" / "child.py"


def _env() -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("READER_CORPUS", None)
    return env


def _body(n: int) -> str:  # what child.py saves as its n-th note
    return f"save {n} " * (n % 50)


def _kill_after(db: Path, saves: int, rng: random.Random, acked: dict[int, int]) -> None:
    """Run a writer until it acknowledged `saves` saves, then SIGKILL it at a random moment
    in the next ones; record every acknowledged save in `acked` ({note id: n})."""
    child = subprocess.Popen([sys.executable, str(CHILD), "write", str(db)],
                             stdout=subprocess.PIPE, env=_env())
    for seen, line in enumerate(child.stdout, 1):
        note_id, n = map(int, line.split())
        acked[note_id] = n
        if seen >= saves:
            break
    time.sleep(rng.random() * 0.004)
    child.kill()
    assert child.wait() == -signal.SIGKILL
    for line in child.stdout.read().splitlines(keepends=True):
        if line.endswith(b"\n"):  # printed after its save returned: acknowledged
            note_id, n = map(int, line.split())
            acked[note_id] = n
    child.stdout.close()


def _lost(store: Store, acked: dict[int, int]) -> list[int]:
    have = {n.id: n.body for n in store.list_notes()}
    return [i for i, n in acked.items() if have.get(i) != _body(n)]


def test_kills_during_saves_lose_no_acknowledged_note(tmp_path):
    """SIGKILL a writer 100 times (10 in CI): integrity_check ok after every kill, every
    acknowledged note there, and the journal adds nothing back (nothing was lost)."""
    db = tmp_path / "reader.sqlite3"
    acked: dict[int, int] = {}
    rng = random.Random(17)
    for _ in range(100 if FULL else 10):
        _kill_after(db, rng.randint(1, 20), rng, acked)
        conn = sqlite3.connect(db)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            conn.close()
        with Store.open(db) as store:
            assert store.recovery_message == ""
            assert _lost(store, acked) == []
    assert len(acked) >= 10


def _checkpoint(db: Path) -> None:
    """Move the WAL's saves into the main file (as SQLite does every 1,000 pages)."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def _garble(path: Path, rng: random.Random, start: float = 0.0, end: float = 1.0) -> None:
    data = bytearray(path.read_bytes())
    a, b = int(len(data) * start), int(len(data) * end)
    for k in rng.sample(range(a, b), min(200, b - a)):
        data[k] ^= 0xFF
    path.write_bytes(bytes(data))


DAMAGE = {
    # the main file, its saves checkpointed into it, garbled / cut in half / emptied
    "garbled": lambda db, rng: (_checkpoint(db), _garble(db, rng)),
    "truncated": lambda db, rng: (_checkpoint(db),
                                  os.truncate(db, db.stat().st_size // 2)),
    "emptied": lambda db, rng: (_checkpoint(db), os.truncate(db, 0)),
    # a crash left the saves in the WAL, and the WAL's second half is garbled
    "wal garbled": lambda db, rng: _garble(Path(f"{db}-wal"), rng, 0.5, 1.0),
    "wal lost": lambda db, rng: Path(f"{db}-wal").unlink(),
}


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_damage_after_50_saves_loses_no_acknowledged_note(tmp_path, kind):
    """50 saves, a kill (no backup at exit), then damage: every acknowledged save is back
    (from the backup and the save journal), and the message says what happened."""
    db = tmp_path / "reader.sqlite3"
    acked: dict[int, int] = {}
    rng = random.Random(kind)
    _kill_after(db, 50, rng, acked)
    DAMAGE[kind](db, rng)
    with Store.open(db) as store:
        assert _lost(store, acked) == []
        assert store.integrity_check() == "ok"
        message = store.recovery_message
        assert "replayed from the save journal" in message, message
        if kind.startswith("wal"):
            assert "had lost its last" in message
        else:
            assert "damaged" in message and "restored" in message
            assert "none is missing" in message
        # the search over notes knows the replayed notes too
        last = max(acked, key=acked.get)
        if acked[last] % 50:
            assert last in [n.id for n in store.search_notes(f'"save {acked[last]}"')]
        store.add_note("doc", body="after the repair")
    with Store.open(db) as again:
        assert again.recovery_message == ""
        assert _lost(again, acked) == []


def test_processes_starting_at_once_replay_the_journal_once(tmp_path):
    """4 processes at once on a garbled database whose last saves only the journal holds:
    one restores and replays, every process sees every acknowledged note, no empty
    database is left in place."""
    for attempt in range(5 if FULL else 1):
        db = tmp_path / f"d{attempt}" / "reader.sqlite3"
        db.parent.mkdir()
        acked: dict[int, int] = {}
        rng = random.Random(attempt)
        _kill_after(db, 20, rng, acked)
        DAMAGE["garbled"](db, rng)
        procs = [subprocess.Popen([sys.executable, "-m", "reader", "notes", "list", "--json"],
                                  env={**_env(), "READER_DATA_DIR": str(db.parent)}, cwd=REPO,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(4)]
        results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
        seen = []
        for code, out, err in results:
            assert code == 0 and "Traceback" not in err, err
            seen.append(sorted(n["text"] for n in json.loads(out)))
            # (a save committed just before the kill, not yet acknowledged, may be there too)
            assert not set(map(_body, acked.values())) - set(seen[-1])
        assert all(s == seen[0] for s in seen)
        assert sum("replayed from the save journal" in err for _, _, err in results) == 1
        assert len(list(db.parent.glob("reader.sqlite3.damaged-*"))) == 1
        with Store.open(db) as store:
            assert store.recovery_message == "" and _lost(store, acked) == []
