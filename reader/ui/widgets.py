"""Small reusable widgets: rich-text and timeline delegates, a view with an empty state."""

from __future__ import annotations

from PySide6.QtCore import QAbstractProxyModel, QEvent, QPoint, QRectF, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QLabel,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolTip,
    QTreeView,
    QWidget,
)

from reader.domain import Policy
from reader.ui.models import HTML_ROLE, OBJECT_ROLE, PolicyModel


class _NoResources(QTextDocument):
    """A text document that never loads images or files (delegate HTML is sanitised too)."""

    def loadResource(self, kind, url):
        from PySide6.QtCore import QByteArray

        return QByteArray(b"")


class HtmlDelegate(QStyledItemDelegate):
    """Paints HTML_ROLE (sanitised, inline formatting only) wrapped to the column width."""

    PADDING = 6

    def __init__(self, parent=None, max_lines: int = 0):
        super().__init__(parent)
        self.max_lines = max_lines  # 0: as many lines as the text needs

    def _document(self, option, index, width: float, selected: bool = False) -> QTextDocument:
        doc = _NoResources()
        doc.setDocumentMargin(self.PADDING)
        doc.setDefaultFont(option.font)
        # class="muted" text (dates, sources) in the palette's placeholder colour; on a
        # selected row the highlighted-text colour, which always contrasts.
        role = (QPalette.ColorRole.HighlightedText if selected
                else QPalette.ColorRole.PlaceholderText)
        doc.setDefaultStyleSheet(f".muted {{ color: {option.palette.color(role).name()}; }}")
        doc.setHtml(index.data(HTML_ROLE) or "")
        doc.setTextWidth(max(40.0, width))
        return doc

    def paint(self, painter, option, index):
        if index.data(HTML_ROLE) is None:
            return super().paint(painter, option, index)
        opt = _draw_item_background(self, painter, option, index)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        doc = self._document(opt, index, opt.rect.width(), selected)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        ctx.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        painter.save()
        painter.translate(opt.rect.topLeft())
        clip = QRectF(0, 0, opt.rect.width(), opt.rect.height())
        painter.setClipRect(clip)
        ctx.clip = clip
        doc.documentLayout().draw(painter, ctx)
        painter.restore()

    def sizeHint(self, option, index):
        if index.data(HTML_ROLE) is None:
            return super().sizeHint(option, index)
        width = self._column_width(option, index)
        doc = self._document(option, index, width)
        height = doc.size().height()
        if self.max_lines:
            line = option.fontMetrics.lineSpacing()
            height = min(height, self.max_lines * line + 2 * self.PADDING)
        return QSize(int(width), int(height) + 1)

    def _column_width(self, option, index) -> float:
        view = self.parent()
        if isinstance(view, (QTreeView, QTableView)) and index.column() >= 0:
            width = view.columnWidth(index.column())
            if width > 0:
                return width
        if isinstance(view, QAbstractScrollArea):
            return view.viewport().width()
        return option.rect.width() or 300


