"""The mention panel: every mention of the selected entity or policy across the corpus."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTreeView, QVBoxLayout, QWidget

from reader.domain import MentionContext
from reader.ui.models import OBJECT_ROLE, MentionModel
from reader.ui.panels.common import plural
from reader.ui.widgets import EmptyStack, HtmlDelegate


class MentionPanel(QWidget):
    """Every mention of the selected entity or policy across the corpus, by date."""

    # A mention row was activated: (MentionContext).
    mention_activated = Signal(object)

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

    def set_contexts(self, contexts: list[MentionContext] | None, subject: str) -> None:
        """Show `contexts` for `subject` (an entity or policy name); None: nothing selected."""
        self.subject = subject
        self.model.set_contexts(contexts or [])
        self.header.setVisible(contexts is not None)
        if contexts is None:
            self.stack.set_empty("Select an entity or a policy in the sidebar to list every "
                                 "sentence that mentions it.")
            return
        docs = len({c.doc for c in contexts})
        self.header.setText(f"{plural(len(contexts), 'mention')} of {subject} in "
                            f"{plural(docs, 'article')} · F3 next, Shift+F3 previous")
        self.stack.set_empty(None if contexts else f"No mentions of {subject} found.")

    def show_loading(self, subject: str) -> None:
        self.header.show()
        self.header.setText(f"Finding mentions of {subject}…")

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
