"""The note editor box (meta, quote, Markdown text, tags, buttons) and the note preview."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reader.domain import Note
from reader.ui.models import ORPHAN_TIP, local_time
from reader.ui.viewer import SafeBrowser


class NoteEditorBox(QWidget):
    """The editing widgets of one note, and its `preview` (a separate pane: the panel puts it
    in its splitter). The panel connects the widgets' signals and owns the editing state."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("noteEditorBox")
        self.meta = QLabel()
        self.meta.setObjectName("noteMeta")
        self.meta.setWordWrap(True)
        self.quote = QLabel()
        self.quote.setObjectName("noteQuote")
        self.quote.setWordWrap(True)
        self.quote.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tags = QLineEdit()
        self.tags.setObjectName("noteTags")
        self.tags.setPlaceholderText("Tags, comma-separated")
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("noteEditor")
        self.editor.setTabChangesFocus(True)
        self.preview = SafeBrowser()
        self.preview.setObjectName("notePreview")
        self.trash_button = QPushButton("Move to trash")
        self.trash_button.setObjectName("noteTrashButton")
        self.restore_button = QPushButton("Restore")
        self.restore_button.setObjectName("noteRestoreButton")
        self.saved_label = QLabel()
        self.saved_label.setObjectName("noteSaveState")
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.saved_label, 1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.trash_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(4, 4, 4, 0)
        box.setSpacing(4)
        box.addWidget(self.meta)
        box.addWidget(self.quote)
        box.addWidget(self.editor, 1)
        box.addWidget(self.tags)
        box.addLayout(buttons)
        # Write, then tag: Tab goes from the text to the tags, then to the buttons.
        QWidget.setTabOrder(self.editor, self.tags)
        QWidget.setTabOrder(self.tags, self.restore_button)
        QWidget.setTabOrder(self.restore_button, self.trash_button)

    def show_meta(self, note: Note | None, title_of) -> None:
        """The meta line and quote of `note` (None: hidden); `title_of(doc)` names its
        article."""
        if note is None:
            self.meta.setText("")
            self.quote.setText("")
            self.quote.hide()
            self.meta.hide()
            return
        created, updated = local_time(note.created), local_time(note.updated)
        times = f"Created {created}"
        if updated and updated != created:  # the time alone when it is the same day
            times += f" · updated {updated[11:] if updated[:10] == created[:10] else updated}"
        text = f"On “{title_of(note.doc)}”\n{times}"
        if note.orphan:
            text += f"\n⚠ {ORPHAN_TIP}"
        if note.trashed:
            text += "\nIn the trash: restore it to edit it."
        self.meta.setText(text)
        self.meta.setProperty("orphan", bool(note.orphan))
        self.meta.style().unpolish(self.meta)
        self.meta.style().polish(self.meta)
        self.meta.show()
        quote = " ".join((note.quote or "").split())
        self.quote.setText(f"“{quote}”" if quote else "On the whole article.")
        self.quote.show()

    def update_enabled(self, note: Note | None, readonly: bool) -> bool:
        """Enable what `note` (None: no note) allows; returns whether it can be edited."""
        editable = note is not None and not readonly and not note.trashed
        for widget in (self.editor, self.tags):
            widget.setEnabled(note is not None)
            widget.setReadOnly(not editable)
        self.editor.setPlaceholderText(
            "Write your note in Markdown: **bold**, *italic*, lists, [links](https://…), "
            "[[Entity name]] links to an entity. It saves as you type." if editable else
            "Select a note in the list, or select text in the article and press Ctrl+Shift+N."
            if note is None else "")
        self.trash_button.setVisible(note is not None and not note.trashed)
        self.restore_button.setVisible(note is not None and note.trashed)
        self.trash_button.setEnabled(editable)
        self.restore_button.setEnabled(note is not None and not readonly)
        return editable

    def show_preview(self, note: Note | None, render) -> None:
        """The editor's text rendered by `render(markdown) -> safe HTML` (None: the text as
        it is) in the preview; empty when there is no note."""
        text = self.editor.toPlainText()
        if note is None:
            self.preview.clear()
            return
        if not text.strip():
            self.preview.set_safe_html("<p><i>Nothing written yet.</i></p>")
            return
        rendered = render(text) if render else None
        if rendered is None:  # no renderer: the text as it is, escaped
            rendered = f"<pre>{html.escape(text)}</pre>"
        self.preview.set_safe_html(rendered)
