"""Policies: the codebook's and the user's, with their mentions, timelines and the unfiled
proposals; the user's own policies are kept in the store."""

from __future__ import annotations

from collections.abc import Callable

from reader.domain import Changes, Policy, PolicyMention, Proposal
from reader.errors import BadInput, NotFound
from reader.services.derived import DerivedTables
from reader.textutil import slug


class PolicyService:
    def __init__(self, tables: DerivedTables, store: Callable):
        self._tables = tables
        self._store = store

    def list(self, discovered: bool = False) -> list[Policy]:
        """Codebook and user policies with their mentions (empty until extraction ran); with
        `discovered`, the candidates found without a codebook follow them, ranked."""
        table = self._tables.policies()
        if table is None:
            return []
        return table.policies + (table.candidates if discovered else [])

    def get(self, ref: str) -> Policy:
        """A policy or discovered candidate by id or label (case-insensitive). Raises
        NotFound."""
        for p in self.list(discovered=True):
            if ref == p.id or ref.lower() in (p.id.lower(), p.label.lower()):
                return p
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

    def add(self, label: str, patterns: list[str], description: str = "") -> Changes:
        """A user policy, matched like the codebook's and kept in the user's store (it
        survives re-indexing); `changes.policy` is its id. Raises BadInput for an empty
        label, a taken one or a malformed pattern."""
        from reader.extraction.policies import validate_policies

        taken = {p.id for p in self.list()}  # (a candidate's id never starts "user-")
        pid = "user-" + (slug(label, 40) or "policy")
        if pid in taken:
            raise BadInput(f"There is already a policy '{label}'.")
        validate_policies([{"id": pid, "label": label, "description": description,
                            "patterns": list(patterns)}])
        self._store().add_user_policy(label, patterns, description)
        self._tables.invalidate(policies=True)
        return Changes(policies=True, policy=pid)

    def remove(self, ref: str) -> Changes:
        """Delete a user policy (codebook policies are edited in resources/codebook.toml)."""
        policy = self.get(ref)
        if not policy.user:
            raise BadInput(f"'{policy.label}' comes from the codebook; only your own policies "
                           "can be removed.")
        for p in self._tables.user_policies():
            if p["id"] == policy.id:
                self._store().delete_user_policy(p["store_id"])
        self._tables.invalidate(policies=True)
        return Changes(policies=True, policy=policy.id)
