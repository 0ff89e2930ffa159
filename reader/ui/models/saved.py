"""Saved searches: one row per search the user saved (name, and its query as a tooltip)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QAbstractListModel, Qt

from reader.domain import SavedSearch
from reader.ui.models.common import DISPLAY, ID_ROLE, OBJECT_ROLE, ROOT


class SavedSearchModel(QAbstractListModel):
    """The saved searches, by name."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[SavedSearch] = []

    def set_searches(self, searches: Iterable[SavedSearch]) -> None:
        self.beginResetModel()
        self._rows = list(searches)
        self.endResetModel()

    def search(self, row: int) -> SavedSearch | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def searches(self) -> list[SavedSearch]:
        return list(self._rows)

    def row_of_query(self, query: str) -> int | None:
        """The row of the saved search with exactly `query`, or None."""
        return next((n for n, s in enumerate(self._rows) if s.query == query.strip()), None)

    def rowCount(self, parent=ROOT):
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index, role=DISPLAY):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        saved = self._rows[index.row()]
        if role == DISPLAY:
            return saved.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return saved.query
        if role == ID_ROLE:
            return saved.id
        if role == OBJECT_ROLE:
            return saved
        return None
