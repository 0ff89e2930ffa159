"""Benchmark jobs, each run in its own process so memory and imports are per job.

Run as `python -m tests.bench.workers JOB PARAMS.json OUT.json`; the job's figures are written
to OUT.json (stdout stays free for whatever the code under test prints).
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

from .queries import queries


def _rss_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def du_mb(path: Path) -> float:
    path = Path(path)
    if not path.exists():
        return 0.0
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(q / 100 * len(s) + 0.5) - 1))
    return s[k]


def _lat(samples: list[float]) -> dict:
    if not samples:
        return {}
    ms = [x * 1000 for x in samples]
    return {"p50_ms": statistics.median(ms), "p95_ms": percentile(ms, 95),
            "max_ms": max(ms), "n": len(ms)}




def top_author_surname(infos) -> str:
    counts: dict[str, int] = {}
    for i in infos:
        if i.author:
            sur = i.author.split()[-1].lower()
            counts[sur] = counts.get(sur, 0) + 1
    return max(sorted(counts), key=counts.get) if counts else ""


# -- jobs ----------------------------------------------------------------------------------


def job_reader(p: dict) -> dict:
    """Import + index (nlp=False and nlp=True), search latency, entity/policy mentions."""
    from reader.library import Library

    corpus, work = Path(p["corpus"]), Path(p["work"])
    out: dict = {"bare": [], "nlp": []}
    data = None
    for kind, runs in (("bare", p.get("bare_runs", 1)), ("nlp", p.get("nlp_runs", 0))):
        for r in range(runs):
            data = Path(p.get("data") or work / f"data-{kind}-{r}")
            if p.get("fresh", True):
                shutil.rmtree(data, ignore_errors=True)
            had_spacy = "spacy" in sys.modules
            t0 = time.perf_counter()
            lib = Library.open(data, corpus)
            report = lib.indexing.update(nlp=(kind == "nlp"))
            seconds = time.perf_counter() - t0
            infos = lib.articles.list()
            lib.close()
            out[kind].append({"seconds": seconds, "report": report.to_json(),
                              "spacy_loaded": "spacy" in sys.modules and not had_spacy})
            if kind == "bare" and r + 1 < runs:
                shutil.rmtree(data, ignore_errors=True)
    out["articles"] = len(infos)
    out["words"] = sum(i.words for i in infos)
    out["data"] = str(data)
    out["index_mb"] = du_mb(data / "index")
    out["cache_mb"] = du_mb(data / "cache")
    out["author"] = top_author_surname(infos)
    out["rss_mb"] = _rss_mb()  # the import and first index (searching is a job of its own)
    return out


def job_session(p: dict) -> dict:
    """What a user's session does with a built library, in a fresh process: open it, search
    (warm and cold, the UI's search), list mentions; its own peak RSS."""
    from reader.library import Library

    out: dict = {}
    lib = Library.open(Path(p["data"]), Path(p["corpus"]))
    if p.get("search"):
        out["search"] = _search(lib, p["author"], p.get("reps", 5), facets=False)
        if p.get("facets"):
            out["search_facets"] = _search(lib, p["author"], 3, facets=True)
        out["search_ui"] = _ui_search(lib, p["author"], p.get("reps", 5))
    if p.get("mentions"):
        out["mentions"] = _mentions(lib)
    lib.close()
    out["session_rss_mb"] = _rss_mb()
    return out


def _search(lib, author: str, reps: int, facets: bool) -> dict:
    """Warm (runs 2..reps+1 of each query) and cold (each query's first run in the process)
    latency, wall clock and the searching thread's CPU time (robust to other processes' load),
    overall and by query kind."""
    samples: list[float] = []
    cpu: list[float] = []
    cold: list[float] = []  # each query's first run (its terms not yet read in this process)
    cold_cpu: list[float] = []
    by_kind: dict[str, list[float]] = {}
    cold_kind: dict[str, list[float]] = {}
    per_query: dict[str, list[float]] = {}
    per_query_cpu: dict[str, list[float]] = {}
    hits: dict[str, int] = {}
    first = None
    load = [os.getloadavg()[0]]
    for q in queries(author):
        for rep in range(reps + 1):
            c0 = time.thread_time()
            t0 = time.perf_counter()
            res = lib.search.run(q.reader, limit=10, facets=facets)
            dt = time.perf_counter() - t0
            dc = time.thread_time() - c0
            if first is None:
                first = dt  # the first query also opens the index
            elif not rep:
                cold.append(dt)
                cold_cpu.append(dc)
                cold_kind.setdefault(q.kind, []).append(dt)
            if rep:  # the first run of each query warms Whoosh's caches
                samples.append(dt)
                cpu.append(dc)
                by_kind.setdefault(q.kind, []).append(dt)
                per_query.setdefault(q.reader, []).append(dt * 1000)
                per_query_cpu.setdefault(q.reader, []).append(dc * 1000)
        hits[q.reader] = res.total
    load.append(os.getloadavg()[0])
    return {**_lat(samples), "first_ms": first * 1000, "per_query_ms": per_query,
            "per_query_cpu_ms": per_query_cpu, "cold": _lat(cold), "cpu": _lat(cpu),
            "cold_cpu": _lat(cold_cpu), "load": load,
            "kinds": {k: _lat(v) for k, v in by_kind.items()},
            "cold_kinds": {k: _lat(v) for k, v in cold_kind.items()}, "hits": hits}


def _ui_search(lib, author: str, reps: int) -> dict:
    """What the search field runs when its debounce fires (without Qt,
    reader.ui.operations.search): 50 hits with facets and no snippets (the rows appear),
    then the snippets of the rows in view (12, a list at the window's default size).
    Reported: until the rows show, and until the rows in view have their snippets."""
    from reader.ui.operations.search import search_call, snippet_call

    samples: list[float] = []
    cpu: list[float] = []
    rows: list[float] = []
    for q in queries(author):
        for rep in range(reps + 1):
            c0 = time.thread_time()
            t0 = time.perf_counter()
            result = search_call(lib, q.reader, 50)
            shown = time.perf_counter() - t0
            snippet_call(lib, q.reader, [h.id for h in result.hits[:12]])
            if rep:
                rows.append(shown)
                samples.append(time.perf_counter() - t0)
                cpu.append(time.thread_time() - c0)
    return {**_lat(samples), "cpu": _lat(cpu), "rows": _lat(rows)}


def _mentions(lib) -> dict:
    """Entity -> all mentions (with contexts), policy -> mentions: latency per item."""
    out: dict = {}
    rng = random.Random(7)
    t0 = time.perf_counter()
    ents = lib.entities.list()
    out["entities_list_ms"] = (time.perf_counter() - t0) * 1000
    out["entities"] = len(ents)
    ranked = sorted(ents, key=lambda e: -e.count)
    pick = ranked[:10] + rng.sample(ranked[10:], min(10, max(0, len(ranked) - 10)))
    samples, counts, page = [], [], []
    for e in pick:
        for _ in range(3):
            t0 = time.perf_counter()
            ent = lib.entities.get(e.id)
            ctx = lib.entities.contexts(ent.mentions)
            samples.append(time.perf_counter() - t0)
            t0 = time.perf_counter()  # what a list view showing 50 rows needs
            first = lib.entities.contexts(lib.entities.get(e.id).mentions)[:50]
            lib.entities.fill_sentences(first)
            page.append(time.perf_counter() - t0)
        counts.append(len(ctx))
    out["entity"] = {**_lat(samples), "max_mentions": max(counts, default=0)}
    out["entity_page"] = _lat(page)
    t0 = time.perf_counter()
    policies = lib.policies.list()
    out["policies_list_ms"] = (time.perf_counter() - t0) * 1000
    out["policies"] = len(policies)
    samples = []
    for pol in policies[:20]:
        for _ in range(3):
            t0 = time.perf_counter()
            found = next(x for x in lib.policies.list() if x.id == pol.id)
            lib.entities.contexts(found.mentions)
            samples.append(time.perf_counter() - t0)
    out["policy"] = _lat(samples) or None
    return out


def job_reindex(p: dict) -> dict:
    """Re-index in a fresh process: unchanged (no NLP allowed), or with one changed article."""
    from reader.library import Library

    data, corpus = Path(p["data"]), Path(p["corpus"])
    out: dict = {}
    if p.get("change"):
        path = Path(p["change"])
        original = path.read_bytes()
        stat = path.stat()
        path.write_bytes(original.replace(b"\n\n", b"\n\nA late addition to the report.\n\n", 1))
    try:
        t0 = time.perf_counter()
        lib = Library.open(data, corpus)
        report = lib.indexing.update(nlp=p.get("nlp", True))
        out["seconds"] = time.perf_counter() - t0
        out["report"] = report.to_json()
        out["spacy_loaded"] = "spacy" in sys.modules
        lib.close()
    finally:
        if p.get("change"):
            path.write_bytes(original)
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    if p.get("change"):  # back to the unchanged corpus, untimed
        lib = Library.open(data, corpus)
        lib.indexing.update(nlp=p.get("nlp", True))
        lib.close()
    out["rss_mb"] = _rss_mb()
    return out


def job_ner(p: dict) -> dict:
    """reader's NLP pass (analyse, cached per text) against a bare nlp.pipe on the same texts."""
    import spacy  # imported before the clocks start for both: model load is timed, import not

    from reader.extraction import nlp as nlp_mod
    from reader.library import Library

    corpus, data = Path(p["corpus"]), Path(p["data"])
    lib = Library.open(data, corpus)
    infos = sorted(lib.articles.list(), key=lambda i: i.id)[: p["n"]]
    arts = [lib.articles.get(i.id) for i in infos]
    lib.close()
    cache = Path(p.get("cache") or data / "cache")
    out: dict = {"n": len(arts), "words": sum(len(a.body.split()) for a in arts),
                 "analyse": [], "bare": []}
    for r in range(p.get("runs", 1)):
        if r or p.get("clear_cache", True):
            for old in cache.glob("nlp-*"):
                shutil.rmtree(old)
        t0 = time.perf_counter()
        result = nlp_mod.analyse(arts, cache)
        out["analyse"].append(time.perf_counter() - t0)
        assert len(result) == len(arts)
        out["entities"] = sum(len(a.ents) for a in result.values())
        t0 = time.perf_counter()
        model = spacy.load(nlp_mod.MODEL)
        for _doc in model.pipe((nlp_mod.full_text(a) for a in arts), batch_size=32,
                               n_process=min(2, os.cpu_count() or 1)):
            pass
        out["bare"].append(time.perf_counter() - t0)
        del model
    out["nlp_cache_mb"] = sum(du_mb(d) for d in cache.glob("nlp-*"))
    out["rss_mb"] = _rss_mb()
    out["rss_children_mb"] = _rss_mb(resource.RUSAGE_CHILDREN)
    return out


def job_peers(p: dict) -> dict:
    from . import peers
    from .queries import queries

    corpus, work = Path(p["corpus"]), Path(p["work"])
    files = sorted(f for f in corpus.iterdir() if f.is_file()
                   and f.suffix.lower() in (".txt", ".md", ".markdown", ".html", ".htm"))
    out: dict = {}
    engines = [("fts5", lambda: peers.build_fts5(files, work / "peer.sqlite3"))]
    version = peers.tantivy_version()
    if version:
        engines.append(("tantivy", lambda: peers.build_tantivy(files, work / "peer-tantivy")))
    out["tantivy_version"] = version
    for name, build in engines:
        shutil.rmtree(work / "peer-tantivy", ignore_errors=True)
        (work / "peer.sqlite3").unlink(missing_ok=True)
        seconds, search = build()
        samples, hits, kinds, per_query = [], {}, {}, {}
        cold, cold_kinds, cpu, per_query_cpu = [], {}, [], {}
        for q in queries(p.get("author", "")):
            if getattr(q, name) is None:
                continue
            for rep in range(p.get("reps", 5) + 1):
                c0 = time.process_time()  # the process's: an engine may search in threads
                t0 = time.perf_counter()
                total = search(q)
                dt = time.perf_counter() - t0
                if not rep:
                    cold.append(dt)
                    cold_kinds.setdefault(q.kind, []).append(dt)
                else:
                    cpu.append(time.process_time() - c0)
                    per_query_cpu.setdefault(q.reader, []).append(cpu[-1] * 1000)
                    samples.append(dt)
                    kinds.setdefault(q.kind, []).append(dt)
                    per_query.setdefault(q.reader, []).append(dt * 1000)
            hits[q.reader] = total
        size = du_mb(work / ("peer.sqlite3" if name == "fts5" else "peer-tantivy"))
        out[name] = {"build_s": seconds, "search": _lat(samples), "per_query_ms": per_query,
                     "hits": hits, "kinds": {k: _lat(v) for k, v in kinds.items()},
                     "cold": _lat(cold), "cpu": _lat(cpu), "load": os.getloadavg()[0],
                     "per_query_cpu_ms": per_query_cpu,
                     "cold_kinds": {k: _lat(v) for k, v in cold_kinds.items()},
                     "index_mb": size}
        del search
    out["rss_mb"] = _rss_mb()
    return out


JOBS = {"reader": job_reader, "session": job_session, "reindex": job_reindex, "ner": job_ner,
        "peers": job_peers}


def main(argv: list[str]) -> int:
    job, params, out = argv
    result = JOBS[job](json.loads(Path(params).read_text()))
    Path(out).write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
