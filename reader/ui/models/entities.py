"""The entity tree: entities grouped by type, most mentioned first, merged by drag and drop;
its proxy, which can list only the entities of the article being read; and the flat list a
single entity's merge target is chosen from."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont

from reader.domain import Entity
from reader.ui.models.common import DISPLAY, ID_ROLE, OBJECT_ROLE, ROOT, SORT_ROLE
from reader.ui.models.grouped import GroupedModel, TreeFilterProxy

ENTITY_MIME = "application/x-reader-entity"
# The entity types, in the order the sidebar groups them (the library's TYPES).
TYPE_ORDER = ("Person", "Organisation", "Place", "Law", "Work", "Other", "Date", "Money")
# What the merge-target list filters on: the name and every alias, one a line.
NAMES_ROLE = Qt.ItemDataRole.UserRole + 10


class EntityModel(GroupedModel):
    """Entities grouped by type, most mentioned first; items can be dragged onto each other.

    Dropping entity A on entity B emits `merge_requested(A id, B id)`; the model itself is
    only changed when the window reloads it after the edit."""

    HEADERS = ("Entity", "Mentions")
    # An entity was dropped on another: (source id, target id).
    merge_requested = Signal(str, str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._by_id: dict[str, Entity] = {}
        # {entity id: mentions in the article being read} while the list shows only that
        # article's entities (`set_doc_counts`); the count column shows these then.
        self._doc_counts: dict[str, int] | None = None

    def set_entities(self, entities: Iterable[Entity]) -> None:
        by_type: dict[str, list[Entity]] = {}
        for ent in entities:
            by_type.setdefault(ent.type or "Other", []).append(ent)
        order = {t: n for n, t in enumerate(TYPE_ORDER)}
        groups = [(t, sorted(items, key=lambda e: (-e.count, e.name.casefold())))
                  for t, items in sorted(by_type.items(),
                                         key=lambda kv: (order.get(kv[0], 99), kv[0]))]
        self._by_id = {e.id: e for _, items in groups for e in items}
        self._set_groups(groups)

    def set_doc_counts(self, counts: dict[str, int] | None) -> None:
        """Show each entity's mentions in one article (`counts`), or (None) in the corpus."""
        self._doc_counts = dict(counts) if counts is not None else None
        for g, (_, items) in enumerate(self._groups):
            self.dataChanged.emit(self.index(g, 0), self.index(g, 1))
            if items:
                group = self.index(g, 0)
                self.dataChanged.emit(self.index(0, 1, group),
                                      self.index(len(items) - 1, 1, group))

    def doc_counts(self) -> dict[str, int] | None:
        return self._doc_counts

    def count_of(self, ent: Entity) -> int:
        """Its mentions in the corpus, or in the article while the list shows one."""
        if self._doc_counts is None:
            return ent.count
        return self._doc_counts.get(ent.id, 0)

    def entity(self, entity_id: str) -> Entity | None:
        return self._by_id.get(entity_id)

    def entities(self) -> list[Entity]:
        """Every listed entity (hidden ones too when the list has them), by type group."""
        return list(self._by_id.values())

    def find(self, ref: str) -> Entity | None:
        """The entity with id `ref`, else the one named (or also written) `ref`."""
        if ref in self._by_id:
            return self._by_id[ref]
        key = " ".join(ref.split()).casefold()
        for ent in self._by_id.values():
            if ent.name.casefold() == key:
                return ent
        for ent in self._by_id.values():
            if any(a.casefold() == key for a in ent.aliases):
                return ent
        return None

    def types(self) -> list[str]:
        return [name for name, _ in self._groups]

    def index_of(self, entity_id: str) -> QModelIndex:
        for g, (_, items) in enumerate(self._groups):
            for r, ent in enumerate(items):
                if ent.id == entity_id:
                    return self.createIndex(r, 0, g + 1)
        return QModelIndex()

    def group_data(self, name, items, column, role):
        if self._doc_counts is not None and role == DISPLAY and column == 0:
            return f"{name} ({sum(1 for e in items if e.id in self._doc_counts)})"
        return super().group_data(name, items, column, role)

    def item_data(self, ent: Entity, column, role):
        if role == DISPLAY:
            return ent.name if column == 0 else str(self.count_of(ent))
        if role == SORT_ROLE:
            return ent.name.casefold() if column == 0 else self.count_of(ent)
        if role == Qt.ItemDataRole.ToolTipRole:
            aliases = [a for a in ent.aliases if a != ent.name]
            tip = (f"{ent.name} ({ent.type}): {ent.count} mentions in {len(ent.docs)} "
                   "articles")
            if self._doc_counts is not None:
                tip += f"; {self.count_of(ent)} in this article"
            if ent.hidden:
                tip += " (hidden)"
            return tip + (f"\nAlso: {', '.join(aliases)}" if aliases else "")
        if role == Qt.ItemDataRole.FontRole and ent.hidden:
            font = QFont()
            font.setItalic(True)
            return font
        if role == ID_ROLE:
            return ent.id
        if role == OBJECT_ROLE:
            return ent
        return None

    def flags(self, index):
        base = super().flags(index)
        if index.isValid() and index.internalId() != 0:
            return base | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled
        return base

    def supportedDropActions(self):
        return Qt.DropAction.MoveAction

    def mimeTypes(self):
        return [ENTITY_MIME]

    def mimeData(self, indexes):
        ids = []
        for index in indexes:
            ent = self.item(index)
            if ent is not None and ent.id not in ids:
                ids.append(ent.id)
        data = QMimeData()
        data.setData(ENTITY_MIME, "\n".join(ids).encode())
        return data

    def canDropMimeData(self, data, action, row, column, parent):
        return bool(data.hasFormat(ENTITY_MIME) and self.item(parent) is not None
                    and row == -1)

    def dropMimeData(self, data, action, row, column, parent):
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        target = self.item(parent)
        sources = bytes(data.data(ENTITY_MIME)).decode().split("\n")
        for source in sources:
            if source and source != target.id:
                self.merge_requested.emit(source, target.id)
        # False: the view must not delete the dragged rows; the window reloads the model.
        return False



