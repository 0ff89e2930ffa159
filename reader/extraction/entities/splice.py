"""The corpus-wide passes re-run on the groups a change reaches, the rest of the previous
table kept: the per-group splice.

Every build keeps, besides its table, what couples its groups (links.py). The next build
runs the corpus rules (step 2) over every candidate as always, then (`splice`):

1. seeds: the units of the changed, added and removed articles' candidates (old and new),
   of the unchanged articles whose candidates the rules now keep or name otherwise, of
   the acronyms those articles define, of the groups that looked up a lower-case word
   whose presence moved and of the surnames a `groupish` word that moved reads; the
   closure of the seeds under the previous build's tokens;
2. guards: the articles kept are in the previous build's order, the closure holds at
   most a share of the units (else the full path is as quick), the previous build's
   state is whole;
3. the passes from the grouping to the entities re-run on the closure's candidates alone:
   the lookups patched with its groups' forms, only the articles whose own names or
   looked-up forms changed scanned again; a match that changes for a group outside the
   closure, a token of the re-run that couples it to a unit outside, a first name whose
   title classes move (the full names outside that read it), widen the closure and the
   re-run starts over;
4. the entities of the closure replace those of its units in the previous table, each
   entity at the place a full build gives it (its first group's: the first candidate of
   its unit, or the match that made it).

Everything kept for the next build equals a full build's. `Fallback` means the full
path, which is always exact.
"""

from __future__ import annotations

import logging
import marshal
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

from reader.domain import Entity
from reader.extraction.entities.candidates import ArticleResult, Cand
from reader.extraction.entities.channels import Trace, _partners, closure
from reader.extraction.entities.grouping import Corpus, entities
from reader.extraction.entities.links import Fallback, _ids, _joined, _Old, first_of_units
from reader.extraction.entities.matching import (
    _drop_headline_phrases,
    _longest,
    _scan,
    add_matches,
    entry,
    group_forms,
)
from reader.extraction.entities.nameforms import _resolved_slug
from reader.extraction.entities.rules import fill_names
from reader.extraction.entities.state import full_text_of, holds, sig_of
from reader.extraction.entities.surnames import resolve_surnames
from reader.extraction.entities.table import row, unrow
from reader.extraction.names import slug

log = logging.getLogger(__name__)

SHARE = 0.25  # a closure holding more of the units than this: the full path is as quick


