"""`python -m tests.bench --quick | --full [--huge]`: run the benchmarks, print the figures.

--quick  search on 1k generated articles, NER on 200 (mentions on those 200); < 90 s.
--full   1k and 10k articles, and 50k for search only (NLP off: no NER, mentions, re-index or
         cold start there); 100k too with --huge; refreshes tests/bench/RESULTS.md.
--sizes N,N  only these generated sizes (printed; RESULTS.md untouched unless --results).
--render RUNS.json  render the report again from a run's saved raw figures.
BENCH_CORPUS=DIR measures a folder of real articles instead of generated ones.
The last line printed is always `bench: search_p95_ms=… mentions_p95_ms=… index_docs_per_s=…
ner_ratio=… fts5_ratio=… cold_start_s=… search_cpu_p95_ms=… load=…` ("na" where a figure could
not be measured; the last two: the search's CPU-time p95 and the load average, since wall
times on a shared machine grow with the load).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import report
from .generate import Generator

REPO = Path(__file__).resolve().parents[2]
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
NER_SAMPLE_FULL = 1000  # NER throughput is per article: a sample this big is plenty
SEARCH_ONLY = 20000  # above this many articles: index (NLP off), search and peers only

COLD_START = r"""
import json, os, sys, time
T0 = float(os.environ["BENCH_T0"])
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication.instance() or QApplication(sys.argv[:1])
SEEN = {}
def shown():
    wins = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    if not wins:
        return
    if not SEEN:
        QApplication.processEvents()
        SEEN.update(seconds=time.time() - T0, cpu=time.process_time(), wins=wins)
    # then: until the article list has its rows (filled once the event loop runs)
    model = getattr(wins[0], "article_model", None)
    if model is not None and not model.rowCount() and time.time() - T0 < 30:
        return
    print("BENCH-COLD " + json.dumps({
        "seconds": SEEN["seconds"], "cpu_s": SEEN["cpu"], "list_s": time.time() - T0,
        "spacy_loaded": "spacy" in sys.modules, "window": type(wins[0]).__name__,
        "main_window": any(isinstance(w, QMainWindow) for w in wins)}), flush=True)
    os._exit(0)
