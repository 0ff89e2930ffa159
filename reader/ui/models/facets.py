"""Facet counts of a search (entities, policies, sources, years), each with its query clause."""

from __future__ import annotations

from PySide6.QtCore import Qt

from reader.query import facet_clause
from reader.ui.models.common import DISPLAY, ID_ROLE, SORT_ROLE
from reader.ui.models.grouped import GroupedModel


class FacetModel(GroupedModel):
    """Facet counts of a search: group (Entity, Policy, Source, Year) -> value, count.

    ID_ROLE of a value row is the query clause that narrows the search to it."""

    GROUPS = (("entity", "Entities"), ("policy", "Policies"), ("source", "Sources"),
              ("year", "Years"))
    LIMIT = 12

    # The bucket of the articles without a year / a source (their value is "").
    MISSING = {"year": "Undated", "source": "No source"}

    def set_facets(self, facets: dict[str, dict[str, int]], label_of=None,
                   total: int = 0) -> None:
        """`label_of(key, value)` gives the display name of an indexed value (the index
        keeps entity names lower-cased and policy ids), or None to leave the value out.
        With the search's `total`, the articles without a year or a source are counted in
        an "Undated" / "No source" bucket (an article has at most one of each)."""
        groups = []
        for key, title in self.GROUPS:
            counts = facets.get(key) or {}
            items = []
            for value, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
                label = label_of(key, value) if label_of else value
                if label:
                    items.append((key, value, n, label))
                if len(items) == self.LIMIT:
                    break
            missing = total - sum(counts.values())
            if key in self.MISSING and counts and missing > 0:
                items.append((key, "", missing, self.MISSING[key]))
            if items:
                groups.append((title, items))
        self._set_groups(groups)

    def group_data(self, name, items, column, role):
        if role == DISPLAY and column == 0:
            return name
        return super().group_data(name, items, column, role)

    def item_data(self, item, column, role):
        key, value, n, label = item
        if role == DISPLAY:
            return label if column == 0 else str(n)
        if role == SORT_ROLE:
            return label if column == 0 else n
        if role == ID_ROLE:
            return facet_clause(key, value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"Narrow the search to {label} ({n} article{'s' if n != 1 else ''}); "
                    "click again to remove the filter")
        return None

