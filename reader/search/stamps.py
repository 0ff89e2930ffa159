"""Each indexed document's stamp (what its index fields were made from): the stamps file
written beside each commit, else the "stampkey" lexicon.

`IndexingService.update` compares every article's stamp with the index's to find what to
write again. Reading them from the lexicon means a postings lookup per document once a
segment has deletions (every update after the first); the stamps file (`reader-stamps.json`
in the index folder, JSON) holds the same mapping for one version of the index — its
generation and segment ids — so any commit it does not know of (another process, an older
version of reader) makes it stale, and the lexicon is read instead."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from reader.search.doc import STAMP_SEP

log = logging.getLogger(__name__)

STAMPS_FILE = "reader-stamps.json"


def version(ix) -> str:
    """The index as committed: its generation and segments (an index rebuilt or written by
    another process is another version)."""
    return f"{ix.latest_generation()}:" + ",".join(
        sorted(seg.segment_id() for seg in ix._segments()))


def read(index_dir: Path, version: str) -> dict[str, str] | None:
    """The stamps file's stamps when they are of `version`, else None."""
    try:
        raw = json.loads((Path(index_dir) / STAMPS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(raw, dict) or raw.get("version") != version:
        return None
    stamps = raw.get("stamps")
    if not isinstance(stamps, dict) or not all(isinstance(v, str) for v in stamps.values()):
        return None
    return stamps


def from_lexicon(ix) -> dict[str, str]:
    """{doc id: stamp} from the "stampkey" lexicon. It keeps a deleted or replaced
    document's terms until its segment is merged: with deletions, a stamp counts only while
    a live document holds it (else an article edited A -> B -> A could keep B's text, a
    removed one put back stay out)."""
    out = {}
    with ix.reader() as r:
        deletions = r.has_deletions()
        for term in r.lexicon("stampkey"):
            if deletions and not any(True for _ in r.postings("stampkey", term).all_ids()):
                continue
            doc_id, _, stamp = term.decode("utf-8").partition(STAMP_SEP)
            out[doc_id] = stamp
    return out


def write(index_dir: Path, ix, stamps: dict[str, str]) -> str:
    """Write the stamps of `ix` as committed now; its version. Derived data: a failure is
    logged and leaves the file stale (the lexicon is read instead)."""
    from reader.textutil import atomic_write

    current = version(ix)
    try:
        atomic_write(Path(index_dir) / STAMPS_FILE,
                     json.dumps({"version": current, "stamps": stamps}, separators=(",", ":")))
    except OSError as exc:
        log.info("Index stamps not written (%s)", exc)
    return current


class StampCache:
    """The stamps of one index folder as this process last read or wrote them."""

    def __init__(self, index_dir: Path):
        self.dir = Path(index_dir)
        self.known: tuple[str, dict[str, str]] | None = None  # (version, stamps)

    def get(self, ix) -> dict[str, str]:
        """{doc id: stamp} of every document of `ix` (a copy)."""
        current = version(ix)
        if self.known is None or self.known[0] != current:
            found = read(self.dir, current)
            self.known = (current, found if found is not None else from_lexicon(ix))
        return dict(self.known[1])

    def current(self, ix) -> dict[str, str] | None:
        """The stamps of `ix` as it is now when known without reading anything, else None."""
        return self.known[1] if self.known and self.known[0] == version(ix) else None

    def committed(self, where: Path, ix, before: dict[str, str], removed: list[str],
                  written: dict[str, str]) -> None:
        """`ix` (in `where`) was committed from `before`: `removed` deleted, `written` added
        or replaced; its stamps file is written."""
        gone = set(removed)
        stamps = {k: v for k, v in before.items() if k not in gone} | written
        current = write(where, ix, stamps)
        if Path(where) == self.dir:
            self.known = (current, stamps)

    def keep(self, ix) -> None:
        """Write the stamps file when the stamps of `ix` are known but the file is not."""
        stamps = self.current(ix)
        if stamps is not None and read(self.dir, self.known[0]) is None:
            write(self.dir, ix, stamps)
