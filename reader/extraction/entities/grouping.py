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
from reader.extraction.entities.nameforms import (
    _acronym,
    _org_words,
    _overwhelming,
    _resolved_slug,
    _spelled,
    _titled_class,
)
from reader.extraction.entities.state import Memo
from reader.extraction.names import (
    DATE,
    LAW,
    MONEY,
    ORGANISATION,
    OTHER,
    PERSON,
    PLACE,
    TYPES,
    WORK,
    Lexicon,
    NameWords,
    slug,
)

log = logging.getLogger(__name__)

_ORDER = {t: i for i, t in enumerate(TYPES)}  # the vote's tie-break


@dataclass
class Group:
    key: str
    cands: list[Cand] = field(default_factory=list)
    type: str = ""
    name: str = ""
    lexicon_name: str = ""
    # canonical()'s answer for (type, lexicon name); change `cands` by `add`/`drop` only.
    shown: tuple[str, str, str] | None = field(default=None, repr=False, compare=False)

    def add(self, cands) -> None:
        self.cands.extend(cands)
        self.shown = None

    def drop(self, cand: Cand) -> None:
        self.cands.remove(cand)
        self.shown = None

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
        self.groupish: set[str] = set()  # nationality and group words ("German", "Nazis")
        self.lower_parts: list[tuple[str, bytes]] = []  # (id, lower-case words, "|" else)
        self.trace = None  # a channels.Trace told about each pass, when set
        self.first_names: dict[str, Counter] = {}  # surnames.py: title classes by first name

    def add(self, result: ArticleResult, words: bool = True, cands: bool = True) -> None:
        """Take one article in (its order in the run matters: keep the articles' order).
        `words=False` leaves its lower-case words out of `lower_words` (the caller sets
        `lower_words` itself); `cands=False` its candidates out of `cands` (the caller
        runs the rules on the articles: rules.apply)."""
        self.docs.append(result.doc)
        if cands:
            self.cands.extend(result.cands)
        for key, expansion in result.acronyms:
            self.acronym_defs[key].add(expansion)
        if words:
            self.lower_words.update(
                zlib.decompress(result.words).decode("utf-8", "surrogatepass").split())
        self.lower_parts.append((result.doc.id, result.lower))

    def grouped(self) -> dict[str, Group]:
        """Steps 2 and 3 up to the mentions found again (reader...entities.matching):
        candidates filtered, named, grouped, typed, acronyms and short names merged."""
        self.rules()
        return self.merged(self.cands)

    def rules(self) -> None:
        """Step 2: the candidates that are no names dropped, the others named (`key`)
        (rules.py)."""
        from reader.extraction.entities.rules import apply

        apply(self, None)

    def merged(self, cands: list[Cand]) -> dict[str, Group]:
        """`cands` (filtered and named) grouped, typed, and merged: the part of `grouped`
        after the corpus rules. Moves `cands` between groups (their `key`)."""
        groups = self._group(cands)
        trace = self.trace
        if trace:
            trace.voted(groups)
        self._merge_acronyms(groups)
        if trace:
            trace.acronyms_merged(groups)
        self._merge_short_organisations(groups)
        if trace:
            trace.orgs_merged(groups)
        _merge_spellings(groups, self.lex.words)
        return groups

    # -- 2. corpus rules ---------------------------------------------------------------------
    # -- 3. grouping and merging ---------------------------------------------------------------
    def _group(self, cands: list[Cand]) -> dict[str, Group]:
        groups: dict[str, Group] = {}
        for c in cands:
            g = groups.get(c.key)
            if g is None:
                g = groups[c.key] = Group(c.key)
            g.cands.append(c)  # nothing shown yet: no `add` needed
            c.unit = c.key
        for g in groups.values():
            self._vote(g)
        return groups

    def _vote(self, g: Group) -> None:
        # Every name of a fresh group folds to one slug: its key's (after any label).
        folded = slug(g.cands[0].name)
        lexicon = self.lex.canonical.get(folded)
        if lexicon:
            g.lexicon_name, g.type = lexicon
            return
        titled = any(c.form and c.label == PERSON and c.strong for c in g.cands)
        name = g.cands[0].name.split()
        if len(name) > 1 and not titled:
            if name[-1] in self.lex.words.organisation_heads:
                g.type = ORGANISATION  # "Manchester United", "Child Support Agency"
                return
            if name[-1] in self.lex.words.other_heads:
                g.type = OTHER  # "Champions League", "Australian Open"
                return
        # A rule's label (the words around a name, a title) weighs 4, the model's 2; for
        # one untitled word ("Yukos", "Liverpool") the model's weighs 1: its guesses for a
        # lone word are the least sure (most mentions of "Yukos" called a person).
        lone = len(name) == 1 and not titled
        votes: dict[str, int] = {}
        for c in g.cands:
            if c.label in _ORDER:
                weight = 4 if c.strong else 1 if lone else 2
                votes[c.label] = votes.get(c.label, 0) + weight
        voted = min(votes, key=lambda t: (-votes[t], _ORDER[t])) if votes else ORGANISATION
        if voted == PERSON and not titled and _initialism(name[-1], self.lex.words):
            voted = ORGANISATION  # "Team GB", "Neath RFC", "GB": no person's name ends so
        fixed = self.lex.types.get(folded)
        if fixed and not titled and not _overwhelming(votes, voted, fixed):
            g.type = fixed
            return
        g.type = voted

    @staticmethod
    def _merge(groups: dict[str, Group], source: str, target: str) -> None:
        if source == target or source not in groups or target not in groups:
            return
        src = groups.pop(source)
        for c in src.cands:
            c.key = target
        groups[target].add(src.cands)

    @staticmethod
    def _move(groups: dict[str, Group], key: str, moved: list[tuple[Cand, str]]) -> None:
        """Move single candidates of group `key` to other groups; drop `key` if emptied."""
        g = groups[key]
        for c, target in moved:
            g.drop(c)
            c.key = target
            groups[target].add((c,))
        if not g.cands:
            del groups[key]

    def _merge_acronyms(self, groups: dict[str, Group]) -> None:
        """"LGA" into "Local Government Association", "U.S." into "United States": by a
        definition in the text ("the United Nations (UN)"), else by initials (minor words
        such as "of", "the", "and", "for" left out or not) when exactly one multi-word name
        of a compatible type spells them and shares an article with the acronym (the
        evidence that the corpus means it: an acronym and a name that never meet stay
        apart). Of several such names, one that clearly shares the most (`_met`)."""
        lw = self.lex.words
        # Multi-word names by their initials (with and without minor words), in group order.
        # Merging only adds acronym-named candidates to a group, which never changes a
        # multi-word name's display name, so the index stays true through the loop.
        by_initials: dict[str, list[tuple[int, Group, str]]] = defaultdict(list)
        spelled = self.memo.cached("spelled", lambda name: _spelled(name, lw))
        acronym = self.memo.cached("acronym", lambda name: _acronym(name, lw))
        resolved = self.memo.cached("resolved-slug", lambda x: _resolved_slug(x, self.lex))
        n = 0
        for g in groups.values():
            if g.type in _SPELLS and not g.lexicon_name:
                name = display(g, lw)
                if len(name.split()) > 1:
                    for acr in spelled(name):
                        by_initials[acr].append((n, g, name))
                    n += 1
        for key, g in list(groups.items()):
            if key not in groups or g.lexicon_name or g.type in (PERSON, DATE, MONEY):
                continue
            acr = acronym(display(g, lw))
            if not acr:
                continue
            defined = {resolved(x) for x in self.acronym_defs.get(acr, ())}
            targets = [k for k in defined if k in groups and k != key]
            if not targets:
                spell = [e for _, e, _ in sorted(by_initials.get(acr, ()), key=lambda x: x[0])
                         if e.key in groups and e.key != key
                         and _SPELLS[e.type] == _SPELLS.get(g.type)]
                targets = _met(g, spell)
            if len(targets) == 1:
                self._merge(groups, key, targets[0])

    def _merge_short_organisations(self, groups: dict[str, Group]) -> None:
        """"Social Worker Commission" -> "Conservative Party Commission on Social Workers"
        within an article that names both: same head noun, words a proper subset."""
        lw = self.lex.words
        orgs = {k: g for k, g in groups.items() if g.type == ORGANISATION and not g.lexicon_name}
        shape = {}
        org_words = self.memo.cached("org-words", lambda name: (
            () if N.is_acronym(name) else _org_words(name, lw)))
        for k, g in orgs.items():
            found = org_words(display(g, lw))
            if found and len(found[0]) >= 2:
                shape[k] = found
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


