"""Policies: the library's codebook, the user's own policies and the candidates discovered
from the articles, with their mentions, timelines and the unfiled proposals; the user's
policies and policy edits (promote, rename, merge, hide, import) are kept in the store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reader.domain import Changes, Policy, PolicyMention, Proposal
from reader.errors import BadInput, NotFound
from reader.services.derived import DerivedTables
from reader.textutil import slug


class PolicyService:
    def __init__(self, tables: DerivedTables, store: Callable,
                 reader: Callable | None = None):
        self._tables = tables
        self._store = store
        self._reader = reader or store

    # -- reads ---------------------------------------------------------------------------
    def list(self, discovered: bool = False, hidden: bool = False) -> list[Policy]:
        """Codebook and user policies with their mentions (empty until extraction ran); with
        `discovered`, the candidates found without a codebook follow them, ranked; with
        `hidden`, those the user hid too (marked `hidden`)."""
        table = self._tables.policies()
        if table is None:
            return []
        found = table.policies + (table.candidates if discovered else [])
        return found if hidden else [p for p in found if not p.hidden]

    def get(self, ref: str) -> Policy:
        """A policy or discovered candidate (hidden ones too) by id, label (case-insensitive)
        or the id of one merged into it or promoted. Raises NotFound."""
        everything = self.list(discovered=True, hidden=True)
        for p in everything:
            if ref == p.id or ref.lower() in (p.id.lower(), p.label.lower()):
                return p
        table = self._tables.policies()
        if table is not None and ref in table.redirects:
            return table.get(ref)
        raise NotFound(f"No policy '{ref}'. See `reader policies`.")

    def timeline(self, ref: str) -> tuple[list[PolicyMention], list[PolicyMention]]:
        """(dated mentions in date order, undated mentions) of one policy."""
        policy = self.get(ref)
        return self._tables.policies().timeline(policy.id)

    def proposals(self, doc: str | None = None) -> list[Proposal]:
        """Sentences that propose a measure no policy covers ("unfiled proposals"), each
        with its object, proposer, stance and date."""
        table = self._tables.policies()
        if table is None:
            return []
        return table.proposals_for(doc) if doc else list(table.proposals)

    def patterns(self, ref: str) -> list[str]:
        """The patterns a policy is matched by ([] for a discovered candidate)."""
        policy = self.get(ref)
        entry = next((p for p in self._tables.policy_definitions().all()
                      if p["id"] == policy.id), None)
        return list(entry["patterns"]) if entry else []

    def edits(self) -> list[dict]:
        """The user's policy edits in force, oldest first."""
        return self._reader().policy_edits()

    def export_codebook(self) -> str:
        """The library's policies as a codebook file (TOML): the codebook and the user's own
        policies as they are shown (renamed labels; a merged policy's patterns added to the
        one it went into; hidden ones and candidates left out)."""
        from reader.extraction.policies import dump_codebook
        from reader.extraction.policies.overlay import candidate_patterns

        defs = {p["id"]: p for p in self._tables.policy_definitions().all()}
        table = self._tables.policies()
        out = []
        for pol in table.policies if table is not None else ():
            if pol.hidden or pol.id not in defs:
                continue
            entry = dict(defs[pol.id], label=pol.label)
            entry["patterns"] = list(entry["patterns"])
            entry["unless"] = list(entry.get("unless", []))
            for source in table.merged.get(pol.id, ()):
                more = defs.get(source.id)
                extra = more["patterns"] if more else candidate_patterns(source)
                entry["patterns"] += [x for x in extra if x not in entry["patterns"]]
                entry["unless"] += [x for x in (more or {}).get("unless", [])
                                    if x not in entry["unless"]]
            out.append(entry)
        return dump_codebook(out, f"{len(out)} policies exported by reader.")

    # -- writes: the user's own policies -----------------------------------------------------
    def add(self, label: str, patterns: list[str], description: str = "") -> Changes:
        """A user policy, matched like the codebook's and kept in the user's store (it
        survives re-indexing); `changes.policy` is its id. Raises BadInput for an empty
        label, a taken one or a malformed pattern."""
        from reader.extraction.policies import validate_policies

        taken = {p.id for p in self.list(hidden=True)}  # (a candidate's id never starts "user-")
        pid = "user-" + (slug(label, 40) or "policy")
        if pid in taken:
            raise BadInput(f"There is already a policy '{label}'.")
        validate_policies([{"id": pid, "label": label, "description": description,
                            "patterns": list(patterns)}])
        self._store().add_user_policy(label, patterns, description)
        self._tables.invalidate(policies=True)
        return Changes(policies=True, policy=pid)

    def remove(self, ref: str) -> Changes:
        """Delete one of the user's policies (added, promoted or imported); a codebook's is
        hidden instead (it travels with the corpus folder)."""
        policy = self.get(ref)
        if policy.discovered:
            raise BadInput(f"'{policy.label}' is a discovered candidate; hide it instead.")
        for p in self._tables.user_policies():
            if p["id"] == policy.id:
                self._store().delete_user_policy(p["store_id"])
                self._tables.invalidate(policies=True)
                return Changes(policies=True, policy=policy.id)
        if policy.id in self._tables.policy_definitions().defined:
            return self._edit({"op": "remove", "policy": policy.id})
        raise BadInput(f"'{policy.label}' comes from the library's codebook; only your own "
                       "policies can be removed (hide it instead).")

    # -- writes: policy edits (undoable) ---------------------------------------------------
    def promote(self, ref: str, label: str = "") -> Changes:
        """Make a discovered candidate a policy of the library: matched by its phrasings
        (label and variants) like any codebook policy, kept when discovery changes.
        `changes.policy` is the new policy's id. Raises NotFound/BadInput."""
        from reader.extraction.policies.overlay import candidate_patterns

        cand = self.get(ref)
        if not cand.discovered:
            raise BadInput(f"'{cand.label}' is already a policy.")
        label = " ".join((label or cand.label).split())
        patterns = candidate_patterns(cand)
        if not patterns:
            raise BadInput(f"'{cand.label}' has no phrasing a policy pattern can use.")
        taken = {p.id for p in self.list(discovered=True, hidden=True)}
        base = "user-" + (slug(label, 40) or "policy")
        pid, n = base, 2
        while pid in taken:
            pid, n = f"{base}-{n}", n + 1
        return self._edit({"op": "promote", "candidate": cand.id, "id": pid, "label": label,
                           "patterns": patterns,
                           "description": f"Promoted from the discovered “{cand.label}”."},
                          policy=pid)

    def rename(self, ref: str, label: str) -> Changes:
        policy = self.get(ref)
        label = " ".join(label.split()) if isinstance(label, str) else ""
        if not label:
            raise BadInput("A policy needs a name with letters or digits.")
        return self._edit({"op": "rename", "policy": policy.id, "label": label})

    def merge(self, source: str, target: str) -> Changes:
        """Fold `source`'s mentions into `target` (source's id then leads to target). A
        candidate can go into a policy, not a policy into a candidate (promote it first)."""
        src, dst = self.get(source), self.get(target)
        if src.id == dst.id:
            raise BadInput("A policy cannot be merged into itself.")
        if dst.discovered and not src.discovered:
            raise BadInput(f"'{dst.label}' is a discovered candidate: promote it before "
                           "merging a policy into it.")
        return self._edit({"op": "merge", "source": src.id, "target": dst.id},
                          policy=dst.id)

    def hide(self, ref: str) -> Changes:
        policy = self.get(ref)
        if policy.hidden:
            raise BadInput(f"'{policy.label}' is already hidden.")
        return self._edit({"op": "hide", "policy": policy.id})

    def unhide(self, ref: str) -> Changes:
        policy = self.get(ref)
        if not policy.hidden:
            raise BadInput(f"'{policy.label}' is not hidden.")
        return self._edit({"op": "unhide", "policy": policy.id})

    def split(self, ref: str, pattern: str, label: str) -> Changes:
        """Make one pattern of a policy a policy of its own, named `label`; the policy keeps
        its other patterns. Only a pattern policy splits (a discovered candidate is one
        phrase and its sentences: promote it first). `changes.policy` is the new id."""
        policy = self.get(ref)
        if policy.discovered:
            raise BadInput(f"'{policy.label}' is a discovered candidate; promote it before "
                           "splitting it.")
        patterns = self.patterns(policy.id)
        pattern = " ".join(pattern.split()) if isinstance(pattern, str) else ""
        if pattern not in patterns:
            listed = ", ".join(repr(p) for p in patterns) or "none"
            raise BadInput(f"'{policy.label}' has no pattern {pattern!r} (its patterns: "
                           f"{listed}).")
        if len(patterns) < 2:
            raise BadInput(f"'{policy.label}' has only that pattern; rename it instead.")
        label = " ".join(label.split()) if isinstance(label, str) else ""
        taken = {p.id for p in self.list(discovered=True, hidden=True)}
        base = "user-" + (slug(label, 40) or "policy")
        pid, n = base, 2
        while pid in taken:
            pid, n = f"{base}-{n}", n + 1
        return self._edit({"op": "split", "policy": policy.id, "pattern": pattern, "id": pid,
                           "label": label, "description": f"Split from “{policy.label}”."},
                          policy=pid)

    def import_codebook(self, path: str | Path) -> Changes:
        """Add a codebook file's policies to the library (one undoable edit); a policy with
        the id of one the library has replaces it. `changes.counts` says how many. Raises
        BadInput naming the file and the problem."""
        from reader.extraction.policies import load_codebook

        policies = load_codebook(path)
        changes = self._edit({"op": "import", "policies": policies,
                              "source": Path(path).name})
        return Changes(policies=True, edit=changes.edit, counts={"policies": len(policies)})

    def undo(self) -> Changes:
        """Take back the last policy edit (`changes.edit` is None when there was none)."""
        edit = self._store().undo_policy_edit()
        if edit is None:
            return Changes()
        self._tables.invalidate(policies=True)
        return Changes(policies=True, edit=edit)

    def _edit(self, edit: dict, policy: str = "") -> Changes:
        from reader.extraction.policies.overlay import validate_policy_edit

        edit = validate_policy_edit(edit)
        self._store().add_policy_edit(edit)
        self._tables.invalidate(policies=True)
        return Changes(policies=True, edit=edit, policy=policy or edit.get("policy", ""))
