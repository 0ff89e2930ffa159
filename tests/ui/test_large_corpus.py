"""The window on a large library: the mention list fetches rows in batches, and start-up asks
the library only for the article list on the GUI thread."""

from __future__ import annotations

import inspect
import threading
import time
from dataclasses import dataclass, field

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication

from reader.paths import Paths
from reader.ui.models import HTML_ROLE, MentionModel
from reader.ui.panels import MentionPanel

from .conftest import settle_window
from .fakes import ContractLibrary, Mention

MANY = 5000


@dataclass
class LazyContext:
    """A MentionContext whose sentence, like the library's, costs something to read."""

    doc: str
    title: str
    date: str
    start: int
    end: int
    text: str
    reads: list = field(repr=False, compare=False, default_factory=list)

    @property
    def sentence(self) -> str:
        self.reads.append(self.start)
        return f"Sentence {self.start} names {self.text} here."

    @property
    def sentence_start(self) -> int:
        return self.start - len(f"Sentence {self.start} names ")


def lazy_contexts(n: int = MANY, reads: list | None = None) -> list[LazyContext]:
    reads = [] if reads is None else reads
    return [LazyContext(f"doc-{i // 10}", f"Article {i // 10}", f"2014-01-{1 + i % 28:02d}",
                        1000 + i, 1006 + i, "Ofsted", reads) for i in range(n)]


def test_mention_model_fetches_in_batches(qtmodeltester):
    reads: list = []
    model = MentionModel()
    model.set_contexts(lazy_contexts(reads=reads))
    assert model.total == MANY
    assert model.rowCount() == MentionModel.BATCH
    assert reads == []  # nothing read until a row is shown
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
    small.set_contexts(lazy_contexts(MentionModel.BATCH * 2 + 50))
    qtmodeltester.check(small)  # fetches the rest (in batches) as the tester walks it
    assert small.rowCount() == MentionModel.BATCH * 2 + 50


def test_thousands_of_mentions_show_without_reading_them_all(qtbot):
    reads: list = []
    panel = MentionPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 300)
    panel.show()
    qtbot.waitExposed(panel)
    started = time.perf_counter()
    panel.set_contexts(lazy_contexts(reads=reads), "Ofsted")
    QApplication.processEvents()
    elapsed = time.perf_counter() - started
    assert panel.header.text().startswith(f"{MANY} mentions of Ofsted in 500 articles")
    assert panel.model.rowCount() < MANY
    # The view read the sentences of the rows it shows, not all 5,000 (nor a whole batch).
    assert 0 < len(set(reads)) < 100
    assert elapsed < 1.0  # ~50 ms; the bound leaves room for a loaded test machine
    # Scrolling to the end fetches the next batch.
    before = panel.model.rowCount()
    panel.view.verticalScrollBar().setValue(panel.view.verticalScrollBar().maximum())
    qtbot.waitUntil(lambda: panel.model.rowCount() > before, timeout=2000)


def test_step_walks_all_mentions_and_wraps(qtbot):
    panel = MentionPanel()
    qtbot.addWidget(panel)
    panel.set_contexts(lazy_contexts(), "Ofsted")
    for _ in range(MentionModel.BATCH + 5):
        ctx = panel.step(+1)
    assert panel.current_row() == MentionModel.BATCH + 4
    assert ctx.start == 1000 + MentionModel.BATCH + 4
    panel.set_current_row(0)
    assert panel.step(-1).start == 1000 + MANY - 1  # Shift+F3 from the first wraps to the last
    assert panel.current_row() == MANY - 1


class ManyMentions(ContractLibrary):
    """Ofsted mentioned 5,000 times (the same three places over and over)."""

    def _build(self):
        ents = super()._build()
        if len(ents["ofsted"].mentions) < MANY:
            base = ents["ofsted"].mentions
            ents["ofsted"].mentions = [Mention(m.doc, m.start, m.end, m.text)
                                       for m in (base * (MANY // len(base) + 1))[:MANY]]
        return ents

    def mention_contexts(self, mentions):
        infos = {i.id: i for i in self.articles()}
        return [LazyContext(m.doc, infos[m.doc].title, infos[m.doc].date, m.start, m.end,
                            m.text) for m in mentions]

    def fill_sentences(self, contexts):
        return contexts  # LazyContext reads its own sentence when a row is shown


def test_f3_in_the_window_goes_past_the_first_batch(qtbot, make_window, built_data_dir):
    from .test_main_window import select_entity

    win = make_window(built_data_dir, library_cls=ManyMentions)
    select_entity(qtbot, win, "Ofsted")
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


# -- start-up ----------------------------------------------------------------------------

# What the GUI thread may ask the library for while the window starts: the cached
# catalogue (and the data dir's path, an attribute).
CHEAP = {"articles"}


class Recording(ContractLibrary):
    """Records (method, called on the GUI thread) for every public Library method."""

    def __init__(self, paths):
        super().__init__(paths)
        self.calls: list[tuple[str, bool]] = []


def _recorder(name, fn):
    def method(self, *args, **kwargs):
        self.calls.append((name, threading.current_thread() is threading.main_thread()))
        return fn(self, *args, **kwargs)
    return method


for _name in dir(ContractLibrary):
    _static = inspect.getattr_static(ContractLibrary, _name)
    if not _name.startswith("_") and inspect.isfunction(_static):
        setattr(Recording, _name, _recorder(_name, _static))
    elif _name == "store":  # opening the SQLite store is not cheap either
        setattr(Recording, _name, property(_recorder(_name, _static.fget)))


def test_start_up_asks_the_gui_thread_only_for_the_article_list(qtbot, make_window,
                                                                built_data_dir):
    from reader.ui.app import create_window

    # A saved session to restore: a search and an open article.
    first = make_window(built_data_dir)
    with qtbot.waitSignal(first.search_finished, timeout=5000):
        qtbot.keyClicks(first.search_field, "ofsted")
    with qtbot.waitSignal(first.article_opened, timeout=5000):
        first.open_article("b-gove")
    first.close()

    lib = Recording(Paths.resolve(built_data_dir, first.backend.lib.paths.corpus_dir))
    win = create_window(lib, nlp=False)
    qtbot.addWidget(win)
    before_show = [name for name, gui in lib.calls if gui]
    win.show()
    qtbot.waitExposed(win)
    try:
        qtbot.waitUntil(lambda: win.current_doc == "b-gove", timeout=5000)
        settle_window(qtbot, win)
        assert before_show == ["articles"]
        on_gui = {name for name, gui in lib.calls if gui}
        assert on_gui <= CHEAP, f"called on the GUI thread: {sorted(on_gui - CHEAP)}"
        in_workers = {name for name, gui in lib.calls if not gui}
        assert {"entities", "policies", "search", "article", "index"} <= in_workers
        assert win.entity_panel.model.find("Ofsted") is not None
    finally:
        win.close()
        lib.close()
