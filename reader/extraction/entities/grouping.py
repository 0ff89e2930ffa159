"""Corpus-wide passes: every article's candidates filtered, grouped by name, typed by vote,
merged (acronyms, short organisation names, surnames) and turned into entities.

Runs on `ArticleResult`s (reader.extraction.entities.candidates), fresh or from a cache:
no Article and no Analysis is needed here.
"""

from __future__ import annotations

import logging
import re
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from reader.domain import Entity, Mention
from reader.extraction import names as N
from reader.extraction.entities.candidates import ArticleResult, Cand, Doc
from reader.extraction.entities.state import Memo
from reader.extraction.names import (
    DATE,
    LAW,
    MONEY,
    ORGANISATION,
    PERSON,
    PLACE,
    TYPES,
    WORK,
    Lexicon,
    NameWords,
    slug,
)

log = logging.getLogger(__name__)

_WORD = re.compile(r"[^\W\d_]+")


@dataclass
class Group:
    key: str
    cands: list[Cand] = field(default_factory=list)
    type: str = ""
    name: str = ""
    lexicon_name: str = ""

    def docs(self) -> set[str]:
        """Articles naming it, headlines included (they help resolve surnames)."""
        return {c.doc.id for c in self.cands}


class Corpus:
    """One extraction run over a set of articles (steps 2-4 of the package's pipeline)."""

    def __init__(self, lex: Lexicon, memo: Memo | None = None):
        self.docs: list[Doc] = []
        self.lex = lex
        self.memo = memo if memo is not None else Memo()  # the scans' earlier answers
        self.cands: list[Cand] = []
        self.acronym_defs: dict[str, set[str]] = defaultdict(set)  # acronym key -> names
        self.lower_words: set[str] = set()
        self._lower_parts: list[tuple[str, bytes]] = []  # (id, lower-case words, "|" else)

    def add(self, result: ArticleResult) -> None:
        """Take one article in (its order in the run matters: keep the articles' order)."""
        self.docs.append(result.doc)
        self.cands.extend(result.cands)
        for key, expansion in result.acronyms:
            self.acronym_defs[key].add(expansion)
        words = zlib.decompress(result.lower).decode("utf-8", "surrogatepass").split()
        self.lower_words.update(words)
        self.lower_words.discard("|")
        self._lower_parts.append((result.doc.id, result.lower))

    def grouped(self) -> dict[str, Group]:
        """Steps 2 and 3 up to the mentions found again (reader...entities.matching):
        candidates filtered, named, grouped, typed, acronyms and short names merged."""
        self._filter_common()
        self._resolve_names()
        groups = self._group(self.cands)
        self._merge_acronyms(groups)
        self._merge_short_organisations(groups)
        return groups

    # -- 2. corpus rules ---------------------------------------------------------------------
    def _common(self, names: set[str]) -> set[str]:
        """The names the corpus writes in lower case ("case reviews", "main"): capitalised
        common phrases, not names. A phrase counts when its words follow each other, all
        in lower case, in one body."""
        out: set[str] = set()
        phrases: dict[tuple[str, ...], list[str]] = defaultdict(list)
        for name in names:
            ws = tuple(w.lower() for w in _WORD.findall(name))
            if not ws or not all(w in self.lower_words for w in ws):
                continue
            if len(ws) == 1:
                out.add(name)
            else:
                phrases[ws].append(name)
        for ws in self.memo.phrase_hits(phrases, self._lower_parts):
            out.update(phrases[ws])
        return out

    def _filter_common(self) -> None:
        lw = self.lex.words
        surnames = {N.surname(c.text, lw) for c in self.cands
                    if c.label == PERSON and len(c.text.split()) > 1}

        def exempt(c: Cand) -> bool:
            return (c.label in (DATE, MONEY) or c.strong or self.lex.known(c.text)
                    or N.is_acronym(c.text) or c.text in surnames)

        common = self._common({c.text for c in self.cands if not exempt(c)})
        kept = []
        for c in self.cands:
            if exempt(c) or c.text not in common:
                kept.append(c)
            else:
                log.debug("not a name (the corpus writes it in lower case): %r", c.text)
        self.cands = kept

    def _resolve_names(self) -> None:
        kept = []
        for c in self.cands:
            res = self.lex.resolve(c.text)
            if c.label == "NORP":
                if res is None or res[1] != ORGANISATION:
                    continue  # "British", "Parliamentarians": not an entity to browse
            c.name = res[0] if res else c.text
            if c.label in (DATE, MONEY):
                c.key = f"{c.label}|{slug(c.name)}"
            else:
                c.key = slug(c.name)
            if c.key:
                kept.append(c)
        self.cands = kept

    # -- 3. grouping and merging ---------------------------------------------------------------
    def _group(self, cands: list[Cand]) -> dict[str, Group]:
        groups: dict[str, Group] = {}
        for c in cands:
            groups.setdefault(c.key, Group(c.key)).cands.append(c)
        for g in groups.values():
            self._vote(g)
        return groups

    def _vote(self, g: Group) -> None:
        names = {c.name for c in g.cands}
        lexicon = next((self.lex.resolve(n) for n in names if self.lex.resolve(n)), None)
        if lexicon:
            g.lexicon_name, g.type = lexicon
            return
        titled = any(c.form and c.label == PERSON and c.strong for c in g.cands)
        fixed = next((self.lex.types[slug(n)] for n in names if slug(n) in self.lex.types),
                     None)
        if fixed and not titled:
            g.type = fixed
            return
        votes: Counter[str] = Counter()
        for c in g.cands:
            if c.label in TYPES:
                votes[c.label] += 3 if c.strong else 1
        order = {t: i for i, t in enumerate(TYPES)}
        g.type = min(votes, key=lambda t: (-votes[t], order[t])) if votes else ORGANISATION

    @staticmethod
    def _merge(groups: dict[str, Group], source: str, target: str) -> None:
        if source == target or source not in groups or target not in groups:
            return
        src = groups.pop(source)
        for c in src.cands:
            c.key = target
        groups[target].cands.extend(src.cands)

    @staticmethod
    def _move(groups: dict[str, Group], key: str, moved: list[tuple[Cand, str]]) -> None:
        """Move single candidates of group `key` to other groups; drop `key` if emptied."""
        g = groups[key]
        for c, target in moved:
            g.cands.remove(c)
            c.key = target
            groups[target].cands.append(c)
        if not g.cands:
            del groups[key]

    def _merge_acronyms(self, groups: dict[str, Group]) -> None:
        """"LGA" into "Local Government Association": by a definition in the text, else by
        initials when exactly one multi-word name matches."""
        lw = self.lex.words
        # Multi-word names by their initials (with and without minor words), in group order.
        # Merging only adds acronym-named candidates to a group, which never changes a
        # multi-word name's display name, so the index stays true through the loop.
        by_initials: dict[str, list[tuple[int, Group, str]]] = defaultdict(list)
        n = 0
        for g in groups.values():
            if g.type in (ORGANISATION, PLACE, LAW, WORK) and not g.lexicon_name:
                name = display(g, lw)
                if len(name.split()) > 1:
                    if len(N.words(name)) >= 2:
                        for acr in {N.initials(name, lw=lw),
                                    N.initials(name, with_minor=True, lw=lw)}:
                            by_initials[acr].append((n, g, name))
                    n += 1
        for key, g in list(groups.items()):
            if key not in groups or g.lexicon_name or g.type in (PERSON, DATE, MONEY):
                continue
            name = display(g, lw)
            if not N.is_acronym(name) or N.acronym_key(name) in lw.not_acronyms:
                continue
            defined = {slug(self.lex.resolve(x)[0] if self.lex.resolve(x) else x)
                       for x in self.acronym_defs.get(N.acronym_key(name), ())}
            targets = [k for k in defined if k in groups and k != key]
            if not targets:
                targets = [e.key for _, e, _ in sorted(by_initials.get(N.acronym_key(name), ()),
                                                       key=lambda x: x[0])
                           if e.key in groups]
            if len(targets) == 1:
                self._merge(groups, key, targets[0])

    def _merge_short_organisations(self, groups: dict[str, Group]) -> None:
        """"Social Worker Commission" -> "Conservative Party Commission on Social Workers"
        within an article that names both: same head noun, words a proper subset."""
        lw = self.lex.words
        orgs = {k: g for k, g in groups.items() if g.type == ORGANISATION and not g.lexicon_name}
        shape = {}
        for k, g in orgs.items():
            name = display(g, lw)
            if not N.is_acronym(name):
                words, head = _org_words(name, lw)
                if len(words) >= 2:
                    shape[k] = (words, head)
        by_head: dict[str, list[tuple[str, frozenset[str]]]] = defaultdict(list)
        for k, (words, head) in shape.items():
            by_head[head].append((k, words))
        for key, (words, head) in shape.items():
            g = groups.get(key)
            if g is None:
                continue
            longer = [k for k, w in by_head[head] if k != key and words < w and k in groups]
            if not longer:
                continue
            moved = []
            for c in g.cands:
                here = [k for k in longer if any(x.doc is c.doc for x in groups[k].cands)]
                if len(here) == 1:
                    moved.append((c, here[0]))
            self._move(groups, key, moved)

    def resolve_surnames(self, groups: dict[str, Group]) -> None:
        """"Gove" -> "Michael Gove": per mention, the one full name with that surname in the
        same article, else in the whole corpus when only one exists."""
        lw = self.lex.words
        full: dict[str, list[str]] = defaultdict(list)  # surname slug -> group keys
        for key, g in groups.items():
            name = display(g, lw)
            if g.type == PERSON and len(name.split()) > 1 and not g.lexicon_name:
                full[slug(N.surname(name, lw))].append(key)
        if not full:
            return
        # Articles of each full name as they are before any move (only targets are asked).
        docs_of = {k: groups[k].docs() for keys in full.values() for k in keys}
        for key, g in list(groups.items()):
            words = display(g, lw).split()
            if len(words) > 1 and not any(p in words for p in lw.particles):
                continue
            targets = [k for k in full.get(key, []) if k != key]
            if not targets:
                continue
            moved = []
            for c in g.cands:
                if c.label != PERSON and g.type != PERSON:
                    continue
                here = [k for k in targets if c.doc.id in docs_of[k]]
                if len(here) == 1:
                    moved.append((c, here[0]))
                elif not here and len(targets) == 1 and g.type == PERSON:
                    moved.append((c, targets[0]))
            self._move(groups, key, moved)