def splice(corpus: Corpus, results: Sequence[ArticleResult], keys: dict[str, tuple],
           reused: Mapping[str, object], previous_docs: Mapping, previous_links: Mapping,
           previous_table) -> tuple[list[Entity], dict, list[tuple]]:
    """(entities, links, the entities as the cache's rows) as a full build of `corpus`
    gives them, from the previous build's (`previous_table`: its table's rows, in order).
    `corpus`: the corpus rules run (its candidates filtered and named, not grouped).
    Raises Fallback."""
    old = _Old(previous_links)
    memo = corpus.memo
    if memo.old_words is None or memo.old_lookups is None:
        raise Fallback("no earlier lower-case words or lookups")
    present = {r.doc.id: r for r in results}
    if [d for d in present if d in old.keys] != [d for d in old.keys if d in present]:
        raise Fallback("the articles' order moved")  # every order-dependent choice may move
    changed = [d for d in present if d not in reused]
    removed = [d for d in old.keys if d not in present]
    seeds: set[str] = set()
    # The words never looked for (lower-case ones, groupish ones in lower case) that moved:
    # the units that looked them up ("W<"); groupish words that moved: the surnames that
    # the surname pass reads them as.
    moved_groupish = corpus.groupish ^ old.groupish
    moved = (corpus.lower_words ^ memo.old_words.keys()) | {w.lower() for w in moved_groupish}
    for w in moved:
        seeds.update(old.holders.get("W<" + w, ()))
    for w in moved_groupish:
        seeds.update(old.holders.get("s:" + slug(w), ()))
    for d in (*changed, *removed):
        seeds.update(old.keys.get(d, ()))
        seeds.update(keys.get(d, ()))
    for d in reused:
        if keys.get(d) != old.keys.get(d):
            seeds.update(old.keys.get(d, ()))
            seeds.update(keys.get(d, ()))
    acronyms = {k for d in changed for k, _ in present[d].acronyms}
    for d in (*changed, *removed):
        rec = previous_docs.get(d)
        if rec is not None:
            acronyms.update(str(k) for k, _ in marshal.loads(rec[0][1])[5])
    resolved = memo.cached("resolved-slug", lambda x: _resolved_slug(x, corpus.lex))
    for k in acronyms:
        seeds.update(old.holders.get("A>" + k, ()))
        seeds.update(old.holders.get("A<" + k, ()))
        seeds.update(resolved(x) for x in corpus.acronym_defs.get(k, ()))
    seeds.discard("")
    limit = int(SHARE * old.unit_count) + 1
    reach = closure(seeds, old.units, old.holders, limit)
    shared = _Shared(corpus.docs, memo.old_matches)
    guess = None
    for _ in range(64):
        if reach is None:
            raise Fallback("the closure is too large")
        run = _Run(corpus, old, reach, keys, present, reused, previous_docs, removed, shared,
                   guess)
        wider = run.widen
        if run.again:
            guess = run.guess
        elif not wider:
            break
        reach = closure(reach | wider, old.units, old.holders, limit)
    else:
        raise Fallback("the runs do not settle")
    log.debug("entities: splice of %d units (%d seeds)", len(reach), len(seeds))
    extracted, rows = run.table(previous_table)
    return extracted, run.links(keys), rows


class _Shared:
    """What every run of one splice reads alike: article texts, which articles hold a form,
    which articles' previous matches went to a group (by its key)."""

    def __init__(self, docs, old_matches: Mapping[str, tuple]):
        self.docs = docs
        self.texts: dict[str, str] = {}
        self.forms: dict[str, set[str]] = {}
        self.targets: dict[str, set[str]] = defaultdict(set)
        for d, (_, found) in old_matches.items():
            for _s, _e, form, key, _label in found:
                self.targets[key or slug(form)].add(d)

    def text(self, doc) -> str:
        text = self.texts.get(doc.id)
        if text is None:
            text = self.texts[doc.id] = full_text_of(doc)
        return text

    def holding(self, forms: Iterable[str]) -> set[str]:
        """The articles whose text holds one of `forms` where a match could be."""
        out: set[str] = set()
        for f in forms:
            if f not in self.forms:
                self.forms[f] = {doc.id for doc in self.docs if holds(self.text(doc), f)}
            out |= self.forms[f]
        return out


