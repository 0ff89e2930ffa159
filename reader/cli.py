"""Command-line interface: `reader` opens the app; subcommands drive the core (see README).

Exit codes: 0 success, 2 bad usage or input (message on stderr), 1 unexpected failure.
"""

from __future__ import annotations

import argparse
import html
import json
import logging
import sys

from reader import __version__
from reader.errors import BadInput, ReaderError

log = logging.getLogger(__name__)


def _emit_json(obj) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


class _Bar:
    """A one-line progress bar on stderr, only when stderr is a terminal."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.tty or total <= 0:
            return
        width = 30
        fill = int(width * done / total)
        sys.stderr.write(f"\r{stage:<10} [{'#' * fill}{'.' * (width - fill)}] {done}/{total}")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\n")


def _library(args):
    from reader.library import Library

    return Library.open(args.data_dir, args.corpus)


def _ensure_index(lib, extraction: bool = False) -> None:
    """Build the index (and extraction) on first use, so every command works straight after
    install."""
    if not lib.articles():
        return
    if lib.index_store.doc_count() == 0 or (extraction and not lib.is_extracted()):
        print("Building the search index (first run)…", file=sys.stderr)
        bar = _Bar()
        try:
            report = lib.index(progress=bar)
        finally:
            bar.close()
        for msg in report.messages:
            print(msg, file=sys.stderr)


# -- commands ----------------------------------------------------------------------------


def cmd_app(args) -> int:
    try:
        from reader.ui.app import run
    except ImportError as exc:
        print(f"reader: the desktop app cannot start: {exc}", file=sys.stderr)
        return 1
    return run(args)


def cmd_index(args) -> int:
    lib = _library(args)
    bar = _Bar()
    try:
        report = lib.index(rebuild=args.rebuild, progress=bar, nlp=not args.no_nlp)
    finally:
        bar.close()
    for msg in report.messages:
        print(msg, file=sys.stderr)
    for problem in lib.problems:
        print(f"skipped: {problem}", file=sys.stderr)
    if args.json:
        _emit_json(report.to_json())
    else:
        print(f"{report.total} articles: {report.added} added, {report.updated} updated, "
              f"{report.removed} removed, {report.unchanged} unchanged; "
              f"{report.analysed} analysed by NLP.")
    return 0


def cmd_list(args) -> int:
    lib = _library(args)
    infos = lib.articles()
    if args.json:
        _emit_json([i.summary() for i in infos])
        return 0
    if not infos:
        print("No articles. Add some with: reader import PATH…")
    for i in infos:
        meta = " · ".join(x for x in (i.date or "undated", i.source, i.author) if x)
        print(f"{i.id}  {i.title}\n    {meta}")
    return 0


def cmd_show(args) -> int:
    lib = _library(args)
    art = lib.article(args.id)
    record = {**art.summary(), "body": art.body}
    if args.json:
        _emit_json(record)
    else:
        meta = " · ".join(x for x in (art.date or "undated", art.source, art.author) if x)
        print(f"{art.title}\n{meta}\n\n{art.body}")
    return 0


def cmd_search(args) -> int:
    lib = _library(args)
    lib.check_query(args.query)  # a malformed query is told before any indexing
    _ensure_index(lib)
    result = lib.search(args.query, limit=args.limit)
    if args.json:
        _emit_json(result.to_json())
        return 0
    if result.suggestion:
        print(f"Did you mean: {result.suggestion}")
    if not result.hits:
        print(f"No results for {args.query!r}.")
    for hit in result.hits:
        snippet = html.unescape(
            hit.snippet.replace("<b>", "\033[1m").replace("</b>", "\033[0m")
            if sys.stdout.isatty() else hit.snippet.replace("<b>", "").replace("</b>", ""))
        print(f"{hit.id}  {hit.title}  ({hit.score:.2f})\n    {' '.join(snippet.split())}")
    return 0


def cmd_import(args) -> int:
    lib = _library(args)
    outcomes = lib.import_paths(args.paths)
    if any(o.status == "imported" for o in outcomes):
        bar = _Bar()
        try:
            lib.index(progress=bar, nlp=not args.no_nlp)
        finally:
            bar.close()
    if args.json:
        _emit_json([o.to_json() for o in outcomes])
    else:
        for o in outcomes:
            extra = f" ({o.reason})" if o.reason else ""
            warn = f" [{'; '.join(o.warnings)}]" if o.warnings else ""
            print(f"{o.status}: {o.path}{' -> ' + o.id if o.id else ''}{extra}{warn}")
    failed = [o for o in outcomes if o.status == "failed"]
    return 2 if failed and len(failed) == len(outcomes) else 0


def _entity_row(e) -> str:
    aliases = f"  (also: {', '.join(e.aliases)})" if e.aliases else ""
    hidden = "  [hidden]" if e.hidden else ""
    return f"{e.count:4}  {e.type:<12} {e.name}{aliases}{hidden}"


def cmd_entities(args) -> int:
    lib = _library(args)
    _ensure_index(lib, extraction=True)
    ents = lib.entities(doc=args.doc, type=args.type, include_hidden=args.all)
    if args.doc:  # this article's mentions only, and counts within it
        from dataclasses import replace

        ents = [replace(e, mentions=tuple(m for m in e.mentions if m.doc == args.doc))
                for e in ents]
        ents.sort(key=lambda e: (-e.count, e.name.lower()))
    if args.json:
        _emit_json([e.to_json() for e in ents])
        return 0
    if not ents:
        print("No entities. Run `reader index` to extract them.")
    for e in ents:
        print(_entity_row(e))
    return 0


def cmd_entities_related(args) -> int:
    lib = _library(args)
    _ensure_index(lib, extraction=True)
    entity = lib.entity(args.name)
    related = lib.related(entity.id, limit=args.limit)
    contexts = {}
    if args.json:
        out = []
        for r in related:
            ev = lib.fill_sentences(lib.mention_contexts(
                [_Span(e.doc, e.start, e.end) for e in r.evidence]))
            out.append({"id": r.entity.id, "name": r.entity.name, "type": r.entity.type,
                        "score": r.score,
                        "evidence": [{"doc": c.doc, "start": c.start, "end": c.end,
                                      "sentence": c.sentence} for c in ev]})
        _emit_json({"entity": {"id": entity.id, "name": entity.name, "type": entity.type},
                    "related": out})
        return 0
    print(f"Related to {entity.name} ({entity.type}):")
    for r in related:
        ev = lib.fill_sentences(lib.mention_contexts(
            [_Span(e.doc, e.start, e.end) for e in r.evidence[:1]]))
        contexts = f"\n        “{' '.join(ev[0].sentence.split())}”" if ev else ""
        print(f"  {r.score:3}  {r.entity.name} ({r.entity.type}){contexts}")
    return 0


class _Span:
    """A (doc, start, end) with the `text` attribute mention_contexts expects."""

    def __init__(self, doc: str, start: int, end: int):
        self.doc, self.start, self.end, self.text = doc, start, end, ""


def cmd_entities_edit(args) -> int:
    lib = _library(args)
    _ensure_index(lib, extraction=True)
    op = args.op
    if op == "undo":
        edit = lib.undo_entity_edit()
        print(f"Undone: {_describe(edit)}" if edit else "Nothing to undo.")
        return 0
    edit = {"op": op}
    if op == "merge":
        edit.update(source=args.source, target=args.target)
    else:
        edit["entity"] = args.entity
        if op == "rename":
            edit["name"] = args.name
        elif op == "retype":
            edit["type"] = args.type
        elif op == "split":
            edit["alias"] = args.alias
    lib.edit_entities(edit)
    print(f"Done: {_describe(edit)}. Undo with `reader entities undo`.")
    return 0


def _describe(edit: dict) -> str:
    rest = ", ".join(f"{k}={v!r}" for k, v in edit.items() if k != "op")
    return f"{edit['op']} ({rest})"


def _actor_name(lib, actor) -> str:
    if not actor:
        return "—"
    try:
        return lib.entity(actor).name
    except ReaderError:
        return actor


def cmd_policies(args) -> int:
    lib = _library(args)
    _ensure_index(lib, extraction=True)
    policies = lib.policies()
    if args.doc:
        lib.article(args.doc)
        from dataclasses import replace

        policies = [replace(p, mentions=[m for m in p.mentions if m.doc == args.doc])
                    for p in policies]
        policies = [p for p in policies if p.mentions]
    if args.json:
        _emit_json([p.to_json() for p in policies])
        return 0
    if not policies:
        print("No policies found. Run `reader index`, or add one with `reader policies add`.")
    for p in policies:
        span = f"{p.first_date or '?'} – {p.last_date or '?'}" if p.first_date else "undated"
        actors = sorted({_actor_name(lib, m.actor) for m in p.mentions if m.actor})
        mine = "  [yours]" if p.user else ""
        print(f"{p.id}  {p.label}{mine}\n    {len(p.docs)} articles, {len(p.mentions)} "
              f"mentions, {span}; actors: {', '.join(actors) or '—'}")
    return 0


def cmd_policies_show(args) -> int:
    lib = _library(args)
    _ensure_index(lib, extraction=True)
    policy = lib.policy(args.id)
    dated, undated = lib.policy_timeline(policy.id)
    if args.json:
        _emit_json({**policy.to_json(),
                    "timeline": [m.to_json() | {"date": m.date} for m in dated],
                    "undated": [m.to_json() for m in undated]})
        return 0
    print(f"{policy.label} ({policy.id})\n{policy.description}\n")
    for title, mentions in (("Timeline", dated), ("Undated articles", undated)):
        if mentions:
            print(f"{title}:")
        for m in mentions:
            print(f"  {m.date or 'undated':10}  {m.doc}  {_actor_name(lib, m.actor)} "
                  f"[{m.stance}]\n      “{' '.join(m.text.split())}”")
    return 0


def cmd_policies_proposals(args) -> int:
    lib = _library(args)
    _ensure_index(lib, extraction=True)
    if args.doc:
        lib.article(args.doc)
    proposals = lib.proposals(args.doc)
    if args.json:
        _emit_json([p.to_json() for p in proposals])
        return 0
    if not proposals:
        print("No unfiled proposals: every proposal found is covered by a policy.")
    for p in proposals:
        print(f"{p.doc}  [{p.cue}]  “{' '.join(p.text.split())}”")
    return 0


def cmd_policies_add(args) -> int:
    lib = _library(args)
    _ensure_index(lib, extraction=True)
    policy = lib.add_policy(args.label, args.pattern, args.description or "")
    if args.json:
        _emit_json(policy.to_json())
    else:
        print(f"Added {policy.id}: {len(policy.docs)} articles, {len(policy.mentions)} "
              "mentions.")
    return 0


def cmd_policies_remove(args) -> int:
    lib = _library(args)
    lib.remove_policy(args.id)
    print(f"Removed {args.id}.")
    return 0


def _notes_json(notes) -> list[dict]:
    return [{"id": n.id, "doc": n.doc, "start": n.start, "end": n.end, "quote": n.quote,
             "text": n.body, "tags": list(n.tags), "created": n.created, "updated": n.updated,
             "orphan": n.orphan} for n in notes]


def cmd_notes_list(args) -> int:
    lib = _library(args)
    if args.doc:
        lib.article(args.doc)  # a clear error for an unknown id
    notes = lib.notes(doc=args.doc, tag=args.tag)
    if args.json:
        _emit_json(_notes_json(notes))
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
    lib = _library(args)
    tags = args.tag or ()
    if args.quote is not None:
        note = lib.add_note_by_quote(args.doc, args.quote, args.text, tags)
    else:
        note = lib.add_note(args.doc, body=args.text, tags=tags)
    if args.json:
        _emit_json(_notes_json([note])[0])
    else:
        print(f"Saved note {note.id} on {note.doc}.")
    return 0


def cmd_notes_export(args) -> int:
    lib = _library(args)
    text = lib.export_notes(args.format)
    if args.output and args.output != "-":
        from pathlib import Path

        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise BadInput(f"Cannot write {args.output}: {exc.strerror or exc}") from None
        print(f"Exported {len(lib.notes())} notes to {args.output}.", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_notes_import(args) -> int:
    from pathlib import Path

    lib = _library(args)
    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"Cannot read {args.file}: {getattr(exc, 'strerror', None) or exc}") \
            from None
    result = lib.import_notes(text)
    if args.json:
        _emit_json(result)
    else:
        print(f"{result['added']} added, {result['updated']} updated, "
              f"{result['unchanged']} already there.")
        for problem in result["problems"]:
            print(f"  {problem}", file=sys.stderr)
    return 0


# -- parser ------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS,
                        help="user data dir (default: $READER_DATA_DIR or the platform's)")
    common.add_argument("--corpus", metavar="DIR", default=argparse.SUPPRESS,
                        help="corpus folder (default: the bundled corpus)")
    js = argparse.ArgumentParser(add_help=False)
    js.add_argument("--json", action="store_true", help="machine-readable output")

    parser = argparse.ArgumentParser(
        prog="reader", parents=[common],
        description="Offline reference reader for a folder of articles. "
                    "With no command, opens the desktop app.")
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    parser.set_defaults(func=cmd_app)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    p = sub.add_parser("index", parents=[common, js], help="build or update the search index")
    p.add_argument("--rebuild", action="store_true", help="drop the index and build it anew")
    p.add_argument("--no-nlp", action="store_true", help="skip entity/policy extraction")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("list", parents=[common, js], help="list the articles")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", parents=[common, js], help="print one clean article")
    p.add_argument("id", help="article id (see `reader list`)")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("search", parents=[common, js], help="full-text search",
                       description="Words, \"phrases\", AND/OR/NOT, wild*, fuzzy~, and fields "
                                   "title: source: author: entity: policy: date:[2011 TO 2013]")
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="hits to show (20)")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("import", parents=[common, js],
                       help="copy .txt/.md/.html files or folders into the library")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--no-nlp", action="store_true", help="skip entity/policy extraction")
    p.set_defaults(func=cmd_import)

    ents = sub.add_parser(
        "entities", parents=[common, js], help="people, organisations, places, dates",
        description="With no action: list entities, most mentioned first. Actions correct "
                    "the extraction; corrections are kept in your data dir and re-applied "
                    "after every re-index.")
    ents.add_argument("--doc", metavar="ID", help="only entities in this article")
    ents.add_argument("--type", metavar="T",
                      help="Person, Organisation, Place, Date, Money, Law or Work")
    ents.add_argument("--all", action="store_true", help="include hidden entities")
    ents.set_defaults(func=cmd_entities)
    esub = ents.add_subparsers(title="actions", metavar="ACTION")
    p = esub.add_parser("related", parents=[common, js], help="entities that co-occur")
    p.add_argument("name", help="entity name, alias or id")
    p.add_argument("--limit", type=int, default=10, metavar="N")
    p.set_defaults(func=cmd_entities_related)
    p = esub.add_parser("merge", parents=[common], help="merge SOURCE into TARGET")
    p.add_argument("source")
    p.add_argument("target")
    p.set_defaults(func=cmd_entities_edit, op="merge")
    p = esub.add_parser("rename", parents=[common], help="give an entity another name")
    p.add_argument("entity")
    p.add_argument("name")
    p.set_defaults(func=cmd_entities_edit, op="rename")
    p = esub.add_parser("retype", parents=[common], help="change an entity's type")
    p.add_argument("entity")
    p.add_argument("type")
    p.set_defaults(func=cmd_entities_edit, op="retype")
    p = esub.add_parser("split", parents=[common], help="split an alias off into its own entity")
    p.add_argument("entity")
    p.add_argument("alias")
    p.set_defaults(func=cmd_entities_edit, op="split")
    for op, text in (("hide", "hide an entity (not a real name)"),
                     ("unhide", "show a hidden entity again")):
        p = esub.add_parser(op, parents=[common], help=text)
        p.add_argument("entity")
        p.set_defaults(func=cmd_entities_edit, op=op)
    p = esub.add_parser("undo", parents=[common], help="take back the last correction")
    p.set_defaults(func=cmd_entities_edit, op="undo")

    pols = sub.add_parser(
        "policies", parents=[common, js], help="policies: who proposed what, when",
        description="With no action: every policy of the codebook and your own, with the "
                    "articles and sentences that mention it, the actor and the stance.")
    pols.add_argument("--doc", metavar="ID", help="only mentions in this article")
    pols.set_defaults(func=cmd_policies)
    psub = pols.add_subparsers(title="actions", metavar="ACTION")
    p = psub.add_parser("show", parents=[common, js], help="one policy's timeline")
    p.add_argument("id", help="policy id or label")
    p.set_defaults(func=cmd_policies_show)
    p = psub.add_parser("proposals", parents=[common, js],
                        help="proposals no policy covers (unfiled)")
    p.add_argument("--doc", metavar="ID")
    p.set_defaults(func=cmd_policies_proposals)
    p = psub.add_parser("add", parents=[common, js], help="add your own policy")
    p.add_argument("label")
    p.add_argument("--pattern", action="append", required=True, metavar="P",
                   help="a phrase to look for, matched on word lemmas (repeatable)")
    p.add_argument("--description", metavar="TEXT")
    p.set_defaults(func=cmd_policies_add)
    p = psub.add_parser("remove", parents=[common], help="remove one of your policies")
    p.add_argument("id")
    p.set_defaults(func=cmd_policies_remove)

    notes = sub.add_parser("notes", parents=[common], help="anchored Markdown notes")
    nsub = notes.add_subparsers(title="notes commands", metavar="ACTION", required=True)
    p = nsub.add_parser("list", parents=[common, js], help="list notes")
    p.add_argument("--doc", metavar="ID", help="only this article's notes")
    p.add_argument("--tag", help="only notes with this tag")
    p.set_defaults(func=cmd_notes_list)
    p = nsub.add_parser("add", parents=[common, js], help="add a note, anchored by quote")
    p.add_argument("--doc", metavar="ID", required=True)
    p.add_argument("--quote", metavar="TEXT",
                   help="the passage, copied from the article (omit: whole-article note)")
    p.add_argument("--text", metavar="MD", default="", help="the note, in Markdown")
    p.add_argument("--tag", action="append", help="a tag (repeatable)")
    p.set_defaults(func=cmd_notes_add)
    p = nsub.add_parser("export", parents=[common], help="export all notes")
    p.add_argument("--format", choices=("md", "json"), default="md")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    p.set_defaults(func=cmd_notes_export)
    p = nsub.add_parser("import", parents=[common, js], help="import a JSON notes export")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_notes_import)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    for name in ("data_dir", "corpus"):
        if not hasattr(args, name):
            setattr(args, name, None)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if getattr(args, "limit", 1) is not None and getattr(args, "limit", 1) < 1:
        parser.error("--limit must be at least 1")
    try:
        return args.func(args)
    except ReaderError as exc:
        print(f"reader: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("reader: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
