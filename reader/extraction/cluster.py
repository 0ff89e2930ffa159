"""The NLP stage on a Dask distributed cluster: `reader index --cluster ADDRESS`.

Only the expensive, embarrassingly parallel step — one spaCy pass per article — leaves the
machine. The articles whose analysis is missing go to the cluster in small batches (their
text only: title and body, never notes, paths or metadata); each worker loads the pinned
model once and returns the same analysis records a local worker makes (`longtext.analyse_items`);
this process writes them into the NLP cache as they arrive, so progress, cancel and a
half-done run behave as they do locally. Everything after (entities, policies, the index)
stays local.

Failures: a worker that dies has its batch run again elsewhere (the scheduler reschedules
a lost task; `retries` covers a batch that raised); an unreachable scheduler, a missing
`dask` or a cluster whose spaCy, model or cache format differs from ours is refused with
a `ClusterError` naming the cause before anything is sent. dask is imported here only,
and only when a cluster is asked for.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path

from reader.domain import Article
from reader.errors import ClusterError

log = logging.getLogger(__name__)

BATCH = 16  # articles per task: small enough to lose little with a worker, big enough to pipe
CONNECT_SECONDS = 10


def versions() -> dict[str, str]:
    """What an analysis depends on: spaCy, the model package, the cache format. Runs on the
    workers too (through `Client.run`), so it reads versions without loading the model."""
    from importlib.metadata import PackageNotFoundError, version

    from reader.extraction.nlp import MODEL
    from reader.extraction.nlpcache import CACHE_VERSION, MODEL_VERSION

    def package(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "missing"

    return {"spacy": package("spacy"), "model": f"{MODEL} {package(MODEL.replace('_', '-'))}",
            "cache format": f"{CACHE_VERSION}/{MODEL_VERSION}"}


_MODEL = None  # a worker process's spaCy model, loaded by its first batch


def analyse_batch(items: list[tuple[str, tuple[str, int]]]) -> list[tuple[str, bytes]]:
    """Runs on a worker: for each (text, (text hash, title length)) item, its cache entry
    as the local path writes it (`nlp.store_analysis`, into a scratch folder), as bytes.
    The worker compresses; the desktop only writes the bytes."""
    global _MODEL
    import tempfile

    from reader.extraction.longtext import analyse_items
    from reader.extraction.nlp import _WORKER_BATCH, cache_entry, load_model, store_analysis

    if _MODEL is None:
        _MODEL = load_model()
    out = []
    with tempfile.TemporaryDirectory(prefix="reader-nlp-") as scratch:
        folder = Path(scratch)
        for record in analyse_items(_MODEL, items, batch_size=_WORKER_BATCH):
            store_analysis(folder, record)
            entry = cache_entry(folder, record.text_hash)
            out.append((record.text_hash, entry.read_bytes()))
            entry.unlink()
    return out


def connect(address: str, expected: dict[str, str] | None = None):
    """A `distributed.Client` for `address`, checked: raises ClusterError when dask is not
    installed, the scheduler does not answer, no worker is up, or a worker's versions
    differ from `expected` (default: ours, `versions()`)."""
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError("the cluster needs dask: pip install 'reader[cluster]' "
                           "(dask and distributed)") from None
    try:
        client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        client.wait_for_workers(1, timeout=CONNECT_SECONDS)
        ours = expected or versions()
        for worker, theirs in client.run(versions).items():
            if theirs != ours:
                diff = "; ".join(f"{k}: ours {ours[k]}, worker {theirs.get(k, 'missing')}"
                                 for k in ours if theirs.get(k) != ours[k])
                raise ClusterError(f"worker {worker} runs other versions ({diff}); "
                                   "install the same reader on the workers")
    except ClusterError:
        client.close()
        raise
    except (OSError, TimeoutError) as exc:
        client.close()
        raise ClusterError(f"the Dask cluster at {address} has no worker: {exc}") from None
    return client


def run(address: str, articles: Iterable[Article], cache_dir: Path, hashes: dict[str, str],
        total: int, progress: Callable[[int, int], None] | None,
        cancelled: Callable[[], bool] | None) -> int:
    """Analyse the uncached articles on the cluster at `address`, writing each cache entry
    as it arrives; returns how many articles are done (cached or analysed). Keeps at most
    two batches per worker in flight, so neither side holds the corpus. Cancel stops
    sending and drops what is in flight (what arrived stays)."""
    from distributed import as_completed

    from reader.extraction.nlp import cache_entry, full_text, is_cached_hash
    from reader.textutil import atomic_write

    client = connect(address)
    done = 0
    try:
        in_flight = as_completed(loop=client.loop)
        limit = 2 * max(1, len(client.scheduler_info().get("workers", {})))
        batch: list[tuple[str, tuple[str, int]]] = []
        sent: set[str] = set()

        def receive(future) -> None:
            nonlocal done
            for text_hash, entry in future.result():
                atomic_write(cache_entry(cache_dir, text_hash), entry)
                done += 1
                if progress:
                    progress(done, total)

        def send() -> None:
            in_flight.add(client.submit(analyse_batch, list(batch), pure=False, retries=2))
            batch.clear()
            while in_flight.count() >= limit:
                receive(next(in_flight))

        if progress:
            progress(0, total)
        for art in articles:
            if cancelled and cancelled():
                break
            hashes[art.id] = art.text_hash
            if is_cached_hash(cache_dir, art.text_hash) or art.text_hash in sent:
                done += 1
                if progress:
                    progress(done, total)
                continue
            sent.add(art.text_hash)
            batch.append((full_text(art), (art.text_hash, len(art.title))))
            if len(batch) == BATCH:
                send()
        if batch and not (cancelled and cancelled()):
            send()
        for future in in_flight:
            if cancelled and cancelled():
                break
            receive(future)
    except ClusterError:
        raise
    except Exception as exc:  # a batch failed on every try, or the scheduler went away
        raise ClusterError(f"the cluster run stopped: {type(exc).__name__}: {exc}; "
                           f"{done} article(s) analysed are kept") from None
    finally:
        client.close()
    return done
