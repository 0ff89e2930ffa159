"""SearchIndex: one Whoosh index directory, its writer and its searches."""

from __future__ import annotations

import datetime as dt
import gc
import html
import itertools
import json
import logging
import os
import re
import shutil
import threading
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path

from reader.domain import Hit, SearchResult
from reader.errors import BadQuery, IndexBusy
from reader.query import validate
from reader.search.doc import IndexDoc
from reader.search.lock import BUSY, WriteLock, guard
from reader.search.stamps import StampCache

log = logging.getLogger(__name__)

# Bump on any schema or analyzer change: the index is then rebuilt.
# 4: no stop list ("US", "May" searchable), common-grams bigram fields for phrases.
SCHEMA_VERSION = 4
ENGINES = ("numpy", "whoosh")  # numpy: reader.search.evaluate; whoosh: Whoosh's matchers


class SearchIndex:
    """One Whoosh index directory. Thread-safe for searching; one writer at a time.

    The index is derived data: any error opening it means it is deleted and rebuilt. Whoosh
    parses queries and keeps the postings; reader.search.evaluate scores them with numpy."""

    def __init__(self, index_dir: Path):
        self.dir = Path(index_dir)
        self.rebuilt_reason = ""  # set when a damaged or outdated index was replaced
        self._ix = None
        self._searcher = None
        self._evaluator = None  # reader.search.evaluate.Evaluator of self._searcher
        self._snippets = None
        self._parser = None
        self._lock = threading.Lock()
        self.write_lock = WriteLock.of(self.dir.parent)
        self._stamps = StampCache(self.dir)

    # -- opening -------------------------------------------------------------------------
    def _stamp_file(self) -> Path:  # the schema version, checked before opening
        return self.dir / "reader-index.json"

    def open(self):
        """Open the index, creating it or rebuilding it from scratch when it is unusable;
        creating is writing: under the write lock, after a second look (another process may
        have just swapped in a rebuilt index, or stopped between its two renames)."""
        if self._ix is not None:
            return self._ix
        ix, reason = self._try_open()
        if ix is None:
            with self.write_lock.hold(), guard(self.dir.parent):
                old = self.dir.with_name(self.dir.name + ".old")
                if not self.dir.exists() and old.is_dir():
                    os.replace(old, self.dir)
                ix, reason = self._try_open()
                ix = ix or self._create()
            self.rebuilt_reason = reason
        self._ix = ix
        return ix

    def _try_open(self):
        """(the opened index, "") or (None, why it was unusable: "" when it does not exist)."""
        from reader.search import storage

        # whoosh-reloaded leaves a damaged index's files open when open_dir fails; they are
        # closed when the exception is dropped: keep that from surfacing as a ResourceWarning.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            reason = ""
            try:
                meta = json.loads(self._stamp_file().read_text())
                if meta.get("schema") != SCHEMA_VERSION:
                    raise ValueError(f"schema version {meta.get('schema')} != {SCHEMA_VERSION}")
                ix = storage.open_dir(str(self.dir))
                with ix.searcher() as s:  # touch the segments: a damaged index fails here
                    s.doc_count()
                return ix, ""
            except FileNotFoundError:
                if self.dir.exists() and any(self.dir.iterdir()):
                    reason = "The search index was incomplete and has been rebuilt."
            except Exception as exc:  # any failure means: rebuild the cache
                log.warning("Search index unusable (%s); rebuilding it", str(exc))
                reason = ("The search index could not be opened "
                          f"({exc.__class__.__name__}) and has been rebuilt.")
            gc.collect()
        return None, reason

    def _create(self, common: Iterable[str] = (), where: Path | None = None):
        """A new empty index in `where` (default: replacing the index directory)."""
        from reader.search import storage
        from reader.search.schema import schema

        where = where or (self.close() or self.dir)
        if where.exists():
            shutil.rmtree(where)
        where.mkdir(parents=True)
        ix = storage.create_in(str(where), schema(common))
        (where / self._stamp_file().name).write_text(json.dumps({"schema": SCHEMA_VERSION}))
        if where == self.dir:
            self._ix = ix
        return ix

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = self._evaluator = self._snippets = None
        if self._ix is not None:
            self._ix.close()
            self._ix = None
        self._parser = None

    # -- writing -------------------------------------------------------------------------
    def stamps(self) -> dict[str, str]:
        """{doc id: stamp} for every indexed document.

        From the stamps file `update()` writes beside its commit when that file is of the
        index as it is now (its generation and segments: another writer's commit, an older
        version's, makes it stale), else read from the lexicon (no stored fields)."""
        return self._stamps.get(self.open())

    def update(self, docs: Iterable[IndexDoc], remove: Iterable[str] = (),
               progress: Callable[[int], None] | None = None, rebuild: bool = False,
               cancelled: Callable[[], bool] | None = None) -> int:
        """Add or replace `docs`, delete ids in `remove`, in one commit; with `rebuild`,
        `docs` are the whole new index, built beside it and swapped in only once committed
        (and not `cancelled`): a failed rebuild leaves the previous index as it was.

        Segments are not merged into one (41 s against 0.7 s for one changed article at 1k
        articles); searches expand words segment by segment, so several cost little. The
        first documents given to an empty index choose its common stems (phrase bigrams)
        until it is rebuilt. After the commit the searcher is warmed only when this process
        has searched (`warm`). Raises IndexBusy when another process holds the write lock,
        DiskFull on a full disk, ReadOnly when the data dir cannot be written."""
        from reader.search import flat
        from reader.search.schema import COMMON_SAMPLE, common_of, common_stems

        searched = self._searcher is not None
        docs, new = iter(docs), self.dir.with_name(self.dir.name + ".new")
        sample = list(itertools.islice(docs, COMMON_SAMPLE))
        remove, written = list(remove), {}
        with self.write_lock.hold(), guard(self.dir.parent), warnings.catch_warnings():
            # A Whoosh writer that fails half-way leaves its files to the garbage collector.
            warnings.simplefilter("ignore", ResourceWarning)
            ix = None
            try:
                if rebuild:  # common stems: only a new index's (an update keeps its own)
                    ix = self._create(common_stems(sample) if sample else (), where=new)
                    before = {}
                else:
                    ix = self.open()
                    if sample and ix.doc_count_all() == 0:
                        common = common_stems(sample)
                        if common != common_of(ix.schema):
                            with self._lock:
                                ix = self._create(common)
                    before = self._stamps.current(ix)
                n, keep = self._write(ix, _recorded(itertools.chain(sample, docs), written),
                                      remove, progress, rebuild, cancelled, before)
                if keep:  # the new segments' flat postings, before any searcher opens them
                    where = new if rebuild else self.dir
                    flat.sync(where, ix)
                    if before is not None:  # the stamps as of this commit, without a lookup
                        self._stamps.committed(where, ix, before, remove, written)
            except BaseException:
                if rebuild:
                    shutil.rmtree(new, ignore_errors=True)
                gc.collect()  # the failed writer's files, while ResourceWarning is ignored
                raise
            finally:
                if rebuild and ix is not None:
                    ix.close()
            if rebuild:
                self._swap(new) if keep else shutil.rmtree(new)
        if searched or rebuild:
            self.warm()
        return n

    def _write(self, ix, docs, remove, progress, rebuild, cancelled,
               indexed: dict[str, str] | None) -> tuple[int, bool]:
        """(documents written, committed). Whoosh's write lock is held here, not by the
        writer: one failing half-way (full disk) would keep it while it is referenced. An id
        not in `indexed` (the stamps, when known) is added: no look-up of what it replaces."""
        from whoosh.util.filelock import try_for

        from reader.search.schema import DocumentFields

        lock = ix.lock("WRITELOCK")
        if not try_for(lock.acquire, timeout=2.0, delay=0.1):
            raise IndexBusy(BUSY)
        try:
            writer = ix.writer(limitmb=128, compound=False, _lk=False)
            fields_of, n = DocumentFields(ix.schema), 0
            add, update = writer.add_document, writer.update_document
            try:
                for doc_id in remove:
                    writer.delete_by_term("id", doc_id)
                for doc in docs:
                    if rebuild or (indexed is not None and doc.id not in indexed):
                        add(**fields_of(doc))
                    else:
                        update(**fields_of(doc))
                    n += 1
                    if progress:
                        progress(n)
                keep = not (rebuild and cancelled and cancelled())
                writer.commit() if keep else writer.cancel()
            except BaseException:
                if not writer.is_closed:
                    writer.cancel()
                raise
            return n, keep
        finally:
            lock.release()

    def _swap(self, new: Path) -> None:
        """Put the committed index in `new` in the place of the current one."""
        old = self.dir.with_name(self.dir.name + ".old")
        with self._lock:
            self.close()
            if old.exists():
                shutil.rmtree(old)
            if self.dir.exists():
                os.replace(self.dir, old)
            os.replace(new, self.dir)
        shutil.rmtree(old, ignore_errors=True)
        self.rebuilt_reason = ""

    def sync_side_files(self) -> int:
        """Write the flat postings of segments that have none usable (an index built before
        them, a damaged file); how many were written. Callers hold the write lock (update()
        does this itself after each commit; an update with nothing to write may call it)."""
        from reader.search import flat

        with guard(self.dir.parent):
            ix = self.open()
            self._stamps.keep(ix)  # an index from before the stamps file: written now
            return flat.sync(self.dir, ix)

    def warm(self) -> None:
        """Open the searcher and read its per-document arrays, so that the first search after
        an index change does not pay for them (update() does this after its commit)."""
        from reader.search.evaluate import Evaluator

        with self._lock:
            s = self._current_searcher()
            if self._evaluator is None:
                self._evaluator = Evaluator(s, self.dir)
            self._evaluator.warm()

    # -- searching -----------------------------------------------------------------------
    def _current_searcher(self):
        ix = self.open()
        s = self._searcher
        # A fresh searcher, never refresh(): whoosh-reloaded's refresh() returns duplicated
        # documents after another writer merged segments.
        if s is None or not s.up_to_date():
            if s is not None:
                s.close()
            s = self._searcher = ix.searcher()
            self._evaluator = self._snippets = None
        return s

    def _query_parser(self, schema):
        if self._parser is None:
            from whoosh.qparser import FuzzyTermPlugin, GtLtPlugin, MultifieldParser
            from whoosh.qparser.dateparse import DateParserPlugin

            parser = MultifieldParser(["title", "body"], schema)
            parser.add_plugin(FuzzyTermPlugin())
            parser.add_plugin(GtLtPlugin())
            parser.add_plugin(DateParserPlugin(free=False))
            self._parser = parser
        return self._parser

    def parse(self, query: str):
        validate(query)
        ix = self.open()
        try:
            q = self._query_parser(ix.schema).parse(query)
        except Exception as exc:  # Whoosh raises bare Exception for bad dates
            raise BadQuery(f"Could not understand '{_short(query)}': {_short(str(exc), 200)}. "
                           "Dates look like date:2014, date:20140417 or date:[2011 TO 2013].") \
                from None
        from whoosh import query as wq

        from reader.search.budget import cap_fuzzy

        cap_fuzzy(q)
        if q is wq.NullQuery:
            if re.search(r"\bdate:", query):
                raise BadQuery(f"Could not read the date in '{_short(query)}'. Dates look like "
                               "date:2014, date:20140417 or date:[2011 TO 2013].")
            raise BadQuery(f"'{_short(query)}' has no searchable words (single letters are not "
                           "indexed).")
        if re.search(r"\bdate:", query) and not any(
                leaf.field() == "date" for leaf in q.leaves() if hasattr(leaf, "field")):
            raise BadQuery(f"Could not read the date in '{_short(query)}'. Dates look like "
                           "date:2014, date:20140417 or date:[2011 TO 2013].")
        return q

    def search(self, query: str, limit: int = 20, facets: bool = False,
               snippets: int | None = None, engine: str = "numpy") -> SearchResult:
        """Ranked hits; snippets for the first `snippets` hits (default: all returned).

        `engine="whoosh"` evaluates with Whoosh's own matchers: the reference the numpy
        evaluator must equal (tests/test_search_differential.py)."""
        if engine not in ENGINES:
            raise ValueError(f"engine must be one of {ENGINES}")
        from reader.search.budget import BUDGET_S, OverBudget

        try:
            return self._search(query, limit, facets, snippets, engine,
                                BUDGET_S if engine == "numpy" else None)
        except OverBudget:
            raise BadQuery(f"'{_short(query)}' took too long and was stopped. Narrow it: fewer "
                           "wildcards or fuzzy words, a smaller ~ after a phrase.") from None
        except RecursionError:
            raise BadQuery(f"'{_short(query)}' is nested too deeply to search.") from None

    def _search(self, query: str, limit: int, facets: bool, snippets: int | None,
                engine: str, budget: float | None) -> SearchResult:
        q = self.parse(query)
        with self._lock:
            s = self._current_searcher()
            n_snip = limit if snippets is None else snippets
            from reader.search.budget import Deadline
            from reader.search.evaluate import handles

            if engine == "whoosh" or not handles(q):
                from reader.search import reference

                total, top, groups = reference.run(s, q, limit, facets, n_snip,
                                                   Deadline(budget))
            else:
                total, top, groups = self._evaluate(s, q, limit, facets, n_snip, budget)
            hits = []
            for i, (docnum, score, snippet, *read) in enumerate(top):
                stored = read[0] if read else s.stored_fields(docnum)
                if i < n_snip and not snippet:
                    from reader.search.snippets import lead

                    snippet = html.escape(lead(stored["body"]))
                hits.append(Hit(id=stored["id"], title=stored["title"], score=score,
                                snippet=snippet or "", source=stored.get("source", ""),
                                date=_iso(stored.get("date"))))
            terms = tuple(sorted(_per_segment(s, lambda r: _query_words(q, r))))
            suggestion = self._suggest(s, query) if total < 3 else ""
        return SearchResult(query=query, total=total, hits=hits, suggestion=suggestion,
                            facets=groups, terms=terms)

    def _evaluate(self, s, q, limit: int, facets: bool, n_snip: int, budget: float | None):
        from reader.search.budget import NONE, Deadline
        from reader.search.evaluate import Evaluator
        from reader.search.snippets import Snippets

        if self._evaluator is None:
            self._evaluator = Evaluator(s, self.dir)
        self._evaluator.remember_expansions(q)
        self._evaluator.deadline = Deadline(budget)  # from here: opening is not counted
        try:
            mask, total, top = self._evaluator.top(q, limit)
        finally:
            self._evaluator.deadline = NONE
        out = []
        if top[:n_snip]:
            if self._snippets is None:
                self._snippets = Snippets(s.schema["body"].analyzer)
            body = s.schema["body"]
            # Exactly the words Whoosh's highlighter looks for, expanded once per search.
            words = frozenset(body.from_bytes(t[1]) for t in _per_segment(
                s, lambda r: q.existing_terms(r, expand=True, fieldname="body")))
        for i, (docnum, score) in enumerate(top):
            if i < n_snip:  # the stored fields are read (and unpickled) once per hit
                stored = s.stored_fields(docnum)
                out.append((docnum, score, self._snippets.make(stored["body"], words), stored))
            else:
                out.append((docnum, score, None))
        groups = {}
        if facets:
            arrays = self._evaluator.arrays
            groups = {name: arrays.facet(field, mask) for name, field in (
                ("source", "site"), ("year", "year"), ("entity", "entity"),
                ("policy", "policy"))}
        return total, out, groups

    def _suggest(self, searcher, query: str) -> str:
        """The query with each unknown plain word replaced by the closest indexed word."""
        from reader.search.budget import LONGEST_SUGGESTED

        changed = False
        out = []
        reader = searcher.reader()
        for token in re.split(r"(\s+)", query):
            word = token.strip("\"()").lower()
            if (not word.isalpha() or not 4 <= len(word) <= LONGEST_SUGGESTED
                    or token.upper() in ("AND", "OR", "NOT")
                    or reader.doc_frequency("words", word)):
                out.append(token)
                continue
            cands = searcher.suggest("words", word, limit=1, maxdist=2, prefix=1)
            if cands and cands[0] != word:
                out.append(token.lower().replace(word, cands[0]))
                changed = True
            else:
                out.append(token)
        return "".join(out) if changed else ""

    def snippets(self, query: str, doc_ids: Iterable[str]) -> dict[str, str]:
        """{doc id: snippet} for hits of `query` shown later than its search (a search with
        `snippets=N` builds only the first N): the same HTML the search would have given."""
        from reader.search.snippets import Snippets, lead

        q = self.parse(query)
        out = {}
        with self._lock:
            s = self._current_searcher()
            if self._snippets is None:
                self._snippets = Snippets(s.schema["body"].analyzer)
            body = s.schema["body"]
            words = frozenset(body.from_bytes(t[1]) for t in _per_segment(
                s, lambda r: q.existing_terms(r, expand=True, fieldname="body")))
            for doc_id in doc_ids:
                docnum = s.document_number(id=doc_id)
                if docnum is None:
                    continue
                text = s.stored_fields(docnum)["body"]
                out[doc_id] = self._snippets.make(text, words) or html.escape(lead(text))
        return out

    def doc_count(self) -> int:
        with self._lock:
            return self._current_searcher().doc_count()


