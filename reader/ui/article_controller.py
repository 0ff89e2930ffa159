"""The article list and the reading pane: opening articles, Back/Forward, read state, find,
the details the user sets, stars and tags."""

from __future__ import annotations

import logging

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QMenu

from reader.domain import Article, ArticleInfo, Changes
from reader.errors import ReaderError
from reader.ui.meta_dialog import MetaDialog
from reader.ui.models import ID_ROLE
from reader.ui.operations import articles as ops
from reader.ui.tags_dialog import TagsDialog

log = logging.getLogger(__name__)

LOADING = "Loading articles…"  # the list's state until the catalogue has been read


class ArticleController:
    """Behaviour of MainWindow `win`'s article list, reading pane and find bar."""

    def __init__(self, win):
        self.win = win
        self.titles: dict[str, str] = {}  # article id -> title
        self.corpus_span = ("", "")  # (first date, last date) over the articles
        self.history: list[str] = []
        self.history_pos = -1
        self._syncing_list = False
        win.article_filter.textChanged.connect(self._filter_changed)
        win.article_table.selectionModel().currentRowChanged.connect(self._current_changed)
        win.article_table.activated.connect(lambda _: win.article_view.setFocus())
        win.article_view.link_activated.connect(self._internal_link)
        win.find_bar.find_requested.connect(self._find)
        win.find_bar.closed.connect(self._find_closed)
        win.article_table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        win.article_table.customContextMenuRequested.connect(self._list_menu_requested)
        self.meta_dialog: MetaDialog | None = None
        self.tags_dialog: TagsDialog | None = None

    @property
    def current_doc(self) -> str | None:
        art = self.win.article_view.article
        return art.id if art is not None else None

    # -- the list ------------------------------------------------------------------------
    def set_articles(self, infos: list[ArticleInfo]) -> None:
        win, current = self.win, self.current_doc
        win.article_model.set_articles(infos)
        # A column no article fills (imported text files have no source) takes no room.
        win.article_table.setColumnHidden(win.article_model.SOURCE,
                                          not any(i.source for i in infos))
        dates = sorted(i.date for i in infos if i.date)
        self.corpus_span = (dates[0], dates[-1]) if dates else ("", "")
        self.titles = {info.id: info.title or "Untitled" for info in infos}
        win.notes_panel.set_titles(self.titles)
        self._update_empty_state()
        if current:
            self._select_in_list(current)
        if not infos and win.article_view.article is None:
            win.article_view.show_message("This library is empty. Import a folder of your "
                                          "articles with File > Import folder… "
                                          "(Ctrl+Shift+O).")

    def on_library_changed(self, changes: Changes) -> None:
        if changes.marks and not changes.articles:
            self._marks_changed(changes.marks)
        if changes.articles:
            self.set_articles(self.win.library.articles.list())
            current = self.current_doc
            if current in changes.articles:  # its details changed: show them
                self.open_article(current, record=False,
                                  top=self.win.article_view.top_pos())

    def _update_empty_state(self) -> None:
        win = self.win
        if win.article_model.rowCount() == 0:
            win.article_stack.set_empty(
                "No articles yet.\n\nImport a folder of your articles with File > Import "
                "folder… (Ctrl+Shift+O): web pages, PDF, Word, EPUB, OpenDocument, RTF and "
                "text files.")
        elif win.article_proxy.rowCount() == 0:
            win.article_stack.set_empty(f"No articles match “{win.article_filter.text()}”.")
        else:
            win.article_stack.set_empty(None)

    def _filter_changed(self, text: str) -> None:
        self.win.article_proxy.set_filter_text(text)
        self._update_empty_state()

    def _current_changed(self, current, _previous) -> None:
        if self._syncing_list or not current.isValid():
            return
        doc_id = self.win.article_proxy.data(current, ID_ROLE)
        if doc_id and doc_id != self.current_doc:
            self.open_article(doc_id)

    def _select_in_list(self, doc_id: str) -> None:
        win = self.win
        row = win.article_model.row_of(doc_id)
        if row is None:
            return
        index = win.article_proxy.mapFromSource(win.article_model.index(row, 0))
        if not index.isValid():
            return
        self._syncing_list = True
        try:
            win.article_table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            win.article_table.scrollTo(index)
        finally:
            self._syncing_list = False

    def step_article(self, delta: int) -> None:
        proxy, table = self.win.article_proxy, self.win.article_table
        rows = proxy.rowCount()
        if not rows:
            return
        current = table.currentIndex()
        row = 0 if not current.isValid() else max(0, min(rows - 1, current.row() + delta))
        table.setCurrentIndex(proxy.index(row, 0))

    # -- opening -------------------------------------------------------------------------
    def open_article(self, doc_id: str, select: tuple[int, int] | None = None,
                     terms=None, top: int | None = None, record: bool = True,
                     query: str = "") -> None:
        """See MainWindow.open_article."""
        if record and (not self.history or self.history[self.history_pos] != doc_id):
            del self.history[self.history_pos + 1:]
            self.history.append(doc_id)
            self.history_pos = len(self.history) - 1
        terms = tuple(terms or ())
        ops.load_article(self.win.runner, self.win.library, doc_id,
                         done=lambda art: self._loaded(art, select, terms, top, query),
                         failed=self._failed)

    def _loaded(self, article: Article, select: tuple[int, int] | None,
                terms: tuple[str, ...], top: int | None, query: str = "") -> None:
        win = self.win
        view = win.article_view
        view.show_article(article, expanded={"chrome", "comments"}
                          if win.actions_by_name["toggle_extras"].isChecked() else None)
        win.setWindowTitle(f"{article.title} — reader")
        view.highlight_terms(terms, query)
        win.entities.highlight_subject()
        win.notes_panel.set_current_doc(article.id)
        win.notes.highlight()
        if win.find_bar.isVisible():
            win.find_bar.close_bar()
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
        win.article_opened.emit(article.id)

    def _failed(self, exc: BaseException) -> None:
        self.win.article_view.show_message(f"This article cannot be shown: {exc}")
        self.win.statusBar().showMessage(str(exc), 8000)

    def go_back(self) -> None:
        if self.history_pos > 0:
            self.history_pos -= 1
            self.open_article(self.history[self.history_pos], record=False)

    def go_forward(self) -> None:
        if self.history_pos < len(self.history) - 1:
            self.history_pos += 1
            self.open_article(self.history[self.history_pos], record=False)

    def _internal_link(self, url) -> None:
        if url.scheme() == "entity":
            self.win.entities.select_entity(url.path())
        elif url.scheme() == "note" and url.path().isdigit():
            self.win.show_tab(2)
            self.win.notes_panel.reveal(int(url.path()))

    # -- details the user sets ---------------------------------------------------------------
    def list_menu(self, doc_id: str) -> QMenu:
        """The article list's context menu for one article."""
        menu = QMenu(self.win.article_table)
        menu.setObjectName("articleListMenu")
        menu.addAction("Edit &details…", lambda: self.edit_details(doc_id))
        info = self.win.article_model.info(doc_id)
        starred = info is not None and info.starred
        menu.addAction("Un&star" if starred else "&Star", lambda: self.toggle_star(doc_id))
        menu.addAction("&Tags…", lambda: self.edit_tags(doc_id))
        return menu

    def _list_menu_requested(self, point) -> None:
        index = self.win.article_table.indexAt(point)
        if not index.isValid():
            return
        menu = self.list_menu(self.win.article_proxy.data(index, ID_ROLE))
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.win.article_table.viewport().mapToGlobal(point))

    def edit_details(self, doc_id: str | None = None) -> MetaDialog | None:
        """Open the "Edit details…" dialog on an article (the open one by default)."""
        win = self.win
        doc_id = doc_id or self.current_doc
        if not doc_id:
            win.statusBar().showMessage("Open an article first.", 3000)
            return None
        try:
            info, mine = win.library.articles.info(doc_id), win.library.articles.meta(doc_id)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never a crash
            win.show_message(str(exc))
            return None
        dialog = self.meta_dialog = MetaDialog(info, mine, win)
        dialog.saved.connect(lambda values: ops.set_meta(
            win.runner, win.library, doc_id, values, nlp=win.nlp, done=self._details_saved,
            failed=lambda exc: win.show_message(str(exc))))
        dialog.undo_requested.connect(lambda: ops.undo_meta(
            win.runner, win.library, doc_id, nlp=win.nlp, done=self._details_saved,
            failed=lambda exc: win.show_message(str(exc))))
        dialog.open()
        return dialog

    def _details_saved(self, changes: Changes) -> None:
        if changes.articles:
            self.win.statusBar().showMessage("Details saved.", 3000)
            self.win.library_changed.emit(changes)
        else:
            self.win.statusBar().showMessage("Nothing to undo.", 3000)

    # -- stars and tags --------------------------------------------------------------------
    def _target(self, doc_id: str | None) -> str | None:
        """`doc_id`, else the open article, else the one current in the list."""
        win = self.win
        doc_id = doc_id or self.current_doc
        if not doc_id and win.article_table.currentIndex().isValid():
            doc_id = win.article_proxy.data(win.article_table.currentIndex(), ID_ROLE)
        if not doc_id:
            win.statusBar().showMessage("Open an article first.", 3000)
        return doc_id

    def toggle_star(self, doc_id: str | None = None) -> None:
        """Star the article (the open one by default), or take its star off."""
        win = self.win
        doc_id = self._target(doc_id)
        if not doc_id:
            return
        info = win.article_model.info(doc_id)
        starred = not (info is not None and info.starred)
        ops.set_star(win.runner, win.library, doc_id, starred,
                     done=lambda changes: self._marked(
                         changes, "Starred." if starred else "Star taken off."),
                     failed=win.report_write_failure)

    def edit_tags(self, doc_id: str | None = None) -> TagsDialog | None:
        """Open the tags editor on an article (the open one by default)."""
        win = self.win
        doc_id = self._target(doc_id)
        if not doc_id:
            return None
        info = win.article_model.info(doc_id)
        if info is None:
            return None
        known = sorted({t for i in (win.article_model.info(d) for d in win.article_model.ids())
                        if i is not None for t in i.tags}, key=str.casefold)
        dialog = self.tags_dialog = TagsDialog(info.title or "Untitled", list(info.tags),
                                               known, win)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda tags: ops.set_tags(
            win.runner, win.library, doc_id, tags,
            done=lambda changes: self._marked(changes, "Tags saved."),
            failed=win.report_write_failure))
        dialog.open()
        return dialog

    def _marked(self, changes: Changes, message: str) -> None:
        self.win.statusBar().showMessage(message if changes.marks else "No change.", 3000)
        if changes.marks:
            self.win.library_changed.emit(changes)

    def _marks_changed(self, doc_ids) -> None:
        """Stars or tags changed: those rows show them (a cheap read of the store)."""
        for doc_id in doc_ids:
            try:
                self.win.article_model.set_info(self.win.library.articles.info(doc_id))
            except Exception as exc:  # noqa: BLE001 - a row not refreshed, never a crash
                log.warning("article %s not refreshed: %s", doc_id, exc)
        self.win.article_proxy.refilter()

    def load_list(self, then=None) -> None:
        """Fill the list (with its read state) off the GUI thread; `then()` once it is shown
        (or could not be listed: the list says why)."""
        win = self.win
        win.article_stack.set_empty(LOADING)

        def listed(value) -> None:
            infos, read, message = value
            win.article_model.set_read_docs(read)  # before the rows: no repaint of each
            self.set_articles(infos)
            if message:
                win.show_message(message, "userDataMessage")
            if then is not None:
                then()

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, ReaderError):
                log.error("listing failed", exc_info=(type(exc), exc, exc.__traceback__))
            win.article_stack.set_empty(f"The articles could not be listed: {exc}")
            if then is not None:
                then()

        ops.list_articles(win.runner, win.library, done=listed, failed=failed)

    # -- read state ----------------------------------------------------------------------
    def load_read_state(self) -> None:
        """Read state, and any message about the user-data store (restored, read-only)."""
        ops.load_read_state(self.win.runner, self.win.library, done=self._read_state_ready)

    def _read_state_ready(self, value) -> None:
        docs, message = value
        self.win.article_model.set_read_docs(docs)
        if message:
            self.win.show_message(message, "userDataMessage")

    def _mark_read(self, doc_id: str) -> None:
        if self.win.article_model.is_read(doc_id):
            return
        self.win.article_model.set_read(doc_id, True)
        ops.set_read(self.win.runner, self.win.library, doc_id, True,
                     done=self.win.library_changed.emit)

    def mark_unread(self) -> None:
        doc_id = self.current_doc
        if doc_id:
            self.win.article_model.set_read(doc_id, False)
            ops.set_read(self.win.runner, self.win.library, doc_id, False,
                         done=self.win.library_changed.emit)
            self.win.statusBar().showMessage("Marked as unread.", 3000)

    # -- find in article -----------------------------------------------------------------
    def open_find(self) -> None:
        selected = self.win.article_view.textCursor().selectedText()
        self.win.find_bar.open_bar(selected if selected and len(selected) < 80 else "")

    def _find(self, text: str, backward: bool, again: bool) -> None:
        n, total = self.win.article_view.find_text(text, backward, again)
        self.win.find_bar.show_count(n, total)

    def _find_closed(self) -> None:
        self.win.article_view.clear_find()
        self.win.article_view.setFocus()
