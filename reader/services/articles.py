"""Articles: the catalogue (bundled corpus + imports), clean text, imports, read state, metadata."""

from __future__ import annotations

from collections.abc import Callable

from reader.corpus import Catalog
from reader.domain import Article, ArticleInfo, Changes
from reader.importer.manifest import apply_manifests
from reader.metadata import clean_fields


class ArticleService:
    """Reads are cheap (the catalogue is cached); `import_paths`, `set_read`, `set_meta` and
    `undo_meta` write."""

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

    def import_paths(self, paths: list[str], manifest: str | None = None) -> Changes:
        """Copy files/folders into the data dir; one outcome per file; the batch never stops.
        A manifest (`manifest`, else a reader-manifest.csv in a folder given; see
        `importer.manifest`) sets dates, sources, authors, titles as the user's metadata.
        `IndexingService.apply` then makes the new articles searchable."""
        outcomes = self._catalog.import_paths(paths)
        values, outcomes = apply_manifests(paths, outcomes, manifest)
        current = self._catalog.user_meta()
        changed = set()
        for doc_id, fields in values.items():
            fields = {k: v for k, v in fields.items() if (current.get(doc_id) or {}).get(k) != v}
            if fields:  # a re-import of the same manifest changes nothing
                self._store().add_article_meta(doc_id, clean_fields(fields))
                changed.add(doc_id)
        if changed:
            self._catalog.meta_changed()
        ids = frozenset(o.id for o in outcomes if o.status == "imported") | changed
        return Changes(articles=ids, outcomes=tuple(outcomes))

    def read_docs(self) -> set[str]:
        return self._reader().read_docs()

    def set_read(self, doc_id: str, read: bool = True) -> Changes:
        self._store().set_read(doc_id, read)
        return Changes(read=frozenset({doc_id}))

    # -- metadata the user sets ------------------------------------------------------------
    def meta(self, doc_id: str) -> dict[str, str]:
        """The metadata the user set on an article ({field: value}). Raises NotFound."""
        self._catalog.info(doc_id)
        return dict(self._catalog.user_meta().get(doc_id) or {})

    def set_meta(self, doc_id: str, values: dict[str, str | None]) -> Changes:
        """Set (a value) or clear (None: back to the file's own) an article's date, source,
        author or title; kept in the store, laid over the parsed metadata everywhere, undone
        by `undo_meta`. Raises NotFound, BadInput (a one-line reason)."""
        self._catalog.info(doc_id)
        fields = clean_fields(values)
        self._store().add_article_meta(doc_id, fields)
        self._catalog.meta_changed()
        return Changes(articles=frozenset({doc_id}))

    def undo_meta(self, doc_id: str) -> Changes:
        """Take back the newest metadata edit of an article; Changes() when there was none."""
        self._catalog.info(doc_id)
        if self._store().undo_article_meta(doc_id) is None:
            return Changes()
        self._catalog.meta_changed()
        return Changes(articles=frozenset({doc_id}))
