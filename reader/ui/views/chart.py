"""The timeline chart: stacked bars per day, week, month or year on a labelled date axis,
zoomed with the wheel, undated items counted apart at the right; a click on a bar reports
its bucket."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from reader.domain import Timeline, TimelineBucket

# Series colours: stances (as in the policy panel's words), then articles and mentions.
SERIES_COLOURS = {"proposes": "#3b6fb6", "supports": "#3a9a5b", "opposes": "#c8463d",
                  "sceptical": "#d98b2b", "unknown": "#8c8c8c"}
Bucketer = Callable[[Timeline, str], list[TimelineBucket]]
NOTHING_DATED = ("None of these is dated. Set an article's date with Edit > Edit details… "
                 "(Ctrl+Shift+D).")
UNIT_NAMES = {"day": "day", "week": "week", "month": "month", "year": "year"}


def series_colour(name: str, palette: QPalette) -> QColor:
    colour = SERIES_COLOURS.get(name)
    return QColor(colour) if colour else palette.color(QPalette.ColorRole.Highlight)


def dated_total(timeline: Timeline) -> int:
    return sum(b.total for b in timeline.days)


def undated_total(timeline: Timeline) -> int:
    return sum(timeline.undated.values())


def bucket_label(bucket: TimelineBucket, unit: str) -> str:
    """'March 2005', 'week of 2005-03-07', '2005', '2005-03-09'."""
    start = dt.date.fromisoformat(bucket.start)
    if unit == "month":
        return start.strftime("%B %Y")
    if unit == "year":
        return str(start.year)
    if unit == "week":
        return f"week of {bucket.start}"
    return bucket.start


class TimelineChart(QWidget):
    """Bars of a Timeline. `compact` draws a small chart for a details panel (no legend)."""

    # A bar was clicked: (TimelineBucket, its label such as "March 2005").
    bucket_clicked = Signal(object, str)
    # The undated block was clicked: (tuple of article ids).
    undated_clicked = Signal(tuple)
    # The visible range or unit changed: (unit).
    zoomed = Signal(str)

    MARGIN_LEFT, MARGIN_TOP, AXIS = 34, 8, 30

    def __init__(self, bucketer: Bucketer | None = None, compact: bool = False, parent=None):
        super().__init__(parent)
        self.setObjectName("timelineChart")
        self.compact = compact
        self.bucketer = bucketer
        self.timeline: Timeline | None = None
        self.fixed_unit = ""  # "" : chosen from the visible span
        self.unit = "month"
        self.buckets: list[TimelineBucket] = []
        self.view: tuple[int, int] | None = None  # visible (first day, last day) ordinals
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(90 if compact else 200)
        if compact:  # under the details: the details keep the room
            self.setMaximumHeight(120)

    def sizeHint(self) -> QSize:
        return QSize(300, 110) if self.compact else QSize(800, 360)

    # -- data --------------------------------------------------------------------------
    def set_timeline(self, timeline: Timeline | None) -> None:
        self.timeline = timeline
        self.view = None
        self._rebucket()

    def set_unit(self, unit: str) -> None:
        """Fix the unit ("day", "week", "month", "year"), or "" to follow the zoom."""
        self.fixed_unit = unit
        self._rebucket()

    def reset_zoom(self) -> None:
        self.view = None
        self._rebucket()

    def zoom(self, factor: float, anchor: float = 0.5) -> None:
        """Show `factor` times the visible span (< 1 zooms in) around `anchor` (0..1 across
        the plot)."""
        full = self._full_span()
        if full is None:
            return
        lo, hi = self.view or full
        span = max(7.0, (hi - lo) * factor)
        centre = lo + (hi - lo) * anchor
        lo = int(centre - span * anchor)
        hi = int(lo + span)
        lo, hi = max(lo, full[0]), min(hi, full[1])
        self.view = None if (lo, hi) == full else (lo, hi)
        self._rebucket()

    def bar_rects(self) -> list[tuple[QRectF, TimelineBucket]]:
        """Each bar's column (full plot height) with its bucket, left to right."""
        plot = self._plot_rect()
        if not self.buckets:
            return []
        step = plot.width() / len(self.buckets)
        return [(QRectF(plot.left() + i * step, plot.top(), step, plot.height()), bucket)
                for i, bucket in enumerate(self.buckets)]

    @property
    def note(self) -> str:
        """What the plot shows instead of bars when nothing is dated ("" otherwise): an axis
        from 0 to 1 beside the undated count would read as "no mentions"."""
        tl = self.timeline
        if tl is None or tl.days:
            return ""
        return NOTHING_DATED

    @property
    def undated_rect(self) -> QRectF:
        """The undated block, right of the plot (empty when everything is dated)."""
        if not self._has_undated():
            return QRectF()
        plot = self._plot_rect()
        x = plot.right() + 10
        return QRectF(x, plot.top(), self.width() - x - 4, plot.height())

    # -- internals -----------------------------------------------------------------------
    def _full_span(self) -> tuple[int, int] | None:
        tl = self.timeline
        if tl is None or not tl.days:
            return None
        return (dt.date.fromisoformat(tl.days[0].start).toordinal(),
                dt.date.fromisoformat(tl.days[-1].start).toordinal())

    def _rebucket(self) -> None:
        tl, span = self.timeline, self._full_span()
        if tl is None or span is None or self.bucketer is None:
            self.buckets = []
        else:
            lo, hi = self.view or span
            days = hi - lo + 1
            most = 40 if self.compact else 120
            unit = self.fixed_unit or next(
                (u for u, d in (("day", 1), ("week", 7), ("month", 30.4)) if days / d <= most),
                "year")
            self.unit = unit
            lo_iso = dt.date.fromordinal(lo).isoformat()
            hi_iso = dt.date.fromordinal(hi).isoformat()
            self.buckets = [b for b in self.bucketer(tl, unit)
                            if b.end >= lo_iso and b.start <= hi_iso]
        self.zoomed.emit(self.unit)
        self.update()

    def _plot_rect(self) -> QRectF:
        fm = self.fontMetrics()
        undated_w = fm.horizontalAdvance("Undated") + 16 if self._has_undated() else 0
        left = fm.horizontalAdvance("00000") + 8
        bottom = fm.height() * (1 if self.compact else 2) + 10
        top = self.MARGIN_TOP + (fm.height() + 6 if self._shows_legend() else 0)
        return QRectF(left, top, max(10.0, self.width() - left - undated_w - 10),
                      max(10.0, self.height() - top - bottom))

    def _shows_legend(self) -> bool:
        """Always in the window; in a details panel only when colours need explaining."""
        tl = self.timeline
        return not self.compact or (tl is not None and len(tl.series) > 1)

    def _has_undated(self) -> bool:
        return self.timeline is not None and undated_total(self.timeline) > 0

    def paintEvent(self, _event):
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.WindowText)
        muted = pal.color(QPalette.ColorRole.PlaceholderText)
        fm = self.fontMetrics()
        plot = self._plot_rect()
        tl = self.timeline
        if tl is None:
            return
        if self.note:
            painter.setPen(muted)
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.note)
            if self._has_undated():
                self._draw_undated(painter, plot, tl, pal, muted)
            return
        series = tl.series
        peak = max([b.total for b in self.buckets] + [1])
        if self._shows_legend():
            self._draw_legend(painter, series, pal, text)
        # y axis: 0 and the peak
        painter.setPen(muted)
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawText(QRectF(0, plot.top() - fm.height() / 2, plot.left() - 4, fm.height()),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(peak))
        painter.drawText(QRectF(0, plot.bottom() - fm.height() / 2, plot.left() - 4,
                                fm.height()),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, "0")
        if self.buckets:
            for column, bucket in self.bar_rects():
                step = column.width()
                gap = 1.0 if step > 4 else 0.0
                x = column.left()
                y = plot.bottom()
                for name in series:
                    count = bucket.counts.get(name, 0)
                    if not count:
                        continue
                    h = plot.height() * count / peak
                    painter.fillRect(QRectF(x + gap / 2, y - h, max(1.0, step - gap), h),
                                     series_colour(name, pal))
                    y -= h
            self._draw_axis(painter, plot, muted, text)
        if self._has_undated():
            self._draw_undated(painter, plot, tl, pal, muted)

    def _draw_legend(self, painter, series, pal, text) -> None:
        fm = self.fontMetrics()
        x = self._plot_rect().left()
        for name in series:
            if x + 14 + fm.horizontalAdvance(name) > self.width():
                break  # (a narrow details panel: the tooltips name the rest)
            painter.fillRect(QRectF(x, self.MARGIN_TOP + 3, 10, 10), series_colour(name, pal))
            painter.setPen(text)
            painter.drawText(QPointF(x + 14, self.MARGIN_TOP + fm.ascent()), name)
            x += 14 + fm.horizontalAdvance(name) + 16
        if self.compact:
            return
        unit = f"one bar per {UNIT_NAMES.get(self.unit, self.unit)}"
        painter.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(QPointF(x + 8, self.MARGIN_TOP + fm.ascent()), unit)

    def _draw_axis(self, painter, plot: QRectF, muted, text) -> None:
        """Tick labels on bucket boundaries, as many as fit; first and last always."""
        fm = self.fontMetrics()
        n = len(self.buckets)
        step = plot.width() / n
        fmt = {"year": "%Y", "month": "%b %Y", "week": "%d %b %Y", "day": "%d %b %Y"}[self.unit]

        def label(i: int) -> str:
            return dt.date.fromisoformat(self.buckets[i].start).strftime(fmt)

        width = fm.horizontalAdvance(label(0)) + 12
        every = max(1, int(width // max(step, 0.1)) + 1)
        painter.setPen(muted)
        y = plot.bottom() + 3
        last_right = -1e9
        for i in range(0, n, every):
            x = plot.left() + i * step
            painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 3))
            text_w = fm.horizontalAdvance(label(i))
            left = min(max(x, plot.left()), plot.right() - text_w)
            if left < last_right + 6:
                continue
            painter.setPen(text)
            painter.drawText(QRectF(left, y, text_w + 2, fm.height()),
                             Qt.AlignmentFlag.AlignLeft, label(i))
            painter.setPen(muted)
            last_right = left + text_w
        if not self.compact:
            first, last = self.buckets[0], self.buckets[-1]
            caption = (f"{first.start} – {last.end} · {dated_total(self.timeline)} dated · "
                       "wheel to zoom, click a bar for its articles")
            painter.drawText(QRectF(plot.left(), y + fm.height() + 2, plot.width(),
                                    fm.height()), Qt.AlignmentFlag.AlignLeft,
                             fm.elidedText(caption, Qt.TextElideMode.ElideRight,
                                           int(plot.width())))

    def _draw_undated(self, painter, plot: QRectF, tl: Timeline, pal, muted) -> None:
        fm = self.fontMetrics()
        rect = self.undated_rect
        x, w = rect.left(), rect.width()
        painter.setPen(muted)
        painter.drawLine(QPointF(x - 5, plot.top()), QPointF(x - 5, plot.bottom()))
        painter.setPen(pal.color(QPalette.ColorRole.WindowText))
        painter.drawText(QRectF(x, plot.bottom() + 3, w, fm.height()),
                         Qt.AlignmentFlag.AlignHCenter, "Undated")
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                         str(undated_total(tl)))

    def mousePressEvent(self, event):
        pos = event.position()
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        for rect, bucket in self.bar_rects():
            if rect.contains(pos) and bucket.docs:
                self.bucket_clicked.emit(bucket, bucket_label(bucket, self.unit))
                return
        if self.undated_rect.contains(pos) and self.timeline is not None:
            self.undated_clicked.emit(tuple(self.timeline.undated_docs))

    def mouseMoveEvent(self, event):
        pos = event.position()
        for rect, bucket in self.bar_rects():
            if rect.contains(pos):
                said = ", ".join(f"{n} {s}" for s, n in bucket.counts.items() if n)
                self.setToolTip(f"{bucket_label(bucket, self.unit)}: {said or 'nothing'} · "
                                f"{len(bucket.docs)} article(s)")
                return
        if self.undated_rect.contains(pos) and self.timeline is not None:
            self.setToolTip(f"{undated_total(self.timeline)} undated, in "
                            f"{len(self.timeline.undated_docs)} article(s): set dates with "
                            "Edit details… (Ctrl+Shift+D)")
            return
        self.setToolTip("")

    def wheelEvent(self, event):
        if self.compact or not self.buckets:
            return super().wheelEvent(event)
        plot = self._plot_rect()
        anchor = min(1.0, max(0.0, (event.position().x() - plot.left()) / plot.width()))
        self.zoom(0.8 if event.angleDelta().y() > 0 else 1.25, anchor)
        event.accept()
