"""The window's QActions, its menus and the keyboard-shortcuts table built from them."""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenuBar

# (menu title, action names; None is a separator, (title, names) a submenu)
MENU_LAYOUT: list[tuple[str, list]] = [
    ("&File", ["new_library", "open_library", None,
               "import_files", "import_folder", None, "reindex", "indexing_options",
               "remove_sample", None,
               "export_notes", "import_notes",
               ("E&xport", ["export_results", "export_entities", "export_mentions",
                            "export_who"]),
               None, "quit"]),
    ("&Edit", ["search", "find", None, "new_note", "article_note", "edit_details", None,
               "rename_entity", "merge_entity", "retype_entity", "hide_entity", "unhide_entity",
               "hide_entity_type", "hide_entity_below", "undo_entity"]),
    ("&View", ["timeline_view", "network_view", None, "zoom_in", "zoom_out", "zoom_reset",
               None, "reading_font", "width_narrow", "width_medium", "width_wide", None,
               "theme_system", "theme_light", "theme_dark", None, "tab_entities",
               "tab_policies", "tab_notes", None,
               "entities_in_article", "show_hidden_entities", None,  # the entity list's scope
               "toggle_sidebar", "toggle_mentions", "toggle_extras"]),
    ("&Go", ["back", "forward", None, "next_article", "prev_article", None,
             "next_mention", "prev_mention", None, "focus_list", "focus_reader", None,
             "mark_unread"]),
    # organise: stars, tags, saved searches, the results' order (build_organise_actions)
    ("&Organise", ["star_article", "edit_tags", None, "save_search", "saved_searches", None,
                   "sort_relevance", "sort_newest", "sort_oldest"]),
    ("&Help", ["shortcuts", "about"]),
]

ENTITY_MENU = ["rename_entity", "merge_entity", "retype_entity", "hide_entity", "unhide_entity",
               None, "hide_entity_type", "hide_entity_below", None, "entities_in_article",
               "show_hidden_entities", None, "undo_entity"]

# Keys handled by widgets rather than actions, listed in Help > Keyboard shortcuts too.
WIDGET_SHORTCUTS = [
    ("Notes", "Move the selected note to the trash (notes list)", "Del"),
    ("Notes", "Open a noted passage's note (reading pane)", "Click"),
    ("Search", "Open the first result", "Enter"),
    ("Search", "Clear the search", "Esc"),
    ("Search", "Move to the results", "Down"),
    ("Organise", "Rename / delete the saved search selected", "F2 / Del"),
    ("Find bar", "Next / previous match", "Enter / Shift+Enter"),
]


