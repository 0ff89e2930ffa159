"""Domain types of the timeline and the entity network views (plain data, like the rest of
`reader.domain`, which re-exports them)."""

from __future__ import annotations

from dataclasses import dataclass, field

from reader.domain import Evidence


@dataclass(frozen=True)
class TimelineBucket:
    """Items from day `start` to `end` (ISO, included): `counts` per series, their `docs`."""

    start: str
    end: str
    counts: dict[str, int]
    docs: tuple[str, ...]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Timeline:
    """A subject's dated items (`days`: a bucket per day with items, in order), the undated
    apart. `kind`: "articles", "entity" (series "mentions") or "policy" (series: stances)."""

    kind: str
    subject: str
    label: str
    series: tuple[str, ...]
    days: tuple[TimelineBucket, ...] = ()
    undated: dict[str, int] = field(default_factory=dict)  # per series
    undated_docs: tuple[str, ...] = ()


@dataclass(frozen=True)
class NetworkNode:
    """An entity of the network: its mentions and articles (within the date range)."""

    id: str
    name: str
    type: str
    count: int
    docs: int


@dataclass(frozen=True)
class NetworkEdge:
    """Two entities named in `weight` sentences together; `evidence` those sentences,
    earliest articles first, at most the network's evidence limit."""

    source: str
    target: str
    weight: int
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Network:
    """The top entities (`nodes`, most mentioned first) and their `edges` (heaviest first);
    `total` entities passed the filters before the top-N cut; `types` every entity type."""

    nodes: tuple[NetworkNode, ...] = ()
    edges: tuple[NetworkEdge, ...] = ()
    total: int = 0
    types: tuple[str, ...] = ()
