"""Search hits: one row per matching article, its snippet with the matches in bold.

Snippets come lazily: a search returns its hits without them and the panel asks for the
snippets of the rows it shows (`missing`), which arrive later (`set_snippets`); until then a
row shows a muted placeholder line of the same height. A starred article's title carries a
star, as in the article list (`set_starred`: whether an article is starred, asked per row)."""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Callable, Iterable

from PySide6.QtCore import QAbstractListModel, Qt

from reader.domain import Hit
from reader.markup import bold_only
from reader.ui.models.common import DISPLAY, HTML_ROLE, ID_ROLE, OBJECT_ROLE, ROOT

PLACEHOLDER = '<span class="muted">…</span>'  # a snippet still being made
STAR = "★ "  # before the title of a starred article (as the article list shows it)


class HitModel(QAbstractListModel):
    """Search hits: title, meta and the snippet with matches in bold (HTML_ROLE). A hit
    given with a snippet counts as filled; one without waits for `set_snippets`."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._hits: list[Hit] = []
        self._filled: set[str] = set()  # ids whose snippet is known (possibly "")
        self._row_of: dict[str, int] = {}
        self._starred: Callable[[str], bool] = lambda _doc: False

    def set_starred(self, starred: Callable[[str], bool]) -> None:
        """`starred(article id)`: whether the user starred it (the window's article list
        knows, without a read of the store)."""
        self._starred = starred

    def marks_changed(self, doc_ids: Iterable[str]) -> None:
        """Stars of these articles may have changed: their rows are drawn again."""
        for doc_id in doc_ids:
            row = self._row_of.get(doc_id)
            if row is not None:
                index = self.index(row, 0)
                self.dataChanged.emit(index, index)

    def set_hits(self, hits: Iterable[Hit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self._row_of = {hit.id: n for n, hit in enumerate(self._hits)}
        self._filled = {hit.id for hit in self._hits if hit.snippet}
        self.endResetModel()

    def hit(self, row: int) -> Hit | None:
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def missing(self, rows: Iterable[int]) -> list[str]:
        """Ids of the hits at `rows` whose snippet has not arrived yet."""
        return [self._hits[r].id for r in rows
                if 0 <= r < len(self._hits) and self._hits[r].id not in self._filled]

    def is_filled(self, row: int) -> bool:
        return 0 <= row < len(self._hits) and self._hits[row].id in self._filled

    def set_snippets(self, snippets: dict[str, str]) -> None:
        """Fill the snippets that arrived ({doc id: snippet HTML}); ids not shown are
        ignored."""
        rows = []
        for doc_id, snippet in snippets.items():
            row = self._row_of.get(doc_id)
            if row is None:
                continue
            self._hits[row] = dataclasses.replace(self._hits[row], snippet=snippet or "")
            self._filled.add(doc_id)
            rows.append(row)
        for row in sorted(rows):
            index = self.index(row, 0)
            self.dataChanged.emit(index, index, [HTML_ROLE, OBJECT_ROLE])

    def rowCount(self, parent=ROOT):
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index, role=DISPLAY):
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        star = STAR if self._starred(hit.id) else ""
        if role == DISPLAY:
            return star + hit.title
        if role == HTML_ROLE:
            meta = " · ".join(x for x in (hit.date or "Undated", hit.source) if x)
            snippet = bold_only(hit.snippet) if hit.id in self._filled else PLACEHOLDER
            return (f"<b>{star}{html.escape(hit.title or 'Untitled')}</b><br>"
                    f'<span class="muted">{html.escape(meta)}</span><br>{snippet}')
        if role == Qt.ItemDataRole.ToolTipRole:
            return hit.title + (" · starred" if star else "")
        if role == ID_ROLE:
            return hit.id
        if role == OBJECT_ROLE:
            return hit
        return None
