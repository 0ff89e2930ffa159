"""The network drawing: entities as discs (area by mentions, colour by type) and lines
weighted by shared sentences, on a QGraphicsScene; wheel to zoom, drag to pan, click a line
or a disc. Names are placed so that none overlaps another: the most mentioned first, each
beside its disc where there is room (right, left, above, below), the others left out until
a zoom makes room or the pointer rests on the disc."""

from __future__ import annotations

import math
from collections.abc import Iterator

from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPalette,
    QPen,
    QTransform,
)
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsScene,
    QGraphicsView,
)

from reader.domain import Network, NetworkEdge, NetworkNode

TYPE_COLOURS = {"Person": "#3b6fb6", "Organisation": "#d98b2b", "Place": "#3a9a5b",
                "Law": "#8e5ab5", "Work": "#b5577a", "Date": "#8c8c8c", "Money": "#6b8e23"}
SCENE_SIZE = 1000.0  # the layout's unit square is drawn this big
BATCH = 1500  # items added per turn of the event loop (a network of 150 goes in at once)
LABEL_CANDIDATES = 150  # the most mentioned discs in view that may carry their name
LABEL_GAP = 3.0  # pixels between a disc and its name


def type_colour(entity_type: str) -> QColor:
    return QColor(TYPE_COLOURS.get(entity_type, "#707070"))


class EdgeItem(QGraphicsLineItem):
    """A link between two entities; its shape is widened so a thin line is easy to click."""

    def __init__(self, edge: NetworkEdge, a: QPointF, b: QPointF, width: float, colour):
        super().__init__(a.x(), a.y(), b.x(), b.y())
        self.edge = edge
        pen = QPen(colour, width)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        pen.setCosmetic(True)  # pixels, whatever the zoom: thin lines stay cheap to draw
        self.setPen(pen)
        self.setZValue(0)
        self.setAcceptHoverEvents(True)
        # The scene asks for the bounds on every paint: a plain rectangle, computed once;
        # the clickable outline only when a click needs it.
        pad = max(4.0, width / 2 + 2)
        self._bounds = QRectF(a, b).normalized().adjusted(-pad, -pad, pad, pad)
        self._shape: QPainterPath | None = None
        self.setToolTip(f"{edge.weight} shared sentence{'s' if edge.weight != 1 else ''}: "
                        "click to read them")

    def shape(self):
        if self._shape is None:
            path = QPainterPath(self.line().p1())
            path.lineTo(self.line().p2())
            stroker = QPainterPathStroker()
            stroker.setWidth(max(7.0, self.pen().widthF() + 4))
            self._shape = stroker.createStroke(path)
        return self._shape

    def boundingRect(self):
        return self._bounds

    def set_emphasis(self, on: bool, base: QColor, strong: QColor) -> None:
        pen = self.pen()
        pen.setColor(strong if on else base)
        self.setPen(pen)
        self.setZValue(1 if on else 0)


class NodeItem(QGraphicsEllipseItem):
    def __init__(self, node: NetworkNode, centre: QPointF, radius: float):
        super().__init__(-radius, -radius, 2 * radius, 2 * radius)
        self.node = node
        self.setPos(centre)
        self.setBrush(QBrush(type_colour(node.type)))
        self.setPen(QPen(QColor("#ffffff"), 1.2))
        self.setZValue(2)
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(f"{node.name} ({node.type}) · {node.count} mentions in {node.docs} "
                        "articles: click to show it in the Entities tab")
        self.radius = radius
        self.label: NodeLabel | None = None  # made when first placed or hovered
        self.placed = False  # the label has room at this zoom (else it shows on hover)

    def ensure_label(self, colours: tuple[QColor, QColor]) -> NodeLabel:
        if self.label is None:
            self.label = NodeLabel(self, *colours)
            if self.scene() is not None:
                self.scene().addItem(self.label)
        return self.label

    def hoverEnterEvent(self, event):
        view = next(iter(self.scene().views()), None) if self.scene() else None
        if isinstance(view, NetworkGraph):
            view.show_label(self, True)
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event):
        view = next(iter(self.scene().views()), None) if self.scene() else None
        if isinstance(view, NetworkGraph):
            view.show_label(self, False)
        super().hoverLeaveEvent(event)


