"""Search operations: the article search and the notes matching a query's words."""

from __future__ import annotations

from reader.query import plain_words


def run_search(runner, lib, query: str, limit: int, *, done, failed=None):
    """The SearchResult with facets (latest wins); BadQuery goes to `failed`."""
    return runner.submit("search", lambda ctx: lib.search.run(query, limit=limit, facets=True),
                         done=done, failed=failed)


def search_notes(runner, lib, query: str, *, done, failed=None):
    """Notes matching the plain words of a search query, best first (latest wins)."""
    def work(ctx):
        words = plain_words(query)
        return lib.notes.search(words) if words else []

    return runner.submit("note_search", work, done=done, failed=failed)


def drop_note_search(runner):
    """Drop a note search still running (its result would be stale)."""
    runner.submit("note_search", lambda ctx: [])

