"""The "Who proposed what" window: every statement of a named actor on a policy (policy,
actor, stance, date, sentence), sortable by any column and filtered by a box; a row opens
its sentence in the article; the table exports as CSV."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reader.ui.models import OBJECT_ROLE, SORT_ROLE
from reader.ui.models.proposers import ProposerModel, ProposerRow
from reader.ui.panels.common import filter_box, plural
from reader.ui.widgets import EmptyStack

NO_ROWS = ("Nobody is named yet.\n\nWhen the articles name who proposes, supports or opposes "
           "a policy, each statement is listed here.")


class WhoProposedWindow(QWidget):
    """A window of its own (beside the main window): the table, its filter and CSV export."""

    # A row was activated (double-click, Enter, "Open in article"): (the ProposerRow).
    row_activated = Signal(object)
    # "Export as CSV…" was chosen: (the rows shown, in the order shown).
    export_requested = Signal(list)

    def __init__(self, parent=None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("whoProposedWindow")
        self.setWindowTitle("Who proposed what")
        self.resize(900, 520)
        self.filter = filter_box("Filter by policy, actor, stance, date or words",
                                 "proposerFilter")
        self.model = ProposerModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)  # any column
        self.filter.textChanged.connect(self._filter_changed)
        self.view = QTableView()
        self.view.setObjectName("proposerView")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(ProposerModel.DATE, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.setAlternatingRowColors(True)
        header = self.view.horizontalHeader()
        for col, width in ((ProposerModel.POLICY, 190), (ProposerModel.ACTOR, 150),
                           (ProposerModel.STANCE, 80), (ProposerModel.DATE, 85)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, width)
        header.setSectionResizeMode(ProposerModel.SENTENCE, QHeaderView.ResizeMode.Stretch)
        self.view.activated.connect(self._activated)  # double-click or Enter
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._menu)
        self.stack = EmptyStack(self.view, NO_ROWS)
        self.count = QLabel()
        self.count.setObjectName("proposerCount")
        self.export_button = QPushButton("Export as CSV…")
        self.export_button.setObjectName("proposerExport")
        self.export_button.clicked.connect(self.request_export)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.stack, 1)
        layout.addLayout(bottom)
        self.open_action = QAction("Open in article", self)
        self.open_action.triggered.connect(lambda: self._activated(self.view.currentIndex()))
        self.export_action = QAction("Export as CSV…", self)
        self.export_action.triggered.connect(self.request_export)
        self.set_rows([])

    def set_rows(self, rows: list[ProposerRow]) -> None:
        self.model.set_rows(rows)
        self.view.setColumnHidden(ProposerModel.DATE, not any(r.date for r in rows))
        self.stack.set_empty(None if rows else NO_ROWS)
        self.export_button.setEnabled(bool(rows))
        self._update_count()

    def shown_rows(self) -> list[ProposerRow]:
        """The rows the table shows, filtered and in its order."""
        return [self.proxy.data(self.proxy.index(r, 0), OBJECT_ROLE)
                for r in range(self.proxy.rowCount())]

    def request_export(self) -> None:
        self.export_requested.emit(self.shown_rows())

    def _filter_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        self._update_count()

    def _update_count(self) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        text = plural(total, "statement")
        self.count.setText(text if shown == total else f"{shown} of {text}")

    def _activated(self, index: QModelIndex) -> None:
        row = self.proxy.data(index, OBJECT_ROLE) if index.isValid() else None
        if row is not None:
            self.row_activated.emit(row)

    def _menu(self, pos) -> None:
        menu = QMenu(self)
        self.open_action.setEnabled(self.view.indexAt(pos).isValid())
        menu.addAction(self.open_action)
        menu.addSeparator()
        menu.addAction(self.export_action)
        menu.popup(self.view.viewport().mapToGlobal(pos))
