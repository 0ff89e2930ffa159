"""Sidebar and bottom panels: search results, entities, policies and the mention list.

Panels own their views and models and report what the user did through signals; the main
window does the fetching (through the task runner) and hands data back with `set_*`.
"""

from __future__ import annotations

import html

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from reader.ui.models import (
    ID_ROLE,
    OBJECT_ROLE,
    SORT_ROLE,
    EntityModel,
    FacetModel,
    HitModel,
    MentionModel,
    NoteHitModel,
    PolicyModel,
    TreeFilterProxy,
    actors_of,
    count_of,
    date_range,
)
from reader.ui.viewer import SafeBrowser
from reader.ui.widgets import EmptyStack, HtmlDelegate, TimelineDelegate


def _column(*widgets, margins=(0, 0, 0, 0), spacing=4) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(*margins)
    layout.setSpacing(spacing)
    for w in widgets:
        layout.addWidget(w)
    return box


def _filter_box(placeholder: str, name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    edit.setClearButtonEnabled(True)
    return edit


# -- search ------------------------------------------------------------------------------


class SearchPanel(QWidget):
    """Result list with snippets, facet counts and a header line (count, suggestion, error)."""

    # A hit was activated (click or Enter): (article id).
    hit_activated = Signal(str)
    # A facet value was activated: (query clause to add, e.g. "date:2014").
    facet_activated = Signal(str)
    # The "Did you mean" link was clicked: (suggested query).
    suggestion_activated = Signal(str)
    # A note found by the search was activated: (Note).
    note_activated = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("searchPanel")
        self.header = QLabel()
        self.header.setObjectName("searchHeader")
        self.header.setWordWrap(True)
        self.header.linkActivated.connect(self._on_link)

        self.hits = HitModel(self)
        self.results = QListView()
        self.results.setObjectName("searchResults")
        self.results.setModel(self.hits)
        self.results.setItemDelegate(HtmlDelegate(self.results))
        self.results.setWordWrap(True)
        self.results.setResizeMode(QListView.ResizeMode.Adjust)
        self.results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results.activated.connect(self._on_hit)
        self.results.clicked.connect(self._on_hit)
        self.results_stack = EmptyStack(self.results)

        self.facets = FacetModel(self)
        self.facet_view = QTreeView()
        self.facet_view.setObjectName("facetView")
        self.facet_view.setModel(self.facets)
        self.facet_view.setHeaderHidden(True)
        self.facet_view.setUniformRowHeights(True)
        self.facet_view.header().setStretchLastSection(False)
        self.facet_view.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.facet_view.header().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents)
        self.facet_view.activated.connect(self._on_facet)
        self.facet_view.clicked.connect(self._on_facet)
        self.facets.modelReset.connect(self._facets_reset)

        # Notes matching the query: a result kind of their own, under the articles.
        self.note_hits = NoteHitModel(self)
        self.note_header = QLabel()
        self.note_header.setObjectName("noteResultsHeader")
        self.note_results = QListView()
        self.note_results.setObjectName("noteResults")
        self.note_results.setModel(self.note_hits)
        self.note_results.setItemDelegate(HtmlDelegate(self.note_results))
        self.note_results.setWordWrap(True)
        self.note_results.setResizeMode(QListView.ResizeMode.Adjust)
        self.note_results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.note_results.activated.connect(self._on_note)
        self.note_results.clicked.connect(self._on_note)
        self.note_box = _column(self.note_header, self.note_results, spacing=0)
        self.note_box.setObjectName("noteResultsBox")
        self.note_box.hide()

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("searchSplitter")
        self.splitter.addWidget(self.results_stack)
        self.splitter.addWidget(self.note_box)
        self.splitter.addWidget(self.facet_view)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 1)
        self.splitter.setSizes([360, 160, 140])  # until the user's own sizes are restored
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.splitter)
        self.result = None

    def show_pending(self, query: str) -> None:
        self.header.setText(f"Searching for “{html.escape(query)}”…")

    def show_result(self, result, label_of=None) -> None:
        """Show a SearchResult; `label_of` names facet values (see FacetModel)."""
        self.result = result
        self.hits.set_hits(result.hits)
        self.facets.set_facets(result.facets or {}, label_of)
        query = html.escape(result.query)
        if result.total:
            shown = len(result.hits)
            more = f" (showing {shown})" if shown < result.total else ""
            text = (f"{result.total} article{'s' if result.total != 1 else ''} match "
                    f"“{query}”{more}. Enter opens the first.")
            self.results_stack.set_empty(None)
        else:
            text = f"No results for “{query}”."
            self.results_stack.set_empty(
                f"No results for “{result.query}”.\n\nTry fewer words, a wildcard (protect*) "
                "or a fuzzy word (outsorce~).")
        if result.suggestion:
            sug = html.escape(result.suggestion)
            text += f' Did you mean <a href="suggest:{sug}">{sug}</a>?'
        self.header.setText(text)
        if result.hits:
            self.results.setCurrentIndex(self.hits.index(0, 0))

    def show_error(self, query: str, message: str) -> None:
        self.result = None
        self.hits.set_hits([])
        self.facets.set_facets({})
        self.header.setText(html.escape(message))
        self.header.setProperty("error", True)
        self.results_stack.set_empty(message)
        self._repolish(self.header)

    def show_notes(self, notes, titles=None) -> None:
        """The notes matching the query (None: notes cannot be searched)."""
        notes = list(notes or ())
        self.note_hits.set_notes(notes, titles)
        self.note_header.setText(f"Notes ({len(notes)})")
        self.note_box.setVisible(bool(notes))

    def clear(self) -> None:
        self.result = None
        self.hits.set_hits([])
        self.show_notes([])
        self.facets.set_facets({})
        self.header.setText("")
        self.results_stack.set_empty(None)

    def _repolish(self, widget) -> None:
        widget.style().unpolish(widget)
        widget.style().polish(widget)

    def _on_hit(self, index: QModelIndex) -> None:
        if index.isValid():
            self.hit_activated.emit(index.data(ID_ROLE))

    def _on_note(self, index: QModelIndex) -> None:
        note = index.data(OBJECT_ROLE) if index.isValid() else None
        if note is not None:
            self.note_activated.emit(note)

    def _on_facet(self, index: QModelIndex) -> None:
        clause = index.data(ID_ROLE)
        if clause:
            self.facet_activated.emit(clause)

    def _on_link(self, link: str) -> None:
        if link.startswith("suggest:"):
            self.suggestion_activated.emit(link.removeprefix("suggest:"))

    def _facets_reset(self) -> None:
        self.header.setProperty("error", False)
        self._repolish(self.header)
        self.facet_view.expandAll()
        self.facet_view.setVisible(self.facets.rowCount() > 0)


