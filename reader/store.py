"""The user-data store: notes, entity edits, user policies and read state in one SQLite file.

The only module that imports sqlite3. What the user writes here cannot be rebuilt, so:
- WAL with synchronous=FULL, one write connection, `BEGIN IMMEDIATE` and one transaction
  per save: a crash or kill never loses an acknowledged save nor leaves half of one.
- `PRAGMA quick_check` at open. A damaged file is never overwritten: it is moved aside
  (`reader.sqlite3.damaged-<time>`), the newest good backup is restored and
  `Store.recovery_message` says so (the UI and CLI show it).
- Verified, rotating backups (SQLite backup API) in `<data dir>/backups/`.
- A data folder that cannot be written opens read-only: everything reads, writes raise
  ReadOnly. A full disk raises DiskFull and rolls back only the failed save.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from reader.domain import Anchor, Note
from reader.errors import BadInput, DiskFull, NotFound, ReaderError, ReadOnly
from reader.notes import new_uid, normalise_tags, now_iso

log = logging.getLogger(__name__)

KEEP_BACKUPS = 5
BACKUP_EVERY = timedelta(days=1)  # `backup_if_due` (called at open) backs up at most daily
# `close` also backs up a session that changed something, unless the newest backup is this
# recent: a burst of CLI commands must not rotate yesterday's backups away.
CLOSE_BACKUP_GAP = timedelta(hours=1)
BUSY_TIMEOUT = 5.0  # seconds a save waits for another process's save
_BACKUP_NAME = re.compile(r"^reader-(\d{8}-\d{6})\.sqlite3$")

# SQLite primary result codes (https://sqlite.org/rescode.html).
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, \
    14, 26

# Schema migrations: MIGRATIONS[n] takes a database from user_version n to n + 1. Append
# only; never edit a released step.
MIGRATIONS: list[tuple[str, ...]] = [
    (  # 1: notes, tags, entity edits, user policies, read state
        """CREATE TABLE notes (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            doc TEXT NOT NULL,
            text_hash TEXT NOT NULL DEFAULT '',
            pos_start INTEGER,
            pos_end INTEGER,
            quote TEXT NOT NULL DEFAULT '',
            prefix TEXT NOT NULL DEFAULT '',
            suffix TEXT NOT NULL DEFAULT '',
            body TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            trashed INTEGER NOT NULL DEFAULT 0,
            orphan INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX notes_doc ON notes(doc)",
        """CREATE TABLE tags (
            note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
            tag TEXT NOT NULL COLLATE NOCASE,
            pos INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (note_id, tag)
        )""",
        "CREATE INDEX tags_tag ON tags(tag)",
        """CREATE TABLE entity_edits (
            id INTEGER PRIMARY KEY,
            op TEXT NOT NULL,
            payload TEXT NOT NULL,
            created TEXT NOT NULL,
            undone INTEGER NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE user_policies (
            id INTEGER PRIMARY KEY,
            label TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            patterns TEXT NOT NULL DEFAULT '[]',
            created TEXT NOT NULL
        )""",
        """CREATE TABLE article_state (
            doc_id TEXT PRIMARY KEY,
            read INTEGER NOT NULL DEFAULT 0
        )""",
    ),
    (  # 2: full-text search over notes (kept in step with `notes` by `_index_note`)
        "CREATE VIRTUAL TABLE notes_fts USING fts5(body, quote, tags, "
        "tokenize = 'unicode61 remove_diacritics 2')",
        """INSERT INTO notes_fts (rowid, body, quote, tags)
           SELECT id, body, quote,
                  COALESCE((SELECT group_concat(tag, ' ') FROM tags WHERE note_id = notes.id), '')
           FROM notes""",
    ),
]
SCHEMA_VERSION = len(MIGRATIONS)

