"""Two-level trees (groups of items, name and count columns) and the proxy that filters them."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QFont

from reader.ui.models.common import DISPLAY, ID_ROLE, ROOT, SORT_ROLE


class GroupedModel(QAbstractItemModel):
    """A two-level tree: groups, each with item rows; two columns (name, count).

    Group indexes carry internal id 0; an item's internal id is its group's row + 1."""

    HEADERS = ("Name", "Count")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._groups: list[tuple[str, list]] = []

    def _set_groups(self, groups: list[tuple[str, list]]) -> None:
        self.beginResetModel()
        self._groups = groups
        self.endResetModel()

    def item(self, index: QModelIndex):
        """The item object at `index`, or None for a group row."""
        if not index.isValid() or index.internalId() == 0:
            return None
        return self._groups[index.internalId() - 1][1][index.row()]

    def group_name(self, index: QModelIndex) -> str:
        if not index.isValid():
            return ""
        gid = index.internalId()
        return self._groups[gid - 1 if gid else index.row()][0]

    def index(self, row, column, parent=ROOT):
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        if parent.internalId() == 0:
            return self.createIndex(row, column, parent.row() + 1)
        return QModelIndex()

    def parent(self, index=ROOT):
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent=ROOT):
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self._groups[parent.row()][1])
        return 0

    def columnCount(self, parent=ROOT):
        return len(self.HEADERS)

    def headerData(self, section, orientation, role=DISPLAY):
        if orientation == Qt.Orientation.Horizontal and role == DISPLAY \
                and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def data(self, index, role=DISPLAY):
        if not index.isValid():
            return None
        if index.internalId() == 0:
            name, items = self._groups[index.row()]
            return self.group_data(name, items, index.column(), role)
        return self.item_data(self.item(index), index.column(), role)

    def group_data(self, name, items, column, role):
        if role == DISPLAY:
            return f"{name} ({len(items)})" if column == 0 else ""
        if role == SORT_ROLE:
            return name if column == 0 else len(items)
        if role == ID_ROLE:
            return name
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def item_data(self, item, column, role):
        raise NotImplementedError


class TreeFilterProxy(QSortFilterProxyModel):
    """Filter leaves by name (groups stay while a child matches); sort on SORT_ROLE."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(0)
        self.setSortRole(SORT_ROLE)

    def filterAcceptsRow(self, row, parent):
        if not self.filterRegularExpression().pattern():
            return True  # no filter: skip asking each of thousands of rows for its name
        if not parent.isValid():
            # A group row matches only through its children (recursive filtering).
            return False
        return super().filterAcceptsRow(row, parent)

    def lessThan(self, left, right):
        # Groups keep the model's order (by type) whatever the sort order; items sort by
        # the chosen column.
        if not left.parent().isValid():
            before = left.row() < right.row()
            return before if self.sortOrder() == Qt.SortOrder.AscendingOrder else not before
        return super().lessThan(left, right)
