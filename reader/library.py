"""The one facade over reader's core: plain Python, blocking, no Qt.

The CLI and the UI talk only to `Library`; it wires the catalogue, the Whoosh index, the
extraction caches and the SQLite store together. Methods block: the UI calls them from its
task runner, never on the GUI thread (except cheap reads such as `articles()`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import threading
from collections.abc import Callable

from reader.corpus import Catalog
from reader.domain import (
    Article,
    ArticleInfo,
    ImportOutcome,
    IndexReport,
    MentionContext,
    Note,
    SearchResult,
)
from reader.errors import BadInput, IndexBusy, NotFound
from reader.paths import Paths
from reader.search import IndexDoc, SearchIndex
from reader.search import validate as validate_query
from reader.textutil import atomic_write, slug

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (stage, done, total)
Cancelled = Callable[[], bool]


class Library:
    """A corpus folder + the user's data dir. Open one per process."""

    def __init__(self, paths: Paths):
        self.paths = paths
        self.catalog = Catalog(paths)
        self.index_store = SearchIndex(paths.index_dir)
        self._store = None
        self._entities = None  # EntityTable with the current edits, loaded lazily
        self._entity_cache_raw: dict | None = None
        self._doc_entity_names: dict[str, tuple[str, ...]] | None = None
        self._policies = None  # PolicyTable, loaded lazily
        self._doc_policy_ids: dict[str, tuple[str, ...]] | None = None
        self._bodies: dict[str, Article] = {}  # small cache for mention sentences
        self._bodies_lock = threading.Lock()
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
        self._invalidate_extraction()
        self._bodies.clear()

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
        if self._doc_entity_names is None:
            names: dict[str, set[str]] = {}
            table = self._entity_table(build=True)
            for e in table.entities if table is not None else ():
                if e.hidden:
                    continue
                for doc in e.docs:
                    names.setdefault(doc, set()).add(e.name)
            self._doc_entity_names = {d: tuple(sorted(n)) for d, n in names.items()}
        if self._doc_policy_ids is None:
            ids: dict[str, set[str]] = {}
            table = self._policy_table(build=True)
            for p in table.policies if table is not None else ():
                for doc in p.docs:
                    ids.setdefault(doc, set()).add(p.id)
            self._doc_policy_ids = {d: tuple(sorted(i)) for d, i in ids.items()}
        return (self._doc_entity_names.get(doc_id, ()), self._doc_policy_ids.get(doc_id, ()))

    def _analyse(self, infos: list[ArticleInfo], progress: Progress | None,
                 cancelled: Cancelled | None) -> int:
        """Run spaCy on the articles whose text is not in the NLP cache; how many it ran on.
        Imports spaCy only when something is missing."""
        from reader.extraction import nlp

        missing = [i for i in infos if not nlp.is_cached_hash(self.paths.cache_dir, i.text_hash)]
        if not missing:
            return 0
        arts = (self.article(i.id) for i in missing)  # read one by one, never all held
        done = nlp.analyse(arts, self.paths.cache_dir,
                           progress=(lambda d, t: progress("extract", d, t)) if progress else None,
                           cancelled=cancelled, total=len(missing))
        self._invalidate_extraction()
        return len(done)

    def _invalidate_extraction(self) -> None:
        self._entities = None
        self._entity_cache_raw = None
        self._doc_entity_names = None
        self._policies = None
        self._doc_policy_ids = None

    def index(self, rebuild: bool = False, progress: Progress | None = None,
              cancelled: Cancelled | None = None, nlp: bool = True) -> IndexReport:
        """Bring the Whoosh index up to date, re-processing only changed articles.

        Raises IndexBusy when another process is writing the index."""
        report = IndexReport()
        if rebuild:
            self.index_store.clear()
        infos = self.articles()
        report.total = len(infos)
        if nlp:
            report.analysed = self._analyse(infos, progress, cancelled)
            if cancelled and cancelled():
                report.cancelled = True
                return report
            self._entity_table(build=True)
            self._policy_table(build=True)
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

    # -- entities ------------------------------------------------------------------------
    def _entity_table(self, build: bool = True):
        """The EntityTable with the user's edits, from the cache when it is current.

        With `build`, a stale cache is rebuilt from the NLP cache (no spaCy); without, a
        stale or missing cache gives None. Articles not analysed yet are left out."""
        if self._entities is not None:
            return self._entities
        from reader.extraction import entities as ent

        infos = self.catalog.infos() or self.articles()
        fp = ent.fingerprint(infos, self.paths.resources_dir)
        cache_file = self.paths.cache_dir / "entities.json"
        edits = self.store.entity_edits()
        raw = self._entity_cache_raw
        if raw is None:
            try:
                raw = json.loads(cache_file.read_text(encoding="utf-8"))
            except FileNotFoundError:
                raw = None
            except (OSError, ValueError) as exc:
                log.warning("Entity cache unreadable (%s); rebuilding it", exc)
                raw = None
        table = None
        if raw is not None and raw.get("fingerprint") == fp:
            try:
                table = ent.EntityTable.from_cache(raw, edits)
            except ValueError as exc:
                log.warning("%s; rebuilding it", exc)
        if table is None:
            if not build:
                return None
            from reader.extraction import nlp

            # Article by article: never every article or every analysis in memory at once.
            analyses = nlp.CachedAnalyses(self.paths.cache_dir,
                                          {i.id: i.text_hash for i in infos})
            arts = (self.article(i.id) for i in infos if i.id in analyses)
            table = ent.build_entities(arts, analyses, self.paths.resources_dir, edits)
            raw = table.to_cache()
            if table.fingerprint == fp:  # only a complete extraction is worth caching
                _write_json(cache_file, raw)
        self._entity_cache_raw = raw
        self._entities = table
        return table

    def is_extracted(self) -> bool:
        """True when every article's entities are extracted and cached (no NLP needed)."""
        return self._entity_table(build=False) is not None

    def entities(self, doc: str | None = None, type: str | None = None,
                 include_hidden: bool = False) -> list:
        """Entities, most mentioned first (empty until `index()` has run extraction)."""
        table = self._entity_table(build=True)
        if table is None:
            return []
        if doc is not None:
            self.catalog.info(doc)  # NotFound for an unknown article
        if type is not None:
            type = _entity_type(type)
        return table.select(doc=doc, type=type, include_hidden=include_hidden)

    def entity(self, ref: str):
        """An entity by id, name or alias. Raises NotFound."""
        table = self._entity_table(build=True)
        found = table.find(ref) if table is not None else None
        if found is None:
            raise NotFound(f"No entity called '{ref}'. See `reader entities`.")
        return found

    def related(self, ref: str, limit: int = 10) -> list:
        """Co-occurring entities, best first, each with evidence sentences."""
        entity = self.entity(ref)
        return self._entity_table().related(entity.id, limit=limit)

    def doc_mentions(self, doc: str) -> list:
        """Every visible entity mention in one article, in text order: [(Mention, Entity)]."""
        table = self._entity_table(build=True)
        return table.doc_mentions(doc) if table is not None else []

    def mention_contexts(self, mentions) -> list[MentionContext]:
        """Each mention with its article's title/date, ordered by article date (undated last)
        then offset. Cheap for thousands of mentions: no article is read; `fill_sentences`
        adds the sentences (for the rows a view shows, or all of them in a task)."""
        out = []
        for m in mentions:
            try:
                info = self.catalog.info(m.doc)
            except NotFound:
                continue
            out.append(MentionContext(doc=m.doc, title=info.title, date=info.date,
                                      start=m.start, end=m.end, text=m.text))
        out.sort(key=lambda c: (c.date == "", c.date, c.doc, c.start))
        return out

    def fill_sentences(self, contexts) -> list[MentionContext]:
        """The same contexts with `sentence` and `sentence_start` read from their articles."""
        out = []
        for c in contexts:
            s0, sentence = self.sentence_at(c.doc, c.start, c.end)
            out.append(dataclasses.replace(c, sentence=sentence, sentence_start=s0))
        return out

    def sentence_at(self, doc: str, start: int, end: int) -> tuple[int, str]:
        """(sentence start, sentence text) around body[start:end] of `doc`; the paragraph when
        the article has no NLP analysis yet."""
        table = self._entity_table(build=True)
        try:
            body = self._body(doc)
        except NotFound:
            return start, ""
        s0, s1 = _sentence_around(table.sentences(doc) if table else [], start, end, body)
        return s0, body[s0:s1]

    def _body(self, doc: str) -> str:
        with self._bodies_lock:
            art = self._bodies.get(doc)
        if art is None:
            art = self.article(doc)
            with self._bodies_lock:
                if len(self._bodies) > 512:
                    self._bodies.clear()
                self._bodies[doc] = art
        return art.body

    def edit_entities(self, edit: dict) -> None:
        """Store one correction (merge, rename, retype, hide, unhide, split) and apply it:
        the table, and the index's entity field, are updated. Raises BadInput/NotFound."""
        from reader.extraction.overlay import validate_edit

        edit = validate_edit(edit)
        for key in ("entity", "source", "target"):
            if key in edit:
                edit[key] = self.entity(edit[key]).id
        if edit["op"] == "merge" and edit["source"] == edit["target"]:
            raise BadInput("An entity cannot be merged into itself.")
        self.store.add_entity_edit(edit)
        self._after_edit()

    def undo_entity_edit(self) -> dict | None:
        """Take back the last correction; returns it (None when there was nothing to undo)."""
        edit = self.store.undo_entity_edit()
        if edit is not None:
            self._after_edit()
        return edit

    def entity_edits(self) -> list[dict]:
        return self.store.entity_edits()

    def _after_edit(self) -> None:
        self._entities = None
        self._doc_entity_names = None
        self._policies = None  # actors are re-resolved against the corrected entities
        self._doc_policy_ids = None
        try:
            self.index(nlp=False)
        except IndexBusy:
            log.warning("Index busy: entity filters refresh on the next index")

    # -- policies ------------------------------------------------------------------------
    def _user_policies(self) -> list[dict]:
        """The user's policies in the codebook's shape, ids "user-<slug>" (stable)."""
        from reader.extraction.policies import validate_policies

        out, taken = [], set()
        for row in self.store.user_policies():
            base = "user-" + (slug(row["label"]) or str(row["id"]))
            pid = base if base not in taken else f"{base}-{row['id']}"
            taken.add(pid)
            try:
                out += validate_policies([{"id": pid, "label": row["label"],
                                           "description": row["description"],
                                           "patterns": row["patterns"]}])
            except BadInput as exc:
                log.warning("Skipping user policy %s: %s", row["label"], exc)
                continue
            out[-1]["store_id"] = row["id"]
        return out

    def _policy_table(self, build: bool = True):
        """The PolicyTable (codebook + user policies), from the cache when it is current."""
        if self._policies is not None:
            return self._policies
        from reader.extraction import policies as pol

        codebook = pol.load_codebook(self.paths.resources_dir / "codebook.toml")
        user = [{k: v for k, v in p.items() if k != "store_id"} for p in self._user_policies()]
        infos = self.catalog.infos() or self.articles()
        fp = pol.fingerprint(infos, codebook, user)
        cache_file = self.paths.cache_dir / "policies.json"
        entities = self._entity_table(build=build)

        def resolve(name: str):
            found = entities.find(name) if entities is not None else None
            return found.id if found is not None else None

        table = raw = None
        try:
            raw = json.loads(cache_file.read_text(encoding="utf-8"))
            if raw.get("fingerprint") == fp:
                table = pol.PolicyTable.from_cache(raw, resolve)
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as exc:
            log.warning("Policy cache unreadable (%s); rebuilding it", exc)
        if table is None:
            if not build:
                return None
            from reader.extraction import nlp

            analyses = nlp.CachedAnalyses(self.paths.cache_dir,
                                          {i.id: i.text_hash for i in infos})
            # Unchanged articles keep their results from the stale cache (`previous`) and
            # are never loaded; the others are loaded one at a time (`load`).
            table = pol.build_policies(infos, analyses, codebook, user, resolve,
                                       previous=raw if isinstance(raw, dict) else None,
                                       load=self.article)
            if len(analyses) == len(infos):  # only a complete extraction is worth caching
                _write_json(cache_file, {**table.to_cache(), "fingerprint": fp})
        self._policies = table
        return table

    def policies(self) -> list:
        """Codebook and user policies with their mentions (empty until extraction ran)."""
        table = self._policy_table(build=True)
        return table.policies if table is not None else []

    def policy(self, ref: str):
        """A policy by id or label (case-insensitive). Raises NotFound."""
        table = self._policy_table(build=True)
        for p in table.policies if table is not None else ():
            if ref in (p.id,) or ref.lower() in (p.id.lower(), p.label.lower()):
                return p
        raise NotFound(f"No policy '{ref}'. See `reader policies`.")

    def policy_timeline(self, ref: str):
        """(dated mentions in date order, undated mentions) of one policy."""
        policy = self.policy(ref)
        return self._policy_table().timeline(policy.id)

    def proposals(self, doc: str | None = None) -> list:
        """Sentences that propose something no policy covers ("unfiled proposals")."""
        table = self._policy_table(build=True)
        if table is None:
            return []
        return table.proposals_for(doc) if doc else list(table.proposals)

    def add_policy(self, label: str, patterns: list[str], description: str = ""):
        """A user policy, matched like the codebook's; kept in the user's store so it survives
        re-indexing. Raises BadInput for an empty label or a malformed pattern."""
        from reader.extraction.policies import validate_policies

        taken = {p.id for p in self.policies()}
        pid = "user-" + (slug(label) or "policy")
        if pid in taken:
            raise BadInput(f"There is already a policy '{label}'.")
        validate_policies([{"id": pid, "label": label, "description": description,
                            "patterns": list(patterns)}])
        self.store.add_user_policy(label, patterns, description)
        self._after_policy_change()
        return self.policy(pid)

    def remove_policy(self, ref: str) -> None:
        """Delete a user policy (codebook policies are edited in resources/codebook.toml)."""
        policy = self.policy(ref)
        if not policy.user:
            raise BadInput(f"'{policy.label}' comes from the codebook; only your own policies "
                           "can be removed.")
        for p in self._user_policies():
            if p["id"] == policy.id:
                self.store.delete_user_policy(p["store_id"])
        self._after_policy_change()

    def _after_policy_change(self) -> None:
        self._policies = None
        self._doc_policy_ids = None
        try:
            self.index(nlp=False)
        except IndexBusy:
            log.warning("Index busy: policy filters refresh on the next index")

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


def _sentence_around(spans, start: int, end: int, body: str) -> tuple[int, int]:
    import bisect

    i = bisect.bisect_right([s for s, _ in spans], start) - 1
    if 0 <= i < len(spans) and spans[i][1] >= end:
        return spans[i]
    # No sentence spans (not analysed): the paragraph around the mention.
    s0 = body.rfind("\n", 0, start) + 1
    s1 = body.find("\n", end)
    return s0, len(body) if s1 < 0 else s1


def _entity_type(name: str) -> str:
    from reader.extraction.names import TYPES

    by_lower = {t.lower(): t for t in TYPES}
    by_lower.update({"organization": "Organisation", "org": "Organisation", "gpe": "Place",
                     "location": "Place", "people": "Person"})
    try:
        return by_lower[name.lower()]
    except KeyError:
        raise BadInput(f"Unknown entity type '{name}' (use one of: {', '.join(TYPES)})") \
            from None




def _write_json(path, data) -> None:
    try:
        atomic_write(path, json.dumps(data, separators=(",", ":")))
    except OSError as exc:  # derived data: a read-only data dir just recomputes it
        log.info("Could not write %s: %s", path, exc)


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