timer = QTimer()
timer.timeout.connect(shown)
timer.start(2)
import reader.ui.app  # the window `reader` opens, through the same entry point
from reader.cli import main
sys.exit(main(["--data-dir", sys.argv[1], "--corpus", sys.argv[2]]))
"""


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def run_job(job: str, params: dict, work: Path, timeout: float = 4 * 3600) -> dict:
    """One worker process; its figures, or {"error": ...} (the run goes on)."""
    work.mkdir(parents=True, exist_ok=True)
    stem = f"{job}-{time.monotonic_ns()}"
    pfile, ofile = work / f"{stem}.params.json", work / f"{stem}.out.json"
    pfile.write_text(json.dumps(params))
    try:
        proc = subprocess.run([sys.executable, "-m", "tests.bench.workers", job, str(pfile),
                               str(ofile)], cwd=REPO, capture_output=True, text=True,
                              timeout=timeout, env=_env())
    except subprocess.TimeoutExpired:
        log(f"  {job}: timed out after {timeout:.0f} s")
        return {"error": "timeout"}
    if proc.returncode != 0 or not ofile.exists():
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        log(f"  {job} failed (exit {proc.returncode}):\n{tail}")
        return {"error": tail.splitlines()[-1] if tail else f"exit {proc.returncode}"}
    return json.loads(ofile.read_text())


def _env() -> dict:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.pop("READER_DATA_DIR", None)
    env.pop("READER_CORPUS", None)
    return env


def cold_start(data: str, corpus: str, runs: int) -> dict:
    """Process start -> main window shown, in fresh processes (offscreen)."""
    samples, last = [], {}
    for _ in range(runs):
        env = _env()
        # As a user's start: Python's cached bytecode is used (pip writes it at install; the
        # first run writes it here). Compiling ~160 modules from source adds ~0.26 s.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["BENCH_T0"] = repr(time.time())
        try:
            proc = subprocess.run([sys.executable, "-c", COLD_START, data, corpus], cwd=REPO,
                                  capture_output=True, text=True, timeout=60, env=env)
        except subprocess.TimeoutExpired:
            return {"error": "no window within 60 s"}
        line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH-COLD ")), "")
        if not line:
            tail = proc.stderr.strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
            return {"error": tail[0]}
        last = json.loads(line.removeprefix("BENCH-COLD "))
        samples.append(last)
    return {**last, "seconds": statistics.median(x["seconds"] for x in samples),
            "cpu_s": statistics.median(x["cpu_s"] for x in samples),
            "list_s": statistics.median(x["list_s"] for x in samples),
            "runs": [x["seconds"] for x in samples], "load": os.getloadavg()[0]}


def subset(corpus: Path, n: int, dest: Path) -> Path:
    """A folder with the first `n` article files of `corpus` (the whole corpus if n covers it)."""
    files = sorted(f for f in corpus.iterdir() if f.is_file() and f.suffix != ".toml")
    if n >= len(files):
        return corpus
    dest.mkdir(parents=True, exist_ok=True)
    for f in files[:n]:
        shutil.copy2(f, dest / f.name)
    return dest


def measure(corpus: Path, work: Path, quick: bool, label: str) -> dict:
    """Every figure for one corpus folder."""
    n_files = sum(1 for f in corpus.iterdir() if f.is_file() and f.suffix != ".toml")
    big = n_files > 5000
    out: dict = {"label": label, "files": n_files}
    if n_files > SEARCH_ONLY:
        return measure_search(corpus, work, quick, label, out)
    log(f"{label}: import + index ({n_files} files)")
    out["reader"] = run_job("reader", {
        "corpus": str(corpus), "work": str(work),
        "bare_runs": 1 if (quick or big) else 3, "nlp_runs": 0 if quick else 1}, work)
    _session(out, corpus, work, quick, facets=not quick, mentions=not quick)
    data = out["reader"].get("data")
    if data:
        log(f"{label}: re-index (unchanged x3, one changed article)")
        # Re-index the way the library was built (quick builds without NLP).
        base = {"data": data, "corpus": str(corpus), "nlp": not quick}
        out["reindex"] = [run_job("reindex", base, work) for _ in range(3)]
        first = sorted(f for f in corpus.iterdir() if f.suffix in (".txt", ".md"))[0]
        out["reindex_changed"] = run_job("reindex", {**base, "change": str(first)}, work)
        log(f"{label}: cold start")
        try:
            import reader.ui.app  # noqa: F401  (is there a UI to start at all?)

            out["cold"] = cold_start(data, str(corpus), 2 if quick else 3)
        except ImportError as exc:
            out["cold"] = {"error": f"no UI: {exc}"}
    n_ner = 200 if quick else min(n_files, NER_SAMPLE_FULL)
    log(f"{label}: NER on {n_ner} articles (reader's analyse vs bare nlp.pipe)")
    ner_corpus = subset(corpus, n_ner, work / f"ner-corpus-{n_ner}")
    ner_data = work / "data-ner"
    shutil.rmtree(ner_data, ignore_errors=True)
    out["ner"] = run_job("ner", {"corpus": str(ner_corpus), "data": str(ner_data), "n": n_ner,
                                 "runs": 1}, work)
    if quick:
        log(f"{label}: entity/policy mentions on the {n_ner} analysed articles")
        run_job("reader", {"corpus": str(ner_corpus), "work": str(work), "data": str(ner_data),
                           "fresh": False, "bare_runs": 0, "nlp_runs": 1}, work)
        out["mentions_job"] = run_job("session", {
            "corpus": str(ner_corpus), "data": str(ner_data), "mentions": True}, work)
    log(f"{label}: peers (SQLite FTS5, tantivy)")
    out["peers"] = run_job("peers", {"corpus": str(corpus), "work": str(work),
                                     "author": out["reader"].get("author", ""),
                                     "reps": 3 if quick else 5}, work)
    return out


def _session(out: dict, corpus: Path, work: Path, quick: bool, facets: bool,
             mentions: bool) -> None:
    """Search and mentions on the built library in a fresh process (a user's session after
    the first index); its figures join the reader job's."""
    r = out["reader"]
    if not r.get("data"):
        return
    got = run_job("session", {"data": r["data"], "corpus": str(corpus),
                              "author": r.get("author", ""), "search": True,
                              "reps": 3 if quick else 5, "facets": facets,
                              "mentions": mentions}, work)
    r.update({k: v for k, v in got.items() if k != "error"})


