"""Flat postings: each index segment's long posting lists as plain arrays in a side file.

The first search of a term after an index opens decodes its postings from Whoosh's pickled
blocks (positions included): 50-120 ms for the biggest terms at 10k articles. The side file
holds those lists as raw int32/float32 arrays, memory-mapped when a searcher opens, so a
cold search reads them as fast as a warm one (and the pages stay shared and evictable).

It is derived data, one file per segment, named after the segment (`MAIN_<id>.rflat`, so
Whoosh's own clean-up deletes it with its segment): written under a temporary name and
renamed, checked when opened (magic, segment id, document count, size, CRC32), and written
again by the next index update when it is missing or damaged (`sync`). A searcher that
finds no usable file decodes from Whoosh, as before: slower on first use, same results.
"""

from __future__ import annotations

import json
import logging
import mmap
import os
import struct
import zlib
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

MAGIC = b"RDRFLAT3"
SUFFIX = ".rflat"
# Terms with at least MIN_DOCS documents (shorter lists are one or two blocks in Whoosh:
# cheap to decode on demand); every term of the fields searches read whole (dates, facets).
MIN_DOCS = 64
LONG_FIELDS = ("title", "body", "title_bi", "body_bi")
# ... and the positions of their common stems (a phrase's words are checked on them).
POSITION_FIELDS = ("title", "body")
WHOLE_FIELDS = ("date", "site", "year", "entity", "policy")
_HEAD = struct.Struct("<8sQ")  # magic, header length


def path_of(index_dir: Path, segment) -> Path:
    return Path(index_dir) / f"{segment.segment_id()}{SUFFIX}"


def decode(reader, field: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(segment docnums, weights) of one term of a segment reader, a block at a time."""
    m = reader.postings(field, btext)
    ids, weights = [], []
    if hasattr(m, "_read_data") and not getattr(m, "_byteids", True):
        # Whoosh's block matcher: decode whole blocks (it decodes ids one by one).
        while not m._atend:
            m._read_data()
            dids, dws = m._data[0], m._data[1]
            block = np.cumsum(np.array(dids, np.int64))
            ids.append(block)
            weights.append(np.ones(len(block)) if dws is None else
                           np.full(len(block), dws) if isinstance(dws, float) else
                           np.array(dws, np.float64))
            m._next_block()
    else:  # inline postings: the general way
        block_ids, block_ws = [], []
        while m.is_active():
            block_ids.append(m.id())
            block_ws.append(m.weight())
            m.next()
        ids.append(np.array(block_ids, np.int64))
        weights.append(np.array(block_ws, np.float64))
    if not ids:
        return np.zeros(0, np.int64), np.zeros(0, np.float64)
    return np.concatenate(ids), np.concatenate(weights)


def _positions(reader, field: str, btext: bytes, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(positions per posting, all positions in posting order) of one term."""
    m = reader.postings(field, btext)
    counts, flat_pos = [], []
    while m.is_active():
        got = m.value_as("positions")
        counts.append(len(got))
        flat_pos.extend(got)
        m.next()
    if len(counts) != n:
        raise ValueError(f"{field}:{btext!r}: {len(counts)} postings, expected {n}")
    return np.array(counts, np.int64), np.array(flat_pos, np.int32)


def _terms(reader):
    """(field, btext) of every posting list the side file holds."""
    schema = reader.schema
    # A segment of fewer documents has no long list (a small update's): whole fields only.
    short = reader.doc_count_all() < MIN_DOCS
    for field in LONG_FIELDS + WHOLE_FIELDS:
        if field not in schema or field not in reader.indexed_field_names():
            continue
        whole = field in WHOLE_FIELDS
        if short and not whole:
            continue
        for btext, info in reader.iter_field(field, b""):
            if whole or info.doc_frequency() >= MIN_DOCS:
                yield field, btext


def write(index_dir: Path, reader) -> Path:
    """Write the side file of one segment reader (atomically); its path."""
    from reader.search.schema import common_of

    segment = reader.segment()
    schema = reader.schema
    common = common_of(schema) if "body_bi" in schema else frozenset()
    keys, starts, ids, weights = bytearray(), [0], [], []
    key_ends, total = [], 0
    pos_terms, pos_counts, pos_flat = [], [], []
    for field, btext in _terms(reader):
        dids, ws = decode(reader, field, btext)
        w32 = ws.astype(np.float32)
        if not np.array_equal(w32.astype(np.float64), ws):  # not a float32 weight: skip
            continue
        if field in POSITION_FIELDS and btext.decode("utf-8", "replace") in common:
            counts, flat_pos = _positions(reader, field, btext, len(dids))
            pos_terms.append(len(key_ends))
            pos_counts.append(counts)
            pos_flat.append(flat_pos)
        keys += field.encode() + b"\x00" + btext
        key_ends.append(len(keys))
        ids.append(dids.astype(np.int32))
        weights.append(w32)
        total += len(dids)
        starts.append(total)
    bounds = np.array(starts, np.int64)
    # Term k's postings' positions: posting j at pos_starts[pterm[k] + j] (compact: only the
    # terms holding positions have entries); pterm[k] is -1 for the others.
    pterm = np.full(len(key_ends), -1, np.int64)
    pterm[pos_terms] = np.concatenate([[0], np.cumsum([len(c) for c in pos_counts])[:-1]]
                                      ).astype(np.int64) if pos_terms else []
    counts = np.concatenate(pos_counts) if pos_counts else np.zeros(0, np.int64)
    del pos_counts
    # Each array as its list of pieces, written one after the other: the big ones (ids,
    # weights, positions) are never joined in memory (at 10k articles joining them, their
    # bytes and the file body held four copies of 80 MB at once).
    arrays = {
        "keys": [np.frombuffer(bytes(keys), np.uint8)],
        "key_ends": [np.array(key_ends, np.int64)],
        "starts": [bounds],
        "ids": ids or [np.zeros(0, np.int32)],
        "weights": weights or [np.zeros(0, np.float32)],
        "pterm": [pterm],
        "pos_starts": [np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)],
        "positions": pos_flat or [np.zeros(0, np.int32)],
    }
    layout, pieces, offset, crc = {}, [], 0, 0
    for name, parts in arrays.items():
        pad = (-offset) % 8
        pieces.append(b"\x00" * pad)
        offset += pad
        layout[name] = [offset, parts[0].dtype.str, sum(len(a) for a in parts)]
        for part in parts:
            pieces.append(part)
            offset += part.nbytes
    for piece in pieces:
        crc = zlib.crc32(piece, crc)
    header = json.dumps({"segment": segment.segment_id(), "docs": segment.doc_count_all(),
                         "size": offset, "crc": crc, "arrays": layout}).encode()
    header += b" " * ((-(len(header) + _HEAD.size)) % 8)
    path = path_of(index_dir, segment)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # Whoosh ignores dot files
    try:
        with open(tmp, "wb") as fh:
            fh.write(_HEAD.pack(MAGIC, len(header)))
            fh.write(header)
            for piece in pieces:
                fh.write(piece)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


