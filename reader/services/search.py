"""Search: queries against the Whoosh index (kept up to date by the indexing service), the
user's `starred:`/`tag:` filters, results ordered by date, and the saved searches."""

from __future__ import annotations

import dataclasses
import html
from collections import Counter
from collections.abc import Callable

from reader.domain import SORTS, Changes, Hit, SavedSearch, SearchResult
from reader.errors import BadInput, BadQuery, ReaderError
from reader.query import validate as validate_query
from reader.search import SearchIndex
from reader.search.matches import matches
from reader.services import filters as user_filters
from reader.services.articles import ArticleService

MAX_NAME = 80  # characters in a saved search's name


def order_by_date(hits: list[Hit], sort: str) -> list[Hit]:
    """`hits` newest or oldest first; undated ones last, in their previous order (stable)."""
    dated = sorted((h for h in hits if h.date), key=lambda h: h.date,
                   reverse=sort == "newest")
    return dated + [h for h in hits if not h.date]


class SearchService:
    """Reads: `run`, `snippets`, `check`, `doc_count`, `saved`. Writes (each returns
    Changes(searches=True)): `save`, `rename_saved`, `delete_saved`."""

    def __init__(self, index: SearchIndex, articles: ArticleService | None = None,
                 store: Callable | None = None, reader: Callable | None = None):
        self._index = index
        self._articles = articles  # catalogue dates, stars and tags
        self._store = store  # the user-data store (saved searches), opened on first use
        self._reader = reader

    def run(self, query: str, limit: int = 20, facets: bool = False,
            snippets: int | None = None, sort: str = "relevance") -> SearchResult:
        """Ranked hits with snippets (and counts by entity, policy, source and year with
        `facets`); with `snippets=N` only the first N hits get one (the rest: "", see
        `snippets`). `sort` is one of SORTS: "newest"/"oldest" order every match by its
        date (the one the user set wins; undated last) before the first `limit` are taken.
        `starred:yes` and `tag:x` terms filter (`reader.services.filters`); the facets of a
        filtered search count sources and years only. Raises BadQuery with a readable
        message."""
        if sort not in SORTS:
            raise BadInput(f"Sort by one of {', '.join(SORTS)} (not '{sort}').")
        rest, wanted = user_filters.split(query)
        if not wanted and sort == "relevance":
            return self._index.search(query, limit=limit, facets=facets, snippets=snippets)
        n_snip = limit if snippets is None else snippets
        keeps = self._keeper(wanted) if wanted else None
        if wanted and not rest:  # filters only: the articles they select, newest first
            infos = [i for i in self._require_articles().list() if keeps(i.id)]
            hits = [Hit(id=i.id, title=i.title, score=0.0, snippet="", source=i.source,
                        date=i.date) for i in infos]
            hits = order_by_date(hits, "oldest" if sort == "oldest" else "newest")
            return self._finish(query, rest, hits, len(hits), limit, n_snip,
                                _facets_of(hits) if facets else {}, "", ())
        first = self._index.search(rest, limit=limit, facets=facets and not wanted,
                                   snippets=0)
        found = matches(self._index, rest) if first.total else []
        if found is None:  # a query the numpy evaluator leaves to Whoosh: every hit, read
            hits = first.hits
            if first.total > len(hits):
                hits = self._index.search(rest, limit=first.total, snippets=0).hits
            hits = self._with_catalogue_dates(hits)
            if wanted:
                hits = [h for h in hits if keeps(h.id)]
        else:  # every match's id and score; only the hits shown are read
            if wanted:
                found = [(doc_id, score) for doc_id, score in found if keeps(doc_id)]
            infos = self._require_articles().briefs(doc_id for doc_id, _ in found)
            hits = self._hits_of(found, infos, first.hits, limit, sort)
            if wanted and facets:
                groups = _facets_of([infos[i] for i, _ in found if i in infos])
        if sort != "relevance":
            hits = order_by_date(hits, sort)
        total = (len(found) if found is not None else len(hits)) if wanted else first.total
        if not facets:
            groups = {}
        elif not wanted:
            groups = first.facets
        elif found is None:
            groups = _facets_of(hits)
        return self._finish(query, rest, hits, total, limit, n_snip, groups, first.suggestion,
                            first.terms)

    def _hits_of(self, found: list[tuple[str, float]], infos: dict, known: list[Hit],
                 limit: int, sort: str) -> list[Hit]:
        """The hits to show from every match [(id, score)] (best first): the first `limit`
        by score, or every match by date (then cut by `_finish`); from the catalogue, or
        from `known` (the index's own first hits) where it has them."""
        if sort == "relevance":
            found = found[:limit]
        else:
            dated = [(i, s) for i, s in found if infos.get(i) and infos[i].date]
            dated.sort(key=lambda pair: infos[pair[0]].date, reverse=sort == "newest")
            found = (dated + [(i, s) for i, s in found
                              if not (infos.get(i) and infos[i].date)])[:limit]
        by_id = {h.id: h for h in known}
        hits = []
        for doc_id, score in found:
            info = infos.get(doc_id)
            if info is not None:
                hits.append(Hit(id=doc_id, title=info.title, score=score, snippet="",
                                source=info.source, date=info.date))
            elif doc_id in by_id:  # in the index, not (yet) in the catalogue
                hits.append(by_id[doc_id])
        return hits

    def _finish(self, query, rest, hits, total, limit, n_snip, groups, suggestion, terms):
        shown = hits[:limit]
        if n_snip > 0 and shown:
            made = self.snippets(query, [h.id for h in shown[:n_snip]])
            shown = [dataclasses.replace(h, snippet=made.get(h.id, "")) if i < n_snip else h
                     for i, h in enumerate(shown)]
        return SearchResult(query=query, total=total, hits=shown, suggestion=suggestion,
                            facets=groups, terms=terms)

    def _require_articles(self) -> ArticleService:
        if self._articles is None:
            raise BadQuery("Stars, tags and sorting by date need the library's articles.")
        return self._articles

    def _keeper(self, wanted: user_filters.Filters) -> Callable[[str], bool]:
        """Whether an article id passes the filters (stars and tags read once)."""
        articles = self._require_articles()
        starred = articles.starred() if wanted.starred is not None else set()
        need = [articles.tagged(t) for t in wanted.tags]
        refuse = [articles.tagged(t) for t in wanted.without_tags]

        def keeps(doc_id: str) -> bool:
            return ((wanted.starred is None or (doc_id in starred) == wanted.starred)
                    and all(doc_id in ids for ids in need)
                    and not any(doc_id in ids for ids in refuse))

        return keeps

    def _with_catalogue_dates(self, hits: list[Hit]) -> list[Hit]:
        """Hits with the catalogue's date (the date the user set wins at once, before the
        index has been brought up to date)."""
        dates = self._require_articles().dates(h.id for h in hits)
        return [dataclasses.replace(h, date=dates[h.id])
                if h.id in dates and dates[h.id] != h.date else h for h in hits]

    def snippets(self, query: str, doc_ids: list[str]) -> dict[str, str]:
        """{doc id: snippet} of `query` for hits a list shows later (built lazily). For a
        query of filters only: each article's opening lines."""
        rest, _wanted = user_filters.split(query)
        if rest:
            return self._index.snippets(rest, doc_ids)
        from reader.search.snippets import lead

        out = {}
        for doc_id in doc_ids:
            try:
                out[doc_id] = html.escape(lead(self._require_articles().get(doc_id).body))
            except ReaderError:  # gone, or unreadable: no snippet
                out[doc_id] = ""
        return out

    def check(self, query: str) -> None:
        """Raise BadQuery when the query is malformed (cheap; no index needed)."""
        rest, wanted = user_filters.split(query)
        if wanted and not rest:
            return
        validate_query(rest)

    def doc_count(self) -> int:
        """Articles in the index (0 before the first `IndexingService.update`)."""
        return self._index.doc_count()

    # -- saved searches ----------------------------------------------------------------------
    def saved(self) -> list[SavedSearch]:
        """Every saved search, by name."""
        if self._reader is None or self._articles is None or not self._articles.store_exists():
            return []
        return [SavedSearch(i, name, query, created)
                for i, name, query, created in self._reader().saved_searches()]

    def save(self, name: str, query: str) -> Changes:
        """Save `query` under `name` (unique, case-insensitive). Raises BadInput, BadQuery."""
        name, query = _clean_name(name), query.strip()
        self.check(query)
        self._store().add_saved_search(name, query)
        return Changes(searches=True)

    def rename_saved(self, search_id: int, name: str) -> Changes:
        """Raises NotFound, BadInput."""
        self._store().update_saved_search(search_id, name=_clean_name(name))
        return Changes(searches=True)

    def update_saved(self, search_id: int, query: str) -> Changes:
        """Change a saved search's query. Raises NotFound, BadQuery."""
        query = query.strip()
        self.check(query)
        self._store().update_saved_search(search_id, query=query)
        return Changes(searches=True)

    def delete_saved(self, search_id: int) -> Changes:
        """Raises NotFound."""
        self._store().delete_saved_search(search_id)
        return Changes(searches=True)


def _clean_name(name: str) -> str:
    text = " ".join(str(name).split())
    if not text:
        raise BadInput("Give the saved search a name.")
    if len(text) > MAX_NAME:
        raise BadInput(f"The name is too long; the most is {MAX_NAME} characters.")
    return text


def _facets_of(hits) -> dict[str, dict[str, int]]:
    """Source and year counts of `hits` (Hits or ArticleInfos: a filtered search's facets)."""
    return {"source": dict(Counter(h.source for h in hits if h.source)),
            "year": dict(Counter(h.date[:4] for h in hits if h.date))}