# -- 4. entities -------------------------------------------------------------------------------
def entities(groups: dict[str, Group], lw: NameWords) -> list[Entity]:
    by_id: dict[str, Entity] = {}
    for g in groups.values():
        body = [c for c in g.cands if not c.in_title]
        if not body:
            continue  # only in a headline: not a body mention
        name = canonical(g, lw)
        id_ = f"{g.type.lower()}:{slug(name)}"
        mentions = {}
        for c in sorted(body, key=lambda c: (c.doc.id, c.start)):
            s, e = c.start - c.doc.off, c.end - c.doc.off
            mentions[(c.doc.id, s, e)] = Mention(c.doc.id, s, e, c.text, c.form)
        aliases = {x for c in g.cands for x in (c.text, c.form, c.also) if x}
        if id_ in by_id:  # two groups that name themselves alike: one entity
            old = by_id[id_]
            mentions.update({(m.doc, m.start, m.end): m for m in old.mentions})
            aliases |= set(old.aliases)
        aliases.discard(name)
        by_id[id_] = Entity(
            id=id_, name=name, type=g.type,
            aliases=tuple(sorted(a for a in aliases if a)),
            mentions=tuple(sorted(mentions.values(), key=lambda m: (m.doc, m.start))))
    return list(by_id.values())


