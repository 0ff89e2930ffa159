"""What every item model shares: custom roles, the flat-table base, small text helpers.

Roles: ID_ROLE (the object's id), SORT_ROLE (a sort key), HTML_ROLE (rich text for
`HtmlDelegate`), OBJECT_ROLE (the domain object itself). Helpers: bold spans, note labels,
local times.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from reader.domain import Note
from reader.markup import plain_line

ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
HTML_ROLE = Qt.ItemDataRole.UserRole + 3
OBJECT_ROLE = Qt.ItemDataRole.UserRole + 4

DISPLAY = Qt.ItemDataRole.DisplayRole
ROOT = QModelIndex()  # the invisible root, as a default argument


def bold_span(text: str, start: int, end: int) -> str:
    """HTML of `text` with text[start:end] in <b>, everything escaped."""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    return (html.escape(text[:start]) + "<b>" + html.escape(text[start:end]) + "</b>"
            + html.escape(text[end:]))


class FlatTable(QAbstractTableModel):
    """A flat table over `self._rows` with fixed column `HEADERS` (subclasses add data())."""

    HEADERS: tuple[str, ...] = ()
    _rows: list

    def rowCount(self, parent=ROOT):
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=ROOT):
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=DISPLAY):
        if orientation == Qt.Orientation.Horizontal and role == DISPLAY \
                and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None


def note_label(note: Note) -> str:
    """One line for lists: the note's first line (as plain text), else its quote."""
    lines = (plain_line(line) for line in (note.body or "").splitlines())
    first = next((line for line in lines if line), "")
    if first:
        return first
    quote = " ".join((note.quote or "").split())
    if quote:
        return f"“{quote[:80]}{'…' if len(quote) > 80 else ''}”"
    return "Empty note on the whole article"


def local_time(iso: str) -> str:
    """'2024-05-01 14:03' in local time from a stored UTC timestamp ("" stays "")."""
    from datetime import datetime

    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso[:16].replace("T", " ")


def short_time(iso: str, now=None) -> str:
    """A compact local time for a narrow column: "14:03" today, "1 May" this year, else
    "2023-05-01"."""
    from datetime import datetime

    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return iso[:10]
    now = now or datetime.now().astimezone()
    if moment.date() == now.date():
        return moment.strftime("%H:%M")
    if moment.year == now.year:
        return f"{moment.day} {moment:%b}"
    return moment.strftime("%Y-%m-%d")
