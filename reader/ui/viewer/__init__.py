"""The reading pane and the safe HTML browser; this package re-exports their public names.

Safety: nothing is ever loaded and links are routed by the app (see `browser`). Highlights are
layers of extra selections over body spans (see `highlights`); body offsets map exactly to
document positions (see `document`).
"""

from reader.markup import sanitise
from reader.ui.viewer.article_view import READING_WIDTH_EM, ZOOM_RANGE, ZOOM_STEP, ArticleView
from reader.ui.viewer.browser import SafeBrowser
from reader.ui.viewer.document import OffsetMap, meta_line
from reader.ui.viewer.highlights import LAYER_ORDER, NOTE_PROPERTY, note_colour

__all__ = [
    "LAYER_ORDER", "NOTE_PROPERTY", "READING_WIDTH_EM", "ZOOM_RANGE", "ZOOM_STEP",
    "ArticleView", "OffsetMap", "SafeBrowser", "meta_line", "note_colour", "sanitise",
]
