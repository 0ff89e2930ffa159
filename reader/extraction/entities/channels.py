"""What couples groups across the corpus-wide passes (grouping.py, matching.py, surnames.py,
entities): "channels", so that a change can be spliced in by re-running only the groups it
reaches (splice.py).

A *unit* is a group as `Corpus._group` first makes it (its key then); every candidate keeps
its unit (`Cand.unit`), whichever group merges or moves take it to. At each pass each group
emits tokens naming everything its decisions there read or are read by (its acronym key and
the acronyms its initials spell, its head noun, its spelling form, the forms it is looked for
by, its surname, its entity id), and a group holding several units emits a membership token.
Two units that never share a token, directly or through other units, never read each other:
re-running a set closed under shared tokens gives those units exactly what a full build
gives them. Reads of corpus-wide inputs are tokens that couple nothing ("W<" a word looked
up among the lower-case ones, "F<" a full name's first name): they say which units a move
of that input reaches. The scans' matches are checked apart by splice.py.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from itertools import combinations

from reader.extraction import names as N
from reader.extraction.entities.grouping import _SPACING, _SPELLS, Group, canonical, display
from reader.extraction.entities.nameforms import _acronym, _org_words, _spelled
from reader.extraction.entities.state import Memo
from reader.extraction.names import DATE, MONEY, ORGANISATION, PERSON, Lexicon, slug


class Trace:
    """Tokens per unit, collected pass by pass (`passed`)."""

    def __init__(self, lex: Lexicon, acronym_defs: dict[str, set[str]],
                 memo: Memo | None = None):
        self.lex = lex
        memo = memo if memo is not None else Memo()  # the build's: the same functions
        self.units: dict[str, set[str]] = defaultdict(set)
        lw = lex.words
        self._spelled = memo.cached("spelled", lambda name: _spelled(name, lw))
        self._acronym = memo.cached("acronym", lambda name: _acronym(name, lw))
        self._org_words = memo.cached("org-words", lambda name: (
            () if N.is_acronym(name) else _org_words(name, lw)))
        self._surname = memo.cached("surname", lambda text: N.surname(text, lw))
        self._slug = memo.cached("slug", slug)
        # acronym key -> the keys its definitions resolve to, reversed
        from reader.extraction.entities.nameforms import _resolved_slug

        resolved = memo.cached("resolved-slug", lambda x: _resolved_slug(x, lex))
        self._defined: dict[str, list[str]] = defaultdict(list)
        for acr, expansions in acronym_defs.items():
            for x in expansions:
                self._defined[resolved(x)].append(acr)
        # for `same_entities`: each group's match candidates after the scan, and each
        # entity id's units
        self.matches: list[tuple[str, list]] = []
        self.ids: dict[str, set[str]] = defaultdict(set)
        self.id_of: dict[str, str] = {}  # group key -> its entity id

    def _emit(self, groups: Iterable[Group], tokens: Callable[[Group], list[str]]) -> None:
        units = self.units
        for g in groups:
            if not g.cands:
                continue
            toks = tokens(g)
            cands = g.cands
            several = {c.unit for c in cands} if len(cands) > 1 else ()
            if len(several) > 1:
                toks.append("m:" + g.key)
                for u in several:
                    units[u].update(toks)
            elif toks:
                units[cands[0].unit].update(toks)

    def voted(self, groups: dict[str, Group]) -> None:
        """After `_group` (before any merge): the acronym merge's reads."""
        lw = self.lex.words

        def tokens(g: Group) -> list[str]:
            # "A>": an acronym group reads the names that may stand for it ("A<"): the
            # multi-word names its key spells and its definitions' names; those names do
            # not read each other (`closure` pairs the two kinds).
            out = ["A<" + a for a in self._defined.get(g.key, ())]
            if g.lexicon_name:
                return out
            name = display(g, lw)
            if g.type not in (PERSON, DATE, MONEY):
                acr = self._acronym(name)
                if acr:
                    out.append("A>" + acr)
            if g.type in _SPELLS and len(name.split()) > 1:
                out.extend("A<" + a for a in self._spelled(name))
            return out

        self._emit(groups.values(), tokens)

    def acronyms_merged(self, groups: dict[str, Group]) -> None:
        """Before the short organisations' merge: head nouns."""
        lw = self.lex.words

        def tokens(g: Group) -> list[str]:
            if g.type != ORGANISATION or g.lexicon_name:
                return []
            found = self._org_words(display(g, lw))
            if not found or len(found[0]) < 2:
                return []
            # "H>": a short name reads the names with its head noun whose words are a
            # proper superset of its own ("H<": each subset of two words or more of a
            # longer name's); names that are not nested never read each other.
            words, head = sorted(found[0]), found[1]
            out = [f"H>{head}:{' '.join(words)}"]
            if len(words) <= 8:
                for n in range(2, len(words)):
                    out.extend(f"H<{head}:{' '.join(sub)}" for sub in combinations(words, n))
            else:  # never in practice: every name of that head, both ways
                out.append(f"H*{head}")
            return out

        self._emit(groups.values(), tokens)

    def orgs_merged(self, groups: dict[str, Group]) -> None:
        """Before the spellings' merge: spelling forms (a plural's singular too)."""
        lw = self.lex.words

        def tokens(g: Group) -> list[str]:
            if g.type in (DATE, MONEY) or "~" in g.key or g.lexicon_name:
                return []
            form = _SPACING.sub("", display(g, lw)).casefold()
            out = ["p:" + form]
            if form.endswith("s"):
                out.append("p:" + form[:-1])
            return out

        self._emit(groups.values(), tokens)

    def headlines(self, groups: dict[str, Group]) -> None:
        """Before the headline-only names are dropped (matching._drop_headline_phrases):
        the words they look up among the lower-case ones."""

        def tokens(g: Group) -> list[str]:
            if not all(c.in_title for c in g.cands):
                return []
            return ["W<" + c.text.split()[0].lower() for c in g.cands
                    if " " in c.text and c.label not in (DATE, MONEY)]

        self._emit(groups.values(), tokens)

    def grouped(self, groups: dict[str, Group], per_key: dict[str, tuple],
                reads: dict[str, list[str]]) -> None:
        """Before the scan: the forms each group is looked for by (ambiguous forms couple
        their groups), and every key (a surname's match group joins one of that key).
        `per_key`, `reads`: matching.group_forms(groups). "W<": a word looked up among the
        lower-case ones (no group emits "W>": the token couples nothing, it says which
        units a change of the lower-case words reaches)."""

        def tokens(g: Group) -> list[str]:
            _, forms, surnames = per_key[g.key]
            return ["k:" + g.key, *("f:" + f for f in forms), *("f:" + f for f in surnames),
                    *("W<" + w for w in reads.get(g.key, ()))]

        self._emit(groups.values(), tokens)

    def matched(self, groups: dict[str, Group]) -> None:
        """Before surnames: surname keys, full names' surnames, match forms; "F<": a full
        name's first name, whose title classes among all full names it may read (no
        group emits "F>": the token says which units a change of them reaches)."""
        lw = self.lex.words
        self.matches = [(k, [c for c in g.cands if c.source == "match"])
                        for k, g in groups.items()]

        def tokens(g: Group) -> list[str]:
            out = ["s:" + g.key.partition("~")[0], "k:" + g.key]
            out.extend({"f:" + c.text for c in g.cands if c.source == "match"})
            if g.type == PERSON and not g.lexicon_name and "~" not in g.key:
                name = display(g, lw)
                if len(name.split()) > 1:
                    out.append("s:" + self._slug(self._surname(name)))
                    out.append("F<" + name.split()[0])
            return out

        self._emit(groups.values(), tokens)

    def surnamed(self, groups: dict[str, Group]) -> None:
        """Before `entities`: entity ids (two groups that name themselves alike)."""
        lw = self.lex.words

        def tokens(g: Group) -> list[str]:
            id_ = self.id_of[g.key] = f"{g.type.lower()}:{self._slug(canonical(g, lw))}"
            self.ids[id_].update({c.unit for c in g.cands})
            return ["i:" + id_]

        self._emit(groups.values(), tokens)