def _recorded(docs: Iterable[IndexDoc], stamps: dict[str, str]):
    """`docs`, each one's stamp noted in `stamps` as it is written."""
    for doc in docs:
        stamps[doc.id] = doc.stamp
        yield doc


def _per_segment(searcher, terms: Callable) -> set:
    """The union of `terms(reader)` over the searcher's segments: the same set as on the
    whole index, without Whoosh's slow fuzzy expansion over several segments."""
    if searcher.is_atomic():
        return set(terms(searcher.reader()))
    return set().union(*(terms(sub.reader()) for sub, _ in searcher.leaf_searchers()))


def _query_words(q, reader) -> set[str]:
    """Indexed title/body terms the query searches for (wildcards and fuzzy terms expanded),
    leaving out words under NOT."""
    from whoosh import query as wq

    def positive(node):
        if isinstance(node, wq.Not):
            return
        if node.is_leaf():
            yield node
        else:
            for child in node.children():
                yield from positive(child)

    words = set()
    for leaf in positive(q):
        if leaf.field() not in ("title", "body"):
            continue
        field = reader.schema[leaf.field()]
        for name, text in leaf.expanded_terms(reader):
            try:
                btext = field.to_bytes(text)
            except ValueError:
                continue
            if (name, btext) in reader:
                words.add(btext.decode("utf-8") if isinstance(btext, bytes) else str(btext))
    return words


def _short(query: str, n: int = 60) -> str:
    """The query as a message quotes it: on one line, printable, at most `n` characters."""
    query = " ".join("".join(c if c.isprintable() else " " for c in query[:n + 1]).split())
    return query if len(query) <= n else query[:n] + "…"


def _iso(value) -> str:
    return value.date().isoformat() if isinstance(value, dt.datetime) else ""
