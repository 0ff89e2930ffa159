"""The main window: article list, reading pane, sidebar (entities, policies, notes), mentions.

The window shows at once with the article list (`Library.articles()` is cheap); everything
else (the index check and first extraction, search, article text, entities, mentions, edits)
goes through one `TaskRunner` and fills in as it arrives. Window state (geometry, splitters,
open article and its scroll position, last search, zoom) lives in `ui.ini` in the data dir.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

from PySide6.QtCore import QEvent, QItemSelectionModel, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.errors import BadInput
from reader.ui.backend import Backend
from reader.ui.models import ID_ROLE, TYPE_ORDER, ArticleModel, ArticleProxy
from reader.ui.notes_panel import NotesPanel
from reader.ui.panels import EntityPanel, MentionPanel, PolicyPanel, SearchPanel
from reader.ui.tasks import WRITE, TaskRunner
from reader.ui.viewer import ArticleView, SafeBrowser
from reader.ui.widgets import EmptyStack

log = logging.getLogger(__name__)

SEARCH_DEBOUNCE_MS = 250
SEARCH_LIMIT = 50
STATE_VERSION = 1  # bump when the saved dock/toolbar layout no longer fits


class FindBar(QWidget):
    """Find within the open article: Enter next, Shift+Enter previous, Esc closes."""

    # The user asked for a match: (text, backward, again — False while typing).
    find_requested = Signal(str, bool, bool)
    # The bar was closed.
    closed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("findBar")
        self.edit = QLineEdit()
        self.edit.setObjectName("findField")
        self.edit.setPlaceholderText("Find in article")
        self.edit.setClearButtonEnabled(True)
        self.count = QLabel()
        self.count.setObjectName("findCount")
        prev_btn = QToolButton(text="▲", toolTip="Previous match (Shift+Enter)")
        next_btn = QToolButton(text="▼", toolTip="Next match (Enter)")
        close_btn = QToolButton(text="✕", toolTip="Close (Esc)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.count)
        for button in (prev_btn, next_btn, close_btn):
            button.setAutoRaise(True)
            layout.addWidget(button)
        prev_btn.clicked.connect(lambda: self.find_requested.emit(self.edit.text(), True, True))
        next_btn.clicked.connect(lambda: self.find_requested.emit(self.edit.text(), False, True))
        close_btn.clicked.connect(self.close_bar)
        self.edit.textChanged.connect(lambda text: self.find_requested.emit(text, False, False))
        self.edit.installEventFilter(self)
        self.hide()

    def open_bar(self, text: str = "") -> None:
        self.show()
        if text:
            self.edit.setText(text)
        self.edit.setFocus()
        self.edit.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.closed.emit()

    def show_count(self, n: int, total: int) -> None:
        text = self.edit.text()
        self.count.setText("" if not text else (f"{n} of {total}" if total else "No matches"))

    def eventFilter(self, obj, event):
        if obj is self.edit and event.type() == QEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                backward = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
                self.find_requested.emit(self.edit.text(), backward, True)
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.close_bar()
                return True
        return super().eventFilter(obj, event)


class MainWindow(QMainWindow):
    """The researcher's window. `library` is a `reader.library.Library`."""

    # An article is shown in the reading pane: (article id).
    article_opened = Signal(str)
    # A search result is shown: (SearchResult).
    search_finished = Signal(object)
    # A search failed with a message for the user: (query, message).
    search_failed = Signal(str, str)
    # The entity list was (re)loaded.
    entities_loaded = Signal()
    # The policy list was (re)loaded.
    policies_loaded = Signal()
    # The notes list was (re)loaded (also after a failed load).
    notes_loaded = Signal()
    # A note was created and opened in the editor: (Note).
    note_added = Signal(object)
    # An editor change was saved: (the stored Note).
    note_saved = Signal(object)
    # Saving an editor change failed; the text stays in the editor: (message).
    note_save_failed = Signal(str)
    # A note was moved to the trash or restored: (Note).
    note_changed = Signal(object)
    # The main search's note results arrived: (list of Note).
    notes_found = Signal(list)
    # Notes were imported: (counts dict with "added", "updated", "unchanged", "problems").
    notes_imported = Signal(dict)
    # The mention list was filled: (number of mentions).
    mentions_loaded = Signal(int)
    # An entity edit was applied and the sidebar reloaded: (edit dict, or {"op": "undo"}).
    entities_edited = Signal(dict)
    # The index check/build finished: (IndexReport, or None when it failed).
    index_finished = Signal(object)
    # An import finished: (list of ImportOutcome).
    import_finished = Signal(list)

    def __init__(self, library, *, nlp: bool = True, index_on_start: bool = True,
                 parent=None):
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("reader")
        self.backend = Backend(library)
        self.nlp = nlp
        self.runner = TaskRunner(self)
        self.runner.task_failed.connect(self._on_task_failed)
        self.settings = QSettings(str(Path(self.backend.data_dir) / "ui.ini"),
                                  QSettings.Format.IniFormat)
        self.search_result = None
        self.titles: dict[str, str] = {}  # article id -> title
        self.history: list[str] = []
        self.history_pos = -1
        self._subject = None  # ("entity" | "policy", object) selected in the sidebar
        self._open_first_pending = False
        self._syncing_list = False
        self._index_task = None
        self._closing = False

        self._build_widgets()
        self._build_actions()
        self._build_menus()
        self._restore_window_state()

        self._load_articles(self.backend.articles())
        # Everything else starts once the event loop runs, i.e. after the window is shown:
        # the loads run in worker threads that hold the GIL while they parse caches, and
        # their results are applied on the GUI thread.
        self.starting = True  # until every start-up task has been submitted
        self._index_on_start = index_on_start
        QTimer.singleShot(0, self._load_after_show)

    def _load_after_show(self) -> None:
        """Read state, entities, policies, notes and the last session, in the background;
        then, once they have arrived, the index check."""
        if self._closing:
            return
        self.load_read_state()
        self.load_entities()
        self.load_policies()
        self.load_notes()
        self._restore_session()
        if self._index_on_start:
            # Last: checking an unchanged index is pure Python for a second or more at 10k
            # articles, and while it holds the GIL the lists would arrive late.
            self.runner.busy_changed.connect(self._index_when_idle)
        else:
            self.starting = False

    def _index_when_idle(self, busy: bool) -> None:
        if busy:
            return
        self.runner.busy_changed.disconnect(self._index_when_idle)
        self.starting = False
        self.reindex()

    # ====================================================================================
    # building
    # ====================================================================================
    def _build_widgets(self) -> None:
        # -- toolbar with the search field
        self.toolbar = QToolBar("Search")
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setFloatable(False)
        self.search_field = QLineEdit()
        self.search_field.setObjectName("searchField")
        self.search_field.setPlaceholderText(
            "Search articles (Ctrl+K) — words, \"phrases\", wild*, fuzzy~, entity:, date:2014")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.textChanged.connect(self._search_text_changed)
        self.search_field.returnPressed.connect(self._search_enter)
        self.search_field.installEventFilter(self)
        self.toolbar.addWidget(self.search_field)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self.run_search)

        # -- left: article list / search results
        self.article_model = ArticleModel(self)
        self.article_proxy = ArticleProxy(self)
        self.article_proxy.setSourceModel(self.article_model)
        self.article_filter = QLineEdit()
        self.article_filter.setObjectName("articleFilter")
        self.article_filter.setPlaceholderText("Filter by title, source, author or date")
        self.article_filter.setClearButtonEnabled(True)
        self.article_filter.textChanged.connect(self._article_filter_changed)
        self.article_table = QTableView()
        self.article_table.setObjectName("articleTable")
        self.article_table.setModel(self.article_proxy)
        self.article_table.setSortingEnabled(True)
        self.article_table.sortByColumn(ArticleModel.DATE, Qt.SortOrder.DescendingOrder)
        self.article_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.article_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.article_table.setShowGrid(False)
        self.article_table.setWordWrap(False)
        self.article_table.verticalHeader().hide()
        self.article_table.setAlternatingRowColors(True)
        header = self.article_table.horizontalHeader()
        header.setSectionResizeMode(ArticleModel.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ArticleModel.SOURCE, QHeaderView.ResizeMode.Interactive)
        # Not ResizeToContents: that measures up to 1,000 rows on every reset.
        header.setSectionResizeMode(ArticleModel.DATE, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(ArticleModel.SOURCE, 100)
        header.resizeSection(ArticleModel.DATE,
                             self.article_table.fontMetrics().horizontalAdvance("0000-00-00 ")
                             + 24)
        header.setHighlightSections(False)
        self.article_table.selectionModel().currentRowChanged.connect(self._list_current_changed)
        self.article_table.activated.connect(lambda _: self.article_view.setFocus())
        self.article_stack = EmptyStack(self.article_table)
        list_page = QWidget()
        list_layout = QVBoxLayout(list_page)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.setSpacing(4)
        list_layout.addWidget(self.article_filter)
        list_layout.addWidget(self.article_stack)

        self.search_panel = SearchPanel()
        self.search_panel.hit_activated.connect(self._open_hit)
        self.search_panel.facet_activated.connect(self._add_facet)
        self.search_panel.suggestion_activated.connect(self.search_field.setText)
        self.search_panel.note_activated.connect(self._open_note)
        self.left = QStackedWidget()
        self.left.setObjectName("leftPane")
        self.left.addWidget(list_page)
        self.left.addWidget(self.search_panel)

        # -- centre: reading pane and find bar
        self.article_view = ArticleView()
        self.article_view.link_activated.connect(self._internal_link)
        self.article_view.note_clicked.connect(self._note_clicked)
        self.article_view.zoom_changed.connect(lambda _: self._update_zoom_actions())
        self.find_bar = FindBar()
        self.find_bar.find_requested.connect(self._find)
        self.find_bar.closed.connect(self._find_closed)
        reading = QWidget()
        reading.setObjectName("readingPane")
        reading_layout = QVBoxLayout(reading)
        reading_layout.setContentsMargins(0, 0, 0, 0)
        reading_layout.setSpacing(0)
        reading_layout.addWidget(self.article_view)
        reading_layout.addWidget(self.find_bar)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.left)
        self.splitter.addWidget(reading)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setSizes([520, 680])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)

        # -- right dock: entities, policies, notes
        self.entity_panel = EntityPanel()
        self.entity_panel.entity_selected.connect(self._entity_selected)
        self.entity_panel.context_menu_requested.connect(self._entity_menu)
        self.entity_panel.entity_link_activated.connect(self.select_entity)
        self.entity_panel.model.merge_requested.connect(self.merge_entities)
        self.policy_panel = PolicyPanel()
        self.policy_panel.set_entity_names(self._entity_name)
        self.policy_panel.policy_selected.connect(self._policy_selected)
        self.policy_panel.entity_link_activated.connect(self.select_entity)
        self.notes_panel = NotesPanel()
        self.notes_panel.set_renderer(self.backend.render_markdown)
        self.notes_panel.note_activated.connect(self._open_note)
        self.notes_panel.save_requested.connect(self._save_note)
        self.notes_panel.trash_requested.connect(lambda nid: self._change_note(nid, "trash"))
        self.notes_panel.restore_requested.connect(
            lambda nid: self._change_note(nid, "restore"))
        self.notes_panel.entity_link_activated.connect(self.select_entity)
        self.sidebar = QTabWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setDocumentMode(True)
        self.sidebar.addTab(self.entity_panel, "Entities")
        self.sidebar.addTab(self.policy_panel, "Policies")
        self.sidebar.addTab(self.notes_panel, "Notes")
        self.sidebar_dock = QDockWidget("Sidebar")
        self.sidebar_dock.setObjectName("sidebarDock")
        self.sidebar_dock.setWidget(self.sidebar)
        self.sidebar_dock.setTitleBarWidget(QWidget())  # the tabs are title enough
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.sidebar_dock)

        # -- bottom dock: mentions across the corpus
        self.mention_panel = MentionPanel()
        self.mention_panel.mention_activated.connect(self.open_mention)
        self.mention_dock = QDockWidget("Mentions")
        self.mention_dock.setObjectName("mentionDock")
        self.mention_dock.setWidget(self.mention_panel)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.mention_dock)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.resizeDocks([self.sidebar_dock], [330], Qt.Orientation.Horizontal)
        self.resizeDocks([self.mention_dock], [170], Qt.Orientation.Vertical)

        # -- status bar: messages, index progress and Cancel
        self.progress = QProgressBar()
        self.progress.setObjectName("indexProgress")
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.clicked.connect(self.cancel_index)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.cancel_button)
        self.progress.hide()
        self.cancel_button.hide()

    def _action(self, name: str, text: str, slot, shortcuts=(), checkable=False,
                tip: str = "") -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcuts:
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.setCheckable(checkable)
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work even while menus are hidden
        self.actions_by_name[name] = action
        return action

    def _build_actions(self) -> None:
        self.actions_by_name: dict[str, QAction] = {}
        a = self._action
        a("import_files", "&Import files…", self.import_files, ["Ctrl+O"],
          tip="Copy .txt, .md or .html articles into the library")
        a("import_folder", "Import &folder…", self.import_folder, ["Ctrl+Shift+O"])
        a("reindex", "&Reindex", self.reindex, ["F5"],
          tip="Bring the search index and entities up to date")
        a("export_notes", "&Export notes…", self.export_notes, ["Ctrl+Shift+E"],
          tip="Save every note as Markdown (with citations) or as JSON (W3C annotations)")
        a("import_notes", "I&mport notes…", self.import_notes, ["Ctrl+Shift+I"],
          tip="Restore notes from a JSON export; notes you already have are not duplicated")
        a("quit", "&Quit", self.close, ["Ctrl+Q"])
        a("search", "&Search", self.focus_search, ["Ctrl+K"])
        a("find", "&Find in article", self.open_find, ["Ctrl+F"])
        a("new_note", "&Add note", self.new_note, ["Ctrl+Shift+N"],
          tip="Note the passage selected in the article")
        a("article_note", "&Note on this article", self.new_article_note, ["Ctrl+Alt+N"],
          tip="A note on the whole open article")
        a("undo_entity", "&Undo entity edit", self.undo_entity_edit, ["Ctrl+Z"])
        a("rename_entity", "&Rename entity…", self.rename_entity, ["F2"])
        a("merge_entity", "&Merge entities…", self.merge_selected, ["Ctrl+M"],
          tip="Merge the selected entities into the current one (or pick a target)")
        a("retype_entity", "Change entity &type…", self.retype_entity, ["Ctrl+T"])
        a("hide_entity", "&Hide entity", self.hide_entity, ["Ctrl+H"])
        a("zoom_in", "Zoom &in", lambda: self.zoom(+1), ["Ctrl++", "Ctrl+="])
        a("zoom_out", "Zoom &out", lambda: self.zoom(-1), ["Ctrl+-"])
        a("zoom_reset", "&Actual size", lambda: self.zoom(None), ["Ctrl+0"])
        a("tab_entities", "&Entities", lambda: self.show_tab(0), ["Ctrl+1"])
        a("tab_policies", "&Policies", lambda: self.show_tab(1), ["Ctrl+2"])
        a("tab_notes", "&Notes", lambda: self.show_tab(2), ["Ctrl+3"])
        a("toggle_sidebar", "Show &sidebar", self._toggle_sidebar, ["Ctrl+Shift+B"], True)
        a("toggle_mentions", "Show &mentions", self._toggle_mentions, ["Ctrl+Shift+M"], True)
        a("toggle_extras", "Show page &chrome and comments",
          self._toggle_extras, ["Ctrl+Shift+C"], True)
        a("back", "&Back", self.go_back, ["Alt+Left"])
        a("forward", "&Forward", self.go_forward, ["Alt+Right"])
        a("next_article", "&Next article", lambda: self.step_article(+1), ["Alt+Down"])
        a("prev_article", "&Previous article", lambda: self.step_article(-1), ["Alt+Up"])
        a("next_mention", "Next &mention", lambda: self.step_mention(+1), ["F3"])
        a("prev_mention", "Pre&vious mention", lambda: self.step_mention(-1), ["Shift+F3"])
        a("focus_list", "Article &list", self.focus_list, ["Ctrl+L"])
        a("focus_reader", "&Reading pane", lambda: self.article_view.setFocus(), ["Ctrl+R"])
        a("mark_unread", "Mark as &unread", self.mark_unread, ["Ctrl+U"])
        a("shortcuts", "&Keyboard shortcuts", self.show_shortcuts, ["F1", "Ctrl+/"])
        a("about", "&About reader", self.show_about, ["Shift+F1"])
        self.sidebar_dock.visibilityChanged.connect(
            lambda _: self.actions_by_name["toggle_sidebar"].setChecked(
                not self.sidebar_dock.isHidden()))
        self.mention_dock.visibilityChanged.connect(
            lambda _: self.actions_by_name["toggle_mentions"].setChecked(
                not self.mention_dock.isHidden()))
        self.article_view.set_context_actions([self.actions_by_name["new_note"],
                                               self.actions_by_name["article_note"]])
        self.notes_panel.set_article_action(self.actions_by_name["article_note"])

    def _build_menus(self) -> None:
        bar = self.menuBar()
        layout = [
            ("&File", ["import_files", "import_folder", None, "reindex", None,
                       "export_notes", "import_notes", None, "quit"]),
            ("&Edit", ["search", "find", None, "new_note", "article_note", None, "rename_entity",
                       "merge_entity", "retype_entity", "hide_entity", "undo_entity"]),
            ("&View", ["zoom_in", "zoom_out", "zoom_reset", None, "tab_entities",
                       "tab_policies", "tab_notes", None, "toggle_sidebar", "toggle_mentions",
                       "toggle_extras"]),
            ("&Go", ["back", "forward", None, "next_article", "prev_article", None,
                     "next_mention", "prev_mention", None, "focus_list", "focus_reader", None,
                     "mark_unread"]),
            ("&Help", ["shortcuts", "about"]),
        ]
        self.menu_layout = layout
        for title, names in layout:
            menu = bar.addMenu(title)
            for name in names:
                if name is None:
                    menu.addSeparator()
                else:
                    menu.addAction(self.actions_by_name[name])

    # ====================================================================================
    # articles and the reading pane
    # ====================================================================================
    def _load_articles(self, infos) -> None:
        current = self.current_doc
        self.article_model.set_articles(infos)
        self.corpus_span = _span(infos)
        self.titles = {info.id: info.title or "Untitled" for info in infos}
        self.notes_panel.set_titles(self.titles)
        self._update_article_empty_state()
        if current:
            self._select_in_list(current)
        if not infos and self.article_view.article is None:
            self.article_view.show_message("No articles yet. Import some with File > "
                                           "Import files… (Ctrl+O).")

    def _update_article_empty_state(self) -> None:
        if self.article_model.rowCount() == 0:
            self.article_stack.set_empty("No articles yet.\n\nUse File > Import files… "
                                         "(Ctrl+O) to add .txt, .md or .html articles.")
        elif self.article_proxy.rowCount() == 0:
            self.article_stack.set_empty(f"No articles match “{self.article_filter.text()}”.")
        else:
            self.article_stack.set_empty(None)

    def _article_filter_changed(self, text: str) -> None:
        self.article_proxy.set_filter_text(text)
        self._update_article_empty_state()

    @property
    def current_doc(self) -> str | None:
        art = self.article_view.article
        return art.id if art is not None else None

    def _list_current_changed(self, current, _previous) -> None:
        if self._syncing_list or not current.isValid():
            return
        doc_id = self.article_proxy.data(current, ID_ROLE)
        if doc_id and doc_id != self.current_doc:
            self.open_article(doc_id)

    def _select_in_list(self, doc_id: str) -> None:
        row = self.article_model.row_of(doc_id)
        if row is None:
            return
        index = self.article_proxy.mapFromSource(self.article_model.index(row, 0))
        if not index.isValid():
            return
        self._syncing_list = True
        try:
            self.article_table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            self.article_table.scrollTo(index)
        finally:
            self._syncing_list = False

    def open_article(self, doc_id: str, select: tuple[int, int] | None = None,
                     terms=None, top: int | None = None, record: bool = True) -> None:
        """Load and show an article (in the "article" lane).

        Args:
            select: body span to select and scroll to (a mention or a note quote).
            terms: search stems to highlight; the view scrolls to the first match.
            top: document position to scroll to (restoring the last session).
            record: add the article to the Back/Forward history."""
        if record and (not self.history or self.history[self.history_pos] != doc_id):
            del self.history[self.history_pos + 1:]
            self.history.append(doc_id)
            self.history_pos = len(self.history) - 1
        terms = tuple(terms or ())
        self.runner.submit("article", lambda ctx: self.backend.article(doc_id),
                           done=lambda art: self._article_loaded(art, select, terms, top),
                           failed=lambda exc: self._article_failed(doc_id, exc))

    def _article_loaded(self, article, select, terms, top) -> None:
        view = self.article_view
        view.show_article(article, expanded={"chrome", "comments"}
                          if self.actions_by_name["toggle_extras"].isChecked() else None)
        self.setWindowTitle(f"{article.title} — reader")
        view.highlight_terms(terms)
        self._highlight_subject()
        self.notes_panel.set_current_doc(article.id)
        self._highlight_notes()
        if self.find_bar.isVisible():
            self.find_bar.close_bar()
        if select is not None:
            view.select_body(*select)
        elif top is not None:
            view.scroll_to_pos(top)
        elif terms and view.term_selections():
            view.scroll_to_pos(view.body_pos(view.term_selections()[0][0]), centre=True)
        else:
            view.verticalScrollBar().setValue(0)
        self._select_in_list(article.id)
        self._mark_read(article.id)
        self.article_opened.emit(article.id)

    def _article_failed(self, doc_id: str, exc: BaseException) -> None:
        self.article_view.show_message(f"This article cannot be shown: {exc}")
        self.statusBar().showMessage(str(exc), 8000)

    def _mark_read(self, doc_id: str) -> None:
        if self.article_model.is_read(doc_id):
            return
        self.article_model.set_read(doc_id, True)
        self.runner.submit(WRITE, lambda ctx: self.backend.set_read(doc_id, True))

    def mark_unread(self) -> None:
        doc_id = self.current_doc
        if doc_id:
            self.article_model.set_read(doc_id, False)
            self.runner.submit(WRITE, lambda ctx: self.backend.set_read(doc_id, False))
            self.statusBar().showMessage("Marked as unread.", 3000)

    def load_read_state(self) -> None:
        """Read state, and any message about the user-data store (restored, read-only)."""
        def work(ctx):
            return self.backend.read_docs(), self.backend.user_data_message()

        self.runner.submit("read_state", work, done=self._read_state_ready)

    def _read_state_ready(self, value) -> None:
        docs, message = value
        self.article_model.set_read_docs(docs)
        if message:
            self.show_message(message, "userDataMessage")

    def show_message(self, text: str, name: str = "messageBox") -> QMessageBox:
        """A warning the user must see, window-modal but not blocking the event loop (work
        in the background goes on, and tests are not stuck in a nested exec())."""
        box = QMessageBox(QMessageBox.Icon.Warning, "reader", text,
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName(name)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.statusBar().showMessage(text, 10000)
        return box

    def step_article(self, delta: int) -> None:
        rows = self.article_proxy.rowCount()
        if not rows:
            return
        current = self.article_table.currentIndex()
        row = 0 if not current.isValid() else max(0, min(rows - 1, current.row() + delta))
        self.article_table.setCurrentIndex(self.article_proxy.index(row, 0))

    def go_back(self) -> None:
        if self.history_pos > 0:
            self.history_pos -= 1
            self.open_article(self.history[self.history_pos], record=False)

    def go_forward(self) -> None:
        if self.history_pos < len(self.history) - 1:
            self.history_pos += 1
            self.open_article(self.history[self.history_pos], record=False)

    def focus_list(self) -> None:
        self.left.setCurrentIndex(0 if not self.search_field.text() else 1)
        (self.article_table if self.left.currentIndex() == 0
         else self.search_panel.results).setFocus()

    def _internal_link(self, url) -> None:
        if url.scheme() == "entity":
            self.select_entity(url.path())
        elif url.scheme() == "note" and url.path().isdigit():
            self.show_tab(2)
            self.notes_panel.reveal(int(url.path()))

    # -- find in article -----------------------------------------------------------------
    def open_find(self) -> None:
        selected = self.article_view.textCursor().selectedText()
        self.find_bar.open_bar(selected if selected and len(selected) < 80 else "")

    def _find(self, text: str, backward: bool, again: bool) -> None:
        n, total = self.article_view.find_text(text, backward, again)
        self.find_bar.show_count(n, total)

    def _find_closed(self) -> None:
        self.article_view.clear_find()
        self.article_view.setFocus()

    # -- zoom and view toggles -----------------------------------------------------------
    def zoom(self, delta: int | None) -> None:
        view = self.article_view
        view.set_zoom(0 if delta is None else view.zoom + delta)

    def _update_zoom_actions(self) -> None:
        pct = 100 + 10 * self.article_view.zoom
        self.statusBar().showMessage(f"Zoom {pct}%", 2000)

    def show_tab(self, index: int) -> None:
        self.sidebar_dock.show()
        self.sidebar.setCurrentIndex(index)
        self.sidebar.currentWidget().setFocus()

    def _toggle_sidebar(self, on: bool) -> None:
        self.sidebar_dock.setVisible(on)

    def _toggle_mentions(self, on: bool) -> None:
        self.mention_dock.setVisible(on)

    def _toggle_extras(self, on: bool) -> None:
        self.article_view.set_extras_expanded(on)

    # ====================================================================================
    # search
    # ====================================================================================
    def focus_search(self) -> None:
        self.search_field.setFocus()
        self.search_field.selectAll()

    def _search_text_changed(self, text: str) -> None:
        if text.strip():
            self._search_timer.start()
        else:
            self._search_timer.stop()
            self._open_first_pending = False
            self.search_result = None
            self.search_panel.clear()
            self.runner.submit("note_search", lambda ctx: [])  # drops a pending note search
            self.left.setCurrentIndex(0)
            self.article_view.highlight_terms(())

    def run_search(self) -> None:
        """Search for the field's text now (the debounce timer calls this)."""
        self._search_timer.stop()
        query = self.search_field.text().strip()
        if not query:
            return
        self.search_panel.show_pending(query)
        self.left.setCurrentIndex(1)
        self.runner.submit("search", lambda ctx: self.backend.search(query, SEARCH_LIMIT),
                           done=self._search_done,
                           failed=lambda exc: self._search_error(query, exc))
        self.runner.submit("note_search", lambda ctx: self.backend.search_notes(query),
                           done=self._notes_found, failed=self._note_search_failed)

    def _notes_found(self, notes) -> None:
        self.search_panel.show_notes(notes, self.titles)
        self.notes_found.emit(list(notes or ()))

    def _note_search_failed(self, exc: BaseException) -> None:
        if not _user_error(exc):
            log.error("note search failed", exc_info=(type(exc), exc, exc.__traceback__))
        self.search_panel.show_notes([], self.titles)
        self.statusBar().showMessage(f"Notes could not be searched: {exc}", 8000)

    def _search_done(self, result) -> None:
        self.search_result = result
        self.search_panel.show_result(result, self._facet_label)
        self.left.setCurrentIndex(1)
        self.search_finished.emit(result)
        if self._open_first_pending:
            self._open_first_pending = False
            if result.hits:
                self._open_hit(result.hits[0].id)

    def _facet_label(self, key: str, value: str) -> str | None:
        """Entity facets by their sidebar name (dates and sums left out), policies by label."""
        if key == "entity":
            ent = self.entity_panel.model.find(value)
            if ent is None:
                return value
            return None if ent.type in ("Date", "Money") else ent.name
        if key == "policy":
            row = self.policy_panel.model.row_of(value)
            return value if row is None else self.policy_panel.model.policy(row).label
        return value

    def _search_error(self, query: str, exc: BaseException) -> None:
        from reader.errors import ReaderError

        self._open_first_pending = False
        message = str(exc) if isinstance(exc, ReaderError) else f"Search failed: {exc}"
        if not isinstance(exc, ReaderError):
            log.error("search failed", exc_info=(type(exc), exc, exc.__traceback__))
        self.search_panel.show_error(query, message)
        self.search_failed.emit(query, message)

    def _search_enter(self) -> None:
        query = self.search_field.text().strip()
        if not query:
            return
        result = self.search_result
        if (not self._search_timer.isActive() and result is not None
                and result.query == query and not self.runner.pending("search")):
            if result.hits:
                self._open_hit(result.hits[0].id)
            return
        self._open_first_pending = True
        if self._search_timer.isActive() or not self.runner.pending("search"):
            self.run_search()

    def _open_hit(self, doc_id: str) -> None:
        terms = self.search_result.terms if self.search_result else ()
        self.open_article(doc_id, terms=terms)
        self.article_view.setFocus()

    def _add_facet(self, clause: str) -> None:
        text = self.search_field.text().strip()
        if clause not in text:
            self.search_field.setText(f"{text} {clause}".strip())
            self.run_search()

    def eventFilter(self, obj, event):
        if obj is self.search_field and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Escape:
                if self.search_field.text():
                    self.search_field.clear()
                else:
                    self.focus_list()
                return True
            if event.key() == Qt.Key.Key_Down and self.search_panel.hits.rowCount():
                self.left.setCurrentIndex(1)
                self.search_panel.results.setFocus()
                return True
        return super().eventFilter(obj, event)

    # ====================================================================================
    # indexing and import
    # ====================================================================================
    def reindex(self) -> None:
        """Bring the index (and extraction) up to date in the write lane."""
        if self._index_task is not None or self._closing:
            return
        nlp = self.nlp

        def work(ctx):
            report = self.backend.index(progress=ctx.progress, cancelled=ctx.cancelled,
                                        nlp=nlp)
            return report, self.backend.articles()

        self._start_progress("Checking the index…")
        self._index_task = self.runner.submit(WRITE, work, done=self._index_done,
                                              failed=self._index_failed,
                                              progress=self._index_progress)

    def cancel_index(self) -> None:
        if self._index_task is not None:
            self.runner.cancel(self._index_task)
            self.cancel_button.setEnabled(False)
            self.statusBar().showMessage("Cancelling…")

    def _start_progress(self, message: str) -> None:
        self.progress.setRange(0, 0)
        self.progress.setFormat("")
        self.statusBar().showMessage(message)
        self.cancel_button.setEnabled(True)
        # Shown only once there is real work (first progress report): a current index is
        # checked in milliseconds and a flashing bar would only distract.

    def _index_progress(self, stage: str, done: int, total: int) -> None:
        labels = {"index": "Indexing", "nlp": "Reading entities", "extract": "Extracting"}
        self.progress.show()
        self.cancel_button.show()
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        self.progress.setFormat(f"{labels.get(stage, stage.capitalize())} {done}/{total}")

    def _stop_progress(self) -> None:
        self._index_task = None
        self.progress.hide()
        self.cancel_button.hide()

    def _index_done(self, value) -> None:
        report, infos = value
        self._stop_progress()
        self._load_articles(infos)
        changed = report.added or report.updated or report.removed or report.analysed
        if report.cancelled:
            message = "Indexing cancelled; it continues where it stopped next time (F5)."
        elif changed:
            message = (f"Index updated: {report.added} added, {report.updated} updated, "
                       f"{report.removed} removed.")
        else:
            message = f"{report.total} articles, index up to date."
        self.statusBar().showMessage(" ".join([message, *report.messages]), 8000)
        if changed or report.messages:
            self.load_entities()
            self.load_policies()
            if self.search_field.text().strip():
                self.run_search()
        self.index_finished.emit(report)

    def _index_failed(self, exc: BaseException) -> None:
        self._stop_progress()
        self.statusBar().showMessage(f"Indexing failed: {exc}", 15000)
        if not _user_error(exc):
            log.error("indexing failed", exc_info=(type(exc), exc, exc.__traceback__))
        self.index_finished.emit(None)

    def import_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Import articles", str(Path.home()),
            "Articles (*.txt *.md *.markdown *.html *.htm);;All files (*)")
        if paths:
            self.import_paths(paths)

    def import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a folder of articles",
                                                  str(Path.home()))
        if folder:
            self.import_paths([folder])

    def import_paths(self, paths: list[str]) -> None:
        """Import files/folders and index them in the write lane; report each file."""
        nlp = self.nlp

        def work(ctx):
            outcomes = self.backend.import_paths(paths)
            report = None
            if any(o.status == "imported" for o in outcomes):
                report = self.backend.index(progress=ctx.progress, cancelled=ctx.cancelled,
                                            nlp=nlp)
            return outcomes, report, self.backend.articles()

        self._start_progress(f"Importing {len(paths)} item{'s' if len(paths) != 1 else ''}…")
        self._index_task = self.runner.submit(WRITE, work, done=self._import_done,
                                              failed=self._index_failed,
                                              progress=self._index_progress)

    def _import_done(self, value) -> None:
        outcomes, report, infos = value
        self._stop_progress()
        self._load_articles(infos)
        counts = {s: sum(1 for o in outcomes if o.status == s)
                  for s in ("imported", "skipped", "failed")}
        self.statusBar().showMessage(
            f"Import: {counts['imported']} imported, {counts['skipped']} skipped, "
            f"{counts['failed']} failed.", 10000)
        if report is not None:
            self.load_entities()
            self.load_policies()
        self.import_report = ImportReport(outcomes, self)
        self.import_report.show()
        imported = [o.id for o in outcomes if o.status == "imported" and o.id]
        if imported:
            self.open_article(imported[0])
        self.import_finished.emit(outcomes)

    # ====================================================================================
    # entities, policies and mentions
    # ====================================================================================
    def load_entities(self, keep: str | None = None) -> None:
        self.runner.submit("entities", lambda ctx: self.backend.entities(),
                           done=lambda ents: self._entities_ready(ents, keep))

    def _entities_ready(self, entities, keep=None) -> None:
        self.entity_panel.set_entities(entities, keep)
        self._refresh_subject()
        self.policy_panel.show_details(self.policy_panel.current())  # actors' names
        self.entities_loaded.emit()

    def load_policies(self) -> None:
        self.runner.submit("policies", lambda ctx: self.backend.policies(),
                           done=self._policies_ready)

    def _policies_ready(self, policies) -> None:
        self.policy_panel.set_policies(policies, self.corpus_span)
        self.policies_loaded.emit()

    def _entity_name(self, entity_id: str) -> str | None:
        ent = self.entity_panel.model.entity(entity_id)
        return ent.name if ent is not None else None

    def select_entity(self, ref: str) -> None:
        """Show the entity with id or name `ref` (entity: links carry either)."""
        self.show_tab(0)
        if not self.entity_panel.select(ref):
            self.entity_panel.filter.clear()
            if not self.entity_panel.select(ref):
                self.statusBar().showMessage(f"No entity “{ref}” in the library.", 5000)

    def _entity_selected(self, ent) -> None:
        if ent is None:
            self.entity_panel.show_details(None)
            return
        self._set_subject("entity", ent)
        self.entity_panel.show_details(ent)
        entity_id = ent.id
        self.runner.submit("related", lambda ctx: self.backend.related(entity_id),
                           done=lambda rel: self._related_ready(entity_id, rel))

    def _related_ready(self, entity_id: str, related) -> None:
        ent = self.entity_panel.current()
        if ent is not None and ent.id == entity_id:
            self.entity_panel.show_details(ent, related)

    def _policy_selected(self, pol) -> None:
        if pol is not None:
            self._set_subject("policy", pol)

    def _set_subject(self, kind: str, obj) -> None:
        """An entity or policy became the focus: highlight it and list its mentions."""
        self._subject = (kind, obj)
        self._highlight_subject()
        name = obj.name if kind == "entity" else obj.label
        mentions = list(getattr(obj, "mentions", ()) or ())
        self.mention_panel.show_loading(name)
        self.runner.submit("mentions", lambda ctx: self.backend.mention_contexts(mentions),
                           done=lambda ctxs: self._mentions_ready(name, ctxs))

    def _refresh_subject(self) -> None:
        """After a reload, the selected entity object may have changed (merge, rename)."""
        if self._subject and self._subject[0] == "entity":
            ent = self.entity_panel.current()
            if ent is None:
                self._subject = None
                self.article_view.highlight_mentions([])
                self.mention_panel.set_contexts(None, "")

    def _mentions_ready(self, name: str, contexts) -> None:
        self.mention_panel.set_contexts(contexts if contexts is not None else [], name)
        if contexts is None:
            self.mention_panel.stack.set_empty("Mention sentences appear after indexing.")
        self.mentions_loaded.emit(len(contexts or ()))

    def _highlight_subject(self) -> None:
        doc = self.current_doc
        if not doc or not self._subject:
            self.article_view.highlight_mentions([])
            return
        mentions = getattr(self._subject[1], "mentions", ()) or ()
        self.article_view.highlight_mentions(
            [(m.start, m.end) for m in mentions if m.doc == doc and m.start >= 0])

    def open_mention(self, ctx) -> None:
        """Open the article of a MentionContext with the mention selected."""
        if ctx is not None:
            self.open_article(ctx.doc, select=(ctx.start, ctx.end))

    def step_mention(self, delta: int) -> None:
        ctx = self.mention_panel.step(delta)
        if ctx is None:
            self.statusBar().showMessage("Select an entity or a policy first: F3 then walks "
                                         "through its mentions.", 5000)
            return
        self.open_mention(ctx)

    # -- entity edits (write lane, then reload) ------------------------------------------
    def _entity_menu(self, pos) -> None:
        from PySide6.QtWidgets import QMenu

        menu = QMenu(self)
        for name in ("rename_entity", "merge_entity", "retype_entity", "hide_entity", None,
                     "undo_entity"):
            if name is None:
                menu.addSeparator()
            else:
                menu.addAction(self.actions_by_name[name])
        menu.popup(self.entity_panel.tree.viewport().mapToGlobal(pos))

    def edit_entities(self, edit: dict, keep: str | None = None) -> None:
        """Apply one entity edit and reload the sidebar and the mention list."""
        def work(ctx):
            self.backend.edit_entities(edit)
            return self.backend.entities()

        self.runner.submit(WRITE, work, done=lambda ents: self._edited(ents, edit, keep),
                           failed=self._edit_failed)

    def _edited(self, entities, edit: dict, keep) -> None:
        self.entity_panel.set_entities(entities, keep)
        ent = self.entity_panel.current()
        if ent is not None:
            self._entity_selected(ent)
        else:
            self._refresh_subject()
        self.statusBar().showMessage(_describe(edit) + " Undo with Ctrl+Z.", 6000)
        self.entities_loaded.emit()
        self.entities_edited.emit(edit)

    def _edit_failed(self, exc: BaseException) -> None:
        if not _user_error(exc):
            log.error("entity edit failed", exc_info=(type(exc), exc, exc.__traceback__))
        self.show_message(str(exc) or exc.__class__.__name__)

    def merge_entities(self, source_id: str, target_id: str) -> None:
        self.edit_entities({"op": "merge", "source": source_id, "target": target_id},
                           keep=target_id)

    def merge_selected(self) -> None:
        target = self.entity_panel.current()
        if target is None:
            return
        others = [e for e in self.entity_panel.selected() if e.id != target.id]
        if not others:
            names = sorted((e for e in self.entity_panel.model._by_id.values()
                            if e.id != target.id), key=lambda e: e.name.casefold())
            labels = [f"{e.name} ({e.type})" for e in names]
            if not labels:
                return
            label, ok = QInputDialog.getItem(self, "Merge entity",
                                             f"Merge “{target.name}” into:", labels, 0, False)
            if not ok:
                return
            into = names[labels.index(label)]
            self.merge_entities(target.id, into.id)
            return
        for other in others:
            self.merge_entities(other.id, target.id)

    def rename_entity(self) -> None:
        ent = self.entity_panel.current()
        if ent is None:
            return
        name, ok = QInputDialog.getText(self, "Rename entity", "New name:", text=ent.name)
        if ok and name.strip() and name.strip() != ent.name:
            self.edit_entities({"op": "rename", "entity": ent.id, "name": name.strip()},
                               keep=ent.id)

    def retype_entity(self) -> None:
        ent = self.entity_panel.current()
        if ent is None:
            return
        types = list(TYPE_ORDER)
        current = types.index(ent.type) if ent.type in types else 0
        new, ok = QInputDialog.getItem(self, "Change entity type", f"Type of “{ent.name}”:",
                                       types, current, False)
        if ok and new and new != ent.type:
            self.edit_entities({"op": "retype", "entity": ent.id, "type": new},
                               keep=ent.id)

    def hide_entity(self) -> None:
        for ent in self.entity_panel.selected() or [self.entity_panel.current()]:
            if ent is not None:
                self.edit_entities({"op": "hide", "entity": ent.id})

    def undo_entity_edit(self) -> None:
        def work(ctx):
            undone = self.backend.undo_entity_edit()
            return undone, self.backend.entities()

        def done(value):
            undone, entities = value
            if undone is None:
                self.statusBar().showMessage("Nothing to undo.", 4000)
                return
            self._edited(entities, {"op": "undo", "undone": undone}, None)

        self.runner.submit(WRITE, work, done=done, failed=self._edit_failed)

    # ====================================================================================
    # notes
    # ====================================================================================
    def load_notes(self, keep=None) -> None:
        """(Re)load every note, the tags and the store's read-only state."""
        self.runner.submit("notes", lambda ctx: self.backend.notes_snapshot(),
                           done=lambda snapshot: self._notes_ready(snapshot, keep),
                           failed=self._notes_failed)

    def _notes_ready(self, snapshot, keep=None) -> None:
        self.notes_panel.set_notes(snapshot, keep)
        readonly = self.notes_panel.readonly
        for name in ("new_note", "article_note", "import_notes"):
            self.actions_by_name[name].setEnabled(not readonly)
        self._highlight_notes()
        self.notes_loaded.emit()

    def _notes_failed(self, exc: BaseException) -> None:
        if not _user_error(exc):
            log.error("loading notes failed", exc_info=(type(exc), exc, exc.__traceback__))
        self.notes_panel.show_banner(f"Notes cannot be shown: {exc}", "error")
        self.statusBar().showMessage(f"Notes cannot be shown: {exc}", 10000)
        self.notes_loaded.emit()

    def _highlight_notes(self) -> None:
        """Mark the open article's noted passages (orphans and the trash are not marked)."""
        from reader.ui.models import note_label

        doc = self.current_doc
        spans = [] if doc is None else [
            (n.id, n.start, n.end, note_label(n)) for n in self.notes_panel.model.notes()
            if n.doc == doc and not n.trashed and not n.orphan and n.quote
            and n.start is not None and n.end is not None]
        self.article_view.highlight_notes(spans)

    def new_note(self) -> None:
        """A note on the passage selected in the reading pane, opened in the editor."""
        if not self.backend.has("add_note"):
            self.show_message("This version of reader cannot do that yet (add_note).")
            return
        span = self.article_view.selected_body_range()
        if self.current_doc is None or span is None:
            self.statusBar().showMessage("Select some text in the article first (or use "
                                         "Edit > Note on this article).", 6000)
            return
        self._add_note(self.current_doc, *span)

    def new_article_note(self) -> None:
        """A note on the whole open article."""
        if self.current_doc is None:
            self.statusBar().showMessage("Open an article first.", 5000)
            return
        self._add_note(self.current_doc, None, None)

    def _add_note(self, doc: str, start, end) -> None:
        self.notes_panel.flush()

        def work(ctx):
            note = self.backend.add_note(doc, start=start, end=end)
            return note, self.backend.notes_snapshot()

        def done(value):
            note, snapshot = value
            self._notes_ready(snapshot, note.id)
            self.show_tab(2)
            self.notes_panel.reveal(note.id, focus=True)
            self.statusBar().showMessage(
                "Note added: write it in the Notes tab; it saves as you type.", 5000)
            self.note_added.emit(note)

        self.runner.submit(WRITE, work, done=done, failed=self._edit_failed)

    def _save_note(self, edit) -> None:
        """Save one editor change in the write lane (FIFO: edits land in typing order)."""
        def work(ctx):
            note = self.backend.update_note(edit.note_id, body=edit.body, tags=edit.tags)
            return note, self.backend.note_tags()

        def done(value):
            note, tags = value
            self.notes_panel.saved(edit, note)
            self.notes_panel.set_tags(tags)
            self._highlight_notes()  # tooltips follow the first line
            self.note_saved.emit(note)

        def failed(exc):
            if not _user_error(exc):
                log.error("saving a note failed", exc_info=(type(exc), exc, exc.__traceback__))
            message = str(exc) or exc.__class__.__name__
            self.notes_panel.save_failed(edit, message)
            self.statusBar().showMessage(f"Note not saved: {message}", 15000)
            self.note_save_failed.emit(message)

        self.runner.submit(WRITE, work, done=done, failed=failed)

    def _change_note(self, note_id, op: str) -> None:
        """Move a note to the trash ("trash") or back ("restore")."""
        def work(ctx):
            note = (self.backend.trash_note if op == "trash" else
                    self.backend.restore_note)(note_id)
            return note, self.backend.note_tags()

        def done(value):
            note, tags = value
            self.notes_panel.replace(note)
            self.notes_panel.set_tags(tags)
            self._highlight_notes()
            self.statusBar().showMessage(
                "Note moved to the trash (Notes > Trash to restore it)." if op == "trash"
                else "Note restored.", 6000)
            self.note_changed.emit(note)

        self.runner.submit(WRITE, work, done=done, failed=self._edit_failed)

    def _open_note(self, note) -> None:
        """Open a note's article at its passage, and the note in the Notes tab."""
        if self.notes_panel.note(note.id) is None:  # e.g. added by `reader note` meanwhile
            self.notes_panel.replace(note)
        self.notes_panel.set_current_doc(note.doc)
        self.show_tab(2)
        self.notes_panel.reveal(note.id)
        if note.doc != self.current_doc or note.quote:
            span = (note.start, note.end) if note.quote and note.start is not None \
                and not note.orphan else None
            self.open_article(note.doc, select=span)

    def _note_clicked(self, note_id) -> None:
        """A noted passage was clicked in the reading pane: its note, in the Notes tab (the
        keyboard stays with the reading pane)."""
        self.sidebar_dock.show()
        self.sidebar.setCurrentWidget(self.notes_panel)
        self.notes_panel.reveal(note_id)

    def export_notes(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(
            self, "Export notes", str(Path.home() / "reader-notes.md"),
            "Markdown (*.md);;JSON (W3C Web Annotations) (*.json)")
        if not path:
            return
        fmt = "json" if path.lower().endswith(".json") or "JSON" in chosen else "md"
        if fmt == "json" and not path.lower().endswith(".json"):
            path += ".json"
        elif fmt == "md" and Path(path).suffix == "":
            path += ".md"
        self.notes_panel.flush()

        def work(ctx):
            text = self.backend.export_notes(fmt)
            try:
                Path(path).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise BadInput(f"Could not write {path}: {exc.strerror or exc}") from None
            return path

        self.runner.submit(WRITE, work,
                           done=lambda p: self.statusBar().showMessage(f"Notes exported to {p}",
                                                                       8000),
                           failed=self._edit_failed)

    def import_notes(self) -> None:
        """Restore notes from a JSON export; known notes are updated, never duplicated."""
        path, _ = QFileDialog.getOpenFileName(
            self, "Import notes", str(Path.home()),
            "Notes export (W3C Web Annotations) (*.json);;All files (*)")
        if not path:
            return
        self.notes_panel.flush()

        def work(ctx):
            try:
                text = Path(path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise BadInput(f"Could not read {Path(path).name}: "
                               f"{getattr(exc, 'strerror', None) or exc}") from None
            counts = self.backend.import_notes(text)
            return counts, self.backend.notes_snapshot()

        def done(value):
            counts, snapshot = value
            self._notes_ready(snapshot)
            problems = counts.get("problems") or []
            summary = (f"{counts.get('added', 0)} added, {counts.get('updated', 0)} updated, "
                       f"{counts.get('unchanged', 0)} unchanged")
            rows = "".join(f"<li>{html.escape(p)}</li>" for p in problems[:50])
            more = f"<p>… and {len(problems) - 50} more.</p>" if len(problems) > 50 else ""
            text = (f"<p>Notes imported from {html.escape(Path(path).name)}: {summary}.</p>"
                    + (f"<p>{len(problems)} problem{'s' if len(problems) != 1 else ''}:</p>"
                       f"<ul>{rows}</ul>{more}" if problems else ""))
            box = QMessageBox(QMessageBox.Icon.Information, "Import notes", text,
                              QMessageBox.StandardButton.Ok, self)
            box.setObjectName("notesImportReport")
            box.setTextFormat(Qt.TextFormat.RichText)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
            self.statusBar().showMessage(f"Notes imported: {summary}.", 10000)
            self.notes_imported.emit(counts)

        self.runner.submit(WRITE, work, done=done, failed=self._edit_failed)

    def _save_unsaved_notes(self) -> list[str]:
        """On close: wait for the write lane, then save whatever the editor still holds
        (on the GUI thread; the store serialises access). The problems, for the user."""
        edits = self.notes_panel.unsaved()
        if not edits:
            return []
        self.runner.wait_for_writes()
        problems = []
        for edit in edits:
            try:
                if self.notes_panel.is_saved_as(edit, self.backend.note(edit.note_id)):
                    continue
                self.backend.update_note(edit.note_id, body=edit.body, tags=edit.tags)
            except Exception as exc:  # every failure is reported: the text must not vanish
                if not _user_error(exc):
                    log.error("saving a note on close failed",
                              exc_info=(type(exc), exc, exc.__traceback__))
                problems.append(str(exc) or exc.__class__.__name__)
                self.notes_panel.save_failed(edit, problems[-1])
        return problems

    def confirm_close_unsaved(self, problems: list[str]) -> bool:
        """Ask whether to close although a note could not be saved (True: close)."""
        box = QMessageBox(QMessageBox.Icon.Warning, "Note not saved",
                          "Your latest note text could not be saved:\n\n"
                          + "\n".join(problems) + "\n\nKeep reader open (the text stays in "
                          "the editor: free some space, or copy it somewhere safe), or close "
                          "and lose it?", QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("unsavedNoteQuestion")
        keep = box.addButton("Keep reader open", QMessageBox.ButtonRole.RejectRole)
        box.addButton("Close and lose it", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(keep)
        box.exec()  # modal on purpose: the window must not close underneath the question
        close = box.clickedButton() is not keep
        box.deleteLater()
        return close

    # ====================================================================================
    # help
    # ====================================================================================
    def shortcut_table(self) -> list[tuple[str, str, str]]:
        """(menu, action, shortcuts) for every action, as listed in Help > Keyboard shortcuts."""
        rows = []
        for title, names in self.menu_layout:
            for name in names:
                if name is None:
                    continue
                action = self.actions_by_name[name]
                keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                                 for k in action.shortcuts())
                rows.append((title.replace("&", ""), action.text().replace("&", ""), keys))
        rows += [("Notes", "Move the selected note to the trash (notes list)", "Del"),
                 ("Notes", "Open a noted passage's note (reading pane)", "Click"),
                 ("Search", "Open the first result", "Enter"),
                 ("Search", "Clear the search", "Esc"),
                 ("Search", "Move to the results", "Down"),
                 ("Find bar", "Next / previous match", "Enter / Shift+Enter")]
        return rows

    def show_shortcuts(self) -> None:
        groups: dict[str, list[str]] = {}
        for menu, action, keys in self.shortcut_table():
            groups.setdefault(menu, []).append(
                f"<tr><td>{html.escape(action)}</td><td><b>{html.escape(keys)}</b></td></tr>")
        rows = "".join(f"<tr><th colspan='2' align='left'><br>{html.escape(menu)}</th></tr>"
                       + "".join(items) for menu, items in groups.items())
        dialog = QDialog(self)
        dialog.setObjectName("shortcutsDialog")
        dialog.setWindowTitle("Keyboard shortcuts")
        view = SafeBrowser(dialog)
        view.set_safe_html(f"<table cellpadding='3'>{rows}</table>")
        layout = QVBoxLayout(dialog)
        layout.addWidget(view)
        dialog.resize(520, 640)
        dialog.show()
        self.shortcuts_dialog = dialog

    def show_about(self) -> None:
        from reader import __version__

        QMessageBox.about(self, "About reader",
                          f"<b>reader {html.escape(__version__)}</b><p>An offline reference "
                          "reader for a folder of articles: search, entities, policies and "
                          "notes. Your notes and edits stay in your data folder:<br>"
                          f"{html.escape(str(self.backend.data_dir))}</p>")

    def _on_task_failed(self, lane: str, exc: BaseException) -> None:
        self.statusBar().showMessage(str(exc) or exc.__class__.__name__, 10000)

    # ====================================================================================
    # state
    # ====================================================================================
    def _restore_window_state(self) -> None:
        s = self.settings
        geometry = s.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            screen = self.screen().availableGeometry()
            self.resize(min(1360, int(screen.width() * 0.9)),
                        min(860, int(screen.height() * 0.9)))
        state = s.value("window/state")
        if state is not None:
            self.restoreState(state, STATE_VERSION)
        for name, splitter in self._splitters().items():
            value = s.value(f"splitters/{name}")
            if value is not None:
                splitter.restoreState(value)
        header = s.value("articles/header")
        if header is not None:
            self.article_table.horizontalHeader().restoreState(header)
        self.sidebar.setCurrentIndex(int(s.value("sidebar/tab", 0)))
        self.article_view.set_zoom(int(s.value("view/zoom", 0)))
        extras = s.value("view/extras", False)
        self.actions_by_name["toggle_extras"].setChecked(extras in (True, "true"))
        self.actions_by_name["toggle_sidebar"].setChecked(not self.sidebar_dock.isHidden())
        self.actions_by_name["toggle_mentions"].setChecked(not self.mention_dock.isHidden())

    def _restore_session(self) -> None:
        s = self.settings
        query = s.value("session/search", "")
        if query:
            self.search_field.setText(query)
            self.run_search()
        doc = s.value("session/article", "")
        if doc and self.article_model.row_of(doc) is not None:
            top = s.value("session/top")
            self.open_article(doc, top=int(top) if top is not None else None)
        elif self.article_model.rowCount():
            self.article_view.show_message("Select an article to read it.")

    def save_state(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState(STATE_VERSION))
        for name, splitter in self._splitters().items():
            s.setValue(f"splitters/{name}", splitter.saveState())
        s.setValue("articles/header", self.article_table.horizontalHeader().saveState())
        s.setValue("sidebar/tab", self.sidebar.currentIndex())
        s.setValue("view/zoom", self.article_view.zoom)
        s.setValue("view/extras", self.actions_by_name["toggle_extras"].isChecked())
        s.setValue("session/search", self.search_field.text())
        s.setValue("session/article", self.current_doc or "")
        if self.current_doc:
            s.setValue("session/top", self.article_view.top_pos())
        else:
            s.remove("session/top")
        s.sync()

    def _splitters(self) -> dict[str, QSplitter]:
        return {"main": self.splitter, "search": self.search_panel.splitter,
                "entities": self.entity_panel.splitter, "policies": self.policy_panel.splitter,
                "notes": self.notes_panel.splitter}

    def closeEvent(self, event):
        if not self._closing:
            problems = self._save_unsaved_notes()
            if problems and not self.confirm_close_unsaved(problems):
                event.ignore()
                return
            self._closing = True
            self.save_state()
            if self._index_task is not None:
                self.runner.cancel(self._index_task)
            self.runner.shutdown()
        super().closeEvent(event)


class ImportReport(QDialog):
    """Per-file outcome of an import (non-modal: the user keeps reading)."""

    def __init__(self, outcomes, parent=None):
        super().__init__(parent)
        self.setObjectName("importReport")
        self.setWindowTitle("Import")
        rows = []
        for o in outcomes:
            detail = o.reason or (f"as {o.id}" if o.id else "")
            if o.warnings:
                detail += " — " + "; ".join(o.warnings)
            rows.append(f"<tr><td><b>{html.escape(o.status)}</b></td>"
                        f"<td>{html.escape(Path(o.path).name)}</td>"
                        f"<td>{html.escape(detail)}</td></tr>")
        if not rows:
            rows.append("<tr><td>Nothing to import.</td></tr>")
        self.view = SafeBrowser(self)
        self.view.set_safe_html(f"<table cellpadding='3'>{''.join(rows)}</table>")
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.resize(560, 300)


def _span(infos) -> tuple[str, str]:
    dates = sorted(i.date for i in infos if i.date)
    return (dates[0], dates[-1]) if dates else ("", "")


def _user_error(exc: BaseException) -> bool:
    from reader.errors import ReaderError

    return isinstance(exc, ReaderError)


def _describe(edit: dict) -> str:
    op = edit.get("op")
    return {"merge": "Entities merged.", "rename": f"Renamed to “{edit.get('name', '')}”.",
            "retype": f"Type changed to {edit.get('type', '')}.", "hide": "Entity hidden.",
            "undo": "Last entity edit undone."}.get(op, "Entity edit applied.")
