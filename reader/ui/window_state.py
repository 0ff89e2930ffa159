"""What the window remembers between runs, in `ui.ini` in the data dir: geometry, docks,
splitters, the article list's columns, zoom, reading comfort (font, line width, theme and
reading positions: see `comfort`), the notes filter, and the session (last search, open
article with its scroll position and highlighted search terms, the selected entity)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

STATE_VERSION = 1  # bump when the saved dock/toolbar layout no longer fits


def open_settings(data_dir) -> QSettings:
    return QSettings(str(Path(data_dir) / "ui.ini"), QSettings.Format.IniFormat)


def _splitters(win) -> dict:
    return {"main": win.splitter, "search": win.search_panel.splitter,
            "entities": win.entity_panel.splitter, "policies": win.policy_panel.splitter,
            "notes": win.notes_panel.splitter}


def restore_layout(win, settings: QSettings) -> None:
    """Geometry, docks, splitters, columns, tab, zoom and the view toggles (at start-up,
    before the window is shown)."""
    geometry = settings.value("window/geometry")
    if geometry is not None:
        win.restoreGeometry(geometry)
    else:
        screen = win.screen().availableGeometry()
        win.resize(min(1360, int(screen.width() * 0.9)), min(860, int(screen.height() * 0.9)))
    state = settings.value("window/state")
    if state is not None:
        win.restoreState(state, STATE_VERSION)
    for name, splitter in _splitters(win).items():
        value = settings.value(f"splitters/{name}")
        if value is not None:
            splitter.restoreState(value)
    header = settings.value("articles/header")
    if header is not None:
        win.article_table.horizontalHeader().restoreState(header)
    win.sidebar.setCurrentIndex(int(settings.value("sidebar/tab", 0)))
    view = settings.value("notes/view", "")
    if view:
        win.notes_panel.set_view(str(view))
    tag = str(settings.value("notes/tag", "") or "")
    if tag:  # a choice of its own until the notes' tags arrive (it stays chosen)
        win.notes_panel.set_tags([(tag, 0)])
        win.notes_panel.set_tag_filter(tag)
    win.article_view.set_zoom(int(settings.value("view/zoom", 0)))
    win.comfort.restore(settings)  # font, line width, theme, reading positions
    actions = win.actions_by_name
    actions["toggle_extras"].setChecked(settings.value("view/extras", False) in (True, "true"))
    actions["toggle_sidebar"].setChecked(not win.sidebar_dock.isHidden())
    actions["toggle_mentions"].setChecked(not win.mention_dock.isHidden())


def restore_session(win, settings: QSettings) -> None:
    """The last search and the open article at its scroll position, its search terms marked
    (once the event loop runs: both load in the background)."""
    # Selected once the entity list arrives.
    win.entities.restore_id = str(settings.value("entities/selected", "") or "") or None
    query = settings.value("session/search", "")
    if query:
        win.search_field.setText(query)
        win.search.run()
    doc = settings.value("session/article", "")
    if doc and win.article_model.row_of(doc) is not None:
        top = settings.value("session/top")
        terms = str(settings.value("session/terms", "")).split()
        win.open_article(doc, top=int(top) if top is not None else None, terms=terms,
                         query=str(settings.value("session/terms_query", "")))
    elif win.article_model.rowCount():
        win.article_view.show_message("Select an article to read it.")


def save(win, settings: QSettings) -> None:
    settings.setValue("window/geometry", win.saveGeometry())
    settings.setValue("window/state", win.saveState(STATE_VERSION))
    for name, splitter in _splitters(win).items():
        settings.setValue(f"splitters/{name}", splitter.saveState())
    settings.setValue("articles/header", win.article_table.horizontalHeader().saveState())
    settings.setValue("sidebar/tab", win.sidebar.currentIndex())
    settings.setValue("notes/view", win.notes_panel.view_combo.currentData() or "")
    settings.setValue("notes/tag", win.notes_panel.tag_combo.currentData() or "")
    settings.setValue("entities/selected", win.entity_panel.current_id() or "")
    settings.setValue("view/zoom", win.article_view.zoom)
    settings.setValue("view/extras", win.actions_by_name["toggle_extras"].isChecked())
    win.comfort.save(settings)
    settings.setValue("session/search", win.search_field.text())
    settings.setValue("session/article", win.current_doc or "")
    if win.current_doc:
        settings.setValue("session/top", win.article_view.top_pos())
        # Stems are single words (reader.query.highlight_pattern ignores anything else).
        settings.setValue("session/terms", " ".join(win.article_view.terms))
        settings.setValue("session/terms_query", win.article_view.terms_query)
    else:
        settings.remove("session/top")
        settings.remove("session/terms")
        settings.remove("session/terms_query")
    settings.sync()
