"""A Library with the CONTRACT's entity, policy and read-state methods faked in memory.

This stand-in lets the UI tests drive the entity and policy panels without spaCy, against
exactly the contract's names and shapes. Entities are fixed names found by regex in the test
corpus (`NAMES`). Notes are the real ones (the SQLite store in the test's data dir).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from reader.errors import NotFound
from reader.library import Library

# name -> (type, aliases)
NAMES = {
    "Michael Gove": ("Person", ("Gove",)),
    "Eileen Munro": ("Person", ()),
    "Ofsted": ("Organisation", ()),
    "Leeds": ("Place", ()),
    "Leeds City Council": ("Organisation", ()),
}


@dataclass
class Mention:
    doc: str
    start: int
    end: int
    text: str


@dataclass
class Entity:
    id: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    hidden: bool = False

    @property
    def count(self) -> int:
        return len(self.mentions)

    @property
    def docs(self) -> list[str]:
        return sorted({m.doc for m in self.mentions})


@dataclass
class MentionContext:
    doc: str
    title: str
    date: str
    start: int
    end: int
    text: str
    sentence: str
    sentence_start: int


@dataclass
class Related:
    entity: Entity
    score: float
    evidence: list = field(default_factory=list)


@dataclass
class PolicyMention:
    doc: str
    start: int
    end: int
    text: str
    actor: str = ""  # entity id
    stance: str = ""
    date: str = ""
    actor_name: str = ""


@dataclass
class Policy:
    id: str
    label: str
    description: str = ""
    docs: list[str] = field(default_factory=list)
    first_date: str = ""
    last_date: str = ""
    user: bool = False
    mentions: list[PolicyMention] = field(default_factory=list)


def _slug(name: str) -> str:
    return re.sub(r"\W+", "-", name.lower()).strip("-")


class ContractLibrary(Library):
    """`Library` plus in-memory entities/policies/read state over its own articles."""

    def __init__(self, paths):
        super().__init__(paths)
        self._fake_entities: dict[str, Entity] | None = None
        self._fake_undo: list[dict[str, Entity]] = []
        self._fake_read: set[str] = set()
        self.edits: list[dict] = []

    # -- entities ------------------------------------------------------------------------
    def _build(self) -> dict[str, Entity]:
        if self._fake_entities is None:
            ents = {_slug(n): Entity(_slug(n), n, t, list(a)) for n, (t, a) in NAMES.items()}
            for info in self.articles():
                body = self.article(info.id).body
                taken: list[tuple[int, int]] = []
                spans = sorted(((alias, e) for e in ents.values()
                                for alias in (e.name, *e.aliases)),
                               key=lambda pair: -len(pair[0]))
                for alias, ent in spans:
                    for m in re.finditer(rf"\b{re.escape(alias)}\b", body):
                        if any(s < m.end() and m.start() < e for s, e in taken):
                            continue
                        taken.append((m.start(), m.end()))
                        ent.mentions.append(Mention(info.id, m.start(), m.end(), m[0]))
            for ent in ents.values():
                ent.mentions.sort(key=lambda m: (m.doc, m.start))
            self._fake_entities = {k: e for k, e in ents.items() if e.mentions}
        return self._fake_entities

    def entities(self, doc=None, type=None, include_hidden=False):
        out = [e for e in self._build().values() if include_hidden or not e.hidden]
        if doc:
            out = [e for e in out if doc in e.docs]
        if type:
            out = [e for e in out if e.type == type]
        return copy.deepcopy(out)

    def entity(self, entity_id):
        try:
            return copy.deepcopy(self._build()[entity_id])
        except KeyError:
            raise NotFound(f"No entity '{entity_id}'") from None

    def mention_contexts(self, mentions):
        infos = {i.id: i for i in self.articles()}
        out = []
        for m in mentions:
            body = self.article(m.doc).body
            stop_before = max(body.rfind(". ", 0, m.start), body.rfind("\n", 0, m.start))
            start = 0 if stop_before < 0 else stop_before + (2 if body[stop_before] == "." else 1)
            stop = min(x for x in (body.find(". ", m.end), body.find("\n", m.end), len(body))
                       if x >= 0)
            sentence = body[start:stop + 1].rstrip()
            info = infos[m.doc]
            out.append(MentionContext(m.doc, info.title, info.date, m.start, m.end, m.text,
                                      sentence, start))
        return sorted(out, key=lambda c: (c.date or "9999", c.doc, c.start))

    def related(self, entity_id, limit=10):
        ents = self._build()
        me = ents[entity_id]
        out = [Related(copy.deepcopy(e), float(len(set(e.docs) & set(me.docs))))
               for e in ents.values() if e.id != entity_id and set(e.docs) & set(me.docs)]
        return sorted(out, key=lambda r: -r.score)[:limit]

    def edit_entities(self, edit):
        ents = self._build()
        self._fake_undo.append(copy.deepcopy(ents))
        self.edits.append(dict(edit))
        op = edit["op"]
        if op == "merge":
            source, target = ents.pop(edit["source"]), ents[edit["target"]]
            target.mentions = sorted(target.mentions + source.mentions,
                                     key=lambda m: (m.doc, m.start))
            target.aliases = list(dict.fromkeys(target.aliases + source.aliases))
        elif op == "rename":
            ents[edit["entity"]].name = edit["name"]
        elif op == "retype":
            ents[edit["entity"]].type = edit["type"]
        elif op in ("hide", "unhide"):
            ents[edit["entity"]].hidden = op == "hide"
        else:
            self._fake_undo.pop()
            raise ValueError(f"unknown op {op}")

    def undo_entity_edit(self):
        if not self._fake_undo:
            return None
        self._fake_entities = self._fake_undo.pop()
        return self.edits.pop()

    # -- policies ------------------------------------------------------------------------
    def policies(self):
        mentions = []
        for info in self.articles():
            body = self.article(info.id).body
            for m in re.finditer(r"Munro review", body):
                mentions.append(PolicyMention(info.id, m.start(), m.end(), m[0],
                                              actor="eileen-munro", stance="supports",
                                              date=info.date, actor_name="Eileen Munro"))
        if not mentions:
            return []
        dates = sorted(m.date for m in mentions if m.date)
        return [Policy("munro-review", "Munro review", "Review of child protection.",
                       sorted({m.doc for m in mentions}), dates[0] if dates else "",
                       dates[-1] if dates else "", False, mentions)]

    # -- read state ----------------------------------------------------------------------
    def set_read(self, doc, read=True):
        (self._fake_read.add if read else self._fake_read.discard)(doc)

    def read_docs(self):
        return set(self._fake_read)


class BareLibrary(Library):
    """The foundation only, as before the CONTRACT's features landed: the feature methods
    are absent (None is what `Backend.has` sees as missing), and `entities` raises
    NotImplementedError like a stub would."""

    entity = mention_contexts = related = edit_entities = undo_entity_edit = None
    policies = proposals = notes = add_note = update_note = trash_note = restore_note = None
    note = search_notes = note_tags = import_notes = None
    render_markdown = export_notes = set_read = read_docs = None

    def entities(self, *args, **kwargs):
        raise NotImplementedError
