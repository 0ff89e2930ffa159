"""The window's dialogs and message boxes: import reports, warnings, the shortcuts list, About
and the question asked when a note could not be saved on close."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reader.ui.viewer import SafeBrowser


class ImportReport(QDialog):
    """Per-file outcome of an import (non-modal: the user keeps reading)."""

    def __init__(self, outcomes, parent=None):
        super().__init__(parent)
        self.setObjectName("importReport")
        self.setWindowTitle("Import")
        rows = []
        counts = {s: sum(1 for o in outcomes if o.status == s)
                  for s in ("imported", "skipped", "failed")}
        summary = (f"{counts['imported']} imported, {counts['skipped']} skipped, "
                   f"{counts['failed']} failed.")
        order = {"failed": 0, "skipped": 1}  # what needs the user's eye first
        for o in sorted(outcomes, key=lambda o: order.get(o.status, 2)):
            detail = o.reason or (f"as {o.id}" if o.id else "")
            if o.warnings:
                detail += " — " + "; ".join(o.warnings)
            rows.append(f"<tr><td><b>{html.escape(o.status)}</b></td>"
                        f"<td>{html.escape(Path(o.path).name)}</td>"
                        f"<td>{html.escape(detail)}</td></tr>")
        if not rows:
            rows.append("<tr><td>Nothing to import.</td></tr>")
        self.view = SafeBrowser(self)
        self.view.set_safe_html(f"<p><b>{summary}</b></p>"
                                f"<table cellpadding='3'>{''.join(rows)}</table>")
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.resize(560, 300)


def show_warning(parent: QWidget, text: str, name: str = "messageBox") -> QMessageBox:
    """A warning the user must see, window-modal but not blocking the event loop (work in
    the background goes on, and tests are not stuck in a nested exec())."""
    box = QMessageBox(QMessageBox.Icon.Warning, "reader", text,
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName(name)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def notes_import_summary(counts: dict) -> str:
    return (f"{counts.get('added', 0)} added, {counts.get('updated', 0)} updated, "
            f"{counts.get('unchanged', 0)} unchanged")


def show_notes_import_report(parent: QWidget, file_name: str, counts: dict) -> QMessageBox:
    """What a notes import did, with its problems (at most 50 listed)."""
    problems = counts.get("problems") or []
    rows = "".join(f"<li>{html.escape(p)}</li>" for p in problems[:50])
    more = f"<p>… and {len(problems) - 50} more.</p>" if len(problems) > 50 else ""
    text = (f"<p>Notes imported from {html.escape(file_name)}: "
            f"{notes_import_summary(counts)}.</p>"
            + (f"<p>{len(problems)} problem{'s' if len(problems) != 1 else ''}:</p>"
               f"<ul>{rows}</ul>{more}" if problems else ""))
    box = QMessageBox(QMessageBox.Icon.Information, "Import notes", text,
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("notesImportReport")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def ask_close_unsaved(parent: QWidget, problems: list[str]) -> bool:
    """Ask whether to close although a note could not be saved (True: close)."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Note not saved",
                      "Your latest note text could not be saved:\n\n"
                      + "\n".join(problems) + "\n\nKeep reader open (the text stays in "
                      "the editor: free some space, or copy it somewhere safe), or close "
                      "and lose it?", QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("unsavedNoteQuestion")
    keep = box.addButton("Keep reader open", QMessageBox.ButtonRole.RejectRole)
    box.addButton("Close and lose it", QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(keep)
    box.exec()  # modal on purpose: the window must not close underneath the question
    close = box.clickedButton() is not keep
    box.deleteLater()
    return close


def shortcuts_dialog(parent: QWidget, table: list[tuple[str, str, str]]) -> QDialog:
    """Help > Keyboard shortcuts: `table` rows (menu, action, keys), grouped by menu."""
    groups: dict[str, list[str]] = {}
    for menu, action, keys in table:
        groups.setdefault(menu, []).append(
            f"<tr><td>{html.escape(action)}</td><td><b>{html.escape(keys)}</b></td></tr>")
    rows = "".join(f"<tr><th colspan='2' align='left'><br>{html.escape(menu)}</th></tr>"
                   + "".join(items) for menu, items in groups.items())
    dialog = QDialog(parent)
    dialog.setObjectName("shortcutsDialog")
    dialog.setWindowTitle("Keyboard shortcuts")
    view = SafeBrowser(dialog)
    view.set_safe_html(f"<table cellpadding='3'>{rows}</table>")
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.close)
    layout = QVBoxLayout(dialog)
    layout.addWidget(view)
    layout.addWidget(buttons)
    dialog.resize(520, 640)
    dialog.show()
    return dialog


def show_about(parent: QWidget, data_dir) -> None:
    from reader import __version__

    QMessageBox.about(parent, "About reader",
                      f"<b>reader {html.escape(__version__)}</b><p>An offline reference "
                      "reader for a folder of articles: search, entities, policies and "
                      "notes. Your notes and edits stay in your data folder:<br>"
                      f"{html.escape(str(data_dir))}</p>")
