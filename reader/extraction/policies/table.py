"""The PolicyTable (policies with their mentions, unfiled proposals), its JSON cache, timelines."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from reader.domain import Policy, PolicyMention, Proposal
from reader.errors import NotFound

if TYPE_CHECKING:
    from reader.extraction.policies.keyindex import KeyIndex

log = logging.getLogger(__name__)

POLICY_VERSION = 4  # bump when matching or attribution rules change (invalidates caches;
# 4: a proposed object's modifier keeps the digits it is written with: "3G licence")
STANCES = ("proposes", "supports", "opposes", "sceptical", "unknown")

ResolveActor = Callable[[str], "str | None"]


class PolicyTable:
    """All policies with their mentions, and the unfiled proposals, for one corpus."""

    def __init__(self, policies: Sequence[Policy], proposals: Sequence[Proposal],
                 problems: Sequence[str] = (), rules: str = "",
                 doc_keys: Mapping[str, str] | None = None,
                 candidates: Sequence[Policy] = (), facts: Mapping | None = None,
                 redirects: Mapping[str, str] | None = None,
                 merged: Mapping[str, list[Policy]] | None = None,
                 groups: Mapping | None = None, index: KeyIndex | None = None,
                 sources: Mapping | None = None):
        self.policies = list(policies)
        self.candidates = list(candidates)  # discovered policies, ranked
        # {doc: discovery.DocFacts}: what reuse of earlier results needs
        self.facts = dict(facts or {})
        self.proposals = list(proposals)
        self.problems = list(problems)  # user policies that were skipped, one line each
        # What each article's results depend on (for `build_policies(previous=...)`).
        self.rules = rules
        self.doc_keys = dict(doc_keys or {})
        self._by_id = {p.id: p for p in self.candidates + self.policies}
        # The user's policy edits (see `overlaid`): {merged-away or promoted id: its policy},
        # {policy id: the policies merged into it}.
        self.redirects = dict(redirects or {})
        self.merged = {k: list(v) for k, v in (merged or {}).items()}
        # discovery's variant groups {seed: variants}, for the next build (GroupMemo)
        self.groups = dict(groups or {})
        # the KeyIndex of `facts`, for the next build (None: made from `facts`)
        self.index = index
        # {seed: [candidate id, variants, articles]}: what each candidate was made of, for
        # the next build (GroupMemo.sources)
        self.sources = dict(sources or {})

    def overlaid(self, edits: Sequence[dict], promoted: Mapping[str, str] | None = None,
                 skipped: Sequence[str] = ()) -> PolicyTable:
        """This table with the user's presentation edits (rename, merge, hide) laid on top,
        a promoted candidate left out (`overlay.apply_presentation`); the edits skipped are
        added to `problems`."""
        from reader.extraction.policies.overlay import apply_presentation

        shown = apply_presentation(self.policies, self.candidates, edits, dict(promoted or {}))
        return PolicyTable(shown.policies, self.proposals,
                           [*self.problems, *skipped, *shown.skipped], self.rules,
                           self.doc_keys, shown.candidates, self.facts, shown.redirects,
                           shown.merged, self.groups, self.index, self.sources)

    def __len__(self) -> int:
        return len(self.policies)

    def get(self, policy_id: str) -> Policy:
        """A policy or candidate by id (a merged-away or promoted one's: the policy it went
        into). Raises NotFound."""
        try:
            return self._by_id[self.redirects.get(policy_id, policy_id)]
        except KeyError:
            raise NotFound(f"No policy with id '{policy_id}'") from None

    def for_doc(self, doc_id: str) -> list[Policy]:
        """Policies mentioned in one article (codebook order, user policies last), hidden
        ones left out."""
        return [p for p in self.policies
                if not p.hidden and any(m.doc == doc_id for m in p.mentions)]

    def proposals_for(self, doc_id: str) -> list[Proposal]:
        return [p for p in self.proposals if p.doc == doc_id]

    def timeline(self, policy_id: str) -> tuple[list[PolicyMention], list[PolicyMention]]:
        """(dated mentions by date then article and offset, undated mentions by article and
        offset). Raises NotFound."""
        mentions = self.get(policy_id).mentions
        dated = sorted((m for m in mentions if m.date), key=lambda m: (m.date, m.doc, m.start))
        undated = sorted((m for m in mentions if not m.date), key=lambda m: (m.doc, m.start))
        return dated, undated

    def to_cache(self, raw_facts: bool = False) -> dict:
        """JSON-ready dict; `from_cache` reads it back. `raw_facts`: the discovery facts and
        key index as bytes (`facts.pack_facts`, `KeyIndex.packed`), for a cache that keeps
        bytes beside its JSON (`derived.dump_cache`): not JSON-ready then."""
        from reader.extraction.policies.facts import pack_facts
        from reader.extraction.policies.keyindex import KeyIndex

        index = KeyIndex.of(self.facts) if self.index is None else self.index

        return {
            "version": POLICY_VERSION,
            "policies": [
                {"id": p.id, "label": p.label, "description": p.description, "user": p.user,
                 "mentions": [mention_row(m) for m in p.mentions]}
                for p in self.policies
            ],
            "proposals": [proposal_row(p) for p in self.proposals],
            "candidates": [
                {"id": c.id, "label": c.label, "description": c.description,
                 "variants": c.variants, "mentions": [mention_row(m) for m in c.mentions]}
                for c in self.candidates
            ],
            "facts": pack_facts(self.facts, raw_facts),
            "problems": self.problems,
            "rules": self.rules,
            "docs": self.doc_keys,
            "groups": {k: sorted(v) for k, v in self.groups.items()},
            "sources": self.sources,
            "index": (None if index is None
                      else index.packed() if raw_facts else index.content()),
        }

    @classmethod
    def from_cache(cls, data: Mapping, resolve_actor: ResolveActor | None = None
                   ) -> PolicyTable:
        """Rebuild from `to_cache()` output. With `resolve_actor`, actor names are resolved
        again (an entity edit then needs no re-matching).

        Raises ValueError when the data is not a current policy cache (rebuild it)."""
        from reader.extraction.policies.facts import unpack_facts

        try:
            if data["version"] != POLICY_VERSION:
                raise ValueError(f"policy cache version {data['version']!r}")
            policies = []
            for raw in data["policies"]:
                mentions = [mention_from_row(row, resolve_actor) for row in raw["mentions"]]
                policies.append(Policy(str(raw["id"]), str(raw["label"]),
                                       str(raw["description"]), mentions, bool(raw["user"])))
            proposals = [proposal_from_row(row) for row in data["proposals"]]
            candidates = []
            for raw in data["candidates"]:
                mentions = [mention_from_row(row, resolve_actor) for row in raw["mentions"]]
                candidates.append(Policy(str(raw["id"]), str(raw["label"]),
                                         str(raw["description"]), mentions, discovered=True,
                                         variants=[str(v) for v in raw["variants"]]))
            if resolve_actor is not None:
                proposals = [replace(p, proposer=resolved(p.proposer_name, resolve_actor))
                             for p in proposals]
            problems = [str(p) for p in data["problems"]]
            facts = unpack_facts(data["facts"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"unreadable policy cache: {exc}") from exc
        return cls(policies, proposals, problems, str(data.get("rules", "")),
                   {str(k): str(v) for k, v in dict(data.get("docs", {})).items()},
                   candidates, facts,
                   groups=dict(data.get("groups") or {}),
                   sources=dict(data.get("sources") or {}))


# -- cache rows (shared with build.py's reuse of earlier results) ------------------------


def mention_row(m: PolicyMention) -> list:
    return [m.doc, m.start, m.end, m.text, m.actor_name, m.actor, m.stance, m.date]


def mention_from_row(row: Sequence, resolve_actor: ResolveActor | None = None
                     ) -> PolicyMention:
    """With `resolve_actor`, the actor's name resolved again (`resolved`). Raises
    TypeError/ValueError for a malformed row."""
    doc, start, end, text, name, actor, stance, date = row
    if resolve_actor is not None:
        actor = resolved(name, resolve_actor)
    return PolicyMention(str(doc), int(start), int(end), str(text), actor, str(stance),
                         str(date), name)


def proposal_row(p: Proposal) -> list:
    return [p.doc, p.start, p.end, p.text, p.cue, p.object, p.key, p.proposer_name,
            p.proposer, p.stance, p.date]


def proposal_from_row(row: Sequence) -> Proposal:
    """Raises TypeError/ValueError for a malformed row."""
    doc, start, end, text, cue, obj, key, name, proposer, stance, date = row
    return Proposal(str(doc), int(start), int(end), str(text), str(cue), str(obj), str(key),
                    proposer, name, str(stance), str(date))



def resolved(name: str | None, resolve_actor: ResolveActor) -> str | None:
    """The entity id of an actor's name, else the name itself (None stays None)."""
    if name is None:
        return None
    try:
        found = resolve_actor(name)
    except Exception:  # a resolver bug must not lose the policy table
        log.exception("resolve_actor failed for %r", name)
        found = None
    return found or name
