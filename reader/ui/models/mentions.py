"""Every mention of an entity or policy across the corpus, fetched into the view in batches,
each sentence filled when its row is shown."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

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

PLACEHOLDER = '<span class="muted">…</span>'  # a sentence still being read


class MentionModel(FlatTable):
    """Every mention across the corpus: article, date, sentence with the mention in bold.

    Rows are handed to the view in batches (Qt's canFetchMore/fetchMore): a word-wrapped
    view sizes every row it has. Sentences are read from the articles only for the rows a
    view shows: the contexts come without them (a lazy `MentionContexts`), the panel asks
    for the `missing` rows in view and the sentences arrive later (`set_sentences`, made on
    the task runner); until then a row shows a muted placeholder. A context given with its
    sentence (`sentence_start` >= 0) counts as filled. `total` counts every mention;
    `rowCount()` only those fetched so far; `generation` changes with every
    `set_contexts`, so sentences read for an earlier subject are ignored."""

    ARTICLE, DATE, SENTENCE = range(3)
    HEADERS = ("Article", "Date", "Sentence")
    BATCH = 200

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: Sequence[MentionContext] = []  # all; the first `_fetched` are in the model
        self._filled: dict[int, MentionContext] = {}  # row -> the context with its sentence
        self._fetched = 0
        self._inserting = False
        self.generation = 0

    def set_contexts(self, contexts: Iterable[MentionContext] | None,
                     filled: dict[int, MentionContext] | None = None) -> None:
        """Show `contexts` (a sequence is kept as it is: a lazy one stays lazy); `filled`:
        {row: the context with its sentence} already read."""
        self.beginResetModel()
        rows = contexts if isinstance(contexts, Sequence) else list(contexts or ())
        self._rows = rows
        self._filled = dict(filled or {})
        self._fetched = min(len(rows), self.BATCH)
        self.generation += 1
        self.endResetModel()

    @property
    def total(self) -> int:
        return len(self._rows)

    def source(self) -> Sequence[MentionContext]:
        """The contexts as given (sentences not filled in): what a fill task reads."""
        return self._rows

    def context(self, row: int) -> MentionContext | None:
        """The context at `row` of all mentions (fetched or not), with its sentence when it
        has been read."""
        if not 0 <= row < len(self._rows):
            return None
        return self._filled.get(row) or self._rows[row]

    def contexts(self) -> list[MentionContext]:
        return [self.context(row) for row in range(len(self._rows))]

    def is_filled(self, row: int) -> bool:
        return row in self._filled or (0 <= row < len(self._rows)
                                       and self._rows[row].sentence_start >= 0)

    def missing(self, rows: Iterable[int]) -> list[int]:
        """Those of `rows` (in the model) whose sentence has not been read yet."""
        return [r for r in rows if 0 <= r < self._fetched and not self.is_filled(r)]

    def set_sentences(self, filled: dict[int, MentionContext]) -> None:
        """Sentences that arrived: {row: the context with its sentence}."""
        rows = sorted(r for r in filled if 0 <= r < len(self._rows))
        for row in rows:
            self._filled[row] = filled[row]
        last = self.columnCount() - 1
        start = None
        for n, row in enumerate(rows):  # one dataChanged per run of rows in the model
            if row >= self._fetched:
                break
            if start is None:
                start = row
            if n + 1 == len(rows) or rows[n + 1] != row + 1 or rows[n + 1] >= self._fetched:
                self.dataChanged.emit(self.index(start, 0), self.index(row, last))
                start = None

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
        row = index.row()
        ctx = self.context(row)
        col = index.column()
        head = "Headline: " if ctx.field == "title" else ""  # its sentence is the title
        filled = self.is_filled(row)
        if role == DISPLAY:
            sentence = " ".join(ctx.sentence.split()) if filled else "…"
            return (ctx.title, ctx.date or "Undated", head + sentence)[col]
        if role == HTML_ROLE:  # every column wraps the same way (HtmlDelegate)
            if col == self.SENTENCE:
                if not filled:
                    return PLACEHOLDER
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
