"""The entity table: extracted entities with the user's edits on top, its lookups and its
cache (two packed blobs, the table and the state the next build reuses, which
services.derived keeps in files beside the cache's JSON)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import starmap
from operator import attrgetter

from reader.domain import Entity, Mention, Related, fast_entity, fast_mention
from reader.errors import NotFound
from reader.extraction.entities.cooccurrence import Cooccurrence
from reader.extraction.entities.state import gc_paused, pack, unpack
from reader.extraction.names import slug, strip_titles
from reader.extraction.overlay import apply_edits

CACHE_FORMAT = 5  # 2: per-article results for incremental builds; 3: packed, scans' memo;
# 4: each article's results marshalled apart (reused ones are not packed again); 5: bytes
# (marshal, no base64), kept beside the JSON


class EntityTable:
    """Extracted entities (kept as extracted) + the user's edits applied on top.

    `entities` holds every entity, hidden ones included, most mentioned first. Lookups
    (`for_doc`, `of_type`, `related`) leave hidden entities out unless asked."""

    def __init__(self, extracted: Sequence[Entity], sentences: dict[str, list[tuple[int, int]]],
                 edits: Sequence[dict] = (), fingerprint: str = "", rules: str = "",
                 state: Mapping | None = None, rows: Sequence[tuple] | None = None):
        self._extracted = list(extracted)
        self._rows = rows  # `extracted` as `row` gives them, when the builder has them
        self._sentences = sentences
        self.fingerprint = fingerprint
        # What `build_entities(previous=...)` reuses: the rules' digest, each article's own
        # results and the scans' memo (opaque here; reader.extraction.entities.state owns
        # them), or the packed bytes as read from a cache.
        self.rules = rules
        self._state = state if state is not None else {}
        self.edits = [dict(e) for e in edits]
        if self.edits:
            entities, self._redirects, self.skipped = apply_edits(self._extracted, self.edits)
            self._by_id = {e.id: e for e in entities}
        else:  # apply_edits' answer to no edit, quicker (the last entity of an id wins)
            self._by_id = {e.id: e for e in self._extracted}
            entities, self._redirects, self.skipped = self._by_id.values(), {}, []
        self.entities: list[Entity] = sorted(
            entities, key=lambda e: (-len(e.mentions), e.name.lower(), e.id))
        self._lookup: tuple[dict[str, Entity], dict[str, Entity]] | None = None
        self._cooc: Cooccurrence | None = None

    def __len__(self) -> int:
        return len(self.entities)

    def with_edits(self, edits: Sequence[dict]) -> EntityTable:
        """The same extraction under another edit list (cheap: no NLP, no rules re-run).
        Undo is `with_edits(edits[:-1])`."""
        return EntityTable(self._extracted, self._sentences, edits, self.fingerprint,
                           self.rules, self._state, self._rows)

    @property
    def extracted(self) -> list[Entity]:
        """The entities before any user edit."""
        return list(self._extracted)

    def get(self, entity_id: str) -> Entity:
        """By id; an id merged away by an edit leads to the entity it went into.

        Raises:
            NotFound: no such entity."""
        seen = set()
        while entity_id in self._redirects and entity_id not in seen:
            seen.add(entity_id)
            entity_id = self._redirects[entity_id]
        try:
            return self._by_id[entity_id]
        except KeyError:
            raise NotFound(f"No entity with id '{entity_id}'") from None

    def find(self, name: str) -> Entity | None:
        """By id, name or alias (case, punctuation and titles ignored); the most mentioned
        entity when several share the alias; None when nothing matches."""
        try:
            return self.get(name)
        except NotFound:
            pass
        if self._lookup is None:
            # By key (slug): the first entity (most mentioned) so named, and the first so
            # named or aliased. Walked backwards: the last one written to a key stays.
            named: dict[str, Entity] = {}
            either: dict[str, Entity] = {}
            for e in reversed(self.entities):
                for n in e.aliases:
                    either[slug(n)] = e
                k = slug(e.name)
                named[k] = either[k] = e
            self._lookup = named, either
        named, either = self._lookup
        key = slug(name)
        if key in either:
            return named.get(key, either[key])
        # Only with no entity so named: none is named `key` under the name without titles
        core = strip_titles(" ".join(name.split()))
        return either.get(slug(core)) if core else None

    def select(self, doc: str | None = None, type: str | None = None,
               include_hidden: bool = False) -> list[Entity]:
        """Entities, most mentioned first, optionally only those in article `doc` and/or of
        `type`."""
        out = []
        for e in self.entities:
            if e.hidden and not include_hidden:
                continue
            if type is not None and e.type != type:
                continue
            if doc is not None and not any(m.doc == doc for m in e.mentions):
                continue
            out.append(e)
        return out

    def for_doc(self, doc_id: str, include_hidden: bool = False) -> list[Entity]:
        return self.select(doc=doc_id, include_hidden=include_hidden)

    def of_type(self, type_: str, include_hidden: bool = False) -> list[Entity]:
        return self.select(type=type_, include_hidden=include_hidden)

    def doc_mentions(self, doc_id: str, include_hidden: bool = False
                     ) -> list[tuple[Mention, Entity]]:
        """Every mention in one article with its entity, in text order, the headline's
        first (for highlighting: a mention's `field` says which text its offsets index)."""
        out = [(m, e) for e in self.entities if include_hidden or not e.hidden
               for m in e.mentions if m.doc == doc_id]
        out.sort(key=lambda pair: (pair[0].field != "title", pair[0].start, pair[0].end))
        return out

    def sentences(self, doc_id: str) -> list[tuple[int, int]]:
        """Sentence spans of an article's body (what evidence offsets point to)."""
        return list(self._sentences.get(doc_id, ()))

    def related(self, entity_id: str, limit: int = 10, evidence_limit: int = 5
                ) -> list[Related]:
        """Entities that co-occur with `entity_id`, best first.

        Raises:
            NotFound: no such entity."""
        entity = self.get(entity_id)
        if self._cooc is None:
            self._cooc = Cooccurrence(self.entities, self._sentences, self.get)
        return self._cooc.related(entity, limit, evidence_limit)

    # -- cache --------------------------------------------------------------------------------
    def to_cache(self) -> dict:
        """The extraction as a cache (edits are not included: they live in the user's
        store): JSON-able but for two bytes values (services.derived.dump_cache). "table" is
        what `from_cache` reads; "state" only what the next build reuses, so neither
        start-up nor an incremental build decodes the other's part."""
        with gc_paused():
            rows = self._rows if self._rows is not None else map(row, self._extracted)
            table = (tuple(rows),
                     {doc: tuple(spans) for doc, spans in self._sentences.items()})
            state = self._state if isinstance(self._state, bytes) else pack(self._state)
            self._state = state  # packed from now on: its objects freed (the app keeps tables)
        return {"format": CACHE_FORMAT, "fingerprint": self.fingerprint, "rules": self.rules,
                "table": pack(table), "state": state}

    @classmethod
    def from_cache(cls, data: dict, edits: Sequence[dict] = ()) -> EntityTable:
        """Rebuild a table from `to_cache()` output.

        Raises:
            ValueError: the data is not a cache of this format (rebuild it)."""
        try:
            if data.get("format") != CACHE_FORMAT:
                raise ValueError(f"entity cache format {data.get('format')!r} is not "
                                 f"{CACHE_FORMAT}")
            with gc_paused():
                extracted, sentences = unpack(data["table"])
                entities = list(map(unrow, extracted))
                sentences = {doc: [tuple(s) for s in spans]
                             for doc, spans in sentences.items()}
            state = data.get("state", b"")  # left out when its file was damaged: no state
            if not isinstance(state, bytes):
                raise TypeError("state is not packed bytes")
            return cls(entities, sentences, edits, str(data.get("fingerprint", "")),
                       str(data.get("rules", "")), state)
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise ValueError(f"entity cache is unreadable: {exc!r}") from exc


_FIELDS = attrgetter("doc", "start", "end", "text", "form")


def row(e: Entity) -> tuple:
    """An extracted entity as the cache keeps it (`to_cache`, `from_cache`)."""
    return (e.id, e.name, e.type, tuple(e.aliases),
            tuple(_FIELDS(m) if m.field == "body" else (*_FIELDS(m), m.field)
                  for m in e.mentions))


def unrow(r: tuple) -> Entity:
    """`row`'s inverse (quick: thousands at every start and incremental build)."""
    id_, name, type_, aliases, mentions = r
    return fast_entity(id_, name, type_, tuple(aliases), tuple(starmap(fast_mention, mentions)))
