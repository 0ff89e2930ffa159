"""The article list: every article (title, source, date, unread in bold, a star on the
starred) and its filter (words, and the `starred:yes` / `tag:x` terms of the search)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QFont

from reader.domain import ArticleInfo
from reader.errors import BadQuery
from reader.services import filters as user_filters
from reader.ui.models.common import DISPLAY, ID_ROLE, OBJECT_ROLE, SORT_ROLE, FlatTable

USER_MARK = " ✎"  # after a value the user set (Edit details…)
STAR = "★ "  # before the title of a starred article


class ArticleModel(FlatTable):
    """Every article: title, source, date; unread ones in bold; a value the user set marked
    with USER_MARK."""

    TITLE, SOURCE, DATE = range(3)
    HEADERS = ("Title", "Source", "Date")
    FIELDS = ("title", "source", "date")  # the metadata field each column shows

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[ArticleInfo] = []
        self._row_of: dict[str, int] = {}
        self._read: set[str] = set()

    def set_articles(self, infos: Iterable[ArticleInfo]) -> None:
        self.beginResetModel()
        self._rows = list(infos)
        self._row_of = {info.id: n for n, info in enumerate(self._rows)}
        self.endResetModel()

    def set_read_docs(self, docs: Iterable[str]) -> None:
        self._read = set(docs)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 2),
                                  [Qt.ItemDataRole.FontRole])

    def set_read(self, doc_id: str, read: bool) -> None:
        (self._read.add if read else self._read.discard)(doc_id)
        row = self._row_of.get(doc_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, 2),
                                  [Qt.ItemDataRole.FontRole])

    def set_info(self, info: ArticleInfo) -> None:
        """Replace one article's entry (its star or tags changed)."""
        row = self._row_of.get(info.id)
        if row is None:
            return
        self._rows[row] = info
        self.dataChanged.emit(self.index(row, 0), self.index(row, 2))

    def is_read(self, doc_id: str) -> bool:
        return doc_id in self._read

    def info(self, doc_id: str) -> ArticleInfo | None:
        row = self._row_of.get(doc_id)
        return None if row is None else self._rows[row]

    def row_of(self, doc_id: str) -> int | None:
        return self._row_of.get(doc_id)

    def ids(self) -> list[str]:
        return [info.id for info in self._rows]

    def data(self, index, role=DISPLAY):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        info = self._rows[index.row()]
        col = index.column()
        if role == DISPLAY:
            text = (info.title or "Untitled", info.source, info.date or "Undated")[col]
            if col == self.TITLE and info.starred:
                text = STAR + text
            return text + USER_MARK if self.FIELDS[col] in info.user_set else text
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = " · ".join(x for x in (info.title, info.source, info.author, info.date) if x)
            tip += f" ({', '.join(info.user_set)} set by you)" if info.user_set else ""
            tip += " · starred" if info.starred else ""
            return tip + (f" · tags: {', '.join(info.tags)}" if info.tags else "")
        if role == Qt.ItemDataRole.FontRole and info.id not in self._read:
            font = QFont()
            font.setBold(True)
            return font
        if role == SORT_ROLE:
            return ((info.title or "").casefold(), (info.source or "").casefold(),
                    info.date or "")[col]
        if role == ID_ROLE:
            return info.id
        if role == OBJECT_ROLE:
            return info
        return None


class ArticleProxy(QSortFilterProxyModel):
    """Filter on title, source and author, case-insensitively, and on the `starred:yes` /
    `tag:x` terms (`reader.services.filters`); sort on SORT_ROLE."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._needle = ""
        self._only: frozenset[str] | None = None  # set_only
        self._marks = user_filters.Filters()  # the filter text's starred:/tag: terms

    def set_only(self, ids) -> None:
        """Show only the articles `ids` (a timeline bar's); None shows every article."""
        self.beginFilterChange()
        self._only = frozenset(ids) if ids is not None else None
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def refilter(self) -> None:
        """Filter again (stars or tags changed under a `starred:`/`tag:` filter)."""
        self.beginFilterChange()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_filter_text(self, text: str) -> None:
        self.beginFilterChange()
        try:
            words, self._marks = user_filters.split(text)
        except BadQuery:  # half-typed (`tag:`): the words as they stand
            words, self._marks = text, user_filters.Filters()
        self._needle = words.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row, parent):
        if not self._needle and self._only is None and not self._marks:
            return True
        info = self.sourceModel().index(row, 0, parent).data(OBJECT_ROLE)
        if self._only is not None and info.id not in self._only:
            return False
        marks = self._marks
        if marks:
            tags = {t.casefold() for t in info.tags}
            if marks.starred is not None and info.starred != marks.starred:
                return False
            if any(t.casefold() not in tags for t in marks.tags) or any(
                    t.casefold() in tags for t in marks.without_tags):
                return False
        hay = " ".join((info.title, info.source, info.author, info.date)).casefold()
        return all(word in hay for word in self._needle.split())
