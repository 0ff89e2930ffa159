"""The Whoosh full-text index (the only module importing Whoosh): build, update, search.

The index is derived data: any error opening it means it is deleted and rebuilt.
"""

from __future__ import annotations

import datetime as dt
import gc
import html
import json
import logging
import re
import shutil
import threading
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from reader.domain import Hit, SearchResult
from reader.errors import BadQuery, IndexBusy
from reader.query import validate

log = logging.getLogger(__name__)

SCHEMA_VERSION = 3  # bump on any schema or analyzer change: the index is then rebuilt
_STAMP_SEP = "\x1f"


@dataclass(frozen=True)
class IndexDoc:
    """What the index needs of one article. `stamp` changes whenever any of it changes."""

    id: str
    title: str
    body: str
    source: str = ""
    author: str = ""
    date: str = ""
    entities: tuple[str, ...] = ()
    policies: tuple[str, ...] = ()
    stamp: str = ""


def _analyzer():
    from whoosh.analysis import (
        CharsetFilter,
        LowercaseFilter,
        RegexTokenizer,
        StemFilter,
        StopFilter,
    )
    from whoosh.support.charset import accent_map

    # CharsetFilter before StemFilter: the stemmer must see folded accents.
    return (RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
            | StopFilter() | StemFilter(cachesize=50000))


def _schema():
    from whoosh import fields
    from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer
    from whoosh.support.charset import accent_map

    stem = _analyzer()
    plain = RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(stored=True, analyzer=stem, field_boost=2.0),
        body=fields.TEXT(stored=True, analyzer=stem),
        # Unstemmed words of title and body, only for "did you mean" (Whoosh's own
        # spelling=True breaks fuzzy queries on a stemmed field: terms_within then reads the
        # unstemmed spelling words but is given a stemmed term).
        words=fields.TEXT(analyzer=plain, phrase=False),
        source=fields.TEXT(stored=True, analyzer=plain),
        site=fields.ID(stored=True),
        author=fields.TEXT(stored=True, analyzer=plain),
        date=fields.DATETIME(stored=True),
        year=fields.ID(stored=True),
        entity=fields.KEYWORD(commas=True, lowercase=True, scorable=True, stored=True),
        policy=fields.KEYWORD(commas=True, lowercase=True, scorable=True, stored=True),
        stampkey=fields.ID(),  # "id\x1fstamp": listing the lexicon gives every stamp cheaply
    )


def _word_fragmenter(**kwargs):
    """Whoosh's ContextFragmenter, with fragments widened to whole words: tokens split
    "children’s" into "children" + "s", so a fragment could start at "s services"."""
    from whoosh.highlight import ContextFragmenter

    class WordFragmenter(ContextFragmenter):
        def fragment_tokens(self, text, tokens):
            for frag in super().fragment_tokens(text, tokens):
                start, end = frag.startchar, frag.endchar
                while start > 0 and not text[start - 1].isspace() and frag.startchar - start < 20:
                    start -= 1
                while end < len(text) and not text[end].isspace() and end - frag.endchar < 20:
                    end += 1
                frag.startchar, frag.endchar = start, end
                yield frag

    return WordFragmenter(**kwargs)


def _keyword_facet(fieldname: str):
    """A facet over a multi-valued KEYWORD field whose doc -> values lists are built once per
    searcher. Whoosh's OverlappingCategorizer rebuilds them from every posting list of the
    field on every search (about 300 ms per search at 10k articles)."""
    from whoosh import sorting

    class CachedOverlap(sorting.OverlappingCategorizer):
        def __init__(self, global_searcher, name):
            super().__init__(global_searcher, name)
            self._cache = global_searcher._field_caches  # lives and dies with the searcher

        def set_searcher(self, segment_searcher, docoffset):
            key = ("reader-overlap", self._fieldname, docoffset)
            if key in self._cache:
                self._segment_searcher = segment_searcher
                self._lists = self._cache[key]
            else:
                super().set_searcher(segment_searcher, docoffset)
                self._cache[key] = self._lists

    class KeywordFacet(sorting.FieldFacet):
        def categorizer(self, global_searcher):
            return CachedOverlap(global_searcher, self.fieldname)

    return KeywordFacet(fieldname, allow_overlap=True)


