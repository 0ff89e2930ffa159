"""Who proposed what: one row per policy mention with a named actor (policy, actor, stance,
date, sentence), for the sortable, filterable table and its CSV export."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from reader.domain import Policy
from reader.ui.models.common import DISPLAY, OBJECT_ROLE, SORT_ROLE, FlatTable
from reader.ui.models.policies import NameOf

_STANCE_ORDER = {"proposes": 0, "supports": 1, "opposes": 2, "sceptical": 3, "unknown": 4}


@dataclass(frozen=True)
class ProposerRow:
    """One statement: who (`actor`, as named) took which stance on which policy, when, and
    where (`doc`, body offsets of the sentence)."""

    policy_id: str
    policy: str
    discovered: bool
    actor: str
    stance: str
    date: str
    sentence: str
    doc: str
    start: int
    end: int

    def csv_row(self) -> list[str]:
        return [self.policy, self.actor, self.stance, self.date, self.sentence, self.doc,
                str(self.start), str(self.end)]


CSV_HEADER = ["policy", "actor", "stance", "date", "sentence", "article", "start", "end"]


def proposer_rows(policies: Iterable[Policy], name_of: NameOf | None = None
                  ) -> list[ProposerRow]:
    """The mentions of `policies` whose actor is known, the actor named by `name_of(entity
    id)` (the entity's canonical name) when it knows them, else as written."""
    rows = []
    for pol in policies:
        for m in pol.mentions:
            if not m.actor and not m.actor_name:
                continue
            name = (name_of(m.actor) if m.actor and name_of else None) or m.actor_name \
                or m.actor
            rows.append(ProposerRow(pol.id, pol.label, pol.discovered, name, m.stance or
                                    "unknown", m.date, " ".join(m.text.split()), m.doc,
                                    m.start, m.end))
    return rows


class ProposerModel(FlatTable):
    """Rows of `proposer_rows`: Policy, Actor, Stance, Date, Sentence."""

    POLICY, ACTOR, STANCE, DATE, SENTENCE = range(5)
    HEADERS = ("Policy", "Actor", "Stance", "Date", "Sentence")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[ProposerRow] = []

    def set_rows(self, rows: Iterable[ProposerRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[ProposerRow]:
        return list(self._rows)

    def data(self, index, role=DISPLAY):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role == DISPLAY:
            return (row.policy, row.actor, row.stance, row.date or "undated",
                    row.sentence)[col]
        if role == Qt.ItemDataRole.FontRole and col == self.POLICY and row.discovered:
            font = QFont()
            font.setItalic(True)  # a discovered candidate, as in the Policies tab
            return font
        if role == SORT_ROLE:  # strings: Qt compares them (not Python tuples)
            when = f"{0 if row.date else 1}{row.date}\x1f{row.doc}\x1f{row.start:09d}"
            return (f"{row.policy.casefold()}\x1f{when}", f"{row.actor.casefold()}\x1f{when}",
                    f"{_STANCE_ORDER.get(row.stance, 9)}\x1f{when}", when,
                    row.sentence.casefold())[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.POLICY and row.discovered:
                return f"{row.policy}: discovered in the articles, not in the codebook"
            return row.sentence if col == self.SENTENCE else None
        if role == OBJECT_ROLE:
            return row
        return None