def measure_search(corpus: Path, work: Path, quick: bool, label: str, out: dict) -> dict:
    """A big corpus: import + index with NLP off, search (warm and cold), the peers."""
    log(f"{label}: import + index, NLP off ({out['files']} files), search")
    out["reader"] = run_job("reader", {
        "corpus": str(corpus), "work": str(work), "bare_runs": 1, "nlp_runs": 0}, work)
    _session(out, corpus, work, quick, facets=False, mentions=False)
    out["search_only"] = True
    log(f"{label}: peers (SQLite FTS5, tantivy)")
    out["peers"] = run_job("peers", {"corpus": str(corpus), "work": str(work),
                                     "author": out["reader"].get("author", ""),
                                     "reps": 3 if quick else 5}, work)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--quick", action="store_true", help="1k search, 200 NER (< 90 s)")
    mode.add_argument("--full", action="store_true", help="1k and 10k; writes RESULTS.md")
    parser.add_argument("--huge", action="store_true", help="with --full: also 100k articles")
    parser.add_argument("--sizes", help="with --full: only these sizes (comma-separated)")
    parser.add_argument("--render", type=Path, help="with --full: report from a saved runs.json")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (printed)")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="where --full writes its report (default: tests/bench/RESULTS.md)")
    args = parser.parse_args(argv)
    if args.render:
        saved = json.loads(args.render.read_text())
        return _report(saved["runs"], saved["meta"], args, write=args.results != RESULTS)
    started = time.monotonic()
    when = dt.datetime.now(dt.UTC)
    tmp = Path(tempfile.mkdtemp(prefix="reader-bench-"))
    log(f"work folder {tmp}")
    real = os.environ.get("BENCH_CORPUS")
    runs: list[dict] = []
    gen = None
    try:
        if real:
            corpus = Path(real).expanduser().resolve()
            if not corpus.is_dir():
                print(f"bench: BENCH_CORPUS={real} is not a folder", file=sys.stderr)
                return 2
            runs.append(measure(corpus, tmp / "real", args.quick, f"{corpus.name} (real)"))
        else:
            sizes = [1000] if args.quick else [1000, 10000, 50000] + (
                [100000] if args.huge else [])
            if args.sizes:
                sizes = [int(x) for x in args.sizes.split(",")]
            gen = Generator()
            for n in sizes:
                t0 = time.perf_counter()
                corpus = tmp / f"corpus-{n}"
                gen.write(corpus, n)
                log(f"generated {n} articles in {time.perf_counter() - t0:.1f} s "
                    f"(vocabulary: {gen.vocab_source})")
                runs.append(measure(corpus, tmp / f"work-{n}", args.quick, f"{n:,} articles"))
                (tmp / "runs.json").write_text(json.dumps({"runs": runs}))
                if not args.keep:
                    shutil.rmtree(corpus, ignore_errors=True)
                    shutil.rmtree(tmp / f"work-{n}", ignore_errors=True)
        meta = {"date": when.strftime("%Y-%m-%d %H:%M UTC"), "machine": report.machine(),
                "mode": "quick" if args.quick else "full" + (" + huge" if args.huge else "")
                + (f" (sizes {args.sizes})" if args.sizes else ""),
                "vocab": gen.vocab_source if gen else "real articles (BENCH_CORPUS)",
                "wall_s": time.monotonic() - started}
        (tmp / "runs.json").write_text(json.dumps({"runs": runs, "meta": meta}))
        write = args.full and not real and (not args.sizes or args.results != RESULTS)
        return _report(runs, meta, args, write)
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def _report(runs: list[dict], meta: dict, args, write: bool) -> int:
    figures = [report.figures(r) for r in runs]
    text = report.render(meta, figures)
    print(text)
    if write:
        report.write_results(args.results, text)
        log(f"wrote {args.results}")
    # the summary line: the largest size measured with every figure (not a search-only one)
    print(report.summary_line(([f for f in figures if not f.get("search_only")] or figures)[-1]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
