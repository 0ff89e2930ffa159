"""The Timeline and Network views driven in the real window: a bar click lists its
articles, an edge click shows its sentences, a node click selects the entity, empty states,
and the layout off the GUI thread."""

from __future__ import annotations

import shutil
import threading

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer

from reader.library import Library
from reader.ui.models import ID_ROLE
from reader.ui.views.chart import dated_total, undated_total

from .conftest import write_corpus


def listed(win) -> list[str]:
    proxy = win.article_proxy
    return [proxy.index(r, 0).data(ID_ROLE) for r in range(proxy.rowCount())]


def open_timeline(qtbot, win):
    win.actions_by_name["timeline_view"].trigger()
    window = win.views.timeline_window
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.chart.timeline is not None and not win.runner.busy,
                    timeout=5000)
    return window


def open_network(qtbot, win):
    win.actions_by_name["network_view"].trigger()
    window = win.views.network_window
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.network is not None and not win.runner.busy, timeout=10_000)
    return window


# -- the timeline ----------------------------------------------------------------------------


def test_timeline_bar_click_lists_that_bars_articles(qtbot, window):
    win = window
    assert "timeline_view" in [a.objectName() for a in win.menuBar().actions()[2].menu().actions()]
    tl = open_timeline(qtbot, win)
    assert not tl.stack.is_empty
    tl.unit.setCurrentIndex(tl.unit.findData("year"))
    bars = tl.chart.bar_rects()
    assert [b.start[:4] for _, b in bars] == ["2011", "2012", "2013"]
    rect, bucket = bars[1]
    qtbot.mouseClick(tl.chart, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    leeds = next(i.id for i in win.library.articles.list() if i.title.startswith("Leeds"))
    assert listed(win) == [leeds] == list(bucket.docs)
    assert win.views.restriction.isVisible()
    assert "2012" in win.views.restriction.label.text()
    qtbot.mouseClick(win.views.restriction.clear_button, Qt.MouseButton.LeftButton)
    assert len(listed(win)) == 3 and not win.views.restriction.isVisible()


def test_timeline_zooms_with_the_wheel_and_counts_undated_apart(qtbot, make_window, data_dir,
                                                                 tmp_path):
    corpus = write_corpus(tmp_path / "mixed", {
        "a.txt": "Early news\n\n3 January 2011\n\nThe council met.\n",
        "b.txt": "Later news\n\n20 December 2013\n\nThe council met again.\n",
        "c.txt": "No date here\n\nThe council met once more.\n"})
    win = make_window(data_dir, corpus=corpus)
    tl = open_timeline(qtbot, win)
    assert undated_total(tl.chart.timeline) == 1
    assert "1 undated" in tl.status.text()
    before = tl.chart.unit
    assert before == "month"
    for _ in range(12):
        tl.chart.zoom(0.5, 0.0)  # what the wheel does, around the left edge
    assert tl.chart.unit in ("day", "week") and tl.chart.bar_rects()
    tl.reset.click()
    assert tl.chart.unit == before
    centre = tl.chart.undated_rect.center().toPoint()
    qtbot.mouseClick(tl.chart, Qt.MouseButton.LeftButton, pos=centre)
    undated = next(i.id for i in win.library.articles.list() if not i.date)
    assert listed(win) == [undated]


def test_timeline_empty_state_without_dated_articles(qtbot, make_window, data_dir, tmp_path):
    corpus = write_corpus(tmp_path / "undated", {"a.txt": "Undated\n\nNo date at all.\n"})
    win = make_window(data_dir, corpus=corpus)
    tl = open_timeline(qtbot, win)
    assert tl.stack.is_empty
    assert "No dated articles yet" in tl.stack.label.text()
    assert "1 article has no date" in tl.stack.label.text()


# -- the network -----------------------------------------------------------------------------


def test_network_empty_state_without_entities(qtbot, make_window, data_dir, tmp_path):
    win = make_window(data_dir, library_cls=Library, corpus=write_corpus(tmp_path / "empty", {}))
    net = open_network(qtbot, win)
    assert net.graph_stack.is_empty
    assert "No entities yet" in net.graph_stack.label.text()


def test_network_layout_runs_off_the_gui_thread(qtbot, window, monkeypatch):
    """The layout waits for the GUI thread to tick a timer: on the GUI thread it would wait
    for ever (and the test time out); off it, the window keeps handling events."""
    win = window
    gui = threading.current_thread()
    ran_on, ticked = [], threading.Event()
    real_layout = win.library.network.layout

    def layout(network, **kwargs):
        ran_on.append(threading.current_thread())
        assert ticked.wait(5), "the GUI thread did not run while the layout ran"
        return real_layout(network, **kwargs)

    monkeypatch.setattr(win.library.network, "layout", layout)
    QTimer.singleShot(50, ticked.set)
    net = open_network(qtbot, win)
    assert ran_on and all(t is not gui for t in ran_on)
    assert net.network is not None


def test_network_is_computed_ahead_when_the_window_is_idle(qtbot, window, monkeypatch):
    """Once the window is idle the default network and its layout are computed in the
    background, so the first opening only draws (no layout runs then)."""
    win = window
    qtbot.waitUntil(lambda: win.views.prewarmed, timeout=5000)
    laid_out = []

    def no_layout(*args, **kwargs):
        laid_out.append(args)
        raise AssertionError("the layout ran again")

    monkeypatch.setattr("reader.graphlayout.force_layout", no_layout)
    net = open_network(qtbot, win)
    assert net.network is not None and not laid_out  # (even an empty one is laid out)
    assert set(net.graph.nodes) == {n.id for n in net.network.nodes}


# -- with real extraction (spaCy) ------------------------------------------------------------


def crowded_network():
    """60 entities, 40 of them crowded into one spot: their names cannot all fit."""
    from reader.domain import Network, NetworkEdge, NetworkNode

    nodes = tuple(NetworkNode(f"e{n}", f"N{n}", "Person", 500 - n, 10)
                  for n in range(60))
    edges = tuple(NetworkEdge(f"e{n}", f"e{n + 1}", 2) for n in range(59))
    positions = {f"e{n}": (0.5 + 0.004 * (n % 7), 0.5 + 0.004 * (n // 7)) for n in range(40)}
    positions.update({f"e{n}": (0.05 + 0.045 * (n - 40), 0.1 if n % 2 else 0.9)
                      for n in range(40, 60)})
    return Network(nodes, edges, 60, ("Person",)), positions


def move_pointer(widget, pos: QPoint) -> None:
    """A mouse move with no button down, as the pointer makes it (qtbot.mouseMove makes no
    hover events on the offscreen platform)."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    local = QPointF(pos)
    event = QMouseEvent(QMouseEvent.Type.MouseMove, local, QPointF(widget.mapToGlobal(pos)),
                        Qt.MouseButton.NoButton, Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def label_rects(graph):
    return [item.label.deviceTransform(graph.viewportTransform()).mapRect(
        item.label.boundingRect()) for item in graph.labelled()]


def test_network_names_never_overlap_and_show_on_hover(qtbot, window):
    net = open_network(qtbot, window)
    net.resize(900, 700)
    graph = net.graph
    network, positions = crowded_network()
    with qtbot.waitSignal(graph.drawn, timeout=5000):
        net.set_network(network, positions)
    labelled = graph.labelled()
    rects = label_rects(graph)
    assert graph.nodes["e0"] in labelled  # the most mentioned is named
    assert all(graph.nodes[f"e{n}"] in labelled for n in range(40, 60))  # room out there
    assert len(labelled) < 60  # the crowd is not
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:])
    # The pointer on a disc without a name shows it, and leaving hides it again.
    hidden = next(item for item in graph.nodes.values() if item not in labelled
                  and graph.itemAt(graph.mapFromScene(item.pos())) is item)
    spot = graph.mapFromScene(hidden.pos())
    move_pointer(graph.viewport(), spot)
    assert hidden in graph.labelled()
    move_pointer(graph.viewport(), QPoint(2, 2))
    assert hidden not in graph.labelled()
    # Zoomed in on the crowd, more of it is named, still without overlaps.
    before = sum(1 for item in labelled if item.node.id in {f"e{n}" for n in range(40)})
    for _ in range(8):
        graph.scale(1.5, 1.5)
    graph.centerOn(graph.nodes["e20"])  # (scale() anchors on wherever the pointer is)
    graph.place_labels()
    crowd = [item for item in graph.labelled() if int(item.node.id[1:]) < 40]
    assert len(crowd) > before
    rects = label_rects(graph)
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:])


@pytest.fixture
def nlp_window(make_window, data_dir, nlp_template):
    shutil.copytree(nlp_template, data_dir, dirs_exist_ok=True)
    return make_window(data_dir, library_cls=Library, nlp=True)


@pytest.fixture(scope="session")
def nlp_template(tmp_path_factory, ui_corpus):
    folder = tmp_path_factory.mktemp("ui-views-nlp")
    lib = Library.open(folder, ui_corpus)
    lib.indexing.update()
    lib.close()
    return folder


@pytest.mark.spacy
def test_network_edge_click_shows_the_evidence_sentences(qtbot, nlp_window):
    win = nlp_window
    net = open_network(qtbot, win)
    net.min_weight.setValue(1)
    qtbot.waitUntil(lambda: bool(net.graph.edges) and not win.runner.busy
                    and not net.timer.isActive(),
                    timeout=10_000)
    names = {n.id: n.name for n in net.network.nodes}
    item = max(net.graph.edges, key=lambda e: e.edge.weight)
    line = item.line()
    mid = net.graph.mapFromScene((line.p1() + line.p2()) / 2)
    qtbot.mouseClick(net.graph.viewport(), Qt.MouseButton.LeftButton, pos=mid)
    qtbot.waitUntil(lambda: net.evidence_model.rowCount() > 0, timeout=5000)
    contexts = net.evidence_model.contexts()
    assert len(contexts) == min(item.edge.weight, len(item.edge.evidence))
    for ctx in contexts:
        body = win.library.articles.get(ctx.doc).body
        assert ctx.sentence == body[ctx.sentence_start:ctx.sentence_start + len(ctx.sentence)]
    first = win.library.entities.get(item.edge.source)
    second = win.library.entities.get(item.edge.target)
    for ctx in contexts:  # each sentence names both (by one of their mentions)
        for ent in (first, second):
            assert any(m.doc == ctx.doc and ctx.sentence_start <= m.start
                       < ctx.sentence_start + len(ctx.sentence) for m in ent.mentions)
    assert names[item.edge.source] in net.evidence_header.text()
    last = contexts[-1]
    net.evidence.setCurrentIndex(net.evidence_model.index(len(contexts) - 1, 0))
    with qtbot.waitSignal(win.article_opened, timeout=5000):
        qtbot.keyClick(net.evidence, Qt.Key.Key_Return)
    assert win.current_doc == last.doc
    span = win.article_view.selected_body_range()
    assert span == (last.start, last.end)


@pytest.mark.spacy
def test_network_node_click_selects_the_entity(qtbot, nlp_window):
    win = nlp_window
    net = open_network(qtbot, win)
    node_id, item = next(iter(net.graph.nodes.items()))
    pos = net.graph.mapFromScene(item.scenePos())
    qtbot.mouseClick(net.graph.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: win.entity_panel.current_id() == node_id, timeout=5000)
    assert win.sidebar.currentIndex() == 0


@pytest.mark.spacy
def test_entity_details_show_its_timeline_and_a_bar_lists_its_articles(qtbot, nlp_window):
    from .test_sidebar import select_entity

    win = nlp_window
    select_entity(qtbot, win, "Ofsted")
    chart = win.views.entity_timeline
    qtbot.waitUntil(lambda: chart.timeline is not None and bool(chart.bar_rects()),
                    timeout=5000)
    assert chart.isVisible() and win.entity_panel.timeline_caption.isVisible()
    ofsted = win.entity_panel.current()
    assert chart.timeline.subject == ofsted.id
    assert dated_total(chart.timeline) == ofsted.count
    rect, bucket = next((r, b) for r, b in chart.bar_rects() if b.docs)
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=QPoint(int(rect.center().x()),
                                                                   int(rect.bottom() - 2)))
    assert listed(win) == list(bucket.docs)
    assert "Ofsted" in win.views.restriction.label.text()


def test_entity_chart_says_nothing_is_dated_instead_of_an_empty_axis(qtbot):
    from reader.domain import Timeline, TimelineBucket
    from reader.ui.views.chart import NOTHING_DATED, TimelineChart

    chart = TimelineChart(compact=True)
    qtbot.addWidget(chart)
    chart.resize(300, 110)
    chart.set_timeline(Timeline("entity", "person:x", "X", ("mentions",),
                                undated={"mentions": 75}, undated_docs=("a", "b")))
    assert chart.note == NOTHING_DATED
    assert chart.bar_rects() == [] and not chart.undated_rect.isEmpty()
    chart.grab()  # paints the note without an axis
    dated = TimelineBucket("2005-03-01", "2005-03-01", {"mentions": 2}, ("a",))
    chart.set_timeline(Timeline("entity", "person:x", "X", ("mentions",), days=(dated,)))
    assert chart.note == ""
