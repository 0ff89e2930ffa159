"""A Library whose entity and policy services are faked in memory (no spaCy).

This stand-in lets the UI tests drive the entity and policy panels without extraction,
through the services' own names and the `reader.domain` types. Entities are fixed names found
by regex in the test corpus (`NAMES`); mention sentences, notes and read state are the real
ones (the SQLite store in the test's data dir).
"""

from __future__ import annotations

import dataclasses
import re

from reader.domain import Changes, Entity, Mention, Policy, PolicyMention, Related
from reader.errors import NotFound
from reader.library import Library
from reader.services.entities import EntityService

# name -> (type, aliases)
NAMES = {
    "Michael Gove": ("Person", ("Gove",)),
    "Eileen Munro": ("Person", ()),
    "Ofsted": ("Organisation", ()),
    "Leeds": ("Place", ()),
    "Leeds City Council": ("Organisation", ()),
}


def _slug(name: str) -> str:
    return re.sub(r"\W+", "-", name.lower()).strip("-")


class FakeEntities(EntityService):
    """Entities found by regex; corrections applied in memory. Mention contexts and their
    sentences are the real service's (paragraphs: there is no NLP analysis)."""

    def __init__(self, lib: Library):
        super().__init__(lib._catalog, lib._tables, lib._write, lib._read)
        self._lib = lib
        self._entities: dict[str, Entity] | None = None
        self._undo: list[tuple[dict, dict[str, Entity]]] = []  # (edit, entities before)

    def build(self) -> dict[str, Entity]:
        if self._entities is None:
            found: dict[str, list[Mention]] = {_slug(n): [] for n in NAMES}
            aliases = sorted(((alias, _slug(n)) for n, (_, more) in NAMES.items()
                              for alias in (n, *more)), key=lambda pair: -len(pair[0]))
            for info in self._lib.articles.list():
                body = self._lib.articles.get(info.id).body
                taken: list[tuple[int, int]] = []
                for alias, ent_id in aliases:
                    for m in re.finditer(rf"\b{re.escape(alias)}\b", body):
                        if any(s < m.end() and m.start() < e for s, e in taken):
                            continue
                        taken.append((m.start(), m.end()))
                        found[ent_id].append(Mention(info.id, m.start(), m.end(), m[0]))
            self._entities = {
                _slug(n): Entity(_slug(n), n, t, tuple(a), tuple(
                    sorted(found[_slug(n)], key=lambda m: (m.doc, m.start))))
                for n, (t, a) in NAMES.items() if found[_slug(n)]}
        return self._entities

    def list(self, doc=None, type=None, include_hidden=False):
        out = [e for e in self.build().values() if include_hidden or not e.hidden]
        if doc:
            out = [e for e in out if doc in e.docs]
        if type:
            out = [e for e in out if e.type == type]
        return out

    def get(self, ref):
        ents = self.build()
        found = ents.get(ref) or next((e for e in ents.values() if e.name == ref), None)
        if found is None:
            raise NotFound(f"No entity '{ref}'")
        return found

    def related(self, ref, limit=10):
        ents = self.build()
        me = self.get(ref)
        out = [Related(e, len(set(e.docs) & set(me.docs)), [])
               for e in ents.values() if e.id != me.id and set(e.docs) & set(me.docs)]
        return sorted(out, key=lambda r: -r.score)[:limit]

    def edit(self, edit):
        before = dict(self.build())
        for single in edit["edits"] if edit["op"] == "batch" else [edit]:
            self._apply(single)
        self._undo.append((dict(edit), before))
        return Changes(entities=True, edit=dict(edit))

    def _apply(self, edit):
        ents = self.build()
        op = edit["op"]
        if op == "merge":
            source, target = ents.pop(edit["source"]), ents[edit["target"]]
            ents[target.id] = dataclasses.replace(
                target, mentions=tuple(sorted(target.mentions + source.mentions,
                                              key=lambda m: (m.doc, m.start))),
                aliases=tuple(dict.fromkeys(target.aliases + source.aliases)))
        elif op == "rename":
            ents[edit["entity"]] = dataclasses.replace(ents[edit["entity"]], name=edit["name"])
        elif op == "retype":
            ents[edit["entity"]] = dataclasses.replace(ents[edit["entity"]], type=edit["type"])
        elif op in ("hide", "unhide"):
            ents[edit["entity"]] = dataclasses.replace(ents[edit["entity"]],
                                                       hidden=op == "hide")
        else:
            raise ValueError(f"unknown op {op}")

    def undo(self):
        if not self._undo:
            return Changes()
        edit, self._entities = self._undo.pop()
        return Changes(entities=True, edit=edit)

    def edits(self):
        return [edit for edit, _ in self._undo]


class FakePolicies:
    """One policy, "Munro review", backed by Eileen Munro wherever it is named."""

    def __init__(self, lib: Library):
        self._lib = lib

    def list(self, discovered=False, hidden=False):
        mentions = []
        for info in self._lib.articles.list():
            body = self._lib.articles.get(info.id).body
            for m in re.finditer(r"Munro review", body):
                mentions.append(PolicyMention(info.id, m.start(), m.end(), m[0],
                                              actor="eileen-munro", stance="supports",
                                              date=info.date, actor_name="Eileen Munro"))
        if not mentions:
            return []
        return [Policy("munro-review", "Munro review", "Review of child protection.",
                       mentions)]


class ContractLibrary(Library):
    """`Library` with the fake entity and policy services over its own articles."""

    def __init__(self, paths):
        super().__init__(paths)
        self.entities = FakeEntities(self)
        self.policies = FakePolicies(self)