class NodeLabel(QGraphicsItem):
    """A disc's name, the same size at any zoom, on a backing of the base colour so lines
    behind it do not cross the letters; above every disc and line. It sits at its disc's
    centre and is drawn at an offset in pixels (`place`)."""

    PAD = 2.0

    def __init__(self, node: NodeItem, text: QColor, back: QColor):
        super().__init__()
        self.node = node
        self.text = node.node.name
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setZValue(3)
        self.setPos(node.pos())
        self.setAcceptedMouseButtons(Qt.MouseButton.LeftButton)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._pen = QPen(text)
        self._back = QColor(back)
        self._back.setAlpha(215)
        self._font = None
        self._size = QSizeF()
        self._offset = QPointF()
        self.hide()

    def text_size(self, view: QGraphicsView) -> QSizeF:
        """The backing's size in pixels, in `view`'s font."""
        if self._font is None:
            self._font = view.font()
            metrics = view.fontMetrics()
            self._size = QSizeF(metrics.horizontalAdvance(self.text) + 2 * self.PAD,
                                metrics.height() + 2 * self.PAD)
        return self._size

    def place(self, offset: QPointF) -> None:
        """Draw the name `offset` pixels from the disc's centre (its top left corner)."""
        if offset != self._offset:
            self.prepareGeometryChange()
            self._offset = QPointF(offset)

    def boundingRect(self):
        return QRectF(self._offset, self._size)

    def paint(self, painter, option, widget=None):
        rect = self.boundingRect()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._back)
        painter.drawRoundedRect(rect, 3, 3)
        painter.setPen(self._pen)
        if self._font is not None:
            painter.setFont(self._font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.text)


