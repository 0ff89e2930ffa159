"""The main search: the field in the toolbar (debounced), results (their snippets made for the
rows in view), their order, facets, matching notes and the saved searches."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, QTimer

from reader.domain import SORTS, Changes, Note, SearchResult
from reader.errors import ReaderError
from reader.query import NO_SOURCE, UNDATED, facet_clauses, toggle_clause, without_clause
from reader.services import filters as user_filters
from reader.ui.operations import search as ops
from reader.ui.saved_searches import SavedSearchController

log = logging.getLogger(__name__)

SEARCH_DEBOUNCE_MS = 250
SEARCH_LIMIT = 50
SORT_KEY = "search/sort"  # the results' order, kept in the window's settings (ui.ini)


class SearchController(QObject):
    """Behaviour of MainWindow `win`'s search field and search panel (a QObject for its
    debounce timer and the search field's key filter)."""

    def __init__(self, win):
        super().__init__(win)
        self.win = win
        self.result: SearchResult | None = None  # the result shown
        self._open_first_pending = False  # Enter was pressed before the result arrived
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_DEBOUNCE_MS)
        self.timer.timeout.connect(self.run)
        field = win.search_field
        field.textChanged.connect(self._text_changed)
        field.returnPressed.connect(self._enter)
        field.installEventFilter(self)
        panel = win.search_panel
        panel.hit_activated.connect(self.open_hit)
        panel.facet_activated.connect(self._toggle_facet)
        panel.chip_removed.connect(self._remove_clause)
        panel.suggestion_activated.connect(field.setText)
        panel.snippets_wanted.connect(self._load_snippets)
        panel.sort_changed.connect(self.set_sort)
        panel.hits.set_starred(self._starred)
        sort = str(win.settings.value(SORT_KEY, "relevance") or "relevance")
        self.sort = sort if sort in SORTS else "relevance"
        panel.set_sort(self.sort)
        self.saved = SavedSearchController(win)

    def focus(self) -> None:
        self.win.search_field.setFocus()
        self.win.search_field.selectAll()

    def _starred(self, doc_id: str) -> bool:
        info = self.win.article_model.info(doc_id)
        return info is not None and info.starred

    def on_library_changed(self, changes: Changes) -> None:
        if changes.marks:  # the article list has the new stars by now (it hears first)
            self.win.search_panel.hits.marks_changed(changes.marks)
        query = self.win.search_field.text().strip()
        if query and (changes.derived or (changes.marks and user_filters.clauses(query))):
            self.run()  # the index (or dates), or the stars and tags filtered on, changed
        self.saved.on_library_changed(changes)

    def set_sort(self, sort: str) -> None:
        """Order the results by `sort` (one of SORTS), remembered in the settings; the
        search shown runs again."""
        if sort not in SORTS:
            return
        self.sort = sort
        self.win.settings.setValue(SORT_KEY, sort)
        self.win.search_panel.set_sort(sort)
        actions = getattr(self.win, "actions_by_name", {})
        if f"sort_{sort}" in actions:
            actions[f"sort_{sort}"].setChecked(True)
        if self.win.search_field.text().strip():
            self.run()

    def _load_snippets(self, query: str, doc_ids: list) -> None:
        ops.load_snippets(self.win.runner, self.win.library, query, doc_ids,
                          done=self._snippets_ready, failed=self._snippets_failed)

    def _snippets_ready(self, value) -> None:
        query, snippets = value
        self.win.search_panel.fill_snippets(query, snippets)

    def _snippets_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, ReaderError):
            log.error("snippets failed", exc_info=(type(exc), exc, exc.__traceback__))

    def _text_changed(self, text: str) -> None:
        win = self.win
        if text.strip():
            self.timer.start()
            return
        self.timer.stop()
        self._open_first_pending = False
        self.result = None
        win.search_panel.clear()
        ops.drop_note_search(win.runner)
        win.left.setCurrentIndex(0)
        win.article_view.highlight_terms(())

    def run(self) -> None:
        """Search for the field's text now (the debounce timer calls this)."""
        self.timer.stop()
        win = self.win
        query = win.search_field.text().strip()
        if not query:
            return
        win.search_panel.show_pending(query)
        win.left.setCurrentIndex(1)
        ops.run_search(win.runner, win.library, query, SEARCH_LIMIT, sort=self.sort,
                       done=self._done, failed=lambda exc: self._failed(query, exc))
        ops.search_notes(win.runner, win.library, query, done=self._notes_found,
                         failed=self._note_search_failed)

    def _done(self, result: SearchResult) -> None:
        win = self.win
        self.result = result
        win.search_panel.show_result(result, self._facet_label)
        clauses = facet_clauses(result.query) + user_filters.clauses(result.query)
        win.search_panel.set_chips([(c, self._chip_label(c)) for c in dict.fromkeys(clauses)])
        win.left.setCurrentIndex(1)
        win.search_finished.emit(result)
        if self._open_first_pending:
            self._open_first_pending = False
            if result.hits:
                self.open_hit(result.hits[0].id)

    def _failed(self, query: str, exc: BaseException) -> None:
        self._open_first_pending = False
        user_error = isinstance(exc, ReaderError)
        message = str(exc) if user_error else f"Search failed: {exc}"
        if not user_error:
            log.error("search failed", exc_info=(type(exc), exc, exc.__traceback__))
        self.win.search_panel.show_error(query, message)
        self.win.search_panel.set_chips([])
        self.win.search_failed.emit(query, message)

    def _notes_found(self, notes: list[Note]) -> None:
        self.win.search_panel.show_notes(notes, self.win.articles.titles)
        self.win.notes_found.emit(list(notes))

    def _note_search_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, ReaderError):
            log.error("note search failed", exc_info=(type(exc), exc, exc.__traceback__))
        self.win.search_panel.show_notes([], self.win.articles.titles)
        self.win.statusBar().showMessage(f"Notes could not be searched: {exc}", 8000)

    def _facet_label(self, key: str, value: str) -> str | None:
        """Entity facets by their sidebar name (dates and sums left out), policies by label."""
        if key == "entity":
            ent = self.win.entity_panel.model.find(value)
            if ent is None:
                return value
            return None if ent.type in ("Date", "Money") else ent.name
        if key == "policy":
            model = self.win.policy_panel.model
            row = model.row_of(value)
            return value if row is None else model.policy(row).label
        return value

    def _chip_label(self, clause: str) -> str:
        """A filter clause as its chip says it: the facet's label."""
        if clause in (UNDATED, NO_SOURCE):
            return "Undated" if clause == UNDATED else "No source"
        if clause in user_filters.clauses(clause):
            negated = clause.startswith(("NOT", "-"))
            key, value = clause.split(":", 1)
            if key.lower().endswith("starred"):
                return "Not starred" if negated != (value.lower() in ("no", "false", "0", "n")) \
                    else "★ Starred"
            return ("not " if negated else "") + "#" + value.strip("'\"")
        key, value = clause.split(":", 1)
        value = value.strip("'\"")
        if key in ("entity", "policy"):
            return self._facet_label(key, value) or value
        return value

    def _enter(self) -> None:
        win = self.win
        query = win.search_field.text().strip()
        if not query:
            return
        result = self.result
        if (not self.timer.isActive() and result is not None
                and result.query == query and not win.runner.pending("search")):
            if result.hits:
                self.open_hit(result.hits[0].id)
            return
        self._open_first_pending = True
        if self.timer.isActive() or not win.runner.pending("search"):
            self.run()

    def open_hit(self, doc_id: str) -> None:
        terms = self.result.terms if self.result else ()
        query = self.result.query if self.result else ""
        self.win.open_article(doc_id, terms=terms, query=query)
        self.win.article_view.setFocus()

    def _toggle_facet(self, clause: str) -> None:
        """A facet was clicked: narrow to it, or, when the query has it, widen again."""
        self._set_query(toggle_clause(self.win.search_field.text().strip(), clause))

    def _remove_clause(self, clause: str) -> None:
        self._set_query(without_clause(self.win.search_field.text().strip(), clause))

    def _set_query(self, query: str) -> None:
        self.win.search_field.setText(query)
        if query:
            self.run()

    def eventFilter(self, obj, event):
        win = self.win
        if obj is win.search_field and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Escape:
                if win.search_field.text():
                    win.search_field.clear()
                else:
                    win.focus_list()
                return True
            if event.key() == Qt.Key.Key_Down and win.search_panel.hits.rowCount():
                win.left.setCurrentIndex(1)
                win.search_panel.results.setFocus()
                return True
        return super().eventFilter(obj, event)
