"""The user's policy edits on top of the codebook and the discovered candidates: a pure
function of (policies, edit list), re-applied after every rebuild, like the entity overlay
(reader/extraction/overlay.py) and stored in the same table with the same undo.

Two kinds of edit:
    definitions   promote (a candidate becomes a pattern policy), import (a codebook file's
                  policies, replacing those with the same id), remove (one of those), split
                  (one pattern of a policy becomes a policy of its own)
    presentation  rename, merge, hide, unhide: laid on the built table, so they need no
                  re-matching (a merged-away id redirects to the policy it went into)

Edits name policies by id; one whose policy no longer exists is skipped with a log line,
never an error. Undo is "apply the list minus its last edit": nothing here mutates its input.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from reader.domain import Policy
from reader.errors import BadInput
from reader.extraction.policies.codebook import compile_pattern, validate_policies

log = logging.getLogger(__name__)

# op -> the keys it needs (besides "op"); strings unless listed in _LISTS
OPS: dict[str, tuple[str, ...]] = {
    "promote": ("candidate", "id", "label", "patterns"),
    "import": ("policies",),
    "remove": ("policy",),
    "split": ("policy", "pattern", "id", "label"),
    "rename": ("policy", "label"),
    "merge": ("source", "target"),
    "hide": ("policy",),
    "unhide": ("policy",),
}
_LISTS = ("patterns", "policies")
DEFINING = ("promote", "import", "remove", "split")


def validate_policy_edit(edit: dict) -> dict:
    """The edit with only its known keys (and "description", "source" where given).

    Raises BadInput: unknown op, a missing or empty key."""
    if not isinstance(edit, dict):
        raise BadInput(f"A policy edit must be a mapping, not {type(edit).__name__}")
    op = edit.get("op")
    if op not in OPS:
        raise BadInput(f"Unknown policy edit op {op!r} (use one of: {', '.join(OPS)})")
    out: dict = {"op": op}
    for key in OPS[op]:
        value = edit.get(key)
        if key in _LISTS:
            if not isinstance(value, list) or not value:
                raise BadInput(f"Policy edit '{op}' needs a non-empty list '{key}'")
            out[key] = list(value)
        elif not isinstance(value, str) or not value.strip():
            raise BadInput(f"Policy edit '{op}' needs a non-empty '{key}'")
        else:
            out[key] = " ".join(value.split())
    for key in ("description", "source"):
        if isinstance(edit.get(key), str):
            out[key] = edit[key]
    return out


def candidate_patterns(candidate: Policy) -> list[str]:
    """Patterns that find a discovered candidate's sentences: its label and variants in
    lower case (so each word matches its lemma or lower-cased text, "ID cards" matching
    "id card"), those the pattern language cannot read left out."""
    out: list[str] = []
    for phrase in [candidate.label, *candidate.variants]:
        text = " ".join(phrase.lower().split())
        if not text or text in out:
            continue
        try:
            compile_pattern(text)
        except BadInput:
            continue
        out.append(text)
    return out


# -- definitions -------------------------------------------------------------------------


@dataclass
class Definitions:
    """The policies to match after the definition edits: `book` (the codebook, a policy an
    import replaced in its place), `users` (the store's own, then those promoted or imported),
    `defined` (ids an edit defined), `promoted` {candidate id: policy id}, and what was
    skipped."""

    book: list[dict] = field(default_factory=list)
    users: list[dict] = field(default_factory=list)
    defined: set[str] = field(default_factory=set)
    promoted: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    def all(self) -> list[dict]:
        return self.book + self.users


def apply_definitions(codebook: Sequence[dict], users: Sequence[dict],
                      edits: Sequence[dict]) -> Definitions:
    """Apply the definition edits (promote, import, remove) to copies of the codebook's and
    the store's policy dicts; the other edits are left for `apply_presentation`."""
    out = Definitions([dict(p) for p in codebook], [dict(p) for p in users])
    for n, raw in enumerate(edits):
        try:
            edit = validate_policy_edit(raw)
        except BadInput as exc:
            out.skipped.append(f"policy edit {n + 1}: {exc}")
            continue
        if edit["op"] not in DEFINING:
            continue
        reason = _define(out, edit)
        if reason:
            out.skipped.append(f"policy edit {n + 1} ({edit['op']}): {reason}")
    for msg in out.skipped:
        log.info("Policy edit skipped: %s", msg)
    return out


def _define(defs: Definitions, edit: dict) -> str:
    op = edit["op"]
    if op == "remove":
        pid = edit["policy"]
        if pid not in defs.defined:
            return f"{pid!r} was not defined by an edit"
        defs.users = [p for p in defs.users if p["id"] != pid]
        defs.defined.discard(pid)
        defs.promoted = {c: p for c, p in defs.promoted.items() if p != pid}
        return ""
    if op == "split":
        return _split(defs, edit)
    if op == "promote":
        entry = {"id": edit["id"], "label": edit["label"],
                 "description": edit.get("description", ""), "patterns": edit["patterns"]}
        entries = [entry]
    else:
        entries = edit["policies"]
    try:
        clean = validate_policies(entries)
    except BadInput as exc:
        return str(exc)
    book_ids = {p["id"] for p in defs.book}
    for entry in clean:
        if entry["id"] in book_ids and op == "import":
            defs.book = [entry if p["id"] == entry["id"] else p for p in defs.book]
            continue
        if entry["id"] in book_ids:
            return f"id {entry['id']!r} is a codebook policy's"
        defs.users = [p for p in defs.users if p["id"] != entry["id"]] + [entry]
        defs.defined.add(entry["id"])
    if op == "promote":
        defs.promoted[edit["candidate"]] = edit["id"]
    return ""


def _split(defs: Definitions, edit: dict) -> str:
    """Move one pattern of a policy (the codebook's or the user's) into a new policy; the
    policy keeps its other patterns (and both keep its `unless` list)."""
    pid, pattern = edit["policy"], edit["pattern"]
    old = next((p for p in defs.all() if p["id"] == pid), None)
    if old is None:
        return f"no policy {pid!r} with patterns"
    if pattern not in old["patterns"] or len(old["patterns"]) < 2:
        return f"{pid!r} has no pattern {pattern!r} besides others"
    if any(p["id"] == edit["id"] for p in defs.all()):
        return f"id {edit['id']!r} is taken"
    kept = dict(old, patterns=[p for p in old["patterns"] if p != pattern])
    new = {"id": edit["id"], "label": edit["label"],
           "description": edit.get("description", ""), "patterns": [pattern],
           "unless": list(old.get("unless", []))}
    try:
        new = validate_policies([new])[0]
    except BadInput as exc:
        return str(exc)
    defs.book = [kept if p["id"] == pid else p for p in defs.book]
    defs.users = [kept if p["id"] == pid else p for p in defs.users] + [new]
    defs.defined.add(new["id"])
    return ""


# -- presentation ------------------------------------------------------------------------


@dataclass
class Presented:
    """The policies and candidates after the presentation edits (hidden ones included,
    marked), {merged-away id: id it went into}, {id: the policies merged into it, as they
    were}, what was skipped."""

    policies: list[Policy]
    candidates: list[Policy]
    redirects: dict[str, str] = field(default_factory=dict)
    merged: dict[str, list[Policy]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def apply_presentation(policies: Sequence[Policy], candidates: Sequence[Policy],
                       edits: Sequence[dict], promoted: dict[str, str] | None = None
                       ) -> Presented:
    """Apply rename, merge, hide and unhide in order to copies of the built policies and
    candidates; a candidate that was promoted (`promoted`, from `apply_definitions`) is left
    out, its id redirecting to the policy it became."""
    promoted = promoted or {}
    by_id: dict[str, Policy] = {p.id: p for p in policies}
    by_id.update({c.id: c for c in candidates if c.id not in promoted})
    redirects = {c: p for c, p in promoted.items() if p in by_id}
    merged: dict[str, list[Policy]] = {}
    skipped: list[str] = []

    def resolve(ref: str) -> Policy | None:
        seen = set()
        while ref in redirects and ref not in seen:
            seen.add(ref)
            ref = redirects[ref]
        return by_id.get(ref)

    for n, raw in enumerate(edits):
        try:
            edit = validate_policy_edit(raw)
        except BadInput:
            continue  # reported by apply_definitions
        op = edit["op"]
        if op in DEFINING:
            continue
        reason = ""
        if op == "merge":
            source, target = resolve(edit["source"]), resolve(edit["target"])
            if source is None or target is None:
                reason = f"no policy {edit['source' if source is None else 'target']!r}"
            elif source.id == target.id:
                reason = "source and target are the same policy"
            else:
                by_id[target.id] = _merge(source, target)
                del by_id[source.id]
                redirects[source.id] = target.id
                for old, new in list(redirects.items()):
                    if new == source.id:
                        redirects[old] = target.id
                merged.setdefault(target.id, []).extend(
                    [source, *merged.pop(source.id, [])])
        else:
            pol = resolve(edit["policy"])
            if pol is None:
                reason = f"no policy {edit['policy']!r}"
            elif op == "rename":
                by_id[pol.id] = replace(pol, label=edit["label"])
            else:
                by_id[pol.id] = replace(pol, hidden=op == "hide")
        if reason:
            skipped.append(f"policy edit {n + 1} ({op}): {reason}")
            log.info("Policy edit skipped: %s", skipped[-1])
    kept = set(by_id)
    return Presented([by_id[p.id] for p in policies if p.id in kept],
                     [by_id[c.id] for c in candidates if c.id in kept],
                     redirects, merged, skipped)


def _merge(source: Policy, target: Policy) -> Policy:
    """`target` with `source`'s mentions added (one per sentence) and its phrasings."""
    seen = {(m.doc, m.start, m.end) for m in target.mentions}
    mentions = list(target.mentions) + [m for m in source.mentions
                                        if (m.doc, m.start, m.end) not in seen]
    mentions.sort(key=lambda m: (not m.date, m.date, m.doc, m.start))
    variants = list(target.variants)
    for v in [source.label, *source.variants]:
        if v.lower() != target.label.lower() and v not in variants:
            variants.append(v)
    return replace(target, mentions=mentions, variants=variants)
