"""The entity panel: the entity tree, its filter box, its scope (the whole library or the
article being read; hidden entities or not) and the selected entity's details."""

from __future__ import annotations

import html

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, QUrl, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QToolButton,
    QTreeView,
    QWidget,
)

from reader.domain import Entity, Related
from reader.ui.models import ID_ROLE, OBJECT_ROLE, EntityModel
from reader.ui.models.entities import EntityProxy
from reader.ui.panels.common import column, filter_box, list_over_details, plural
from reader.ui.viewer import SafeBrowser
from reader.ui.widgets import EmptyStack

NO_ENTITIES = ("No entities yet.\n\nPeople, organisations and places named in the articles "
               "are listed here once the articles have been read; that happens automatically "
               "after start-up and after an import (the status bar shows its progress).")
NO_ARTICLE = "No article is open.\n\nOpen one to list the entities named in it."
NONE_IN_ARTICLE = "No entities are named in this article."


class EntityPanel(QWidget):
    """Entities grouped by type with counts, a filter box, and the selected one's details."""

    # The current entity changed: (the Entity, or None).
    entity_selected = Signal(object)
    # The tree was right-clicked: (position in the tree's viewport). The window owns the
    # entity actions (menus, shortcuts) and shows them.
    context_menu_requested = Signal(QPoint)
    # An entity: link in the details was clicked: (entity id).
    entity_link_activated = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("entityPanel")
        self.filter = filter_box("Filter entities", "entityFilter")
        self.model = EntityModel(self)
        self.proxy = EntityProxy(self)
        self.proxy.setSourceModel(self.model)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.filter.textChanged.connect(lambda _: self._expand_groups())
        self._announced: str | None = None  # the entity id entity_selected last carried
        # A filter that hides the current entity resets the proxy without currentChanged.
        self.filter.textChanged.connect(lambda _: self._check_current())

        self.tree = QTreeView()
        self.tree.setObjectName("entityTree")
        self.tree.setModel(self.proxy)
        self.tree.setUniformRowHeights(True)
        self.tree.setSortingEnabled(True)
        self.tree.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.tree.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.tree.setDropIndicatorShown(True)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self.context_menu_requested)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Fixed, not ResizeToContents: measuring thousands of rows costs a second per reload.
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, self.tree.fontMetrics().horizontalAdvance("Mentions") + 28)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.model.modelReset.connect(self._restore_expansion)
        self.stack = EmptyStack(self.tree, NO_ENTITIES)
        self._empty = NO_ENTITIES  # the whole list's empty state (None: it has entities)
        self._doc: str | None = None  # the article the list is scoped to (set_article_counts)
        self._related: tuple[str, list[Related]] | None = None  # the last details' related
        self.tree.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())

        # The list's scope: the window gives these buttons their (checkable) actions.
        self.scope_button = QToolButton()
        self.scope_button.setObjectName("entityScopeButton")
        self.hidden_button = QToolButton()
        self.hidden_button.setObjectName("entityHiddenButton")
        scope_row = QWidget()
        row = QHBoxLayout(scope_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.scope_button)
        row.addWidget(self.hidden_button)
        row.addStretch(1)
        # What the list shows while scoped to an article ("12 in “Title”").
        self.scope_label = QLabel()
        self.scope_label.setObjectName("entityScopeLabel")
        self.scope_label.hide()

        self.details = SafeBrowser()
        self.details.setObjectName("entityDetails")
        self.details.link_activated.connect(self._on_link)

        # The details, then (set_timeline_widget) the entity's mentions over time.
        self.detail_box = column(self.details)
        self.timeline_caption = QLabel("Mentions over time (click a bar for its articles)")
        self.timeline_caption.setObjectName("timelineCaption")
        self.timeline_caption.hide()
        self.detail_box.layout().addWidget(self.timeline_caption)
        self.timeline: QWidget | None = None
        self.splitter = list_over_details(
            self, "entitySplitter",
            column(self.filter, scope_row, self.scope_label, self.stack), self.detail_box)
        self._collapsed: set[str] = set()
        self.tree.collapsed.connect(lambda i: self._collapsed.add(i.data(ID_ROLE)))
        self.tree.expanded.connect(lambda i: self._collapsed.discard(i.data(ID_ROLE)))
        self.show_details(None)

    # -- data ----------------------------------------------------------------------------
    def set_entities(self, entities: list[Entity] | None, keep: str | None = None) -> None:
        """Replace the list; `None` means the feature is unavailable. Re-selects `keep`."""
        keep = keep if keep is not None else self.current_id()
        self.model.set_entities(entities or [])
        self._empty = None if entities else NO_ENTITIES
        self._show_empty()
        if keep:
            self.select(keep)

    def set_article_counts(self, counts: dict[str, int] | None, title: str = "",
                           doc: str | None = None) -> None:
        """List only the entities of article `doc` with their mentions in it (`counts`, by
        entity id; `doc` None: no article is open), or (counts None) the whole library."""
        self.model.set_doc_counts(counts)
        self.proxy.refilter()
        self._restore_expansion()
        self.scope_label.setVisible(counts is not None and doc is not None)
        if counts is not None and doc is not None:
            noun = "entity" if len(counts) == 1 else "entities"
            label = f"{len(counts)} {noun} in “{title or doc}”"
            self.scope_label.setText(html.escape(label))
            self.scope_label.setToolTip(label)
        self._doc = doc
        self._show_empty()
        self._check_current()

    def _show_empty(self) -> None:
        counts = self.model.doc_counts()
        if self._empty or counts is None:
            self.stack.set_empty(self._empty)
        elif self._doc is None:
            self.stack.set_empty(NO_ARTICLE)
        else:
            self.stack.set_empty(None if counts else NONE_IN_ARTICLE)

    def select(self, ref: str) -> bool:
        """Make the entity with id (or name) `ref` current; False when it is not listed."""
        ent = self.model.find(ref)
        if ent is None:
            return False
        source = self.model.index_of(ent.id)
        index = self.proxy.mapFromSource(source)
        if not index.isValid():
            return False
        self.tree.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.tree.scrollTo(index)
        return True

    def current(self) -> Entity | None:
        index = self.tree.currentIndex()
        return self.proxy.data(index, OBJECT_ROLE) if index.isValid() else None

    def current_id(self) -> str | None:
        ent = self.current()
        return ent.id if ent is not None else None

    def selected(self) -> list[Entity]:
        rows = self.tree.selectionModel().selectedRows(0)
        out = [self.proxy.data(i, OBJECT_ROLE) for i in rows]
        return [e for e in out if e is not None]

    def show_details(self, ent: Entity | None, related: list[Related] | None = None) -> None:
        chosen = self.selected()
        if self.timeline is not None:  # one entity's chart: not for several
            self.timeline.setVisible(ent is not None and len(chosen) < 2)
            self.timeline_caption.setVisible(ent is not None and len(chosen) < 2)
        if len(chosen) > 1:
            names = ", ".join(html.escape(e.name) for e in chosen[:8])
            more = f" and {len(chosen) - 8} more" if len(chosen) > 8 else ""
            self.details.set_safe_html(
                f"<h3>{len(chosen)} entities selected</h3><p>{names}{more}</p>"
                "<p>Merge them into one (Ctrl+M) or hide them all (Ctrl+H); one undo "
                "(Ctrl+Z) takes either back.</p>")
            return
        if ent is not None and related is None and self._related is not None \
                and self._related[0] == ent.id:
            related = self._related[1]
        elif ent is not None and related is not None:
            self._related = (ent.id, related)
        if ent is None:
            self.details.set_safe_html("<p>Select an entity to see where it is mentioned. "
                                       "Drag one entity onto another to merge them; right-click "
                                       "for rename, hide and type.</p>")
            return
        aliases = [a for a in ent.aliases if a != ent.name]
        parts = [f"<h3>{html.escape(ent.name)}</h3>",
                 f"<p>{html.escape(ent.type)} · {plural(ent.count, 'mention')} in "
                 f"{plural(len(ent.docs), 'article')}</p>"]
        if self.model.doc_counts() is not None:
            here = self.model.count_of(ent)
            parts.append(f"<p>{plural(here, 'mention')} in this article</p>")
        if ent.hidden:
            parts.append("<p><i>Hidden</i>: left out of the list, the search filters and the "
                         "highlights. Show it again with Ctrl+Shift+H.</p>")
        if aliases:
            parts.append("<p><b>Also written</b> " + ", ".join(html.escape(a) for a in aliases)
                         + "</p>")
        # Dates and sums co-occur with everything: as "related" they are noise.
        related = [r for r in related if r.entity.type not in ("Date", "Money")] \
            if related is not None else None
        if related:
            links = [f'<a href="entity:{html.escape(r.entity.id)}">'
                     f"{html.escape(r.entity.name)}</a>" for r in related]
            parts.append("<p><b>Related</b> " + ", ".join(links) + "</p>")
        elif related is not None:
            parts.append("<p><b>Related</b> none found</p>")
        self.details.set_safe_html("".join(parts))

    def set_timeline_widget(self, chart: QWidget) -> None:
        """Show `chart` (the selected entity's timeline, fed by the window) under the
        details; it and its caption are shown only while an entity is selected."""
        self.timeline = chart
        self.detail_box.layout().addWidget(chart)
        chart.setVisible(self.current() is not None)
        self.timeline_caption.setVisible(self.current() is not None)

    # -- internals -----------------------------------------------------------------------
    def _selection_changed(self) -> None:
        # Several rows selected: the details say what can be done with them all; back to one,
        # the current entity's details (its related entities come with the next selection).
        if len(self.tree.selectionModel().selectedRows(0)) > 1:
            self.show_details(None)
        elif self._announced is not None and self.current() is not None:
            self.show_details(self.current())

    def _current_changed(self, current: QModelIndex, _previous) -> None:
        ent = self.proxy.data(current, OBJECT_ROLE) if current.isValid() else None
        self._announced = ent.id if ent is not None else None
        self.entity_selected.emit(ent)

    def _check_current(self) -> None:
        if self._announced is not None and self.current() is None:
            self._announced = None
            self.entity_selected.emit(None)

    def _expand_groups(self) -> None:
        for row in range(self.proxy.rowCount()):
            self.tree.expand(self.proxy.index(row, 0))

    def _restore_expansion(self) -> None:
        # Group by group: expandAll() asks every one of thousands of entities for children.
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            self.tree.setExpanded(index, index.data(ID_ROLE) not in self._collapsed)

    def _on_link(self, url: QUrl) -> None:
        if url.scheme() == "entity":
            self.entity_link_activated.emit(url.path())
