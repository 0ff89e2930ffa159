"""CLI commands on entities: listing, related entities, corrections (one at a time or in bulk:
one undo step) and undo."""

from __future__ import annotations

import logging
from dataclasses import replace

from reader.cli.common import Span, emit_json, ensure_index, open_library
from reader.errors import BadInput, IndexBusy

log = logging.getLogger(__name__)


def apply_quietly(lib, changes) -> None:
    """Bring the index's entity/policy fields up to date after a correction; another process
    writing the index only delays that (the correction itself is saved)."""
    try:
        lib.indexing.apply(changes)
    except IndexBusy:
        log.warning("Index busy: entity and policy filters refresh on the next index")


def _entity_row(e) -> str:
    aliases = f"  (also: {', '.join(e.aliases)})" if e.aliases else ""
    hidden = "  [hidden]" if e.hidden else ""
    return f"{e.count:4}  {e.type:<12} {e.name}{aliases}{hidden}"


def cmd_entities(args) -> int:
    with open_library(args) as lib:
        ensure_index(lib, extraction=True)
        ents = lib.entities.list(doc=args.doc, type=args.type, include_hidden=args.all)
    if args.doc:  # this article's mentions only, and counts within it
        ents = [replace(e, mentions=tuple(m for m in e.mentions if m.doc == args.doc))
                for e in ents]
        ents.sort(key=lambda e: (-e.count, e.name.lower()))
    if args.csv:
        from reader.cli.exports import emit_csv
        from reader.exports import entities_table

        emit_csv(entities_table(ents), args.csv)
        return 0
    if args.json:
        emit_json([e.to_json() for e in ents])
        return 0
    if not ents:
        print("No entities. Run `reader index` to extract them.")
    for e in ents:
        print(_entity_row(e))
    return 0


def cmd_entities_related(args) -> int:
    with open_library(args) as lib:
        ensure_index(lib, extraction=True)
        entity = lib.entities.get(args.name)
        related = lib.entities.related(entity.id, limit=args.limit)

        def evidence(r, n=None):
            spans = [Span(e.doc, e.start, e.end) for e in r.evidence[:n]]
            return lib.entities.fill_sentences(lib.entities.contexts(spans))

        if args.json:
            out = [{"id": r.entity.id, "name": r.entity.name, "type": r.entity.type,
                    "score": r.score,
                    "evidence": [{"doc": c.doc, "start": c.start, "end": c.end,
                                  "sentence": c.sentence} for c in evidence(r)]}
                   for r in related]
            emit_json({"entity": {"id": entity.id, "name": entity.name, "type": entity.type},
                       "related": out})
            return 0
        print(f"Related to {entity.name} ({entity.type}):")
        for r in related:
            ev = evidence(r, 1)
            contexts = f"\n        “{' '.join(ev[0].sentence.split())}”" if ev else ""
            print(f"  {r.score:3}  {r.entity.name} ({r.entity.type}){contexts}")
    return 0


def cmd_entities_edit(args) -> int:
    with open_library(args) as lib:
        ensure_index(lib, extraction=True)
        op = args.op
        if op == "undo":
            changes = lib.entities.undo()
            apply_quietly(lib, changes)
            print(f"Undone: {describe(changes.edit)}" if changes.edit else "Nothing to undo.")
            return 0
        if op in ("hide", "unhide", "merge") and _is_bulk(args):
            return _bulk_edit(lib, args)
        edit = {"op": op}
        if op == "merge":
            if len(args.names) != 2:
                raise BadInput("Name the entity to merge and the one it goes into (SOURCE "
                               "TARGET), or several with --into TARGET.")
            edit.update(source=args.names[0], target=args.names[1])
        else:
            edit["entity"] = args.names[0] if op in ("hide", "unhide") else args.entity
            if op == "rename":
                edit["name"] = args.name
            elif op == "retype":
                edit["type"] = args.type
            elif op == "split":
                edit["alias"] = args.alias
        apply_quietly(lib, lib.entities.edit(dict(edit)))
    print(f"Done: {describe(edit)}. Undo with `reader entities undo`.")
    return 0


def _is_bulk(args) -> bool:
    if args.op == "merge":
        return args.into is not None
    return len(args.names) != 1 or args.op == "hide" and (
        args.hide_type is not None or args.below is not None)


def _bulk_edit(lib, args) -> int:
    """merge A B C --into A; hide A B C; hide --type T --below N; unhide A B: one edit."""
    svc = lib.entities
    if args.op == "merge":
        target = svc.get(args.into)
        sources = [n for n in args.names if svc.get(n).id != target.id]
        if not sources:
            raise BadInput(f"Nothing to merge into '{target.name}': name other entities.")
        changes = svc.merge_many(sources, target.id)
        done = f"merged {_count(changes)} into {target.name}"
    elif args.op == "unhide":
        changes = svc.hide_many(args.names, unhide=True)
        done = f"{_count(changes)} shown again"
    else:
        if args.names and (args.hide_type is not None or args.below is not None):
            raise BadInput("Name entities to hide, or use --type/--below; not both.")
        changes = (svc.hide_many(args.names) if args.names
                   else svc.hide_where(args.hide_type, args.below))
        done = f"hid {_count(changes)}"
    apply_quietly(lib, changes)
    print(f"Done: {done} (one edit). Undo with `reader entities undo`.")
    return 0


def _count(changes) -> str:
    """How many entities a (bulk) edit changed: one per edit it holds."""
    edit = changes.edit
    n = len(edit["edits"]) if edit["op"] == "batch" else 1
    return f"{n} {'entity' if n == 1 else 'entities'}"


def describe(edit: dict) -> str:
    if edit["op"] == "batch":
        ops = sorted({e["op"] for e in edit["edits"]})
        return f"{len(edit['edits'])} edits in one ({', '.join(ops)})"
    rest = ", ".join(f"{k}={v!r}" for k, v in edit.items() if k != "op")
    return f"{edit['op']} ({rest})"
