"""Desktop app entry point: the one-instance lock, QApplication, the stylesheet, the Library
and the main window."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

from reader.errors import ReaderError

log = logging.getLogger(__name__)

LOCK_NAME = "reader.lock"
LOCK_WAIT_MS = 200


class AlreadyOpen(ReaderError):
    """Another running reader holds this data folder."""


def lock_data_dir(data_dir: Path):
    """Take `<data dir>/reader.lock` for as long as the app runs: one window per data folder,
    so two windows never save over each other's notes.

    Returns the held QLockFile (keep a reference; it is released with `unlock()` or when the
    process ends), or None when the folder cannot hold a lock file (a read-only folder: the
    store then opens read-only and nothing can be overwritten). A lock left behind by a
    reader that crashed or was killed is taken over. Raises AlreadyOpen when a running
    reader holds it."""
    from PySide6.QtCore import QLockFile

    folder = Path(data_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        log.info("No instance lock: %s", exc)
        return None
    lock = QLockFile(str(folder / LOCK_NAME))
    # Held for hours: only a dead owner makes the lock stale, never its age.
    lock.setStaleLockTime(0)
    if lock.tryLock(LOCK_WAIT_MS):
        return lock
    if lock.error() != QLockFile.LockError.LockFailedError:
        log.info("No instance lock in %s (%s)", folder, lock.error().name)
        return None
    # Qt judges the owner alive by its PID, which another program may have been given after
    # a crash. removeStaleLockFile() succeeds only when no process holds the file's own OS
    # lock (flock), i.e. when the owner really is gone.
    if lock.removeStaleLockFile() and lock.tryLock(LOCK_WAIT_MS):
        log.info("Took over a stale lock in %s", folder)
        return lock
    pid = lock.getLockInfo()[0]  # (pid, hostname, appname); 0 when unreadable
    owner = f" (process {pid})" if pid else ""
    raise AlreadyOpen(f"reader is already open on this data folder{owner}:\n{folder}\n\n"
                      "Switch to that window, or start reader with another --data-dir.")


def load_stylesheet(app, resources_dir: Path) -> None:
    """Apply resources/style.qss (the app's only stylesheet); a missing file is not fatal."""
    path = Path(resources_dir) / "style.qss"
    try:
        app.setStyleSheet(path.read_text(encoding="utf-8"))
    except OSError as exc:
        log.warning("Stylesheet %s not loaded: %s", path, exc)


def create_window(library, app=None, **options):
    """The main window over `library`, styled (shown by the caller)."""
    from PySide6.QtWidgets import QApplication

    from reader.ui.mainwindow import MainWindow

    app = app or QApplication.instance()
    load_stylesheet(app, library.paths.resources_dir)
    return MainWindow(library, **options)


def open_session(args, **options):
    """The LibrarySession showing the library `run` opens (None when it cannot be opened,
    the user told why); `options` go to the MainWindow."""
    from reader.paths import default_data_dir
    from reader.ui.library_dialogs import LibrarySession

    session = LibrarySession(**options)
    named = args.data_dir or os.environ.get("READER_DATA_DIR")
    data_dir = named or session.recent.last() or default_data_dir()
    return session if session.open(data_dir, args.corpus) else None


def run(args) -> int:
    """`reader` with no subcommand: open the window; returns the exit code.

    The library: `--data-dir` / `$READER_DATA_DIR`, else the one opened last (File > Open
    recent), else the default library (which shows the sample articles)."""
    started = time.perf_counter()
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("reader")
    app.setApplicationDisplayName("reader")
    session = open_session(args)
    if session is None:
        return 1
    try:
        log.info("window shown %.0f ms after start-up began",
                 (time.perf_counter() - started) * 1000)
        _close_on_signals(session)
        return app.exec()
    finally:
        session.close()


def _close_on_signals(session) -> None:
    """Ctrl+C in the terminal or SIGTERM closes the window properly (state and notes saved).

    Python runs signal handlers only between bytecodes, so a idle timer hands control back
    to the interpreter twice a second while Qt's event loop runs."""
    import signal

    from PySide6.QtCore import QTimer

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: session.window.close())
    timer = QTimer(session)
    timer.timeout.connect(lambda: None)
    timer.start(500)
