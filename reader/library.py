"""The one facade over reader's core: plain Python, blocking, no Qt.

`Library` wires a corpus folder and the user's data dir into typed services (in the manner of
Anki's `Collection` managers); the CLI, the UI and the tests use only these:

    lib.articles   ArticleService   the catalogue, clean articles, imports, read state
    lib.search     SearchService    queries against the Whoosh index
    lib.indexing   IndexingService  derived data (NLP cache, tables, index, anchors)
    lib.entities   EntityService    entities, mentions, the user's corrections
    lib.policies   PolicyService    policies, timelines, proposals, the user's policies
    lib.notes      NoteService      anchored Markdown notes
    lib.timeline   TimelineService  articles and mentions counted per day, undated apart
    lib.network    NetworkService   the entity co-occurrence network and its layout

Every write returns a `Changes`; `lib.indexing.apply(changes)` brings derived data up to date.
Methods block: the UI calls them from its task runner, never on the GUI thread (except cheap
reads such as `articles.list()`).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from reader.corpus import Catalog
from reader.errors import BadInput
from reader.paths import LIBRARY_FILE, Paths, write_library_file
from reader.search import SearchIndex
from reader.services.articles import ArticleService
from reader.services.derived import DerivedTables
from reader.services.entities import EntityService
from reader.services.indexing import IndexingService
from reader.services.network import NetworkService
from reader.services.notes import NoteService
from reader.services.policies import PolicyService
from reader.services.search import SearchService
from reader.services.timeline import TimelineService

log = logging.getLogger(__name__)


def is_library(folder) -> bool:
    """Whether `folder` holds a reader library (its library file, store, index or imports)."""
    return any((Path(folder) / name).exists()
               for name in (LIBRARY_FILE, "reader.sqlite3", "index", "imports"))


class Library:
    """A corpus folder + the user's data dir. Open one per process."""

    def __init__(self, paths: Paths):
        self.paths = paths
        self._catalog = Catalog(paths, user_meta=self._user_meta)
        self._index = SearchIndex(paths.index_dir)
        self._store = None
        self._reader = None
        self._store_lock = threading.Lock()  # the UI's worker lanes may open it at once
        self._tables = DerivedTables(paths, self._catalog,
                                     edits=lambda: self._read().entity_edits(),
                                     user_policy_rows=lambda: self._read().user_policies(),
                                     policy_edits=lambda: self._read().policy_edits())
        self.articles = ArticleService(self._catalog, self._write, self._read)
        self.search = SearchService(self._index, self.articles, self._write, self._read)
        self.entities = EntityService(self._catalog, self._tables, self._write, self._read)
        self.policies = PolicyService(self._tables, self._write, self._read)
        self.notes = NoteService(self._catalog, self._write, self._read)
        self.timeline = TimelineService(self._catalog, self._tables)
        self.network = NetworkService(self._catalog, self._tables)
        self.indexing = IndexingService(paths, self._catalog, self._index, self._tables,
                                        self.notes)

    @classmethod
    def open(cls, data_dir=None, corpus_dir=None) -> Library:
        return cls(Paths.resolve(data_dir, corpus_dir))

    @staticmethod
    def create(folder) -> Path:
        """Make a new, empty library (without the sample articles) in `folder`, which must
        not exist yet or be empty; returns its resolved path (open it with `Library.open`).
        Raises BadInput with a one-line reason."""
        path = Path(folder).expanduser().resolve()
        if path.exists() and not path.is_dir():
            raise BadInput(f"{path} is a file, not a folder; choose an empty folder.")
        if is_library(path):
            raise BadInput(f"{path} is already a library; open it instead.")
        try:
            if path.is_dir() and any(not p.name.startswith(".") for p in path.iterdir()):
                raise BadInput(f"{path} is not empty; choose an empty folder (a library "
                               "keeps its own copies of your files there).")
        except OSError as exc:
            raise BadInput(f"{path} cannot be read: {exc.strerror or exc}") from None
        write_library_file(path, sample=False)
        return path

    @staticmethod
    def set_sample(data_dir, include: bool) -> None:
        """Include or leave out the bundled sample articles in the library at `data_dir`
        (written to its library file; open the library again to see it). The user's data
        on sample articles (notes, metadata, read state) stays in the store. Raises
        BadInput when the folder cannot be written."""
        write_library_file(Path(data_dir), sample=include)

    def close(self) -> None:
        """Flush and close: the store takes its exit backup here."""
        self._index.close()
        with self._store_lock:
            if self._store is not None:
                self._store.close()  # closes its reader too
                self._store = None
                self._reader = None
        self._tables.invalidate(extraction=True)
        self.entities.clear_bodies()

    def _open_store(self):
        """The user-data store (notes, corrections, user policies, read state), opened on
        first use; it checks, restores or opens read-only as it must."""
        with self._store_lock:
            if self._store is None:
                from reader.store import Store

                self._store = Store.open(self.paths.db_path)
            return self._store

    def _write(self):
        """The store, for the services' writes."""
        return self._open_store()

    def _read(self):
        """The store's read side for read paths: its own connection, which SQLite keeps
        from writing (reads never write; they never wait for a save either)."""
        store = self._open_store()
        with self._store_lock:
            if self._reader is None:
                self._reader = store.reader()
            return self._reader

    def _user_meta(self) -> dict[str, dict]:
        """The article metadata the user set, for the catalogue: {} while there is no store
        file yet (a fresh data dir opens nothing), or when the store cannot be read (its
        message is shown by `user_data_message`)."""
        from reader.errors import ReaderError

        if self._store is None and not self.paths.db_path.exists():
            return {}
        try:
            return self._read().article_meta()
        except ReaderError as exc:
            log.warning("The metadata you set cannot be read: %s", exc)
            return {}

    @property
    def store_opened(self) -> bool:
        """Whether anything has used the user-data store yet (asking opens nothing)."""
        return self._store is not None

    @property
    def user_data_message(self) -> str:
        """What the user must know about their data store ("restored from a backup",
        "read-only"), or ""."""
        from reader.errors import ReaderError

        try:
            return self._open_store().recovery_message or ""
        except ReaderError as exc:
            return str(exc)
