"""Reading comfort: the reading pane's font and line width, the light / dark / system theme,
and the reading position remembered per article.

Every choice applies at once and is kept in the library's `ui.ini` (see `window_state`):
`view/font` (a QFont, none for the default), `view/line_width` (a `LINE_WIDTHS`
name), `view/theme` (a `THEMES` name) and `reading/positions` (JSON: the last
`MAX_POSITIONS` articles left part-way, as [[article id, body offset], ...], oldest first).

The theme asks the platform first (`QStyleHints.setColorScheme`, Qt 6.8+); where the platform
ignores the request (plain X11, offscreen) the app's palette is set instead. The stylesheet
takes its colours from the palette, so both ways restyle every widget.
"""

from __future__ import annotations

import json
from collections import OrderedDict

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QActionGroup, QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QFontDialog

# Longest line of the reading pane's body, in average characters (a comfortable measure is
# 60-75; "wide" suits big screens and tables of figures).
LINE_WIDTHS = {"narrow": 60, "medium": 75, "wide": 100}
DEFAULT_WIDTH = "medium"
THEMES = ("system", "light", "dark")
MAX_POSITIONS = 500

_SCHEMES = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}


def dark_palette() -> QPalette:
    """A dark palette with enough contrast for body text and the highlight layers."""
    r = QPalette.ColorRole
    colours = {
        r.Window: "#2b2d30", r.WindowText: "#e6e6e6", r.Base: "#1e1f22",
        r.AlternateBase: "#26282b", r.Text: "#e6e6e6", r.Button: "#33363a",
        r.ButtonText: "#e6e6e6", r.BrightText: "#ffffff", r.Highlight: "#3d6fb4",
        r.HighlightedText: "#ffffff", r.Link: "#7fb3ff", r.LinkVisited: "#c19bff",
        r.ToolTipBase: "#33363a", r.ToolTipText: "#e6e6e6", r.PlaceholderText: "#9a9ea6",
        r.Light: "#4a4d52", r.Midlight: "#3c3f44", r.Mid: "#4f5359", r.Dark: "#17181a",
        r.Shadow: "#000000",
    }
    palette = QPalette()
    for role, name in colours.items():
        palette.setColor(role, QColor(name))
    grey = QColor("#7c8088")
    for role in (r.Text, r.WindowText, r.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, grey)
    return palette


def light_palette() -> QPalette:
    """The style's own light palette."""
    return QApplication.style().standardPalette()


def apply_theme(name: str) -> None:
    """Switch the whole app to theme `name` ("system", "light" or "dark")."""
    app = QApplication.instance()
    if (app.property("readerTheme") or "system") == name:
        return  # unchanged: leave the palette (and every widget) alone
    app.setProperty("readerTheme", name)
    hints = app.styleHints()
    if name not in _SCHEMES:
        hints.unsetColorScheme()
        app.setPalette(QPalette())  # back to the platform's palette
    else:
        hints.setColorScheme(_SCHEMES[name])
        if hints.colorScheme() == _SCHEMES[name]:
            app.setPalette(QPalette())  # the platform switched: follow its palette
        else:
            app.setPalette(dark_palette() if name == "dark" else light_palette())
    # The stylesheet's palette(...) colours are fixed when a widget is polished: again.
    app.setStyleSheet(app.styleSheet())


class ReadingPositions:
    """Where the user left each article: body offsets of the last MAX_POSITIONS articles left
    part-way (the most recently left last)."""

    def __init__(self, limit: int = MAX_POSITIONS):
        self.limit = limit
        self._offsets: OrderedDict[str, int] = OrderedDict()

    def __len__(self) -> int:
        return len(self._offsets)

    def get(self, doc_id: str) -> int | None:
        return self._offsets.get(doc_id)

    def remember(self, doc_id: str, offset: int | None) -> None:
        """`offset` None: the article was left at its top (nothing to return to)."""
        self._offsets.pop(doc_id, None)
        if offset is not None and offset > 0:
            self._offsets[doc_id] = int(offset)
            while len(self._offsets) > self.limit:
                self._offsets.popitem(last=False)

    def load(self, text: str) -> None:
        try:
            pairs = json.loads(text or "[]")
        except ValueError:
            pairs = []
        self._offsets.clear()
        for pair in pairs if isinstance(pairs, list) else []:
            if (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)
                    and isinstance(pair[1], int)):
                self.remember(pair[0], pair[1])

    def dump(self) -> str:
        return json.dumps([[doc, offset] for doc, offset in self._offsets.items()])


