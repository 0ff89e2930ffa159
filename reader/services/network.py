"""The entity network: the top entities (by mentions) and the sentences that name two of
them together, filtered by type, weight and date range; and a layout for drawing it.

Both are kept for the current entity table and article metadata (a few filter settings
each), so opening the Network view again, or after `prewarm`, costs no computation."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

from reader.corpus import Catalog
from reader.domain import Network
from reader.extraction.network import DEFAULT_TOP, EVIDENCE_LIMIT, build_network
from reader.services.derived import DerivedTables

KEPT = 4  # networks (and layouts) kept: the default view and a few filter settings


class NetworkService:
    """Reads only (the UI runs both methods in its task runner; they are thread-safe)."""

    def __init__(self, catalog: Catalog, tables: DerivedTables):
        self._catalog = catalog
        self._tables = tables
        self._lock = threading.Lock()  # one computation at a time: a second caller of the
        # same network waits for the first and takes its result
        self._networks: OrderedDict[tuple, Network] = OrderedDict()
        # id(network) -> (network, positions): the network is held so its id stays its own
        self._layouts: OrderedDict[int, tuple[Network, dict]] = OrderedDict()
        self._state: tuple = ()  # (entity table, catalogue generation) of the kept results
        self._dates: dict[str, str] | None = None  # article id -> date, of that generation

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
        key = (top, None if types is None else tuple(sorted(types)), min_weight,
               date_from, date_to, evidence_limit)
        with self._lock:
            generation = self._catalog.generation  # (read before the articles are)
            self._check_state(table, generation)
            found = self._networks.get(key)
            if found is not None:
                self._networks.move_to_end(key)
                return found
            with gc_paused():  # many small objects, no cycles: see gc_paused
                if self._dates is None:  # (kept while the generation is: see _check_state)
                    infos = self._catalog.infos() or self._catalog.refresh()
                    self._dates = {info.id: info.date for info in infos}
                dates = self._dates
                network = build_network(table.entities, table.sentences, dates, top=top,
                                        types=types, min_weight=min_weight,
                                        date_from=date_from, date_to=date_to,
                                        evidence_limit=evidence_limit)
            if self._catalog.generation != generation:
                self._dates = None
                return network  # the articles changed meanwhile: not kept
            _keep(self._networks, key, network)
            return network

    def layout(self, network: Network, seed: int = 1,
               cancelled: Callable[[], bool] | None = None) -> dict[str, tuple[float, float]]:
        """Entity id -> position in the unit square (force-directed: linked entities near
        each other). Deterministic for the same network; stops early when `cancelled()`
        (an unfinished layout is not kept)."""
        from reader.graphlayout import force_layout

        with self._lock:
            kept = self._layouts.get(id(network))
            if kept is not None and kept[0] is network and seed == 1:
                return dict(kept[1])
            index = {node.id: n for n, node in enumerate(network.nodes)}
            edges = [(index[e.source], index[e.target], float(e.weight))
                     for e in network.edges if e.source in index and e.target in index]
            points = force_layout(len(network.nodes), edges, seed=seed, cancelled=cancelled)
            positions = {node.id: xy for node, xy in zip(network.nodes, points, strict=True)}
            if seed == 1 and not (cancelled is not None and cancelled()):
                _keep(self._layouts, id(network), (network, positions))
            return dict(positions)

    def prewarm(self, cancelled: Callable[[], bool] | None = None) -> bool:
        """Compute the default network and its layout ahead of the first opening (the UI
        runs it when the window is idle); False when there is nothing to compute yet."""
        if self._tables.entities(build=False) is None:
            return False
        network = self.graph(min_weight=2)  # the Network window's first filters
        if cancelled is None or not cancelled():
            self.layout(network, cancelled=cancelled)
        return True

    def forget(self) -> None:
        """Drop the kept networks and layouts (what a change of the data does; the bench's
        figure of an opening that computes)."""
        with self._lock:
            self._networks.clear()
            self._layouts.clear()
            self._dates = None

    def _check_state(self, table, generation: int) -> None:
        """Forget kept results when the entity table (the derived tables hand out a new one
        after every change) or the articles or their metadata (the catalogue's generation)
        changed."""
        state = (table, generation)
        if not self._state or self._state[0] is not table or self._state[1] != generation:
            self._networks.clear()
            self._layouts.clear()
            if not self._state or self._state[1] != generation:
                self._dates = None
            self._state = state


def _keep(cache: OrderedDict, key, value) -> None:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > KEPT:
        cache.popitem(last=False)