class TimelineDelegate(QStyledItemDelegate):
    """Paints a policy's mention dates as ticks on the corpus's date axis, labelled with the
    axis's first and last years when the column is wide enough, and explained in a tooltip
    (the policy's details show the full timeline)."""

    LABEL_WIDTH = 110  # narrower columns show the ticks only

    def paint(self, painter, option, index):
        policy: Policy | None = index.data(OBJECT_ROLE)
        span = _date_span(index)
        dates = sorted({m.date[:10] for m in policy.mentions} - {""}) if policy else []
        if not dates or not all(span):
            return super().paint(painter, option, index)
        opt = _draw_item_background(self, painter, option, index)
        lo, hi = _day(span[0]), _day(span[1])
        rect = opt.rect.adjusted(6, 5, -6, -5)
        selected = opt.state & QStyle.StateFlag.State_Selected
        pal = opt.palette
        line = pal.color(QPalette.ColorRole.HighlightedText if selected
                         else QPalette.ColorRole.PlaceholderText)
        tick = pal.color(QPalette.ColorRole.HighlightedText if selected
                         else QPalette.ColorRole.Highlight)
        painter.save()
        if rect.width() >= self.LABEL_WIDTH:  # the axis's ends, in small type
            font = painter.font()
            font.setPointSizeF(max(6.0, font.pointSizeF() * 0.8))
            painter.setFont(font)
            painter.setPen(line)
            painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
                             span[0][:4])
            painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
                             span[1][:4])
            rect = rect.adjusted(0, 0, 0, -painter.fontMetrics().height())
        mid = rect.center().y()
        painter.setPen(line)
        painter.drawLine(rect.left(), mid, rect.right(), mid)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(tick)
        tall = min(rect.height(), 12)
        for date in dates:
            x = rect.left() + (rect.width() * (_day(date) - lo) / max(1, hi - lo))
            painter.drawRoundedRect(QRectF(x - 2, mid - tall / 2, 4, tall), 1.5, 1.5)
        painter.restore()


    def helpEvent(self, event, view, option, index):
        policy: Policy | None = index.data(OBJECT_ROLE)
        if policy is None or event.type() != QEvent.Type.ToolTip:
            return super().helpEvent(event, view, option, index)
        dated = [m for m in policy.mentions if m.date]
        span = _date_span(index)
        text = (f"{len(dated)} dated mention{'s' if len(dated) != 1 else ''}"
                + (f", {policy.first_date} to {policy.last_date}" if dated else "")
                + f"; {len(policy.mentions) - len(dated)} undated."
                + (f" Each tick is a date, on the axis {span[0]} – {span[1]}." if all(span)
                   else "") + " Select the policy for its timeline.")
        QToolTip.showText(event.globalPos(), text, view)
        return True


def _date_span(index) -> tuple[str, str]:
    """The corpus's date range, kept by the PolicyModel under any proxies."""
    model = index.model()
    while isinstance(model, QAbstractProxyModel) and model.sourceModel() is not None:
        model = model.sourceModel()
    return model.date_span if isinstance(model, PolicyModel) else ("", "")


def _day(iso: str) -> int:
    import datetime as dt

    try:
        return dt.date.fromisoformat(iso[:10]).toordinal()
    except ValueError:
        return 0


class EmptyStack(QStackedWidget):
    """A view, or a centred hint when the view has nothing to show."""

    def __init__(self, view: QWidget, message: str = "", parent=None):
        super().__init__(parent)
        self.view = view
        self.label = QLabel(message)
        self.label.setObjectName("emptyState")
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.addWidget(view)
        self.addWidget(self.label)
        self.set_empty(message)

    def set_empty(self, message: str | None) -> None:
        """Show `message` instead of the view; None or "" shows the view."""
        if message:
            self.label.setText(message)
            self.setCurrentWidget(self.label)
        else:
            self.setCurrentWidget(self.view)

    @property
    def is_empty(self) -> bool:
        return self.currentWidget() is self.label


def _draw_item_background(delegate, painter, option, index) -> QStyleOptionViewItem:
    """Draw an item's background and selection with no text; returns the style option so the
    caller can paint its own content into `opt.rect`."""
    opt = QStyleOptionViewItem(option)
    delegate.initStyleOption(opt, index)
    opt.text = ""
    style = opt.widget.style() if opt.widget else None
    if style is not None:
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
    return opt


def rows_in_view(view) -> range:
    """The rows of a list view's model in view (empty when none is, or the view is hidden)."""
    count = view.model().rowCount()
    if not count or not view.isVisible():
        return range(0)
    top = view.indexAt(QPoint(1, 1))
    bottom = view.indexAt(QPoint(1, view.viewport().height() - 2))
    first = top.row() if top.isValid() else 0
    last = bottom.row() if bottom.isValid() else count - 1
    return range(first, last + 1)
