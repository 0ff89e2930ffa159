"""The main window: composes the article list, reading pane, sidebar (entities, policies,
notes) and mention list, and announces every write with `library_changed`.

The window shows at once, its article list saying "Loading articles…"; the list, then
everything else (the index check and first extraction, search, article text, entities,
mentions, edits) goes through one `TaskRunner` and fills in as it arrives. Each area's
behaviour lives in its controller (`*_controller.py`); window state in `window_state.py`
(`ui.ini` in the data dir).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from reader.errors import ReaderError
from reader.ui import dialogs, window_state
from reader.ui.actions import build_actions, build_menus, shortcut_table
from reader.ui.article_controller import LOADING, ArticleController
from reader.ui.comfort import ComfortController
from reader.ui.entity_controller import EntityController
from reader.ui.find_bar import FindBar
from reader.ui.index_controller import IndexController
from reader.ui.library_dialogs import LibraryController
from reader.ui.models import ArticleModel, ArticleProxy
from reader.ui.notes_controller import NotesController
from reader.ui.notes_panel import NotesPanel
from reader.ui.panels import EntityPanel, MentionPanel, PolicyPanel, SearchPanel
from reader.ui.policy_controller import PolicyController
from reader.ui.search_controller import SearchController
from reader.ui.status import ProgressStatus
from reader.ui.tasks import TaskRunner
from reader.ui.viewer import ArticleView
from reader.ui.views import ViewsController
from reader.ui.widgets import EmptyStack

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """The researcher's window. `library` is a `reader.library.Library`."""

    # The article list was filled at start-up (its read state with it): (number of rows).
    articles_listed = Signal(int)
    # A write finished (note saved, entity corrected, import or index done…): (Changes).
    # Every area reloads what the Changes say changed.
    library_changed = Signal(object)
    # An article is shown in the reading pane: (article id).
    article_opened = Signal(str)
    # A search result is shown: (SearchResult).
    search_finished = Signal(object)
    # A search failed with a message for the user: (query, message).
    search_failed = Signal(str, str)
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
    # An entity correction was applied and the sidebar reloaded: (edit dict, or
    # {"op": "undo", "undone": edit}).
    entities_edited = Signal(dict)
    # The index check/build finished: (IndexReport, or None when it failed).
    index_finished = Signal(object)
    # An import finished: (list of ImportOutcome).
    import_finished = Signal(list)
    # The user asked to show another library (or this one again): (its data folder). The
    # app's LibrarySession closes this window and opens one over it.
    library_requested = Signal(str)

    def __init__(self, library, *, nlp: bool = True, index_on_start: bool = True,
                 recent_libraries=(), parent=None):
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("reader")
        self.library = library
        self.nlp = nlp
        self.runner = TaskRunner(self)
        self.runner.task_failed.connect(self._on_task_failed)
        self.settings = window_state.open_settings(library.paths.data_dir)
        self.closing = False

        self._build_search_bar()
        self._build_article_list()
        self._build_reading_pane()
        self._build_docks()
        self.progress_status = ProgressStatus(self.statusBar())
        self.progress = self.progress_status.bar
        self.cancel_button = self.progress_status.cancel_button

        self.articles = ArticleController(self)
        self.search = SearchController(self)
        self.entities = EntityController(self)
        self.policies = PolicyController(self)
        self.notes = NotesController(self)
        self.indexing = IndexController(self)
        self.libraries = LibraryController(self, recent_libraries)
        self.views = ViewsController(self)
        self.comfort = ComfortController(self)
        for area in (self.articles, self.entities, self.notes, self.search, self.views):
            self.library_changed.connect(area.on_library_changed)
        self.actions_by_name = build_actions(self)
        build_menus(self.menuBar(), self.actions_by_name)
        self.libraries.add_recent_menu(self.actions_by_name["open_library"])
        self.article_view.set_context_actions([
            self.actions_by_name[name] for name in ("new_note", "article_note", "edit_details",
                                                    "star_article", "edit_tags")])
        self.notes_panel.set_article_action(self.actions_by_name["article_note"])
        window_state.restore_layout(self, self.settings)

        # Everything starts once the event loop runs, i.e. after the window is shown: the
        # article list first ("Loading articles…" until then: a 10k catalogue takes ~0.15 s),
        # then the rest. The loads run in worker threads that hold the GIL while they parse
        # caches, and their results are applied on the GUI thread.
        self.article_stack.set_empty(LOADING)
        self.starting = True  # until every start-up task has been submitted
        self._index_on_start = index_on_start
        QTimer.singleShot(0, self._load_after_show)

    def _load_after_show(self) -> None:
        """The article list with its read state, in the background; then the rest."""
        if self.closing:
            return
        self.articles.load_list(then=self._load_after_list)

    def _load_after_list(self) -> None:
        """Entities, policies, notes and the last session, in the background; then, once
        they have arrived, the index check."""
        if self.closing:
            return
        self.articles_listed.emit(self.article_model.rowCount())
        self.entities.load_entities()
        self.entities.load_policies()
        self.notes.load()
        window_state.restore_session(self, self.settings)
        if self._index_on_start:
            # Last: checking an unchanged index is pure Python for a second or more at 10k
            # articles, and while it holds the GIL the lists would arrive late.
            self.runner.busy_changed.connect(self._index_when_idle)
            if not self.runner.busy:
                self._index_when_idle(False)
        else:
            self.starting = False

    def _index_when_idle(self, busy: bool) -> None:
        if busy:
            return
        self.runner.busy_changed.disconnect(self._index_when_idle)
        self.starting = False
        self.indexing.reindex()

    # -- building ------------------------------------------------------------------------
    def _build_search_bar(self) -> None:
        self.toolbar = QToolBar("Search")
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setFloatable(False)
        self.search_field = QLineEdit()
        self.search_field.setObjectName("searchField")
        self.search_field.setPlaceholderText(
            "Search articles (Ctrl+K) — words, \"phrases\", wild*, fuzzy~, entity:, date:2014")
        self.search_field.setClearButtonEnabled(True)
        self.toolbar.addWidget(self.search_field)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)

    def _build_article_list(self) -> None:
        """Left: the article list (filtered, sortable) and, while searching, the results."""
        self.article_model = ArticleModel(self)
        self.article_proxy = ArticleProxy(self)
        self.article_proxy.setSourceModel(self.article_model)
        self.article_filter = QLineEdit()
        self.article_filter.setObjectName("articleFilter")
        self.article_filter.setPlaceholderText("Filter by title, source, author or date")
        self.article_filter.setClearButtonEnabled(True)
        table = self.article_table = QTableView()
        table.setObjectName("articleTable")
        table.setModel(self.article_proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(ArticleModel.DATE, Qt.SortOrder.DescendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.setAlternatingRowColors(True)
        header = table.horizontalHeader()
        header.setSectionResizeMode(ArticleModel.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ArticleModel.SOURCE, QHeaderView.ResizeMode.Interactive)
        # Not ResizeToContents: that measures up to 1,000 rows on every reset.
        header.setSectionResizeMode(ArticleModel.DATE, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(ArticleModel.SOURCE, 100)
        header.resizeSection(ArticleModel.DATE,
                             table.fontMetrics().horizontalAdvance("0000-00-00 ") + 24)
        header.setHighlightSections(False)
        self.article_stack = EmptyStack(table)
        list_page = QWidget()
        list_layout = QVBoxLayout(list_page)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.setSpacing(4)
        list_layout.addWidget(self.article_filter)
        list_layout.addWidget(self.article_stack)
        self.search_panel = SearchPanel()
        self.left = QStackedWidget()
        self.left.setObjectName("leftPane")
        self.left.addWidget(list_page)
        self.left.addWidget(self.search_panel)

    def _build_reading_pane(self) -> None:
        """Centre: the reading pane and its find bar, right of the list."""
        self.article_view = ArticleView()
        self.article_view.zoom_changed.connect(
            lambda zoom: self.statusBar().showMessage(f"Zoom {100 + 10 * zoom}%", 2000))
        self.find_bar = FindBar()
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

    def _build_docks(self) -> None:
        """Right: entities, policies and notes in tabs; bottom: mentions across the corpus."""
        self.entity_panel = EntityPanel()
        self.policy_panel = PolicyPanel()
        self.notes_panel = NotesPanel()
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
        self.mention_panel = MentionPanel()
        self.mention_dock = QDockWidget("Mentions")
        self.mention_dock.setObjectName("mentionDock")
        self.mention_dock.setWidget(self.mention_panel)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.mention_dock)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.resizeDocks([self.sidebar_dock], [330], Qt.Orientation.Horizontal)
        self.resizeDocks([self.mention_dock], [170], Qt.Orientation.Vertical)

    # -- what the areas and the actions share --------------------------------------------
    @property
    def current_doc(self) -> str | None:
        """The id of the article in the reading pane, or None."""
        return self.articles.current_doc

    @property
    def search_result(self):
        """The SearchResult shown, or None."""
        return self.search.result

    def open_article(self, doc_id: str, select: tuple[int, int] | None = None,
                     terms=None, top: int | None = None, record: bool = True,
                     query: str = "") -> None:
        """Load and show an article (in the "article" lane).

        Args:
            select: body span to select and scroll to (a mention or a note quote).
            terms: search stems to highlight; the view scrolls to the first match.
            query: the search the terms come from (a quoted phrase is marked only whole).
            top: document position to scroll to (restoring the last session).
            record: add the article to the Back/Forward history."""
        self.articles.open_article(doc_id, select=select, terms=terms, top=top, record=record,
                                   query=query)

    def load_notes(self) -> None:
        """Reload the Notes tab (e.g. after notes were written outside the window)."""
        self.notes.load()

    def show_tab(self, index: int) -> None:
        self.sidebar_dock.show()
        self.sidebar.setCurrentIndex(index)
        # Into the tab's list, not onto the tab bar (where typed text is lost); the notes
        # list is replaced by its empty state while there are no notes: its view menu then.
        notes = self.notes_panel
        target = (self.entity_panel.tree, self.policy_panel.view,
                  notes.list if notes.list.isVisible() else notes.view_combo)[index]
        target.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def zoom(self, delta: int | None) -> None:
        """Zoom the reading pane by `delta` steps (None: back to 100%)."""
        self.article_view.set_zoom(0 if delta is None else self.article_view.zoom + delta)

    def focus_list(self) -> None:
        self.left.setCurrentIndex(0 if not self.search_field.text() else 1)
        (self.article_table if self.left.currentIndex() == 0
         else self.search_panel.results).setFocus()

    def show_message(self, text: str, name: str = "messageBox") -> QMessageBox:
        """A warning the user must see (see `dialogs.show_warning`), also in the status bar."""
        box = dialogs.show_warning(self, text, name)
        self.statusBar().showMessage(text, 10000)
        return box

    def report_write_failure(self, exc: BaseException) -> None:
        """A write (a correction, a note, an export) failed: tell the user."""
        if not isinstance(exc, ReaderError):
            log.error("a write failed", exc_info=(type(exc), exc, exc.__traceback__))
        self.show_message(str(exc) or exc.__class__.__name__)

    def _on_task_failed(self, lane: str, exc: BaseException) -> None:
        self.statusBar().showMessage(str(exc) or exc.__class__.__name__, 10000)

    # -- help ----------------------------------------------------------------------------
    def shortcut_table(self) -> list[tuple[str, str, str]]:
        """(menu, action, shortcuts) for every action, as listed in Help > Keyboard shortcuts."""
        return shortcut_table(self.actions_by_name)

    def show_shortcuts(self) -> None:
        self.shortcuts_dialog = dialogs.shortcuts_dialog(self, self.shortcut_table())

    def show_about(self) -> None:
        dialogs.show_about(self, self.library.paths.data_dir)

    # -- closing -------------------------------------------------------------------------
    def confirm_close_unsaved(self, problems: list[str]) -> bool:
        """Ask whether to close although a note could not be saved (True: close)."""
        return dialogs.ask_close_unsaved(self, problems)

    def save_state(self) -> None:
        window_state.save(self, self.settings)

    def closeEvent(self, event):
        if not self.closing:
            problems = self.notes.save_unsaved()
            if problems and not self.confirm_close_unsaved(problems):
                event.ignore()
                return
            self.closing = True
            self.save_state()
            self.indexing.cancel()
            self.runner.shutdown()
        super().closeEvent(event)
