"""Saved searches in the search panel: save the current query under a name, run one, rename
or delete it (kept in the user-data store)."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox

from reader.domain import Changes, SavedSearch
from reader.ui.operations import search as ops

log = logging.getLogger(__name__)


class SavedSearchController:
    """Behaviour of MainWindow `win`'s saved searches (`win.search_panel.saved`)."""

    def __init__(self, win):
        self.win = win
        self.dialog: QInputDialog | None = None  # the name dialog open, if any
        self.confirm: QMessageBox | None = None  # the delete question open, if any
        box = win.search_panel.saved
        box.activated.connect(self.run_saved)
        box.rename_requested.connect(self.rename)
        box.delete_requested.connect(self.delete)
        win.search_panel.save_button.clicked.connect(lambda: self.save_current())
        self.load()

    def load(self) -> None:
        ops.load_saved(self.win.runner, self.win.library,
                       done=self.win.search_panel.saved.set_searches)

    def on_library_changed(self, changes: Changes) -> None:
        if changes.searches:
            self.load()

    def show(self) -> None:
        """Show the search panel with its saved searches and move into the list."""
        win = self.win
        win.left.setCurrentIndex(1)
        if not win.search_field.text().strip() and win.search_panel.result is None:
            win.search_panel.header.setText("Saved searches: Enter runs one, F2 renames it, "
                                            "Del deletes it.")
        win.search_panel.saved.focus_list()

    def run_saved(self, saved: SavedSearch) -> None:
        """Put the saved query in the search field and run it."""
        self.win.search_field.setText(saved.query)
        self.win.search.run()

    def _name_dialog(self, title: str, label: str, text: str, name: str) -> QInputDialog:
        dialog = self.dialog = QInputDialog(self.win)
        dialog.setObjectName(name)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextValue(text)
        dialog.setInputMode(QInputDialog.InputMode.TextInput)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        return dialog

    def save_current(self) -> QInputDialog | None:
        """Ask for a name and save the query in the search field under it."""
        win = self.win
        query = win.search_field.text().strip()
        if not query:
            win.statusBar().showMessage("Type a search first, then save it.", 4000)
            return None
        dialog = self._name_dialog("Save search", f"Name for the search “{query}”:",
                                   query[:60], "saveSearchDialog")
        dialog.textValueSelected.connect(lambda name: ops.save_search(
            win.runner, win.library, name, query, done=lambda c: self._saved(c, name),
            failed=win.report_write_failure))
        dialog.open()
        line = dialog.findChild(QLineEdit)
        if line is not None:
            line.selectAll()
        return dialog

    def rename(self, saved: SavedSearch) -> QInputDialog:
        win = self.win
        dialog = self._name_dialog("Rename saved search", "New name:", saved.name,
                                   "renameSearchDialog")
        dialog.textValueSelected.connect(lambda name: ops.rename_saved(
            win.runner, win.library, saved.id, name, done=lambda c: self._saved(c, name),
            failed=win.report_write_failure))
        dialog.open()
        return dialog

    def delete(self, saved: SavedSearch) -> QMessageBox:
        win = self.win
        box = self.confirm = QMessageBox(QMessageBox.Icon.Question, "Delete saved search",
                                         f"Delete the saved search “{saved.name}”?\n\n"
                                         f"Its query: {saved.query}",
                                         QMessageBox.StandardButton.Yes
                                         | QMessageBox.StandardButton.No, win)
        box.setObjectName("deleteSearchBox")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(button) -> None:
            if box.standardButton(button) == QMessageBox.StandardButton.Yes:
                ops.delete_saved(win.runner, win.library, saved.id,
                                 done=lambda c: self._deleted(c, saved.name),
                                 failed=win.report_write_failure)

        box.buttonClicked.connect(answered)
        box.open()
        return box

    def _saved(self, changes: Changes, name: str) -> None:
        self.win.statusBar().showMessage(f"Saved search “{' '.join(name.split())}”.", 4000)
        self.win.library_changed.emit(changes)

    def _deleted(self, changes: Changes, name: str) -> None:
        self.win.statusBar().showMessage(f"Deleted the saved search “{name}”.", 4000)
        self.win.library_changed.emit(changes)