class _Run:
    """The passes from the grouping to the entities on the closure `reach` alone;
    `widen`: units outside it that it turned out to couple with (the run is void then)."""

    def __init__(self, corpus: Corpus, old: _Old, reach: set[str], keys: dict[str, tuple],
                 present: dict, reused: Mapping, previous_docs: Mapping, removed: list,
                 shared: _Shared, guess: dict | None):
        self.corpus, self.old, self.reach, self.present = corpus, old, reach, present
        self.shared = shared
        self.again = False  # void: run again with `self.guess` for the first names
        self.widen: set[str] = set()
        memo, lex = corpus.memo, corpus.lex
        cands = []
        for d, r in present.items():  # the articles in order, made only where needed
            ks = keys[d]
            if not reach.isdisjoint(ks):
                for c, k in zip(r.cands, ks, strict=True):
                    if k in reach:
                        c.key = k
                        cands.append(c)
        fill_names(corpus, cands)
        self.first_cands = first_of_units(cands)
        self.trace = trace = Trace(lex, corpus.acronym_defs, memo)
        corpus.trace = trace
        try:
            groups = corpus.merged(cands)
        finally:
            corpus.trace = None
        never = corpus.lower_words | {w.lower() for w in corpus.groupish}
        trace.headlines(groups)
        self.dropped = _drop_headline_phrases(groups, never)
        reads: dict[str, list[str]] = {}
        self.per_key = per_key = group_forms(groups, lex, never, memo, reads)
        trace.grouped(groups, per_key, reads)
        if self._coupled():  # void already: the scan, the costly part, is not run
            return
        changed = self._lookups(per_key)
        self.created: dict = {}
        self._matches(groups, changed, present, reused, previous_docs, removed)
        if self.widen:
            return
        trace.matched(groups)
        # The first names' title classes (surnames._classes) as the closure's own full
        # names and the others' (the previous build's) give them: a guess (the previous
        # build's, or the last run's answer), checked; when it misses, the run starts over
        # with the answer, the units that read a first name whose classes moved added.
        firsts = {k: v for k, v in old.firsts.items() if k not in reach}
        used = guess if guess is not None else _classes_by_first(old.firsts.values())
        self.firsts = resolve_surnames(corpus, groups, _counters(used))
        firsts.update(self.firsts)
        self.guess = _classes_by_first(firsts.values())
        if self.guess != used:
            for f in self.guess.keys() | used.keys():
                if self.guess.get(f) != used.get(f):
                    self.widen.update(v for v in old.holders.get("F<" + f) if v not in reach)
            self.again = True
            return
        self.all_firsts = firsts
        trace.surnamed(groups)
        if self._coupled():
            return
        self.groups = groups
        self.entities = entities(groups, lex.words, memo)

    def _coupled(self) -> bool:
        """Whether a token the run's groups emitted so far couples them to a unit outside
        the closure (added to `widen`). Checked after the grouping too: a void run stops
        before the scan (the run that settles checks every token at the end either way)."""
        old, reach, widen = self.old, self.reach, self.widen
        for toks in self.trace.units.values():
            for tok in toks:
                for t in _partners(tok):
                    widen.update(v for v in old.holders.get(t, ()) if v not in reach)
        return bool(widen)

    def _lookups(self, per_key: dict) -> set[str]:
        """The lookups patched with the closure's groups' forms (memo.lookups); returns
        the forms whose entry changed."""
        old, reach, memo = self.old, self.reach, self.corpus.memo
        gone = {k: old.forms[k] for k in reach if k in old.forms}
        touched = set()
        for pk in (gone, per_key):
            for _, forms, surnames in pk.values():
                touched.update(forms)
                touched.update(surnames)
        # {form: the keys looked for by it} of the touched forms (None: none now)
        by: list[dict] = []
        for table, i in ((old.forms_by, 1), (old.surnames_by, 2)):
            new: dict[str, set] = defaultdict(set)
            for k, v in per_key.items():
                for f in v[i]:
                    new[f].add(k)
            now = {}
            for f in touched:
                ks = {k for k in table.get(f, ()) if k not in reach} | new.get(f, set())
                now[f] = tuple(sorted(ks)) if ks else None
            by.append(now)
        forms_by = {f: ks for f, ks in by[0].items() if ks}
        self.forms_by = old.forms_by.updated(by[0])
        self.surnames_by = surnames_by = dict(old.surnames_by)
        for f, ks in by[1].items():
            if ks:
                surnames_by[f] = ks
            else:
                surnames_by.pop(f, None)

        def type_of(k: str) -> str:
            return per_key[k][0] if k in reach else old.forms[k][0]

        lookups = dict(memo.old_lookups)
        entries: dict[str, list] = defaultdict(list)
        firsts = set()
        for f in touched:
            found = entry(f, forms_by.get(f, ()), f in surnames_by, type_of)
            if found:
                entries[found[0]].append(found[1])
            first = _first_word(f)
            if first:
                firsts.add(first)
        changed = set()
        for w in firsts:
            was = lookups.get(w, ())
            now = [e for e in was if e[0] not in touched] + entries.get(w, [])
            now = tuple(sorted(now, key=_longest))
            if now:
                lookups[w] = now
            else:
                lookups.pop(w, None)
            if now != was:
                a = {e[0]: e for e in now}
                b = {e[0]: e for e in was}
                changed.update(f for f in a.keys() | b.keys() if a.get(f) != b.get(f))
        memo.lookups = lookups
        self.lookups = lookups
        return changed

    def _matches(self, groups, changed, present, reused, previous_docs, removed) -> None:
        """Every article's matches (memoised or scanned again) with the closure's added to
        its groups; a match that differs for a group outside the closure widens it. The
        articles that hold none of the closure's candidates, no form whose entry changed
        and no match of the closure's groups keep their matches as they were, unvisited."""
        old, reach, memo, shared = self.old, self.reach, self.corpus.memo, self.shared
        mine: dict[str, list] = defaultdict(list)  # article -> the closure's own spans now
        for g in groups.values():
            for c in g.cands:
                mine[c.doc.id].append((c.start, c.end))
        visit = set(mine) | shared.holding(changed)
        for d, units in old.keys.items():
            if d in reused and not reach.isdisjoint(units):
                visit.add(d)
        for t in reach:
            visit.update(shared.targets.get(t, ()))
        dropped = Counter((d, s, e) for d, s, e, u in old.dropped if u in reach)
        for doc in self.corpus.docs:
            d = doc.id
            if d in reused:
                prev = memo.old_matches.get(d)
                if prev is None:
                    raise Fallback(f"no matches kept for {d}")
                if d not in visit:
                    memo.matches[d] = prev
                    continue
                own = self._own(d, sig_of(prev), present[d], mine.get(d, ()), dropped)
            else:
                own = tuple(sorted(mine.get(d, ())))
                prev = previous_docs.get(d)
                prev = prev[2] if prev is not None and isinstance(prev[2], tuple) else None
            found = memo.matches_of(d, own, changed, lambda doc=doc: shared.text(doc))
            if found is None:
                text, spans = doc.unpacked()
                found = _scan(text, spans, own, self.lookups, doc.off)
                self._differ(prev[1] if prev is not None else (), found)
            memo.matches[d] = (own, found)
            add_matches(groups, doc, found, self.created, reach)
        for d in removed:
            prev = previous_docs.get(d)
            if prev is not None and isinstance(prev[2], tuple):
                self._differ(prev[2][1], ())

    def _own(self, d: str, sig: tuple, result: ArticleResult, mine, dropped: Counter
             ) -> tuple:
        """The spans an unchanged article's groups hold before the scan: the previous
        build's (`sig`), less its candidates of the closure's units then (those the
        headline pass dropped aside), plus the closure's now (`mine`)."""
        units = self.old.keys[d]
        spans = result.spans()
        if len(units) != len(spans):
            raise Fallback(f"the kept units of {d} do not add up")
        was = []
        reach = self.reach
        if not reach.isdisjoint(units):
            for span, k in zip(spans, units, strict=True):
                if k in reach:
                    if dropped[(d, *span)] > 0:
                        dropped[(d, *span)] -= 1
                    else:
                        was.append(span)
        if not was and not mine:
            return sig
        count = Counter(sig)
        count.subtract(was)
        if any(n < 0 for n in count.values()):
            raise Fallback(f"the kept spans of {d} do not add up")
        count.update(mine)
        return tuple(sorted(count.elements()))

    def _differ(self, was: tuple, now: tuple) -> None:
        for _s, _e, form, key, _label in set(was) ^ set(now):
            target = key or slug(form)
            if target not in self.reach:
                self.widen.add(target)

    def table(self, previous: Sequence) -> tuple[list[Entity], list[tuple]]:
        """The previous table's entities outside the closure and the closure's, in a full
        build's order, as objects and as the cache's rows (table.row)."""
        old, reach = self.old, self.reach
        order = {doc.id: i for i, doc in enumerate(self.corpus.docs)}
        # an entity's units hold its "i:" token (channels.Trace.surnamed)
        gone = {t[2:] for u in reach for t in old.units.get(u, ()) if t.startswith("i:")}
        new_ids = self._new_ids()
        kept = [r for r in previous if r[0] not in gone]
        places = [*map(old.ids.__getitem__, [r[0] for r in kept]),
                  *[new_ids[e.id] for e in self.entities]]
        keys = [(p[0], order[p[1]], p[2]) for p in places]
        ranked = sorted(range(len(keys)), key=keys.__getitem__)  # stable: the kept first
        objects = [*map(unrow, kept), *self.entities]
        rows = [*kept, *map(row, self.entities)]
        self.gone = gone
        return [objects[i] for i in ranked], [rows[i] for i in ranked]

    def _new_ids(self) -> dict:
        if not hasattr(self, "ids"):
            index_of: dict[str, dict] = {}

            def index(c: Cand) -> int:
                d = c.doc.id
                if d not in index_of:
                    index_of[d] = {id(x): i for i, x in enumerate(self.present[d].cands)}
                return index_of[d][id(c)]

            self.ids = _ids(self.corpus, self.groups, self.trace, self.created,
                            self.first_cands, index)
        return self.ids

    def links(self, keys: dict) -> dict:
        old, reach = self.old, self.reach
        units = old.units.updated({**dict.fromkeys(reach), **{
            u: _joined(sorted(t)) for u, t in self.trace.units.items()}})
        touched = {t for u in reach for t in old.units.get(u, ())}
        fresh: dict[str, list] = defaultdict(list)
        for u, toks in self.trace.units.items():
            for t in toks:
                fresh[t].append(u)
        changes = {}
        for t in touched | fresh.keys():
            us = [u for u in old.holders.get(t) if u not in reach] + fresh.get(t, [])
            changes[t] = _joined(sorted(us)) if us else None
        holders = old.holders.updated(changes)
        forms = old.forms.updated({**dict.fromkeys(reach), **self.per_key})
        ids = _without(old.ids, self.gone)
        ids.update(self._new_ids())
        dropped = [x for x in old.dropped if x[3] not in reach]
        dropped += [(c.doc.id, c.start, c.end, c.unit) for c in self.dropped]
        # (the previous units outside the closure, and the run's)
        count = old.unit_count - sum(1 for u in reach if u in old.units) + sum(
            1 for u in self.trace.units if u in reach or u not in old.units)
        return {"units": units, "unit_count": count, "holders": holders, "keys": keys,
                "dropped": tuple(sorted(dropped)), "forms": forms,
                "forms_by": self.forms_by, "surnames_by": self.surnames_by,
                "firsts": self.all_firsts, "ids": ids,
                "groupish": tuple(sorted(self.corpus.groupish))}


def _without(table: dict, keys) -> dict:
    """A copy of `table` without `keys` (a few of many: cheaper than a filtered copy)."""
    out = dict(table)
    for k in keys:
        out.pop(k, None)
    return out


def _first_word(form: str) -> str:
    from reader.extraction.entities.matching import _FIRST_WORD

    m = _FIRST_WORD.match(form)
    return m.group(0) if m else ""


def _classes_by_first(firsts: Iterable[tuple[str, str]]) -> dict[str, frozenset]:
    out: dict[str, set] = defaultdict(set)
    for first, cls in firsts:
        out[first].add(cls)
    return {k: frozenset(v) for k, v in out.items()}


def _counters(by_first: dict[str, frozenset]) -> dict[str, Counter]:
    """The first names' classes as `surnames._classes` reads them (which classes, not how
    many)."""
    return {k: Counter(dict.fromkeys(v, 1)) for k, v in by_first.items()}
