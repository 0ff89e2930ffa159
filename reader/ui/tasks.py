"""The one background-work helper: functions run on a QThreadPool, results return as signals.

Every request names a *lane*. Read lanes ("search", "article", "mentions", ...) are
latest-wins: each request gets the lane's next generation number, an older request still
running is told to stop (its `Context.cancelled()` turns true) and its result is dropped, so a
stale search never overwrites a newer one. The "write" lane is serial (one thread, FIFO) and
every result is delivered: index builds, imports and user edits go through it.

Worker functions never touch widgets: they receive a `Context` and return a value; `done`,
`failed` and `progress` callbacks run on the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal

log = logging.getLogger(__name__)

WRITE = "write"


@dataclass
class Task:
    """One submitted request; `gen` is its generation within the lane."""

    id: int
    lane: str
    gen: int
    done: Callable[[Any], None] | None = None
    failed: Callable[[BaseException], None] | None = None
    progress: Callable[[str, int, int], None] | None = None
    stop: threading.Event = field(default_factory=threading.Event)


class Context:
    """What a worker function may use: report progress, ask whether to stop."""

    def __init__(self, runner: TaskRunner, task: Task):
        self._runner = runner
        self._task = task

    def progress(self, stage: str, done: int, total: int) -> None:
        """Thread-safe: queued to the GUI thread as a signal."""
        self._runner._progressed.emit(self._task.id, stage, done, total)

    def cancelled(self) -> bool:
        return self._task.stop.is_set()


class TaskRunner(QObject):
    """Runs `fn(ctx)` off the GUI thread; see the module docstring for lanes."""

    # (task id, succeeded, result or exception): emitted from a worker thread, so the
    # connection is queued and `_deliver` runs on the GUI thread.
    _delivered = Signal(int, bool, object)
    _progressed = Signal(int, str, int, int)  # (task id, stage, done, total)
    # A task without a `failed` callback raised: (lane, exception). The window shows it.
    task_failed = Signal(str, object)
    # Emitted when the number of unfinished tasks goes to or from zero: (busy).
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, read_threads: int = 4):
        super().__init__(parent)
        self._read_pool = QThreadPool(self)
        self._read_pool.setMaxThreadCount(read_threads)
        self._write_pool = QThreadPool(self)
        self._write_pool.setMaxThreadCount(1)  # serial: one writer, FIFO
        self._gens: dict[str, int] = {}
        self._tasks: dict[int, Task] = {}
        self._next_id = 0
        self._closed = False
        self._delivered.connect(self._deliver)
        self._progressed.connect(self._relay_progress)

    # -- submitting ----------------------------------------------------------------------
    def submit(self, lane: str, fn: Callable[[Context], Any], *,
               done: Callable[[Any], None] | None = None,
               failed: Callable[[BaseException], None] | None = None,
               progress: Callable[[str, int, int], None] | None = None) -> Task:
        """Run `fn(ctx)` in `lane`; callbacks run on the GUI thread unless the result is stale."""
        if self._closed:
            raise RuntimeError("task runner is shut down")
        gen = self._gens.get(lane, 0) + 1
        self._gens[lane] = gen
        if lane != WRITE:
            for old in self._tasks.values():
                if old.lane == lane:
                    old.stop.set()
        self._next_id += 1
        task = Task(self._next_id, lane, gen, done, failed, progress)
        was_idle = not self._tasks
        self._tasks[task.id] = task
        pool = self._write_pool if lane == WRITE else self._read_pool
        pool.start(lambda: self._execute(task, fn))
        if was_idle:
            self.busy_changed.emit(True)
        return task

    def cancel(self, task: Task) -> None:
        """Ask a running task to stop (cooperative: it checks `ctx.cancelled()`)."""
        task.stop.set()

    def is_current(self, task: Task) -> bool:
        return self._gens.get(task.lane) == task.gen

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    def pending(self, lane: str) -> bool:
        return any(t.lane == lane for t in self._tasks.values())

    def wait_for_writes(self, timeout_ms: int = -1) -> bool:
        """Block until the write lane is idle (on close, before a last synchronous save).
        Results of the finished tasks are still delivered, later, on the event loop."""
        return self._write_pool.waitForDone(timeout_ms)

    def shutdown(self, timeout_ms: int = -1) -> None:
        """Stop accepting work, ask every task to stop and wait for the threads."""
        self._closed = True
        for task in self._tasks.values():
            task.stop.set()
        self._read_pool.waitForDone(timeout_ms)
        self._write_pool.waitForDone(timeout_ms)

    # -- worker side ---------------------------------------------------------------------
    def _execute(self, task: Task, fn: Callable[[Context], Any]) -> None:
        if task.stop.is_set() and task.lane != WRITE:
            self._delivered.emit(task.id, False, _Stale())
            return
        try:
            result = fn(Context(self, task))
        except BaseException as exc:  # delivered to the GUI thread, never lost in a thread
            self._delivered.emit(task.id, False, exc)
        else:
            self._delivered.emit(task.id, True, result)

    # -- GUI side ------------------------------------------------------------------------
    def _deliver(self, task_id: int, ok: bool, value: object) -> None:
        task = self._tasks.pop(task_id, None)
        if not self._tasks:
            self.busy_changed.emit(False)
        if task is None or self._closed or isinstance(value, _Stale):
            return
        if task.lane != WRITE and not self.is_current(task):
            log.debug("dropping stale result of %s #%d", task.lane, task.gen)
            return
        if ok:
            if task.done:
                task.done(value)
        elif task.failed:
            task.failed(value)
        else:
            if not _is_user_error(value):
                log.error("background task in lane %r failed", task.lane,
                          exc_info=(type(value), value, value.__traceback__))
            self.task_failed.emit(task.lane, value)

    def _relay_progress(self, task_id: int, stage: str, done: int, total: int) -> None:
        task = self._tasks.get(task_id)
        if task and task.progress and not self._closed:
            task.progress(stage, done, total)


class _Stale:
    """Marker result of a read task that was superseded before it started."""


def _is_user_error(exc: object) -> bool:
    from reader.errors import ReaderError

    return isinstance(exc, ReaderError)
