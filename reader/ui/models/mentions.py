"""Every mention of an entity or policy across the corpus, fetched into the view in batches."""

from __future__ import annotations

import html
from collections.abc import Iterable

from PySide6.QtCore import QModelIndex, Qt

from reader.domain import MentionContext
from reader.ui.models.common import (
    DISPLAY,
    HTML_ROLE,
    ID_ROLE,
    OBJECT_ROLE,
    ROOT,
    FlatTable,
    bold_span,
)


class MentionModel(FlatTable):
    """Every mention across the corpus: article, date, sentence with the mention in bold.

    Rows are handed to the view in batches (Qt's canFetchMore/fetchMore): a word-wrapped
    view sizes every row it has, and sizing a row reads its sentence from the article, so
    an entity with thousands of mentions would otherwise read them all before showing one.
    `total` counts every mention; `rowCount()` only those fetched so far."""

    ARTICLE, DATE, SENTENCE = range(3)
    HEADERS = ("Article", "Date", "Sentence")
    BATCH = 200

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[MentionContext] = []  # all; the first `_fetched` are in the model
        self._fetched = 0
        self._inserting = False

    def set_contexts(self, contexts: Iterable[MentionContext] | None) -> None:
        self.beginResetModel()
        self._rows = list(contexts or ())
        self._fetched = min(len(self._rows), self.BATCH)
        self.endResetModel()

    @property
    def total(self) -> int:
        return len(self._rows)

    def context(self, row: int) -> MentionContext | None:
        """The context at `row` of all mentions (fetched or not)."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def contexts(self) -> list[MentionContext]:
        return list(self._rows)

    def canFetchMore(self, parent=ROOT):
        return not parent.isValid() and self._fetched < len(self._rows)

    def fetchMore(self, parent=ROOT):
        if parent.isValid():
            return
        self.fetch_to(self._fetched + self.BATCH - 1)

    def fetch_to(self, row: int) -> None:
        """Make rows up to `row` (and the rest of its batch) part of the model."""
        if row < self._fetched or self._inserting:
            return
        end = min(len(self._rows), max(row + 1, self._fetched + self.BATCH))
        if end <= self._fetched:
            return
        # A view (or the model tester) may ask for more from inside rowsAboutToBeInserted.
        self._inserting = True
        try:
            self.beginInsertRows(QModelIndex(), self._fetched, end - 1)
            self._fetched = end
            self.endInsertRows()
        finally:
            self._inserting = False

    def rowCount(self, parent=ROOT):
        return 0 if parent.isValid() else self._fetched

    def data(self, index, role=DISPLAY):
        if not index.isValid() or not 0 <= index.row() < self._fetched:
            return None
        ctx = self._rows[index.row()]
        col = index.column()
        head = "Headline: " if ctx.field == "title" else ""  # its sentence is the title
        if role == DISPLAY:
            return (ctx.title, ctx.date or "Undated",
                    head + " ".join(ctx.sentence.split()))[col]
        if role == HTML_ROLE:  # every column wraps the same way (HtmlDelegate)
            if col == self.SENTENCE:
                at = ctx.start - ctx.sentence_start
                text = " ".join(bold_span(ctx.sentence, at, at + (ctx.end - ctx.start)).split())
                return f"<i>{head}</i>{text}" if head else text
            return html.escape((ctx.title or "Untitled", ctx.date or "Undated", "")[col])
        if role == Qt.ItemDataRole.ToolTipRole:
            return ctx.title if col == self.ARTICLE else None
        if role == OBJECT_ROLE:
            return ctx
        if role == ID_ROLE:
            return ctx.doc
        return None
