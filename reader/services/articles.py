"""Articles: the catalogue (bundled corpus + imports), clean article text, imports, read state."""

from __future__ import annotations

from collections.abc import Callable

from reader.corpus import Catalog
from reader.domain import Article, ArticleInfo, Changes


class ArticleService:
    """Reads are cheap (the catalogue is cached); `import_paths` and `set_read` write."""

    def __init__(self, catalog: Catalog, store: Callable, reader: Callable):
        self._catalog = catalog
        self._store = store  # the user-data store, opened on first use
        self._reader = reader  # its read-only side

    def list(self) -> list[ArticleInfo]:
        """All articles (bundled + imported), newest first; rescans changed files only."""
        return self._catalog.refresh()

    def get(self, doc_id: str) -> Article:
        """The full clean article. Raises NotFound."""
        return self._catalog.load(doc_id)

    def info(self, doc_id: str) -> ArticleInfo:
        """An article's catalogue entry. Raises NotFound."""
        return self._catalog.info(doc_id)

    @property
    def problems(self) -> list[str]:
        """One line per corpus file that could not be read (after `list()`)."""
        return list(self._catalog.problems)

    def import_paths(self, paths: list[str]) -> Changes:
        """Copy files/folders into the data dir; one outcome per file; the batch never stops.
        `IndexingService.apply` then makes the new articles searchable."""
        outcomes = self._catalog.import_paths(paths)
        ids = frozenset(o.id for o in outcomes if o.status == "imported")
        return Changes(articles=ids, outcomes=tuple(outcomes))

    def read_docs(self) -> set[str]:
        return self._reader().read_docs()

    def set_read(self, doc_id: str, read: bool = True) -> Changes:
        self._store().set_read(doc_id, read)
        return Changes(read=frozenset({doc_id}))
