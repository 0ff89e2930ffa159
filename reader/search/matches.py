"""Every match of a query as (article id, score), best first, without reading each hit's
stored fields: for ordering or filtering a whole result set outside the index (by date, by
the user's stars and tags: `reader.services.search`)."""

from __future__ import annotations

from reader.errors import BadQuery


def matches(index, query: str) -> list[tuple[str, float]] | None:
    """[(article id, score)] of every article matching `query`, in Whoosh's order; None when
    the numpy evaluator does not handle the query (then search with a limit of the total).
    Raises BadQuery (malformed, or over the query budget)."""
    from reader.search.budget import BUDGET_S, NONE, Deadline, OverBudget
    from reader.search.evaluate import Evaluator, handles

    q = index.parse(query)
    with index._lock:
        searcher = index._current_searcher()
        if not handles(q):
            return None
        if index._evaluator is None:
            index._evaluator = Evaluator(searcher, index.dir)
        evaluator = index._evaluator
        evaluator.remember_expansions(q)
        evaluator.deadline = Deadline(BUDGET_S)
        try:
            _mask, _total, top = evaluator.top(q, evaluator.n)
        except OverBudget:
            raise BadQuery(f"'{query[:60]}' took too long and was stopped. Narrow it: fewer "
                           "wildcards or fuzzy words, a smaller ~ after a phrase.") from None
        finally:
            evaluator.deadline = NONE
        ids = _doc_ids(evaluator.arrays)
    return [(ids[docnum], score) for docnum, score in top]


def _doc_ids(arrays) -> list[str]:
    """docnum -> article id of one searcher, from the `id` field's postings (built once per
    searcher, kept with its arrays)."""
    import numpy as np

    key = ("docids",)
    ids = arrays._values.get(key)
    if ids is None:
        arrays.facet("id", np.zeros(arrays.n, dtype=bool))  # reads the id postings once
        names, dids, vids = arrays._values[("facet", "id")]
        ids = [""] * arrays.n
        for docnum, value in zip(dids.tolist(), vids.tolist(), strict=True):
            ids[docnum] = str(names[value])
        arrays._values[key] = ids
    return ids
