"""Opening and closing the store's database: WAL, integrity check, recovery, read-only mode.

What the user writes here cannot be rebuilt, so:
- WAL with synchronous=FULL, one write connection, `BEGIN IMMEDIATE` and one transaction
  per save: a crash or kill never loses an acknowledged save nor leaves half of one.
- Every save is also appended to the save journal (`journal.py`) before it returns.
- `PRAGMA quick_check` at open. A damaged file is never overwritten: it is moved aside
  (`reader.sqlite3.damaged-<time>`), the newest good backup is restored, the saves made
  since are replayed from the journal, and `recovery_message` says so (the UI and CLI show
  it). A database that opens but lacks saves the journal holds (a damaged `-wal` after a
  crash) gets them back the same way.
- A data folder that cannot be written opens read-only: everything reads, writes raise
  ReadOnly. A full disk raises DiskFull and rolls back only the failed save.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Self

from reader.errors import ReaderError, ReadOnly
from reader.store import connection as sql
from reader.store import journal
from reader.store.backups import Backups, backup_time, stamp
from reader.store.readers import StoreReader
from reader.store.schema import SCHEMA_VERSION, migrate, user_version

log = logging.getLogger(__name__)

OPEN_LOCK_TIMEOUT = 60.0  # seconds a start waits for another process's check or recovery


@contextmanager
def _open_lock(path: Path) -> Iterator[None]:
    """An exclusive lock between processes (`<db>.lock`, flock) while one opens the
    database. Where flock does not exist (Windows) or the lock file cannot be made, no
    lock: the open goes on as before."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    try:
        fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        log.warning("cannot create the notes database's lock file: %s", exc)
        yield
        return
    try:
        deadline = time.monotonic() + OPEN_LOCK_TIMEOUT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise ReaderError("The notes database is being checked or repaired by "
                                      "another reader process. Try again in a moment.") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock


class Database(Backups):
    """The write connection's life: open (recovering if needed), transactions, close.

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
        self._readers: weakref.WeakSet[StoreReader] = weakref.WeakSet()
        self._journal = journal.JournalWriter(path)
        self.path = path
        self.readonly = readonly
        self.recovery_message = message

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path | str, readonly: bool = False) -> Self:
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
        # Check, recover and set up under one lock between processes: several starting at
        # once on a damaged file must not each move aside what another just restored, nor
        # create an empty database while the backup is being copied in.
        with _open_lock(path):
            conn, restored = cls._checked_connection(path, messages)
            return cls._set_up(conn, path, messages, restored)

    @classmethod
    def _checked_connection(cls, path: Path,
                            messages: list[str]) -> tuple[sqlite3.Connection, str]:
        """The connection, and what replaced a damaged file: "backup", "empty" or ""."""
        try:
            restored = ""
            damage = cls._damage(path)
            if damage:
                message, from_backup = cls._recover(path, damage)
                messages.append(message)
                restored = "backup" if from_backup else "empty"
            return sql.connect(str(path)), restored
        except sqlite3.Error as exc:
            raise (sql.translate(exc) or ReaderError(f"Cannot open {path}: {exc}")) from exc

    @classmethod
    def _set_up(cls, conn: sqlite3.Connection, path: Path, messages: list[str],
                restored: str = "") -> Self:
        try:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode != "wal":
                log.warning("notes database is in %s mode, not WAL", mode)
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            if user_version(conn) > SCHEMA_VERSION:
                conn.close()
                messages.append("The notes database was written by a newer version of reader, "
                                "so it is open read-only.")
                return cls._open_readonly(path, messages)
            migrate(conn)
            journal.install_triggers(conn)
            replayed = journal.replay_at_open(conn, path, restored)
        except sqlite3.Error as exc:
            conn.close()
            raise (sql.translate(exc) or ReaderError(f"Cannot open {path}: {exc}")) from exc
        if replayed.message:
            messages.append(replayed.message)
        store = cls(conn, path, False, " ".join(messages))
        store._changed = replayed.count > 0
        store.backup_if_due()
        return store

    @staticmethod
    def _writable(path: Path) -> bool:
        return os.access(path.parent, os.W_OK) and all(
            os.access(p, os.W_OK) for p in [path, *sql.sidecars(path)] if p.exists())

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
            conn = sql.connect(path.as_uri() + "?mode=rw", uri=True)
            try:
                result = sql.check(conn)
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:
            if sql.error_code(exc) in sql.DAMAGED:
                return str(exc)
            raise
        except UnicodeDecodeError:  # SQLite's error quotes garbled bytes Python cannot decode
            return "its schema is garbled"
        return "" if result == "ok" else result

    @classmethod
    def _recover(cls, path: Path, damage: str) -> tuple[str, bool]:
        """Move the damaged file aside, restore the newest good backup; the user message
        and whether a backup was restored."""
        aside = path.with_name(f"{path.name}.damaged-{stamp(datetime.now())}")
        n = 1
        while aside.exists():
            aside = path.with_name(f"{path.name}.damaged-{stamp(datetime.now())}-{n}")
            n += 1
        os.replace(path, aside)
        for side, moved in zip(sql.sidecars(path), sql.sidecars(aside), strict=True):
            if side.exists():
                os.replace(side, moved)
        log.warning("notes database damaged (%s); moved to %s", damage, aside)
        for backup in reversed(cls._backups(path)):
            if cls._verify(backup, "quick_check"):
                partial = path.with_name(path.name + ".restoring")
                shutil.copyfile(backup, partial)
                sql.fsync(partial)
                os.replace(partial, path)
                sql.fsync(path.parent)
                when = backup_time(backup)
                return (f"The notes database was damaged ({damage}). It was moved aside to "
                        f"{aside.name} and the backup from {when:%Y-%m-%d %H:%M} was "
                        "restored."), True
        return (f"The notes database was damaged ({damage}) and there was no backup to "
                f"restore, so reader started with an empty one. The damaged file is kept as "
                f"{aside.name}."), False

    @classmethod
    def _open_readonly(cls, path: Path, messages: list[str]) -> Self:
        """A read-only store: the file is copied into memory (so a folder we cannot write,
        where SQLite cannot create its WAL index, still reads) and migrated there."""
        memory = sql.connect(":memory:")
        if path.exists() and path.stat().st_size > 0:
            try:
                cls._load_readonly(path, memory, messages)
            except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
                memory.close()
                memory = sql.connect(":memory:")
                messages.append(f"The notes database could not be read ({exc}) and the data "
                                "folder is read-only, so it cannot be repaired: no notes are "
                                "shown.")
        if user_version(memory) <= SCHEMA_VERSION:
            migrate(memory)
        memory.execute("PRAGMA query_only = ON")  # belt and braces: ReadOnly is raised first
        return cls(memory, path, True, " ".join(messages))

    @staticmethod
    def _load_readonly(path: Path, memory: sqlite3.Connection, messages: list[str]) -> None:
        # After a clean close everything is in the main file: immutable=1 reads it without
        # creating -wal/-shm files. Otherwise (a writer is running, or one crashed) saves may
        # still be in the WAL: mode=ro reads them when SQLite can use the WAL index, which
        # fails in a folder it cannot write; then immutable=1 is all we can do.
        wal = sql.sidecars(path)[0]
        source = None
        if wal.exists() and wal.stat().st_size > 0:
            try:
                source = sql.connect(path.as_uri() + "?mode=ro", uri=True)
                result = sql.check(source)
            except sqlite3.OperationalError:
                if source is not None:
                    source.close()
                source = None
                messages.append("reader did not close cleanly last time and the data folder "
                                "is read-only, so the latest changes may not be shown.")
        if source is None:
            source = sql.connect(path.as_uri() + "?mode=ro&immutable=1", uri=True)
            result = sql.check(source)
        try:
            if result != "ok":
                raise sqlite3.DatabaseError(result)
            source.backup(memory)
        finally:
            source.close()

    # -- read lanes ------------------------------------------------------------------------
    def reader(self) -> StoreReader:
        """A read-only view on its own connection, for reading off the write lane (a worker
        thread): the same queries as the store, no save methods, and SQLite itself refuses
        writes (`mode=ro`, `PRAGMA query_only`). Reads see every committed save (WAL) and
        never wait for a save in progress. Closed with the store at the latest.

        A read-only store (data in memory, see `_open_readonly`) gives a reader on a copy of
        that memory: it never changes, so the copy is exactly what the store reads."""
        with self._lock:
            if self._closed:
                raise ReaderError("The notes database is closed.")
            if self.readonly:
                view = StoreReader.copy_of(self._conn, self.path)
            else:
                view = StoreReader.open_file(self.path)
            self._readers.add(view)
            return view

    # -- closing ---------------------------------------------------------------------------
    def close(self) -> None:
        """Back up if due (or if this session saved something and the newest backup is over
        an hour old), close its readers, then close. Safe to call twice."""
        with self._lock:
            if self._closed:
                return
            try:
                if not self.readonly:
                    self._backup_at_close()
            finally:
                self._journal.close()
                for view in list(self._readers):
                    view.close()
                self._conn.close()
                self._closed = True

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def integrity_check(self) -> str:
        """"ok", or the first problems `PRAGMA integrity_check` reports."""
        with self._lock:
            return sql.check(self._conn, "integrity_check")

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
                saved = journal.capture(conn)
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    try:
                        conn.execute("ROLLBACK")
                    except sqlite3.Error as rollback_exc:  # SQLite may have rolled back
                        log.warning("rollback failed: %s", rollback_exc)
                if isinstance(exc, sqlite3.Error) and (error := sql.translate(exc)):
                    raise error from exc
                raise
            self._changed = True
            if saved is not None:  # committed: now its second copy, before it is acknowledged
                self._journal.append(saved[1])