_NOTE_SELECT = """
    SELECT n.id, n.doc, n.text_hash, n.pos_start, n.pos_end, n.quote, n.prefix, n.suffix,
           n.body, (SELECT group_concat(tag, char(31))
                    FROM (SELECT tag FROM tags WHERE note_id = n.id ORDER BY pos)),
           n.created, n.updated, n.trashed, n.orphan, n.uid
    FROM notes n"""


def _note(row) -> Note:
    (note_id, doc, text_hash, start, end, quote, prefix, suffix, body, tags, created, updated,
     trashed, orphan, uid) = row
    return Note(id=note_id, doc=doc, text_hash=text_hash, start=start, end=end, quote=quote,
                prefix=prefix, suffix=suffix, body=body,
                tags=tuple(tags.split("\x1f")) if tags else (), created=created,
                updated=updated, trashed=bool(trashed), orphan=bool(orphan), uid=uid)


def _code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def _translate(exc: sqlite3.Error) -> ReaderError | None:
    """The user-facing error for a failed SQLite call, or None for a programming error."""
    code = _code(exc)
    if code == _FULL:
        return DiskFull("The disk is full, so this change was not saved (everything saved "
                        "before is safe). Free some space and try again.")
    if code == _READONLY:
        return ReadOnly("The notes database cannot be written (read-only file or folder), so "
                        "this change was not saved.")
    if code in (_BUSY, _LOCKED):
        return ReaderError("The notes database is busy (another reader window or command is "
                           "saving). Try again in a moment.")
    if code in (_CORRUPT, _NOTADB):
        return ReaderError("The notes database is damaged. Restart reader: it will set the "
                           "damaged file aside and restore the latest backup.")
    if code in (_IOERR, _CANTOPEN):
        return ReaderError(f"Could not read or write the notes database: {exc}.")
    return None


def _connect(target: str, uri: bool = False) -> sqlite3.Connection:
    # Autocommit mode (isolation_level=None): transactions are explicit BEGIN IMMEDIATE.
    # check_same_thread=False: the UI's serial task lane may run saves on a worker thread;
    # Store serialises every use of the connection with its lock.
    return sqlite3.connect(target, uri=uri, timeout=BUSY_TIMEOUT, isolation_level=None,
                           check_same_thread=False)


def _user_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def _migrate(conn: sqlite3.Connection) -> None:
    """Apply the missing MIGRATIONS, each step in its own transaction."""
    while (version := _user_version(conn)) < SCHEMA_VERSION:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read inside the lock: another process may have migrated meanwhile.
            if (version := _user_version(conn)) < SCHEMA_VERSION:
                for statement in MIGRATIONS[version]:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version + 1}")
                log.info("notes database migrated to schema %d", version + 1)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


def _check(conn: sqlite3.Connection, pragma: str = "quick_check") -> str:
    rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}").fetchall()]
    return "ok" if rows == ["ok"] else "; ".join(rows[:3])


