"""What a build keeps for the next one's splice (splice.py): the links between its groups
(channels.py: each unit's tokens, each token's units), each article's candidates' units after
the corpus rules, the groups' forms (what the scan's lookups are made of), the first names'
title classes, and each entity's units and place in the table's order."""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain

from reader.extraction.entities.candidates import ArticleResult, Cand
from reader.extraction.entities.channels import Trace
from reader.extraction.entities.grouping import Corpus, Group
from reader.extraction.packed import pack, unpack


class Fallback(Exception):
    """The splice cannot be proven exact here: take the full path."""


def links(corpus: Corpus, results: Sequence[ArticleResult], keys: dict[str, tuple],
          trace: Trace, groups: dict[str, Group], scan, firsts: dict, first_cands: dict
          ) -> dict:
    """What a full build keeps for the next one's splice."""
    forms_by, surnames_by = scan.inverse()
    index = {id(c): i for r in results for i, c in enumerate(r.cands)}
    return {
        "units": bucketed(_joined_all({u: sorted(t) for u, t in trace.units.items()})),
        "unit_count": len(trace.units),
        "holders": bucketed(_holders(trace.units)),
        "keys": keys,
        "dropped": tuple(sorted((c.doc.id, c.start, c.end, c.unit) for c in scan.dropped)),
        "forms": bucketed(scan.per_key), "forms_by": bucketed(forms_by),
        "surnames_by": surnames_by,
        "firsts": firsts,
        "ids": _ids(corpus, groups, trace, scan.created, first_cands, index),
        "groupish": tuple(sorted(corpus.groupish)),
    }


def first_of_units(cands: Iterable[Cand]) -> dict[str, Cand]:
    """{unit: its first candidate} (`cands` before any grouping: their keys are units)."""
    out: dict[str, Cand] = {}
    for c in cands:
        if c.key not in out:
            out[c.key] = c
    return out


def _holders(units: Mapping[str, Iterable[str]]) -> dict[str, tuple]:
    out: dict[str, list[str]] = defaultdict(list)
    for u, toks in units.items():
        for t in toks:
            out[t].append(u)
    for us in out.values():
        us.sort()
    return _joined_all(out)


_SEP = "\0"


def _joined(items: Sequence[str]) -> str | tuple:
    """Strings as one (a unit's tokens, a token's units: one object to pack and read, not
    one each), or as a tuple when one of them holds the separator."""
    out = _SEP.join(items)
    return out if items and out.count(_SEP) == len(items) - 1 else tuple(items)


def _joined_all(lists: dict[str, list[str]]) -> dict[str, str | tuple]:
    """{key: `_joined`(strings)}: every list joined when no string holds the separator
    (checked once for all: a unit or token never does in practice)."""
    if _SEP in "".join(lists) or _SEP in "".join(chain.from_iterable(lists.values())):
        return {k: tuple(v) for k, v in lists.items()}
    join = _SEP.join
    return {k: join(v) if v else () for k, v in lists.items()}


def _items(value: str | tuple) -> Sequence[str]:
    return value.split(_SEP) if isinstance(value, str) else value


BUCKETS = 8192  # the large indexes of the links are kept in this many parts (`bucketed`)


def _bucket(key: str) -> int:
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % BUCKETS


def _packed_part(part: Mapping) -> bytes:
    return pack({k: part[k] for k in sorted(part)})


def bucketed(index: Mapping[str, object]) -> tuple[bytes, ...]:
    """A large {key: value} (a token's units, a unit's tokens, a group's forms...) as
    BUCKETS packed parts by a stable hash of the key: the next splice reads the parts its
    closure touches and writes the others back as they were (91k tokens at 1.7k articles:
    a fifth of the state's unpacking otherwise)."""
    parts: list[dict] = [{} for _ in range(BUCKETS)]
    for k, v in index.items():
        parts[_bucket(k)][k] = v
    return tuple(map(_packed_part, parts))


def unbucketed(parts: Sequence[bytes]) -> dict:
    """`bucketed`'s inverse, sorted by key (to compare two builds' links)."""
    out: dict = {}
    for part in parts:
        out.update(unpack(part))
    return dict(sorted(out.items()))


class _Buckets:
    """`bucketed` parts read as a mapping, each part unpacked when first asked; `joined`:
    its values are `_joined` strings, read as sequences of strings."""

    def __init__(self, raw, joined: bool = False):
        if not isinstance(raw, tuple) or len(raw) != BUCKETS:
            raise TypeError("index of the wrong shape")
        self.raw = raw
        self.joined = joined
        self._open: dict[int, dict] = {}

    def _part(self, i: int) -> dict:
        part = self._open.get(i)
        if part is None:
            try:
                part = unpack(self.raw[i])
            except ValueError as exc:
                raise Fallback(f"index damaged: {exc!r}") from exc
            if not isinstance(part, dict):
                raise Fallback("index damaged")
            self._open[i] = part
        return part

    def get(self, key: str, default=()):
        value = self._part(_bucket(key)).get(key)
        if value is None:
            return default
        return _items(value) if self.joined else value

    def __getitem__(self, key: str):
        value = self.get(key, None)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: str) -> bool:
        return key in self._part(_bucket(key))

    def updated(self, changes: Mapping[str, object]) -> tuple[bytes, ...]:
        """The parts with `changes` ({key: value as stored, or None to drop it}) made."""
        touched: dict[int, dict] = {}
        for k, v in changes.items():
            i = _bucket(k)
            part = touched.get(i)
            if part is None:
                part = touched[i] = dict(self._part(i))
            if v is None:
                part.pop(k, None)
            else:
                part[k] = v
        raw = list(self.raw)
        for i, part in touched.items():
            raw[i] = _packed_part(part)
        return tuple(raw)


def _ids(corpus: Corpus, groups: dict[str, Group], trace: Trace, created: dict,
         first_cands: dict[str, Cand], index) -> dict[str, tuple]:
    """{entity id: its place}: the place of its first group in the groups' order, (0,
    article id, index of the candidate) for a group `_group` made (its unit's first
    candidate), (1, article id, index of the match) for one a match made. (Its units are
    those holding its "i:" token.)"""
    out = {}
    id_of = trace.id_of
    for key, g in groups.items():
        if not g.cands:
            continue
        id_ = id_of[key]
        if id_ in out:
            continue
        place = created.get(key)
        if place is None:
            c = first_cands[key]
            place = (0, c.doc.id, index(c) if callable(index) else index[id(c)])
        out[id_] = place
    return out


class _Old:
    """The previous build's links and the records the splice reads of them."""

    def __init__(self, state: Mapping):
        try:
            self.units = _Buckets(state["units"], joined=True)
            self.unit_count = int(state["unit_count"])
            self.holders = _Buckets(state["holders"], joined=True)
            self.keys: dict = state["keys"]
            self.dropped: tuple = state["dropped"]
            self.forms = _Buckets(state["forms"])
            self.forms_by = _Buckets(state["forms_by"])
            self.surnames_by: dict = state["surnames_by"]
            self.firsts: dict = state["firsts"]
            self.ids: dict = state["ids"]
            self.groupish = set(state["groupish"])
            if not all(isinstance(x, dict) for x in (
                    self.keys, self.surnames_by, self.firsts, self.ids)):
                raise TypeError("links of the wrong shape")
        except (KeyError, TypeError) as exc:
            raise Fallback(f"no links: {exc!r}") from exc
