"""Entities: the people, organisations, places… of the corpus, their mentions, and the user's
corrections (kept in the store, applied on top of every re-extraction)."""

from __future__ import annotations

import bisect
import dataclasses
import operator
import threading
from collections.abc import Callable
from itertools import chain, groupby

from reader.corpus import Catalog
from reader.domain import Changes, Entity, Mention, MentionContext, MentionContexts, Related
from reader.errors import BadInput, NotFound
from reader.extraction.lexicon import entity_type
from reader.services.derived import DerivedTables

_DOC = operator.attrgetter("doc")


def _IN_ARTICLE(m) -> tuple[bool, int]:  # noqa: N802 (a sort key, like _DOC)
    """A mention's place in its article: headline mentions first, then by offset."""
    return getattr(m, "field", "body") != "title", m.start


class EntityService:
    def __init__(self, catalog: Catalog, tables: DerivedTables, store: Callable,
                 reader: Callable):
        self._catalog = catalog
        self._tables = tables
        self._store = store
        self._reader = reader
        self._bodies: dict[str, str] = {}  # a few article bodies, for mention sentences
        self._bodies_lock = threading.Lock()
        self._order: tuple | None = None  # (catalogue generation, rank, articles): see
        # `_doc_order`

    # -- reads ---------------------------------------------------------------------------
    def list(self, doc: str | None = None, type: str | None = None,
             include_hidden: bool = False) -> list[Entity]:
        """Entities, most mentioned first (empty until the first index with extraction)."""
        table = self._tables.entities()
        if table is None:
            return []
        if doc is not None:
            self._catalog.info(doc)  # NotFound for an unknown article
        if type is not None:
            type = entity_type(type)
        return table.select(doc=doc, type=type, include_hidden=include_hidden)

    def get(self, ref: str) -> Entity:
        """An entity by id, name or alias. Raises NotFound."""
        table = self._tables.entities()
        found = table.find(ref) if table is not None else None
        if found is None:
            raise NotFound(f"No entity called '{ref}'. See `reader entities`.")
        return found

    def related(self, ref: str, limit: int = 10) -> list[Related]:
        """Co-occurring entities, best first, each with evidence sentences."""
        entity = self.get(ref)
        return self._tables.entities().related(entity.id, limit=limit)

    def doc_mentions(self, doc: str) -> list[tuple[Mention, Entity]]:
        """Every visible entity mention in one article, in text order."""
        table = self._tables.entities()
        return table.doc_mentions(doc) if table is not None else []

    def contexts(self, mentions) -> MentionContexts:
        """Each mention (anything with doc, start, end, text) with its article's title and
        date, ordered by date (undated last), article id, then offset; mentions of articles
        no longer listed are left out. Cheap for tens of thousands: the articles' order is
        kept per catalogue generation, so only an entity's articles are put in order (its
        mentions come grouped by article, as the entity table keeps them), and each
        MentionContext is made when read. No article is read (`fill_sentences` adds the
        sentences)."""
        rank, articles = self._doc_order()
        runs: dict[str, list] = {}
        for doc, run in groupby(mentions, _DOC):
            have = runs.get(doc)
            if have is None:
                runs[doc] = list(run)
            else:  # not grouped by article after all: still right, a little slower
                have.extend(run)
        for run in runs.values():
            if len(run) > 1:
                run.sort(key=_IN_ARTICLE)  # headline first, then by offset; stable and
                # quick on a run already in order
        ranked = sorted(filter(rank.__contains__, runs), key=rank.__getitem__)
        return MentionContexts(list(chain.from_iterable(map(runs.__getitem__, ranked))),
                               articles)

    def _doc_order(self) -> tuple[dict[str, int], dict[str, tuple[str, str]]]:
        """(article id -> rank by date (undated last) then id, article id -> (title,
        date)) for the catalogue's current generation."""
        generation = self._catalog.generation  # (read before the articles are)
        with self._bodies_lock:
            kept = self._order
        if kept is not None and kept[0] == generation:
            return kept[1], kept[2]
        infos = self._catalog.infos() or self._catalog.refresh()
        infos = sorted(infos, key=lambda i: (i.date == "", i.date, i.id))
        rank = {info.id: n for n, info in enumerate(infos)}
        articles = {info.id: (info.title, info.date) for info in infos}
        with self._bodies_lock:
            self._order = (generation, rank, articles)
        return rank, articles

    def fill_sentences(self, contexts) -> list[MentionContext]:
        """The same contexts with `sentence` and `sentence_start` read from their articles
        (blocking: the UI runs it in a task)."""
        out = []
        for c in contexts:
            if c.field == "title":  # a headline mention: the title is its sentence
                out.append(dataclasses.replace(c, sentence=c.title, sentence_start=0))
                continue
            s0, sentence = self.sentence_at(c.doc, c.start, c.end)
            out.append(dataclasses.replace(c, sentence=sentence, sentence_start=s0))
        return out

    def sentence_at(self, doc: str, start: int, end: int) -> tuple[int, str]:
        """(sentence start, sentence text) around body[start:end] of `doc`; the paragraph when
        the article has no NLP analysis yet."""
        table = self._tables.entities()
        try:
            body = self._body(doc)
        except NotFound:
            return start, ""
        s0, s1 = _sentence_around(table.sentences(doc) if table else [], start, end, body)
        return s0, body[s0:s1]

    def _body(self, doc: str) -> str:
        with self._bodies_lock:
            body = self._bodies.get(doc)
        if body is None:
            body = self._catalog.load(doc).body
            with self._bodies_lock:
                if len(self._bodies) > 512:
                    self._bodies.clear()
                self._bodies[doc] = body
        return body

    def edits(self) -> list[dict]:
        """The user's corrections, oldest first."""
        return self._reader().entity_edits()

    def matching(self, type: str | None = None, below: int | None = None) -> list[Entity]:
        """The visible entities of `type` (any when None) with fewer than `below` mentions
        (any count when None), most mentioned first: what `hide_where` would hide."""
        if below is not None and below < 1:
            raise BadInput(f"'below' must be a number of mentions of at least 1, not {below}")
        return [e for e in self.list(type=type) if below is None or e.count < below]

    # -- writes --------------------------------------------------------------------------
    def edit(self, edit: dict) -> Changes:
        """Store one correction (merge, rename, retype, hide, unhide, split, or a "batch" of
        them: one undo step); entities are named by id, name or alias. Raises
        BadInput/NotFound."""
        from reader.extraction.overlay import BATCH, validate_edit

        if isinstance(edit, dict) and edit.get("op") == BATCH \
                and isinstance(edit.get("edits"), list):
            edit = {"op": BATCH, "edits": [self._typed(e) for e in edit["edits"]]}
        edit = validate_edit(self._typed(edit))
        if edit["op"] == BATCH:
            for single in edit["edits"]:
                self._resolve(single)
        else:
            self._resolve(edit)
        self._store().add_entity_edit(edit)
        self._tables.invalidate(edits=True)
        return Changes(entities=True, edit=edit)

    def edit_many(self, edits: list[dict]) -> Changes:
        """Several corrections as one: stored as one "batch" edit, so one undo takes them
        all back, and the entity table is rebuilt once, not once per edit. Raises
        BadInput/NotFound (nothing is stored then)."""
        edits = list(edits)
        if not edits:
            raise BadInput("No entities were chosen.")
        return self.edit(edits[0] if len(edits) == 1 else {"op": "batch", "edits": edits})

    def merge_many(self, sources, target: str) -> Changes:
        """Merge every entity of `sources` into `target` (one undo step)."""
        target_id = self.get(target).id
        source_ids = list(dict.fromkeys(self.get(s).id for s in sources))
        if target_id in source_ids:
            raise BadInput("An entity cannot be merged into itself.")
        return self.edit_many({"op": "merge", "source": s, "target": target_id}
                              for s in source_ids)

    def hide_many(self, refs, unhide: bool = False) -> Changes:
        """Hide (or show again) every entity of `refs` (one undo step)."""
        op = "unhide" if unhide else "hide"
        ids = dict.fromkeys(self.get(ref).id for ref in refs)
        return self.edit_many({"op": op, "entity": i} for i in ids)

    def hide_where(self, type: str | None = None, below: int | None = None) -> Changes:
        """Hide every entity `matching(type, below)` (one undo step). Raises BadInput when
        neither is given or nothing matches."""
        if type is None and below is None:
            raise BadInput("Say which entities to hide: a type, a number of mentions, or both.")
        found = self.matching(type, below)
        if not found:
            raise BadInput("No entity matches: nothing was hidden.")
        return self.hide_many(e.id for e in found)

    def _typed(self, edit):
        if isinstance(edit, dict) and isinstance(edit.get("type"), str):
            return {**edit, "type": entity_type(edit["type"].strip())}
        return edit

    def _resolve(self, edit: dict) -> None:
        """Name the entities of a valid single edit by id (in place). Raises NotFound,
        BadInput for a merge into itself."""
        for key in ("entity", "source", "target"):
            if key in edit:
                edit[key] = self.get(edit[key]).id
        if edit["op"] == "merge" and edit["source"] == edit["target"]:
            raise BadInput("An entity cannot be merged into itself.")

    def undo(self) -> Changes:
        """Take back the last correction (`changes.edit` is None when there was none)."""
        edit = self._store().undo_entity_edit()
        if edit is None:
            return Changes()
        self._tables.invalidate(edits=True)
        return Changes(entities=True, edit=edit)

    def clear_bodies(self) -> None:
        with self._bodies_lock:
            self._bodies.clear()


def _sentence_around(spans, start: int, end: int, body: str) -> tuple[int, int]:
    i = bisect.bisect_right([s for s, _ in spans], start) - 1
    if 0 <= i < len(spans) and spans[i][1] >= end:
        return spans[i]
    # No sentence spans (not analysed): the paragraph around the mention.
    s0 = body.rfind("\n", 0, start) + 1
    s1 = body.find("\n", end)
    return s0, len(body) if s1 < 0 else s1