# Types whose multi-word names an acronym may stand for, by compatibility class: a body
# ("UN", "EU", "BBC") is typed Organisation or Place by the model's whim; a law, a work and
# an event only ever stand for their own kind.
_SPELLS = {ORGANISATION: "body", PLACE: "body", LAW: LAW, WORK: WORK, OTHER: OTHER}


def _met(acronym: Group, names: list[Group]) -> list[str]:
    """The key among `names` an acronym joins, [] for none: the one name that shares an
    article with it; of several, one that shares at least three articles with it and three
    times as many as any other ("US": "United States", not a "Universal Studios" met once)."""
    if not names:
        return []
    docs = acronym.docs()
    shared = sorted(((len(docs & g.docs()), g.key) for g in names),
                    key=lambda x: -x[0])  # stable: group order breaks ties
    shared = [x for x in shared if x[0]]
    if len(shared) == 1:
        return [shared[0][1]]
    if len(shared) > 1 and shared[0][0] >= 3 and shared[0][0] >= 3 * shared[1][0]:
        return [shared[0][1]]
    return []


def _merge_spellings(groups: dict[str, Group], lw: NameWords) -> None:
    """One name written with and without spaces or hyphens ("Time Warner", "TimeWarner";
    "Game Boy", "GameBoy"), and an award or competition with and without its plural "s"
    when either is an Other ("Oscar", "the Oscars"): one group, the one with the most
    candidates (then the first key). A person never joins a non-person; dates and money,
    titled surnames ("kennedy~m") and names from the aliases file are left alone. A pure
    function of the groups: which merge depends on nothing else."""
    by_form: dict[str, list[str]] = defaultdict(list)
    for key, g in groups.items():
        if g.type not in (DATE, MONEY) and "~" not in key and not g.lexicon_name:
            by_form[_SPACING.sub("", display(g, lw)).casefold()].append(key)
    sets = [keys for keys in by_form.values() if len(keys) > 1]
    for form, keys in by_form.items():
        plural = by_form.get(form + "s")
        if plural and not form.endswith("s") and any(
                groups[k].type == OTHER for k in keys + plural):
            sets.append(keys + plural)
    for keys in sets:
        keys = [k for k in dict.fromkeys(keys) if k in groups]
        if len(keys) < 2:
            continue
        target = min(keys, key=lambda k: (-len(groups[k].cands), k))
        person = groups[target].type == PERSON
        for k in sorted(keys):
            if k != target and (groups[k].type == PERSON) == person:
                Corpus._merge(groups, k, target)