# -- entities ----------------------------------------------------------------------------


class EntityPanel(QWidget):
    """Entities grouped by type with counts, a filter box, and the selected one's details."""

    # The current entity changed: (entity object, or None).
    entity_selected = Signal(object)
    # The tree was right-clicked: (position in the tree's viewport). The window owns the
    # entity actions (menus, shortcuts) and shows them.
    context_menu_requested = Signal(QPoint)
    # An entity: link in the details was clicked: (entity id).
    entity_link_activated = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("entityPanel")
        self.filter = _filter_box("Filter entities", "entityFilter")
        self.model = EntityModel(self)
        self.proxy = TreeFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.filter.textChanged.connect(lambda _: self._expand_groups())

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
        self.stack = EmptyStack(self.tree, "Entities appear after indexing.")

        self.details = SafeBrowser()
        self.details.setObjectName("entityDetails")
        self.details.link_activated.connect(self._on_link)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("entitySplitter")
        self.splitter.addWidget(_column(self.filter, self.stack))
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self._collapsed: set[str] = set()
        self.tree.collapsed.connect(lambda i: self._collapsed.add(i.data(ID_ROLE)))
        self.tree.expanded.connect(lambda i: self._collapsed.discard(i.data(ID_ROLE)))
        self.show_details(None)

    # -- data ----------------------------------------------------------------------------
    def set_entities(self, entities, keep: str | None = None) -> None:
        """Replace the list; `None` means the feature is unavailable. Re-selects `keep`."""
        keep = keep if keep is not None else self.current_id()
        self.model.set_entities(entities or [])
        if entities is None or not entities:
            self.stack.set_empty("Entities appear after indexing.\n\nPeople, organisations and "
                                 "places named in the articles are listed here once "
                                 "File > Reindex has finished.")
        else:
            self.stack.set_empty(None)
        if keep:
            self.select(keep)

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

    def current(self):
        index = self.tree.currentIndex()
        return self.proxy.data(index, OBJECT_ROLE) if index.isValid() else None

    def current_id(self) -> str | None:
        ent = self.current()
        return ent.id if ent is not None else None

    def selected(self) -> list:
        rows = self.tree.selectionModel().selectedRows(0)
        out = [self.proxy.data(i, OBJECT_ROLE) for i in rows]
        return [e for e in out if e is not None]

    def show_details(self, ent, related=None) -> None:
        if ent is None:
            self.details.set_safe_html("<p>Select an entity to see where it is mentioned. "
                                       "Drag one entity onto another to merge them; right-click "
                                       "for rename, hide and type.</p>")
            return
        aliases = [a for a in (getattr(ent, "aliases", ()) or ()) if a != ent.name]
        docs = count_of(getattr(ent, "docs", None))
        parts = [f"<h3>{html.escape(ent.name)}</h3>",
                 f"<p>{html.escape(ent.type)} · {_plural(_count(ent), 'mention')} in "
                 f"{_plural(docs, 'article')}</p>"]
        if aliases:
            parts.append("<p><b>Also written</b> " + ", ".join(html.escape(a) for a in aliases)
                         + "</p>")
        # Dates and sums co-occur with everything: as "related" they are noise.
        related = [r for r in related or () if getattr(getattr(r, "entity", r), "type", "")
                   not in ("Date", "Money")] if related is not None else None
        if related:
            links = []
            for rel in related:
                other = getattr(rel, "entity", rel)
                links.append(f'<a href="entity:{html.escape(other.id)}">'
                             f"{html.escape(other.name)}</a>")
            parts.append("<p><b>Related</b> " + ", ".join(links) + "</p>")
        elif related is not None:
            parts.append("<p><b>Related</b> none found</p>")
        self.details.set_safe_html("".join(parts))

    # -- internals -----------------------------------------------------------------------
    def _current_changed(self, current: QModelIndex, _previous) -> None:
        ent = self.proxy.data(current, OBJECT_ROLE) if current.isValid() else None
        self.entity_selected.emit(ent)

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


