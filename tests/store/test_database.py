"""Opening the store: WAL, schema and migrations, one writer across threads and processes."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from reader.errors import ReaderError, ReadOnly
from reader.store import MIGRATIONS, SCHEMA_VERSION, Store
from reader.store import connection as store_module

from .conftest import _raw

# -- opening, schema, basic saves --------------------------------------------------------------

def test_fresh_store_uses_wal_full_sync_and_current_schema(store, db):
    conn = store._conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.recovery_message == ""
    assert not store.readonly
    assert len(store.backups()) == 1  # first open: a backup is due


def test_saves_from_several_threads_are_serialised(store):
    def save(n):
        for i in range(20):
            store.add_note(f"doc{n}", body=f"{n}-{i}")

    threads = [threading.Thread(target=save, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(n.body for n in store.list_notes()) == sorted(
        f"{n}-{i}" for n in range(4) for i in range(20))
    assert store.integrity_check() == "ok"


def test_a_save_blocked_by_another_process_fails_clearly(db, monkeypatch):
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT", 0.2)
    opened = Store.open(db)
    other = sqlite3.connect(db, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(ReaderError, match="busy"):
            opened.add_note("doc", body="x")
        other.execute("ROLLBACK")
        assert opened.add_note("doc", body="y").body == "y"
    finally:
        other.close()
        opened.close()


# -- migrations --------------------------------------------------------------------------------

def _schema(path: Path) -> set[str]:
    conn = _raw(path)
    try:
        return {" ".join(sql.split()) for (sql,) in conn.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'notes_fts_%'")}
    finally:
        conn.close()


def test_migrates_an_older_database_keeping_its_data(tmp_path):
    old = tmp_path / "old" / "reader.sqlite3"
    old.parent.mkdir()
    conn = sqlite3.connect(old, isolation_level=None)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO notes (uid, doc, body, created, updated) VALUES "
                 "('urn:uuid:1', 'doc1', 'a note about safeguarding', '2024-01-01T00:00:00Z', "
                 "'2024-01-01T00:00:00Z')")
    conn.execute("INSERT INTO tags (note_id, tag) VALUES (1, 'ofsted')")
    conn.execute("INSERT INTO entity_edits (op, payload, created) VALUES "
                 "('hide', '{\"op\": \"hide\", \"id\": \"x\"}', '2024-01-01T00:00:00Z')")
    conn.close()

    migrated = Store.open(old)
    try:
        assert migrated._conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert migrated.recovery_message == ""
        [note] = migrated.list_notes()
        assert (note.body, note.tags) == ("a note about safeguarding", ("ofsted",))
        assert [n.id for n in migrated.search_notes("safeguarding")] == [note.id]  # backfilled
        assert [n.id for n in migrated.search_notes("ofsted")] == [note.id]
        assert migrated.entity_edits() == [{"op": "hide", "id": "x"}]
    finally:
        migrated.close()
    fresh = Store.open(tmp_path / "fresh" / "reader.sqlite3")
    fresh.close()
    assert _schema(old) == _schema(tmp_path / "fresh" / "reader.sqlite3")


def test_a_database_from_a_newer_reader_opens_read_only_untouched(db):
    Store.open(db).close()
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    newer = Store.open(db)
    try:
        assert newer.readonly
        assert "newer version" in newer.recovery_message
        with pytest.raises(ReadOnly):
            newer.add_note("doc", body="x")
    finally:
        newer.close()
    assert db.read_bytes() == before
