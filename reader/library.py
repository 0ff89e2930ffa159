"""The one facade over reader's core: plain Python, blocking, no Qt.

The CLI and the UI talk only to `Library`; it wires the catalogue, the Whoosh index, the
extraction caches and the SQLite store together. Methods block: the UI calls them from its
task runner, never on the GUI thread (except cheap reads such as `articles()`).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from reader.corpus import Catalog
from reader.domain import Article, ArticleInfo, ImportOutcome, SearchResult
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

    @classmethod
    def open(cls, data_dir=None, corpus_dir=None) -> Library:
        return cls(Paths.resolve(data_dir, corpus_dir))

    def close(self) -> None:
        self.index_store.close()

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
