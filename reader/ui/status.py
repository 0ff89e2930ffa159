"""The status bar's long-running-work corner: a progress bar and a Cancel button."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QProgressBar, QPushButton, QStatusBar

LOADING_MODEL = "Loading the language model…"
STAGE_LABELS = {"index": "Indexing", "nlp": "Reading entities", "extract": "Extracting"}


class ProgressStatus(QObject):
    """Shows index/import progress in `status_bar`; hidden while nothing long runs."""

    # The user clicked Cancel (no payload); the button disables itself until `start`.
    cancel_requested = Signal()

    def __init__(self, status_bar: QStatusBar):
        super().__init__(status_bar)
        self.status_bar = status_bar
        self.bar = QProgressBar()
        self.bar.setObjectName("indexProgress")
        self.bar.setMaximumWidth(220)
        self.bar.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.clicked.connect(self._cancel_clicked)
        status_bar.addPermanentWidget(self.bar)
        status_bar.addPermanentWidget(self.cancel_button)
        self.bar.hide()
        self.cancel_button.hide()

    def start(self, message: str) -> None:
        """Long work began: say so. The bar is shown only once there is real work (the first
        progress report): a current index is checked in milliseconds and a flashing bar
        would only distract."""
        self.bar.setRange(0, 0)
        self.bar.setFormat("")
        self.status_bar.showMessage(message)
        self.cancel_button.setEnabled(True)

    def report(self, stage: str, done: int, total: int) -> None:
        self.bar.show()
        self.cancel_button.show()
        if stage == "extract" and done == 0:
            # Until the first article is analysed, the time goes into loading spaCy's model
            # (~10 s): a busy bar that says so, not a frozen "0/5".
            self.bar.setRange(0, 0)
            self.bar.setFormat(LOADING_MODEL)
            self.status_bar.showMessage(LOADING_MODEL)
            return
        self.bar.setRange(0, max(1, total))
        self.bar.setValue(done)
        self.bar.setFormat(f"{STAGE_LABELS.get(stage, stage.capitalize())} {done}/{total}")

    def stop(self) -> None:
        self.bar.hide()
        self.cancel_button.hide()

    def _cancel_clicked(self) -> None:
        self.cancel_button.setEnabled(False)
        self.status_bar.showMessage("Cancelling…")
        self.cancel_requested.emit()
