"""Long writes with progress: the index check/build (F5, and once at start-up) and imports."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from reader.domain import Changes, IndexReport
from reader.errors import ClusterError, ReaderError
from reader.ui.dialogs import ImportReport
from reader.ui.operations.articles import import_paths, index_import
from reader.ui.operations.indexing import update_index

log = logging.getLogger(__name__)

CLUSTER_KEY = "indexing/cluster"  # in the library's ui.ini: a big library may use a cluster
CLUSTER_ADDRESS = re.compile(r"(?:[a-z]+://)?[\w.\-\[\]:]+:\d{1,5}")


class IndexController:
    """Runs MainWindow `win`'s index and import tasks, one at a time, with `win.progress`."""

    def __init__(self, win):
        self.win = win
        self.task = None  # the running index or import task
        win.progress_status.cancel_requested.connect(self.cancel)

    def reindex(self) -> None:
        """Bring the index (and extraction) up to date in the write lane."""
        if self.task is not None or self.win.closing:
            return
        self.win.progress_status.start("Checking the index…")
        self.task = update_index(self.win.runner, self.win.library, nlp=self.win.nlp,
                                 done=self._index_done, failed=self._failed,
                                 progress=self.win.progress_status.report,
                                 cluster=self.cluster())

    def cancel(self) -> None:
        if self.task is not None:
            self.win.runner.cancel(self.task)

    def _finished(self) -> None:
        self.task = None
        self.win.progress_status.stop()

    def _index_done(self, report: IndexReport | None) -> None:
        win = self.win
        self._finished()
        changed = report.added or report.updated or report.removed or report.analysed
        if report.cancelled:
            message = "Indexing cancelled; it continues where it stopped next time (F5)."
        elif changed:
            message = (f"Index updated: {report.added} added, {report.updated} updated, "
                       f"{report.removed} removed.")
        else:
            message = f"{report.total} articles, index up to date."
        win.statusBar().showMessage(" ".join([message, *report.messages]), 8000)
        if changed or report.messages:
            # The index does not say which articles changed: announce them all.
            ids = frozenset(info.id for info in win.library.articles.list())
            win.library_changed.emit(Changes(articles=ids, entities=True, policies=True))
        win.index_finished.emit(report)

    def _failed(self, exc: BaseException) -> None:
        self._finished()
        self.win.statusBar().showMessage(f"Indexing failed: {exc}", 15000)
        if not isinstance(exc, ReaderError):
            log.error("indexing failed", exc_info=(type(exc), exc, exc.__traceback__))
        self.win.index_finished.emit(None)
        if isinstance(exc, ClusterError) and not self.win.closing:
            self._cluster_failed(exc)

    # -- the NLP stage on a Dask cluster (Indexing options) ------------------------------
    def cluster(self) -> str | None:
        """The Dask scheduler address set in Indexing options for this library, or None."""
        return str(self.win.settings.value(CLUSTER_KEY, "") or "").strip() or None

    def indexing_options(self) -> None:
        """Ask for the Dask scheduler that runs the NLP stage (empty: this computer)."""
        address, ok = QInputDialog.getText(
            self.win, "Indexing options",
            "Run the language analysis of new articles on a Dask cluster.\n"
            "Scheduler address (e.g. tcp://host:8786), empty for this computer:",
            text=self.cluster() or "")
        if not ok:
            return
        address = address.strip()
        if address and not CLUSTER_ADDRESS.fullmatch(address):
            QMessageBox.warning(self.win, "Indexing options",
                                f"“{address}” is not a scheduler address: write it as "
                                "tcp://host:port (or host:port).")
            return
        self.win.settings.setValue(CLUSTER_KEY, address)
        where = f"on the cluster at {address}" if address else "on this computer"
        self.win.statusBar().showMessage(f"New articles will be analysed {where}.", 8000)

    def _cluster_failed(self, exc: ClusterError) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "The cluster cannot be used", str(exc),
                          parent=self.win)
        box.setTextFormat(Qt.TextFormat.PlainText)
        here = box.addButton("Index on this computer", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is here:
            self.win.settings.setValue(CLUSTER_KEY, "")
            self.reindex()

    # -- import --------------------------------------------------------------------------
    def import_files(self) -> None:
        from reader.importer import SUFFIXES

        paths, _ = QFileDialog.getOpenFileNames(
            self.win, "Import articles", str(Path.home()),
            f"Articles ({' '.join('*' + s for s in SUFFIXES)});;All files (*)")
        if paths:
            self.import_paths(paths)

    def import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.win, "Import a folder of articles",
                                                  str(Path.home()))
        if folder:
            self.import_paths([folder])

    def import_paths(self, paths: list[str]) -> None:
        """Import files/folders and index them in the write lane; report each file."""
        plural = "s" if len(paths) != 1 else ""
        self.win.progress_status.start(f"Importing {len(paths)} item{plural}…")
        self.task = import_paths(self.win.runner, self.win.library, paths,
                                 done=self._copied, failed=self._failed)

    def _copied(self, changes: Changes) -> None:
        """The files are in the library: list them now (a long import is searchable once
        it is indexed), then index them."""
        win = self.win
        if changes.articles:
            win.articles.set_articles(win.library.articles.list())
            win.statusBar().showMessage(
                f"Indexing {len(changes.articles)} imported article"
                f"{'s' if len(changes.articles) != 1 else ''}…")
        self.task = index_import(win.runner, win.library, changes, nlp=win.nlp,
                                 done=self._import_done, failed=self._failed,
                                 progress=win.progress_status.report, cluster=self.cluster())

    def _import_done(self, value) -> None:
        changes, _report = value
        win = self.win
        self._finished()
        outcomes = list(changes.outcomes)
        counts = {s: sum(1 for o in outcomes if o.status == s)
                  for s in ("imported", "skipped", "failed")}
        win.statusBar().showMessage(
            f"Import: {counts['imported']} imported, {counts['skipped']} skipped, "
            f"{counts['failed']} failed.", 10000)
        win.library_changed.emit(changes)
        win.import_report = ImportReport(outcomes, win)
        win.import_report.show()
        imported = [o.id for o in outcomes if o.status == "imported" and o.id]
        if imported and win.current_doc is None:  # never replace the article being read
            win.open_article(imported[0])
        win.import_finished.emit(outcomes)
