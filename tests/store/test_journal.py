"""The save journal: what each save appends, how damage to the journal itself reads, pruning."""

from __future__ import annotations

import json
import zlib

from reader.store import Store, journal


def _lines(db) -> list[str]:
    return [line for f in journal.journal_files(db)
            for line in f.read_text(encoding="utf-8").splitlines()]


def test_each_save_appends_one_line_with_its_rows(db):
    with Store.open(db) as store:
        note = store.add_note("doc", body="first", tags=["a", "b"])
        store.update_note(note.id, body="second")
        store.set_read("doc")
        [add, update, read] = _lines(db)
        assert store._read("SELECT seq FROM journal_state")[0][0] == 3
    entries = json.loads(add.split(" ", 2)[2])["rows"]
    assert sorted(t for t, _, _ in entries) == ["notes", "tags", "tags"]
    assert json.loads(update.split(" ", 2)[2])["rows"][0][2]["body"] == "second"
    assert json.loads(read.split(" ", 2)[2])["rows"][0][0] == "article_state"


def test_a_failed_save_appends_nothing(db):
    with Store.open(db) as store:
        store.add_note("doc", body="kept")
        before = _lines(db)
        try:
            store.update_note(999, body="no such note")
        except Exception:  # noqa: BLE001 - NotFound; only the journal matters here
            pass
        assert _lines(db) == before


def _restore_case(db):
    """A database with a backup of 1 note and 3 saves since, then lost (emptied)."""
    with Store.open(db) as store:
        store.add_note("doc", body="in the backup")
        backup = store.backup()
        copy = backup.read_bytes()
        for k in range(3):
            store.add_note("doc", body=f"after {k}")
        snapshot = {p: p.read_bytes() for p in journal.journal_files(db)}
    # close backed the session up and pruned: put the journal and the old backup back
    for newer in Store._backups(db):
        newer.unlink()
    backup.write_bytes(copy)
    for path, raw in snapshot.items():
        path.write_bytes(raw)
    db.write_bytes(b"")
    return snapshot


def test_a_torn_last_line_is_ignored_a_garbled_one_reported(db):
    snapshot = _restore_case(db)
    [path] = [p for p, raw in snapshot.items() if b"after 0" in raw]
    raw = snapshot[path]
    lines = raw.split(b"\n")
    lines[1] = lines[1].replace(b"after 1", b"after X")  # its checksum no longer matches
    path.write_bytes(b"\n".join(lines) + b'1234abcd 99 {"rows": [')  # + a torn last line
    with Store.open(db) as store:
        bodies = [n.body for n in store.list_notes()]
        message = store.recovery_message
    assert bodies == ["in the backup", "after 0", "after 2"]
    assert "2 changes made after that backup were replayed" in message
    assert "1 journal entry could not be read" in message


def test_hostile_journal_entries_are_skipped(db, caplog):
    snapshot = _restore_case(db)
    [path] = [p for p, raw in snapshot.items() if b"after 0" in raw]
    body = '4 {"rows":[["sqlite_master",1,null],["notes","x",null],["notes",9,{"id":9,' \
           '"evil) VALUES (1); DROP TABLE notes; --":1}]]}'
    line = f"{zlib.crc32(body.encode()):08x} {body}\n"
    path.write_bytes(snapshot[path] + line.encode())
    with Store.open(db) as store:
        assert [n.body for n in store.list_notes()][:4] == [
            "in the backup", "after 0", "after 1", "after 2"]
        assert store.integrity_check() == "ok"


def test_prune_keeps_what_a_backup_lacks_and_a_live_writers_file(db, tmp_path):
    with Store.open(db) as store:
        store.add_note("doc", body="one")
        live = store._journal.current
        with Store.open(db) as other:  # another process's store, in effect
            other.backup()  # prunes files whose saves every backup holds
            assert live.exists()  # held (locked) by `store`: never deleted
        store._journal.rotate()
        for old in store.backups():  # (the one made at open predates "one")
            old.unlink()
        store.backup()
        assert journal.journal_files(db) == []  # every backup holds "one": pruned


def test_two_stores_in_one_process_never_wait_for_each_others_journal(db):
    """Each writer has its own file (a shared name once made the second save wait forever
    on the first store's lock)."""
    import threading

    bodies: list[str] = []

    def saves():
        with Store.open(db) as a, Store.open(db) as b:
            for store, body in ((a, "a"), (b, "b"), (a, "c")):
                bodies.append(store.add_note("doc", body=body).body)

    worker = threading.Thread(target=saves, daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive() and bodies == ["a", "b", "c"]
