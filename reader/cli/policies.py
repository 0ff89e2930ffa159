"""CLI commands on policies: listing, one policy's timeline, unfiled proposals, the user's
policies and policy edits (promote, rename, merge, hide, undo), codebook import and export."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace

from reader.cli.common import emit_json, ensure_index, open_library
from reader.cli.entities import apply_quietly
from reader.cli.exports import add_csv_option, cmd_policies_who
from reader.errors import BadInput, ReaderError


def _actor_name(lib, actor) -> str:
    if not actor:
        return "—"
    try:
        return lib.entities.get(actor).name
    except ReaderError:
        return actor


def cmd_policies(args) -> int:
    with open_library(args) as lib:
        ensure_index(lib, extraction=True)
        policies = lib.policies.list(discovered=True, hidden=args.all)
        if args.doc:
            lib.articles.info(args.doc)  # a clear error for an unknown id
            policies = [replace(p, mentions=[m for m in p.mentions if m.doc == args.doc])
                        for p in policies]
            policies = [p for p in policies if p.mentions]
        if args.json:
            emit_json([p.to_json() for p in policies])
            return 0
        if not policies:
            print("No policies found. Run `reader index`, or add one with "
                  "`reader policies add`.")
        for p in policies:
            span = f"{p.first_date or '?'} – {p.last_date or '?'}" if p.first_date else "undated"
            actors = sorted({_actor_name(lib, m.actor) for m in p.mentions if m.actor})
            mine = "  [yours]" if p.user else "  [discovered]" if p.discovered else ""
            mine += "  [hidden]" if p.hidden else ""
            print(f"{p.id}  {p.label}{mine}\n    {len(p.docs)} articles, {len(p.mentions)} "
                  f"mentions, {span}; actors: {', '.join(actors) or '—'}")
    return 0


def cmd_policies_show(args) -> int:
    with open_library(args) as lib:
        ensure_index(lib, extraction=True)
        policy = lib.policies.get(args.id)
        dated, undated = lib.policies.timeline(policy.id)
        if args.json:
            emit_json({**policy.to_json(),
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
    with open_library(args) as lib:
        ensure_index(lib, extraction=True)
        if args.doc:
            lib.articles.info(args.doc)
        proposals = lib.policies.proposals(args.doc)
        if args.json:
            emit_json([p.to_json() for p in proposals])
            return 0
        if not proposals:
            print("No unfiled proposals: every proposal found is covered by a policy.")
        for p in proposals:
            who = _actor_name(lib, p.proposer) if p.proposer else "—"
            print(f"{p.doc}  {p.date or 'undated'}  {who} [{p.stance}] {p.object}  ({p.cue})\n"
                  f"    “{' '.join(p.text.split())}”")
    return 0


def cmd_policies_add(args) -> int:
    with open_library(args) as lib:
        ensure_index(lib, extraction=True)
        changes = lib.policies.add(args.label, args.pattern, args.description or "")
        apply_quietly(lib, changes)
        policy = lib.policies.get(changes.policy)
    if args.json:
        emit_json(policy.to_json())
    else:
        print(f"Added {policy.id}: {len(policy.docs)} articles, {len(policy.mentions)} "
              "mentions.")
    return 0


def cmd_policies_remove(args) -> int:
    with open_library(args) as lib:
        apply_quietly(lib, lib.policies.remove(args.id))
    print(f"Removed {args.id}.")
    return 0


_EDIT_DONE = {"rename": "Renamed {id} to “{label}”.", "merge": "Merged {source} into {target}.",
              "hide": "Hid {id}.", "unhide": "{id} is shown again."}


def cmd_policies_edit(args) -> int:
    """promote, rename, merge, split, hide, unhide, undo: one undoable policy edit."""
    with open_library(args) as lib:
        ensure_index(lib, extraction=True)
        svc = lib.policies
        if args.op == "promote":
            changes = svc.promote(args.id, args.label or "")
        elif args.op == "rename":
            changes = svc.rename(args.id, args.label)
        elif args.op == "merge":
            changes = svc.merge(args.source, args.target)
        elif args.op == "split":
            changes = svc.split(args.id, args.pattern, args.label)
        elif args.op == "undo":
            changes = svc.undo()
        else:
            changes = (svc.hide if args.op == "hide" else svc.unhide)(args.id)
        apply_quietly(lib, changes)
        policy = lib.policies.get(changes.policy) if changes.policy else None
    if args.json:
        emit_json({"edit": changes.edit, "policy": policy.to_json() if policy else None})
    elif args.op == "undo":
        print(f"Undid {changes.edit['op']}." if changes.edit else "Nothing to undo.")
    elif args.op in ("promote", "split"):
        done = "Promoted" if args.op == "promote" else f"Split {args.pattern!r} off"
        print(f"{done} {args.id} to {policy.id}: {len(policy.docs)} articles, "
              f"{len(policy.mentions)} mentions.")
    else:
        print(_EDIT_DONE[args.op].format(id=getattr(args, "id", ""),
                                         label=getattr(args, "label", ""),
                                         source=getattr(args, "source", ""),
                                         target=getattr(args, "target", "")))
    return 0


def cmd_policies_import(args) -> int:
    with open_library(args) as lib:
        ensure_index(lib, extraction=True)
        changes = lib.policies.import_codebook(args.file)
        apply_quietly(lib, changes)
    n = changes.counts["policies"]
    print(f"Imported {n} {'policy' if n == 1 else 'policies'} from {args.file}.")
    return 0


def cmd_policies_export(args) -> int:
    from reader.textutil import atomic_write

    with open_library(args) as lib:
        ensure_index(lib, extraction=True)
        text = lib.policies.export_codebook()
    if not args.output:
        sys.stdout.write(text)
        return 0
    try:
        atomic_write(args.output, text)
    except OSError as exc:
        raise BadInput(f"cannot write {args.output}: {exc.strerror or exc}") from None
    print(f"Wrote {args.output}.")
    return 0


def add_parsers(sub, common: argparse.ArgumentParser, js: argparse.ArgumentParser) -> None:
    """The `policies` command and its actions."""
    pols = sub.add_parser(
        "policies", parents=[common, js], help="policies: who proposed what, when",
        description="With no action: every policy of the codebook and your own, then the "
                    "candidates discovered from the articles' proposals (marked discovered), "
                    "with the articles and sentences that mention it, the actor and the "
                    "stance.")
    pols.add_argument("--doc", metavar="ID", help="only mentions in this article")
    pols.add_argument("--all", action="store_true", help="hidden policies too")
    pols.set_defaults(func=cmd_policies)
    psub = pols.add_subparsers(title="actions", metavar="ACTION")
    p = psub.add_parser("show", parents=[common, js], help="one policy's timeline")
    p.add_argument("id", help="policy id or label")
    p.set_defaults(func=cmd_policies_show)
    p = psub.add_parser("proposals", parents=[common, js],
                        help="proposals no policy covers: object, proposer, stance, date")
    p.add_argument("--doc", metavar="ID")
    p.set_defaults(func=cmd_policies_proposals)
    p = psub.add_parser("who", parents=[common, js],
                        help="who proposed, supported or opposed which policy, when")
    add_csv_option(p)
    p.set_defaults(func=cmd_policies_who)
    p = psub.add_parser("add", parents=[common, js], help="add your own policy")
    p.add_argument("label")
    p.add_argument("--pattern", action="append", required=True, metavar="P",
                   help="a phrase to look for, matched on word lemmas (repeatable)")
    p.add_argument("--description", metavar="TEXT")
    p.set_defaults(func=cmd_policies_add)
    p = psub.add_parser("remove", parents=[common], help="remove one of your policies")
    p.add_argument("id")
    p.set_defaults(func=cmd_policies_remove)
    p = psub.add_parser("promote", parents=[common, js],
                        help="make a discovered candidate a policy of this library")
    p.add_argument("id", help="candidate id or label")
    p.add_argument("--label", help="the policy's name (default: the candidate's)")
    p.set_defaults(func=cmd_policies_edit, op="promote")
    p = psub.add_parser("rename", parents=[common, js], help="give a policy another name")
    p.add_argument("id")
    p.add_argument("label")
    p.set_defaults(func=cmd_policies_edit, op="rename")
    p = psub.add_parser("merge", parents=[common, js],
                        help="fold SOURCE's mentions into TARGET")
    p.add_argument("source")
    p.add_argument("target")
    p.set_defaults(func=cmd_policies_edit, op="merge")
    p = psub.add_parser("split", parents=[common, js],
                        help="make one pattern of a policy a policy of its own")
    p.add_argument("id")
    p.add_argument("pattern", help="one of the policy's patterns (see `reader policies export`)")
    p.add_argument("label", help="the new policy's name")
    p.set_defaults(func=cmd_policies_edit, op="split")
    for op, text in (("hide", "hide a policy or candidate"),
                     ("unhide", "show a hidden policy again")):
        p = psub.add_parser(op, parents=[common, js], help=text)
        p.add_argument("id")
        p.set_defaults(func=cmd_policies_edit, op=op)
    p = psub.add_parser("undo", parents=[common, js], help="take back the last policy edit")
    p.set_defaults(func=cmd_policies_edit, op="undo")
    p = psub.add_parser("import", parents=[common],
                        help="add the policies of a codebook file (TOML)")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_policies_import)
    p = psub.add_parser("export", parents=[common],
                        help="write this library's policies as a codebook file (TOML)")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    p.set_defaults(func=cmd_policies_export)
