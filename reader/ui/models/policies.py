"""Policies (label, article count, timeline) and the actors who spoke about one."""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt

from reader.domain import Policy
from reader.ui.models.common import (
    DISPLAY,
    HTML_ROLE,
    ID_ROLE,
    OBJECT_ROLE,
    SORT_ROLE,
    FlatTable,
)

# (actor entity id or "", actor name, {stance: count}, total mentions): one actor of a policy.
ActorRow = tuple[str, str, dict[str, int], int]
NameOf = Callable[[str], str | None]  # entity id -> the entity's canonical name, or None


class PolicyModel(FlatTable):
    """Policies and discovered candidates (marked): label, number of articles, first-last
    date (the timeline column)."""

    LABEL, ARTICLES, TIMELINE = range(3)
    HEADERS = ("Policy", "Articles", "Timeline")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[Policy] = []
        self.date_span: tuple[str, str] = ("", "")  # the corpus's date range, for the timeline

    def set_policies(self, policies: Iterable[Policy],
                     span: tuple[str, str] = ("", "")) -> None:
        self.beginResetModel()
        self._rows = sorted(policies, key=lambda p: (-len(p.docs), p.label))
        self.date_span = span
        self.endResetModel()

    def policy(self, row: int) -> Policy | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, policy_id: str) -> int | None:
        for n, pol in enumerate(self._rows):
            if pol.id == policy_id:
                return n
        return None

    def data(self, index, role=DISPLAY):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        pol = self._rows[index.row()]
        col = index.column()
        if role == HTML_ROLE and col == self.LABEL:  # long labels wrap (HtmlDelegate)
            return html.escape(pol.label) + "".join(
                f" · <i>{tag}</i>" for tag in _tags(pol))  # (a colour would vanish when selected)
        if role == DISPLAY:
            if col == self.LABEL:
                return " · ".join([pol.label, *_tags(pol)])
            if col == self.ARTICLES:
                return str(len(pol.docs))
            return date_range(pol.first_date, pol.last_date)
        if role == SORT_ROLE:
            return (pol.label.casefold(), len(pol.docs), pol.first_date or "")[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = pol.description or pol.label
            if pol.discovered:
                tip = ("Discovered in the articles, not in the codebook: promote it to keep "
                       f"it as a policy. {tip}")
            return tip
        if role == Qt.ItemDataRole.TextAlignmentRole and col == self.ARTICLES:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == ID_ROLE:
            return pol.id
        if role == OBJECT_ROLE:
            return pol
        return None


def _tags(pol: Policy) -> list[str]:
    """What marks a policy in the list: "discovered" for a candidate, "hidden"."""
    return [t for t, on in (("discovered", pol.discovered), ("hidden", pol.hidden)) if on]


def date_range(first: str, last: str) -> str:
    first, last = (first or "")[:7], (last or "")[:7]
    if not first and not last:
        return "Undated"
    if first == last or not last:
        return first
    return f"{first} – {last}" if first else last


def actors_of(policy: Policy, name_of: NameOf | None = None) -> list[ActorRow]:
    """(actor entity id, actor name, {stance: count}, total) of a policy's mentions, most
    frequent actor first; mentions without an actor are left out and an "unknown" stance
    is not listed. Actors are grouped by entity id and named by `name_of(entity id)` (the
    entity's canonical name) when it knows them, else as first written."""
    actors: dict[str, tuple[str, str, Counter]] = {}
    for m in policy.mentions:
        actor = m.actor or ""
        name = (name_of(actor) if actor and name_of else None) or m.actor_name or actor
        if not name:
            continue
        _, _, stances = actors.setdefault(actor or name, (actor, name, Counter()))
        stances[m.stance or "unknown"] += 1
    rows = [(actor, name, {s: n for s, n in stances.most_common() if s != "unknown"},
             sum(stances.values())) for actor, name, stances in actors.values()]
    return sorted(rows, key=lambda r: (-r[3], r[1].casefold()))
