"""The analyst's views, each in its own window: the Timeline (articles or mentions on a date
axis) and the Network (who is named with whom); `ViewsController` wires them to the main
window."""

from reader.ui.views.chart import TimelineChart
from reader.ui.views.controller import ViewsController
from reader.ui.views.network_window import NetworkWindow
from reader.ui.views.timeline_window import TimelineWindow

__all__ = ["NetworkWindow", "TimelineChart", "TimelineWindow", "ViewsController"]
