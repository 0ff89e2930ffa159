"""Limits on one search: fuzzy distance capped, and a time budget that stops a runaway query
(a wildcard over the whole lexicon, a long sloppy phrase) with a message instead of a hang."""

from __future__ import annotations

import time

MAX_FUZZY = 2  # council~9 searches as council~2 (Whoosh's automaton grows with the distance)
# CPU seconds of the searching thread per evaluation: CPU time, not the wall clock, so that a
# machine busy with other work slows a search down without cutting it off.
BUDGET_S = 1.5
LONGEST_SUGGESTED = 40  # words longer than this get no "did you mean" (edit distance cost)


class OverBudget(Exception):
    """The search ran past its time budget (SearchIndex.search turns it into BadQuery)."""


class Deadline:
    """`check()` raises OverBudget once this thread has used `seconds` of CPU since the
    deadline was made (None: never)."""

    def __init__(self, seconds: float | None = BUDGET_S):
        self.end = None if seconds is None else time.thread_time() + seconds
        # A thread cannot use more CPU than the wall clock gives it: until this moment the
        # (system call) CPU clock need not be read.
        self._wall = None if seconds is None else time.monotonic() + seconds

    def check(self) -> None:
        if self.end is None or time.monotonic() < self._wall:
            return
        if time.thread_time() > self.end:
            raise OverBudget


NONE = Deadline(None)


def cap_fuzzy(q) -> None:
    """Lower every fuzzy term's edit distance to MAX_FUZZY (in place)."""
    from whoosh import query as wq

    for leaf in q.leaves():
        if isinstance(leaf, wq.FuzzyTerm) and leaf.maxdist > MAX_FUZZY:
            leaf.maxdist = MAX_FUZZY