def closure(seeds: Iterable[str], units: dict[str, Iterable[str]],
            holders: dict[str, Iterable[str]], limit: int | None = None) -> set[str] | None:
    """The units reachable from `seeds` through shared tokens (`holders`: token -> units;
    a directed token "X>..." meets its own kind and "X<..."; "X<..." meets "X>..." only);
    None when more than `limit`."""
    out = set(seeds)
    todo = list(out)
    seen: set[str] = set()
    while todo:
        u = todo.pop()
        for tok in units.get(u, ()):
            for t in _partners(tok):
                if t in seen:
                    continue
                seen.add(t)
                for v in holders.get(t, ()):
                    if v not in out:
                        out.add(v)
                        todo.append(v)
                        if limit is not None and len(out) > limit:
                            return None
    return out


def _partners(tok: str) -> tuple[str, ...]:
    if len(tok) > 1 and tok[1] in "<>":
        if tok[1] == "<":
            return (tok[0] + ">" + tok[2:],)
        return (tok, tok[0] + "<" + tok[2:])
    return (tok,)


def holders_of(units: dict[str, Iterable[str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for u, toks in units.items():
        for t in toks:
            out[t].append(u)
    return out


def _fresh(cands) -> list:
    from copy import copy

    out = []
    for c in cands:
        c = copy(c)
        c.key = c.unit
        out.append(c)
    return out


def same_entities(corpus, trace: Trace, extracted: list, units: set[str]) -> bool:
    """Whether every pass after the corpus rules (merges, headline phrases, the scan's
    matches and the first names' title classes as the full run found them, surnames,
    entities) re-run on the candidates of
    `units` alone gives the entities the full run (`extracted`, traced by `trace`) made of
    those units, and no entity of the full run mixes units inside and outside `units`."""
    from reader.extraction.entities.grouping import entities
    from reader.extraction.entities.matching import _drop_headline_phrases
    from reader.extraction.entities.surnames import resolve_surnames

    inside = set()
    for id_, us in trace.ids.items():
        mine = {u in units for u in us}
        if len(mine) > 1:
            return False
        if mine == {True}:
            inside.add(id_)
    saved, corpus.trace = corpus.trace, None
    first = corpus.first_names
    try:
        groups = corpus.merged(_fresh(c for c in corpus.cands if c.unit in units))
        never = corpus.lower_words | {w.lower() for w in corpus.groupish}
        _drop_headline_phrases(groups, never)
        for _key, found in trace.matches:
            found = [c for c in found if c.unit in units]
            if found:
                for c in _fresh(found):
                    groups.setdefault(c.key, Group(c.key, type=PERSON)).add((c,))
        resolve_surnames(corpus, groups, first)
        again = entities(groups, corpus.lex.words, Memo())
    finally:
        corpus.trace, corpus.first_names = saved, first
    return again == [e for e in extracted if e.id in inside]


def same_merges(corpus, units: set[str]) -> bool:
    """Whether the merging passes (`Corpus.merged`) re-run on the candidates of `units`
    alone give those units' groups as a run over every candidate does, and no group of the
    full run mixes units inside and outside `units` (`corpus`: after a build, its candidates
    filtered and named). The premise of a splice, checked by the bench and the tests."""
    def run(cands):
        fresh = _fresh(cands)
        trace, corpus.trace = corpus.trace, None
        try:
            groups = corpus.merged(fresh)
        finally:
            corpus.trace = trace
        return {k: (g.type, g.lexicon_name, sorted((c.doc.id, c.start, c.end, c.unit)
                                                  for c in g.cands))
                for k, g in groups.items()}

    full = run(corpus.cands)
    inside = {}
    for k, (type_, lexicon, cands) in full.items():
        mine = {u in units for *_, u in cands}
        if len(mine) > 1:
            return False
        if mine == {True}:
            inside[k] = (type_, lexicon, cands)
    return run([c for c in corpus.cands if c.unit in units]) == inside
