"""Item models over domain objects (articles, hits, facets, entities, policies, mentions,
notes).

Models hold plain lists of library objects and never call the library: the window fetches
data through the task runner and hands it over with `set_*`. Custom roles: ID_ROLE (the
object's id), SORT_ROLE (a sort key), HTML_ROLE (rich text for `HtmlDelegate`), OBJECT_ROLE
(the domain object itself).
"""

from __future__ import annotations

import html
import re
from collections import Counter

import nh3
from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont

ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
HTML_ROLE = Qt.ItemDataRole.UserRole + 3
OBJECT_ROLE = Qt.ItemDataRole.UserRole + 4

ENTITY_MIME = "application/x-reader-entity"
# The entity types, in the order the sidebar groups them (the library's TYPES).
TYPE_ORDER = ("Person", "Organisation", "Place", "Law", "Work", "Date", "Money")
_DISPLAY = Qt.ItemDataRole.DisplayRole
_ROOT = QModelIndex()  # the invisible root, as a default argument


def count_of(value) -> int:
    """`Entity.docs` / `Policy.docs` may be a count or a collection of ids."""
    if value is None:
        return 0
    return value if isinstance(value, int) else len(value)


def bold_span(text: str, start: int, end: int) -> str:
    """HTML of `text` with text[start:end] in <b>, everything escaped."""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    return (html.escape(text[:start]) + "<b>" + html.escape(text[start:end]) + "</b>"
            + html.escape(text[end:]))


# -- articles ----------------------------------------------------------------------------


class _Table(QAbstractTableModel):
    """A flat table over `self._rows` with fixed column `HEADERS` (subclasses add data())."""

    HEADERS: tuple[str, ...] = ()
    _rows: list

    def rowCount(self, parent=_ROOT):
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=_ROOT):
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=_DISPLAY):
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY \
                and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None


class ArticleModel(_Table):
    """Every article: title, source, date; unread ones in bold."""

    TITLE, SOURCE, DATE = range(3)
    HEADERS = ("Title", "Source", "Date")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list = []
        self._row_of: dict[str, int] = {}
        self._read: set[str] = set()

    def set_articles(self, infos) -> None:
        self.beginResetModel()
        self._rows = list(infos)
        self._row_of = {info.id: n for n, info in enumerate(self._rows)}
        self.endResetModel()

    def set_read_docs(self, docs) -> None:
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

    def is_read(self, doc_id: str) -> bool:
        return doc_id in self._read

    def info(self, doc_id: str):
        row = self._row_of.get(doc_id)
        return None if row is None else self._rows[row]

    def row_of(self, doc_id: str) -> int | None:
        return self._row_of.get(doc_id)

    def ids(self) -> list[str]:
        return [info.id for info in self._rows]

    def data(self, index, role=_DISPLAY):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        info = self._rows[index.row()]
        col = index.column()
        if role == _DISPLAY:
            return (info.title or "Untitled", info.source, info.date or "Undated")[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return " · ".join(x for x in (info.title, info.source, info.author, info.date) if x)
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
    """Filter on title, source and author, case-insensitively; sort on SORT_ROLE."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._needle = ""

    def set_filter_text(self, text: str) -> None:
        self.beginFilterChange()
        self._needle = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row, parent):
        if not self._needle:
            return True
        info = self.sourceModel().index(row, 0, parent).data(OBJECT_ROLE)
        hay = " ".join((info.title, info.source, info.author, info.date)).casefold()
        return all(word in hay for word in self._needle.split())


# -- search results ----------------------------------------------------------------------


class HitModel(QAbstractListModel):
    """Search hits: title, meta and the snippet with matches in bold (HTML_ROLE)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._hits: list = []

    def set_hits(self, hits) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def hit(self, row: int):
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def rowCount(self, parent=_ROOT):
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index, role=_DISPLAY):
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == _DISPLAY:
            return hit.title
        if role == HTML_ROLE:
            meta = " · ".join(x for x in (hit.date or "Undated", hit.source) if x)
            snippet = nh3.clean(" ".join(hit.snippet.split()), tags={"b"}, attributes={})
            return (f"<b>{html.escape(hit.title or 'Untitled')}</b><br>"
                    f'<span class="muted">{html.escape(meta)}</span><br>{snippet}')
        if role == Qt.ItemDataRole.ToolTipRole:
            return hit.title
        if role == ID_ROLE:
            return hit.id
        if role == OBJECT_ROLE:
            return hit
        return None


