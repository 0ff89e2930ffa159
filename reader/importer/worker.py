"""Parsing under a time budget: one file's bytes are parsed in a worker process, which is
killed (and started again for the next file) when the file takes longer than the budget.

The parser libraries (trafilatura/lxml, pypdf, regular expressions) cannot be interrupted
from inside, so a pathological file is stopped from outside: the batch gets a one-line
failure for it and goes on. The worker is started once (forkserver where available: cheap
to fork again, safe beside the UI's threads) and kept for every later file; a round trip
costs well under a millisecond beside the parse itself.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading

from reader.domain import Article
from reader.errors import BadInput
from reader.importer.limits import PARSE_SECONDS


def budget_seconds() -> float:
    """The time budget for parsing one file: PARSE_SECONDS, or READER_PARSE_SECONDS."""
    try:
        return max(0.1, float(os.environ.get("READER_PARSE_SECONDS", PARSE_SECONDS)))
    except ValueError:
        return PARSE_SECONDS


def _serve(conn) -> None:  # runs in the worker process
    import importlib

    from reader.importer import parse_bytes_all

    for name in _PRELOAD:  # loaded before the first budget starts (spawn: not preloaded)
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    conn.send("ready")
    while True:
        try:
            args, kwargs = conn.recv()
        except (EOFError, OSError):
            return
        try:
            result: tuple = ("ok", parse_bytes_all(*args, **kwargs))
        except BadInput as exc:
            result = ("bad", str(exc))
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
            worker.conn.send(((raw, name, doc_id), kwargs))
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
    if status == "bad":
        raise BadInput(value)
    return value
