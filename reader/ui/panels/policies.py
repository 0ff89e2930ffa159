"""The policy panel: policies with counts and a timeline, the selected one's actors."""

from __future__ import annotations

import html

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import QHeaderView, QTreeView, QWidget

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

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("policyPanel")
        self._name_of: NameOf | None = None  # see set_entity_names
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
        self.stack = EmptyStack(self.view, "Policies appear after indexing.")
        self.details = SafeBrowser()
        self.details.setObjectName("policyDetails")
        self.details.link_activated.connect(
            lambda url: self.entity_link_activated.emit(url.path()))
        self.splitter = list_over_details(self, "policySplitter", column(self.filter, self.stack),
                                          self.details)
        self.show_details(None)

    def set_policies(self, policies: list[Policy] | None,
                     span: tuple[str, str] = ("", "")) -> None:
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

    def current(self) -> Policy | None:
        index = self.view.currentIndex()
        return self.proxy.data(index, OBJECT_ROLE) if index.isValid() else None

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