def _count(ent) -> int:
    count = getattr(ent, "count", None)
    return count if isinstance(count, int) else len(getattr(ent, "mentions", ()) or ())


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# -- policies ----------------------------------------------------------------------------


class PolicyPanel(QWidget):
    """Policies with article counts and a timeline; the selected one's actors below."""

    # The current policy changed: (policy object, or None).
    policy_selected = Signal(object)
    # An actor (entity: link) in the details was clicked: (entity id).
    entity_link_activated = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("policyPanel")
        self._name_of = None  # entity id -> canonical name (set_entity_names)
        self.filter = _filter_box("Filter policies", "policyFilter")
        self.model = PolicyModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setSourceModel(self.model)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = QTreeView()
        self.view.setObjectName("policyView")
        self.view.setModel(self.proxy)
        self.view.setRootIsDecorated(False)
        self.view.setWordWrap(True)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(PolicyModel.ARTICLES, Qt.SortOrder.DescendingOrder)
        self.view.setItemDelegateForColumn(PolicyModel.LABEL, HtmlDelegate(self.view))
        self.view.setItemDelegateForColumn(PolicyModel.TIMELINE, TimelineDelegate(self.view))
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(2, 70)
        header.sectionResized.connect(lambda *_: self.view.doItemsLayout())
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self.stack = EmptyStack(self.view, "Policies appear after indexing.")
        self.details = SafeBrowser()
        self.details.setObjectName("policyDetails")
        self.details.link_activated.connect(
            lambda url: self.entity_link_activated.emit(url.path()))
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("policySplitter")
        self.splitter.addWidget(_column(self.filter, self.stack))
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.show_details(None)

    def set_policies(self, policies, span=("", "")) -> None:
        keep = self.current()
        self.model.set_policies(policies or [], span)
        if not policies:
            self.stack.set_empty("Policies appear after indexing.\n\nReforms and proposals the "
                                 "articles discuss are listed here with who backs them.")
        else:
            self.stack.set_empty(None)
            if keep is not None:
                self.select(keep.id)

    def select(self, policy_id: str) -> bool:
        row = self.model.row_of(policy_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.view.setCurrentIndex(index)
        return index.isValid()

    def current(self):
        index = self.view.currentIndex()
        return self.proxy.data(index, OBJECT_ROLE) if index.isValid() else None

    def set_entity_names(self, name_of) -> None:
        """`name_of(entity id)`: the entity's canonical name, or None (actors are listed by
        it; the window answers from the entity list it has loaded)."""
        self._name_of = name_of

    def show_details(self, pol) -> None:
        if pol is None:
            self.details.set_safe_html("<p>Select a policy to see its mentions, when it was "
                                       "discussed and who argued for or against it.</p>")
            return
        parts = [f"<h3>{html.escape(pol.label)}</h3>"]
        desc = getattr(pol, "description", "")
        if desc:
            parts.append(f"<p>{html.escape(desc)}</p>")
        parts.append(f"<p>{_plural(count_of(pol.docs), 'article')} · "
                     f"{html.escape(date_range(pol.first_date, pol.last_date))}</p>")
        actors = actors_of(pol, self._name_of)
        if actors:
            items = []
            for actor, name, stances, total in actors[:12]:
                label = html.escape(name)
                if actor:
                    label = f'<a href="entity:{html.escape(actor)}">{label}</a>'
                said = ", ".join(f"{html.escape(s)} {n}" for s, n in stances.items())
                items.append(f"<li>{label} — {_plural(total, 'mention')}"
                             f"{' (' + said + ')' if said else ''}</li>")
            parts.append(f"<p><b>Actors</b></p><ul>{''.join(items)}</ul>")
        self.details.set_safe_html("".join(parts))

    def _current_changed(self, current: QModelIndex, _previous) -> None:
        pol = self.proxy.data(current, OBJECT_ROLE) if current.isValid() else None
        self.show_details(pol)
        self.policy_selected.emit(pol)


# -- mentions ----------------------------------------------------------------------------


class MentionPanel(QWidget):
    """Every mention of the selected entity or policy across the corpus, by date."""

    # A mention row was activated: (MentionContext).
    mention_activated = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("mentionPanel")
        self.header = QLabel()
        self.header.setObjectName("mentionHeader")
        self.model = MentionModel(self)
        self.view = QTreeView()
        self.view.setObjectName("mentionView")
        self.view.setModel(self.model)
        self.view.setRootIsDecorated(False)
        self.view.setWordWrap(True)
        self.view.setAlternatingRowColors(True)
        # Per item, not per pixel: a per-pixel scroll bar needs the height of every row,
        # and each row's height needs its sentence read from the article (5,000 mentions:
        # 640 ms for the first batches, against 50 ms).
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        self.view.setItemDelegate(HtmlDelegate(self.view))
        header = self.view.header()
        header.setStretchLastSection(True)
        header.resizeSection(MentionModel.ARTICLE, 260)
        header.resizeSection(MentionModel.DATE, 90)
        header.sectionResized.connect(lambda *_: self.view.doItemsLayout())
        self.view.activated.connect(self._on_activated)
        self.view.doubleClicked.connect(self._on_activated)
        self.stack = EmptyStack(self.view, "")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(2)
        layout.addWidget(self.header)
        layout.addWidget(self.stack)
        self.subject = ""
        self.set_contexts(None, "")

    def set_contexts(self, contexts, subject: str) -> None:
        """Show `contexts` for `subject` (an entity or policy name); None: nothing selected."""
        self.subject = subject
        self.model.set_contexts(contexts or [])
        self.header.setVisible(contexts is not None)
        if contexts is None:
            self.stack.set_empty("Select an entity or a policy in the sidebar to list every "
                                 "sentence that mentions it.")
            return
        docs = len({c.doc for c in contexts})
        self.header.setText(f"{_plural(len(contexts), 'mention')} of {subject} in "
                            f"{_plural(docs, 'article')} · F3 next, Shift+F3 previous")
        self.stack.set_empty(None if contexts else f"No mentions of {subject} found.")

    def show_loading(self, subject: str) -> None:
        self.header.show()
        self.header.setText(f"Finding mentions of {subject}…")

    def current_row(self) -> int:
        index = self.view.currentIndex()
        return index.row() if index.isValid() else -1

    def step(self, delta: int) -> object | None:
        """Move the current row by `delta` over all mentions (wrapping; rows not fetched
        yet are fetched) and return its context."""
        rows = self.model.total
        if not rows:
            return None
        row = self.current_row()
        row = (0 if delta > 0 else rows - 1) if row < 0 else (row + delta) % rows
        self.set_current_row(row)
        return self.model.context(row)

    def set_current_row(self, row: int) -> None:
        self.model.fetch_to(row)
        index = self.model.index(row, 0)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)

    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.view.setCurrentIndex(index)
            self.mention_activated.emit(index.data(OBJECT_ROLE))

