"""Highlight layers of the reading pane: extra selections, colours, order.

Layers are drawn in `LAYER_ORDER` (later on top). Noted passages carry their note id on the
selection's char format (`NOTE_PROPERTY`).
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette, QTextCursor, QTextDocument, QTextFormat
from PySide6.QtWidgets import QTextEdit

LAYER_ORDER = ("notes", "terms", "mentions", "find")  # later layers are drawn on top
# The note id on the char format of a noted passage's extra selection (tests read it).
NOTE_PROPERTY = QTextFormat.Property.UserProperty + 1


def note_colour(palette: QPalette) -> QColor:
    """The noted-passage highlight: a highlighter yellow, softer on a dark base so light text
    stays readable. Distinct from the palette's Highlight (entity mentions) and Link (search
    terms), whatever the theme."""
    dark = palette.color(QPalette.ColorRole.Base).lightness() < 128
    colour = QColor(255, 196, 0) if dark else QColor(255, 214, 0)
    colour.setAlpha(80 if dark else 120)
    return colour


def policy_colour(palette: QPalette) -> QColor:
    """A policy's mentions: a translucent green, unlike notes (yellow), an entity's mentions
    (the palette's Highlight) and search terms (Link)."""
    dark = palette.color(QPalette.ColorRole.Base).lightness() < 128
    return QColor(60, 200, 120, 90) if dark else QColor(0, 170, 90, 80)


def role_colour(palette: QPalette, role: QPalette.ColorRole, alpha: int) -> QColor:
    """The palette's colour for `role`, made translucent."""
    colour = palette.color(role)
    colour.setAlpha(alpha)
    return colour


def selections(doc: QTextDocument, positions, colour: QColor, underline=None,
               ids=None) -> list[QTextEdit.ExtraSelection]:
    """Extra selections over document positions [(start, end)] in `colour`, underlined in
    the `underline` style (a QTextCharFormat.UnderlineStyle) when given; `ids` (one per
    position) are stored on the formats as NOTE_PROPERTY."""
    out = []
    for n, (start, end) in enumerate(positions):
        sel = QTextEdit.ExtraSelection()
        sel.cursor = QTextCursor(doc)
        sel.cursor.setPosition(start)
        sel.cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        sel.format.setBackground(colour)
        if underline:
            sel.format.setUnderlineStyle(underline)
        if ids is not None:
            sel.format.setProperty(NOTE_PROPERTY, ids[n])
        out.append(sel)
    return out


def in_layer_order(layers: dict[str, list]) -> list[QTextEdit.ExtraSelection]:
    """Every layer's selections, flattened in LAYER_ORDER (unknown layers last)."""
    order = {name: n for n, name in enumerate(LAYER_ORDER)}
    names = sorted(layers, key=lambda name: order.get(name, len(order)))
    return [s for name in names for s in layers[name]]
