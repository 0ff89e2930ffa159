"""The Notes tab's list: every note (the trash too) and the proxy choosing which are shown."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QFont

from reader.domain import Note
from reader.ui.models.common import (
    DISPLAY,
    ID_ROLE,
    OBJECT_ROLE,
    SORT_ROLE,
    FlatTable,
    local_time,
    note_label,
    short_time,
)

ORPHAN_TIP = ("The quoted passage is no longer in the article (its text changed). The note "
              "and its quote are kept.")


class NoteModel(FlatTable):
    """Every note (the trash too): note, article, tags, last change. The proxy chooses which
    are shown; orphans are marked "⚠" and in italics, never left out."""

    NOTE, ARTICLE, TAGS, UPDATED = range(4)
    HEADERS = ("Note", "Article", "Tags", "Updated")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[Note] = []
        self._titles: dict[str, str] = {}

    def set_notes(self, notes: Iterable[Note], titles: dict[str, str] | None = None) -> None:
        self.beginResetModel()
        self._rows = list(notes)
        if titles is not None:
            self._titles = dict(titles)
        self.endResetModel()

    def set_titles(self, titles: dict[str, str]) -> None:
        self._titles = dict(titles)
        if self._rows:
            self.dataChanged.emit(self.index(0, self.ARTICLE),
                                  self.index(len(self._rows) - 1, self.ARTICLE))

    def title(self, doc: str) -> str:
        return self._titles.get(doc) or f"{doc} (no longer in the library)"

    def notes(self) -> list[Note]:
        return list(self._rows)

    def note(self, row: int) -> Note | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, note_id: int) -> int | None:
        for n, note in enumerate(self._rows):
            if note.id == note_id:
                return n
        return None

    def find(self, note_id: int) -> Note | None:
        row = self.row_of(note_id)
        return None if row is None else self._rows[row]

    def replace(self, note: Note) -> None:
        """Show the saved version of a note in place (added at the end if it is new)."""
        row = self.row_of(note.id)
        if row is None:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
            self._rows.append(note)
            self.endInsertRows()
            return
        self._rows[row] = note
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))

    def data(self, index, role=DISPLAY):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        note = self._rows[index.row()]
        col = index.column()
        orphan = note.orphan
        if role == DISPLAY:
            if col == self.NOTE:
                return ("⚠ " if orphan else "") + note_label(note)
            if col == self.ARTICLE:
                return self.title(note.doc)
            if col == self.TAGS:
                return ", ".join(note.tags or ())
            return short_time(note.updated or note.created)
        if role == SORT_ROLE:
            return (note_label(note).lstrip("“").casefold(), self.title(note.doc).casefold(),
                    ", ".join(note.tags or ()).casefold(), note.updated or note.created or "")[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.UPDATED:
                return (f"Updated {local_time(note.updated)}\n"
                        f"Created {local_time(note.created)}")
            text = " ".join((note.quote or note.body or "").split())[:300]
            return f"{ORPHAN_TIP}\n\n{text}" if orphan else text or None
        if role == Qt.ItemDataRole.FontRole and orphan:
            font = QFont()
            font.setItalic(True)
            return font
        if role == ID_ROLE:
            return note.id
        if role == OBJECT_ROLE:
            return note
        return None


class NoteProxy(QSortFilterProxyModel):
    """Which notes the Notes tab lists: a view (this article, all, orphans, trash) and an
    optional tag; sorted on SORT_ROLE."""

    VIEWS = ("article", "all", "orphans", "trash")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.view = "article"
        self.doc: str | None = None
        self.tag: str | None = None

    def set_filter(self, view: str | None = None, doc: str | None | bool = False,
                   tag: str | None | bool = False) -> None:
        """Change any of view / doc / tag (False leaves one as it is)."""
        if view is not None and view not in self.VIEWS:
            raise ValueError(f"unknown notes view {view!r}")
        self.beginFilterChange()
        if view is not None:
            self.view = view
        if doc is not False:
            self.doc = doc
        if tag is not False:
            self.tag = tag.casefold() if tag else None
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def accepts(self, note: Note) -> bool:
        if self.view == "trash":
            if not note.trashed:
                return False
        elif note.trashed:
            return False
        elif self.view == "article" and note.doc != self.doc:
            return False
        elif self.view == "orphans" and not note.orphan:
            return False
        return self.tag is None or self.tag in {t.casefold() for t in note.tags or ()}

    def filterAcceptsRow(self, row, parent):
        note = self.sourceModel().index(row, 0, parent).data(OBJECT_ROLE)
        return note is not None and self.accepts(note)
