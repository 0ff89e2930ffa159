"""Saves survive kills, damage and full disks; verified, rotating backups."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from reader.errors import DiskFull, ReaderError
from reader.store import KEEP_BACKUPS, Store
from reader.store import connection as store_module

from .conftest import CHILD, _child_env, _fill, _raw

# -- damage and backups ------------------------------------------------------------------------

def _damaged_copies(db: Path) -> list[Path]:
    return sorted(db.parent.glob(db.name + ".damaged-*"))


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_damaged_database_is_set_aside_and_the_backup_restored(db, damage):
    opened = Store.open(db)
    saved = _fill(opened)
    opened.backup()
    last = opened.add_note("doc", body="after the backup")  # the exit backup keeps it
    opened.close()
    data = db.read_bytes()
    assert len(data) > 40_000
    if damage == "garbage":
        ruined = random.Random(7).randbytes(len(data))
    elif damage == "truncated":
        ruined = data[:len(data) // 2]
    else:
        ruined = b""
    db.write_bytes(ruined)

    recovered = Store.open(db)
    try:
        message = recovered.recovery_message
        assert "damaged" in message and "backup" in message and "restored" in message
        [aside] = _damaged_copies(db)
        assert aside.name in message
        assert aside.read_bytes() == ruined  # never overwritten
        assert sorted(n.id for n in recovered.list_notes()) == saved + [last.id]
        assert recovered.integrity_check() == "ok"
        assert recovered.add_note("doc", body="works again").body == "works again"
    finally:
        recovered.close()


def test_damaged_database_without_backup_starts_empty_and_says_so(db):
    db.parent.mkdir(parents=True)
    garbage = b"this is not a database, it is a shopping list\n" * 200
    db.write_bytes(garbage)
    opened = Store.open(db)
    try:
        assert "no backup" in opened.recovery_message
        assert opened.list_notes() == []
        [aside] = _damaged_copies(db)
        assert aside.read_bytes() == garbage
        assert opened.add_note("doc", body="new").id == 1
    finally:
        opened.close()


def test_restore_skips_a_damaged_backup(db):
    opened = Store.open(db)
    _fill(opened, 5)
    when = datetime.now().replace(microsecond=0) + timedelta(days=1)
    opened.backup(when)  # newer than the backup made at open
    opened.add_note("doc", body="only in the newest backup")
    newest = opened.backup(when + timedelta(days=1))
    opened.close()
    newest.write_bytes(b"\0" * 4096)
    db.write_bytes(b"garbage" * 1000)
    recovered = Store.open(db)
    try:
        assert f"backup from {when:%Y-%m-%d %H:%M} was restored" in recovered.recovery_message
        # The note only the damaged backup held comes back from the save journal.
        assert "1 changes made after that backup were replayed" in recovered.recovery_message
        assert len(recovered.list_notes()) == 6
    finally:
        recovered.close()


def test_backups_rotate_and_are_verified(db, monkeypatch):
    opened = Store.open(db)
    start = datetime.now().replace(microsecond=0) + timedelta(days=1)  # after open's backup
    try:
        made = []
        for day in range(KEEP_BACKUPS + 2):
            opened.add_note("doc", body=f"day {day}")
            made.append(opened.backup(start + timedelta(days=day)))
        kept = opened.backups()
        assert len(kept) == KEEP_BACKUPS
        assert kept[-1] == made[-1]
        assert made[0] not in kept
        for backup in kept:
            conn = sqlite3.connect(f"{backup.as_uri()}?mode=ro", uri=True)
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
            conn.close()
        newest = sqlite3.connect(made[-1])
        assert newest.execute("SELECT count(*) FROM notes").fetchone()[0] == KEEP_BACKUPS + 2
        newest.close()
        leftovers = [*opened.backups_dir.glob("*-wal"), *opened.backups_dir.glob("*.partial")]
        assert leftovers == []

        # A backup failing verification raises and prunes nothing.
        def failing_check(conn, pragma="quick_check"):
            return "*** in database main ***" if pragma == "integrity_check" else "ok"

        monkeypatch.setattr(store_module, "check", failing_check)
        with pytest.raises(ReaderError, match="verification"):
            opened.backup(start + timedelta(days=30))
        assert opened.backups() == kept
        assert not list(opened.backups_dir.glob("*.partial"))
    finally:
        monkeypatch.undo()
        opened.close()


def test_backup_if_due_is_daily(store):
    [first] = store.backups()
    assert store.backup_if_due() is None
    later = datetime.now() + timedelta(hours=25)
    made = store.backup_if_due(later)
    assert made is not None and made != first
    assert store.backups() == [first, made]


def test_close_backs_up_changes_replacing_a_recent_backup(db):
    opened = Store.open(db)
    assert len(opened.backups()) == 1
    opened.add_note("doc", body="x")
    opened.close()  # the backup from this very session is recent: replaced, not joined
    [backup] = Store._backups(db)
    assert [n.body for n in Store.open(backup, readonly=True).list_notes()] == ["x"]

    # Pretend the newest backup is two hours old.
    [only] = Store._backups(db)
    two_hours_ago = datetime.now() - timedelta(hours=2)
    only.rename(only.with_name(f"reader-{two_hours_ago:%Y%m%d-%H%M%S}.sqlite3"))
    quiet = Store.open(db)
    quiet.close()  # no changes: nothing to back up
    assert len(Store._backups(db)) == 1
    busy = Store.open(db)
    busy.add_note("doc", body="y")
    busy.close()
    assert len(Store._backups(db)) == 2


# -- crashes and full disks --------------------------------------------------------------------

@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_kill_during_saves_never_loses_an_acknowledged_save(tmp_path):
    """SIGKILL a writer 25 times mid-burst; every save it acknowledged must be there."""
    db = tmp_path / "reader.sqlite3"
    acked: dict[int, int] = {}
    rng = random.Random(20240501)
    for _ in range(25):
        child = subprocess.Popen([sys.executable, str(CHILD), "write", str(db)],
                                 stdout=subprocess.PIPE, env=_child_env())
        wanted = rng.randint(1, 30)
        for seen, line in enumerate(child.stdout, 1):
            note_id, n = map(int, line.split())
            acked[note_id] = n
            if seen >= wanted:
                break
        time.sleep(rng.random() * 0.004)  # land the kill anywhere in the next saves
        child.kill()
        assert child.wait() == -signal.SIGKILL  # killed mid-burst, not dead on its own
        for line in child.stdout.read().splitlines(keepends=True):
            if line.endswith(b"\n"):  # printed after its commit: acknowledged too
                note_id, n = map(int, line.split())
                acked[note_id] = n
        child.stdout.close()

        conn = _raw(db)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            rows = dict(conn.execute("SELECT id, body FROM notes"))
        finally:
            conn.close()
        for note_id, n in acked.items():
            assert rows.get(note_id) == f"save {n} " * (n % 50), note_id
    assert len(acked) >= 25
    reopened = Store.open(db)
    try:
        assert reopened.recovery_message == ""
        assert {n.id for n in reopened.list_notes()} >= set(acked)
    finally:
        reopened.close()


def test_disk_full_rolls_back_the_save_and_keeps_earlier_ones(db):
    opened = Store.open(db)
    try:
        kept = opened.add_note("doc", body="saved before", tags=["a"])
        conn = opened._conn
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(DiskFull, match="disk is full.*not saved"):
            opened.add_note("doc", body="big " * 100_000, tags=["b"])
        with pytest.raises(DiskFull):
            opened.update_note(kept.id, body="big " * 100_000, tags=["c"])
        assert not conn.in_transaction
        assert opened.list_notes() == [kept]
        assert opened.get_note(kept.id) == kept
        conn.execute("PRAGMA max_page_count = 1073741823")
        assert opened.add_note("doc", body="room again").body == "room again"
    finally:
        opened.close()
    again = Store.open(db)
    try:
        assert [n.body for n in again.list_notes()] == ["saved before", "room again"]
        assert again.integrity_check() == "ok"
        assert again.tags() == [("a", 1)]
    finally:
        again.close()
