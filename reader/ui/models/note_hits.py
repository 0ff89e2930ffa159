"""Notes found by the main search: label, article, tags and quote."""

from __future__ import annotations

import html
from collections.abc import Iterable

from PySide6.QtCore import QAbstractListModel, Qt

from reader.domain import Note
from reader.ui.models.common import DISPLAY, HTML_ROLE, ID_ROLE, OBJECT_ROLE, ROOT, note_label


class NoteHitModel(QAbstractListModel):
    """Notes found by the main search: label, article, tags and quote (HTML_ROLE)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._notes: list[Note] = []
        self._titles: dict[str, str] = {}

    def set_notes(self, notes: Iterable[Note] | None, titles: dict[str, str] | None = None) -> None:
        self.beginResetModel()
        self._notes = list(notes or ())
        self._titles = dict(titles or {})
        self.endResetModel()

    def note(self, row: int) -> Note | None:
        return self._notes[row] if 0 <= row < len(self._notes) else None

    def rowCount(self, parent=ROOT):
        return 0 if parent.isValid() else len(self._notes)

    def data(self, index, role=DISPLAY):
        if not index.isValid() or not 0 <= index.row() < len(self._notes):
            return None
        note = self._notes[index.row()]
        if role == DISPLAY:
            return note_label(note)
        if role == HTML_ROLE:
            meta = " · ".join(x for x in (self._titles.get(note.doc, note.doc),
                                          ", ".join(f"#{t}" for t in note.tags or ()),
                                          "orphan" if note.orphan else "") if x)
            quote = _clip(" ".join((note.quote or "").split()), 110)
            quote = f"<br><i>“{html.escape(quote)}”</i>" if quote else ""
            return (f"<b>{html.escape(_clip(note_label(note), 110))}</b><br>"
                    f'<span class="muted">{html.escape(meta)}</span>{quote}')
        if role == Qt.ItemDataRole.ToolTipRole:
            return " ".join((note.body or note.quote or "").split())[:300] or None
        if role == ID_ROLE:
            return note.id
        if role == OBJECT_ROLE:
            return note
        return None


def _clip(text: str, limit: int) -> str:
    """`text` cut at a word boundary to about `limit` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return (cut or text[:limit]).rstrip(",;:.") + "…"
