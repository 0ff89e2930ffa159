"""The network drawing: entities as discs (area by mentions, colour by type) and lines
weighted by shared sentences, on a QGraphicsScene; wheel to zoom, drag to pan, click a line
or a disc."""

from __future__ import annotations

import math
from collections.abc import Iterator

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
)

from reader.domain import Network, NetworkEdge, NetworkNode

TYPE_COLOURS = {"Person": "#3b6fb6", "Organisation": "#d98b2b", "Place": "#3a9a5b",
                "Law": "#8e5ab5", "Work": "#b5577a", "Date": "#8c8c8c", "Money": "#6b8e23"}
SCENE_SIZE = 1000.0  # the layout's unit square is drawn this big
BATCH = 1500  # items added per turn of the event loop (a network of 150 goes in at once)
LABELLED = 40  # the most mentioned nodes carry their name; the others show it on hover


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

    def set_network(self, network: Network, positions: dict[str, tuple[float, float]]) -> None:
        """Draw `network`; a big one is added BATCH items per turn of the event loop, so the
        window keeps answering while thousands of items go in (`drawn` when complete)."""
        self.graph_scene.clear()
        self.nodes, self.edges, self._selected = {}, [], None
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
        text = pal.color(QPalette.ColorRole.WindowText)
        for rank, node in enumerate(network.nodes):
            if node.id not in at:
                continue
            radius = 4.0 + 18.0 * math.sqrt(node.count / peak_count)
            item = NodeItem(node, at[node.id], radius)
            scene.addItem(item)
            self.nodes[node.id] = item
            if rank < LABELLED:
                label = QGraphicsSimpleTextItem(node.name, item)
                label.setBrush(text)
                label.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
                label.setPos(radius + 2, -radius)
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
                self.drawn.emit()
                return
        QTimer.singleShot(0, lambda: self._add_batch(generation, items))

    def fit(self) -> None:
        if self.nodes or self._generation:
            self.resetTransform()
            self.fitInView(self.graph_scene.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
            self._fitted = True

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

    def wheelEvent(self, event):
        factor = 1.2 if event.angleDelta().y() > 0 else 1 / 1.2
        self.scale(factor, factor)
        self._fitted = False
        event.accept()

    def mousePressEvent(self, event):
        if event.button() == Qt.MouseButton.LeftButton:
            for item in self.items(event.position().toPoint()):
                if isinstance(item, QGraphicsSimpleTextItem):
                    item = item.parentItem()
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
