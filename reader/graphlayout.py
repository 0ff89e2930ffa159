"""A force-directed graph layout (Fruchterman-Reingold) in numpy: nodes repel, edges pull,
a weak gravity keeps unconnected nodes near the middle."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

EXACT_LIMIT = 700  # above this many nodes, repulsion comes from grid cells (Barnes-Hut-like)
GRID = 32  # cells per side of that grid
GRAVITY = 2.0  # pull towards the middle (against the repulsion of a whole cluster)


def force_layout(count: int, edges: Sequence[tuple[int, int, float]], *, iterations: int = 0,
                 seed: int = 1, cancelled: Callable[[], bool] | None = None
                 ) -> list[tuple[float, float]]:
    """Positions in the unit square for `count` nodes joined by (i, j, weight) `edges`.

    Deterministic for the same input and seed. `iterations` 0 picks a number that keeps
    2,000 nodes within a few seconds. `cancelled()` is asked between iterations: when it
    says True, the positions so far are returned."""
    if count == 0:
        return []
    if count == 1:
        return [(0.5, 0.5)]
    rng = np.random.default_rng(seed)
    pos = rng.random((count, 2), dtype=np.float64)
    if not iterations:
        iterations = 80 if count <= 300 else 60 if count <= EXACT_LIMIT else 50
    k = 1.0 / np.sqrt(count)  # the ideal distance between nodes in a unit square
    if edges:
        src = np.fromiter((e[0] for e in edges), dtype=np.int64, count=len(edges))
        dst = np.fromiter((e[1] for e in edges), dtype=np.int64, count=len(edges))
        weight = np.log1p(np.fromiter((e[2] for e in edges), dtype=np.float64,
                                      count=len(edges)))
        weight /= weight.max()
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        if cancelled is not None and cancelled():
            break
        disp = _repulsion(pos, k)
        if edges:
            delta = pos[src] - pos[dst]
            dist = np.maximum(np.hypot(delta[:, 0], delta[:, 1]), 1e-6)
            pull = delta * ((dist / k) * (0.3 + weight))[:, None]
            for d in (0, 1):  # bincount: np.add.at is ten times slower
                disp[:, d] += (np.bincount(dst, pull[:, d], count)
                               - np.bincount(src, pull[:, d], count))
        disp -= (pos - 0.5) * GRAVITY  # unconnected nodes stay near the others
        length = np.maximum(np.hypot(disp[:, 0], disp[:, 1]), 1e-9)
        pos += disp * (np.minimum(length, temperature) / length)[:, None]
        temperature -= cooling
    return _normalise(pos)


def _repulsion(pos: np.ndarray, k: float) -> np.ndarray:
    """Each node's push away from every other (k^2 / distance), exactly for small graphs,
    from the mass centres of grid cells for large ones."""
    if len(pos) <= EXACT_LIMIT:
        return _push(pos, pos, np.ones(len(pos)), k, 1e-6)
    lo, hi = pos.min(axis=0), pos.max(axis=0)
    cells = np.minimum(((pos - lo) / np.maximum(hi - lo, 1e-9) * GRID).astype(np.int64),
                       GRID - 1)
    cell = cells[:, 0] * GRID + cells[:, 1]
    mass = np.bincount(cell, minlength=GRID * GRID).astype(np.float64)
    centre = np.stack([np.bincount(cell, pos[:, d], GRID * GRID) for d in (0, 1)], axis=1)
    full = mass > 0
    centre = centre[full] / mass[full, None]
    mass = mass[full]
    return _push(pos, centre, mass, k, (k * 0.5) ** 2)


def _push(pos: np.ndarray, sources: np.ndarray, mass: np.ndarray, k: float,
          floor: float) -> np.ndarray:
    """The repulsion on each of `pos` from `sources` of `mass` (distances squared below
    `floor` count as `floor`)."""
    dx = pos[:, 0:1] - sources[None, :, 0]
    dy = pos[:, 1:2] - sources[None, :, 1]
    force = (k * k) * mass[None, :] / np.maximum(dx * dx + dy * dy, floor)
    return np.stack([(dx * force).sum(axis=1), (dy * force).sum(axis=1)], axis=1)


def _normalise(pos: np.ndarray) -> list[tuple[float, float]]:
    lo, hi = pos.min(axis=0), pos.max(axis=0)
    scaled = (pos - lo) / np.maximum(hi - lo, 1e-9)
    return [(float(x), float(y)) for x, y in scaled]
