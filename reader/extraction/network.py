"""The entity network: the top entities of a date range and, between them, how many
sentences name both (with where those sentences are), from the entity table's mentions and
sentence spans through `Cooccurrence`'s sentence map."""

from __future__ import annotations

import dataclasses
import heapq
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from itertools import combinations

from reader.domain import Entity, Evidence, Network, NetworkEdge, NetworkNode
from reader.extraction.entities.cooccurrence import Cooccurrence

DEFAULT_TOP = 150  # nodes shown unless asked otherwise: a legible picture, a quick layout
EVIDENCE_LIMIT = 50  # sentences kept per edge (its weight counts them all)
LEFT_OUT_TYPES = ("Date", "Money")  # co-occur with everything: noise in a network


def build_network(entities: Sequence[Entity], sentences: Callable[[str], list[tuple[int, int]]],
                  dates: dict[str, str], *, top: int = DEFAULT_TOP,
                  types: Sequence[str] | None = None, min_weight: int = 1,
                  date_from: str = "", date_to: str = "",
                  evidence_limit: int = EVIDENCE_LIMIT) -> Network:
    """The network of `entities` (the table's, hidden ones are skipped).

    Args:
        sentences: article id -> its sentence spans (what evidence offsets index).
        dates: article id -> ISO date ("" undated). With `date_from`/`date_to` (ISO prefixes,
            both included) only mentions in articles dated in the range count, so undated
            articles drop out.
        types: entity types to keep (None: every type but LEFT_OUT_TYPES).
        top: the most mentioned entities kept as nodes.
        min_weight: edges with fewer shared sentences are left out."""
    all_types = tuple(sorted({e.type for e in entities if not e.hidden}))
    keep_types = set(types) if types is not None else set(all_types) - set(LEFT_OUT_TYPES)
    in_range = _range_test(dates, date_from, date_to)
    candidates: list[Entity] = []
    for ent in entities:
        if ent.hidden or ent.type not in keep_types:
            continue
        if in_range is not None:
            mentions = tuple(m for m in ent.mentions if in_range(m.doc))
            if not mentions:
                continue
            ent = dataclasses.replace(ent, mentions=mentions)
        candidates.append(ent)
    chosen = heapq.nsmallest(max(0, top), candidates,
                             key=lambda e: (-e.count, e.name.lower(), e.id))
    docs = {m.doc for e in chosen for m in e.mentions}
    spans = {doc: sentences(doc) for doc in docs}
    by_id = {e.id: e for e in chosen}
    cooc = Cooccurrence(chosen, spans, by_id.__getitem__)

    weights: Counter[tuple[str, str]] = Counter()
    places: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    for (doc, idx), ids in cooc.in_sent.items():
        if idx < 0 or len(ids) < 2 or idx >= len(spans.get(doc, ())):
            continue  # before the first sentence, or an article without sentence spans
        for pair in combinations(sorted(ids), 2):
            weights[pair] += 1
            places[pair].append((doc, idx))
    order = {doc: (dates.get(doc) or "9999", doc) for doc in docs}  # undated last
    edges = []
    for (a, b), weight in weights.items():
        if weight < min_weight:
            continue
        where = sorted(places[(a, b)], key=lambda p: (order[p[0]], p[1]))[:evidence_limit]
        edges.append(NetworkEdge(a, b, weight, tuple(
            Evidence(doc, *spans[doc][idx]) for doc, idx in where)))
    edges.sort(key=lambda e: (-e.weight, e.source, e.target))
    nodes = tuple(NetworkNode(e.id, e.name, e.type, e.count, len({m.doc for m in e.mentions}))
                  for e in chosen)
    return Network(nodes, tuple(edges), len(candidates), all_types)


def _range_test(dates: dict[str, str], date_from: str, date_to: str):
    """A test "is this article dated within the range", or None for an open range."""
    if not date_from and not date_to:
        return None
    lo, hi = date_from or "", date_to or ""

    def test(doc: str) -> bool:
        date = dates.get(doc) or ""
        if not date:
            return False
        return (not lo or date[:len(lo)] >= lo) and (not hi or date[:len(hi)] <= hi)

    return test