class SideFile:
    """One segment's side file, memory-mapped: `get(field, btext)` -> (ids, weights) or None
    when the term is not in it (then decode it from Whoosh)."""

    def __init__(self, path: Path, segment):
        with open(path, "rb") as fh:
            self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            self._index = self._check(segment)
        except Exception:
            self._map.close()
            raise

    def _check(self, segment) -> dict:
        buf = self._map
        head, base = _verified(buf, segment)
        arrays = {name: np.frombuffer(buf, np.dtype(dtype), count, base + offset)
                  for name, (offset, dtype, count) in head["arrays"].items()}
        keys = arrays["keys"].tobytes()
        ends = arrays["key_ends"].tolist()
        starts = arrays["starts"]
        if len(starts) != len(ends) + 1 or starts[-1] != len(arrays["ids"]) or (
                len(arrays["ids"]) and (arrays["ids"].min() < 0
                                        or arrays["ids"].max() >= head["docs"])):
            raise ValueError("flat postings file inconsistent")
        self._ids, self._weights = arrays["ids"], arrays["weights"]
        self._pos_starts, self._positions = arrays["pos_starts"], arrays["positions"]
        pterm = arrays["pterm"]
        if len(pterm) != len(ends) or self._pos_starts[-1] != len(self._positions):
            raise ValueError("flat postings file inconsistent (positions)")
        index, begin = {}, 0
        bounds = starts.tolist()
        pterm = pterm.tolist()
        for k, end in enumerate(ends):
            field, _, btext = keys[begin:end].partition(b"\x00")
            index[(field.decode(), btext)] = (bounds[k], bounds[k + 1], pterm[k])
            begin = end
        return index

    def __contains__(self, key) -> bool:
        return key in self._index

    def get(self, field: str, btext: bytes):
        span = self._index.get((field, btext))
        if span is None:
            return None
        a, b, _ = span
        return self._ids[a:b].astype(np.int64), self._weights[a:b].astype(np.float64)

    def pairs(self, field: str, btext: bytes, docnums: np.ndarray):
        """(docnum, position) pairs of one term in the (sorted, segment) `docnums`, as two
        arrays; None when the file holds no positions for the term."""
        span = self._index.get((field, btext))
        if span is None or span[2] < 0:
            return None
        a, b, base = span
        ids = self._ids[a:b]  # ascending, like `docnums`
        at = np.minimum(np.searchsorted(ids, docnums), len(ids) - 1)
        sel = at[ids[at] == docnums]
        first, last = self._pos_starts[sel + base], self._pos_starts[sel + base + 1]
        lens = last - first
        if not len(lens) or not lens.sum():
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        # Ragged gather: every position of every selected posting, in order.
        shift = np.repeat(first - np.concatenate([[0], np.cumsum(lens)[:-1]]), lens)
        take = shift + np.arange(int(lens.sum()))
        return (np.repeat(self._ids[sel + a].astype(np.int64), lens),
                self._positions[take].astype(np.int64))

    def close(self) -> None:
        self._index = {}
        self._ids = self._weights = self._positions = self._pos_starts = None
        try:
            self._map.close()
        except BufferError:  # arrays still viewing the map: the GC closes it with them
            pass


