"""Desktop app entry point: QApplication, the stylesheet, the Library and the main window."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

log = logging.getLogger(__name__)


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


def run(args) -> int:
    """`reader` with no subcommand: open the window; returns the exit code."""
    started = time.perf_counter()
    from PySide6.QtWidgets import QApplication

    from reader.library import Library

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("reader")
    app.setApplicationDisplayName("reader")
    library = Library.open(args.data_dir, args.corpus)
    try:
        window = create_window(library, app)
        window.show()
        log.info("window shown %.0f ms after start-up began",
                 (time.perf_counter() - started) * 1000)
        _close_on_signals(window)
        return app.exec()
    finally:
        library.close()


def _close_on_signals(window) -> None:
    """Ctrl+C in the terminal or SIGTERM closes the window properly (state and notes saved).

    Python runs signal handlers only between bytecodes, so a idle timer hands control back
    to the interpreter twice a second while Qt's event loop runs."""
    import signal

    from PySide6.QtCore import QTimer

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: window.close())
    timer = QTimer(window)
    timer.timeout.connect(lambda: None)
    timer.start(500)
