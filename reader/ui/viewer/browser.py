"""`SafeBrowser`: a QTextBrowser that loads nothing and routes links itself.

Nothing is ever loaded: `loadResource` answers an empty byte array for every URL (images,
stylesheets, `file://`). Links are never followed by the widget: http(s) links go to the
system browser on click, `entity:`/`note:`/`policy:` links are re-emitted as
`link_activated`. HTML is cleaned by `reader.markup.sanitise` before it is shown.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QTextBrowser

from reader.markup import sanitise


class SafeBrowser(QTextBrowser):
    """A QTextBrowser that loads nothing and routes links itself (see the module docstring)."""

    # An internal link (entity:ID, note:ID) was clicked: (url).
    link_activated = Signal(QUrl)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setUndoRedoEnabled(False)
        self.anchorClicked.connect(self._on_anchor)

    def loadResource(self, kind, url):
        """Never load anything: no images, no files, no network."""
        return QByteArray(b"")

    def set_safe_html(self, fragment: str) -> None:
        """Show library- or note-provided HTML after sanitising it."""
        self.setHtml(sanitise(fragment))

    def _on_anchor(self, url: QUrl) -> None:
        scheme = url.scheme().lower()
        if scheme in ("http", "https"):
            QDesktopServices.openUrl(url)
        elif scheme in ("entity", "note", "policy"):
            self.link_activated.emit(url)
        # anything else (file:, javascript:, data:) is ignored on purpose
