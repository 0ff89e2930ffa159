"""The one facade over reader's core: plain Python, blocking, no Qt.

The CLI and the UI talk only to `Library`; it wires the catalogue, the Whoosh index, the
extraction caches and the SQLite store together. Methods block: the UI calls them from its
task runner, never on the GUI thread (except cheap reads such as `articles()`).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from reader.corpus import Catalog
from reader.domain import Article, ArticleInfo, BadInput, ImportOutcome, NotFound, SearchResult
from reader.notes import Note
from reader.paths import Paths
from reader.search import IndexDoc, SearchIndex
from reader.search import validate as validate_query

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (stage, done, total)
Cancelled = Callable[[], bool]


@dataclass
class IndexReport:
    """What `Library.index` did; `messages` are for the user (e.g. a rebuilt index)."""

    total: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    analysed: int = 0  # articles that went through spaCy (0 when the cache was current)
    cancelled: bool = False
    messages: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return dict(self.__dict__)


class Library:
    """A corpus folder + the user's data dir. Open one per process."""

    def __init__(self, paths: Paths):
        self.paths = paths
        self.catalog = Catalog(paths)
        self.index_store = SearchIndex(paths.index_dir)
        self._store = None
        self._store_lock = threading.Lock()  # the UI's worker threads may open it at once

    @classmethod
    def open(cls, data_dir=None, corpus_dir=None) -> Library:
        return cls(Paths.resolve(data_dir, corpus_dir))

    def close(self) -> None:
        """Flush and close: the store takes its exit backup here."""
        self.index_store.close()
        if self._store is not None:
            self._store.close()
            self._store = None

    @property
    def store(self):
        """The user-data database (notes, entity edits, user policies), opened on first use.

        Its `recovery_message` says if it had to be restored or opened read-only."""
        with self._store_lock:
            if self._store is None:
                from reader.store import Store

                self._store = Store.open(self.paths.db_path)
        return self._store

    # -- articles ------------------------------------------------------------------------
    def articles(self) -> list[ArticleInfo]:
        """All articles (bundled + imported), newest first; cheap (cached catalogue)."""
        return self.catalog.refresh()

    def article(self, doc_id: str) -> Article:
        """The full clean article. Raises NotFound."""
        return self.catalog.load(doc_id)

    @property
    def problems(self) -> list[str]:
        """One line per corpus file that could not be read (after `articles()`)."""
        return list(self.catalog.problems)

    def import_paths(self, paths: list[str]) -> list[ImportOutcome]:
        """Copy files/folders into the data dir; one outcome per file; the batch never stops.

        Call `index()` afterwards to make the new articles searchable."""
        return self.catalog.import_paths(paths)

    # -- index and search ----------------------------------------------------------------
    def _doc_extras(self, doc_id: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(entity names, policy ids) of one article for the index."""
        return (), ()

    def index(self, rebuild: bool = False, progress: Progress | None = None,
              cancelled: Cancelled | None = None, nlp: bool = True) -> IndexReport:
        """Bring the Whoosh index up to date, re-processing only changed articles.

        Raises IndexBusy when another process is writing the index."""
        report = IndexReport()
        if rebuild:
            self.index_store.clear()
        infos = self.articles()
        report.total = len(infos)
        store = self.index_store
        stamps = store.stamps()
        if store.rebuilt_reason:
            report.messages.append(store.rebuilt_reason)
            store.rebuilt_reason = ""
        current = {i.id for i in infos}
        remove = [doc_id for doc_id in stamps if doc_id not in current]
        todo: list[tuple[ArticleInfo, str]] = []
        for info in infos:
            entities, policies = self._doc_extras(info.id)
            stamp = _stamp(info, entities, policies)
            if stamps.get(info.id) == stamp:
                report.unchanged += 1
            else:
                todo.append((info, stamp))
                if info.id in stamps:
                    report.updated += 1
                else:
                    report.added += 1
        report.removed = len(remove)

        def docs():
            for n, (info, stamp) in enumerate(todo, 1):
                if cancelled and cancelled():
                    report.cancelled = True
                    return
                art = self.article(info.id)
                entities, policies = self._doc_extras(info.id)
                yield IndexDoc(id=art.id, title=art.title, body=art.body, source=art.source,
                               author=art.author, date=art.date, entities=entities,
                               policies=policies, stamp=stamp)
                if progress:
                    progress("index", n, len(todo))

        if todo or remove:
            store.update(docs(), remove)
        return report

    def check_query(self, query: str) -> None:
        """Raise BadQuery when the query is malformed (cheap; no index needed)."""
        validate_query(query)

    def search(self, query: str, limit: int = 20, facets: bool = False) -> SearchResult:
        """Ranked hits with snippets. Raises BadQuery with a readable message."""
        return self.index_store.search(query, limit=limit, facets=facets)

    # -- notes ---------------------------------------------------------------------------

    def notes(self, doc: str | None = None, tag: str | None = None,
              include_trashed: bool = False) -> list[Note]:
        """Notes (oldest first), each re-anchored if its article's text has changed."""
        notes = self.store.list_notes(doc=doc, tag=tag, include_trashed=include_trashed)
        return [self._fresh(n) for n in notes]

    def orphans(self) -> list[Note]:
        """Notes whose quoted passage is no longer in their article (never dropped)."""
        return [n for n in self.notes() if n.orphan]

    def _fresh(self, note: Note) -> Note:
        from reader import notes as notes_mod

        try:
            info = self.catalog.info(note.doc)
        except NotFound:
            return note  # the article left the library: keep the note as it is
        if note.text_hash == info.text_hash:
            return note
        art = self.article(note.doc)
        fresh = notes_mod.refresh_anchor(note, art.body, art.text_hash)
        if not self.store.readonly:
            fresh = self.store.set_anchor(note.id, fresh.start, fresh.end, fresh.text_hash,
                                          fresh.orphan)
        return fresh

    def note(self, note_id: int) -> Note:
        return self._fresh(self.store.get_note(note_id))

    def add_note(self, doc: str, start: int | None = None, end: int | None = None,
                 body: str = "", tags=()) -> Note:
        """A note on body[start:end] of `doc`, or on the whole article when start is None."""
        from reader import notes as notes_mod

        art = self.article(doc)
        anchor = None
        if start is not None or end is not None:
            anchor = notes_mod.make_anchor(art.body, start, end)
        return self.store.add_note(doc, anchor, art.text_hash, body, tags)

    def add_note_by_quote(self, doc: str, quote: str, body: str = "", tags=()) -> Note:
        """Anchor by quoting the passage. Raises BadInput when it is not in the article."""
        art = self.article(doc)
        quote = quote.strip()
        if not quote:
            raise BadInput("The quote is empty.")
        start = art.body.find(quote)
        if start < 0:
            # Tolerate differences in white space and typographic quotes.
            pattern = _loose_pattern(quote)
            m = pattern.search(art.body)
            if not m:
                raise BadInput(f"The quote was not found in article '{doc}'. Copy it from "
                               f"`reader show {doc}`.")
            start, end = m.span()
        else:
            end = start + len(quote)
        return self.add_note(doc, start, end, body, tags)

    def update_note(self, note_id: int, body: str | None = None, tags=None) -> Note:
        return self.store.update_note(note_id, body=body, tags=tags)

    def trash_note(self, note_id: int) -> Note:
        return self.store.trash_note(note_id)

    def restore_note(self, note_id: int) -> Note:
        return self.store.restore_note(note_id)

    def search_notes(self, text: str) -> list[Note]:
        return self.store.search_notes(text)

    def note_tags(self) -> list[tuple[str, int]]:
        return self.store.tags()

    def render_markdown(self, text: str) -> str:
        """Sanitised HTML for a note body; [[Entity Name]] becomes an entity: link."""
        from reader import notes as notes_mod

        return notes_mod.render_markdown(text)

    def export_notes(self, fmt: str = "md") -> str:
        """All notes (not the trash) as Markdown with citations, or W3C annotation JSON."""
        from reader import notes as notes_mod

        notes = self.notes()
        if fmt == "md":
            infos = {i.id: i for i in self.articles()}
            return notes_mod.export_markdown(notes, infos)
        if fmt == "json":
            return notes_mod.export_json(notes)
        raise BadInput(f"Unknown export format '{fmt}' (use md or json).")

    def import_notes(self, text: str) -> dict:
        """Restore notes from a JSON export; known notes are not duplicated."""
        from reader import notes as notes_mod

        notes, problems = notes_mod.parse_annotations(text)
        counts = self.store.import_notes(notes)
        return {**counts, "problems": problems}

    # -- reading state -------------------------------------------------------------------
    def set_read(self, doc: str, read: bool = True) -> None:
        self.store.set_read(doc, read)

    def read_docs(self) -> set[str]:
        return self.store.read_docs()


def _loose_pattern(quote: str):
    import re

    norm = {"'": "['’‘]", "’": "['’‘]", "‘": "['’‘]", '"': '["“”]', "“": '["“”]',
            "”": '["“”]'}
    parts = []
    for word in quote.split():
        parts.append("".join(norm.get(ch, re.escape(ch)) for ch in word))
    return re.compile(r"\s+".join(parts))


def _stamp(info: ArticleInfo, entities, policies) -> str:
    h = hashlib.sha256()
    for part in (info.sha, info.text_hash, info.title, info.source, info.author, info.date,
                 "\x1e".join(entities), "\x1e".join(policies)):
        h.update(part.encode())
        h.update(b"\x1f")
    return h.hexdigest()[:20]


# ---------------------------------------------------------------------------------------
# Contract for the features being integrated (entities, policies, notes). The UI codes
# against these signatures; bodies land with each feature.
#
#   Library.entities(doc: str | None = None, type: str | None = None,
#                    include_hidden: bool = False) -> list[Entity]
#       Entity: .id .name .type ("Person"|"Organisation"|"Place"|"Date"|...) .aliases
#               .mentions (list[Mention(doc, start, end, text)]) .count .docs .hidden
#   Library.entity(entity_id: str) -> Entity                      (NotFound)
#   Library.mention_contexts(mentions: list[Mention]) -> list[MentionContext]
#       MentionContext: .doc .title .date .start .end .text .sentence .sentence_start
#       (mention inside the sentence at start - sentence_start), ordered by date then offset
#   Library.related(entity_id: str, limit: int = 10) -> list[Related(entity, score, evidence)]
#       evidence: list[MentionContext]-like sentences
#   Library.edit_entities(edit: dict) -> None   e.g. {"op": "merge", "source": id, "target": id}
#       ops: merge, rename(name), retype(type), hide, unhide, split(alias)
#   Library.undo_entity_edit() -> dict | None
#   Library.policies() -> list[Policy]
#       Policy: .id .label .description .docs .first_date .last_date .user (bool)
#               .mentions: list[PolicyMention(doc, start, end, text, actor, stance, date)]
#   Library.proposals() -> list[Proposal(doc, start, end, text, cue)]
#   Library.notes(doc: str | None = None, tag: str | None = None) -> list[Note]
#       Note: .id .doc .start .end .quote .body .tags .created .updated .orphan
#   Library.add_note(doc, start=None, end=None, body="", tags=()) -> Note
#   Library.update_note(note_id, body=None, tags=None) -> Note
#   Library.trash_note(note_id) / restore_note(note_id)
#   Library.render_markdown(md: str) -> str   (sanitised HTML; [[Entity]] -> entity: links)
#   Library.export_notes(fmt: "md" | "json") -> str
#   Library.set_read(doc, read=True) / Library.read_docs() -> set[str]
# ---------------------------------------------------------------------------------------
