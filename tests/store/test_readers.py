"""`Store.reader()`: the store's queries on a connection that can read but never write."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from reader.errors import ReaderError
from reader.notes import make_anchor
from reader.store import Store, StoreReader

from .conftest import BODY

READS = ("get_note", "list_notes", "search_notes", "tags", "entity_edits", "user_policies",
         "read_docs")
WRITES = ("add_note", "update_note", "trash_note", "restore_note", "empty_trash", "set_anchor",
          "import_notes", "add_entity_edit", "undo_entity_edit", "redo_entity_edit",
          "add_user_policy", "delete_user_policy", "set_read", "backup", "_write")


def test_a_reader_reads_what_the_store_saved(store):
    note = store.add_note("doc1", make_anchor(BODY, 4, 11), "h", "Late **review**", ["a", "b"])
    store.add_entity_edit({"op": "hide", "id": "x"})
    pid = store.add_user_policy("Safeguarding", ["safeguarding"])
    store.set_read("doc1")
    with store.reader() as view:
        assert isinstance(view, StoreReader) and view.readonly
        assert all(callable(getattr(view, name)) for name in READS)
        assert view.get_note(note.id) == note
        assert view.list_notes() == store.list_notes() == [note]
        assert view.list_notes(tag="A") == [note]
        assert view.search_notes("review") == [note]
        assert view.tags() == store.tags() == [("a", 1), ("b", 1)]
        assert view.entity_edits() == [{"op": "hide", "id": "x"}]
        assert [p["id"] for p in view.user_policies()] == [pid]
        assert view.read_docs() == {"doc1"}


def test_a_reader_cannot_write(store, db):
    note = store.add_note("doc1", body="kept")
    view = store.reader()
    try:
        for name in WRITES:  # no save method at all...
            assert not hasattr(view, name), name
        # ...and SQLite refuses a write on its connection (query_only, then mode=ro).
        for statement in ("INSERT INTO article_state (doc_id, read) VALUES ('doc2', 1)",
                          "UPDATE notes SET body = 'changed'", "DELETE FROM notes"):
            with pytest.raises(sqlite3.OperationalError, match="readonly|read-only"):
                view._conn.execute(statement)
        view._conn.execute("PRAGMA query_only = OFF")
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            view._conn.execute("UPDATE notes SET body = 'changed'")
    finally:
        view.close()
    assert store.get_note(note.id).body == "kept"
    assert store.read_docs() == set()


def test_reads_from_another_thread_see_committed_saves(store):
    """A read lane polls through its reader while the write lane saves: every read sees a
    whole number of committed saves, never fewer than were acknowledged before it began."""
    view = store.reader()
    acknowledged = 0
    done = threading.Event()
    seen: list[tuple[int, int]] = []  # (acknowledged before the read, notes the read saw)
    failures: list[BaseException] = []

    def read_lane():
        try:
            while not done.is_set():
                before = acknowledged
                seen.append((before, len(view.list_notes())))
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)

    lane = threading.Thread(target=read_lane)
    lane.start()
    try:
        for n in range(60):
            store.add_note("doc", body=f"save {n}", tags=[f"t{n % 3}"])
            acknowledged = n + 1
    finally:
        done.set()
        lane.join()
    assert not failures
    assert seen and all(before <= count <= 60 for before, count in seen)
    assert [n.body for n in view.list_notes()] == [f"save {n}" for n in range(60)]
    assert view.search_notes("save 59") and view.tags() == store.tags()
    view.close()


def test_a_read_does_not_wait_for_a_save_in_progress(store):
    store.add_note("doc", body="committed")
    view = store.reader()
    with store._write() as conn:  # a save holding the store's lock and the write lock
        conn.execute("INSERT INTO article_state (doc_id, read) VALUES ('doc', 1)")
        result: list = []
        reader_thread = threading.Thread(
            target=lambda: result.append(([n.body for n in view.list_notes()],
                                          view.read_docs())))
        reader_thread.start()
        reader_thread.join(timeout=10)
        assert result == [(["committed"], set())]  # the uncommitted save is not visible
    assert view.read_docs() == {"doc"}
    view.close()


def test_closing_the_store_closes_its_readers(db):
    opened = Store.open(db)
    opened.add_note("doc", body="x")
    view = opened.reader()
    opened.close()
    with pytest.raises(ReaderError, match="closed"):
        view.list_notes()
    view.close()  # twice is fine
    with pytest.raises(ReaderError, match="closed"):
        opened.reader()
    assert not db.with_name(db.name + "-wal").exists()  # a clean close: WAL checkpointed


def test_a_read_only_store_gives_a_reader_of_the_same_data(db):
    opened = Store.open(db)
    note = opened.add_note("doc", body="kept", tags=["a"])
    opened.close()
    before = {p.name: p.read_bytes() for p in db.parent.iterdir() if p.is_file()}
    ro = Store.open(db, readonly=True)
    try:
        with ro.reader() as view:
            assert view.list_notes() == [note] and view.search_notes("kept") == [note]
            with pytest.raises(sqlite3.OperationalError, match="readonly"):
                view._conn.execute("DELETE FROM notes")
        assert ro.list_notes() == [note]
    finally:
        ro.close()
    assert {p.name: p.read_bytes() for p in db.parent.iterdir() if p.is_file()} == before
