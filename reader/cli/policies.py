"""CLI commands on policies: listing, one policy's timeline, unfiled proposals, user policies."""

from __future__ import annotations

from dataclasses import replace

from reader.cli.common import emit_json, ensure_index, open_library
from reader.cli.entities import apply_quietly
from reader.errors import ReaderError


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
        policies = lib.policies.list(discovered=True)
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