def _fsync(path: Path) -> None:
    """Flush a file (or, on POSIX, a directory entry) to disk; best effort."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]


def _age(path: Path) -> timedelta:
    try:
        return datetime.now() - datetime.fromtimestamp(path.stat().st_mtime)
    except OSError:
        return timedelta(0)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%d-%H%M%S")


class Store:
    """The open user-data database. Open one per process with `Store.open`; `close()` it
    (or use `with`). Thread-safe: every call holds the store's lock.

    Attributes:
        path: the database file.
        readonly: True when writes are refused (they raise ReadOnly).
        recovery_message: what open had to do (restored a backup, opened read-only...), for
            the user; "" when nothing happened.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, readonly: bool, message: str):
        self._conn = conn
        self._lock = threading.RLock()
        self._changed = False  # a save happened since the last backup
        self._closed = False
        self.path = path
        self.readonly = readonly
        self.recovery_message = message

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path | str, readonly: bool = False) -> Store:
        """Open (creating or migrating if needed) the database at `path`.

        Never raises for a damaged file (see the module docstring). Falls back to read-only
        when the folder or file cannot be written. Raises ReaderError when the file cannot
        be opened at all (e.g. locked by another process for longer than BUSY_TIMEOUT)."""
        path = Path(path).expanduser().absolute()
        messages: list[str] = []
        if not readonly:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                readonly = True
                messages.append(f"The data folder {path.parent} cannot be created ({exc}).")
        if not readonly and not cls._writable(path):
            readonly = True
            messages.append(f"The data folder {path.parent} is read-only, so notes and edits "
                            "can be read but not changed.")
        if readonly:
            return cls._open_readonly(path, messages)
        try:
            damage = cls._damage(path)
            if damage:
                messages.append(cls._recover(path, damage))
            conn = _connect(str(path))
        except sqlite3.Error as exc:
            raise (_translate(exc) or ReaderError(f"Cannot open {path}: {exc}")) from exc
        try:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode != "wal":
                log.warning("notes database is in %s mode, not WAL", mode)
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            if _user_version(conn) > SCHEMA_VERSION:
                conn.close()
                messages.append("The notes database was written by a newer version of reader, "
                                "so it is open read-only.")
                return cls._open_readonly(path, messages)
            _migrate(conn)
        except sqlite3.Error as exc:
            conn.close()
            raise (_translate(exc) or ReaderError(f"Cannot open {path}: {exc}")) from exc
        store = cls(conn, path, False, " ".join(messages))
        store.backup_if_due()
        return store

    @staticmethod
    def _writable(path: Path) -> bool:
        return os.access(path.parent, os.W_OK) and all(
            os.access(p, os.W_OK) for p in [path, *_sidecars(path)] if p.exists())

    @classmethod
    def _damage(cls, path: Path) -> str:
        """Why the file at `path` is unusable, or "" (also for a missing file)."""
        if not path.exists():
            return ""
        if path.stat().st_size == 0:
            # A database reader created is never empty (WAL mode writes page 1 at once), so
            # an empty file with backups around is a truncated one.
            return "the file is empty" if cls._backups(path) else ""
        try:
            conn = _connect(path.as_uri() + "?mode=rw", uri=True)
            try:
                result = _check(conn)
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:
            if _code(exc) in (_CORRUPT, _NOTADB):
                return str(exc)
            raise
        return "" if result == "ok" else result

    @classmethod
    def _recover(cls, path: Path, damage: str) -> str:
        """Move the damaged file aside, restore the newest good backup; the user message."""
        aside = path.with_name(f"{path.name}.damaged-{_stamp(datetime.now())}")
        n = 1
        while aside.exists():
            aside = path.with_name(f"{path.name}.damaged-{_stamp(datetime.now())}-{n}")
            n += 1
        os.replace(path, aside)
        for side, moved in zip(_sidecars(path), _sidecars(aside), strict=True):
            if side.exists():
                os.replace(side, moved)
        log.warning("notes database damaged (%s); moved to %s", damage, aside)
        for backup in reversed(cls._backups(path)):
            if cls._verify(backup, "quick_check"):
                partial = path.with_name(path.name + ".restoring")
                shutil.copyfile(backup, partial)
                _fsync(partial)
                os.replace(partial, path)
                _fsync(path.parent)
                when = datetime.strptime(_BACKUP_NAME.match(backup.name)[1], "%Y%m%d-%H%M%S")
                return (f"The notes database was damaged ({damage}). It was moved aside to "
                        f"{aside.name} and the backup from {when:%Y-%m-%d %H:%M} was restored: "
                        "changes made after that backup are missing.")
        return (f"The notes database was damaged ({damage}) and there was no backup to "
                f"restore, so reader started with an empty one. The damaged file is kept as "
                f"{aside.name}.")

    @classmethod
    def _open_readonly(cls, path: Path, messages: list[str]) -> Store:
        """A read-only store: the file is copied into memory (so a folder we cannot write,
        where SQLite cannot create its WAL index, still reads) and migrated there."""
        memory = _connect(":memory:")
        if path.exists() and path.stat().st_size > 0:
            try:
                cls._load_readonly(path, memory, messages)
            except sqlite3.DatabaseError as exc:
                memory.close()
                memory = _connect(":memory:")
                messages.append(f"The notes database could not be read ({exc}) and the data "
                                "folder is read-only, so it cannot be repaired: no notes are "
                                "shown.")
        if _user_version(memory) <= SCHEMA_VERSION:
            _migrate(memory)
        memory.execute("PRAGMA query_only = ON")  # belt and braces: ReadOnly is raised first
        return cls(memory, path, True, " ".join(messages))

    @staticmethod
    def _load_readonly(path: Path, memory: sqlite3.Connection, messages: list[str]) -> None:
        # After a clean close everything is in the main file: immutable=1 reads it without
        # creating -wal/-shm files. Otherwise (a writer is running, or one crashed) saves may
        # still be in the WAL: mode=ro reads them when SQLite can use the WAL index, which
        # fails in a folder it cannot write; then immutable=1 is all we can do.
        wal = _sidecars(path)[0]
        source = None
        if wal.exists() and wal.stat().st_size > 0:
            try:
                source = _connect(path.as_uri() + "?mode=ro", uri=True)
                result = _check(source)
            except sqlite3.OperationalError:
                if source is not None:
                    source.close()
                source = None
                messages.append("reader did not close cleanly last time and the data folder "
                                "is read-only, so the latest changes may not be shown.")
        if source is None:
            source = _connect(path.as_uri() + "?mode=ro&immutable=1", uri=True)
            result = _check(source)
        try:
            if result != "ok":
                raise sqlite3.DatabaseError(result)
            source.backup(memory)
        finally:
            source.close()

    # -- closing and backups ---------------------------------------------------------------
    def close(self) -> None:
        """Back up if due (or if this session saved something and the newest backup is over
        an hour old), then close. Safe to call twice."""
        with self._lock:
            if self._closed:
                return
            try:
                if not self.readonly:
                    newest = self._newest_backup_time()
                    recent = newest is not None and \
                        timedelta(0) <= datetime.now() - newest < CLOSE_BACKUP_GAP
                    if self._due(newest) or (self._changed and not recent):
                        self._safe_backup()
            finally:
                self._conn.close()
                self._closed = True

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def backups_dir(self) -> Path:
        return self.path.parent / "backups"

    @staticmethod
    def _backups(path: Path) -> list[Path]:
        """Backups of the database at `path`, oldest first."""
        folder = path.parent / "backups"
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if _BACKUP_NAME.match(p.name))

    def backups(self) -> list[Path]:
        """The backups, oldest first."""
        return self._backups(self.path)

    def _newest_backup_time(self) -> datetime | None:
        backups = self.backups()
        if not backups:
            return None
        return datetime.strptime(_BACKUP_NAME.match(backups[-1].name)[1], "%Y%m%d-%H%M%S")

    @staticmethod
    def _due(newest: datetime | None, now: datetime | None = None) -> bool:
        age = (now or datetime.now()) - newest if newest else None
        return age is None or not timedelta(0) <= age < BACKUP_EVERY

    def backup_if_due(self, now: datetime | None = None) -> Path | None:
        """Back up when the newest backup is a day old (or there is none). Never raises: a
        failed backup is logged and the store keeps working."""
        with self._lock:
            if self.readonly or self._closed or not self._due(self._newest_backup_time(), now):
                return None
            return self._safe_backup(now)

    def _safe_backup(self, now: datetime | None = None) -> Path | None:
        try:
            return self.backup(now)
        except (ReaderError, OSError) as exc:
            log.warning("notes backup failed: %s", exc)
            return None

    def backup(self, now: datetime | None = None) -> Path:
        """Write a verified backup now (`backups/reader-<local time>.sqlite3`) and keep the
        newest KEEP_BACKUPS. Older ones are pruned only after the new one passed
        integrity_check. Raises ReaderError/OSError when the backup fails."""
        with self._lock:
            if self.readonly:
                raise ReadOnly("Cannot back up: the data folder is read-only.")
            folder = self.backups_dir
            folder.mkdir(parents=True, exist_ok=True)
            final = folder / f"reader-{_stamp(now or datetime.now())}.sqlite3"
            # Unique per writer: two processes backing up in the same second must not write
            # into one partial file.
            partial = final.with_name(
                f"{final.name}.{os.getpid()}-{threading.get_ident()}.partial")
            for stale in folder.glob("*.partial"):  # left by a backup that was killed
                if stale == partial or _age(stale) > CLOSE_BACKUP_GAP:
                    stale.unlink(missing_ok=True)
            try:
                dest = _connect(str(partial))
                try:
                    self._conn.backup(dest)
                    # A standalone file: no -wal/-shm next to the backups.
                    dest.execute("PRAGMA journal_mode = DELETE")
                    result = _check(dest, "integrity_check")
                finally:
                    dest.close()
            except sqlite3.Error as exc:
                partial.unlink(missing_ok=True)
                raise (_translate(exc) or ReaderError(f"Backup failed: {exc}")) from exc
            if result != "ok":
                partial.unlink(missing_ok=True)
                raise ReaderError(f"The backup failed verification ({result}); older backups "
                                  "were kept.")
            _fsync(partial)
            os.replace(partial, final)
            _fsync(folder)
            self._changed = False
            for old in self.backups()[:-KEEP_BACKUPS]:
                old.unlink(missing_ok=True)
            log.info("notes backed up to %s", final)
            return final

    @staticmethod
    def _verify(path: Path, pragma: str = "integrity_check") -> bool:
        try:
            conn = _connect(path.as_uri() + "?mode=ro", uri=True)
            try:
                return _check(conn, pragma) == "ok"
            finally:
                conn.close()
        except sqlite3.Error:
            return False

    def integrity_check(self) -> str:
        """"ok", or the first problems `PRAGMA integrity_check` reports."""
        with self._lock:
            return _check(self._conn, "integrity_check")

    # -- transactions ----------------------------------------------------------------------
    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One save: BEGIN IMMEDIATE … COMMIT, rolled back whole on any error. SQLite errors
        become ReaderErrors (DiskFull, ReadOnly, busy, damaged)."""
        if self.readonly:
            raise ReadOnly(f"Cannot save: the notes database is open read-only (the data "
                           f"folder {self.path.parent} is not writable).")
        with self._lock:
            if self._closed:
                raise ReaderError("The notes database is closed.")
            conn = self._conn
            try:
                conn.execute("BEGIN IMMEDIATE")
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    try:
                        conn.execute("ROLLBACK")
                    except sqlite3.Error as rollback_exc:  # SQLite may have rolled back
                        log.warning("rollback failed: %s", rollback_exc)
                if isinstance(exc, sqlite3.Error) and (error := _translate(exc)):
                    raise error from exc
                raise
            self._changed = True

    def _read(self, sql: str, params: Iterable = ()) -> list[tuple]:
        with self._lock:
            try:
                return self._conn.execute(sql, tuple(params)).fetchall()
            except sqlite3.Error as exc:
                error = _translate(exc)
                if error is None:
                    raise
                raise error from exc

    # -- notes -----------------------------------------------------------------------------
    def add_note(self, doc: str, anchor: Anchor | None = None, text_hash: str = "",
                 body: str = "", tags: Iterable[str] = (), *, uid: str | None = None,
                 created: str | None = None, updated: str | None = None) -> Note:
        """Save a new note on `doc`: on a passage (`anchor` from notes.make_anchor against
        the article whose `text_hash` is given) or, with no anchor, on the whole article."""
        if not isinstance(doc, str) or not doc.strip():
            raise BadInput("A note needs the id of its article.")
        if not isinstance(body, str):
            raise BadInput("A note's text must be text.")
        tags = normalise_tags(tags)
        stamp = now_iso()
        created = created or stamp
        with self._write() as conn:
            try:
                cur = conn.execute(
                    "INSERT INTO notes (uid, doc, text_hash, pos_start, pos_end, quote, prefix,"
                    " suffix, body, created, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (uid or new_uid(), doc, text_hash,
                     anchor.start if anchor else None, anchor.end if anchor else None,
                     anchor.quote if anchor else "", anchor.prefix if anchor else "",
                     anchor.suffix if anchor else "", body, created, updated or created))
            except sqlite3.IntegrityError:
                raise BadInput(f"A note with id {uid} already exists.") from None
            self._set_tags(conn, cur.lastrowid, tags)
            self._index_note(conn, cur.lastrowid)
        return self.get_note(cur.lastrowid)

    def update_note(self, note_id: int, body: str | None = None,
                    tags: Iterable[str] | None = None) -> Note:
        """Change a note's text and/or tags (None leaves it). Raises NotFound."""
        if body is not None and not isinstance(body, str):
            raise BadInput("A note's text must be text.")
        tags = None if tags is None else normalise_tags(tags)
        with self._write() as conn:
            self._require(conn, note_id)
            if body is not None:
                conn.execute("UPDATE notes SET body = ? WHERE id = ?", (body, note_id))
            if tags is not None:
                self._set_tags(conn, note_id, tags)
            conn.execute("UPDATE notes SET updated = ? WHERE id = ?", (now_iso(), note_id))
            self._index_note(conn, note_id)
        return self.get_note(note_id)

    def trash_note(self, note_id: int) -> Note:
        """Move a note to the trash (hidden from lists; restore_note brings it back)."""
        return self._set_flag(note_id, "trashed", True)

    def restore_note(self, note_id: int) -> Note:
        return self._set_flag(note_id, "trashed", False)

    def empty_trash(self) -> int:
        """Delete trashed notes for good; how many."""
        with self._write() as conn:
            ids = [r[0] for r in conn.execute("SELECT id FROM notes WHERE trashed = 1")]
            conn.executemany("DELETE FROM notes_fts WHERE rowid = ?", [(i,) for i in ids])
            conn.execute("DELETE FROM notes WHERE trashed = 1")
        return len(ids)

    def set_anchor(self, note_id: int, start: int | None, end: int | None, text_hash: str,
                   orphan: bool = False) -> Note:
        """Record a re-anchoring (notes.refresh_anchor): not a user edit, so `updated` stays.
        None offsets keep the stored ones (an orphan keeps its last position as a hint)."""
        with self._write() as conn:
            self._require(conn, note_id)
            conn.execute("UPDATE notes SET pos_start = COALESCE(?, pos_start), "
                         "pos_end = COALESCE(?, pos_end), text_hash = ?, orphan = ? "
                         "WHERE id = ?", (start, end, text_hash, int(orphan), note_id))
        return self.get_note(note_id)

    def get_note(self, note_id: int) -> Note:
        rows = self._read(_NOTE_SELECT + " WHERE n.id = ?", (note_id,))
        if not rows:
            raise NotFound(f"There is no note {note_id}.")
        return _note(rows[0])

    def list_notes(self, doc: str | None = None, tag: str | None = None,
                   include_trashed: bool = False) -> list[Note]:
        """Notes, oldest first; filtered by article and/or tag (case-insensitive)."""
        where, params = [], []
        if doc is not None:
            where.append("n.doc = ?")
            params.append(doc)
        if tag is not None:
            where.append("EXISTS (SELECT 1 FROM tags t WHERE t.note_id = n.id AND t.tag = ?)")
            params.append(" ".join(tag.strip().lstrip("#").split()))
        if not include_trashed:
            where.append("n.trashed = 0")
        sql = _NOTE_SELECT + (" WHERE " + " AND ".join(where) if where else "")
        return [_note(r) for r in self._read(sql + " ORDER BY n.created, n.id", params)]

    def search_notes(self, text: str, include_trashed: bool = False) -> list[Note]:
        """Notes whose text, quote or tags contain every word of `text` (word prefixes
        match: "safegu" finds "safeguarding"), best first."""
        words = re.findall(r"\w+", text or "")
        if not words:
            return []
        match = " ".join(f'"{w}"*' for w in words)
        sql = _NOTE_SELECT + " JOIN notes_fts f ON f.rowid = n.id WHERE notes_fts MATCH ?"
        if not include_trashed:
            sql += " AND n.trashed = 0"
        return [_note(r) for r in self._read(sql + " ORDER BY bm25(notes_fts)", (match,))]

    def tags(self) -> list[tuple[str, int]]:
        """(tag, number of notes) over notes not in the trash, alphabetical."""
        rows = self._read("SELECT t.tag, count(*) FROM tags t JOIN notes n ON n.id = t.note_id "
                          "WHERE n.trashed = 0 GROUP BY t.tag ORDER BY t.tag")
        return [(tag, count) for tag, count in rows]

    def import_notes(self, notes: Iterable[Note]) -> dict[str, int]:
        """Add notes from notes.parse_annotations in one save, matched on `uid`: an unknown
        uid is added, a known one updated only when the imported copy is newer. Imported
        notes get an empty text_hash, so the library re-anchors them against the text."""
        counts = {"added": 0, "updated": 0, "unchanged": 0}
        with self._write() as conn:
            for note in notes:
                row = conn.execute("SELECT id, updated FROM notes WHERE uid = ?",
                                   (note.uid,)).fetchone()
                if row is None:
                    cur = conn.execute(
                        "INSERT INTO notes (uid, doc, text_hash, pos_start, pos_end, quote, "
                        "prefix, suffix, body, created, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                        (note.uid or new_uid(), note.doc, "", note.start, note.end, note.quote,
                         note.prefix, note.suffix, note.body, note.created, note.updated))
                    note_id = cur.lastrowid
                    counts["added"] += 1
                elif note.updated > row[1]:
                    note_id = row[0]
                    conn.execute("UPDATE notes SET body = ?, updated = ? WHERE id = ?",
                                 (note.body, note.updated, note_id))
                    counts["updated"] += 1
                else:
                    counts["unchanged"] += 1
                    continue
                self._set_tags(conn, note_id, normalise_tags(note.tags))
                self._index_note(conn, note_id)
        return counts

    def _set_flag(self, note_id: int, column: str, value: bool) -> Note:
        with self._write() as conn:
            self._require(conn, note_id)
            conn.execute(f"UPDATE notes SET {column} = ? WHERE id = ?", (int(value), note_id))
        return self.get_note(note_id)

    @staticmethod
    def _require(conn: sqlite3.Connection, note_id: int) -> None:
        if conn.execute("SELECT 1 FROM notes WHERE id = ?", (note_id,)).fetchone() is None:
            raise NotFound(f"There is no note {note_id}.")

    @staticmethod
    def _set_tags(conn: sqlite3.Connection, note_id: int, tags: tuple[str, ...]) -> None:
        conn.execute("DELETE FROM tags WHERE note_id = ?", (note_id,))
        conn.executemany("INSERT INTO tags (note_id, tag, pos) VALUES (?, ?, ?)",
                         [(note_id, tag, pos) for pos, tag in enumerate(tags)])

    @staticmethod
    def _index_note(conn: sqlite3.Connection, note_id: int) -> None:
        conn.execute("DELETE FROM notes_fts WHERE rowid = ?", (note_id,))
        conn.execute(
            "INSERT INTO notes_fts (rowid, body, quote, tags) SELECT id, body, quote, "
            "COALESCE((SELECT group_concat(tag, ' ') FROM tags WHERE note_id = notes.id), '') "
            "FROM notes WHERE id = ?", (note_id,))

    # -- entity edits ----------------------------------------------------------------------
    def add_entity_edit(self, edit: dict) -> int:
        """Record an entity edit ({"op": ..., ...}, JSON-serialisable); its id. A new edit
        discards the redo history."""
        if not isinstance(edit, dict) or not isinstance(edit.get("op"), str) or not edit["op"]:
            raise BadInput('An entity edit needs an "op", e.g. {"op": "merge", ...}.')
        try:
            payload = json.dumps(edit, ensure_ascii=False, sort_keys=True)
        except (TypeError, ValueError) as exc:
            raise BadInput(f"An entity edit must be plain JSON data ({exc}).") from None
        with self._write() as conn:
            conn.execute("DELETE FROM entity_edits WHERE undone = 1")
            cur = conn.execute("INSERT INTO entity_edits (op, payload, created) VALUES (?,?,?)",
                               (edit["op"], payload, now_iso()))
        return cur.lastrowid

    def entity_edits(self) -> list[dict]:
        """The edits in force (not undone), oldest first, as they were given: replay them in
        order."""
        rows = self._read("SELECT payload FROM entity_edits WHERE undone = 0 ORDER BY id")
        return [json.loads(payload) for (payload,) in rows]

    def undo_entity_edit(self) -> dict | None:
        """Undo the newest edit in force; it (or None when there is nothing to undo). Undone
        edits are kept for `redo_entity_edit` until a new edit is added."""
        with self._write() as conn:
            row = conn.execute("SELECT id, payload FROM entity_edits WHERE undone = 0 "
                               "ORDER BY id DESC LIMIT 1").fetchone()
            if row:
                conn.execute("UPDATE entity_edits SET undone = 1 WHERE id = ?", (row[0],))
        return json.loads(row[1]) if row else None

    def redo_entity_edit(self) -> dict | None:
        """Redo the most recently undone edit; it, or None."""
        with self._write() as conn:
            row = conn.execute("SELECT id, payload FROM entity_edits WHERE undone = 1 "
                               "ORDER BY id LIMIT 1").fetchone()
            if row:
                conn.execute("UPDATE entity_edits SET undone = 0 WHERE id = ?", (row[0],))
        return json.loads(row[1]) if row else None

    # -- user policies ---------------------------------------------------------------------
    def add_user_policy(self, label: str, patterns: Iterable[str],
                        description: str = "") -> int:
        """A policy the user defined (label + phrases/patterns that mention it); its id."""
        if not isinstance(label, str) or not label.strip():
            raise BadInput("A policy needs a name.")
        if isinstance(patterns, str):
            patterns = [patterns]
        patterns = [p.strip() for p in patterns if isinstance(p, str) and p.strip()]
        if not patterns:
            raise BadInput(f"Policy {label!r} needs at least one phrase to look for.")
        with self._write() as conn:
            cur = conn.execute("INSERT INTO user_policies (label, description, patterns, created)"
                               " VALUES (?,?,?,?)", (label.strip(), description or "",
                                                     json.dumps(patterns), now_iso()))
        return cur.lastrowid

    def user_policies(self) -> list[dict]:
        """[{id, label, description, patterns, created}], oldest first."""
        rows = self._read("SELECT id, label, description, patterns, created FROM user_policies "
                          "ORDER BY id")
        return [{"id": i, "label": label, "description": desc, "patterns": json.loads(pats),
                 "created": created} for i, label, desc, pats, created in rows]

    def delete_user_policy(self, policy_id: int) -> None:
        """Raises NotFound."""
        with self._write() as conn:
            cur = conn.execute("DELETE FROM user_policies WHERE id = ?", (policy_id,))
            if cur.rowcount == 0:
                raise NotFound(f"There is no user policy {policy_id}.")

    # -- read state ------------------------------------------------------------------------
    def set_read(self, doc: str, read: bool = True) -> None:
        with self._write() as conn:
            conn.execute("INSERT INTO article_state (doc_id, read) VALUES (?, ?) "
                         "ON CONFLICT (doc_id) DO UPDATE SET read = excluded.read",
                         (doc, int(read)))

    def read_docs(self) -> set[str]:
        return {r[0] for r in self._read("SELECT doc_id FROM article_state WHERE read = 1")}
