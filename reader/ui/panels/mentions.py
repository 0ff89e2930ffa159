"""The mention panel: every mention of the selected entity or policy across the corpus, the
sentences of the rows in view asked for as they come into view."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTreeView, QVBoxLayout, QWidget

from reader.domain import MentionContext
from reader.ui.models import OBJECT_ROLE, MentionModel
from reader.ui.panels.common import plural
from reader.ui.widgets import EmptyStack, HtmlDelegate, rows_in_view


class MentionPanel(QWidget):
    """Every mention of the selected entity or policy across the corpus, by date."""

    # A mention row was activated: (MentionContext).
    mention_activated = Signal(object)
    # Rows in view whose sentence is not read yet: (the model's generation, row numbers).
    sentences_wanted = Signal(int, list)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("mentionPanel")
        self.header = QLabel()
        self.header.setObjectName("mentionHeader")
        self.model = MentionModel(self)
        self.view = QTreeView()
        self.view.setObjectName("mentionView")
        self.view.setModel(self.model)
        self.view.setRootIsDecorated(False)
        self.view.setWordWrap(True)
        self.view.setAlternatingRowColors(True)
        # Per item, not per pixel: a per-pixel scroll bar needs the height of every row,
        # and each row's height needs its sentence read from the article (5,000 mentions:
        # 640 ms for the first batches, against 50 ms).
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        self.view.setItemDelegate(HtmlDelegate(self.view))
        header = self.view.header()
        header.setStretchLastSection(True)
        header.resizeSection(MentionModel.ARTICLE, 260)
        header.resizeSection(MentionModel.DATE, 90)
        header.sectionResized.connect(lambda *_: self.view.doItemsLayout())
        # Sentences are read for the rows in view: checked once the view has laid them out,
        # and again when it scrolls or resizes.
        self._visible_timer = QTimer(self)
        self._visible_timer.setSingleShot(True)
        self._visible_timer.setInterval(0)
        self._visible_timer.timeout.connect(self._ask_visible_sentences)
        self._asked: list[int] = []  # the rows of the last request (while unanswered)
        self._keep_row: int | None = None  # the current row, kept in view as rows grow
        # (Through a lambda: connected directly, valueChanged's value would become the
        # timer's interval, QTimer.start(msec).)
        for changed in (self.view.verticalScrollBar().valueChanged,
                        self.view.verticalScrollBar().rangeChanged, self.model.rowsInserted):
            changed.connect(lambda *_: self._visible_timer.start())
        self.view.activated.connect(self._on_activated)
        self.view.doubleClicked.connect(self._on_activated)
        self.stack = EmptyStack(self.view, "")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(2)
        layout.addWidget(self.header)
        layout.addWidget(self.stack)
        self.subject = ""
        self.set_contexts(None, "")

    def set_contexts(self, contexts: Sequence[MentionContext] | None, subject: str,
                     filled: dict[int, MentionContext] | None = None,
                     docs: int | None = None) -> None:
        """Show `contexts` for `subject` (an entity or policy name); None: nothing selected.
        `filled`: {row: context with its sentence} already read (the others are asked for
        as they come into view: `sentences_wanted`); `docs`: how many articles they are in
        (counted here when not given)."""
        self.subject = subject
        self._asked = []
        self.model.set_contexts(contexts or [], filled)
        self.header.setVisible(contexts is not None)
        self._visible_timer.start()
        if contexts is None:
            self.stack.set_empty("Select an entity or a policy in the sidebar to list every "
                                 "sentence that mentions it.")
            return
        if docs is None:
            docs = len({c.doc for c in contexts})
        self.header.setText(f"{plural(len(contexts), 'mention')} of {subject} in "
                            f"{plural(docs, 'article')} · F3 next, Shift+F3 previous")
        self.stack.set_empty(None if contexts else f"No mentions of {subject} found.")

    def show_loading(self, subject: str) -> None:
        self.header.show()
        self.header.setText(f"Finding mentions of {subject}…")

    def visible_rows(self) -> range:
        """The rows of the list in view (empty when none is)."""
        return rows_in_view(self.view)

    def fill_sentences(self, generation: int, filled: dict[int, MentionContext]) -> None:
        """Sentences that arrived for the rows asked for (ignored when the list shows
        another subject by now); then the rows in view are checked again (filled rows
        grow, so fewer may fit)."""
        if generation != self.model.generation:
            return
        self._asked = []
        current = self.view.currentIndex()
        keep = current.isValid() and current.row() in self.visible_rows()
        self.model.set_sentences(filled)  # rows grow: the current one may be pushed out
        if keep:  # once the view has measured the grown rows
            self._keep_row = current.row()
        self._visible_timer.start()

    def _ask_visible_sentences(self) -> None:
        self.view.executeDelayedItemsLayout()  # measure the rows as they are now
        if self._keep_row is not None:
            row, self._keep_row = self._keep_row, None
            if self.view.currentIndex().row() == row:
                self._bring_into_view(row)
        missing = self.model.missing(self.visible_rows())
        if missing and missing != self._asked:
            self._asked = missing
            self.sentences_wanted.emit(self.model.generation, missing)

    def _bring_into_view(self, row: int) -> None:
        """Scroll until `row` is wholly in view (it may have been pushed down as the rows
        above grew). Scrolling per item, the bar's value is the top row; scrollTo() would
        judge by the page size measured before the rows grew."""
        bar, index = self.view.verticalScrollBar(), self.model.index(row, 0)
        if row not in self.visible_rows():
            bar.setValue(row)
            return
        height = self.view.viewport().height()
        while bar.value() < min(row, bar.maximum()) and \
                self.view.visualRect(index).bottom() > height:
            bar.setValue(bar.value() + 1)

    def showEvent(self, event):
        super().showEvent(event)
        self._visible_timer.start()

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._visible_timer.start()

    def current_row(self) -> int:
        index = self.view.currentIndex()
        return index.row() if index.isValid() else -1

    def step(self, delta: int) -> MentionContext | None:
        """Move the current row by `delta` over all mentions (wrapping; rows not fetched
        yet are fetched) and return its context."""
        rows = self.model.total
        if not rows:
            return None
        row = self.current_row()
        row = (0 if delta > 0 else rows - 1) if row < 0 else (row + delta) % rows
        self.set_current_row(row)
        return self.model.context(row)

    def wraps(self, delta: int) -> bool:
        """Whether `step(delta)` would go round from the last mention to the first (or the
        first to the last)."""
        row, rows = self.current_row(), self.model.total
        return rows > 0 and row >= 0 and not 0 <= row + delta < rows

    def set_current_row(self, row: int) -> None:
        self.model.fetch_to(row)
        index = self.model.index(row, 0)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)

    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.view.setCurrentIndex(index)
            self.mention_activated.emit(index.data(OBJECT_ROLE))
