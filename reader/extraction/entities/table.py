"""The entity table: extracted entities with the user's edits on top, its lookups and its
JSON cache."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from reader.domain import Entity, Mention, Related
from reader.errors import NotFound
from reader.extraction.entities.cooccurrence import Cooccurrence
from reader.extraction.names import slug, strip_titles
from reader.extraction.overlay import apply_edits

CACHE_FORMAT = 2  # 2: per-article results ("docs") for incremental builds


class EntityTable:
    """Extracted entities (kept as extracted) + the user's edits applied on top.

    `entities` holds every entity, hidden ones included, most mentioned first. Lookups
    (`for_doc`, `of_type`, `related`) leave hidden entities out unless asked."""

    def __init__(self, extracted: Sequence[Entity], sentences: dict[str, list[tuple[int, int]]],
                 edits: Sequence[dict] = (), fingerprint: str = "", rules: str = "",
                 docs: Mapping[str, dict] | None = None):
        self._extracted = list(extracted)
        self._sentences = sentences
        self.fingerprint = fingerprint
        # What `build_entities(previous=...)` reuses: the rules' digest and each article's
        # own results, JSON-ready (opaque here; reader.extraction.entities.build owns them).
        self.rules = rules
        self._docs = dict(docs or {})
        self.edits = [dict(e) for e in edits]
        entities, self._redirects, self.skipped = apply_edits(self._extracted, self.edits)
        self.entities: list[Entity] = sorted(
            entities, key=lambda e: (-e.count, e.name.lower(), e.id))
        self._by_id = {e.id: e for e in self.entities}
        self._lookup: dict[str, list[Entity]] | None = None
        self._cooc: Cooccurrence | None = None

    def __len__(self) -> int:
        return len(self.entities)

    def with_edits(self, edits: Sequence[dict]) -> EntityTable:
        """The same extraction under another edit list (cheap: no NLP, no rules re-run).
        Undo is `with_edits(edits[:-1])`."""
        return EntityTable(self._extracted, self._sentences, edits, self.fingerprint,
                           self.rules, self._docs)

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
            self._lookup = defaultdict(list)
            for e in self.entities:  # most mentioned first
                for n in (e.name, *e.aliases):
                    self._lookup[slug(n)].append(e)
        hits = self._lookup.get(slug(name))
        if not hits:
            core = strip_titles(" ".join(name.split()))
            hits = self._lookup.get(slug(core)) if core else None
        if not hits:
            return None
        exact = [e for e in hits if slug(e.name) == slug(name)]
        return (exact or hits)[0]

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
        """Every mention in one article with its entity, in text order (for highlighting)."""
        out = [(m, e) for e in self.entities if include_hidden or not e.hidden
               for m in e.mentions if m.doc == doc_id]
        out.sort(key=lambda pair: (pair[0].start, pair[0].end))
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
        """JSON-able extraction (edits are not included: they live in the user's store)."""
        return {
            "format": CACHE_FORMAT,
            "fingerprint": self.fingerprint,
            "entities": [
                {"id": e.id, "name": e.name, "type": e.type, "aliases": list(e.aliases),
                 "mentions": [[m.doc, m.start, m.end, m.text, m.form] for m in e.mentions]}
                for e in self._extracted
            ],
            "sentences": {doc: [list(s) for s in spans]
                          for doc, spans in self._sentences.items()},
            "rules": self.rules,
            "docs": self._docs,
        }

    @classmethod
    def from_cache(cls, data: dict, edits: Sequence[dict] = ()) -> EntityTable:
        """Rebuild a table from `to_cache()` output.

        Raises:
            ValueError: the data is not a cache of this format (rebuild it)."""
        try:
            if data.get("format") != CACHE_FORMAT:
                raise ValueError(f"entity cache format {data.get('format')!r} is not "
                                 f"{CACHE_FORMAT}")
            entities = [
                Entity(id=e["id"], name=e["name"], type=e["type"],
                       aliases=tuple(e["aliases"]),
                       mentions=tuple(Mention(d, int(s), int(t), x, f)
                                      for d, s, t, x, f in e["mentions"]))
                for e in data["entities"]
            ]
            sentences = {doc: [(int(s), int(t)) for s, t in spans]
                         for doc, spans in data["sentences"].items()}
            docs = data.get("docs") or {}
            if not isinstance(docs, dict):
                raise TypeError("docs is not a mapping")
            return cls(entities, sentences, edits, str(data.get("fingerprint", "")),
                       str(data.get("rules", "")), docs)
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"entity cache is unreadable: {exc!r}") from exc
