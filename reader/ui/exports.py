"""File > Export: search results, entities with their counts, the selected entity's
mentions and who proposed what, as CSV files for spreadsheets (the format:
`reader.exports`). Each asks where to save, then builds and writes the table on the task
runner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from reader.ui.operations.exports import export_table

# (action name, menu text, shortcut, status tip): the File > Export submenu, in order
EXPORT_ACTIONS = [
    ("export_results", "Search &results as CSV…", "Ctrl+Alt+Shift+R",
     "Every article the current search finds, with its metadata, score and snippet"),
    ("export_entities", "&Entities as CSV…", "Ctrl+Alt+Shift+E",
     "Every entity with its type and its numbers of mentions and articles"),
    ("export_mentions", "&Mentions of the selected entity as CSV…", "Ctrl+Alt+Shift+M",
     "Every mention of the entity selected in the Entities tab, by date, with its sentence"),
    ("export_who", "&Who proposed what as CSV…", "Ctrl+Alt+Shift+W",
     "Who proposed, supported or opposed which policy, when, in which sentence"),
]


def export_slots(win) -> dict[str, Callable[[], None]]:
    """The slot of each EXPORT_ACTIONS entry for MainWindow `win`."""
    return {"export_results": lambda: export_results(win),
            "export_entities": lambda: export_entities(win),
            "export_mentions": lambda: export_mentions(win),
            "export_who": lambda: export_who(win)}


def export_results(win) -> None:
    query = win.search_field.text().strip()
    if not query:
        win.statusBar().showMessage("Nothing to export: search for something first.", 6000)
        return

    def build(lib, ctx):
        from reader.exports import search_table

        return search_table(lib, query)

    save_table(win, "Export search results", "search-results", build, "articles")


def export_entities(win) -> None:
    def build(lib, ctx):
        from reader.exports import entities_table

        return entities_table(lib.entities.list())

    save_table(win, "Export entities", "entities", build, "entities")


def export_mentions(win) -> None:
    entity = win.entity_panel.current()
    if entity is None:
        win.statusBar().showMessage(
            "Select an entity in the Entities tab first: its mentions are exported.", 6000)
        return

    def build(lib, ctx):
        from reader.exports import mentions_table

        return mentions_table(lib, entity.id, cancelled=ctx.cancelled)

    from reader.textutil import slug

    save_table(win, f"Export the mentions of {entity.name}",
          f"mentions-{slug(entity.name, 60) or 'entity'}", build, "mentions")


def export_who(win) -> None:
    def build(lib, ctx):
        from reader.exports import library_who_proposed

        return library_who_proposed(lib)

    save_table(win, "Export who proposed what", "who-proposed-what", build, "statements")


def save_table(win, title: str, name: str, build, what: str, *, parent=None,
               lane: str | None = None) -> None:
    """Ask where to save (`name`.csv offered, the dialog over `parent`, else the
    window), then write the Table `build(lib, ctx)` returns on the task runner, in `lane`
    (default: one per kind of table), and say in the status bar how many `what` went."""
    path, _ = QFileDialog.getSaveFileName(parent or win, title,
                                          str(Path.home() / f"{name}.csv"), "CSV (*.csv)")
    if not path:
        return
    win.statusBar().showMessage(f"Exporting {what}…")

    def done(result) -> None:
        written, rows = result
        win.statusBar().showMessage(f"{rows} {what} exported to {written}", 8000)

    export_table(win.runner, win.library, build, path, lane=lane or f"export-{name}",
                 done=done, failed=win.report_write_failure)
