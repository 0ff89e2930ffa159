"""Notes: the user's Markdown notes anchored to passages — reads never write; anchors follow
changed articles through `reanchor`, run by the indexing service."""

from __future__ import annotations

import re
from collections.abc import Callable

from reader import notes as notes_mod
from reader.corpus import Catalog
from reader.domain import Changes, Note
from reader.errors import BadInput, NotFound


class NoteService:
    def __init__(self, catalog: Catalog, store: Callable, reader: Callable):
        self._catalog = catalog
        self._store = store
        self._reader = reader

    # -- reads ---------------------------------------------------------------------------
    def list(self, doc: str | None = None, tag: str | None = None,
             include_trashed: bool = False) -> list[Note]:
        """Notes (oldest first), each anchored to its article's current text."""
        notes = self._reader().list_notes(doc=doc, tag=tag, include_trashed=include_trashed)
        return [self._fresh(n)[0] for n in notes]

    def get(self, note_id: int) -> Note:
        return self._fresh(self._reader().get_note(note_id))[0]

    def orphans(self) -> list[Note]:
        """Notes whose quoted passage is no longer in their article (never dropped)."""
        return [n for n in self.list() if n.orphan]

    def search(self, text: str) -> list[Note]:
        return self._reader().search_notes(text)

    @property
    def readonly(self) -> bool:
        """True when the store refuses writes (a data folder that cannot be written)."""
        return self._store().readonly  # the reader is read-only by design

    def tags(self) -> list[tuple[str, int]]:
        return self._reader().tags()

    def render(self, markdown: str) -> str:
        """Sanitised HTML for a note body; [[Entity Name]] becomes an entity: link."""
        return notes_mod.render_markdown(markdown)

    def export(self, fmt: str = "md") -> str:
        """All notes (not the trash) as Markdown with citations, or W3C annotation JSON."""
        if fmt not in ("md", "json"):
            raise BadInput(f"Unknown export format '{fmt}' (use md or json).")
        notes = self.list()
        if fmt == "md":
            infos = {i.id: i for i in self._catalog.refresh()}
            return notes_mod.export_markdown(notes, infos)
        return notes_mod.export_json(notes)

    def _fresh(self, note: Note) -> tuple[Note, bool]:
        """(the note anchored to its article's current text, whether that moved it)."""
        try:
            info = self._catalog.info(note.doc)
        except NotFound:
            return note, False  # the article left the library: keep the note as it is
        if note.text_hash == info.text_hash:
            return note, False
        art = self._catalog.load(note.doc)
        return notes_mod.refresh_anchor(note, art.body, art.text_hash), True

    # -- writes --------------------------------------------------------------------------
    def reanchor(self) -> Changes:
        """Store the anchors of notes whose article text changed (the indexing service runs
        this after articles change; a read-only store keeps computing them on read)."""
        store = self._store()
        if store.readonly:
            return Changes()
        moved = set()
        for note in self._reader().list_notes(include_trashed=True):
            fresh, changed = self._fresh(note)
            if changed:
                store.set_anchor(note.id, fresh.start, fresh.end, fresh.text_hash, fresh.orphan)
                moved.add(note.id)
        return Changes(notes=frozenset(moved))

    def add(self, doc: str, start: int | None = None, end: int | None = None,
            body: str = "", tags=()) -> Changes:
        """A note on body[start:end] of `doc`, or on the whole article when start is None."""
        art = self._catalog.load(doc)
        anchor = None
        if start is not None or end is not None:
            anchor = notes_mod.make_anchor(art.body, start, end)
        return _written(self._store().add_note(doc, anchor, art.text_hash, body, tags))

    def add_by_quote(self, doc: str, quote: str, body: str = "", tags=()) -> Changes:
        """Anchor by quoting the passage. Raises BadInput when it is not in the article."""
        art = self._catalog.load(doc)
        quote = quote.strip()
        if not quote:
            raise BadInput("The quote is empty.")
        start = art.body.find(quote)
        if start < 0:
            # Tolerate differences in white space and typographic quotes.
            m = _loose_pattern(quote).search(art.body)
            if not m:
                raise BadInput(f"The quote was not found in article '{doc}'. Copy it from "
                               f"`reader show {doc}`.")
            start, end = m.span()
        else:
            end = start + len(quote)
        return self.add(doc, start, end, body, tags)

    def update(self, note_id: int, body: str | None = None, tags=None) -> Changes:
        return _written(self._store().update_note(note_id, body=body, tags=tags))

    def trash(self, note_id: int) -> Changes:
        return _written(self._store().trash_note(note_id))

    def restore(self, note_id: int) -> Changes:
        return _written(self._store().restore_note(note_id))

    def import_json(self, text: str) -> Changes:
        """Restore notes from a JSON export; known notes are not duplicated. `changes.counts`
        says how many were added and skipped, with the problems found."""
        notes, problems = notes_mod.parse_annotations(text)
        counts = self._store().import_notes(notes, problems)
        return Changes(counts={**counts, "problems": problems})


def _written(note: Note) -> Changes:
    return Changes(notes=frozenset({note.id}), note=note)


def _loose_pattern(quote: str) -> re.Pattern:
    norm = {"'": "['’‘]", "’": "['’‘]", "‘": "['’‘]", '"': '["“”]', "“": '["“”]',
            "”": '["“”]'}
    parts = ["".join(norm.get(ch, re.escape(ch)) for ch in word) for word in quote.split()]
    return re.compile(r"\s+".join(parts))
