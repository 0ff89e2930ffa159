"""The Notes tab (`NotesPanel`); this package re-exports its public names."""

from reader.ui.notes_panel.edits import Edit, same_tags, tags_text
from reader.ui.notes_panel.note_list import VIEW_LABELS
from reader.ui.notes_panel.panel import AUTOSAVE_MS, PREVIEW_MS, READONLY_MESSAGE, NotesPanel

__all__ = ["AUTOSAVE_MS", "PREVIEW_MS", "READONLY_MESSAGE", "VIEW_LABELS", "Edit",
           "NotesPanel", "same_tags", "tags_text"]
