"""The Timeline and Network views' behaviour: opening them (View menu), their queries and
the network layout on the task runner, and what their clicks do in the main window (a bar
lists its articles, a disc selects its entity, a link's sentences open their articles);
also the small timelines in the entity and policy details."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from reader.domain import Changes, Entity, Policy
from reader.ui.views import ops
from reader.ui.views.chart import TimelineChart
from reader.ui.views.network_window import NetworkWindow
from reader.ui.views.timeline_window import TimelineWindow

log = logging.getLogger(__name__)

PREWARM_DELAY_MS = 400  # idle this long before the network is computed ahead


class ListRestriction(QWidget):
    """The bar above the article list while it shows only a timeline bar's articles."""

    def __init__(self, on_clear, parent=None):
        super().__init__(parent)
        self.setObjectName("listRestriction")
        self.label = QLabel()
        self.label.setObjectName("listRestrictionLabel")
        self.label.setWordWrap(True)
        self.clear_button = QPushButton("Show all")
        self.clear_button.setObjectName("listRestrictionClear")
        self.clear_button.clicked.connect(on_clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 4, 2)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.clear_button)
        self.hide()


class ViewsController:
    """Behaviour of MainWindow `win`'s Timeline and Network windows."""

    def __init__(self, win):
        self.win = win
        self.timeline_window: TimelineWindow | None = None
        self.network_window: NetworkWindow | None = None
        self._timeline_subject = ("articles", "")
        self.restriction = ListRestriction(self.clear_restriction)
        # Above the article list, under its filter box (the list page's own layout).
        win.article_stack.parentWidget().layout().insertWidget(1, self.restriction)
        self.entity_timeline = TimelineChart(win.library.timeline.buckets, compact=True)
        self.entity_timeline.setObjectName("entityTimeline")
        win.entity_panel.set_timeline_widget(self.entity_timeline)
        self.entity_timeline.bucket_clicked.connect(
            lambda bucket, label: self._detail_bucket(self.entity_timeline, bucket, label))
        win.entity_panel.entity_selected.connect(self._entity_selected)
        self.policy_timeline = TimelineChart(win.library.timeline.buckets, compact=True)
        self.policy_timeline.setObjectName("policyTimeline")
        # The one hook into the policy panel (its owner may move it into the panel): the
        # chart goes under the policy's details, as a third pane of the panel's splitter.
        self.policy_timeline_box = _captioned(
            "Mentions over time, by stance (click a bar for its articles)",
            self.policy_timeline)
        win.policy_panel.splitter.addWidget(self.policy_timeline_box)
        self.policy_timeline_box.hide()
        self.policy_timeline.bucket_clicked.connect(
            lambda bucket, label: self._detail_bucket(self.policy_timeline, bucket, label))
        win.policy_panel.policy_selected.connect(self._policy_selected)
        # The default network is computed ahead once the window is idle (after start-up and
        # after each change), so opening the Network view only draws it.
        self.prewarmed = False  # the default network of the current data is ready
        self._prewarm_due = True
        self._prewarm_timer = QTimer(win)
        self._prewarm_timer.setSingleShot(True)
        self._prewarm_timer.setInterval(PREWARM_DELAY_MS)
        self._prewarm_timer.timeout.connect(self._prewarm)
        win.runner.busy_changed.connect(self._runner_busy)

    # -- the article list ----------------------------------------------------------------
    def show_articles(self, description: str, docs) -> None:
        """List only `docs` in the article list (the search is left as it is, behind)."""
        win = self.win
        win.article_proxy.set_only(docs)
        self.restriction.label.setText(f"Timeline: {len(docs)} article"
                                       f"{'s' if len(docs) != 1 else ''} · {description}")
        self.restriction.show()
        win.left.setCurrentIndex(0)
        win.article_stack.set_empty(None if win.article_proxy.rowCount() else
                                    "None of these articles is in the library any more.")
        win.statusBar().showMessage(f"Listing {len(docs)} article(s) from the timeline; "
                                    "“Show all” above the list brings back the others.", 6000)

    def clear_restriction(self) -> None:
        self.win.article_proxy.set_only(None)
        self.restriction.hide()
        self.win.article_stack.set_empty(None if self.win.article_proxy.rowCount() else
                                         "No articles yet.")

    def _detail_bucket(self, chart: TimelineChart, bucket, label: str) -> None:
        name = chart.timeline.label if chart.timeline is not None else ""
        self.show_articles(f"{label}{' mentioning ' + name if name else ''}", bucket.docs)

    # -- the Timeline window -------------------------------------------------------------
    def open_timeline(self) -> None:
        win = self.win
        if self.timeline_window is None:
            self.timeline_window = TimelineWindow(win.library.timeline.buckets, win)
            self.timeline_window.subject_chosen.connect(self._timeline_subject_chosen)
            self.timeline_window.articles_requested.connect(self.show_articles)
            _size_to(self.timeline_window, win, 0.8, 0.62)
        choices, current = self._subjects()
        window = self.timeline_window
        window.set_subjects(choices, current)
        kind, ref = window.subject.currentData()
        self._load_timeline(kind, ref)
        _bring_up(window)

    def _subjects(self) -> tuple[list[tuple[str, str, str]], int]:
        """The entity and policy selected in the sidebar as choices; the current subject
        (if it is one of them) selected."""
        choices = []
        ent = self.win.entity_panel.current()
        if ent is not None:
            choices.append(("entity", ent.id, f"Mentions of {ent.name}"))
        pol = self.win.policy_panel.current()
        if pol is not None:
            choices.append(("policy", pol.id, f"Mentions of {pol.label}, by stance"))
        subject = self.win.entities.subject
        current = 0
        for n, (kind, ref, _) in enumerate(choices, 1):
            if subject is not None and subject[0] == kind and subject[1].id == ref:
                current = n
        return choices, current

    def _timeline_subject_chosen(self, kind: str, ref: str) -> None:
        self._load_timeline(kind, ref)

    def _load_timeline(self, kind: str, ref: str) -> None:
        self._timeline_subject = (kind, ref)
        window = self.timeline_window
        window.show_loading()
        ops.load_timeline(self.win.runner, self.win.library, kind, ref,
                          done=window.set_timeline, failed=self._view_failed)

    # -- the small timelines in the details -----------------------------------------------
    def _entity_selected(self, ent: Entity | None) -> None:
        if ent is None:
            self.entity_timeline.set_timeline(None)
            return
        ops.load_timeline(self.win.runner, self.win.library, "entity", ent.id,
                          lane="entity-timeline", done=self._entity_timeline_ready,
                          failed=lambda exc: self.entity_timeline.set_timeline(None))

    def _entity_timeline_ready(self, timeline) -> None:
        ent = self.win.entity_panel.current()
        if ent is not None and ent.id == timeline.subject:
            self.entity_timeline.set_timeline(timeline)

    def _policy_selected(self, pol: Policy | None) -> None:
        self.policy_timeline_box.setVisible(pol is not None)
        if pol is None:
            self.policy_timeline.set_timeline(None)
            return
        ops.load_timeline(self.win.runner, self.win.library, "policy", pol.id,
                          lane="policy-timeline", done=self.policy_timeline.set_timeline,
                          failed=lambda exc: self.policy_timeline.set_timeline(None))

    # -- the Network window --------------------------------------------------------------
    def open_network(self) -> None:
        win = self.win
        if self.network_window is None:
            window = self.network_window = NetworkWindow(win)
            window.filters_changed.connect(self._load_network)
            window.graph.node_clicked.connect(self._node_clicked)
            window.graph.edge_clicked.connect(self._edge_clicked)
            window.evidence_activated.connect(
                lambda ctx: win.open_article(ctx.doc, select=(ctx.start, ctx.end)))
            _size_to(window, win, 0.92, 0.85)
            self._load_network(window.filters())
        _bring_up(self.network_window)

    def _load_network(self, filters: dict) -> None:
        window = self.network_window
        window.show_working("Finding links and laying them out…")
        ops.load_network(self.win.runner, self.win.library, filters,
                         done=lambda result: window.set_network(*result),
                         failed=self._view_failed)

    def _node_clicked(self, entity_id: str) -> None:
        self.win.entities.select_entity(entity_id)
        self.win.statusBar().showMessage("Selected in the Entities tab.", 3000)

    def _edge_clicked(self, edge) -> None:
        window = self.network_window
        names = {n.id: n.name for n in window.network.nodes} if window.network else {}
        title = f"{names.get(edge.source, edge.source)} — {names.get(edge.target, edge.target)}"
        window.evidence_header.setText(f"Reading the sentences naming {title}…")
        ops.load_evidence(self.win.runner, self.win.library, edge,
                          done=lambda contexts: window.set_evidence(contexts, title,
                                                                    edge.weight))

    # -- computing ahead -----------------------------------------------------------------
    def _runner_busy(self, busy: bool) -> None:
        if busy:
            self._prewarm_timer.stop()
        elif self._prewarm_due:
            self._prewarm_timer.start()

    def schedule_prewarm(self) -> None:
        """Compute the default network ahead at the next idle moment (the data changed)."""
        self._prewarm_due, self.prewarmed = True, False
        if not self.win.runner.busy:
            self._prewarm_timer.start()

    def _prewarm(self) -> None:
        win = self.win
        if win.closing or win.starting or win.runner.busy or not self._prewarm_due:
            return  # (busy: the next idle moment starts the timer again)
        self._prewarm_due = False
        ops.prewarm_network(win.runner, win.library, done=self._prewarm_done,
                            failed=self._prewarm_failed)

    def _prewarm_done(self, ready: bool) -> None:
        self.prewarmed = bool(ready)

    def _prewarm_failed(self, exc: BaseException) -> None:
        # Only a head start: opening the view computes it again and reports what fails.
        log.info("the network was not computed ahead: %s", exc)
        self.prewarmed = False

    # -- reloads -------------------------------------------------------------------------
    def on_library_changed(self, changes: Changes) -> None:
        if not (changes.derived or changes.articles):
            return
        self.schedule_prewarm()
        if self.timeline_window is not None and self.timeline_window.isVisible():
            self._load_timeline(*self._timeline_subject)
        if self.network_window is not None and self.network_window.isVisible():
            self._load_network(self.network_window.filters())

    def _view_failed(self, exc: BaseException) -> None:
        self.win.statusBar().showMessage(str(exc) or exc.__class__.__name__, 8000)


def _bring_up(window: QWidget) -> None:
    if window.isVisible():
        window.raise_()  # (only then: a window being shown comes up by itself)
    window.show()
    window.activateWindow()


def _captioned(caption: str, widget: QWidget) -> QWidget:
    label = QLabel(caption)
    label.setObjectName("timelineCaption")
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(4, 2, 4, 2)
    layout.setSpacing(2)
    layout.addWidget(label)
    layout.addWidget(widget, 1)
    return box


def _size_to(window: QWidget, win, width: float, height: float) -> None:
    """A new view window sized to a share of the screen the main window is on."""
    screen = win.screen().availableGeometry() if win.screen() else None
    if screen is None:
        window.resize(900, 600)
        return
    window.resize(int(screen.width() * width), int(screen.height() * height))
    window.move(screen.left() + (screen.width() - window.width()) // 2,
                screen.top() + (screen.height() - window.height()) // 2)
    window.setWindowFlag(Qt.WindowType.Window, True)
