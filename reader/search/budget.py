"""Limits on one search: fuzzy distance capped, and a time budget that stops a runaway query
(a wildcard over the whole lexicon, a long sloppy phrase) with a message instead of a hang."""

from __future__ import annotations

import time

MAX_FUZZY = 2  # council~9 searches as council~2 (Whoosh's automaton grows with the distance)
BUDGET_S = 1.5  # evaluation time per search; the answer (or the message) comes within ~2 s
LONGEST_SUGGESTED = 40  # words longer than this get no "did you mean" (edit distance cost)


class OverBudget(Exception):
    """The search ran past its time budget (SearchIndex.search turns it into BadQuery)."""


class Deadline:
    """`check()` raises OverBudget once `seconds` have passed since it was made (None: never)."""

    def __init__(self, seconds: float | None = BUDGET_S):
        self.end = None if seconds is None else time.monotonic() + seconds

    def check(self) -> None:
        if self.end is not None and time.monotonic() > self.end:
            raise OverBudget


NONE = Deadline(None)


def cap_fuzzy(q) -> None:
    """Lower every fuzzy term's edit distance to MAX_FUZZY (in place)."""
    from whoosh import query as wq

    for leaf in q.leaves():
        if isinstance(leaf, wq.FuzzyTerm) and leaf.maxdist > MAX_FUZZY:
            leaf.maxdist = MAX_FUZZY
