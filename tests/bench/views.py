"""`python -m tests.bench.views DATA_DIR [--corpus DIR] [--runs N]`: how long the Timeline
and Network views take to open on an indexed library (issue #16: <= 300 ms at 2,000
articles).

The library is copied first (never written). Undated articles get dates the way a user
would set them (`reader meta`: the store's article metadata), spread over two years, so the
timeline has something to draw. Then the real main window opens offscreen, its entity list
loads, and each view is opened from its View menu action `runs` times, each time as a new
window. "Open" is the time from the action to the view showing its data: the window shown,
the query and (network) the layout done off the GUI thread, the drawing complete and
painted. Figures: the median and the worst, wall clock and the process's CPU time.

The network is measured twice: "network" as a user meets it, with the window idle for a
moment first (the window computes the default network ahead then: `ViewsController`
prewarm), and "network_cold" with the kept networks and layouts dropped before each
opening (as right after a change of the data: query + layout + drawing). The first
"network_cold" opening also pays for importing numpy when nothing imported it before.
The last line is
`bench-views: timeline_ms=… network_ms=… network_cold_ms=… articles=… entities=…`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path


def date_articles(lib, start: str = "2004-01-01", days: int = 730) -> int:
    """Give every undated article a date (its position in the list spread over `days`);
    returns how many were dated. Indexing without NLP follows once."""
    infos = [i for i in lib.articles.list() if not i.date]
    first = dt.date.fromisoformat(start)
    changed = set()
    for n, info in enumerate(sorted(infos, key=lambda i: i.id)):
        day = first + dt.timedelta(days=(n * 7919) % days)  # a stride: not in id order
        lib.articles.set_meta(info.id, {"date": day.isoformat()})
        changed.add(info.id)
    if changed:
        lib.indexing.update(nlp=False)
    return len(changed)


def measure(data_dir: Path, corpus: str | None, runs: int) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from reader.library import Library
    from reader.ui.mainwindow import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    lib = Library.open(data_dir, corpus)
    t0 = time.perf_counter()
    dated = date_articles(lib)
    print(f"dated {dated} articles in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    lib.entities.list()  # the window has its entity table before anyone opens a view
    win = MainWindow(lib, nlp=False, index_on_start=False)
    win.resize(1400, 900)
    win.show()
    _wait(app, lambda: win.entity_panel.model.rowCount() > 0 and not win.runner.busy, 120)
    figures: dict[str, list[tuple[float, float]]] = {
        "timeline": [], "network_cold": [], "network": []}
    numpy_before = "numpy" in sys.modules
    for _ in range(runs):
        figures["timeline"].append(_open_view(app, win, "timeline"))
        lib.network.forget()
        figures["network_cold"].append(_open_view(app, win, "network"))
        # A user opening the view after the window sat idle for a moment: the default
        # network was computed ahead (the window does it PREWARM_DELAY_MS after going idle).
        lib.network.forget()
        win.views.schedule_prewarm()
        _wait(app, lambda: win.views.prewarmed and not win.runner.busy, 60)
        figures["network"].append(_open_view(app, win, "network"))
    net = win.views.network_window
    nodes = len(net.network.nodes)
    win.close()
    lib.close()
    return {"timeline_ms": figures["timeline"], "network_ms": figures["network"],
            "network_cold_ms": figures["network_cold"], "numpy_before": numpy_before,
            "articles": len(lib.articles.list()), "entities": len(lib.entities.list()),
            "nodes": nodes}


def _open_view(app, win, which: str) -> tuple[float, float]:
    """Milliseconds from the View menu action to the view drawn with its data (a new
    window each time, as on first opening): wall clock, and the CPU time the process
    spent (all its threads: on a loaded machine, nearer what an idle one would take)."""
    views = win.views
    old = views.timeline_window if which == "timeline" else views.network_window
    if old is not None:
        old.close()
        old.deleteLater()
    views.timeline_window = views.network_window = None
    t0, cpu0 = time.perf_counter(), time.process_time()
    win.actions_by_name[f"{which}_view"].trigger()
    if which == "timeline":
        window = views.timeline_window
        _wait(app, lambda: window.chart.timeline is not None and not win.runner.busy, 30)
        window.chart.repaint()
    else:
        window = views.network_window
        _wait(app, lambda: window.network is not None and not win.runner.busy, 60)
        window.graph.viewport().repaint()
    return (time.perf_counter() - t0) * 1000, (time.process_time() - cpu0) * 1000


def _wait(app, done, timeout: float) -> None:
    end = time.monotonic() + timeout
    while not done():
        if time.monotonic() > end:
            raise TimeoutError("the view did not show its data in time")
        app.processEvents()
        time.sleep(0.001)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.views")
    parser.add_argument("data_dir", type=Path, help="an indexed data dir (it is copied)")
    parser.add_argument("--corpus", default=None, help="the corpus folder it was indexed with")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-views-") as tmp:
        copy = Path(tmp) / "data"
        shutil.copytree(args.data_dir, copy)
        result = measure(copy, args.corpus, args.runs)
    medians = {}
    for name in ("timeline_ms", "network_cold_ms", "network_ms"):
        wall = [w for w, _ in result[name]]
        cpu = [c for _, c in result[name]]
        medians[name] = statistics.median(wall)
        print(f"{name}: median {medians[name]:.0f}, worst {max(wall):.0f} (first "
              f"{wall[0]:.0f}) over {len(wall)} opens; CPU median {statistics.median(cpu):.0f}")
    print(f"bench-views: timeline_ms={medians['timeline_ms']:.0f} "
          f"network_ms={medians['network_ms']:.0f} "
          f"network_cold_ms={medians['network_cold_ms']:.0f} "
          f"numpy_imported_before={'yes' if result['numpy_before'] else 'no'} "
          f"articles={result['articles']} entities={result['entities']} "
          f"nodes={result['nodes']} load={os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