class _Bold:
    """Whoosh formatter: matches in <b>…</b>, everything else HTML-escaped."""

    def __new__(cls):
        from whoosh.highlight import Formatter, get_text

        class Bold(Formatter):
            between = " … "

            def format_token(self, text, token, replace=False):
                return f"<b>{html.escape(get_text(text, token, replace))}</b>"

            def _text(self, text):
                return html.escape(text)

        return Bold()


class SearchIndex:
    """One Whoosh index directory. Thread-safe for searching; one writer at a time."""

    def __init__(self, index_dir: Path):
        self.dir = Path(index_dir)
        self.rebuilt_reason = ""  # set when a damaged or outdated index was replaced
        self._ix = None
        self._searcher = None
        self._lock = threading.Lock()

    # -- opening -------------------------------------------------------------------------
    def _stamp_file(self) -> Path:
        return self.dir / "reader-index.json"

    def open(self):
        """Open the index, creating it or rebuilding it from scratch when it is unusable."""
        if self._ix is not None:
            return self._ix
        from whoosh import index

        # whoosh-reloaded leaves a damaged index's files open when open_dir fails; they are
        # closed when the exception is dropped: keep that from surfacing as a ResourceWarning.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                meta = json.loads(self._stamp_file().read_text())
                if meta.get("schema") != SCHEMA_VERSION:
                    raise ValueError(f"schema version {meta.get('schema')} != {SCHEMA_VERSION}")
                ix = index.open_dir(str(self.dir))
                with ix.searcher() as s:  # touch the segments: a damaged index fails here
                    s.doc_count()
                self._ix = ix
                return ix
            except FileNotFoundError:
                if self.dir.exists() and any(self.dir.iterdir()):
                    self.rebuilt_reason = "The search index was incomplete and has been rebuilt."
            except Exception as exc:  # any failure means: rebuild the cache
                log.warning("Search index unusable (%s); rebuilding it", str(exc))
                self.rebuilt_reason = ("The search index could not be opened "
                                       f"({exc.__class__.__name__}) and has been rebuilt.")
            gc.collect()
        return self._create()

    def _create(self):
        from whoosh import index

        self.close()
        if self.dir.exists():
            shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True)
        self._ix = index.create_in(str(self.dir), _schema())
        self._stamp_file().write_text(json.dumps({"schema": SCHEMA_VERSION}))
        return self._ix

    def clear(self) -> None:
        """Drop everything (for `reader index --rebuild`)."""
        with self._lock:
            self._create()

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        if self._ix is not None:
            self._ix.close()
            self._ix = None

    # -- writing -------------------------------------------------------------------------
    def stamps(self) -> dict[str, str]:
        """{doc id: stamp} for every indexed document, read from the lexicon (no stored fields)."""
        ix = self.open()
        out = {}
        with ix.reader() as r:
            for term in r.lexicon("stampkey"):
                doc_id, _, stamp = term.decode("utf-8").partition(_STAMP_SEP)
                out[doc_id] = stamp
        return out

    def update(self, docs: Iterable[IndexDoc], remove: Iterable[str] = (),
               progress: Callable[[int], None] | None = None) -> int:
        """Add or replace `docs`, delete ids in `remove`, in one commit.

        Raises IndexBusy when another process holds the write lock."""
        from whoosh.index import LockError

        ix = self.open()
        try:
            writer = ix.writer(timeout=2.0, limitmb=128)
        except LockError:
            raise IndexBusy("Another reader process is updating the search index right now; "
                            "try again when it has finished.") from None
        n = 0
        try:
            for doc_id in remove:
                writer.delete_by_term("id", doc_id)
            for doc in docs:
                writer.update_document(**_fields(doc))
                n += 1
                if progress:
                    progress(n)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return n

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
        return s

    def _parser(self, schema):
        from whoosh.qparser import FuzzyTermPlugin, GtLtPlugin, MultifieldParser
        from whoosh.qparser.dateparse import DateParserPlugin

        parser = MultifieldParser(["title", "body"], schema)
        parser.add_plugin(FuzzyTermPlugin())
        parser.add_plugin(GtLtPlugin())
        parser.add_plugin(DateParserPlugin(free=False))
        return parser

    def parse(self, query: str):
        validate(query)
        ix = self.open()
        try:
            q = self._parser(ix.schema).parse(query)
        except Exception as exc:  # Whoosh raises bare Exception for bad dates
            raise BadQuery(f"Could not understand '{query}': {exc}. Dates look like date:2014, "
                           "date:20140417 or date:[2011 TO 2013].") from None
        from whoosh import query as wq

        if q is wq.NullQuery:
            if re.search(r"\bdate:", query):
                raise BadQuery(f"Could not read the date in '{query}'. Dates look like "
                               "date:2014, date:20140417 or date:[2011 TO 2013].")
            raise BadQuery(f"'{query}' has no searchable words (very common words such as "
                           "'the' are not indexed).")
        if re.search(r"\bdate:", query) and not any(
                leaf.field() == "date" for leaf in q.leaves() if hasattr(leaf, "field")):
            raise BadQuery(f"Could not read the date in '{query}'. Dates look like "
                           "date:2014, date:20140417 or date:[2011 TO 2013].")
        return q

    def search(self, query: str, limit: int = 20, facets: bool = False,
               snippets: int | None = None) -> SearchResult:
        """Ranked hits; snippets for the first `snippets` hits (default: all returned)."""
        q = self.parse(query)
        with self._lock:
            s = self._current_searcher()
            from whoosh import collectors

            # One pass that scores every match: the total is exact without Whoosh re-running
            # the query for len(), and facets no longer make Whoosh collect (and us snippet)
            # every hit. No terms=True: recording matched terms per document is costly.
            collector = collectors.TopCollector(max(1, limit), usequality=False, replace=0)
            if facets:
                from whoosh import sorting

                collector = collectors.FacetCollector(collector, {
                    "source": sorting.FieldFacet("site"),
                    "year": sorting.FieldFacet("year"),
                    "entity": _keyword_facet("entity"),
                    "policy": _keyword_facet("policy"),
                }, maptype=sorting.Count)
            s.search_with_collector(q, collector)
            results = collector.results()
            results.fragmenter = _word_fragmenter(maxchars=240, surround=60)
            # Otherwise highlights() returns '' when the first match lies past 32 KB.
            results.fragmenter.charlimit = None
            results.formatter = _Bold()
            hits = []
            n_snip = len(results) if snippets is None else snippets
            for i, hit in enumerate(results):
                snippet = hit.highlights("body", top=2) if i < n_snip else ""
                if not snippet and i < n_snip:
                    snippet = html.escape(_lead(hit["body"]))
                hits.append(Hit(id=hit["id"], title=hit["title"], score=hit.score or 0.0,
                                snippet=snippet, source=hit.get("source", ""),
                                date=_iso(hit.get("date"))))
            groups = {}
            if facets:
                for name in ("source", "year", "entity", "policy"):
                    counts = results.groups(name)
                    groups[name] = {str(k): v for k, v in counts.items() if k}
            total = len(results)
            terms = _query_words(q, s.reader())
            suggestion = self._suggest(s, query) if total < 3 else ""
        return SearchResult(query=query, total=total, hits=hits, suggestion=suggestion,
                            facets=groups, terms=terms)

    def _suggest(self, searcher, query: str) -> str:
        """The query with each unknown plain word replaced by the closest indexed word."""
        changed = False
        out = []
        reader = searcher.reader()
        for token in re.split(r"(\s+)", query):
            word = token.strip("\"()").lower()
            if (not word.isalpha() or len(word) < 4 or token.upper() in ("AND", "OR", "NOT")
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

    def doc_count(self) -> int:
        with self._lock:
            return self._current_searcher().doc_count()


def _query_words(q, reader) -> tuple[str, ...]:
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
    return tuple(sorted(words))


def _lead(body: str, n: int = 200) -> str:
    if len(body) <= n:
        return body
    cut = body.rfind(" ", 0, n)
    return body[: cut if cut > 0 else n] + " …"


def _iso(value) -> str:
    return value.date().isoformat() if isinstance(value, dt.datetime) else ""


def _fields(doc: IndexDoc) -> dict:
    fields = {
        "id": doc.id,
        "title": doc.title,
        "body": doc.body,
        "words": f"{doc.title}\n{doc.body}",
        "source": doc.source,
        "site": doc.source,
        "author": doc.author,
        "entity": ",".join(e.replace(",", " ") for e in doc.entities),
        "policy": ",".join(p.replace(",", " ") for p in doc.policies),
        "stampkey": f"{doc.id}{_STAMP_SEP}{doc.stamp}",
    }
    if doc.date:
        try:
            d = dt.date.fromisoformat(doc.date)
            fields["date"] = dt.datetime(d.year, d.month, d.day)
            fields["year"] = str(d.year)
        except ValueError:
            pass
    return fields
