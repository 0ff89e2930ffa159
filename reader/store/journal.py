"""The save journal: each committed save's rows, appended and fsynced beside the database.

A backup holds everything up to the moment it was taken; the journal holds every save since,
so a damaged database, a damaged `-wal` or a lost main file loses no acknowledged save:
- Every save bumps `journal_state.seq` inside its transaction. Temporary triggers note which
  rows of the user tables it touched; just before COMMIT their new values (or their absence)
  are read, and after COMMIT they go to the journal as one line
  `<crc32> <seq> <json>\\n`, fsynced before the save returns (so an acknowledged save is in
  the journal, and a line whose save rolled back never is).
- At open, any line with a seq above the database's own (a restored backup, or a database
  whose WAL lost its last commits) is replayed in seq order: rows are written back as they
  were after that save, so replay is idempotent.
- Each process appends to its own file (`<db>.journal/<pid>-<time>-<n>.log`), locked while
  it writes there; a backup starts a new file, and files whose saves every kept backup
  holds are deleted (never a file another live process holds).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import sqlite3
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from reader.store.connection import fsync

log = logging.getLogger(__name__)

# The tables holding what the user wrote (notes_fts is derived from notes and rebuilt).
JOURNALED = ("notes", "tags", "entity_edits", "user_policies", "article_state", "article_meta",
             "article_stars", "article_tags", "saved_searches")


def journal_dir(db: Path) -> Path:
    return db.with_name(db.name + ".journal")


# -- capturing a save --------------------------------------------------------------------------

def install_triggers(conn: sqlite3.Connection) -> None:
    """Temporary (per-connection) triggers recording the rows each save touches."""
    conn.execute("PRAGMA temp_store = MEMORY")
    # No unique key: an outer statement's ON CONFLICT would override the trigger's own
    # conflict clause (an upsert then fails on a row touched twice); capture de-duplicates.
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS journal_touched "
                 "(tbl TEXT NOT NULL, rid INTEGER NOT NULL)")
    for table in JOURNALED:
        for event, refs in (("INSERT", ("NEW",)), ("DELETE", ("OLD",)),
                            ("UPDATE", ("OLD", "NEW"))):
            body = " ".join(f"INSERT INTO journal_touched VALUES ('{table}', "
                            f"{ref}.rowid);" for ref in refs)
            conn.execute(f"CREATE TEMP TRIGGER IF NOT EXISTS journal_{table}_{event.lower()} "
                         f"AFTER {event} ON main.{table} BEGIN {body} END")


def _encode(value):
    return {"$b": value.hex()} if isinstance(value, bytes) else value


def _decode(value):
    if isinstance(value, dict):
        return bytes.fromhex(value["$b"])
    return value


def capture(conn: sqlite3.Connection) -> tuple[int, str] | None:
    """Inside a save's transaction, just before COMMIT: bump the save counter and return
    (seq, journal line) for the rows the save touched; None when it touched none."""
    touched = conn.execute(
        "SELECT DISTINCT tbl, rid FROM journal_touched ORDER BY tbl, rid").fetchall()
    if not touched:
        return None
    conn.execute("DELETE FROM journal_touched")
    rows = []
    for table, rid in touched:
        if table not in JOURNALED:
            continue
        cur = conn.execute(f"SELECT * FROM main.{table} WHERE rowid = ?", (rid,))
        row = cur.fetchone()
        values = None if row is None else {
            d[0]: _encode(v) for d, v in zip(cur.description, row, strict=True)}
        rows.append([table, rid, values])
    seq = conn.execute("UPDATE journal_state SET seq = seq + 1 RETURNING seq").fetchone()[0]
    payload = json.dumps({"at": datetime.now().isoformat(timespec="seconds"), "rows": rows},
                         separators=(",", ":"))
    body = f"{seq} {payload}"
    return seq, f"{zlib.crc32(body.encode('utf-8')):08x} {body}\n"


def database_seq(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT seq FROM journal_state").fetchone()[0]


# -- writing ---------------------------------------------------------------------------------

class JournalWriter:
    """This process's journal file: opened at its first save, locked while open."""

    def __init__(self, db: Path):
        self.folder = journal_dir(db)
        self._fd: int | None = None
        self._path: Path | None = None
        self._parts = 0
        self._failed = False
        self.retired: set[Path] = set()  # files this writer closed (prunable without a lock)

    @property
    def current(self) -> Path | None:
        return self._path

    def append(self, line: str) -> None:
        """Append one line and fsync it. A journal that cannot be written is logged once
        (the save itself is committed; only its second copy is missing)."""
        try:
            if self._fd is None:
                self._open()
            data = line.encode("utf-8")
            while data:
                data = data[os.write(self._fd, data):]
            os.fsync(self._fd)
            self._failed = False
        except OSError as exc:
            if not self._failed:
                log.warning("the save journal cannot be written (%s); saves go on without "
                            "their second copy", exc)
            self._failed = True
            self.rotate()

    def _open(self) -> None:
        self.folder.mkdir(exist_ok=True)
        self._parts += 1
        # Unique per writer (two stores in one process, or a pid reused, never share a
        # file), created exclusively and locked under a name `prune` does not look at, then
        # given its .log name: it is never seen unlocked while in use.
        name = f"{os.getpid()}-{datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(4)}-" \
               f"{self._parts}"
        new, path = self.folder / f"{name}.new", self.folder / f"{name}.log"
        fd = os.open(new, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL, 0o600)
        _lock(fd)
        os.replace(new, path)
        fsync(self.folder)
        self._fd, self._path = fd, path

    def rotate(self) -> None:
        """Close this file (its lock goes with it): the next save starts a new one."""
        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass
            self.retired.add(self._path)
        self._fd = self._path = None

    close = rotate


