"""Libraries in the desktop app: File > New library…, Open library…, Open recent, Remove
sample articles; the recent list (QSettings); and the session that swaps the window when
another library is opened.

A library is a data folder (see `reader.paths`). The window never switches its Library in
place: it asks for another with `MainWindow.library_requested`, and `LibrarySession` closes
it (notes saved, its tasks stopped), releases its folder lock and opens a new window over
the other library. Without a session (a window made by a test) the request goes nowhere.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from reader.errors import ReaderError
from reader.library import Library, is_library

log = logging.getLogger(__name__)

MAX_RECENT = 8


def _settings_file() -> Path:
    import platformdirs

    from reader.paths import APP_NAME

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "libraries.ini"


class RecentLibraries:
    """The libraries opened last (newest first), kept in `libraries.ini` in the user's config
    folder (`$XDG_CONFIG_HOME/reader` on Linux), beside no library's own data."""

    def __init__(self, settings: QSettings | None = None):
        self.settings = settings or QSettings(str(_settings_file()), QSettings.Format.IniFormat)

    def paths(self) -> list[Path]:
        """The recent libraries that still exist, newest first."""
        raw = self.settings.value("recent", []) or []
        if isinstance(raw, str):  # QSettings gives a one-item list back as a string
            raw = [raw]
        return [Path(p) for p in raw if Path(p).is_dir()][:MAX_RECENT]

    def add(self, folder: Path) -> None:
        folder = Path(folder)
        kept = [str(p) for p in self.paths() if p != folder]
        self.settings.setValue("recent", [str(folder), *kept][:MAX_RECENT])
        self.settings.sync()

    def last(self) -> Path | None:
        """The library to open when none is named: the last one, if it is still a library."""
        return next((p for p in self.paths() if is_library(p)), None)


class LibrarySession(QObject):
    """The one window of the app and the library it shows, swapped when the window asks for
    another library. `options` go to every `MainWindow` (nlp, index_on_start)."""

    # A window over a library was shown: (MainWindow).
    window_opened = Signal(object)

    def __init__(self, recent: RecentLibraries | None = None, **options):
        super().__init__()
        self.recent = recent or RecentLibraries()
        self.options = options
        self.window = None
        self.library = None
        self.lock = None
        self._closed = None  # the window replaced last, until Qt deletes it

    def open(self, data_dir, corpus=None) -> bool:
        """Show the library at `data_dir` (with `corpus`: the run's --corpus), closing the
        current window first. False when it cannot be opened (another reader holds it) or
        the current window refused to close (an unsaved note); the current one stays."""
        from reader.paths import Paths
        from reader.ui.app import AlreadyOpen, create_window, lock_data_dir

        paths = Paths.resolve(data_dir, corpus)
        same = self.library is not None and self.library.paths.data_dir == paths.data_dir
        try:
            lock = self.lock if same else lock_data_dir(paths.data_dir)
        except AlreadyOpen as exc:
            QMessageBox.critical(self.window, "reader", str(exc))
            return False
        if self.window is not None:
            if not self.window.close():
                if not same and lock is not None:
                    lock.unlock()
                return False
            self.window.deleteLater()
            self._closed = self.window
            self._release(keep_lock=same)
        self.lock = lock
        self.library = Library(paths)
        self.window = create_window(self.library, recent_libraries=self.recent.paths(),
                                    **self.options)
        self.window.library_requested.connect(self._requested)
        self.window.show()
        self.recent.add(paths.data_dir)
        self.window_opened.emit(self.window)
        return True

    def _requested(self, data_dir: str) -> None:
        # Later, from the event loop: the request comes from inside the window's own
        # handlers, which must not run on in a closed window.
        QTimer.singleShot(0, lambda: self.open(data_dir))

    def _release(self, keep_lock: bool = False) -> None:
        if self.library is not None:
            self.library.close()
            self.library = None
        if self.lock is not None and not keep_lock:
            self.lock.unlock()
        self.lock = None

    def close(self) -> None:
        """At exit: close the library (its store takes the exit backup) and the lock."""
        self._release()


class LibraryController:
    """MainWindow `win`'s library actions: asks, then requests the library to show."""

    def __init__(self, win, recent: list[Path]):
        self.win = win
        self.recent = list(recent)
        self.recent_menu = QMenu("Open &recent", win)
        self.recent_menu.setObjectName("recentLibrariesMenu")
        self._fill_recent()

    @property
    def data_dir(self) -> Path:
        return self.win.library.paths.data_dir

    def _fill_recent(self) -> None:
        menu = self.recent_menu
        menu.clear()
        others = [p for p in self.recent if p != self.data_dir]
        for folder in others:
            action = menu.addAction(f"{folder.name}  ({folder.parent})")
            action.setData(str(folder))
            action.triggered.connect(lambda _=False, f=folder: self.request(f))
        menu.setEnabled(bool(others))

    def add_recent_menu(self, after: QAction) -> None:
        """Put the Open recent submenu in the menu holding `after`, just below it."""
        menu = next(o for o in after.associatedObjects() if isinstance(o, QMenu))
        entries = menu.actions()
        below = entries[entries.index(after) + 1:]
        if below:
            menu.insertMenu(below[0], self.recent_menu)
        else:
            menu.addMenu(self.recent_menu)

    def request(self, folder: Path) -> None:
        """Show the library at `folder` (the window closes; see LibrarySession)."""
        self.win.library_requested.emit(str(folder))

    def new_library(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self.win, "New library: choose or create an empty folder", str(Path.home()))
        if not folder:
            return
        try:
            path = Library.create(folder)
        except ReaderError as exc:
            self.win.show_message(str(exc), "libraryMessage")
            return
        self.request(path)

    def open_library(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.win, "Open a library",
                                                  str(self.data_dir.parent))
        if not folder:
            return
        if not is_library(folder):
            self.win.show_message(f"{folder} is not a reader library. Make one with File > "
                                  "New library…, then import your articles.", "libraryMessage")
            return
        self.request(Path(folder))

    def remove_sample(self) -> None:
        """Ask, then leave the bundled sample articles out of this library (notes on them
        are kept; `reader library add-sample` brings them back)."""
        box = QMessageBox(
            QMessageBox.Icon.Question, "Remove sample articles",
            "Remove the bundled sample articles from this library?\n\nYour own articles "
            "stay. Notes you wrote on sample articles are kept (as orphaned notes); "
            "`reader library add-sample` brings the articles back.",
            QMessageBox.StandardButton.Cancel, self.win)
        box.setObjectName("removeSampleBox")
        remove = box.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
        box.finished.connect(lambda _result: box.clickedButton() is remove
                             and self._remove_sample())
        box.open()

    def _remove_sample(self) -> None:
        try:
            Library.set_sample(self.data_dir, False)
        except ReaderError as exc:
            self.win.show_message(str(exc), "libraryMessage")
            return
        self.request(self.data_dir)
