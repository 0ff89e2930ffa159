"""Search hits: one row per matching article, its snippet with the matches in bold."""

from __future__ import annotations

import html
from collections.abc import Iterable

from PySide6.QtCore import QAbstractListModel, Qt

from reader.domain import Hit
from reader.markup import bold_only
from reader.ui.models.common import DISPLAY, HTML_ROLE, ID_ROLE, OBJECT_ROLE, ROOT


class HitModel(QAbstractListModel):
    """Search hits: title, meta and the snippet with matches in bold (HTML_ROLE)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._hits: list[Hit] = []

    def set_hits(self, hits: Iterable[Hit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def hit(self, row: int) -> Hit | None:
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def rowCount(self, parent=ROOT):
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index, role=DISPLAY):
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == DISPLAY:
            return hit.title
        if role == HTML_ROLE:
            meta = " · ".join(x for x in (hit.date or "Undated", hit.source) if x)
            snippet = bold_only(hit.snippet)
            return (f"<b>{html.escape(hit.title or 'Untitled')}</b><br>"
                    f'<span class="muted">{html.escape(meta)}</span><br>{snippet}')
        if role == Qt.ItemDataRole.ToolTipRole:
            return hit.title
        if role == ID_ROLE:
            return hit.id
        if role == OBJECT_ROLE:
            return hit
        return None
