"""The search panel: results with snippets (made for the rows shown), notes found, facet
counts, a header line, the sort order and the saved searches."""

from __future__ import annotations

import html

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QSplitter,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from reader.domain import SORTS, Note, SearchResult
from reader.ui.models import ID_ROLE, OBJECT_ROLE, FacetModel, HitModel, NoteHitModel
from reader.ui.panels.common import column, plural
from reader.ui.panels.saved import SavedSearchBox
from reader.ui.widgets import EmptyStack, HtmlDelegate, rows_in_view

SORT_LABELS = {"relevance": "Relevance", "newest": "Newest first", "oldest": "Oldest first"}


class SearchPanel(QWidget):
    """Result list with snippets, facet counts and a header line (count, suggestion, error)."""

    # A hit was activated (click or Enter): (article id).
    hit_activated = Signal(str)
    # A facet value was activated: (its query clause, e.g. "date:2014": added to the query,
    # or taken out when the query has it).
    facet_activated = Signal(str)
    # A filter chip's remove button was clicked: (the query clause to take out).
    chip_removed = Signal(str)
    # The "Did you mean" link was clicked: (suggested query).
    suggestion_activated = Signal(str)
    # A note found by the search was activated: (Note).
    note_activated = Signal(object)
    # The user chose another order in the sort box: (one of SORTS).
    sort_changed = Signal(str)
    # Rows without a snippet came into view: (the query, their article ids).
    snippets_wanted = Signal(str, list)
    # Snippets arrived and are shown: (their article ids).
    snippets_filled = Signal(list)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("searchPanel")
        self.header = QLabel()
        self.header.setObjectName("searchHeader")
        self.header.setWordWrap(True)
        # Always rich text, escaped once: on AutoText a header without a tag would show
        # its escaped quotes as "&quot;".
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.linkActivated.connect(self._on_link)
        # The query's filters (facet clauses) as chips, each removable with a click.
        self.chip_bar = QWidget()
        self.chip_bar.setObjectName("filterChips")
        self._chip_layout = QHBoxLayout(self.chip_bar)
        self._chip_layout.setContentsMargins(0, 0, 0, 0)
        self._chip_layout.setSpacing(4)
        self._chip_layout.addStretch(1)
        self.chip_bar.hide()
        self._notes_found = 0  # notes matching the query shown (their own list)
        self._error = ""  # the query's error message, when it failed

        self.hits = HitModel(self)
        self.results = QListView()
        self.results.setObjectName("searchResults")
        self.results.setModel(self.hits)
        self.results.setItemDelegate(HtmlDelegate(self.results))
        self.results.setWordWrap(True)
        self.results.setResizeMode(QListView.ResizeMode.Adjust)
        self.results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results.activated.connect(self._on_hit)
        self.results.clicked.connect(self._on_hit)
        self.results_stack = EmptyStack(self.results)
        # Snippets are made for the rows in view: checked once the view has laid them out,
        # and again when it scrolls or resizes.
        self._visible_timer = QTimer(self)
        self._visible_timer.setSingleShot(True)
        self._visible_timer.setInterval(0)
        self._visible_timer.timeout.connect(self._ask_visible_snippets)
        self._asked: list[str] = []  # the ids of the last request (while unanswered)
        # (Through a lambda: connected directly, valueChanged's value (pixels) would become
        # the timer's interval, QTimer.start(msec), and snippets would wait seconds.)
        for changed in (self.results.verticalScrollBar().valueChanged,
                        self.results.verticalScrollBar().rangeChanged):
            changed.connect(lambda *_: self._visible_timer.start())

        self.sort_box = QComboBox()
        self.sort_box.setObjectName("sortBox")
        self.sort_box.setToolTip("Order of the results: relevance, or every match by date "
                                 "(undated last)")
        for key in SORTS:
            self.sort_box.addItem(SORT_LABELS[key], key)
        self.sort_box.currentIndexChanged.connect(
            lambda n: self.sort_changed.emit(self.sort_box.itemData(n)))
        self.save_button = QToolButton()
        self.save_button.setObjectName("saveSearchButton")
        self.save_button.setText("Save search…")
        self.save_button.setAutoRaise(True)
        sort_label = QLabel("Sort:")
        sort_label.setBuddy(self.sort_box)
        self.tool_row = QWidget()
        self.tool_row.setObjectName("searchTools")
        tools = QHBoxLayout(self.tool_row)
        tools.setContentsMargins(0, 0, 0, 0)
        tools.addWidget(sort_label)
        tools.addWidget(self.sort_box)
        tools.addStretch(1)
        tools.addWidget(self.save_button)
        self.saved = SavedSearchBox()

        self.facets = FacetModel(self)
        self.facet_view = QTreeView()
        self.facet_view.setObjectName("facetView")
        self.facet_view.setModel(self.facets)
        self.facet_view.setHeaderHidden(True)
        self.facet_view.setUniformRowHeights(True)
        self.facet_view.header().setStretchLastSection(False)
        self.facet_view.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.facet_view.header().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents)
        self.facet_view.activated.connect(self._on_facet)
        self.facet_view.clicked.connect(self._on_facet)
        self.facets.modelReset.connect(self._facets_reset)

        # Notes matching the query: a result kind of their own, under the articles.
        self.note_hits = NoteHitModel(self)
        self.note_header = QLabel()
        self.note_header.setObjectName("noteResultsHeader")
        self.note_header.setTextFormat(Qt.TextFormat.PlainText)
        self.note_results = QListView()
        self.note_results.setObjectName("noteResults")
        self.note_results.setModel(self.note_hits)
        self.note_results.setItemDelegate(HtmlDelegate(self.note_results))
        self.note_results.setWordWrap(True)
        self.note_results.setResizeMode(QListView.ResizeMode.Adjust)
        self.note_results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.note_results.activated.connect(self._on_note)
        self.note_results.clicked.connect(self._on_note)
        self.note_box = column(self.note_header, self.note_results, spacing=0)
        self.note_box.setObjectName("noteResultsBox")
        self.note_box.hide()

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("searchSplitter")
        self.splitter.addWidget(self.results_stack)
        self.splitter.addWidget(self.note_box)
        self.splitter.addWidget(self.facet_view)
        self.splitter.addWidget(self.saved)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 1)
        self.splitter.setStretchFactor(3, 1)
        # until the user's own sizes are restored
        self.splitter.setSizes([360, 160, 140, 100])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.chip_bar)
        layout.addWidget(self.tool_row)
        layout.addWidget(self.splitter)
        self.result = None

    def show_pending(self, query: str) -> None:
        self.header.setText(f"Searching for “{html.escape(query)}”…")

    def show_result(self, result: SearchResult, label_of=None) -> None:
        """Show a SearchResult; `label_of` names facet values (see FacetModel)."""
        self.result = result
        self._error = ""
        self._asked = []
        self.hits.set_hits(result.hits)
        self.facets.set_facets(result.facets or {}, label_of, result.total)
        self._update_header()
        if result.hits:  # Enter opens the first hit; nothing looks open that is not
            self.results.selectionModel().setCurrentIndex(
                self.hits.index(0, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
        self._visible_timer.start()

    def set_sort(self, sort: str) -> None:
        """Show `sort` in the sort box (without emitting sort_changed)."""
        self.sort_box.blockSignals(True)
        self.sort_box.setCurrentIndex(max(0, self.sort_box.findData(sort)))
        self.sort_box.blockSignals(False)

    def visible_rows(self) -> range:
        """The rows of the results list in view (empty when none is)."""
        return rows_in_view(self.results)

    def fill_snippets(self, query: str, snippets: dict[str, str]) -> None:
        """Snippets that arrived for the rows asked for (ignored when the list shows another
        query by now); then the rows in view are checked again."""
        if self.result is None or self.result.query != query:
            return
        self._asked = []
        self.hits.set_snippets(snippets)
        self.snippets_filled.emit(list(snippets))
        self._visible_timer.start()

    def _ask_visible_snippets(self) -> None:
        if self.result is None:
            return
        missing = self.hits.missing(self.visible_rows())
        if missing and missing != self._asked:
            self._asked = missing
            self.snippets_wanted.emit(self.result.query, missing)

    def showEvent(self, event):
        super().showEvent(event)
        self._visible_timer.start()

    def _update_header(self) -> None:
        """The header line and the empty state, from the result, the notes found and the
        error (notes arrive on their own: a search may find only notes)."""
        result, notes = self.result, self._notes_found
        if result is None:
            return
        query = html.escape(result.query)
        found_notes = f"{plural(notes, 'note')} {'matches' if notes == 1 else 'match'}"
        if result.total:
            shown = len(result.hits)
            more = f" (showing {shown})" if shown < result.total else ""
            verb = "matches" if result.total == 1 else "match"
            text = (f"{plural(result.total, 'article')} {verb} “{query}”{more}. "
                    "Enter opens the first.")
            self.results_stack.set_empty(None)
        elif notes:
            text = f"No articles match “{query}”; {found_notes} (listed below)."
            self.results_stack.set_empty(f"No articles match “{result.query}”.\n\n"
                                         f"{found_notes}: see the notes below.")
        else:
            text = f"No results for “{query}”."
            self.results_stack.set_empty(
                f"No results for “{result.query}”.\n\nTry fewer words, a wildcard (protect*) "
                "or a fuzzy word (outsorce~).")
        if result.suggestion:
            sug = html.escape(result.suggestion)
            text += f' Did you mean <a href="suggest:{sug}">{sug}</a>?'
        self.header.setText(text)

    def show_error(self, query: str, message: str) -> None:
        self.result = None
        self._asked = []
        self._error = message
        self.hits.set_hits([])
        self.facets.set_facets({})
        self.header.setText(html.escape(message))
        self.header.setProperty("error", True)
        self.results_stack.set_empty(message)
        self._repolish(self.header)

    def show_notes(self, notes: list[Note], titles: dict[str, str] | None = None) -> None:
        """The notes matching the query (None: notes cannot be searched)."""
        notes = list(notes or ())
        self.note_hits.set_notes(notes, titles)
        self.note_header.setText(f"Notes ({len(notes)})")
        self.note_box.setVisible(bool(notes))
        self._notes_found = len(notes)
        self._update_header()

    def set_chips(self, chips: list[tuple[str, str]]) -> None:
        """The query's filters as removable chips: [(clause, label)]."""
        for chip in self.chips():
            self._chip_layout.removeWidget(chip)
            chip.hide()
            chip.deleteLater()
        for n, (clause, label) in enumerate(chips):
            chip = QToolButton()
            chip.setObjectName("filterChip")
            chip.setText(f"{label} ✕")
            chip.setToolTip(f"Remove the filter {clause}")
            chip.setAutoRaise(False)
            chip.clicked.connect(lambda _=False, c=clause: self.chip_removed.emit(c))
            self._chip_layout.insertWidget(n, chip)
        self.chip_bar.setVisible(bool(chips))

    def chips(self) -> list[QToolButton]:
        """The filter chips shown, in order."""
        return [item.widget() for item in (self._chip_layout.itemAt(i)
                                           for i in range(self._chip_layout.count()))
                if item is not None and isinstance(item.widget(), QToolButton)]

    def clear(self) -> None:
        self.result = None
        self._asked = []
        self.hits.set_hits([])
        self.show_notes([])
        self.facets.set_facets({})
        self.set_chips([])
        self.header.setText("")
        self.results_stack.set_empty(None)

    def _repolish(self, widget) -> None:
        widget.style().unpolish(widget)
        widget.style().polish(widget)

    def _on_hit(self, index: QModelIndex) -> None:
        if index.isValid():
            self.hit_activated.emit(index.data(ID_ROLE))

    def _on_note(self, index: QModelIndex) -> None:
        note = index.data(OBJECT_ROLE) if index.isValid() else None
        if note is not None:
            self.note_activated.emit(note)

    def _on_facet(self, index: QModelIndex) -> None:
        clause = index.data(ID_ROLE)
        if clause:
            self.facet_activated.emit(clause)

    def _on_link(self, link: str) -> None:
        if link.startswith("suggest:"):
            self.suggestion_activated.emit(link.removeprefix("suggest:"))

    def _facets_reset(self) -> None:
        self.header.setProperty("error", False)
        self._repolish(self.header)
        self.facet_view.expandAll()
        self.facet_view.setVisible(self.facets.rowCount() > 0)
