"""The Library as the UI sees it: the one place that knows which optional features exist.

Entities, policies, notes and read state are being integrated into `Library` feature by
feature (see the CONTRACT comment at the end of reader/library.py). Until a method exists
(or while it raises NotImplementedError) reads answer `None` (the panel shows its empty state)
and writes raise `Unavailable` (a ReaderError: the window shows the message).

Methods block; call them from the task runner, except `articles()` and the read-state helpers.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from reader.domain import ReaderError

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
        return self.optional("mention_contexts", list(mentions))

    def related(self, entity_id: str, limit: int = 10):
        return self.optional("related", entity_id, limit=limit)

    def edit_entities(self, edit: dict) -> None:
        self.required("edit_entities", edit)

    def undo_entity_edit(self):
        return self.required("undo_entity_edit")

    # -- policies and notes --------------------------------------------------------------
    def policies(self):
        return self.optional("policies")

    def notes(self, doc: str | None = None):
        return self.optional("notes", doc)

    def add_note(self, doc: str, start=None, end=None, body: str = ""):
        return self.required("add_note", doc, start=start, end=end, body=body)

    def update_note(self, note_id, body: str):
        return self.required("update_note", note_id, body=body)

    def trash_note(self, note_id) -> None:
        self.required("trash_note", note_id)

    def render_markdown(self, text: str) -> str | None:
        return self.optional("render_markdown", text)

    def export_notes(self, fmt: str) -> str:
        return self.required("export_notes", fmt)
