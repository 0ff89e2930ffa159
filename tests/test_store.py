"""The user-data store: saves survive kills, damage and full disks; backups; read-only."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from reader.store import connection as store_module
from reader.errors import BadInput, DiskFull, NotFound, ReaderError, ReadOnly
from reader.notes import make_anchor
from reader.store import KEEP_BACKUPS, MIGRATIONS, SCHEMA_VERSION, Store

REPO = Path(__file__).resolve().parent.parent
CHILD = Path(__file__).resolve().parent / "store_child.py"
BODY = "The council said the review of children's services was late. Ofsted agreed."


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "data" / "reader.sqlite3"


@pytest.fixture
def store(db):
    opened = Store.open(db)
    yield opened
    opened.close()


def _raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)


def _fill(store: Store, count: int = 30) -> list[int]:
    """Notes big enough that the file spans many pages (so truncation hits real data)."""
    return [store.add_note(f"doc{i % 3}", body=f"note {i} " + "text " * 200).id
            for i in range(count)]


def _child_env() -> dict:
    return {**os.environ, "PYTHONPATH": str(REPO)}


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


def test_notes_round_trip_through_the_database(store, db):
    anchor = make_anchor(BODY, 4, 11)
    note = store.add_note("doc1", anchor, "hash1", "On **the council**",
                          ["Safeguarding", "#ofsted"])
    whole = store.add_note("doc2", body="About the whole article")
    assert (note.start, note.end, note.quote) == (4, 11, "council")
    assert note.tags == ("Safeguarding", "ofsted")
    assert note.uid.startswith("urn:uuid:") and note.uid != whole.uid
    assert whole.whole_article and whole.start is None

    store.close()
    again = Store.open(db)
    try:
        assert again.get_note(note.id) == note
        assert [n.id for n in again.list_notes()] == [note.id, whole.id]
        assert [n.id for n in again.list_notes(doc="doc2")] == [whole.id]
        assert [n.id for n in again.list_notes(tag="SAFEGUARDING")] == [note.id]
        assert [n.id for n in again.list_notes(tag="#Ofsted")] == [note.id]
    finally:
        again.close()


def test_update_trash_restore_and_empty_trash(store):
    note = store.add_note("doc1", body="first", tags=["a"])
    updated = store.update_note(note.id, body="second")
    assert updated.body == "second" and updated.tags == ("a",)
    assert updated.updated >= note.updated
    assert store.update_note(note.id, tags=["b", "B", " c "]).tags == ("b", "c")

    store.trash_note(note.id)
    assert store.list_notes() == []
    assert store.get_note(note.id).trashed
    assert [n.id for n in store.list_notes(include_trashed=True)] == [note.id]
    assert not store.restore_note(note.id).trashed
    assert len(store.list_notes()) == 1

    store.trash_note(note.id)
    assert store.empty_trash() == 1
    with pytest.raises(NotFound):
        store.get_note(note.id)
    with pytest.raises(NotFound):
        store.update_note(note.id, body="x")
    assert store.search_notes("second") == []


def test_bad_note_input_is_a_clear_error(store):
    with pytest.raises(BadInput, match="article"):
        store.add_note("", body="x")
    with pytest.raises(BadInput, match="tag"):
        store.add_note("doc", tags=[3])
    with pytest.raises(NotFound, match="no note 99"):
        store.trash_note(99)


def test_search_notes_matches_body_quote_and_tags_and_skips_trash(store):
    a = store.add_note("doc1", make_anchor(BODY, 4, 11), "h", "Late review", ["safeguarding"])
    b = store.add_note("doc1", body="Ofsted inspection of the council's children's services")
    assert {n.id for n in store.search_notes("council")} == {a.id, b.id}
    assert [n.id for n in store.search_notes("safegu")] == [a.id]  # prefix, tag
    assert [n.id for n in store.search_notes("ofsted council")] == [b.id]  # all words
    assert store.search_notes("  *(\"  ") == []  # no words: no FTS syntax error
    store.trash_note(b.id)
    assert [n.id for n in store.search_notes("council")] == [a.id]
    assert {n.id for n in store.search_notes("council", include_trashed=True)} == {a.id, b.id}
    store.update_note(a.id, body="changed words")
    assert [n.id for n in store.search_notes("changed")] == [a.id]
    assert store.tags() == [("safeguarding", 1)]


def test_set_anchor_keeps_offsets_of_an_orphan_and_not_updated(store):
    note = store.add_note("doc1", make_anchor(BODY, 4, 11), "h1", "x")
    moved = store.set_anchor(note.id, 10, 17, "h2")
    assert (moved.start, moved.end, moved.text_hash, moved.orphan) == (10, 17, "h2", False)
    assert moved.updated == note.updated  # re-anchoring is not a user edit
    orphan = store.set_anchor(note.id, None, None, "h3", orphan=True)
    assert (orphan.start, orphan.end, orphan.orphan, orphan.quote) == (10, 17, True, "council")


def test_entity_edits_undo_and_redo(store):
    merge = {"op": "merge", "source": "e1", "target": "e2"}
    hide = {"op": "hide", "id": "e3"}
    first = store.add_entity_edit(merge)
    assert store.add_entity_edit(hide) > first
    assert store.entity_edits() == [merge, hide]
    assert store.undo_entity_edit() == hide
    assert store.entity_edits() == [merge]
    assert store.redo_entity_edit() == hide
    assert store.entity_edits() == [merge, hide]
    assert store.undo_entity_edit() == hide
    rename = {"op": "rename", "id": "e1", "name": "Ofsted"}
    store.add_entity_edit(rename)  # a new edit drops the redo history
    assert store.redo_entity_edit() is None
    assert store.entity_edits() == [merge, rename]
    assert store.undo_entity_edit() == rename and store.undo_entity_edit() == merge
    assert store.undo_entity_edit() is None
    with pytest.raises(BadInput, match="op"):
        store.add_entity_edit({"source": "x"})
    with pytest.raises(BadInput, match="JSON"):
        store.add_entity_edit({"op": "merge", "when": object()})


def test_user_policies_and_read_state(store):
    pid = store.add_user_policy("Family hubs", ["family hub", " family hubs ", ""], "DfE plan")
    assert store.user_policies() == [{"id": pid, "label": "Family hubs", "description": "DfE plan",
                                      "patterns": ["family hub", "family hubs"],
                                      "created": store.user_policies()[0]["created"]}]
    with pytest.raises(BadInput, match="phrase"):
        store.add_user_policy("Empty", [])
    with pytest.raises(BadInput, match="name"):
        store.add_user_policy(" ", ["x"])
    store.delete_user_policy(pid)
    assert store.user_policies() == []
    with pytest.raises(NotFound):
        store.delete_user_policy(pid)

    store.set_read("doc1")
    store.set_read("doc2", True)
    store.set_read("doc2", False)
    assert store.read_docs() == {"doc1"}


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


# -- damage and backups ------------------------------------------------------------------------

def _damaged_copies(db: Path) -> list[Path]:
    return sorted(db.parent.glob(db.name + ".damaged-*"))


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_damaged_database_is_set_aside_and_the_backup_restored(db, damage):
    opened = Store.open(db)
    saved = _fill(opened)
    opened.backup()
    opened.add_note("doc", body="after the backup")  # lost with the damaged file
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
        assert sorted(n.id for n in recovered.list_notes()) == saved
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
        assert len(recovered.list_notes()) == 5
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


def test_close_backs_up_changes_unless_a_backup_is_recent(db):
    opened = Store.open(db)
    assert len(opened.backups()) == 1
    opened.add_note("doc", body="x")
    opened.close()  # backup from this very session: recent, so none more
    assert len(Store._backups(db)) == 1

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


# -- read-only ---------------------------------------------------------------------------------

def test_explicit_read_only_reads_everything_and_refuses_writes(db):
    opened = Store.open(db)
    note = opened.add_note("doc", body="kept")
    opened.add_entity_edit({"op": "hide", "id": "x"})
    opened.close()
    before = {p.name: p.read_bytes() for p in db.parent.iterdir() if p.is_file()}
    ro = Store.open(db, readonly=True)
    try:
        assert ro.readonly
        assert ro.list_notes() == [note]
        assert ro.entity_edits() == [{"op": "hide", "id": "x"}]
        for write in (lambda: ro.add_note("doc", body="x"), lambda: ro.trash_note(note.id),
                      lambda: ro.set_read("doc"), lambda: ro.undo_entity_edit()):
            with pytest.raises(ReadOnly, match="read-only"):
                write()
        assert ro.backup_if_due(datetime.now() + timedelta(days=9)) is None
    finally:
        ro.close()
    assert {p.name: p.read_bytes() for p in db.parent.iterdir() if p.is_file()} == before


NOBODY = 65534


def _run_as_nobody(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, env=_child_env(), timeout=60, check=False,
                          user=NOBODY, group=NOBODY, extra_groups=[])


def _nobody_python() -> str:
    """A Python >= 3.11 that user nobody may run and that imports reader.store (the test
    venv may live under root's private home)."""
    problems = []
    for python in dict.fromkeys([sys.executable, "/usr/bin/python3"]):
        try:
            done = _run_as_nobody([python, "-c", "import reader.store"])
        except (OSError, subprocess.SubprocessError) as exc:
            problems.append(f"{python}: {exc}")
            continue
        if done.returncode == 0:
            return python
        problems.append(f"{python}: {done.stderr.decode().strip()[-200:]}")
    pytest.skip("cannot run Python as user nobody: " + "; ".join(problems))


def _as_nobody(db: Path) -> dict:
    """Run the probe child as an unprivileged user (we are root, who may write anywhere) or,
    as a normal user, with the folder made read-only."""
    if sys.platform == "win32":
        pytest.skip("POSIX permissions only")
    if os.geteuid() == 0:
        done = _run_as_nobody([_nobody_python(), str(CHILD), "probe", str(db)])
        assert done.returncode == 0, done.stderr.decode()
        return json.loads(done.stdout)
    db.parent.chmod(0o555)
    try:
        done = subprocess.run([sys.executable, str(CHILD), "probe", str(db)],
                              capture_output=True, env=_child_env(), timeout=60, check=True)
        return json.loads(done.stdout)
    finally:
        db.parent.chmod(0o755)


@pytest.fixture
def shared_dir():
    """A folder an unprivileged user can enter (pytest's tmp_path is private to root)."""
    base = Path(tempfile.mkdtemp(prefix="reader-store-"))
    base.chmod(0o755)
    yield base
    shutil.rmtree(base, ignore_errors=True)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_read_only_data_dir_opens_read_only(shared_dir):
    db = shared_dir / "data" / "reader.sqlite3"
    opened = Store.open(db)
    opened.add_note("doc", body="visible")
    opened.close()
    before = _snapshot(db.parent)

    seen = _as_nobody(db)
    assert seen["readonly"] is True
    assert "read-only" in seen["message"]
    assert seen["bodies"] == ["visible"]
    assert seen["error_type"] == "ReadOnly" and "not writable" in seen["error"]
    assert _snapshot(db.parent) == before


@pytest.mark.parametrize("with_shm", [True, False])
def test_read_only_data_dir_after_a_crash(shared_dir, with_shm):
    """A session that died left its last save in the WAL, then the folder became read-only."""
    db = shared_dir / "data" / "reader.sqlite3"
    crashed = shared_dir / "crashed" / "reader.sqlite3"
    opened = Store.open(db)
    opened.add_note("doc", body="checkpointed")
    opened._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    opened.add_note("doc", body="only in the WAL")
    crashed.parent.mkdir()
    suffixes = ["", "-wal", "-shm"] if with_shm else ["", "-wal"]
    for suffix in suffixes:  # copy while open: what a crash leaves behind
        shutil.copy(f"{db}{suffix}", f"{crashed}{suffix}")
    opened.close()
    assert crashed.with_name(crashed.name + "-wal").stat().st_size > 0

    seen = _as_nobody(crashed)
    assert seen["readonly"] is True
    if with_shm:  # SQLite can read the WAL through the existing index
        assert seen["bodies"] == ["checkpointed", "only in the WAL"]
    else:  # immutable=1 reads the main file only, and says so
        assert seen["bodies"] == ["checkpointed"]
        assert "did not close cleanly" in seen["message"]


def test_read_only_missing_database_is_empty(tmp_path):
    ro = Store.open(tmp_path / "nowhere" / "reader.sqlite3", readonly=True)
    try:
        assert ro.readonly and ro.list_notes() == [] and ro.read_docs() == set()
    finally:
        ro.close()
    assert not (tmp_path / "nowhere").exists()