class NetworkGraph(QGraphicsView):
    """Draws a Network at given positions; reports clicks on nodes and edges."""

    # A disc was clicked: (entity id).
    node_clicked = Signal(str)
    # A line was clicked: (NetworkEdge).
    edge_clicked = Signal(object)
    # Every item of the network set last is in the scene.
    drawn = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("networkGraph")
        self.graph_scene = QGraphicsScene(self)
        self.setScene(self.graph_scene)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate)
        self.nodes: dict[str, NodeItem] = {}
        self.edges: list[EdgeItem] = []
        self._selected: EdgeItem | None = None
        self._fitted = False
        self._generation = 0  # of set_network: a newer one stops an older one's batches
        self._ranked: list[NodeItem] = []  # the discs, most mentioned first
        # Names are placed again once a zoom, a resize or a scroll has settled.
        self._label_timer = QTimer(self)
        self._label_timer.setSingleShot(True)
        self._label_timer.setInterval(60)
        self._label_timer.timeout.connect(self.place_labels)
        for bar in (self.horizontalScrollBar(), self.verticalScrollBar()):
            bar.valueChanged.connect(lambda *_: self._label_timer.start())

    def set_network(self, network: Network, positions: dict[str, tuple[float, float]]) -> None:
        """Draw `network`; a big one is added BATCH items per turn of the event loop, so the
        window keeps answering while thousands of items go in (`drawn` when complete)."""
        self.graph_scene.clear()
        self.nodes, self.edges, self._selected, self._ranked = {}, [], None, []
        self._generation += 1
        if not network.nodes:
            self.drawn.emit()
            return
        margin = 60.0
        self.graph_scene.setSceneRect(-margin, -margin, SCENE_SIZE + 2 * margin,
                                      SCENE_SIZE + 2 * margin)
        self._fitted = False
        self.fit()
        self._add_batch(self._generation, self._items(network, positions))

    def _items(self, network: Network, positions) -> Iterator[None]:
        """Adds the discs (the most mentioned first), then the lines; yields after each."""
        scene, pal = self.graph_scene, self.palette()
        peak_count = max(n.count for n in network.nodes)
        peak_weight = max([e.weight for e in network.edges] + [1])
        at = {nid: QPointF(x * SCENE_SIZE, y * SCENE_SIZE) for nid, (x, y) in positions.items()}
        for node in network.nodes:
            if node.id not in at:
                continue
            radius = 4.0 + 18.0 * math.sqrt(node.count / peak_count)
            item = NodeItem(node, at[node.id], radius)
            scene.addItem(item)
            self.nodes[node.id] = item
            self._ranked.append(item)
            yield
        base = _edge_colour(pal)
        for edge in network.edges:
            if edge.source not in at or edge.target not in at:
                continue
            width = 1.0 + 4.0 * math.sqrt(edge.weight / peak_weight)
            item = EdgeItem(edge, at[edge.source], at[edge.target], width, base)
            scene.addItem(item)
            self.edges.append(item)
            yield

    def _add_batch(self, generation: int, items: Iterator[None]) -> None:
        if generation != self._generation:
            return  # a newer network replaced this one
        for _ in range(BATCH):
            if next(items, StopIteration) is StopIteration:
                self.place_labels()
                self.drawn.emit()
                return
        QTimer.singleShot(0, lambda: self._add_batch(generation, items))

    def fit(self) -> None:
        if self.nodes or self._generation:
            self.resetTransform()
            self.fitInView(self.graph_scene.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
            self._fitted = True
            self._label_timer.start()

    # -- names ---------------------------------------------------------------------------
    def _label_colours(self) -> tuple[QColor, QColor]:
        pal = self.palette()
        return pal.color(QPalette.ColorRole.WindowText), pal.color(QPalette.ColorRole.Base)

    def place_labels(self) -> None:
        """Name the most mentioned discs in view, each where its name overlaps no other name
        and no more mentioned disc (right of the disc, else left, above, below); a disc
        without room shows its name while the pointer rests on it."""
        self._label_timer.stop()
        transform: QTransform = self.viewportTransform()
        scale = transform.m11()
        area = QRectF(self.viewport().rect())
        candidates: list[tuple[NodeItem, QPointF, float]] = []
        for item in self._ranked:
            centre = transform.map(item.pos())
            radius = item.radius * scale
            if area.adjusted(-radius, -radius, radius, radius).contains(centre):
                candidates.append((item, centre, radius))
                if len(candidates) == LABEL_CANDIDATES:
                    break
        chosen = {id(item) for item, _, _ in candidates}
        for item in self._ranked:  # those out of view or past the candidates: no name
            if item.placed and id(item) not in chosen:
                item.placed = False
                if item.label is not None and not item.isUnderMouse():
                    item.label.hide()
        discs = [QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r) for _, c, r in candidates]
        taken: list[QRectF] = []
        colours = self._label_colours()
        for n, (item, centre, radius) in enumerate(candidates):
            label = item.ensure_label(colours)
            size = label.text_size(self)
            w, h = size.width(), size.height()
            gap = radius + LABEL_GAP
            spot = None
            for offset in (QPointF(gap, -h / 2), QPointF(-gap - w, -h / 2),
                           QPointF(-w / 2, -gap - h), QPointF(-w / 2, gap)):
                rect = QRectF(centre + offset, size)
                if not area.contains(rect):
                    continue
                # Not over another name, nor over a more mentioned disc (a less mentioned
                # one may go under a name: the core of a network is crowded).
                if any(rect.intersects(other) for other in taken) or any(
                        rect.intersects(disc) for disc in discs[:n]):
                    continue
                spot = (offset, rect)
                break
            item.placed = spot is not None
            if spot is not None:
                label.place(spot[0])
                taken.append(spot[1])
                label.show()
            elif not item.isUnderMouse():
                label.hide()

    def show_label(self, item: NodeItem, hovered: bool) -> None:
        """The pointer came onto (or left) a disc: its name shows while it rests there."""
        label = item.ensure_label(self._label_colours())
        if hovered:
            if not item.placed:  # right of the disc, over whatever is there
                size = label.text_size(self)
                scale = self.viewportTransform().m11()
                label.place(QPointF(item.radius * scale + LABEL_GAP, -size.height() / 2))
            label.setZValue(4)
            label.show()
        else:
            label.setZValue(3)
            label.setVisible(item.placed)

    def labelled(self) -> list[NodeItem]:
        """The discs whose name is shown (placed, or hovered)."""
        return [item for item in self._ranked
                if item.label is not None and item.label.isVisible()]

    def select_edge(self, item: EdgeItem | None) -> None:
        pal = self.palette()
        base = _edge_colour(pal)
        strong = pal.color(QPalette.ColorRole.Highlight)
        if self._selected is not None:
            self._selected.set_emphasis(False, base, strong)
        self._selected = item
        if item is not None:
            item.set_emphasis(True, base, strong)

    def edge_item(self, source: str, target: str) -> EdgeItem | None:
        for item in self.edges:
            if {item.edge.source, item.edge.target} == {source, target}:
                return item
        return None

    def resizeEvent(self, event):
        super().resizeEvent(event)
        if self._fitted:
            self.fit()
        self._label_timer.start()

    def wheelEvent(self, event):
        factor = 1.2 if event.angleDelta().y() > 0 else 1 / 1.2
        self.scale(factor, factor)
        self._fitted = False
        self._label_timer.start()
        event.accept()

    def mousePressEvent(self, event):
        if event.button() == Qt.MouseButton.LeftButton:
            for item in self.items(event.position().toPoint()):
                if isinstance(item, NodeLabel):
                    item = item.node
                if isinstance(item, NodeItem):
                    self.node_clicked.emit(item.node.id)
                    event.accept()
                    return
                if isinstance(item, EdgeItem):
                    self.select_edge(item)
                    self.edge_clicked.emit(item.edge)
                    event.accept()
                    return
        super().mousePressEvent(event)


def _edge_colour(pal: QPalette) -> QColor:
    """Lines: the placeholder colour blended into the background, opaque (translucent
    lines cost far more to draw)."""
    text, back = pal.color(QPalette.ColorRole.PlaceholderText), pal.color(QPalette.ColorRole.Base)
    mix = 0.35
    return QColor(int(text.red() * mix + back.red() * (1 - mix)),
                  int(text.green() * mix + back.green() * (1 - mix)),
                  int(text.blue() * mix + back.blue() * (1 - mix)))