def build_actions(win) -> dict[str, QAction]:
    """Every action of MainWindow `win`, by name, added to the window so that shortcuts work
    even while menus are hidden."""
    actions: dict[str, QAction] = {}

    def add(name: str, text: str, slot, shortcuts=(), checkable=False, tip: str = ""):
        action = QAction(text, win)
        action.setObjectName(name)
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.setCheckable(checkable)
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        win.addAction(action)
        actions[name] = action

    reading, entities, notes = win.articles, win.entities, win.notes
    add("import_files", "&Import files…", win.indexing.import_files, ["Ctrl+O"],
        tip="Copy web pages, PDF, Word, EPUB, OpenDocument, RTF or text files into the "
            "library")
    add("import_folder", "Import &folder…", win.indexing.import_folder, ["Ctrl+Shift+O"])
    add("reindex", "&Reindex", win.indexing.reindex, ["F5"],
        tip="Bring the search index and entities up to date")
    add("indexing_options", "Indexing &options…", win.indexing.indexing_options, ["Shift+F5"],
        tip="Where the language analysis runs: this computer or a Dask cluster")
    libraries = win.libraries
    add("new_library", "&New library…", libraries.new_library, ["Ctrl+Alt+L"],
        tip="Start an empty library of your own in a new folder")
    add("open_library", "Open &library…", libraries.open_library, ["Ctrl+Shift+L"])
    add("remove_sample", "Remove &sample articles…", libraries.remove_sample,
        ["Ctrl+Alt+Shift+S"], tip="Leave the bundled sample articles out of this library")
    actions["remove_sample"].setEnabled(win.library.paths.includes_sample)
    add("export_notes", "&Export notes…", notes.export_notes, ["Ctrl+Shift+E"],
        tip="Save every note as Markdown (with citations) or as JSON (W3C annotations)")
    add("import_notes", "I&mport notes…", notes.import_notes, ["Ctrl+Shift+I"],
        tip="Restore notes from a JSON export; notes you already have are not duplicated")
    from reader.ui.exports import EXPORT_ACTIONS, export_slots

    slots = export_slots(win)  # File > Export: CSV tables (see reader.ui.exports)
    for name, text, key, tip in EXPORT_ACTIONS:
        add(name, text, slots[name], [key], tip=tip)
    add("quit", "&Quit", win.close, ["Ctrl+Q"])
    add("search", "&Search", win.search.focus, ["Ctrl+K"])
    add("find", "&Find in article", reading.open_find, ["Ctrl+F"])
    add("new_note", "&Add note", notes.new_note, ["Ctrl+Shift+N"],
        tip="Note the passage selected in the article")
    add("article_note", "&Note on this article", notes.new_article_note, ["Ctrl+Alt+N"],
        tip="A note on the whole open article")
    add("edit_details", "Edit &details…", lambda *_: reading.edit_details(), ["Ctrl+Shift+D"],
        tip="Set this article's date, source, author or title")
    add("undo_entity", "&Undo entity edit", entities.undo_edit, ["Ctrl+Z"])
    add("rename_entity", "&Rename entity…", entities.rename, ["F2"])
    add("merge_entity", "&Merge entities…", entities.merge_selected, ["Ctrl+M"],
        tip="Merge the selected entities into the current one (or pick a target)")
    add("retype_entity", "Change entity &type…", entities.retype, ["Ctrl+T"])
    add("hide_entity", "&Hide entity", entities.hide, ["Ctrl+H"],
        tip="Hide the selected entities (one undo takes them all back)")
    # Bulk clean-up and the entity list's scope (reader.ui.entity_controller).
    add("unhide_entity", "&Show entity again", entities.unhide, ["Ctrl+Shift+H"],
        tip="Show the selected hidden entities again (list them with Show hidden entities)")
    add("hide_entity_type", "Hide all of a t&ype…", lambda: entities.hide_many(by_type=True),
        ["Ctrl+Alt+H"], tip="Hide every entity of one type, as one undoable step")
    add("hide_entity_below", "Hide entities &below N mentions…",
        lambda: entities.hide_many(by_type=False), ["Ctrl+Alt+B"],
        tip="Hide the rarely mentioned entities, as one undoable step")
    add("entities_in_article", "Entities in this &article", entities.set_article_scope,
        ["Ctrl+Shift+A"], True,
        tip="List only the entities named in the article being read, with their counts there")
    add("show_hidden_entities", "Show &hidden entities", entities.set_show_hidden,
        ["Ctrl+Alt+Shift+H"], True, tip="List the hidden entities too (in italics)")
    actions["entities_in_article"].setIconText("This article")  # on the panel's buttons
    actions["show_hidden_entities"].setIconText("Hidden")
    win.entity_panel.scope_button.setDefaultAction(actions["entities_in_article"])
    win.entity_panel.hidden_button.setDefaultAction(actions["show_hidden_entities"])
    add("timeline_view", "&Timeline", win.views.open_timeline, ["Ctrl+Shift+T"],
        tip="Articles, or the selected entity's or policy's mentions, on a date axis")
    add("network_view", "Net&work", win.views.open_network, ["Ctrl+Shift+G"],
        tip="Who is named with whom: entities linked by the sentences they share")
    add("zoom_in", "Zoom &in", lambda: win.zoom(+1), ["Ctrl++", "Ctrl+="])
    add("zoom_out", "Zoom &out", lambda: win.zoom(-1), ["Ctrl+-"])
    add("zoom_reset", "&Actual size", lambda: win.zoom(None), ["Ctrl+0"])
    comfort = win.comfort  # reading comfort: font, line width, theme (see reader.ui.comfort)
    add("reading_font", "Reading &font…", comfort.choose_font, ["Ctrl+Alt+F"],
        tip="The typeface and size of the reading pane")
    for n, (name, text) in enumerate((("narrow", "Na&rrow lines"), ("medium", "Medi&um lines"),
                                      ("wide", "Wi&de lines")), start=1):
        add(f"width_{name}", text, lambda _=False, name=name: comfort.set_line_width(name),
            [f"Ctrl+Alt+{n}"], True, tip="How long the reading pane's lines may grow")
    for n, (name, text) in enumerate((("system", "S&ystem theme"), ("light", "&Light theme"),
                                      ("dark", "Dar&k theme")), start=7):
        add(f"theme_{name}", text, lambda _=False, name=name: comfort.set_theme(name),
            [f"Ctrl+Alt+{n}"], True, tip="Light or dark colours, or those of the system")
    add("tab_entities", "&Entities", lambda: win.show_tab(0), ["Ctrl+1"])
    add("tab_policies", "&Policies", lambda: win.show_tab(1), ["Ctrl+2"])
    add("tab_notes", "&Notes", lambda: win.show_tab(2), ["Ctrl+3"])
    add("toggle_sidebar", "Show &sidebar", win.sidebar_dock.setVisible, ["Ctrl+Shift+B"],
        True)
    add("toggle_mentions", "Show &mentions", win.mention_dock.setVisible, ["Ctrl+Shift+M"],
        True)
    add("toggle_extras", "Show page &chrome and comments",
        win.article_view.set_extras_expanded, ["Ctrl+Shift+C"], True)
    add("back", "&Back", reading.go_back, ["Alt+Left"])
    add("forward", "&Forward", reading.go_forward, ["Alt+Right"])
    add("next_article", "&Next article", lambda: reading.step_article(+1), ["Alt+Down"])
    add("prev_article", "&Previous article", lambda: reading.step_article(-1), ["Alt+Up"])
    add("next_mention", "Next &mention", lambda: entities.step_mention(+1), ["F3"])
    add("prev_mention", "Pre&vious mention", lambda: entities.step_mention(-1), ["Shift+F3"])
    add("focus_list", "Article &list", win.focus_list, ["Ctrl+L"])
    add("focus_reader", "&Reading pane", lambda: win.article_view.setFocus(), ["Ctrl+R"])
    add("mark_unread", "Mark as &unread", reading.mark_unread, ["Ctrl+U"])
    add("shortcuts", "&Keyboard shortcuts", win.show_shortcuts, ["F1", "Ctrl+/"])
    add("about", "&About reader", win.show_about, ["Shift+F1"])

    build_organise_actions(win, add)

    for dock, name in ((win.sidebar_dock, "toggle_sidebar"),
                       (win.mention_dock, "toggle_mentions")):
        dock.visibilityChanged.connect(
            lambda _visible, dock=dock, name=name: actions[name].setChecked(
                not dock.isHidden()))
    return actions