def display(g: Group, lw: NameWords) -> str:
    """The group's best name so far (for rules that look at names)."""
    return g.lexicon_name or canonical(g, lw)


def canonical(g: Group, lw: NameWords) -> str:
    """The name shown: the aliases file's, else the fullest, most used, best capitalised
    spelling (persons: most words; organisations: an expansion before its acronym)."""
    if g.lexicon_name:
        return g.lexicon_name
    first = g.cands[0].name if g.cands else ""
    if all(c.name == first for c in g.cands):  # most groups: one spelling
        best = first
    else:
        counts = Counter(c.name for c in g.cands)
        first_seen = {}
        for i, c in enumerate(sorted(g.cands, key=lambda c: (c.doc.id, c.start))):
            first_seen.setdefault(c.name, i)

        def rank(n: str):
            caps = sum(ch.isupper() for ch in n)
            if g.type == PERSON:  # "Baby Peter" before its short form "Baby P"
                initial = len(n.split()[-1]) == 1
                return (-len(n.split()), initial, -counts[n], -caps, first_seen[n])
            return (N.is_acronym(n), -counts[n], -caps, first_seen[n])

        best = min(counts, key=rank)
    if g.type == PERSON and len(best.split()) == 1:
        peers = Counter(c.form for c in g.cands
                        if c.form and c.form.split()[0] in lw.peers
                        and c.form.split()[-1] == best and len(c.form.split()) == 2)
        if peers:
            return peers.most_common(1)[0][0]
    return best


def _org_words(name: str, lw: NameWords) -> tuple[frozenset[str], str]:
    """(content words, head noun) of an organisation's name, plurals folded:
    "Conservative Party Commission on Social Workers" -> ({..., "worker"}, "commission")."""
    ws = [w.lower().strip(".") for w in N.words(name)]
    ws = [w for w in ws if w and w not in ("'s", "’s")]
    content = [_singular(w) for w in ws if w not in lw.minor_words]
    head = ""
    for w in ws:
        if w in lw.minor_words:
            if head:
                break
            continue
        head = _singular(w)
    return frozenset(content), head


def _singular(word: str) -> str:
    word = re.sub(r"['’]s$", "", word)
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") \
        else word
