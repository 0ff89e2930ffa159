"""`python -m tests.bench.cluster FOLDER [-n N]`: NLP throughput, local worker processes
vs a Dask LocalCluster with the same number of worker processes (issue 18).

Reads the first N `.txt` files under FOLDER (e.g. the unpacked BBC archive) through the
importer, then analyses them into an empty NLP cache three ways, each timed from the call to
the last analysis stored (model loads included on both sides; the cluster's start-up is not,
as a real cluster is already running): (1) the local path `nlp.analyse(n_process=W)`, (2)
`nlp.analyse(cluster=...)` on a LocalCluster of W single-threaded worker processes, (3) the
local path again (the first run pays the disk cache warm-up). Prints articles/s for each and
the cluster's overhead against the better local run, and checks the analyses are equal.
Run by hand; the figures go to tests/bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import tempfile
import time
from pathlib import Path


def cached(cache_dir: Path) -> dict[str, bytes]:
    return {p.name: gzip.decompress(p.read_bytes()) for p in cache_dir.rglob("*.json.gz")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("-n", type=int, default=300, help="articles (default 300)")
    parser.add_argument("-w", "--workers", type=int, default=2, help="worker processes")
    args = parser.parse_args()

    from distributed import LocalCluster

    from reader.extraction.nlp import analyse
    from reader.importer import parse_file

    files = sorted(args.folder.rglob("*.txt"))[: args.n]
    arts = [parse_file(p) for p in files]
    arts = [a for a in arts if getattr(a, "body", "")]
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{len(arts)} articles, {sum(len(a.body) for a in arts) / 1e6:.1f} M characters")
    work = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    try:
        rates: dict[str, float] = {}

        def timed(name: str, **kw) -> None:
            cache = work / name
            start = time.perf_counter()
            analyse(arts, cache, **kw)
            rates[name] = len(arts) / (time.perf_counter() - start)
            print(f"{name}: {rates[name]:.1f} articles/s")

        timed("local-1", n_process=args.workers)
        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                          dashboard_address=":0") as cluster:
            timed("cluster", cluster=cluster.scheduler_address)
        timed("local-2", n_process=args.workers)
        best = max(rates["local-1"], rates["local-2"])
        print(f"cluster overhead: {100 * (1 - rates['cluster'] / best):.1f} % "
              f"(cluster {rates['cluster']:.1f} vs local {best:.1f} articles/s)")
        same = cached(work / "cluster") == cached(work / "local-1")
        print(f"analyses equal to local: {same}")
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
