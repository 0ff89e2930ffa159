"""The entity network: the top entities (by mentions) and the sentences that name two of
them together, filtered by type, weight and date range; and a layout for drawing it."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reader.corpus import Catalog
from reader.domain import Network
from reader.extraction.network import DEFAULT_TOP, EVIDENCE_LIMIT, build_network
from reader.services.derived import DerivedTables


class NetworkService:
    """Reads only (the UI runs both methods in its task runner)."""

    def __init__(self, catalog: Catalog, tables: DerivedTables):
        self._catalog = catalog
        self._tables = tables

    def graph(self, top: int = DEFAULT_TOP, types: Sequence[str] | None = None,
              min_weight: int = 1, date_from: str = "", date_to: str = "",
              evidence_limit: int = EVIDENCE_LIMIT) -> Network:
        """The `top` most mentioned entities (of `types`; None: all but dates and sums of
        money) and their sentence co-occurrences of at least `min_weight` sentences; with a
        date range (ISO prefixes, both ends included) only articles dated in it count.
        An empty Network before the first extraction."""
        from reader.extraction.entities.state import gc_paused

        table = self._tables.entities()
        if table is None:
            return Network()
        with gc_paused():  # many small objects, no cycles: see gc_paused
            infos = self._catalog.infos() or self._catalog.refresh()
            dates = {info.id: info.date for info in infos}
            return build_network(table.entities, table.sentences, dates, top=top,
                                 types=types,
                                 min_weight=min_weight, date_from=date_from,
                                 date_to=date_to, evidence_limit=evidence_limit)

    def layout(self, network: Network, seed: int = 1,
               cancelled: Callable[[], bool] | None = None) -> dict[str, tuple[float, float]]:
        """Entity id -> position in the unit square (force-directed: linked entities near
        each other). Deterministic for the same network; stops early when `cancelled()`."""
        from reader.graphlayout import force_layout

        index = {node.id: n for n, node in enumerate(network.nodes)}
        edges = [(index[e.source], index[e.target], float(e.weight)) for e in network.edges
                 if e.source in index and e.target in index]
        positions = force_layout(len(network.nodes), edges, seed=seed, cancelled=cancelled)
        return {node.id: xy for node, xy in zip(network.nodes, positions, strict=True)}
