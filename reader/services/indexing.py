"""Indexing: the one service that brings derived data up to date — NLP cache, entity and
policy tables, the Whoosh index, note anchors — from the articles and from `Changes`."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from reader.corpus import Catalog
from reader.domain import ArticleInfo, Changes, IndexReport
from reader.paths import Paths
from reader.search import IndexDoc, SearchIndex
from reader.search.lock import user_error
from reader.services.derived import DerivedTables

log = logging.getLogger(__name__)

SMALL_UPDATE = 64  # documents written or removed at most with the garbage collector paused
Progress = Callable[[str, int, int], None]  # (stage, done, total)
Cancelled = Callable[[], bool]


class IndexingService:
    def __init__(self, paths: Paths, catalog: Catalog, index: SearchIndex,
                 tables: DerivedTables, notes):
        self.paths = paths
        self._catalog = catalog
        self._index = index
        self._tables = tables
        self._notes = notes  # NoteService: anchors follow changed articles

    def is_extracted(self) -> bool:
        """True when every article's entities are extracted and cached (no NLP needed)."""
        return self._tables.entities(build=False) is not None

    def apply(self, changes: Changes, progress: Progress | None = None,
              cancelled: Cancelled | None = None, cluster: str | None = None) -> IndexReport:
        """Bring derived data up to date after a write; nothing to do when the write changed
        no article, correction or policy. Raises IndexBusy when another process is writing
        the index (the write itself is kept; the next index catches up)."""
        if not changes.derived:
            return IndexReport(total=len(self._catalog.infos()))
        self._tables.invalidate(extraction=bool(changes.articles), edits=changes.entities,
                                policies=changes.policies)
        return self.update(progress=progress, cancelled=cancelled, nlp=bool(changes.articles),
                           cluster=cluster)

    def update(self, rebuild: bool = False, progress: Progress | None = None,
               cancelled: Cancelled | None = None, nlp: bool = True,
               cluster: str | None = None) -> IndexReport:
        """Bring the index up to date, re-processing only changed articles; `rebuild` builds
        a new index beside the old one and swaps it in when complete.

        Everything here writes derived data (NLP cache, tables, index), so all of it runs
        under the index's inter-process write lock. Raises IndexBusy when another process
        holds it, DiskFull on a full disk and ReadOnly when the data dir cannot be written
        (a failed update or rebuild leaves the previous index usable). `cluster`: the
        address of a Dask scheduler to run the NLP stage on (ClusterError when it cannot be
        used; nothing else changes)."""
        with self._index.write_lock.hold():
            try:
                return self._update(rebuild, progress, cancelled, nlp, cluster)
            except OSError as exc:
                err = user_error(exc, self.paths.data_dir, "the search data")
                if err is exc:
                    raise
                raise err from exc

    def _update(self, rebuild: bool, progress: Progress | None, cancelled: Cancelled | None,
                nlp: bool, cluster: str | None) -> IndexReport:
        report = IndexReport()
        infos = self._catalog.refresh()
        report.total = len(infos)
        if nlp:
            report.analysed = self._analyse(infos, progress, cancelled, cluster)
            if cancelled and cancelled():
                report.cancelled = True
                return report
            self._tables.entities(build=True)
            self._tables.policies(build=True)
        self._notes.reanchor()
        stamps = {} if rebuild else self._index.stamps()  # a rebuild adds every article
        if self._index.rebuilt_reason:
            report.messages.append(self._index.rebuilt_reason)
            self._index.rebuilt_reason = ""
        current = {i.id for i in infos}
        remove = [doc_id for doc_id in stamps if doc_id not in current]
        todo: list[tuple[ArticleInfo, str]] = []
        for info in infos:
            stamp = _stamp(info, *self._tables.doc_extras(info.id))
            if stamps.get(info.id) == stamp:
                report.unchanged += 1
            else:
                todo.append((info, stamp))
                if info.id in stamps:
                    report.updated += 1
                else:
                    report.added += 1
        report.removed = len(remove)

        def docs():
            for n, (info, stamp) in enumerate(todo, 1):
                if cancelled and cancelled():
                    report.cancelled = True
                    return
                art = self._catalog.load(info.id)
                entities, policies = self._tables.doc_extras(info.id)
                yield IndexDoc(id=art.id, title=art.title, body=art.body, source=art.source,
                               author=art.author, date=art.date, entities=entities,
                               policies=policies, stamp=stamp)
                if progress:
                    progress("index", n, len(todo))

        if rebuild or todo or remove:
            from contextlib import nullcontext

            from reader.extraction.entities.state import gc_paused

            # A few documents leave little garbage, and a collection during their write
            # would walk every object of both tables (0.1-0.2 s, more than the write).
            small = not rebuild and len(todo) + len(remove) <= SMALL_UPDATE
            with gc_paused() if small else nullcontext():
                self._index.update(docs(), remove, rebuild=rebuild, cancelled=cancelled)
        else:  # an index built before the side files (or one lost): write them now
            self._index.sync_side_files()
        return report

    def _analyse(self, infos: list[ArticleInfo], progress: Progress | None,
                 cancelled: Cancelled | None, cluster: str | None) -> int:
        """Run spaCy on the articles whose text is not in the NLP cache; how many it ran on.
        Imports spaCy only when something is missing; on the Dask cluster at `cluster`
        when given (nothing is sent when nothing is missing)."""
        from reader.extraction import nlp

        missing = [i for i in infos if not nlp.is_cached_hash(self.paths.cache_dir, i.text_hash)]
        if not missing:
            return 0
        arts = (self._catalog.load(i.id) for i in missing)  # read one by one, never all held
        done = nlp.analyse(arts, self.paths.cache_dir,
                           progress=(lambda d, t: progress("extract", d, t)) if progress else None,
                           cancelled=cancelled, total=len(missing), cluster=cluster)
        self._tables.invalidate(extraction=True)
        return len(done)


def _stamp(info: ArticleInfo, entities, policies) -> str:
    """The sha256 of the parts, each followed by \\x1f, as one string (hashed in one call:
    every article's stamp is worked out at each update)."""
    text = "\x1f".join((info.sha, info.text_hash, info.title, info.source, info.author,
                        info.date, "\x1e".join(entities), "\x1e".join(policies), ""))
    return hashlib.sha256(text.encode()).hexdigest()[:20]
