"""Noted passages of the reading pane: which note is under the pointer, clicks, cursor, tooltip."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QHelpEvent, QMouseEvent
from PySide6.QtWidgets import QApplication, QToolTip

if TYPE_CHECKING:
    from reader.ui.viewer.article_view import ArticleView

# One noted passage: (note id, start, end, tooltip), in body offsets.
Passage = tuple[int, int, int, str]


class NotedPassages:
    """The noted passages of an article view and the pointer over them.

    The view keeps the offsets (`body_offset`, `body_start`) and forwards its mouse and
    tooltip events here: `pressed` before its own handling, `clicked` and `hovered` after
    it (a release may clear the selection), `tooltip` first."""

    def __init__(self, view: ArticleView):
        self.view = view
        self.spans: list[Passage] = []  # sorted by start, then end
        self._press: QPoint | None = None
        self._hand = False  # the pointing-hand cursor is shown over a noted passage
        self._cursor_before = view.viewport().cursor()  # put back when the pointer leaves

    def set_spans(self, spans, body_length: int) -> None:
        """Keep the passages [(note id, start, end, tooltip)] that lie in the body."""
        self.spans = sorted(((nid, s, e, tip) for nid, s, e, tip in spans
                             if 0 <= s < e <= body_length), key=lambda n: (n[1], n[2]))

    def note_at(self, pos: int) -> int | None:
        """The id of the note whose passage holds document position `pos` (the innermost
        when passages overlap), or None."""
        view = self.view
        if view.article is None or pos < view.body_start or not self.spans:
            return None
        offset = view.body_offset(pos)
        inside = [n for n in self.spans if n[1] <= offset < n[2]]
        return min(inside, key=lambda n: n[2] - n[1])[0] if inside else None

    def note_under(self, point: QPoint) -> int | None:
        """The note under a viewport point (not past the end of a line), or None."""
        view = self.view
        cursor = view.cursorForPosition(point)
        rect = view.cursorRect(cursor)
        if abs(rect.center().x() - point.x()) > 2 * view.fontMetrics().averageCharWidth() \
                and cursor.atBlockEnd():
            return None  # right of the line's end: nothing is under the pointer
        return self.note_at(cursor.position())

    def pressed(self, event: QMouseEvent) -> None:
        self._press = event.position().toPoint() \
            if event.button() == Qt.MouseButton.LeftButton else None

    def clicked(self, event: QMouseEvent) -> int | None:
        """The note clicked by this release, or None for a drag (selecting text) or a link."""
        point = event.position().toPoint()
        press, self._press = self._press, None
        if (event.button() != Qt.MouseButton.LeftButton or press is None
                or (point - press).manhattanLength() >= QApplication.startDragDistance()
                or self.view.textCursor().hasSelection() or self.view.anchorAt(point)):
            return None
        return self.note_under(point)

    def hovered(self, event: QMouseEvent) -> None:
        """Show the pointing hand over a noted passage (when no button is down)."""
        if event.buttons() != Qt.MouseButton.NoButton:
            return
        viewport = self.view.viewport()
        point = event.position().toPoint()
        over = bool(self.spans) and not self.view.anchorAt(point) \
            and self.note_under(point) is not None
        if over and not self._hand:
            self._cursor_before = viewport.cursor()
            viewport.setCursor(Qt.CursorShape.PointingHandCursor)
        elif not over and self._hand:
            viewport.setCursor(self._cursor_before)
        self._hand = over

    def tooltip(self, event: QHelpEvent) -> bool:
        """Show the note's text over a noted passage; False when there is none to show."""
        if not self.spans:
            return False
        note_id = self.note_under(event.pos())
        tip = next((n[3] for n in self.spans if n[0] == note_id), "")
        if tip:
            QToolTip.showText(event.globalPos(), tip, self.view.viewport())
        return bool(tip)
