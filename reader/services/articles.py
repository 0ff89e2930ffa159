"""Articles: the catalogue (bundled corpus + imports), clean text, imports, read state, metadata,
stars and tags."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable

from reader.corpus import Catalog
from reader.domain import Article, ArticleInfo, Changes
from reader.errors import BadInput, ReaderError
from reader.importer.manifest import apply_manifests
from reader.metadata import clean_fields

MAX_TAG = 40  # characters in one article tag
_TAG_FORBIDDEN = re.compile(r"[,\"'()\[\]:]")  # would break a list or a `tag:` query


def clean_tag(tag: str) -> str:
    """A tag as stored: spaces collapsed. Raises BadInput with a one-line reason."""
    text = " ".join(str(tag).split())
    if not text:
        raise BadInput("A tag cannot be empty.")
    if len(text) > MAX_TAG:
        raise BadInput(f"The tag “{text[:MAX_TAG]}…” is too long; the most is {MAX_TAG} "
                       "characters.")
    if _TAG_FORBIDDEN.search(text):
        raise BadInput(f"The tag “{text}” holds a comma, quote, bracket or colon; leave them "
                       "out.")
    return text


class ArticleService:
    """Reads are cheap (the catalogue is cached); `import_paths`, `set_read`, `set_meta`,
    `undo_meta`, `star` and `tag` write."""

    def __init__(self, catalog: Catalog, store: Callable, reader: Callable):
        self._catalog = catalog
        self._store = store  # the user-data store, opened on first use
        self._reader = reader  # its read-only side

    def list(self) -> list[ArticleInfo]:
        """All articles (bundled + imported), newest first, with their stars and tags;
        rescans changed files only."""
        return self._with_marks(self._catalog.refresh())

    def get(self, doc_id: str) -> Article:
        """The full clean article. Raises NotFound."""
        return self._catalog.load(doc_id)

    def info(self, doc_id: str) -> ArticleInfo:
        """An article's catalogue entry, with its star and tags. Raises NotFound."""
        return self._with_marks([self._catalog.info(doc_id)])[0]

    def dates(self, doc_ids: Iterable[str]) -> dict[str, str]:
        """{doc id: date} ("" when undated; the date the user set wins); unknown ids left
        out. Cheap: no store read."""
        return {doc_id: info.date for doc_id, info in self.briefs(doc_ids).items()}

    def briefs(self, doc_ids: Iterable[str]) -> dict[str, ArticleInfo]:
        """{doc id: catalogue entry with the metadata the user set} (without stars and tags:
        no store read); unknown ids left out."""
        out = {}
        for doc_id in doc_ids:
            try:
                out[doc_id] = self._catalog.info(doc_id)
            except ReaderError:
                continue
        return out

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

    # -- stars and tags ----------------------------------------------------------------------
    def store_exists(self) -> bool:
        """Whether the user-data store exists yet (a fresh data dir has none: listing
        articles must not create one)."""
        return self._catalog.paths.db_path.exists()

    def _with_marks(self, infos: list[ArticleInfo]) -> list[ArticleInfo]:
        if not self.store_exists():
            return infos
        try:
            reader = self._reader()
            starred, tags = reader.starred_docs(), reader.article_tags()
        except ReaderError:  # the store's own message is shown elsewhere (user_data_message)
            return infos
        if not starred and not tags:
            return infos
        return [dataclasses.replace(i, starred=i.id in starred, tags=tuple(tags.get(i.id, ())))
                if i.id in starred or i.id in tags else i for i in infos]

    def starred(self) -> set[str]:
        """Ids of the starred articles (ids of articles no longer in the library included)."""
        return self._reader().starred_docs() if self.store_exists() else set()

    def tagged(self, tag: str) -> set[str]:
        """Ids of the articles with `tag` (case-insensitive)."""
        if not self.store_exists():
            return set()
        want = " ".join(tag.split()).casefold()
        return {doc for doc, tags in self._reader().article_tags().items()
                if any(t.casefold() == want for t in tags)}

    def tags(self) -> list[tuple[str, int]]:
        """(tag, number of articles) for every article tag, most used first."""
        return self._reader().article_tag_counts() if self.store_exists() else []

    def star(self, doc_id: str, starred: bool = True) -> Changes:
        """Star (or unstar) an article; kept in the store by article id, so it survives a
        rebuild and a re-import. Raises NotFound."""
        self._catalog.info(doc_id)
        changed = self._store().set_starred(doc_id, starred)
        return Changes(marks=frozenset({doc_id}) if changed else frozenset())

    def tag(self, doc_id: str, add: Iterable[str] = (), remove: Iterable[str] = ()) -> Changes:
        """Add and remove an article's tags (one save). Raises NotFound, BadInput."""
        self._catalog.info(doc_id)
        add = list(dict.fromkeys(clean_tag(t) for t in add))
        remove = [" ".join(str(t).split()) for t in remove]
        changed = self._store().change_article_tags(doc_id, add=add, remove=remove)
        return Changes(marks=frozenset({doc_id}) if changed else frozenset())

    def set_tags(self, doc_id: str, tags: Iterable[str]) -> Changes:
        """Make an article's tags exactly `tags` (the tags editor). Raises NotFound, BadInput."""
        wanted = list(dict.fromkeys(clean_tag(t) for t in tags))
        current = self.info(doc_id).tags
        folded = {t.casefold() for t in wanted}
        return self.tag(doc_id, add=[t for t in wanted if t not in current],
                        remove=[t for t in current if t.casefold() not in folded])