def _verified(buf: mmap.mmap, segment) -> tuple[dict, int]:
    """(header, offset of the arrays) of a side file whose magic, segment, size and CRC are
    right; raises ValueError (or another exception for garbage) otherwise."""
    magic, hlen = _HEAD.unpack_from(buf, 0)
    if magic != MAGIC:
        raise ValueError("not a flat postings file")
    head = json.loads(bytes(buf[_HEAD.size:_HEAD.size + hlen]))
    base = _HEAD.size + hlen
    if head["segment"] != segment.segment_id() or head["docs"] != segment.doc_count_all():
        raise ValueError("flat postings of another segment")
    if len(buf) != base + head["size"]:
        raise ValueError("flat postings file truncated")
    if _crc(buf, base) != head["crc"]:
        raise ValueError("flat postings file damaged (CRC)")
    return head, base


def _usable(path: Path, segment) -> bool:
    """Whether a segment's side file is there and intact (what `SideFile` checks, without
    building its term index: `sync` only needs to know which files to write again)."""
    try:
        with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
            _verified(buf, segment)
        return True
    except FileNotFoundError:
        return False
    except Exception as exc:  # damaged derived data: written again
        log.warning("Flat postings %s unusable (%s); writing it again", path.name, exc)
        return False


def _crc(buf: mmap.mmap, start: int, chunk: int = 1 << 23) -> int:
    """CRC32 of buf[start:], a chunk at a time, each chunk's pages released after it is read
    (they stay in the page cache): checking the file does not add it to the process's RSS."""
    crc, view = 0, memoryview(buf)
    try:
        for at in range(start, len(buf), chunk):
            crc = zlib.crc32(view[at:at + chunk], crc)
            page = at - at % mmap.PAGESIZE
            if hasattr(mmap, "MADV_DONTNEED"):
                buf.madvise(mmap.MADV_DONTNEED, page, min(len(buf), at + chunk) - page)
    finally:
        view.release()
    return crc


def load(index_dir: Path, reader) -> SideFile | None:
    """The usable side file of a segment reader, or None (missing or damaged; none for the
    reader of an empty index, which has no segment)."""
    if getattr(reader, "segment", lambda: None)() is None:
        return None
    path = path_of(index_dir, reader.segment())
    if not path.exists():
        return None
    try:
        return SideFile(path, reader.segment())
    except Exception as exc:  # damaged derived data: decode from Whoosh until rewritten
        log.warning("Flat postings %s unusable (%s); the next index update rewrites it",
                    path.name, exc)
        return None


def sync(index_dir: Path, ix) -> int:
    """Write the side file of every segment of `ix` that has none usable; how many written.
    Callers hold the index's write lock. A file that cannot be written (full disk) is left
    out with a warning: the commit before it stands."""
    written = 0
    with ix.reader() as r:
        for sub, _ in r.leaf_readers():
            if getattr(sub, "segment", lambda: None)() is None:  # an empty index's reader
                continue
            if _usable(path_of(index_dir, sub.segment()), sub.segment()):
                continue
            try:
                write(index_dir, sub)
            except OSError as exc:  # a full disk: the index is committed; searches decode
                log.warning("Flat postings of %s not written (%s)", sub.segment().segment_id(),
                            exc)
                continue
            written += 1
    return written