def _lock(fd: int) -> bool:
    """An exclusive flock without waiting; whether it was taken."""
    try:
        import fcntl
    except ImportError:  # Windows: no flock, so another process's file is never pruned
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


# -- reading and replaying -------------------------------------------------------------------

@dataclass
class Pending:
    """The journal's saves newer than a database: {seq: rows}, and how many lines (other
    than a torn last line) could not be read."""

    saves: dict[int, list] = field(default_factory=dict)
    unreadable: int = 0

    def gaps(self, after: int) -> int:
        """Saves between `after` and the newest pending one that the journal lacks."""
        return (max(self.saves) - after - len(self.saves)) if self.saves else 0


def _lines(path: Path):
    """(seq, payload text) of each intact line; None for a damaged one. A torn last line (a
    process killed while writing it: its save was never acknowledged) is ignored."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        log.warning("save journal file %s cannot be read: %s", path.name, exc)
        yield None
        return
    lines = raw.split(b"\n")
    last = lines.pop()  # after the final newline: b"" unless the last line is torn
    del last
    for line in lines:
        try:
            crc, body = line.split(b" ", 1)
            if int(crc, 16) != zlib.crc32(body):
                raise ValueError("checksum")
            seq, payload = body.split(b" ", 1)
            yield int(seq), payload
        except ValueError:
            yield None


def journal_files(db: Path) -> list[Path]:
    folder = journal_dir(db)
    try:
        return sorted(p for p in folder.iterdir() if p.suffix == ".log")
    except OSError:
        return []


def newest_seq(db: Path) -> int:
    """The highest seq any intact journal line holds (0 for none)."""
    return max((item[0] for f in journal_files(db) for item in _lines(f) if item), default=0)


def pending(db: Path, after: int) -> Pending:
    """The journal's saves with a seq above `after`."""
    found = Pending()
    for path in journal_files(db):
        for item in _lines(path):
            if item is None:
                found.unreadable += 1
                continue
            seq, payload = item
            if seq <= after or seq in found.saves:
                continue
            try:
                rows = json.loads(payload)["rows"]
                if not isinstance(rows, list):
                    raise ValueError("rows")
            except (ValueError, KeyError, TypeError):
                found.unreadable += 1
                continue
            found.saves[seq] = rows
    return found


