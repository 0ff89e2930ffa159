"""Parsing under a time budget: one file's bytes are parsed in a worker process, which is
killed (and started again for the next file) when the file takes longer than the budget.

The parser libraries (trafilatura/lxml, pypdf, regular expressions) cannot be interrupted
from inside, so a pathological file is stopped from outside: the batch gets a one-line
failure for it and goes on. The worker is started once (forkserver where available: cheap
to fork again, safe beside the UI's threads) and kept for every later file; a round trip
costs well under a millisecond beside the parse itself.

Memory is bounded the same way: each parse runs under an address-space limit (RLIMIT_AS,
PARSE_MEMORY_MB above what the worker holds before its first file), so a file whose parse
would grow past it fails with a one-line reason instead of taking the machine's memory.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading

from reader.domain import Article
from reader.errors import BadInput
from reader.importer.limits import PARSE_SECONDS

# Address space one parse may add to the worker (lxml trees, pypdf objects...): a 10 MB HTML
# file's tree takes about 150 MB; past this the file is refused (README: importer limits).
PARSE_MEMORY_MB = 768


def budget_seconds() -> float:
    """The time budget for parsing one file: PARSE_SECONDS, or READER_PARSE_SECONDS."""
    try:
        return max(0.1, float(os.environ.get("READER_PARSE_SECONDS", PARSE_SECONDS)))
    except ValueError:
        return PARSE_SECONDS


def memory_mb() -> int:
    """The memory one parse may add: PARSE_MEMORY_MB, or READER_PARSE_MEMORY_MB."""
    try:
        return max(16, int(os.environ.get("READER_PARSE_MEMORY_MB", PARSE_MEMORY_MB)))
    except ValueError:
        return PARSE_MEMORY_MB


def _address_space() -> int | None:
    """This process's address space in bytes (Linux), or None where it cannot be read."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _limit_memory(base: int | None, extra_mb: int) -> None:
    """Cap this process's address space at `base` + `extra_mb` (the soft limit: the next
    parse may set another). Nothing where RLIMIT_AS or /proc is missing."""
    try:
        import resource
    except ImportError:
        return
    if base is None or not hasattr(resource, "RLIMIT_AS"):
        return
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        soft = base + extra_mb * 2**20
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    except (ValueError, OSError):
        pass


def _serve(conn) -> None:  # runs in the worker process
    import gc
    import importlib

    from reader.importer import parse_bytes_all

    for name in _PRELOAD:  # loaded before the first budget starts (spawn: not preloaded)
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    base = _address_space()
    conn.send("ready")
    while True:
        try:
            args, kwargs, extra_mb = conn.recv()
        except (EOFError, OSError):
            return
        _limit_memory(base, extra_mb)
        try:
            result: tuple = ("ok", parse_bytes_all(*args, **kwargs))
        except BadInput as exc:
            result = ("bad", str(exc))
        except MemoryError:
            gc.collect()
            result = ("oom", f"{args[1]}: parsing needed more than {extra_mb} MB of memory "
                             "(the limit for one file); refused as a pathological file")
        except Exception as exc:  # noqa: BLE001 - reported to the parent as one line
            result = ("bad", f"{args[1]}: could not be read ({type(exc).__name__}: {exc})")
        conn.send(result)


_PRELOAD = ["reader.importer", "reader.importer.html", "reader.importer.pdf"]


def _context():
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)  # a restarted worker starts with its libraries
    return ctx


class _Worker:
    def __init__(self) -> None:
        ctx = _context()
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child,), daemon=True,
                                name="reader-import-parser")
        self.proc.start()
        child.close()
        try:
            ready = self.conn.poll(120) and self.conn.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.stop()
            raise BadInput("the import's parser process did not start")

    def stop(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()


_lock = threading.Lock()
_worker: _Worker | None = None


def _stop() -> None:
    global _worker
    if _worker is not None:
        _worker.stop()
        _worker = None


atexit.register(_stop)


def parse_in_worker(raw: bytes, name: str, doc_id: str, **kwargs) -> list[Article]:
    """`parse_bytes_all(raw, name, doc_id, **kwargs)` in the worker, within the budget.
    Raises BadInput: the parser's own one-line reason, or the budget's, or the worker's
    death (a crash or out of memory on this file)."""
    global _worker
    budget = budget_seconds()
    with _lock:
        if _worker is None or not _worker.proc.is_alive():
            _stop()
            _worker = _Worker()
        worker = _worker
        try:
            worker.conn.send(((raw, name, doc_id), kwargs, memory_mb()))
            if not worker.conn.poll(budget):
                _stop()
                raise BadInput(f"{name}: parsing took longer than {budget:g} s (the limit "
                               "for one file); refused as a pathological file")
            status, value = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError) as exc:
            code = worker.proc.exitcode
            _stop()
            raise BadInput(f"{name}: the parser stopped on this file (exit code {code}: "
                           f"{type(exc).__name__})") from None
    if status == "oom":  # a worker that ran out of memory is not trusted with another file
        with _lock:
            if _worker is worker:
                _stop()
    if status in ("bad", "oom"):
        raise BadInput(value)
    return value
