"""Search: queries against the Whoosh index (kept up to date by the indexing service)."""

from __future__ import annotations

from reader.domain import SearchResult
from reader.query import validate as validate_query
from reader.search import SearchIndex


class SearchService:
    def __init__(self, index: SearchIndex):
        self._index = index

    def run(self, query: str, limit: int = 20, facets: bool = False,
            snippets: int | None = None) -> SearchResult:
        """Ranked hits with snippets (and counts by entity, policy, source and year with
        `facets`); with `snippets=N` only the first N hits get one (the rest: "", see
        `snippets`). Raises BadQuery with a readable message."""
        return self._index.search(query, limit=limit, facets=facets, snippets=snippets)

    def snippets(self, query: str, doc_ids: list[str]) -> dict[str, str]:
        """{doc id: snippet} of `query` for hits a list shows later (built lazily)."""
        return self._index.snippets(query, doc_ids)

    def check(self, query: str) -> None:
        """Raise BadQuery when the query is malformed (cheap; no index needed)."""
        validate_query(query)

    def doc_count(self) -> int:
        """Articles in the index (0 before the first `IndexingService.update`)."""
        return self._index.doc_count()
