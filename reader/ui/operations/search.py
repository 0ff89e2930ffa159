"""Search operations: the article search and the notes matching a query's words."""

from __future__ import annotations

import dataclasses
import html

from reader.domain import SearchResult
from reader.query import facet_clauses, plain_words


def run_search(runner, lib, query: str, limit: int, *, done, failed=None):
    """The SearchResult with facets (latest wins), an `entity:` hit's snippet around the
    mention; BadQuery goes to `failed`."""
    return runner.submit("search", lambda ctx: _with_mention_snippets(
        lib, lib.search.run(query, limit=limit, facets=True)), done=done, failed=failed)


def search_notes(runner, lib, query: str, *, done, failed=None):
    """Notes matching the plain words of a search query, best first (latest wins)."""
    def work(ctx):
        words = plain_words(query)
        return lib.notes.search(words) if words else []

    return runner.submit("note_search", work, done=done, failed=failed)


def drop_note_search(runner):
    """Drop a note search still running (its result would be stale)."""
    runner.submit("note_search", lambda ctx: [])



def _with_mention_snippets(lib, result: SearchResult) -> SearchResult:
    """An `entity:` hit whose snippet is the article's opening lines (the index marks only
    words of the text) gets a snippet around the entity's first mention instead."""
    names = {clause.split(":", 1)[1].strip("'\"").casefold()
             for clause in facet_clauses(result.query) if clause.startswith("entity:")}
    if not names or all("<b>" in hit.snippet for hit in result.hits):
        return result
    # facet_clause writes a name's apostrophes as spaces.
    wanted = [e for e in lib.entities.list() if e.name.replace("'", " ").casefold() in names]
    hits = []
    for hit in result.hits:
        mention = next((m for e in wanted for m in e.mentions
                        if m.doc == hit.id and m.start >= 0 and m.field == "body"), None)
        if "<b>" in hit.snippet or mention is None:
            hits.append(hit)
            continue
        body = lib.articles.get(hit.id).body
        hits.append(dataclasses.replace(
            hit, snippet=mention_snippet(body, mention.start, mention.end)))
    return dataclasses.replace(result, hits=hits)


def mention_snippet(body: str, start: int, end: int, around: int = 110) -> str:
    """body[start:end] in bold with up to `around` characters either side, cut at words
    (escaped HTML, like the index's snippets)."""
    left = max(0, start - around)
    if left:
        space = body.find(" ", left, start)
        left = space + 1 if space >= 0 else left
    right = min(len(body), end + around)
    if right < len(body):
        space = body.rfind(" ", end, right)
        right = space if space >= 0 else right
    text = (html.escape(body[left:start]) + "<b>" + html.escape(body[start:end]) + "</b>"
            + html.escape(body[end:right]))
    text = " ".join(text.split())
    return ("… " if left else "") + text + (" …" if right < len(body) else "")
