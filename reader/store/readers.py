"""`Store.reader()`: the store's queries on a connection that cannot write."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Self

from reader.errors import ReaderError
from reader.store import connection as sql
from reader.store.edits import EditQueries
from reader.store.meta import MetaQueries
from reader.store.notes import NoteQueries
from reader.store.organise import OrganiseQueries


class StoreReader(NoteQueries, EditQueries, MetaQueries, OrganiseQueries):
    """The store's read methods (get_note, list_notes, search_notes, tags, entity_edits,
    user_policies, read_docs, article_meta, starred_docs, article_tags, saved_searches) and
    no save methods, on its own connection opened `mode=ro` with `PRAGMA query_only = ON`: a
    write is impossible, not merely absent.

    Thread-safe (calls are serialised by the reader's own lock, never the store's, so a read
    does not wait for a save). Use one per read lane; `close()` it or use `with`. The store
    closes the readers it handed out when it closes; a read after that raises ReaderError."""

    readonly = True

    def __init__(self, conn: sqlite3.Connection, path: Path):
        conn.execute("PRAGMA query_only = ON")
        self._conn = conn
        self._lock = threading.RLock()
        self._closed = False
        self.path = path

    @classmethod
    def open_file(cls, path: Path) -> Self:
        """A reader of the database file at `path` (in WAL mode, with a writer open on it,
        so the WAL index exists and `immutable=1` is not needed)."""
        try:
            conn = sql.connect(path.as_uri() + "?mode=ro", uri=True)
        except sqlite3.Error as exc:
            raise (sql.translate(exc) or ReaderError(
                f"Cannot open {path} for reading: {exc}")) from exc
        return cls(conn, path)

    @classmethod
    def copy_of(cls, source: sqlite3.Connection, path: Path) -> Self:
        """A reader of an in-memory copy of `source` (a read-only store's memory database,
        which never changes)."""
        memory = sql.connect(":memory:")
        source.backup(memory)
        return cls(memory, path)

    def _read(self, sql_text: str, params: Iterable = ()) -> list[tuple]:
        with self._lock:
            if self._closed:  # e.g. a read lane still running while the app shuts down
                raise ReaderError("The notes database is closed.")
            return super()._read(sql_text, params)

    def close(self) -> None:
        """Safe to call twice."""
        with self._lock:
            if not self._closed:
                self._conn.close()
                self._closed = True

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
