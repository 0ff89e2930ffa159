"""The policy panel: the library's policies and the discovered candidates (marked) with
counts and a timeline, the selected one's actors, and the button to the "Who proposed what"
table."""

from __future__ import annotations

import html

from PySide6.QtCore import QModelIndex, QPoint, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import QHeaderView, QPushButton, QTreeView, QWidget

from reader.domain import Policy
from reader.ui.models import OBJECT_ROLE, SORT_ROLE, PolicyModel, actors_of, date_range
from reader.ui.models.policies import NameOf
from reader.ui.panels.common import column, filter_box, list_over_details, plural
from reader.ui.viewer import SafeBrowser
from reader.ui.widgets import EmptyStack, HtmlDelegate, TimelineDelegate


class PolicyPanel(QWidget):
    """Policies with article counts and a timeline; the selected one's actors below."""

    # The current policy changed: (the Policy, or None).
    policy_selected = Signal(object)
    # An actor (entity: link) in the details was clicked: (entity id).
    entity_link_activated = Signal(str)
    # The list was right-clicked: (position in the view's viewport). The controller owns
    # the policy actions (promote, rename, merge, hide, undo) and shows them.
    context_menu_requested = Signal(QPoint)
    # New policies were handed to the panel: (the list of Policy).
    policies_loaded = Signal(list)
    # "Who proposed what…" was clicked.
    who_proposed_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("policyPanel")
        self._name_of: NameOf | None = None  # see set_entity_names
        self.show_hidden = False  # list the policies the user hid (the menu toggles it)
        self.filter = filter_box("Filter policies", "policyFilter")
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
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self.context_menu_requested)
        self.stack = EmptyStack(self.view, "Policies appear after indexing.")
        self.who_button = QPushButton("Who proposed what…")
        self.who_button.setObjectName("whoProposedButton")
        self.who_button.setToolTip("Every statement of a named actor on a policy: sort, "
                                   "filter, open the sentence, export as CSV")
        self.who_button.clicked.connect(self.who_proposed_requested)
        self.details = SafeBrowser()
        self.details.setObjectName("policyDetails")
        self.details.link_activated.connect(
            lambda url: self.entity_link_activated.emit(url.path()))
        self.splitter = list_over_details(self, "policySplitter",
                                          column(self.filter, self.stack, self.who_button),
                                          self.details)
        self.show_details(None)

    def set_policies(self, policies: list[Policy] | None,
                     span: tuple[str, str] = ("", "")) -> None:
        keep = self.current()
        self.model.set_policies(policies or [], span)
        # Undated articles everywhere: a column of "Undated" says nothing.
        self.view.setColumnHidden(PolicyModel.TIMELINE,
                                  not any(p.first_date for p in policies or ()))
        if not policies:
            self.stack.set_empty(
                "No policies yet.\n\nThey come from the library's codebook and from the "
                "measures several articles propose, found when the articles are indexed; "
                "each is listed here with who backs or opposes it.")
        else:
            self.stack.set_empty(None)
            if keep is not None:
                self.select(keep.id)
        self.policies_loaded.emit(list(policies or []))

    def select(self, policy_id: str) -> bool:
        row = self.model.row_of(policy_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.view.setCurrentIndex(index)
        return index.isValid()

    def current(self) -> Policy | None:
        index = self.view.currentIndex()
        return self.proxy.data(index, OBJECT_ROLE) if index.isValid() else None

    def name_of(self, entity_id: str) -> str | None:
        """An actor's entity name, from the window's entity list (None: not known)."""
        return self._name_of(entity_id) if self._name_of else None

    def policies(self) -> list[Policy]:
        return [p for p in (self.model.policy(r) for r in range(self.model.rowCount())) if p]

    def set_entity_names(self, name_of: NameOf) -> None:
        """`name_of(entity id)`: the entity's canonical name, or None (actors are listed by
        it; the window answers from the entity list it has loaded)."""
        self._name_of = name_of

    def show_details(self, pol: Policy | None) -> None:
        if pol is None:
            self.details.set_safe_html("<p>Select a policy to see its mentions, when it was "
                                       "discussed and who argued for or against it.</p>")
            return
        parts = [f"<h3>{html.escape(pol.label)}</h3>"]
        if pol.discovered:
            parts.append("<p><i>Discovered in the articles (not in the codebook). Right-click "
                         "to promote it to a policy, rename, merge or hide it.</i></p>")
        if pol.description:
            parts.append(f"<p>{html.escape(pol.description)}</p>")
        parts.append(f"<p>{plural(len(pol.docs), 'article')} · "
                     f"{html.escape(date_range(pol.first_date, pol.last_date))}</p>")
        actors = actors_of(pol, self._name_of)
        if actors:
            items = []
            for actor, name, stances, total in actors[:12]:
                label = html.escape(name)
                if actor:
                    label = f'<a href="entity:{html.escape(actor)}">{label}</a>'
                said = ", ".join(f"{html.escape(s)} {n}" for s, n in stances.items())
                items.append(f"<li>{label} — {plural(total, 'mention')}"
                             f"{' (' + said + ')' if said else ''}</li>")
            parts.append(f"<p><b>Actors</b></p><ul>{''.join(items)}</ul>")
        self.details.set_safe_html("".join(parts))

    def _current_changed(self, current: QModelIndex, _previous) -> None:
        pol = self.proxy.data(current, OBJECT_ROLE) if current.isValid() else None
        self.show_details(pol)
        self.policy_selected.emit(pol)
