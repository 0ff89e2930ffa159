"""User corrections to extracted entities: a pure function from (entities, edit list) to
corrected entities, re-applied after every re-extraction.

Edits name entities by stable id ("person:michael-gove", derived from type + canonical name)
or by name/alias, so they survive re-extraction: an id whose entity has since been renamed
by the rules still resolves through the entity's aliases, and an edit whose entity no longer
exists is skipped with a log line, never an error. Undo is "apply the list minus its last
edit": nothing here mutates its input.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import replace

from reader.domain import Entity
from reader.errors import BadInput
from reader.extraction.lexicon import TYPES, entity_type
from reader.textutil import slug

log = logging.getLogger(__name__)

# op -> the keys it needs (besides "op")
OPS: dict[str, tuple[str, ...]] = {
    "merge": ("source", "target"),
    "rename": ("entity", "name"),
    "retype": ("entity", "type"),
    "hide": ("entity",),
    "unhide": ("entity",),
    "split": ("entity", "alias"),
}
BATCH = "batch"  # {"op": "batch", "edits": [edit, ...]}: several edits, one undo step


def validate_edit(edit: dict) -> dict:
    """The edit with only its known keys, stripped strings and a canonical type spelling
    ("org", "organization" -> "Organisation": `lexicon.entity_type`).

    Raises:
        BadInput: unknown op, a missing or empty key, or an unknown type (the message says
        what is expected). Call this before storing an edit; `apply_edits` also skips
        malformed edits (with a log line) so a bad stored edit never breaks start-up.
    """
    if not isinstance(edit, dict):
        raise BadInput(f"An entity edit must be a mapping, not {type(edit).__name__}")
    op = edit.get("op")
    if op == BATCH:
        return _validate_batch(edit)
    if op not in OPS:
        raise BadInput(f"Unknown entity edit op {op!r} (use one of: {', '.join(OPS)})")
    out: dict = {"op": op}
    for key in OPS[op]:
        value = edit.get(key)
        if not isinstance(value, str) or not value.strip():
            raise BadInput(f"Entity edit '{op}' needs a non-empty '{key}'")
        out[key] = " ".join(value.split())
    if op == "retype":
        out["type"] = entity_type(out["type"])  # "org" -> "Organisation"
    return out


def _validate_batch(edit: dict) -> dict:
    edits = edit.get("edits")
    if not isinstance(edits, list) or not edits:
        raise BadInput("A batch of entity edits needs a non-empty list 'edits'")
    if any(isinstance(e, dict) and e.get("op") == BATCH for e in edits):
        raise BadInput("A batch of entity edits cannot hold another batch")
    return {"op": BATCH, "edits": [validate_edit(e) for e in edits]}


def flatten(edits: Iterable[dict]) -> list[dict]:
    """The single edits of `edits`, each batch replaced by the edits it holds (malformed
    ones are kept for `apply_edits` to skip)."""
    out: list[dict] = []
    for edit in edits:
        inner = edit.get("edits") if isinstance(edit, dict) and edit.get("op") == BATCH else None
        out.extend(inner if isinstance(inner, list) else [edit])
    return out


class _State:
    """Working copy while edits apply: entities by id (insertion order kept) + redirects."""

    def __init__(self, entities: Iterable[Entity]):
        self.by_id: dict[str, Entity] = {e.id: e for e in entities}
        self.redirects: dict[str, str] = {}

    def resolve(self, ref: str) -> Entity | None:
        """An entity from an id, a merged-away id, an id built from an alias, or a name."""
        seen = set()
        while ref in self.redirects and ref not in seen:
            seen.add(ref)
            ref = self.redirects[ref]
        if ref in self.by_id:
            return self.by_id[ref]
        type_part, sep, rest = ref.partition(":")
        if sep and type_part.lower() in {t.lower() for t in TYPES}:
            found = self._by_name(rest, type_part.lower())
        else:
            found = self._by_name(slug(ref), None)
        return found

    def _by_name(self, key: str, type_lower: str | None) -> Entity | None:
        if not key:
            return None
        named = [e for e in self.by_id.values() if slug(e.name) == key]
        aliased = [e for e in self.by_id.values()
                   if e not in named and any(slug(a) == key for a in e.aliases)]
        for pool in (named, aliased):
            if type_lower:
                typed = [e for e in pool if e.type.lower() == type_lower]
                pool = typed or pool
            if len(pool) == 1:
                return pool[0]
            if len(pool) > 1:
                # Ambiguous: the most mentioned one is what a user most likely meant.
                return max(pool, key=lambda e: (len(e.mentions), e.id))
        return None

    def new_id(self, type_: str, name: str) -> str:
        base = f"{type_.lower()}:{slug(name) or 'entity'}"
        candidate, n = base, 2
        while candidate in self.by_id or candidate in self.redirects:
            candidate, n = f"{base}-{n}", n + 1
        return candidate


def apply_edits(entities: Sequence[Entity], edits: Sequence[dict]
                ) -> tuple[list[Entity], dict[str, str], list[str]]:
    """Apply `edits` in order to copies of `entities`.

    Returns:
        (entities, redirects, skipped): the corrected entities; {merged-away id: id it went
        into} so old links keep working; one message per skipped edit.
    """
    state = _State(entities)
    skipped: list[str] = []
    for n, raw in enumerate(flatten(edits)):
        try:
            edit = validate_edit(raw)
            if edit["op"] == BATCH:
                raise BadInput("a batch inside a batch")
        except BadInput as exc:
            skipped.append(f"edit {n + 1}: {exc}")
            continue
        reason = _apply(state, edit)
        if reason:
            skipped.append(f"edit {n + 1} ({edit['op']}): {reason}")
    for msg in skipped:
        log.info("Entity edit skipped: %s", msg)
    return list(state.by_id.values()), state.redirects, skipped


def _apply(state: _State, edit: dict) -> str:
    """Apply one valid edit; returns "" or why it was skipped."""
    op = edit["op"]
    if op == "merge":
        source, target = state.resolve(edit["source"]), state.resolve(edit["target"])
        if source is None or target is None:
            missing = edit["source"] if source is None else edit["target"]
            return f"no entity {missing!r}"
        if source.id == target.id:
            return "source and target are the same entity"
        seen = set(target.mentions)  # a headline's mention is not the body's at its offsets
        mentions = list(target.mentions) + [m for m in source.mentions if m not in seen]
        aliases = _aliases(target.name, [*target.aliases, source.name, *source.aliases])
        state.by_id[target.id] = replace(target, mentions=_sorted(mentions), aliases=aliases)
        del state.by_id[source.id]
        state.redirects[source.id] = target.id
        for old, new in list(state.redirects.items()):
            if new == source.id:
                state.redirects[old] = target.id
        return ""
    entity = state.resolve(edit["entity"])
    if entity is None:
        return f"no entity {edit['entity']!r}"
    if op == "rename":
        name = edit["name"]
        aliases = _aliases(name, [*entity.aliases, entity.name])
        state.by_id[entity.id] = replace(entity, name=name, aliases=aliases)
    elif op == "retype":
        state.by_id[entity.id] = replace(entity, type=edit["type"])
    elif op in ("hide", "unhide"):
        state.by_id[entity.id] = replace(entity, hidden=op == "hide")
    elif op == "split":
        return _split(state, entity, edit["alias"])
    return ""


def _split(state: _State, entity: Entity, alias: str) -> str:
    key = slug(alias)
    if key == slug(entity.name):
        return "cannot split an entity's own name off it (rename it instead)"
    moved = [m for m in entity.mentions if slug(m.text) == key or (m.form and slug(m.form) == key)]
    if not moved:
        return f"{entity.name!r} has no mentions as {alias!r}"
    kept = [m for m in entity.mentions if m not in moved]
    spelled = next((a for a in entity.aliases if slug(a) == key), alias)
    moved_forms = {x for m in moved for x in (m.text, m.form) if x}
    still_used = {x for m in kept for x in (m.text, m.form) if x}
    new = replace(entity, id=state.new_id(entity.type, spelled), name=spelled,
                  aliases=_aliases(spelled, moved_forms), mentions=tuple(moved), hidden=False)
    remaining = [a for a in entity.aliases
                 if slug(a) != key and not (a in moved_forms and a not in still_used)]
    state.by_id[entity.id] = replace(entity, mentions=tuple(kept),
                                     aliases=_aliases(entity.name, remaining))
    state.by_id[new.id] = new
    return ""


def _aliases(name: str, aliases: Iterable[str]) -> tuple[str, ...]:
    out = []
    for a in aliases:
        if a and a != name and a not in out:
            out.append(a)
    return tuple(sorted(out, key=lambda a: (a.lower(), a)))


def _sorted(mentions):
    return tuple(sorted(mentions, key=lambda m: (m.doc, m.field != "title", m.start, m.end)))
