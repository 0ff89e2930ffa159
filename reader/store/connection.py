"""SQLite connections for the store: how they are opened, checked, and how errors read."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

from reader.errors import DiskFull, ReaderError, ReadOnly

BUSY_TIMEOUT = 5.0  # seconds a save waits for another process's save

# SQLite primary result codes (https://sqlite.org/rescode.html).
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, \
    14, 26
DAMAGED = (_CORRUPT, _NOTADB)


def error_code(exc: sqlite3.Error) -> int | None:
    """The primary SQLite result code of a failed call, or None (a Python-side error)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def translate(exc: sqlite3.Error) -> ReaderError | None:
    """The user-facing error for a failed SQLite call, or None for a programming error."""
    code = error_code(exc)
    if code == _FULL:
        return DiskFull("The disk is full, so this change was not saved (everything saved "
                        "before is safe). Free some space and try again.")
    if code == _READONLY:
        return ReadOnly("The notes database cannot be written (read-only file or folder), so "
                        "this change was not saved.")
    if code in (_BUSY, _LOCKED):
        return ReaderError("The notes database is busy (another reader window or command is "
                           "saving). Try again in a moment.")
    if code in DAMAGED:
        return ReaderError("The notes database is damaged. Restart reader: it will set the "
                           "damaged file aside and restore the latest backup.")
    if code in (_IOERR, _CANTOPEN):
        return ReaderError(f"Could not read or write the notes database: {exc}.")
    return None


def connect(target: str, uri: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode: transactions are explicit `BEGIN IMMEDIATE`.

    check_same_thread=False: the UI's task lanes may use it from a worker thread; its owner
    serialises every use with a lock."""
    return sqlite3.connect(target, uri=uri, timeout=BUSY_TIMEOUT, isolation_level=None,
                           check_same_thread=False)


def check(conn: sqlite3.Connection, pragma: str = "quick_check") -> str:
    """"ok", or the first problems `PRAGMA quick_check` (or `pragma`) reports."""
    # A garbled file's report can quote its bad bytes (names of damaged tables): decoded
    # leniently, never a UnicodeDecodeError.
    factory = conn.text_factory
    conn.text_factory = lambda raw: raw.decode("utf-8", "replace")
    try:
        rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}").fetchall()]
    finally:
        conn.text_factory = factory
    return "ok" if rows == ["ok"] else "; ".join(map(str, rows[:3]))


def fsync(path: Path) -> None:
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


def sidecars(path: Path) -> list[Path]:
    """The -wal and -shm files SQLite keeps next to a database in WAL mode."""
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]


class Connected:
    """Base of everything that reads through one connection serialised by one lock.

    Subclasses set `_conn` and `_lock`; the query mixins (notes, edits) read with `_read`."""

    _conn: sqlite3.Connection
    _lock: threading.RLock

    def _read(self, sql: str, params: Iterable = ()) -> list[tuple]:
        with self._lock:
            try:
                return self._conn.execute(sql, tuple(params)).fetchall()
            except sqlite3.Error as exc:
                error = translate(exc)
                if error is None:
                    raise
                raise error from exc
