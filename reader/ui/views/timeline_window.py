"""The Timeline window: every article, or the selected entity's or policy's mentions, on a
date axis; a bar click lists that bar's articles in the main window's article list."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reader.domain import Timeline
from reader.ui.views.chart import Bucketer, TimelineChart, dated_total, undated_total
from reader.ui.widgets import EmptyStack

NO_DATES = ("No dated articles yet.\n\n{undated}The timeline places articles on their "
            "publication dates. Set an article's date with Edit > Edit details… "
            "(Ctrl+Shift+D) or `reader meta ID --date 2005-03-01`.")
UNITS = (("Automatic", ""), ("Days", "day"), ("Weeks", "week"), ("Months", "month"),
         ("Years", "year"))


class TimelineWindow(QWidget):
    """A top-level window; the views controller feeds it Timelines."""

    # The subject combo changed: (kind "articles" | "entity" | "policy", id or "").
    subject_chosen = Signal(str, str)
    # A bar (or the undated block) was clicked: (description, tuple of article ids).
    articles_requested = Signal(str, tuple)

    def __init__(self, bucketer: Bucketer, parent=None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("timelineWindow")
        self.setWindowTitle("Timeline — reader")
        self.subject = QComboBox()
        self.subject.setObjectName("timelineSubject")
        self.subject.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.subject.setMinimumContentsLength(24)
        self.subject.activated.connect(self._subject_activated)
        self.unit = QComboBox()
        self.unit.setObjectName("timelineUnit")
        for text, unit in UNITS:
            self.unit.addItem(text, unit)
        self.reset = QPushButton("Show everything")
        self.reset.setObjectName("timelineReset")
        self.chart = TimelineChart(bucketer)
        self.chart.bucket_clicked.connect(self._bucket_clicked)
        self.chart.undated_clicked.connect(
            lambda docs: self.articles_requested.emit(f"{len(docs)} undated articles", docs))
        self.unit.currentIndexChanged.connect(
            lambda _: self.chart.set_unit(self.unit.currentData()))
        self.reset.clicked.connect(self.chart.reset_zoom)
        self.status = QLabel()
        self.status.setObjectName("timelineStatus")
        self.status.setWordWrap(True)
        self.stack = EmptyStack(self.chart, "")
        controls = QHBoxLayout()
        controls.addWidget(QLabel("Show"))
        controls.addWidget(self.subject)
        controls.addSpacing(12)
        controls.addWidget(QLabel("Bars"))
        controls.addWidget(self.unit)
        controls.addWidget(self.reset)
        controls.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.status)
        self.set_subjects([])
        self.show_loading()

    def set_subjects(self, subjects: list[tuple[str, str, str]], current: int = 0) -> None:
        """(kind, id, label) choices after "Every article"; selects row `current`."""
        self.subject.blockSignals(True)
        self.subject.clear()
        self.subject.addItem("Every article", ("articles", ""))
        for kind, ref, label in subjects:
            self.subject.addItem(label, (kind, ref))
        self.subject.setCurrentIndex(current)
        self.subject.blockSignals(False)

    def show_loading(self) -> None:
        self.status.setText("Counting…")

    def set_timeline(self, timeline: Timeline) -> None:
        self.chart.set_timeline(timeline)
        noun = "article" if timeline.kind == "articles" else "mention"
        what = "articles" if timeline.kind == "articles" else f"mentions of {timeline.label}"
        undated = undated_total(timeline)
        if not timeline.days:
            of = "" if timeline.kind == "articles" else f" of {timeline.label}"
            note = (f"1 {noun}{of} has no date. " if undated == 1
                    else f"{undated} {noun}s{of} have no date. " if undated else "")
            self.stack.set_empty(NO_DATES.format(undated=note) if timeline.kind == "articles"
                                 else f"No dated {what}.\n\n{note}")
            self.status.setText("")
            return
        self.stack.set_empty(None)
        self.status.setText(f"{dated_total(timeline)} dated {what}"
                            + (f"; {undated} undated (the block on the right)" if undated
                               else "") + ".")

    def _subject_activated(self, index: int) -> None:
        kind, ref = self.subject.itemData(index)
        self.show_loading()
        self.subject_chosen.emit(kind, ref)

    def _bucket_clicked(self, bucket, label: str) -> None:
        tl = self.chart.timeline
        what = "" if tl is None or tl.kind == "articles" else f" mentioning {tl.label}"
        self.articles_requested.emit(f"{label}{what}", tuple(bucket.docs))
