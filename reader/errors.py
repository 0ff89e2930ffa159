"""The errors reader raises for the user: the CLI prints them, the UI shows them."""

from __future__ import annotations


class ReaderError(Exception):
    """An error whose message is meant for the user (CLI prints it, the UI shows it)."""


class BadInput(ReaderError):
    """A file, argument or query the user gave cannot be used."""


class BadQuery(BadInput):
    """A search query that cannot be parsed."""


class NotFound(ReaderError):
    """An article, entity, policy or note id that does not exist."""


class IndexBusy(ReaderError):
    """Another process is writing the index right now."""


class ReadOnly(ReaderError):
    """The user-data store was opened read-only (e.g. the data folder is not writable)."""


class DiskFull(ReaderError):
    """A save failed because the disk (or the database's size limit) is full; nothing
    saved before was lost."""


class ClusterError(ReaderError):
    """The Dask cluster asked for cannot be used: dask not installed, the scheduler
    unreachable, no worker, or a worker's spaCy/model/cache versions differ from ours."""
