"""Indexing operations: bring the search index and extraction up to date."""

from __future__ import annotations

from reader.ui.tasks import WRITE


def update_index(runner, lib, *, nlp: bool, done, failed=None, progress=None,
                 cluster: str | None = None):
    """`lib.indexing.update` in the write lane (cancellable through the returned Task),
    the NLP stage on the Dask cluster at `cluster` when given; reports the IndexReport."""
    return runner.submit(WRITE, lambda ctx: lib.indexing.update(
        progress=ctx.progress, cancelled=ctx.cancelled, nlp=nlp, cluster=cluster),
        done=done, failed=failed, progress=progress)