# -- two-level trees: facets and entities ------------------------------------------------


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

    def index(self, row, column, parent=_ROOT):
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        if parent.internalId() == 0:
            return self.createIndex(row, column, parent.row() + 1)
        return QModelIndex()

    def parent(self, index=_ROOT):
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent=_ROOT):
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self._groups[parent.row()][1])
        return 0

    def columnCount(self, parent=_ROOT):
        return len(self.HEADERS)

    def headerData(self, section, orientation, role=_DISPLAY):
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY \
                and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def data(self, index, role=_DISPLAY):
        if not index.isValid():
            return None
        if index.internalId() == 0:
            name, items = self._groups[index.row()]
            return self.group_data(name, items, index.column(), role)
        return self.item_data(self.item(index), index.column(), role)

    def group_data(self, name, items, column, role):
        if role == _DISPLAY:
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


class FacetModel(GroupedModel):
    """Facet counts of a search: group (Entity, Policy, Source, Year) -> value, count.

    ID_ROLE of a value row is the query clause that narrows the search to it."""

    GROUPS = (("entity", "Entities"), ("policy", "Policies"), ("source", "Sources"),
              ("year", "Years"))
    LIMIT = 12

    def set_facets(self, facets: dict[str, dict[str, int]], label_of=None) -> None:
        """`label_of(key, value)` gives the display name of an indexed value (the index
        keeps entity names lower-cased and policy ids), or None to leave the value out."""
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
            if items:
                groups.append((title, items))
        self._set_groups(groups)

    def group_data(self, name, items, column, role):
        if role == _DISPLAY and column == 0:
            return name
        return super().group_data(name, items, column, role)

    def item_data(self, item, column, role):
        key, value, n, label = item
        if role == _DISPLAY:
            return label if column == 0 else str(n)
        if role == SORT_ROLE:
            return label if column == 0 else n
        if role == ID_ROLE:
            return facet_clause(key, value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Narrow the search to {label} ({n} articles)"
        return None


def facet_clause(key: str, value: str) -> str:
    """The query clause selecting one facet value (entity/policy are exact keyword terms)."""
    if key == "year":
        return f"date:{value}"
    if key == "source":
        return f'source:"{value}"' if " " in value else f"source:{value}"
    quoted = value.replace("'", " ")
    return f"{key}:'{quoted}'"


class EntityModel(GroupedModel):
    """Entities grouped by type, most mentioned first; items can be dragged onto each other.

    Dropping entity A on entity B emits `merge_requested(A id, B id)`; the model itself is
    only changed when the window reloads it after the edit."""

    HEADERS = ("Entity", "Mentions")
    # An entity was dropped on another: (source id, target id).
    merge_requested = Signal(str, str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._by_id: dict[str, object] = {}

    def set_entities(self, entities) -> None:
        by_type: dict[str, list] = {}
        for ent in entities or ():
            by_type.setdefault(ent.type or "Other", []).append(ent)
        order = {t: n for n, t in enumerate(TYPE_ORDER)}
        groups = [(t, sorted(items, key=lambda e: (-_mentions(e), e.name.casefold())))
                  for t, items in sorted(by_type.items(),
                                         key=lambda kv: (order.get(kv[0], 99), kv[0]))]
        self._by_id = {e.id: e for _, items in groups for e in items}
        self._set_groups(groups)

    def entity(self, entity_id: str):
        return self._by_id.get(entity_id)

    def find(self, ref: str):
        """The entity with id `ref`, else the one named (or also written) `ref`."""
        if ref in self._by_id:
            return self._by_id[ref]
        key = " ".join(ref.split()).casefold()
        for ent in self._by_id.values():
            if ent.name.casefold() == key:
                return ent
        for ent in self._by_id.values():
            if any(a.casefold() == key for a in getattr(ent, "aliases", ()) or ()):
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

    def item_data(self, ent, column, role):
        if role == _DISPLAY:
            return ent.name if column == 0 else str(_mentions(ent))
        if role == SORT_ROLE:
            return ent.name.casefold() if column == 0 else _mentions(ent)
        if role == Qt.ItemDataRole.ToolTipRole:
            aliases = [a for a in (getattr(ent, "aliases", ()) or ()) if a != ent.name]
            docs = count_of(getattr(ent, "docs", None))
            tip = f"{ent.name} ({ent.type}): {_mentions(ent)} mentions in {docs} articles"
            return tip + (f"\nAlso: {', '.join(aliases)}" if aliases else "")
        if role == Qt.ItemDataRole.FontRole and getattr(ent, "hidden", False):
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


def _mentions(ent) -> int:
    count = getattr(ent, "count", None)
    return count if isinstance(count, int) else len(getattr(ent, "mentions", ()) or ())


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


# -- policies ----------------------------------------------------------------------------


class PolicyModel(_Table):
    """Policies: label, number of articles, first-last date (the timeline column)."""

    LABEL, ARTICLES, TIMELINE = range(3)
    HEADERS = ("Policy", "Articles", "Timeline")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list = []
        self.date_span: tuple[str, str] = ("", "")  # the corpus's date range, for the timeline

    def set_policies(self, policies, span: tuple[str, str] = ("", "")) -> None:
        self.beginResetModel()
        self._rows = sorted(policies or (), key=lambda p: (-count_of(p.docs), p.label))
        self.date_span = span
        self.endResetModel()

    def policy(self, row: int):
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, policy_id: str) -> int | None:
        for n, pol in enumerate(self._rows):
            if pol.id == policy_id:
                return n
        return None

    def data(self, index, role=_DISPLAY):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        pol = self._rows[index.row()]
        col = index.column()
        if role == HTML_ROLE and col == self.LABEL:  # long labels wrap (HtmlDelegate)
            return html.escape(pol.label)
        if role == _DISPLAY:
            if col == self.LABEL:
                return pol.label
            if col == self.ARTICLES:
                return str(count_of(pol.docs))
            return date_range(pol.first_date, pol.last_date)
        if role == SORT_ROLE:
            return (pol.label.casefold(), count_of(pol.docs), pol.first_date or "")[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return getattr(pol, "description", "") or pol.label
        if role == Qt.ItemDataRole.TextAlignmentRole and col == self.ARTICLES:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == ID_ROLE:
            return pol.id
        if role == OBJECT_ROLE:
            return pol
        return None


def date_range(first: str, last: str) -> str:
    first, last = (first or "")[:7], (last or "")[:7]
    if not first and not last:
        return "Undated"
    if first == last or not last:
        return first
    return f"{first} – {last}" if first else last


def actors_of(policy, name_of=None) -> list[tuple[str, str, dict[str, int], int]]:
    """(actor entity id, actor name, {stance: count}, total) of a policy's mentions, most
    frequent actor first; mentions without an actor are left out and an "unknown" stance
    is not listed. Actors are grouped by entity id and named by `name_of(entity id)` (the
    entity's canonical name) when it knows them, else as first written."""
    actors: dict[str, tuple[str, str, Counter]] = {}
    for m in getattr(policy, "mentions", ()) or ():
        actor = getattr(m, "actor", "") or ""
        name = (name_of(actor) if actor and name_of else None) \
            or getattr(m, "actor_name", "") or actor
        if not name:
            continue
        _, _, stances = actors.setdefault(actor or name, (actor, name, Counter()))
        stances[getattr(m, "stance", "") or "unknown"] += 1
    rows = [(actor, name, {s: n for s, n in stances.most_common() if s != "unknown"},
             sum(stances.values())) for actor, name, stances in actors.values()]
    return sorted(rows, key=lambda r: (-r[3], r[1].casefold()))


# -- mentions ----------------------------------------------------------------------------


class MentionModel(_Table):
    """Every mention across the corpus: article, date, sentence with the mention in bold.

    Rows are handed to the view in batches (Qt's canFetchMore/fetchMore): a word-wrapped
    view sizes every row it has, and sizing a row reads its sentence from the article, so
    an entity with thousands of mentions would otherwise read them all before showing one.
    `total` counts every mention; `rowCount()` only those fetched so far."""

    ARTICLE, DATE, SENTENCE = range(3)
    HEADERS = ("Article", "Date", "Sentence")
    BATCH = 200

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list = []  # every context; the first `_fetched` are in the model
        self._fetched = 0
        self._inserting = False

    def set_contexts(self, contexts) -> None:
        self.beginResetModel()
        self._rows = list(contexts or ())
        self._fetched = min(len(self._rows), self.BATCH)
        self.endResetModel()

    @property
    def total(self) -> int:
        return len(self._rows)

    def context(self, row: int):
        """The context at `row` of all mentions (fetched or not)."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def contexts(self) -> list:
        return list(self._rows)

    def canFetchMore(self, parent=_ROOT):
        return not parent.isValid() and self._fetched < len(self._rows)

    def fetchMore(self, parent=_ROOT):
        if parent.isValid():
            return
        self.fetch_to(self._fetched + self.BATCH - 1)

    def fetch_to(self, row: int) -> None:
        """Make rows up to `row` (and the rest of its batch) part of the model."""
        if row < self._fetched or self._inserting:
            return
        end = min(len(self._rows), max(row + 1, self._fetched + self.BATCH))
        if end <= self._fetched:
            return
        # A view (or the model tester) may ask for more from inside rowsAboutToBeInserted.
        self._inserting = True
        try:
            self.beginInsertRows(QModelIndex(), self._fetched, end - 1)
            self._fetched = end
            self.endInsertRows()
        finally:
            self._inserting = False

    def rowCount(self, parent=_ROOT):
        return 0 if parent.isValid() else self._fetched

    def data(self, index, role=_DISPLAY):
        if not index.isValid() or not 0 <= index.row() < self._fetched:
            return None
        ctx = self._rows[index.row()]
        col = index.column()
        if role == _DISPLAY:
            return (ctx.title, ctx.date or "Undated", " ".join(ctx.sentence.split()))[col]
        if role == HTML_ROLE:  # every column wraps the same way (HtmlDelegate)
            if col == self.SENTENCE:
                at = ctx.start - ctx.sentence_start
                return " ".join(bold_span(ctx.sentence, at, at + (ctx.end - ctx.start)).split())
            return html.escape((ctx.title or "Untitled", ctx.date or "Undated", "")[col])
        if role == Qt.ItemDataRole.ToolTipRole:
            return ctx.title if col == self.ARTICLE else None
        if role == OBJECT_ROLE:
            return ctx
        if role == ID_ROLE:
            return ctx.doc
        return None


# -- notes -------------------------------------------------------------------------------


_MD_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")  # [text](url), ![alt](src)
_MD_ENTITY = re.compile(r"\[\[([^\[\]\n]+)\]\]")  # [[Entity name]]
_MD_MARKS = re.compile(r"(\*\*|__|\*|`|~~)")
_MD_LEAD = re.compile(r"^\s*(#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)+")


def plain_line(markdown: str) -> str:
    """A line of Markdown as plain text for lists: no #, >, list marks, emphasis or link
    syntax ("[[Leeds]]" -> "Leeds", "[site](https://…)" -> "site")."""
    text = _MD_LEAD.sub("", markdown)
    text = _MD_ENTITY.sub(r"\1", text)
    text = _MD_LINK.sub(r"\1", text)
    return " ".join(_MD_MARKS.sub("", text).split())


def note_label(note) -> str:
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


ORPHAN_TIP = ("The quoted passage is no longer in the article (its text changed). The note "
              "and its quote are kept.")


class NoteModel(_Table):
    """Every note (the trash too): note, article, tags, last change. The proxy chooses which
    are shown; orphans are marked "⚠" and in italics, never left out."""

    NOTE, ARTICLE, TAGS, UPDATED = range(4)
    HEADERS = ("Note", "Article", "Tags", "Updated")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list = []
        self._titles: dict[str, str] = {}

    def set_notes(self, notes, titles: dict[str, str] | None = None) -> None:
        self.beginResetModel()
        self._rows = list(notes or ())
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

    def notes(self) -> list:
        return list(self._rows)

    def note(self, row: int):
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, note_id) -> int | None:
        for n, note in enumerate(self._rows):
            if note.id == note_id:
                return n
        return None

    def find(self, note_id):
        row = self.row_of(note_id)
        return None if row is None else self._rows[row]

    def replace(self, note) -> None:
        """Show the saved version of a note in place (added at the end if it is new)."""
        row = self.row_of(note.id)
        if row is None:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
            self._rows.append(note)
            self.endInsertRows()
            return
        self._rows[row] = note
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))

    def data(self, index, role=_DISPLAY):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        note = self._rows[index.row()]
        col = index.column()
        orphan = bool(getattr(note, "orphan", False))
        if role == _DISPLAY:
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

    def accepts(self, note) -> bool:
        if self.view == "trash":
            if not note.trashed:
                return False
        elif getattr(note, "trashed", False):
            return False
        elif self.view == "article" and note.doc != self.doc:
            return False
        elif self.view == "orphans" and not note.orphan:
            return False
        return self.tag is None or self.tag in {t.casefold() for t in note.tags or ()}

    def filterAcceptsRow(self, row, parent):
        note = self.sourceModel().index(row, 0, parent).data(OBJECT_ROLE)
        return note is not None and self.accepts(note)


class NoteHitModel(QAbstractListModel):
    """Notes found by the main search: label, article, tags and quote (HTML_ROLE)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._notes: list = []
        self._titles: dict[str, str] = {}

    def set_notes(self, notes, titles: dict[str, str] | None = None) -> None:
        self.beginResetModel()
        self._notes = list(notes or ())
        self._titles = dict(titles or {})
        self.endResetModel()

    def note(self, row: int):
        return self._notes[row] if 0 <= row < len(self._notes) else None

    def rowCount(self, parent=_ROOT):
        return 0 if parent.isValid() else len(self._notes)

    def data(self, index, role=_DISPLAY):
        if not index.isValid() or not 0 <= index.row() < len(self._notes):
            return None
        note = self._notes[index.row()]
        if role == _DISPLAY:
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
