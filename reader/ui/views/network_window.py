"""The Network window: who is named with whom. Filters (top N, entity types, least shared
sentences, date range) above the drawing; a clicked link's sentences beside it."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from reader.domain import MentionContext, Network
from reader.ui.models import OBJECT_ROLE, MentionModel
from reader.ui.panels.common import plural
from reader.ui.views.graph import NetworkGraph, type_colour
from reader.ui.widgets import EmptyStack, HtmlDelegate

DEFAULT_TOP = 150
NO_ENTITIES = ("No entities yet.\n\nThe network links the people, organisations and places "
               "named in the same sentences. They are found when the articles are read, which "
               "happens by itself after start-up and after an import.")
NO_MATCH = "No entity matches these filters.\n\nWiden the date range or tick more types."
PICK_EDGE = "Click a line to read the sentences that name both entities."


class NetworkWindow(QWidget):
    """A top-level window; the views controller runs the queries and the layout."""

    # The filters changed (debounced): (dict with top, types, min_weight, date_from,
    # date_to).
    filters_changed = Signal(dict)
    # An evidence sentence was activated: (MentionContext).
    evidence_activated = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("networkWindow")
        self.setWindowTitle("Network — reader")
        self.network: Network | None = None
        self._sized = False
        self.top = QSpinBox()
        self.top.setObjectName("networkTop")
        self.top.setRange(5, 5000)
        self.top.setValue(DEFAULT_TOP)
        self.top.setSingleStep(50)
        self.min_weight = QSpinBox()
        self.min_weight.setObjectName("networkMinWeight")
        self.min_weight.setRange(1, 500)
        self.min_weight.setValue(2)
        self.date_from = QLineEdit()
        self.date_from.setObjectName("networkFrom")
        self.date_from.setPlaceholderText("from yyyy-mm")
        self.date_to = QLineEdit()
        self.date_to.setObjectName("networkTo")
        self.date_to.setPlaceholderText("to yyyy-mm")
        for edit in (self.date_from, self.date_to):
            edit.setFixedWidth(edit.fontMetrics().horizontalAdvance("from yyyy-mm-dd") + 16)
        self.fit_button = QPushButton("Fit")
        self.types_box = QHBoxLayout()
        self.types_box.setSpacing(14)
        self.type_checks: dict[str, QCheckBox] = {}
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(300)
        self.timer.timeout.connect(lambda: self.filters_changed.emit(self.filters()))
        for signal in (self.top.valueChanged, self.min_weight.valueChanged,
                       self.date_from.textChanged, self.date_to.textChanged):
            signal.connect(lambda *_: self.timer.start())

        self.graph = NetworkGraph()
        self.fit_button.clicked.connect(self.graph.fit)
        self.graph_stack = EmptyStack(self.graph, "")
        self.evidence_header = QLabel(PICK_EDGE)
        self.evidence_header.setObjectName("evidenceHeader")
        self.evidence_header.setWordWrap(True)
        self.evidence_model = MentionModel(self)
        self.evidence = QTreeView()
        self.evidence.setObjectName("evidenceView")
        self.evidence.setModel(self.evidence_model)
        self.evidence.setRootIsDecorated(False)
        self.evidence.setWordWrap(True)
        self.evidence.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        self.evidence.setItemDelegate(HtmlDelegate(self.evidence))
        self.evidence.setColumnHidden(MentionModel.DATE, True)
        self.evidence.header().resizeSection(MentionModel.ARTICLE, 130)
        self.evidence.header().sectionResized.connect(
            lambda *_: self.evidence.doItemsLayout())
        self.evidence.activated.connect(self._evidence_activated)
        self.evidence.doubleClicked.connect(self._evidence_activated)
        side = self.side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.evidence_header)
        side_layout.addWidget(self.evidence, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("networkSplitter")
        self.splitter.addWidget(self.graph_stack)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.status = QLabel()
        self.status.setObjectName("networkStatus")
        self.status.setWordWrap(True)

        row1 = QHBoxLayout()
        for label, widget in (("Top", self.top), ("least shared sentences", self.min_weight)):
            row1.addWidget(QLabel(label))
            row1.addWidget(widget)
        row1.addSpacing(8)
        row1.addWidget(self.date_from)
        row1.addWidget(self.date_to)
        row1.addWidget(self.fit_button)
        row1.addStretch(1)
        row2 = QHBoxLayout()
        row2.addWidget(QLabel("Types"))
        row2.addLayout(self.types_box)
        row2.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.status)

    def showEvent(self, event):
        super().showEvent(event)
        if not self._sized:  # the drawing gets the room; the sentences a third
            self._sized = True
            width = max(300, self.splitter.width())
            self.splitter.setSizes([width * 2 // 3, width - width * 2 // 3])

    # -- filters -------------------------------------------------------------------------
    def filters(self) -> dict:
        checked = [t for t, box in self.type_checks.items() if box.isChecked()]
        return {"top": self.top.value(), "min_weight": self.min_weight.value(),
                "types": checked if self.type_checks else None,
                "date_from": self.date_from.text().strip(),
                "date_to": self.date_to.text().strip()}

    def _set_types(self, types: tuple[str, ...], shown: set[str]) -> None:
        """One check box per entity type (built once; kept as the user set them)."""
        if self.type_checks or not types:
            return
        for entity_type in types:
            box = QCheckBox(entity_type)
            box.setObjectName(f"networkType{entity_type}")
            box.setChecked(entity_type in shown)
            colour = type_colour(entity_type).name()
            box.setProperty("typeColour", colour)
            box.setToolTip(f"Show {entity_type} entities (drawn in {colour})")
            box.toggled.connect(lambda *_: self.timer.start())
            self.type_checks[entity_type] = box
            pair = QHBoxLayout()  # the colour next to its own name, a gap before the next
            pair.setSpacing(2)
            pair.addWidget(_swatch(colour))
            pair.addWidget(box)
            self.types_box.addLayout(pair)

    # -- results -------------------------------------------------------------------------
    def show_working(self, what: str) -> None:
        self.status.setText(what)

    def set_network(self, network: Network, positions: dict[str, tuple[float, float]]) -> None:
        self.network = network
        self._set_types(network.types, {n.type for n in network.nodes})
        self.graph.set_network(network, positions)
        self.side.setVisible(bool(network.nodes))
        if not network.types:
            self.graph_stack.set_empty(NO_ENTITIES)
        elif not network.nodes:
            self.graph_stack.set_empty(NO_MATCH)
        else:
            self.graph_stack.set_empty(None)
        self.status.setText(
            f"{len(network.nodes)} of {network.total} entities (the most mentioned) · "
            f"{plural(len(network.edges), 'link')} of at least "
            f"{plural(self.min_weight.value(), 'shared sentence')} · wheel to zoom, drag to "
            "move, click a name to select it"
            if network.nodes else "")
        self.set_evidence(None, "")

    def set_evidence(self, contexts: list[MentionContext] | None, title: str,
                     total: int = 0) -> None:
        self.evidence_model.set_contexts(contexts or [])
        if contexts is None:
            self.evidence_header.setText(PICK_EDGE)
            return
        more = f" (the first {len(contexts)})" if total > len(contexts) else ""
        self.evidence_header.setText(f"<b>{title}</b>: {total} shared sentence"
                                     f"{'s' if total != 1 else ''}{more}. Double-click one "
                                     "to open the article.")

    def _evidence_activated(self, index) -> None:
        ctx = index.data(OBJECT_ROLE) if index.isValid() else None
        if ctx is not None:
            self.evidence_activated.emit(ctx)


def _swatch(colour: str) -> QLabel:
    label = QLabel("●")
    label.setObjectName("typeSwatch")
    label.setProperty("typeColour", colour)
    pal = label.palette()  # one colour per type: data, not style
    pal.setColor(QPalette.ColorRole.WindowText, QColor(colour))
    label.setPalette(pal)
    return label
