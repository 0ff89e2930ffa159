"""CLI commands on notes: list, add, export, import."""

from __future__ import annotations

import sys
from pathlib import Path

from reader.cli.common import emit_json, open_library
from reader.errors import BadInput
from reader.textutil import atomic_write


def _notes_json(notes) -> list[dict]:
    return [{"id": n.id, "doc": n.doc, "start": n.start, "end": n.end, "quote": n.quote,
             "text": n.body, "tags": list(n.tags), "created": n.created, "updated": n.updated,
             "orphan": n.orphan} for n in notes]


def cmd_notes_list(args) -> int:
    with open_library(args) as lib:
        if args.doc:
            lib.articles.info(args.doc)  # a clear error for an unknown id
        notes = lib.notes.list(doc=args.doc, tag=args.tag)
    if args.json:
        emit_json(_notes_json(notes))
        return 0
    if not notes:
        print("No notes yet. Add one with: reader notes add --doc ID --quote TEXT --text MD")
    for n in notes:
        where = f"“{n.quote}”" if n.quote else "(whole article)"
        flag = "  [orphan: passage no longer in the article]" if n.orphan else ""
        tags = f"  #{' #'.join(n.tags)}" if n.tags else ""
        print(f"{n.id}  {n.doc}  {where}{flag}{tags}\n    {n.body}")
    return 0


def cmd_notes_add(args) -> int:
    tags = args.tag or ()
    with open_library(args) as lib:
        if args.quote is not None:
            note = lib.notes.add_by_quote(args.doc, args.quote, args.text, tags).note
        else:
            note = lib.notes.add(args.doc, body=args.text, tags=tags).note
    if args.json:
        emit_json(_notes_json([note])[0])
    else:
        print(f"Saved note {note.id} on {note.doc}.")
    return 0


def cmd_notes_export(args) -> int:
    with open_library(args) as lib:
        text = lib.notes.export(args.format)
        count = len(lib.notes.list())
    if args.output and args.output != "-":
        try:
            atomic_write(Path(args.output), text)  # never a half-written export
        except OSError as exc:
            raise BadInput(f"Cannot write {args.output}: {exc.strerror or exc}") from None
        print(f"Exported {count} notes to {args.output}.", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_notes_import(args) -> int:
    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"Cannot read {args.file}: {getattr(exc, 'strerror', None) or exc}") \
            from None
    with open_library(args) as lib:
        result = lib.notes.import_json(text).counts
    if args.json:
        emit_json(result)
    else:
        print(f"{result['added']} added, {result['updated']} updated, "
              f"{result['unchanged']} already there.")
        for problem in result["problems"]:
            print(f"  {problem}", file=sys.stderr)
    return 0