_SPACING = re.compile(r"[\s\-‐‑–]+")


def titled_class(c: Cand, lw: NameWords) -> str:
    """The title class ("m", "fp", ...; names.title_class) of a person named by a title and
    one surname ("Mr Kennedy", "Tory leader Mr Howard"), else ""."""
    return _titled_class(c.text, c.label, c.form, lw)


_ROMAN = re.compile(r"[IVXL]+")


def _initialism(word: str, lw: NameWords) -> bool:
    """An all-capitals word of two letters or more that is no post-nominal ("MP", "QC")
    and no regnal number ("Richard III")."""
    return (len(word) > 1 and word.isalpha() and word.isupper()
            and word not in lw.suffix_titles and not _ROMAN.fullmatch(word))


# -- 4. entities -------------------------------------------------------------------------------
def entities(groups: dict[str, Group], lw: NameWords, memo: Memo | None = None
             ) -> list[Entity]:
    """The groups as entities. A mention in the headline counts (an entity only a headline
    names is an entity): its `field` is "title" and its offsets index the title."""
    by_id: dict[str, Entity] = {}
    slug_of = (memo or Memo()).cached("slug", slug)
    for g in groups.values():
        if not g.cands:
            continue
        name, cands = canonical(g, lw), g.cands
        id_ = f"{g.type.lower()}:{slug_of(name)}"
        if len(cands) > 1:
            cands = sorted(cands, key=_doc_start)
        mentions = {}
        for c in cands:
            doc, off = c.doc.id, c.doc.off
            if c.start >= off:
                s, e = c.start - off, c.end - off
                mentions[(doc, s, e, "body")] = Mention(doc, s, e, c.text, c.form)
            else:  # the headline: full text = title + "\n\n" + body, the title first
                mentions[(doc, c.start, c.end, "title")] = Mention(
                    doc, c.start, c.end, c.text, c.form, "title")
        aliases = {c.text for c in cands}
        aliases.update([c.form for c in cands if c.form])
        aliases.update([c.also for c in cands if c.also])
        aliases.discard("")
        ordered = mentions.values()  # in (article, headline, body order) already
        if id_ in by_id:  # two groups that name themselves alike: one entity
            old = by_id[id_]
            mentions.update({(m.doc, m.start, m.end, m.field): m for m in old.mentions})
            aliases |= set(old.aliases)
            ordered = sorted(mentions.values(), key=mention_order)
        aliases.discard(name)
        by_id[id_] = Entity(
            id=id_, name=name, type=g.type,
            aliases=tuple(sorted(a for a in aliases if a)), mentions=tuple(ordered))
    return list(by_id.values())


def mention_order(m: Mention) -> tuple[str, bool, int]:  # article, headline first, offset
    return m.doc, m.field != "title", m.start


def _doc_start(c: Cand) -> tuple[str, int]:
    return c.doc.id, c.start


def display(g: Group, lw: NameWords) -> str:
    """The group's best name so far (for rules that look at names)."""
    return g.lexicon_name or canonical(g, lw)


def canonical(g: Group, lw: NameWords) -> str:
    """The name shown: the aliases file's, else the fullest, most used, best capitalised
    spelling (persons: most words; organisations: an expansion before its acronym)."""
    if g.lexicon_name:
        return g.lexicon_name
    if g.shown is not None and g.shown[:2] == (g.type, g.lexicon_name):
        return g.shown[2]
    name = _canonical(g, lw)
    g.shown = (g.type, g.lexicon_name, name)
    return name


def _canonical(g: Group, lw: NameWords) -> str:
    first = g.cands[0].name if g.cands else ""
    if len({c.name for c in g.cands}) <= 1:  # most groups: one spelling
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
        titled = "~" in g.key
        peers = Counter(c.form for c in g.cands
                        if c.form and (titled or c.form.split()[0] in lw.peers)
                        and c.form.split()[0] in lw.honorifics
                        and c.form.split()[-1] == best and len(c.form.split()) == 2)
        if peers:
            return peers.most_common(1)[0][0]
    return best
