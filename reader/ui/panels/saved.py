"""The saved searches list of the search panel: click or Enter runs one, F2 renames, Del
deletes (also from its context menu)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtWidgets import QLabel, QListView, QMenu, QVBoxLayout, QWidget

from reader.ui.models.common import OBJECT_ROLE
from reader.ui.models.saved import SavedSearchModel
from reader.ui.widgets import EmptyStack

EMPTY = "No saved searches yet. Search, then Save search (Ctrl+S)."


class SavedList(QListView):
    """The list; F2 and Del are its own keys here (the window's F2 renames an entity)."""

    # F2 (rename) or Del (delete) on the current row: (key name, SavedSearch).
    key_command = Signal(str, object)

    KEYS = {Qt.Key.Key_F2: "rename", Qt.Key.Key_Delete: "delete"}

    def event(self, event):
        # Claim the keys before the window's shortcuts see them (as a line edit does).
        if event.type() == QEvent.Type.ShortcutOverride and event.key() in self.KEYS \
                and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event):
        command = self.KEYS.get(event.key())
        saved = self.currentIndex().data(OBJECT_ROLE) if self.currentIndex().isValid() else None
        if command and saved is not None \
                and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            self.key_command.emit(command, saved)
            return
        super().keyPressEvent(event)


class SavedSearchBox(QWidget):
    """A header and the saved searches list (its empty state says how to save one)."""

    # A saved search was activated (click or Enter): (SavedSearch).
    activated = Signal(object)
    # Rename or delete was asked for: (SavedSearch).
    rename_requested = Signal(object)
    delete_requested = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("savedSearchBox")
        self.model = SavedSearchModel(self)
        self.header = QLabel("Saved searches")
        self.header.setObjectName("savedSearchHeader")
        self.view = SavedList()
        self.view.setObjectName("savedSearches")
        self.view.setModel(self.model)
        self.view.setUniformItemSizes(True)
        self.view.activated.connect(self._on_activated)
        self.view.clicked.connect(self._on_activated)
        self.view.key_command.connect(self._on_key)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._menu_requested)
        self.stack = EmptyStack(self.view, EMPTY)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.header)
        layout.addWidget(self.stack)

    def set_searches(self, searches) -> None:
        self.model.set_searches(searches)
        count = self.model.rowCount()
        self.header.setText(f"Saved searches ({count})" if count else "Saved searches")
        self.stack.set_empty(None if count else EMPTY)

    def focus_list(self) -> None:
        """Into the list (its first row current when none is), or its empty state."""
        if self.model.rowCount() and not self.view.currentIndex().isValid():
            self.view.setCurrentIndex(self.model.index(0, 0))
        self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def menu(self, saved) -> QMenu:
        """The context menu of one saved search."""
        menu = QMenu(self.view)
        menu.setObjectName("savedSearchMenu")
        menu.addAction("&Run", lambda: self.activated.emit(saved))
        menu.addAction("Re&name…\tF2", lambda: self.rename_requested.emit(saved))
        menu.addAction("&Delete…\tDel", lambda: self.delete_requested.emit(saved))
        return menu

    def _menu_requested(self, point) -> None:
        index = self.view.indexAt(point)
        if not index.isValid():
            return
        menu = self.menu(index.data(OBJECT_ROLE))
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.view.viewport().mapToGlobal(point))

    def _on_activated(self, index: QModelIndex) -> None:
        saved = index.data(OBJECT_ROLE) if index.isValid() else None
        if saved is not None:
            self.activated.emit(saved)

    def _on_key(self, command: str, saved) -> None:
        (self.rename_requested if command == "rename" else self.delete_requested).emit(saved)