def build_organise_actions(win, add) -> None:
    """Stars and tags on articles, saved searches, the order of the search results."""
    reading, search = win.articles, win.search
    add("star_article", "&Star article", lambda: reading.toggle_star(), ["Ctrl+D"],
        tip="Star the open article, or take its star off (search starred:yes)")
    add("edit_tags", "Article &tags…", lambda: reading.edit_tags(), ["Ctrl+Alt+T"],
        tip="Tag the open article (search tag:name)")
    add("save_search", "Sa&ve search…", lambda: search.saved.save_current(), ["Ctrl+S"],
        tip="Keep the current search under a name, in the search panel")
    add("saved_searches", "Saved searc&hes", search.saved.show, ["Ctrl+Shift+K"],
        tip="The saved searches: Enter runs one")
    for n, (sort, text) in enumerate((("relevance", "Sort results by &relevance"),
                                      ("newest", "Sort results &newest first"),
                                      ("oldest", "Sort results &oldest first")), start=4):
        add(f"sort_{sort}", text, lambda _=False, sort=sort: search.set_sort(sort),
            [f"Ctrl+Alt+{n}"], True, tip="Undated articles come last")
    group = QActionGroup(win)
    for sort in ("relevance", "newest", "oldest"):
        action = win.findChild(QAction, f"sort_{sort}")
        group.addAction(action)
        action.setChecked(sort == search.sort)


def build_menus(bar: QMenuBar, actions: dict[str, QAction]) -> None:
    for title, names in MENU_LAYOUT:
        add_to_menu(bar.addMenu(title), actions, names)


def add_to_menu(menu, actions: dict[str, QAction], names: list) -> None:
    for name in names:
        if name is None:
            menu.addSeparator()
        elif isinstance(name, tuple):  # a submenu: (title, names)
            submenu = menu.addMenu(name[0])
            submenu.setObjectName(f"{name[0].replace('&', '').lower()}Menu")
            add_to_menu(submenu, actions, name[1])
        else:
            menu.addAction(actions[name])


def shortcut_table(actions: dict[str, QAction]) -> list[tuple[str, str, str]]:
    """(menu, action, shortcuts) for every action, as listed in Help > Keyboard shortcuts."""
    rows = []
    for title, names in MENU_LAYOUT:
        for name in _flat(names):
            action = actions[name]
            keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                             for k in action.shortcuts())
            rows.append((title.replace("&", ""), action.text().replace("&", ""), keys))
    return rows + WIDGET_SHORTCUTS


def _flat(names: list) -> list[str]:
    """The action names of a menu, its submenus' included, in menu order."""
    out: list[str] = []
    for name in names:
        if isinstance(name, tuple):
            out += _flat(name[1])
        elif name is not None:
            out.append(name)
    return out