class EntityProxy(TreeFilterProxy):
    """The entity tree filtered by name and, while the model has article counts
    (`EntityModel.set_doc_counts`), to that article's entities."""

    def refilter(self) -> None:
        """Apply a change of the model's article counts."""
        self.beginFilterChange()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row, parent):
        model = self.sourceModel()
        counts = model.doc_counts() if isinstance(model, EntityModel) else None
        if counts is None:
            return super().filterAcceptsRow(row, parent)
        if not parent.isValid():
            return False  # a group stays while one of its entities is listed
        ent = model.item(model.index(row, 0, parent))
        if ent is None or ent.id not in counts:
            return False
        return not self.filterRegularExpression().pattern() or \
            QSortFilterProxyModel.filterAcceptsRow(self, row, parent)


class MergeTargetModel(QAbstractListModel):
    """The entities one entity can be merged into: those of its type first, then the
    others, each most mentioned first; hidden ones and the entity itself left out. Each row
    shows the name, the type and the mentions; NAMES_ROLE gives the name and aliases to
    filter on (thousands of rows: a proxy filters, the model never changes)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[Entity] = []
        self._same = 0  # the first `_same` rows have the source's type

    def set_entities(self, entities: Iterable[Entity], source: Entity) -> None:
        self.beginResetModel()
        others = [e for e in entities if e.id != source.id and not e.hidden]
        same = sorted((e for e in others if e.type == source.type), key=_most_mentioned)
        self._rows = same + sorted((e for e in others if e.type != source.type),
                                   key=_most_mentioned)
        self._same = len(same)
        self.endResetModel()

    def entity(self, row: int) -> Entity | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def same_type(self, row: int) -> bool:
        return 0 <= row < self._same

    def rowCount(self, parent=ROOT):
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index, role=DISPLAY):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        ent = self._rows[index.row()]
        if role == DISPLAY:
            return f"{ent.name}  ·  {ent.type}, {ent.count} mention{'s' if ent.count != 1 else ''}"
        if role == NAMES_ROLE:
            return "\n".join((ent.name, *ent.aliases))
        if role == Qt.ItemDataRole.ToolTipRole:
            aliases = [a for a in ent.aliases if a != ent.name]
            return f"{ent.name} ({ent.type})" + (f"\nAlso: {', '.join(aliases)}"
                                                 if aliases else "")
        if role == Qt.ItemDataRole.FontRole and self.same_type(index.row()):
            font = QFont()
            font.setBold(True)  # the likely targets: the same type
            return font
        if role == ID_ROLE:
            return ent.id
        if role == OBJECT_ROLE:
            return ent
        return None


def _most_mentioned(ent: Entity) -> tuple[int, str]:
    return -ent.count, ent.name.casefold()
