"""The index's inter-process write lock, and what an OSError while writing it means for the
user (a full disk, a read-only data dir)."""

from __future__ import annotations

import errno
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reader.errors import DiskFull, IndexBusy, ReadOnly

LOCK_TIMEOUT = 2.0  # seconds a writer waits for another one before IndexBusy
BUSY = ("Another reader process is updating the search index right now; try again when it "
        "has finished.")


class WriteLock:
    """The inter-process lock (`<data dir>/index.lock`, flock) every writer of the search
    index and of the derived caches takes first. Re-entrant in the thread holding it; others
    wait up to `timeout` s, then IndexBusy. Without flock (Windows) or a lock file (a
    read-only data dir, where nothing can be written anyway) only the in-process part holds."""

    _all: dict[str, WriteLock] = {}
    _all_lock = threading.Lock()

    def __init__(self, path: Path):
        self.path, self._thread, self._depth = path, threading.RLock(), 0
        self.fd: int | None = None  # while held, with flock

    @classmethod
    def of(cls, data_dir: Path) -> WriteLock:
        path = Path(os.path.abspath(Path(data_dir) / "index.lock"))
        with cls._all_lock:
            return cls._all.setdefault(str(path), cls(path))

    @contextmanager
    def hold(self, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
        if not self._thread.acquire(timeout=timeout) if timeout > 0 else \
                not self._thread.acquire(blocking=False):
            raise IndexBusy(BUSY)
        try:
            self._depth += 1
            if self._depth == 1:
                self.fd = _flock(self.path, timeout)
            yield
        finally:
            self._depth -= 1
            if self._depth == 0 and self.fd is not None:
                os.close(self.fd)  # releases the flock
                self.fd = None
            self._thread.release()


def _flock(path: Path, timeout: float) -> int | None:
    """An fd holding the exclusive flock on `path`, or None where no lock can be had."""
    try:
        import fcntl

        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except ImportError:
        return None
    except OSError:
        try:
            fd = os.open(path, os.O_RDONLY)  # made by another user: flock needs no write
        except OSError:
            return None
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                raise IndexBusy(BUSY) from None
            time.sleep(0.05)


def user_error(exc: OSError, data_dir: Path, what: str = "the search index") -> Exception:
    """The ReaderError an OSError while writing derived data means for the user (a full
    disk, a data dir that cannot be written), or `exc` itself."""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG):
        return DiskFull(f"The disk is full, so {what} could not be written (the previous "
                        "index is kept and still works). Free some space and run "
                        "`reader index` again.")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return ReadOnly(f"The data folder {data_dir} cannot be written (read-only or no "
                        f"permission), so {what} could not be updated.")
    return exc


@contextmanager
def guard(data_dir: Path) -> Iterator[None]:
    """OSErrors that mean a full disk or a read-only data dir become their ReaderError."""
    try:
        yield
    except OSError as exc:
        err = user_error(exc, data_dir)
        if err is exc:
            raise
        raise err from None