class ComfortController:
    """The View menu's reading-comfort choices for MainWindow `win`."""

    def __init__(self, win):
        self.win = win
        self.view = win.article_view
        self.positions = ReadingPositions()
        self.line_width = DEFAULT_WIDTH
        self.theme = "system"
        self.font_dialog: QFontDialog | None = None
        self.view.position_left.connect(self.positions.remember)
        win.article_opened.connect(self._return_to_position)

    # -- start-up and closing ------------------------------------------------------------
    def restore(self, settings: QSettings) -> None:
        """Apply the saved choices and check their actions (the actions exist by now)."""
        actions = self.win.actions_by_name
        for prefix, names in (("width_", LINE_WIDTHS), ("theme_", THEMES)):
            group = QActionGroup(self.win)
            for name in names:
                group.addAction(actions[prefix + name])
        font = settings.value("view/font")
        if isinstance(font, QFont):
            self.set_font(font)
        width = str(settings.value("view/line_width", DEFAULT_WIDTH))
        self.set_line_width(width if width in LINE_WIDTHS else DEFAULT_WIDTH)
        theme = str(settings.value("view/theme", "system"))
        self.set_theme(theme if theme in THEMES else "system")
        self.positions.load(str(settings.value("reading/positions", "") or ""))

    def save(self, settings: QSettings) -> None:
        view = self.view
        if view.article is not None:
            self.positions.remember(view.article.id, view.reading_offset())
        settings.setValue("reading/positions", self.positions.dump())
        settings.setValue("view/line_width", self.line_width)
        settings.setValue("view/theme", self.theme)

    def _store(self, key: str, value) -> None:
        """A choice is written as soon as it is made (the file itself at the next sync)."""
        self.win.settings.setValue(key, value)

    # -- font ----------------------------------------------------------------------------
    def choose_font(self) -> QFontDialog:
        """Open the font dialog (not blocking); the choice applies when accepted."""
        if self.font_dialog is None:
            dialog = self.font_dialog = QFontDialog(self.win)
            dialog.setObjectName("readingFontDialog")
            dialog.setWindowTitle("Reading font")
            dialog.fontSelected.connect(self._font_chosen)
        self.font_dialog.setCurrentFont(self.view.reading_font)
        self.font_dialog.open()
        return self.font_dialog

    def _font_chosen(self, font: QFont) -> None:
        self.set_font(font)
        self._store("view/font", QFont(font))

    def set_font(self, font: QFont) -> None:
        self.view.set_reading_font(font)

    # -- line width and theme ------------------------------------------------------------
    def set_line_width(self, name: str) -> None:
        self.line_width = name
        self.win.actions_by_name["width_" + name].setChecked(True)
        self.view.set_line_width(LINE_WIDTHS[name])
        self._store("view/line_width", name)

    def set_theme(self, name: str) -> None:
        self.theme = name
        self.win.actions_by_name["theme_" + name].setChecked(True)
        apply_theme(name)
        self._store("view/theme", name)

    # -- reading position ----------------------------------------------------------------
    def _return_to_position(self, doc_id: str) -> None:
        """An article opened at its top (not at a mention, a note or a search hit): back to
        where the user left it."""
        view = self.view
        if (view.verticalScrollBar().value() != 0 or view.textCursor().hasSelection()
                or view.terms):
            return
        offset = self.positions.get(doc_id)
        if offset is not None:
            view.scroll_to_offset(offset)
