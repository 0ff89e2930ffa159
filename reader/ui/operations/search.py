"""Search operations: the article search, the snippets of the rows shown, the notes matching
a query's words, the saved searches."""

from __future__ import annotations

import dataclasses
import html

from reader.domain import SearchResult
from reader.query import facet_clauses, plain_words
from reader.ui.tasks import WRITE


def search_call(lib, query: str, limit: int, sort: str = "relevance") -> SearchResult:
    """What the search field runs when its debounce fires: the hits with facets and no
    snippets (the list asks for those of the rows it shows: `snippet_call`)."""
    return _with_mention_snippets(lib, lib.search.run(query, limit=limit, facets=True,
                                                      snippets=0, sort=sort))


def snippet_call(lib, query: str, doc_ids: list[str]) -> dict[str, str]:
    """{doc id: snippet} of the hits a list shows; an `entity:` hit's snippet around the
    mention."""
    made = lib.search.snippets(query, list(doc_ids))
    return _mention_snippets(lib, query, made)


def run_search(runner, lib, query: str, limit: int, *, sort: str = "relevance", done,
               failed=None):
    """The SearchResult with facets, without snippets (latest wins); BadQuery goes to
    `failed`."""
    return runner.submit("search", lambda ctx: search_call(lib, query, limit, sort),
                         done=done, failed=failed)


def load_snippets(runner, lib, query: str, doc_ids: list[str], *, done, failed=None):
    """(query, {doc id: snippet}) for the rows shown (latest wins: scrolling on drops an
    older request)."""
    return runner.submit("snippets", lambda ctx: (query, snippet_call(lib, query, doc_ids)),
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



def _with_mention_snippets(lib, result: SearchResult) -> SearchResult:
    """An `entity:` hit whose snippet is the article's opening lines (the index marks only
    words of the text) gets a snippet around the entity's first mention instead (hits
    without a snippet yet are left for `snippet_call`)."""
    given = {hit.id: hit.snippet for hit in result.hits if hit.snippet}
    made = _mention_snippets(lib, result.query, given)
    if made == given:
        return result
    return dataclasses.replace(result, hits=[
        dataclasses.replace(hit, snippet=made[hit.id]) if hit.id in made else hit
        for hit in result.hits])


def _mention_snippets(lib, query: str, snippets: dict[str, str]) -> dict[str, str]:
    """`snippets` ({doc id: snippet}), those without a marked word replaced by a snippet
    around the first mention of the query's `entity:` names."""
    names = {clause.split(":", 1)[1].strip("'\"").casefold()
             for clause in facet_clauses(query) if clause.startswith("entity:")}
    if not names or all("<b>" in s for s in snippets.values()):
        return snippets
    # facet_clause writes a name's apostrophes as spaces.
    wanted = [e for e in lib.entities.list() if e.name.replace("'", " ").casefold() in names]
    out = dict(snippets)
    for doc_id, snippet in snippets.items():
        mention = next((m for e in wanted for m in e.mentions
                        if m.doc == doc_id and m.start >= 0 and m.field == "body"), None)
        if "<b>" in snippet or mention is None:
            continue
        body = lib.articles.get(doc_id).body
        out[doc_id] = mention_snippet(body, mention.start, mention.end)
    return out


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


# -- saved searches ----------------------------------------------------------------------------

def load_saved(runner, lib, *, done):
    """Every saved search, by name."""
    return runner.submit("saved_searches", lambda ctx: lib.search.saved(), done=done)


def save_search(runner, lib, name: str, query: str, *, done, failed=None):
    """Save `query` under `name`; reports the Changes."""
    return runner.submit(WRITE, lambda ctx: lib.search.save(name, query), done=done,
                         failed=failed)


def rename_saved(runner, lib, search_id: int, name: str, *, done, failed=None):
    return runner.submit(WRITE, lambda ctx: lib.search.rename_saved(search_id, name),
                         done=done, failed=failed)


def delete_saved(runner, lib, search_id: int, *, done, failed=None):
    return runner.submit(WRITE, lambda ctx: lib.search.delete_saved(search_id), done=done,
                         failed=failed)
