"""Search: queries against the Whoosh index (kept up to date by the indexing service)."""

from __future__ import annotations

from reader.domain import SearchResult
from reader.search import SearchIndex
from reader.search import validate as validate_query


class SearchService:
    def __init__(self, index: SearchIndex):
        self._index = index

    def run(self, query: str, limit: int = 20, facets: bool = False) -> SearchResult:
        """Ranked hits with snippets (and counts by entity, policy, source and year with
        `facets`). Raises BadQuery with a readable message."""
        return self._index.search(query, limit=limit, facets=facets)

    def check(self, query: str) -> None:
        """Raise BadQuery when the query is malformed (cheap; no index needed)."""
        validate_query(query)

    def doc_count(self) -> int:
        """Articles in the index (0 before the first `IndexingService.update`)."""
        return self._index.doc_count()
