"""The Library as the UI sees it: the one place that knows which optional features exist.

Entities, policies, notes and read state are being integrated into `Library` feature by
feature (see the CONTRACT comment at the end of reader/library.py). Until a method exists
(or while it raises NotImplementedError) reads answer `None` (the panel shows its empty state)
and writes raise `Unavailable` (a ReaderError: the window shows the message).

Methods block; call them from the task runner, except `articles()` and the read-state helpers.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from reader.errors import ReaderError

log = logging.getLogger(__name__)


class Unavailable(ReaderError):
    """A feature this version of the library does not provide yet."""


class Backend:
    """Thin wrapper over `reader.library.Library` for the UI."""

    def __init__(self, library):
        self.lib = library
        self._read_docs: set[str] = set()  # fallback when Library has no read state
        self._lock = threading.Lock()

    def has(self, name: str) -> bool:
        """Whether the library provides method `name` at all."""
        return callable(getattr(self.lib, name, None))

    def optional(self, name: str, *args, **kwargs) -> Any:
        """`Library.name(*args)`, or None when the feature is not there yet."""
        fn = getattr(self.lib, name, None)
        if not callable(fn):
            return None
        try:
            return fn(*args, **kwargs)
        except NotImplementedError:
            return None

    def required(self, name: str, *args, **kwargs) -> Any:
        """`Library.name(*args)`; raises Unavailable when the feature is not there yet."""
        fn = getattr(self.lib, name, None)
        if not callable(fn):
            raise Unavailable(f"This version of reader cannot do that yet ({name}).")
        try:
            return fn(*args, **kwargs)
        except NotImplementedError:
            raise Unavailable(f"This version of reader cannot do that yet ({name}).") from None

    # -- the always-present core ---------------------------------------------------------
    def articles(self):
        return self.lib.articles()

    def article(self, doc_id: str):
        return self.lib.article(doc_id)

    def search(self, query: str, limit: int = 50):
        return self.lib.search(query, limit=limit, facets=True)

    def import_paths(self, paths: list[str]):
        return self.lib.import_paths(paths)

    def index(self, progress=None, cancelled=None, nlp: bool = True):
        return self.lib.index(progress=progress, cancelled=cancelled, nlp=nlp)

    @property
    def data_dir(self):
        return self.lib.paths.data_dir

    # -- read state: Library.set_read/read_docs, else kept in memory ---------------------
    def read_docs(self) -> set[str]:
        docs = self.optional("read_docs")
        with self._lock:
            return set(docs) | self._read_docs if docs is not None else set(self._read_docs)

    def set_read(self, doc_id: str, read: bool = True) -> None:
        with self._lock:
            if read:
                self._read_docs.add(doc_id)
            else:
                self._read_docs.discard(doc_id)
        self.optional("set_read", doc_id, read)

    def user_data_message(self) -> str:
        """What the user must know about their data store ("restored from a backup",
        "read-only"), or ""."""
        try:
            store = getattr(self.lib, "store", None)  # opened on first use
        except ReaderError as exc:
            return str(exc)
        return getattr(store, "recovery_message", "") or ""

    # -- entities ------------------------------------------------------------------------
    def entities(self):
        return self.optional("entities")

    def mention_contexts(self, mentions):
        contexts = self.optional("mention_contexts", list(mentions))
        return None if contexts is None else self.optional("fill_sentences", contexts)

    def related(self, entity_id: str, limit: int = 10):
        return self.optional("related", entity_id, limit=limit)

    def edit_entities(self, edit: dict) -> None:
        self.required("edit_entities", edit)

    def undo_entity_edit(self):
        return self.required("undo_entity_edit")

    # -- policies ------------------------------------------------------------------------
    def policies(self):
        return self.optional("policies")

    # -- notes ---------------------------------------------------------------------------
    def notes_snapshot(self) -> NotesSnapshot | None:
        """Every note (the trash too, re-anchored), the tags in use and whether the store is
        read-only; None when this library has no notes. Raises ReaderError when the notes
        database cannot be opened at all."""
        notes = self.optional("notes", include_trashed=True)
        if notes is None:
            return None
        return NotesSnapshot(list(notes), list(self.optional("note_tags") or ()),
                             self.notes_readonly())

    def notes_readonly(self) -> bool:
        """True when the notes store refuses writes (a data folder that cannot be written)."""
        store = getattr(self.lib, "store", None)
        return bool(getattr(store, "readonly", False))

    def notes(self, doc: str | None = None):
        return self.optional("notes", doc)

    def note(self, note_id: int):
        return self.required("note", note_id)

    def add_note(self, doc: str, start=None, end=None, body: str = "", tags=()):
        return self.required("add_note", doc, start=start, end=end, body=body, tags=tags)

    def update_note(self, note_id, body: str | None = None, tags=None):
        return self.required("update_note", note_id, body=body, tags=tags)

    def trash_note(self, note_id):
        return self.required("trash_note", note_id)

    def restore_note(self, note_id):
        return self.required("restore_note", note_id)

    def search_notes(self, query: str):
        """Notes matching the plain words of a search query (see `note_words`), best first;
        None when this library cannot search notes."""
        if not self.has("search_notes"):
            return None
        words = note_words(query)
        return self.optional("search_notes", words) if words else []

    def note_tags(self) -> list[tuple[str, int]]:
        return list(self.optional("note_tags") or ())

    def render_markdown(self, text: str) -> str | None:
        return self.optional("render_markdown", text)

    def export_notes(self, fmt: str) -> str:
        return self.required("export_notes", fmt)

    def import_notes(self, text: str) -> dict:
        return self.required("import_notes", text)


@dataclass
class NotesSnapshot:
    """What the Notes tab shows: notes (trashed ones included), (tag, count) pairs over the
    notes not in the trash, and whether the store is read-only."""

    notes: list
    tags: list[tuple[str, int]] = field(default_factory=list)
    readonly: bool = False


_FIELD_CLAUSE = re.compile(r"""\b\w+:(?:"[^"]*"?|'[^']*'?|\S+)""")
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}


def note_words(query: str) -> str:
    """The plain words of a main-search query, for the notes' own full-text search.

    The article index understands fields (`entity:'x'`, `date:2014`, `source:"x"`) and
    operators; notes are searched by words only, so those are left out."""
    text = _FIELD_CLAUSE.sub(" ", query or "")
    return " ".join(w for w in re.findall(r"\w+", text) if w not in _OPERATORS)
