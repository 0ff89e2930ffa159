"""Per-searcher numpy arrays of a Whoosh index: lengths, postings, dates, facets, positions."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from reader.search import flat
from reader.search.flat import decode

TERM_CACHE = 4096  # posting lists kept (LRU); 2.4 MB for the bench's 24 queries at 10k
POSITION_CACHE = 256  # (field, term) -> {docnum: positions}, for phrase verification

_EMPTY = (np.zeros(0, np.int64), np.zeros(0, np.float64))


class SearcherArrays:
    """Everything the evaluator reads of one Whoosh searcher, as arrays over global docnums."""

    def __init__(self, searcher, index_dir=None):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.n = searcher.doc_count_all()
        self.leaves = ([(searcher, 0)] if searcher.is_atomic()
                       else list(searcher.leaf_searchers()))
        self._lengths: dict[str, np.ndarray] = {}
        self._values: dict = {}
        self._postings: OrderedDict = OrderedDict()
        self._positions: OrderedDict = OrderedDict()
        # Each leaf's memory-mapped flat postings (reader.search.flat), None when missing.
        self.side = [flat.load(index_dir, sub.reader()) if index_dir is not None
                     and hasattr(sub.reader(), "segment") else None for sub, _ in self.leaves]
        self.deleted = None
        if self.reader.has_deletions():
            self.deleted = np.array([self.reader.is_deleted(d) for d in range(self.n)], bool)

    def lengths(self, field: str) -> np.ndarray:
        """Each document's (byte-quantised) length of `field`, as Whoosh's scorer reads it."""
        out = self._lengths.get(field)
        if out is None:
            out = self._bulk_lengths(field)
            if out is None:
                out = np.array([self.searcher.doc_field_length(d, field, 1)
                                for d in range(self.n)], np.float64)
            self._lengths[field] = out
        return out

    def _bulk_lengths(self, field: str):
        """The length column read in one pass (Whoosh reads one document at a time)."""
        try:
            from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
            from whoosh.util.numeric import byte_to_length
        except ImportError:  # another codec: the slow, general way
            return None
        table = np.array([byte_to_length(b) if b else 1 for b in range(256)], np.float64)
        parts = []
        for sub, _ in self.leaves:
            perdoc = sub.reader()._perdoc
            column = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
            count = sub.doc_count_all()
            parts.append(table[np.fromiter(column, np.int64, count)] if column is not None
                         else np.ones(count, np.float64))
        return np.concatenate(parts) if parts else np.zeros(0, np.float64)

    def postings(self, field: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        """(docnums, weights) of one term, decoded a block at a time."""
        key = (field, btext)
        hit = self._postings.get(key)
        if hit is not None:
            self._postings.move_to_end(key)
            return hit
        ids, weights = [], []
        for k, (sub, offset) in enumerate(self.leaves):
            side = self.side[k]
            got = side.get(field, btext) if side is not None else None
            if got is None:
                reader = sub.reader()
                if (field, btext) not in reader:
                    continue
                got = decode(reader, field, btext)
            ids.append(got[0] + offset if offset else got[0])
            weights.append(got[1])
        out = (np.concatenate(ids), np.concatenate(weights)) if ids else _EMPTY
        self._postings[key] = out
        if len(self._postings) > TERM_CACHE:
            self._postings.popitem(last=False)
        return out

    def mask(self, field: str, btext: bytes) -> np.ndarray:
        out = np.zeros(self.n, bool)
        out[self.postings(field, btext)[0]] = True
        return out

    def numeric(self, field: str) -> tuple[np.ndarray, np.ndarray]:
        """(value, has a value) per document of a single-valued NUMERIC/DATETIME field."""
        key = ("numeric", field)
        out = self._values.get(key)
        if out is None:
            from whoosh.fields import NUMERIC

            fobj = self.searcher.schema[field]
            values, has = np.zeros(self.n, np.int64), np.zeros(self.n, bool)
            for btext in fobj.sortable_terms(self.reader, field):
                ids = self.postings(field, btext)[0]
                values[ids] = NUMERIC.from_bytes(fobj, btext)
                has[ids] = True
            out = self._values[key] = (values, has)
        return out

    def facet(self, field: str, mask: np.ndarray) -> dict[str, int]:
        """{value: matched documents holding it} of an ID/KEYWORD field (one bincount)."""
        key = ("facet", field)
        index = self._values.get(key)
        if index is None:
            fobj = self.searcher.schema[field]
            # Segment by segment, each over its own values only (probing every value in
            # every segment, a one-document segment after an update included, cost ~10x
            # more); the values are the union of the segments' (Whoosh's merged lexicon
            # is that union, sorted).
            leaf_terms = [list(sub.reader().lexicon(field)) for sub, _ in self.leaves]
            btexts = sorted(set().union(*leaf_terms))
            number = {b: k for k, b in enumerate(btexts)}
            names = [fobj.from_bytes(b) for b in btexts]
            dids, nums, lens = [], [], []
            for k, (sub, offset) in enumerate(self.leaves):
                side, reader = self.side[k], sub.reader()
                for btext in leaf_terms[k]:
                    got = side.get(field, btext) if side is not None else None
                    ids = (got if got is not None else decode(reader, field, btext))[0]
                    dids.append(ids + offset if offset else ids)
                    nums.append(number[btext])
                    lens.append(len(ids))
                    self._postings.pop((field, btext), None)  # the facet keeps its own copy
            index = self._values[key] = (names, np.concatenate(dids or [_EMPTY[0]]),
                                         np.repeat(np.array(nums, np.int64), lens))
        names, dids, vids = index
        counts = np.bincount(vids[mask[dids]], minlength=len(names))
        return {str(names[i]): int(counts[i]) for i in np.flatnonzero(counts) if names[i]}

    def positions(self, field: str, btext: bytes, docnums) -> list[frozenset[int]]:
        """The positions of one term in each of `docnums` (ascending; each holds the term)."""
        key = (field, btext)
        cache = self._positions.get(key)
        if cache is None:
            cache = self._positions[key] = {}
            if len(self._positions) > POSITION_CACHE:
                self._positions.popitem(last=False)
        out = []
        matchers: dict = {}
        for d in docnums:
            d = int(d)
            got = cache.get(d)
            if got is None:
                sub, offset = self._leaf_of(d)
                m = matchers.get(offset)
                if m is None:
                    m = matchers[offset] = sub.reader().postings(field, btext)
                m.skip_to(d - offset)
                got = cache[d] = frozenset(m.value_as("positions"))
            out.append(got)
        return out

    def pairs(self, field: str, btext: bytes, docnums: np.ndarray, check=None):
        """(docnums, positions): every position of one term in each of `docnums` (ascending;
        each holds the term), documents ascending and each one's positions ascending, from
        the side files where they hold it, else decoded."""
        docs, poss = [], []
        for k, (sub, offset) in enumerate(self.leaves):
            size = sub.doc_count_all()
            lo, hi = np.searchsorted(docnums, [offset, offset + size])
            if lo == hi:
                continue
            local = docnums[lo:hi] - offset
            side = self.side[k]
            got = side.pairs(field, btext, local) if side is not None else None
            if got is not None:
                docs.append(got[0] + offset)
                poss.append(got[1])
                continue
            for c in range(lo, hi, 256):  # Whoosh's positions, a chunk at a time
                if check is not None:
                    check()
                chunk = docnums[c:min(c + 256, hi)]
                found = self.positions(field, btext, chunk)
                docs.append(np.repeat(chunk, [len(f) for f in found]).astype(np.int64))
                poss.append(np.fromiter((x for f in found for x in sorted(f)), np.int64))
        if not docs:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(docs), np.concatenate(poss)

    def _leaf_of(self, docnum: int):
        for sub, offset in reversed(self.leaves):
            if docnum >= offset:
                return sub, offset
        raise IndexError(docnum)

    def close(self) -> None:
        for side in self.side:
            if side is not None:
                side.close()
        self.side = [None] * len(self.side)
