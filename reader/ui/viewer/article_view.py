"""`ArticleView`, the reading pane: one article, its selection, highlights, find and zoom.

Everything is in body offsets. The document's layout and the offset map are in `document`;
the highlight layers (noted passages, search terms, the selected entity's or policy's
mentions, find matches) in `highlights`. A click on a noted passage emits `note_clicked`
(the pointer over noted passages is handled by `noted`).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QFont, QFontMetricsF, QPalette, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QMenu, QTextEdit

from reader.domain import Article
from reader.query import highlight_pattern
from reader.ui.viewer.browser import SafeBrowser
from reader.ui.viewer.document import (
    TOGGLE,
    OffsetMap,
    find_all,
    next_match,
    plain,
    write_article,
    write_message,
)
from reader.ui.viewer.highlights import (
    in_layer_order,
    note_colour,
    policy_colour,
    role_colour,
    selections,
)
from reader.ui.viewer.noted import NotedPassages

READING_WIDTH_EM = 46  # the default measure, in em (about 75 average characters)
ZOOM_STEP = 0.1
ZOOM_RANGE = (-5, 10)


class ArticleView(SafeBrowser):
    """Shows one `Article`; selection and highlights in body offsets."""

    # The zoom step changed: (step).
    zoom_changed = Signal(int)
    # A noted passage was clicked (or "Open note" chosen in its context menu): (note id).
    note_clicked = Signal(int)
    # Another article (or a message) replaces the one shown: (its id, the body offset at the
    # top of the view, or None when it was left at its top).
    position_left = Signal(str, object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("articleView")
        self.article: Article | None = None
        self.body_start = 0
        self._map = OffsetMap("")
        self._expanded: set[str] = set()
        self._layers: dict[str, list[QTextEdit.ExtraSelection]] = {}
        self._terms: tuple[str, ...] = ()
        self._terms_query = ""  # the search the terms come from (phrases marked whole)
        self._mentions: list[tuple[int, int]] = []
        self._title_mentions: list[tuple[int, int]] = []  # in the headline (title offsets)
        self._mention_kind = "entity"  # whose mentions they are: "entity" | "policy"
        self._noted = NotedPassages(self)
        self._context_actions: list[QAction] = []
        self._zoom = 0
        self._line_chars = 0  # the body's longest line in average characters (0: the em default)
        self._chosen_font: QFont | None = None  # the user's reading font
        self._base_font = QFont(self.font())
        self._empty_message = ""
        # A caret, so that a keyboard-only reader can select a passage (and note it).
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.show_message("Select an article to read it.")

    def _on_anchor(self, url: QUrl) -> None:
        if url.toString().startswith(TOGGLE):
            self._toggle(url.toString().removeprefix(TOGGLE))
        else:
            super()._on_anchor(url)

    # -- content -------------------------------------------------------------------------
    def show_message(self, text: str) -> None:
        """An empty state: a short hint instead of an article."""
        self._leaving()
        self.article = None
        self._map = OffsetMap("")
        self._layers.clear()
        self._noted.spans = []
        self._empty_message = text
        self.setProperty("empty", True)
        write_message(self.document(), text, self.palette())
        self._apply_extra()

    def show_article(self, article: Article, expanded: set[str] | None = None) -> None:
        """Render `article` (title, meta, plain-text body, collapsed chrome/comments)."""
        same = self.article is not None and self.article.id == article.id
        if not same:
            self._leaving()
        self.article = article
        self.setProperty("empty", False)
        if not same:
            self._expanded = set(expanded or ())
            self._terms = ()
            self._terms_query = ""
            self._mentions = []
            self._title_mentions = []
            self._noted.spans = []
            self._layers.clear()
        self._render()

    def _leaving(self) -> None:
        if self.article is not None:
            self.position_left.emit(self.article.id, self.reading_offset())

    def _render(self) -> None:
        self.body_start = write_article(self.document(), self.article, self._expanded,
                                        self.palette(), self._zoomed_font())
        self._map = OffsetMap(self.article.body)
        self._apply_margins()
        self._apply_extra()

    def _toggle(self, key: str) -> None:
        if self.article is None:
            return
        self._expanded ^= {key}
        top = self.verticalScrollBar().value()
        self._render()
        self.verticalScrollBar().setValue(top)

    def set_extras_expanded(self, expanded: bool) -> None:
        """Show or collapse page chrome and reader comments."""
        if self.article is None:
            return
        self._expanded = {"chrome", "comments"} if expanded else set()
        self._render()

    @property
    def extras_expanded(self) -> bool:
        return bool(self._expanded)

    # -- offsets and selection -----------------------------------------------------------
    def body_pos(self, offset: int) -> int:
        """Document position of body offset `offset`."""
        body = self.article.body if self.article else ""
        offset = max(0, min(offset, len(body)))
        return self.body_start + self._map.to_qt(offset)

    def title_pos(self, offset: int) -> int:
        """Document position of title offset `offset` (the title is the first block, shown
        with one character per character of `Article.title`)."""
        title = self.article.title if self.article else ""
        return OffsetMap(title).to_qt(max(0, min(offset, len(title))))

    def body_offset(self, pos: int) -> int:
        """Body offset of document position `pos` (clamped to the body)."""
        body = self.article.body if self.article else ""
        return max(0, min(len(body), self._map.from_qt(pos - self.body_start)))

    def body_cursor(self, start: int, end: int) -> QTextCursor:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.body_pos(start))
        cursor.setPosition(self.body_pos(end), QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def select_body(self, start: int, end: int) -> None:
        """Select body[start:end] and scroll it into the middle of the view."""
        cursor = self.body_cursor(start, end)
        self.setTextCursor(cursor)
        self.scroll_to_pos(min(cursor.position(), cursor.anchor()), centre=True)

    def selected_body_range(self) -> tuple[int, int] | None:
        """The selection as body offsets, or None when nothing in the body is selected."""
        cursor = self.textCursor()
        if not cursor.hasSelection() or self.article is None:
            return None
        start = self.body_offset(cursor.selectionStart())
        end = self.body_offset(cursor.selectionEnd())
        return (start, end) if end > start else None

    def top_pos(self) -> int:
        """Document position at the top-left of the view (for restoring scroll state)."""
        return self.cursorForPosition(self.viewport().rect().topLeft()).position()

    def reading_offset(self) -> int | None:
        """The body offset at the top of the view, or None while the view is at its top (or
        shows no article)."""
        if self.article is None or self.verticalScrollBar().value() == 0:
            return None
        pos = self.top_pos()
        return self.body_offset(pos) if pos > self.body_start else None

    def scroll_to_offset(self, offset: int) -> None:
        """Scroll so that body offset `offset` is at the top (the start of its line)."""
        self.scroll_to_pos(self.body_pos(offset))

    def scroll_to_pos(self, pos: int, centre: bool = False) -> None:
        """Scroll so that document position `pos` is at the top (or the middle)."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(max(0, min(pos, self.document().characterCount() - 1)))
        bar = self.verticalScrollBar()
        rect = self.cursorRect(cursor)
        target = bar.value() + rect.top()
        if centre:
            target -= self.viewport().height() // 3
        bar.setValue(max(0, target))

    # -- highlights ----------------------------------------------------------------------
    @property
    def terms(self) -> tuple[str, ...]:
        """The search stems highlighted (what `highlight_terms` was last given)."""
        return self._terms

    @property
    def terms_query(self) -> str:
        """The search the highlighted terms come from (what `highlight_terms` was given)."""
        return self._terms_query

    def highlight_terms(self, terms, query: str = "") -> int:
        """Mark every word (title and body) starting with one of the search stems (a quoted
        phrase of `query` only where the whole phrase stands); returns the number of marks
        in the body."""
        self._terms = tuple(terms)
        self._terms_query = query
        body = self._term_ranges()
        spans = [(self.body_pos(s), self.body_pos(e)) for s, e in body]
        pattern = highlight_pattern(self._terms, self._terms_query)
        if pattern is not None and self.article is not None:
            title = plain(self.article.title)
            tmap = OffsetMap(title)
            spans += [(tmap.to_qt(m.start()), tmap.to_qt(m.end()))
                      for m in pattern.finditer(title)]
        self._set_layer("terms", spans, self._role_colour(QPalette.ColorRole.Link, 70))
        return len(body)

    def _term_ranges(self) -> list[tuple[int, int]]:
        pattern = highlight_pattern(self._terms, self._terms_query)
        if pattern is None or self.article is None:
            return []
        return [(m.start(), m.end()) for m in pattern.finditer(self.article.body)]

    def highlight_mentions(self, spans, kind: str = "entity", title_spans=()) -> None:
        """Mark body spans [(start, end)] of the selected entity or (`kind` "policy")
        policy: an entity in the palette's highlight, underlined; a policy in green,
        dotted (notes are yellow, search terms the link colour). `title_spans`: mentions
        in the headline, in title offsets, marked in the title heading."""
        self._mentions = [(s, e) for s, e in spans]
        self._title_mentions = [(s, e) for s, e in title_spans] if self.article else []
        self._mention_kind = kind
        positions = [(self.title_pos(s), self.title_pos(e)) for s, e in self._title_mentions]
        positions += [(self.body_pos(s), self.body_pos(e)) for s, e in self._mentions]
        if kind == "policy":
            self._set_layer("mentions", positions, policy_colour(self.palette()),
                            underline=QTextCharFormat.UnderlineStyle.DotLine)
        else:
            self._set_layer("mentions", positions,
                            self._role_colour(QPalette.ColorRole.Highlight, 90),
                            underline=QTextCharFormat.UnderlineStyle.SingleUnderline)

    def highlight_notes(self, spans) -> None:
        """Mark noted passages: [(note id, start, end, tooltip)] in body offsets. A click on
        one emits `note_clicked` (the innermost note when passages overlap)."""
        noted = self._noted
        noted.set_spans(spans, len(self.article.body) if self.article is not None else 0)
        self._set_layer("notes", [(self.body_pos(s), self.body_pos(e))
                                  for _, s, e, _ in noted.spans],
                        note_colour(self.palette()), ids=[n[0] for n in noted.spans])

    def mention_selections(self) -> list[tuple[int, int]]:
        """Document positions (start, end) of the highlighted mentions (tests)."""
        return [(s.cursor.selectionStart(), s.cursor.selectionEnd())
                for s in self._layers.get("mentions", ())]

    def note_spans(self) -> list[tuple[int, int, int]]:
        """The highlighted noted passages: [(note id, start, end)] in body offsets."""
        return [(nid, s, e) for nid, s, e, _ in self._noted.spans]

    def term_selections(self) -> list[tuple[int, int]]:
        """Body spans currently highlighted as search terms (tests and status bar)."""
        return self._term_ranges()

    def _role_colour(self, role, alpha: int):
        return role_colour(self.palette(), role, alpha)

    def _set_layer(self, name, positions, colour, underline=None, ids=None) -> None:
        self._layers[name] = selections(self.document(), positions, colour, underline, ids)
        self._apply_extra()

    def _apply_extra(self) -> None:
        self.setExtraSelections(in_layer_order(self._layers))

    def _reapply_layers(self) -> None:
        if self.article is None:
            return
        if self._terms:
            self.highlight_terms(self._terms, self._terms_query)
        if self._mentions or self._title_mentions:
            self.highlight_mentions(self._mentions, self._mention_kind, self._title_mentions)
        if self._noted.spans:
            self.highlight_notes(self._noted.spans)

    # -- mouse: clicks on noted passages, the context menu -------------------------------
    def set_context_actions(self, actions) -> None:
        """Actions added under the standard entries of the context menu (Add note...)."""
        self._context_actions = list(actions)

    def context_menu(self, point: QPoint) -> QMenu:
        """The context menu for a viewport point: Copy / Select all, the note actions, and
        "Open note" over a noted passage."""
        scroll = QPoint(self.horizontalScrollBar().value(), self.verticalScrollBar().value())
        menu = self.createStandardContextMenu(point + scroll)  # document coordinates
        menu.setObjectName("articleContextMenu")
        if self.article is not None and self._context_actions:
            menu.addSeparator()
            for action in self._context_actions:
                menu.addAction(action)
        note_id = self._noted.note_under(point)
        if note_id is not None:
            menu.addAction("Open &note", lambda: self.note_clicked.emit(note_id))
        return menu

    def contextMenuEvent(self, event):
        menu = self.context_menu(event.pos())
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(event.globalPos())

    def keyPressEvent(self, event):
        super().keyPressEvent(event)
        # The caret moves to the very start / end; the page goes all the way too (the
        # caret alone stops short of the bottom margin).
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            bar = self.verticalScrollBar()
            if event.key() == Qt.Key.Key_End:
                bar.setValue(bar.maximum())
            elif event.key() == Qt.Key.Key_Home:
                bar.setValue(0)

    def mousePressEvent(self, event):
        self._noted.pressed(event)
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event):
        super().mouseReleaseEvent(event)  # first: a click inside a selection clears it
        note_id = self._noted.clicked(event)
        if note_id is not None:
            self.note_clicked.emit(note_id)

    def mouseMoveEvent(self, event):
        super().mouseMoveEvent(event)  # first: over a link the browser sets its own cursor
        self._noted.hovered(event)

    def viewportEvent(self, event):
        if event.type() == QEvent.Type.ToolTip and self._noted.tooltip(event):
            return True
        return super().viewportEvent(event)

    # -- find in article -----------------------------------------------------------------
    def find_text(self, text: str, backward: bool = False,
                  again: bool = True) -> tuple[int, int]:
        """Select the next (previous) match, wrapping; returns (match number, total).

        `again=False` (typing in the find field) may keep the current match when it still
        matches; `again=True` (Enter) moves past it."""
        if not text:
            self._layers.pop("find", None)
            self._apply_extra()
            return 0, 0
        doc = self.document()
        matches = find_all(doc, text)
        self._set_layer("find", matches, self._role_colour(QPalette.ColorRole.Highlight, 60))
        if not matches:
            return 0, 0
        here = self.textCursor()
        n = next_match(matches, here.selectionStart(), here.selectionEnd(), backward, again)
        cursor = QTextCursor(doc)
        cursor.setPosition(matches[n][0])
        cursor.setPosition(matches[n][1], QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.scroll_to_pos(matches[n][0], centre=True)
        return n + 1, len(matches)

    def clear_find(self) -> None:
        self._layers.pop("find", None)
        self._apply_extra()

    # -- zoom and layout -----------------------------------------------------------------
    @property
    def zoom(self) -> int:
        return self._zoom

    def set_zoom(self, step: int) -> None:
        step = max(ZOOM_RANGE[0], min(ZOOM_RANGE[1], step))
        if step == self._zoom:
            return
        top = self.top_pos()
        self._zoom = step
        self.document().setDefaultFont(self._zoomed_font())
        self._apply_margins()
        self.scroll_to_pos(top)
        self.zoom_changed.emit(step)

    def _zoomed_font(self) -> QFont:
        font = QFont(self._base_font)
        size = self._base_font.pointSizeF()
        if size > 0:
            font.setPointSizeF(size * (1 + ZOOM_STEP * self._zoom))
        return font

    @property
    def line_width(self) -> int:
        """The longest body line, in average characters (0: READING_WIDTH_EM em)."""
        return self._line_chars

    def set_line_width(self, chars: int) -> None:
        """Keep body lines at most `chars` average characters long (0: the default)."""
        if chars == self._line_chars:
            return
        top = self.top_pos() if self.verticalScrollBar().value() else None
        self._line_chars = chars
        self._apply_margins()
        if top is not None:
            self.scroll_to_pos(top)

    def _apply_margins(self) -> None:
        """Keep the text column at most the line width wide, centred."""
        metrics = QFontMetricsF(self._base_font)
        if self._line_chars:
            width = self._line_chars * metrics.averageCharWidth()
        else:
            width = READING_WIDTH_EM * metrics.horizontalAdvance("M")
        spare = self.viewport().width() - width * (1 + ZOOM_STEP * self._zoom)
        side = max(12.0, spare / 2)
        root = self.document().rootFrame()
        fmt = root.frameFormat()
        if abs(fmt.leftMargin() - side) < 1 and fmt.topMargin() == 16:
            return
        fmt.setLeftMargin(side)
        fmt.setRightMargin(side)
        fmt.setTopMargin(16)
        fmt.setBottomMargin(24)
        root.setFrameFormat(fmt)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._apply_margins()

    def changeEvent(self, event):
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            # Colours come from the palette at render time: follow light/dark switches.
            if self.article is not None:
                top = self.verticalScrollBar().value()
                self._render()
                self._reapply_layers()
                self.verticalScrollBar().setValue(top)
            elif self._empty_message:
                self.show_message(self._empty_message)
        elif event.type() == QEvent.Type.FontChange:
            self._font_changed()

    @property
    def reading_font(self) -> QFont:
        """The font of the text at 100% (the user's choice, else the widget's)."""
        return QFont(self._base_font)

    def set_reading_font(self, font: QFont | None) -> None:
        """Show articles in `font` (None: the widget's font). Kept apart from the widget's
        font, which the stylesheet resets when the widget is polished."""
        self._chosen_font = QFont(font) if font is not None else None
        self._font_changed()

    def _font_changed(self) -> None:
        top = self.top_pos() if self.verticalScrollBar().value() else None
        self._base_font = QFont(self._chosen_font or self.font())
        self.document().setDefaultFont(self._zoomed_font())
        self._apply_margins()  # the line width is counted in this font's characters
        if top is not None:
            self.scroll_to_pos(top)