def replay(conn: sqlite3.Connection, saves: dict[int, list]) -> set[int]:
    """Write the saves' rows back, in seq order, inside the caller's transaction (foreign
    keys off: each save lists every row it changed, cascades included). The note ids they
    touched."""
    columns = {t: {r[1] for r in conn.execute(f"PRAGMA main.table_info({t})")}
               for t in JOURNALED}
    notes: set[int] = set()
    for seq in sorted(saves):
        for entry in saves[seq]:
            try:
                table, rid, values = entry
                if table not in JOURNALED or type(rid) is not int:
                    raise ValueError(table)
                conn.execute(f"DELETE FROM main.{table} WHERE rowid = ?", (rid,))
                if values is not None:
                    names = [c for c in values if c in columns[table]]
                    conn.execute(
                        f"INSERT INTO main.{table} (rowid, {', '.join(names)}) "
                        f"VALUES (?{', ?' * len(names)})",
                        (rid, *(_decode(values[c]) for c in names)))
                if table == "notes":
                    notes.add(rid)
                elif table == "tags" and values is not None:
                    notes.add(values.get("note_id"))
            except (ValueError, TypeError, KeyError, sqlite3.IntegrityError) as exc:
                log.warning("save %d in the journal cannot be replayed (%s); skipped", seq, exc)
        conn.execute("UPDATE journal_state SET seq = max(seq, ?)", (seq,))
    return {n for n in notes if type(n) is int}


def prune(db: Path, keep_after: int, retired: set[Path]) -> None:
    """Delete journal files whose every save is at or below `keep_after` (held by every kept
    backup); never a file a live writer holds (its lock), but those in `retired` (this
    process's closed files: where flock is missing, nothing else shows they are free)."""
    for path in journal_files(db):
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            if not _lock(fd) and path not in retired:
                continue
            seqs = [item[0] for item in _lines(path) if item]
            if max(seqs, default=0) <= keep_after:
                path.unlink(missing_ok=True)
                retired.discard(path)
        finally:
            os.close(fd)


# -- at open ---------------------------------------------------------------------------------

@dataclass
class Replayed:
    """What `replay_at_open` did: how many saves it wrote back, and the user's sentence."""

    count: int = 0
    message: str = ""


def replay_at_open(conn: sqlite3.Connection, db: Path, restored: str) -> Replayed:
    """Replay the journal's saves newer than the database (outside any transaction; takes
    the write lock). `restored` is what replaced a damaged file: "backup", "empty" or ""."""
    if not journal_dir(db).is_dir():  # a database from before the journal
        if restored == "backup":
            return Replayed(0, "Changes made after that backup are missing.")
        return Replayed()
    if not restored and newest_seq(db) <= database_seq(conn):
        return Replayed()  # the usual start: nothing newer than the database
    conn.execute("PRAGMA foreign_keys = OFF")  # (a no-op inside a transaction)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            have = database_seq(conn)  # again, under the write lock
            found = pending(db, have)
            notes = replay(conn, found.saves)
            _reindex_notes(conn, notes)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    finally:
        conn.execute("PRAGMA foreign_keys = ON")
    # (a garbled line usually is a gap too: counted once)
    count, lost = len(found.saves), max(found.gaps(have), found.unreadable)
    if count:
        log.warning("replayed %d saves from the save journal (%d notes)", count, len(notes))
    return Replayed(count, _message(restored, count, lost))


def _message(restored: str, count: int, lost: int) -> str:
    missing = (f" {lost} journal entr{'y' if lost == 1 else 'ies'} could not be read, so "
               "some changes may be missing.") if lost else ""
    if restored == "backup":
        if not count:
            return ("The save journal holds no change made after that backup." + missing)
        return (f"The {count} changes made after that backup were replayed from the save "
                f"journal{', so none is missing' if not lost else ''}." + missing)
    if restored == "empty":
        return (f"The {count} changes in the save journal were replayed into it." + missing
                if count else missing.strip())
    if count:
        return (f"The notes database had lost its last {count} changes (a damaged or missing "
                f"write-ahead log after a crash); they were replayed from the save journal."
                + missing)
    return ""


def _reindex_notes(conn: sqlite3.Connection, notes: set[int]) -> None:
    """Bring the notes' full-text rows in step with the replayed notes (as
    NoteSaves._index_note does for a save)."""
    for note_id in notes:
        conn.execute("DELETE FROM notes_fts WHERE rowid = ?", (note_id,))
        conn.execute(
            "INSERT INTO notes_fts (rowid, body, quote, tags) SELECT id, body, quote, "
            "COALESCE((SELECT group_concat(tag, ' ') FROM tags WHERE note_id = notes.id), '') "
            "FROM notes WHERE id = ?", (note_id,))
