"""The window on a large library: a subject's 5,000 mentions are listed at once, in batches,
their sentences read (on the task runner) only for the rows shown; start-up asks the library
only for the article list on the GUI thread."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication

from reader.domain import Mention, MentionContext
from reader.paths import Paths
from reader.ui.models import HTML_ROLE, MentionModel
from reader.ui.panels import MentionPanel

from .conftest import settle_window
from .fakes import ContractLibrary, FakeEntities

MANY = 5000


def many_contexts(n: int = MANY) -> list[MentionContext]:
    """Contexts with their sentences filled, as the mentions operation delivers them."""
    return [MentionContext(f"doc-{i // 10}", f"Article {i // 10}", f"2014-01-{1 + i % 28:02d}",
                           1000 + i, 1006 + i, "Ofsted",
                           f"Sentence {1000 + i} names Ofsted here.",
                           1000 + i - len(f"Sentence {1000 + i} names "))
            for i in range(n)]


def test_mention_model_fetches_in_batches(qtmodeltester):
    model = MentionModel()
    model.set_contexts(many_contexts())
    assert model.total == MANY
    assert model.rowCount() == MentionModel.BATCH
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 2 * MentionModel.BATCH
    model.fetch_to(1234)
    assert model.rowCount() == 1235
    assert model.context(4999).start == 1000 + 4999  # every context, fetched or not
    assert model.index(1300, 0).isValid() is False
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == MANY
    assert "<b>Ofsted</b>" in model.index(MANY - 1, MentionModel.SENTENCE).data(HTML_ROLE)
    small = MentionModel()
    small.set_contexts(many_contexts(MentionModel.BATCH * 2 + 50))
    qtmodeltester.check(small)  # fetches the rest (in batches) as the tester walks it
    assert small.rowCount() == MentionModel.BATCH * 2 + 50


def test_thousands_of_mentions_show_at_once_in_batches(qtbot):
    panel = MentionPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 300)
    panel.show()
    qtbot.waitExposed(panel)
    started = time.perf_counter()
    panel.set_contexts(many_contexts(), "Ofsted")
    QApplication.processEvents()
    elapsed = time.perf_counter() - started
    assert panel.header.text().startswith(f"{MANY} mentions of Ofsted in 500 articles")
    assert panel.model.rowCount() < MANY  # the view shows the first batch only
    assert elapsed < 1.0  # ~50 ms; the bound leaves room for a loaded test machine
    # Scrolling to the end fetches the next batch.
    before = panel.model.rowCount()
    panel.view.verticalScrollBar().setValue(panel.view.verticalScrollBar().maximum())
    qtbot.waitUntil(lambda: panel.model.rowCount() > before, timeout=2000)


def test_step_walks_all_mentions_and_wraps(qtbot):
    panel = MentionPanel()
    qtbot.addWidget(panel)
    panel.set_contexts(many_contexts(), "Ofsted")
    for _ in range(MentionModel.BATCH + 5):
        ctx = panel.step(+1)
    assert panel.current_row() == MentionModel.BATCH + 4
    assert ctx.start == 1000 + MentionModel.BATCH + 4
    panel.set_current_row(0)
    assert panel.step(-1).start == 1000 + MANY - 1  # Shift+F3 from the first wraps to the last
    assert panel.current_row() == MANY - 1


class ManyOfsted(FakeEntities):
    """Ofsted mentioned 5,000 times (the same places over and over); records how many
    sentences are read, and whether on the GUI thread."""

    def build(self):
        ents = super().build()
        ofsted = ents["ofsted"]
        if len(ofsted.mentions) < MANY:
            base = ofsted.mentions
            ents["ofsted"] = type(ofsted)(
                ofsted.id, ofsted.name, ofsted.type, ofsted.aliases,
                tuple(Mention(m.doc, m.start, m.end, m.text)
                      for m in (base * (MANY // len(base) + 1))[:MANY]))
        return ents

    def fill_sentences(self, contexts):
        contexts = list(contexts)
        self.filled = getattr(self, "filled", [])
        self.filled.append((len(contexts), threading.current_thread() is threading.main_thread()))
        return super().fill_sentences(contexts)


class ManyMentions(ContractLibrary):
    def __init__(self, paths):
        super().__init__(paths)
        self.entities = ManyOfsted(self)


def test_f3_in_the_window_goes_past_the_first_batch(qtbot, make_window, built_data_dir):
    from .test_sidebar import select_entity

    win = make_window(built_data_dir, library_cls=ManyMentions)
    started = time.perf_counter()
    select_entity(qtbot, win, "Ofsted")  # the contexts, and the first rows' sentences
    print(f"5,000 mentions listed in {time.perf_counter() - started:.3f} s")
    panel = win.mention_panel
    assert panel.header.text().startswith(f"{MANY} mentions of Ofsted")
    assert panel.model.rowCount() < MANY
    last = panel.model.rowCount() - 1  # the last row fetched so far
    panel.set_current_row(last)
    with qtbot.waitSignal(win.article_opened, timeout=5000):
        qtbot.keyClick(win, Qt.Key.Key_F3)
    assert panel.current_row() == last + 1
    assert panel.model.rowCount() > last + 1
    target = panel.model.context(last + 1)
    assert win.article_view.textCursor().selectedText() == target.text
    panel.set_current_row(0)
    with qtbot.waitSignal(win.article_opened, timeout=5000):
        qtbot.keyClick(win, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert panel.current_row() == MANY - 1


def test_only_the_mentions_shown_have_their_sentences_read(qtbot, make_window,
                                                          built_data_dir):
    from .test_sidebar import select_entity

    win = make_window(built_data_dir, library_cls=ManyMentions)
    win.resize(1000, 700)
    select_entity(qtbot, win, "Ofsted")
    panel, model = win.mention_panel, win.mention_panel.model
    assert model.is_filled(0)  # the first rows come with the list
    assert "<b>Ofsted</b>" in model.index(0, MentionModel.SENTENCE).data(HTML_ROLE)
    assert not model.is_filled(MentionModel.BATCH - 1)  # fetched, not shown: not read
    read = win.library.entities.filled
    assert sum(n for n, _ in read) < 200 and not any(gui for _, gui in read)
    # Scrolled to mention 3,000: its sentence (and its neighbours') is read, off the GUI
    # thread, and the row shows it instead of the placeholder.
    panel.set_current_row(3000)
    qtbot.waitUntil(lambda: model.is_filled(3000), timeout=5000)
    assert "<b>Ofsted</b>" in model.index(3000, MentionModel.SENTENCE).data(HTML_ROLE)
    assert model.context(3000).sentence
    qtbot.waitUntil(lambda: not win.runner.busy, timeout=5000)
    rows = panel.visible_rows()
    assert 3000 in rows and all(model.is_filled(r) for r in rows)
    # The current row stayed wholly in view as the rows above it grew.
    rect = panel.view.visualRect(model.index(3000, 0))
    assert rect.top() >= 0 and rect.bottom() <= panel.view.viewport().height()
    assert sum(n for n, _ in read) < 400 and not any(gui for _, gui in read)
    assert not model.is_filled(1500)  # skipped over: never read


# -- start-up ----------------------------------------------------------------------------

# What the GUI thread may ask the library for while the window starts: the cached
# catalogue (and the data dir's path, an attribute).
CHEAP = {"articles.list"}
SERVICES = ("articles", "search", "indexing", "entities", "policies", "notes")


class Spy:
    """Stands for one service: records (service.method, called on the GUI thread)."""

    def __init__(self, name: str, service, calls: list):
        self._name, self._service, self._calls = name, service, calls

    def __getattr__(self, attr):
        value = getattr(self._service, attr)
        if attr.startswith("_") or not callable(value):
            return value

        def method(*args, **kwargs):
            gui = threading.current_thread() is threading.main_thread()
            self._calls.append((f"{self._name}.{attr}", gui))
            return value(*args, **kwargs)
        return method


class Recording(ContractLibrary):
    """Records every call to a service method, and whether it ran on the GUI thread."""

    def __init__(self, paths):
        super().__init__(paths)
        self.calls: list[tuple[str, bool]] = []
        for name in SERVICES:
            setattr(self, name, Spy(name, getattr(self, name), self.calls))


def test_start_up_asks_the_gui_thread_for_nothing(qtbot, make_window, built_data_dir):
    from reader.ui.app import create_window

    # A saved session to restore: a search and an open article.
    first = make_window(built_data_dir)
    with qtbot.waitSignal(first.search_finished, timeout=5000):
        qtbot.keyClicks(first.search_field, "ofsted")
    with qtbot.waitSignal(first.article_opened, timeout=5000):
        first.open_article("b-gove")
    first.close()

    lib = Recording(Paths.resolve(built_data_dir, first.library.paths.corpus_dir))
    win = create_window(lib, nlp=False)
    qtbot.addWidget(win)
    before_show = [name for name, gui in lib.calls if gui]
    win.show()
    qtbot.waitExposed(win)
    try:
        qtbot.waitUntil(lambda: win.current_doc == "b-gove", timeout=5000)
        settle_window(qtbot, win)
        assert before_show == []  # the window is built without reading the library
        on_gui = {name for name, gui in lib.calls if gui}
        assert on_gui <= CHEAP, f"called on the GUI thread: {sorted(on_gui - CHEAP)}"
        in_workers = {name for name, gui in lib.calls if not gui}
        assert {"articles.list", "articles.read_docs", "entities.list", "policies.list",
                "search.run", "articles.get", "indexing.update"} <= in_workers
        assert win.entity_panel.model.find("Ofsted") is not None
    finally:
        win.close()
        lib.close()
