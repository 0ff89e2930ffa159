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
        self._order = (self.DATE, Qt.SortOrder.DescendingOrder)

    def set_articles(self, infos: Iterable[ArticleInfo]) -> None:
        self.beginResetModel()
        self._rows = self._sorted(infos)
        self._row_of = {info.id: n for n, info in enumerate(self._rows)}
        self.endResetModel()

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """Put the rows in order by one column's SORT_ROLE value. The list sorts here, with
        one key per row, and not in the proxy: Qt's proxy asks `data()` twice per comparison
        (at 10,000 articles ~150k calls into Python, 0.85 s on every reload)."""
        if not 0 <= column < len(self.HEADERS):
            return
        self._order = (column, order)
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        ids = [self._rows[i.row()].id for i in before]
        self._rows = self._sorted(self._rows)
        self._row_of = {info.id: n for n, info in enumerate(self._rows)}
        self.changePersistentIndexList(
            before, [self.index(self._row_of[i], x.column()) for i, x in zip(ids, before,
                                                                             strict=True)])
        self.layoutChanged.emit()

    def _sorted(self, infos: Iterable[ArticleInfo]) -> list[ArticleInfo]:
        column, order = self._order
        return sorted(infos, key=lambda info: _sort_key(info, column),
                      reverse=order == Qt.SortOrder.DescendingOrder)

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
            return _sort_key(info, col)
        if role == ID_ROLE:
            return info.id
        if role == OBJECT_ROLE:
            return info
        return None


def _sort_key(info: ArticleInfo, column: int) -> str:
    if column == ArticleModel.TITLE:
        return (info.title or "").casefold()
    if column == ArticleModel.SOURCE:
        return (info.source or "").casefold()
    return info.date or ""


class ArticleProxy(QSortFilterProxyModel):
    """Filter on title, source and author, case-insensitively, and on the `starred:yes` /
    `tag:x` terms (`reader.services.filters`). Sorting is the list's own (`ArticleModel.sort`):
    the proxy keeps the list's order."""

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)

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
