"""Mentions the model missed: the corpus's known names searched for again in every body
and headline."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from functools import partial

from reader.extraction import names as N
from reader.extraction.entities.candidates import Cand, Doc
from reader.extraction.entities.grouping import Group, display
from reader.extraction.entities.state import Memo, full_text_of
from reader.extraction.names import DATE, LAW, MONEY, ORGANISATION, PERSON, WORK, Lexicon, slug

_FIRST_WORD = re.compile(r"\w+")


def find_more(groups: dict[str, Group], docs: Sequence[Doc], lex: Lexicon,
              lower_words: set[str], memo: Memo | None = None, trace=None) -> Scan:
    """Known names (and surnames, "Baby P"-style initials, acronyms of known names) found
    again in every body and headline, where nothing else is; added to `groups` as "match"
    candidates. Returns what the scan read and made (`Scan`: splice.py keeps it).

    An article's matches depend only on its text, its own candidates and the name lists
    its words look up, so `memo` gives an unchanged article its previous matches when
    none of those changed. `trace` (channels.Trace) is told the forms of every group."""
    memo = memo if memo is not None else Memo()
    reads: dict[str, list[str]] | None = None
    if trace:
        trace.headlines(groups)
        reads = {}
    dropped = _drop_headline_phrases(groups, lower_words)
    scan = Scan(dropped, group_forms(groups, lex, lower_words, memo, reads))
    if trace:
        trace.grouped(groups, scan.per_key, reads)
    forms_by, surnames_by = scan.inverse()
    lookups = lookups_of(forms_by, surnames_by, lambda k: scan.per_key[k][0])
    changed = memo.changed_lookups(lookups)
    by_doc: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for g in groups.values():
        for c in g.cands:
            by_doc[c.doc.id].append((c.start, c.end))
    for doc in docs:
        own = by_doc.get(doc.id, ())
        taken_sig = tuple(sorted(own))
        found = memo.matches_of(doc.id, taken_sig, changed, partial(full_text_of, doc))
        if found is None:
            text, spans = doc.unpacked()
            found = _scan(text, spans, own, lookups, doc.off)
        memo.matches[doc.id] = (taken_sig, found)
        add_matches(groups, doc, found, scan.created)
    return scan


class Scan:
    """What `find_more` read and made: the candidates it dropped (`_drop_headline_phrases`),
    each group's forms {key: (type, forms, surname forms)}, and the groups its matches
    created {key: (1, article id, index of the match)} (their place in the groups' order)."""

    def __init__(self, dropped: list[Cand], per_key: dict[str, tuple]):
        self.dropped = dropped
        self.per_key = per_key
        self.created: dict[str, tuple] = {}

    def inverse(self) -> tuple[dict[str, tuple], dict[str, tuple]]:
        """({form: keys looking for it}, {surname form: keys}), keys sorted."""
        forms: dict[str, set[str]] = defaultdict(set)
        surnames: dict[str, set[str]] = defaultdict(set)
        for key, (_, found, surs) in self.per_key.items():
            for form in found:
                forms[form].add(key)
            for form in surs:
                surnames[form].add(key)
        return ({f: tuple(sorted(k)) for f, k in forms.items()},
                {f: tuple(sorted(k)) for f, k in surnames.items()})


def add_matches(groups: dict[str, Group], doc: Doc, found: tuple, created: dict,
                wanted=None) -> None:
    """One article's matches (`_scan`) into `groups` as "match" candidates; `wanted`: only
    those whose group (the key, or the surname's own for an ambiguous one) it holds."""
    for i, (ts, te, form, key, label) in enumerate(found):
        target = key or slug(form)
        if wanted is not None and target not in wanted:
            continue
        c = Cand(doc, ts, te, form, label, "match", name=form, key=target, unit=target)
        if not key:  # an ambiguous surname: its own group, resolved per article later
            if target not in groups:
                groups[target] = Group(target, type=PERSON)
                created[target] = (1, doc.id, i)
        groups[target].add((c,))


def _drop_headline_phrases(groups: dict[str, Group], lower_words: set[str]) -> list[Cand]:
    """Names only headlines write, that start with a word the corpus writes in lower case
    ("Rocker Doherty", "Budget Aston", "Classy Henman": a headline's role words and
    adjectives, capitalised by its style), are no names: dropped, so that the scan finds
    the names inside them ("Doherty") where it knows them. Returns the dropped."""
    out = []
    for key in [k for k, g in groups.items() if all(c.in_title for c in g.cands)]:
        g = groups[key]
        drop = [c for c in g.cands if " " in c.text and c.label not in (DATE, MONEY)
                and c.text.split()[0].lower() in lower_words]
        for c in drop:
            g.drop(c)
        out.extend(drop)
        if not g.cands:
            del groups[key]
    return out


def _scan(text: str, spans, own: Sequence[tuple[int, int]], lookups: dict[str, tuple],
          off: int = 0) -> tuple:
    """((start, end, form, group key or "", label), ...) found again in one article: at
    its body's token starts (`spans`), and at the words of its headline (text[:off])."""
    taken = bytearray(len(text))
    for start, end in own:
        taken[start:end] = b"\x01" * (end - start)
    out: list[tuple] = []
    # The headline's tokens are not kept: its words (lookups are keyed by a form's first
    # word, \w+) stand for them.
    for m in _FIRST_WORD.finditer(text, 0, off):
        ts = m.start()
        if not taken[ts]:
            candidates = lookups.get(m.group(0))
            if candidates:
                _take(text, ts, candidates, taken, out)
    for k in range(0, len(spans), 2):
        ts = spans[k]
        if ts >= len(text) or taken[ts]:
            continue
        candidates = lookups.get(text[ts:spans[k + 1]])
        if candidates:
            _take(text, ts, candidates, taken, out)
    return tuple(out)


def _take(text: str, ts: int, candidates: tuple, taken: bytearray, out: list) -> None:
    """The first (longest) of `candidates` written at `ts` and free, into `out`."""
    for form, key, label in candidates:
        te = ts + len(form)
        if not text.startswith(form, ts) or (te < len(text) and text[te].isalnum()):
            continue
        if any(taken[ts:te]):
            continue
        out.append((ts, te, form, key, label))
        taken[ts:te] = b"\x01" * (te - ts)
        return


def group_forms(groups: dict[str, Group], lex: Lexicon, lower_words: set[str], memo: Memo,
                reads: dict[str, list[str]] | None = None
                ) -> dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """{group key: (its type, the forms it is looked for by, those of its forms that are
    surnames)}; `reads` gets {group key: the words it looked up in `lower_words`}."""
    of = forms_of(lex, lower_words, memo)
    out = {}
    for key, g in groups.items():
        read = reads.setdefault(key, []) if reads is not None else None
        found, surnames = of(key, g, read)
        out[key] = (g.type, tuple(found), tuple(surnames))
    return out


def lookups_of(forms: dict[str, tuple], surnames: dict[str, tuple], type_of
               ) -> dict[str, tuple[tuple[str, str, str], ...]]:
    """{first word: ((form, group key or "" when an ambiguous surname, label), ...)},
    longest form first (then by form: two forms of one length written at one place are
    one string, so the order among them changes no match); forms that could never be
    taken are left out. `forms`, `surnames`: `Scan.inverse()`; `type_of`: key -> type."""
    by_first: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for form, keys in forms.items():
        found = entry(form, keys, form in surnames, type_of)
        if found:
            by_first[found[0]].append(found[1])
    return {w: tuple(sorted(lst, key=_longest)) for w, lst in by_first.items()}


def entry(form: str, keys: tuple, surname: bool, type_of):
    """(first word, lookup entry) of a form looked for by `keys`, None for none."""
    first = _FIRST_WORD.match(form)
    if not keys or not first or "\n" in form:
        return None
    if len(keys) == 1:
        return first.group(0), (form, keys[0], type_of(keys[0]))
    if surname:
        return first.group(0), (form, "", PERSON)
    return None


def _longest(e: tuple) -> tuple[int, str]:
    return -len(e[0]), e[0]


def forms_of(lex: Lexicon, lower_words: set[str], memo: Memo):
    """A function (group key, group[, read]) -> (the forms the group is looked for by, in
    order; those of them that are surnames): one group's part of `group_forms`. `read`
    gets the words it looked up in `lower_words`."""
    lw = lex.words
    usable = memo.cached("usable", lambda form: _usable(form, lex))
    person = memo.cached("person-forms", lambda name: _person_forms(name, lw))
    initials = memo.cached("initials", lambda name: N.initials(name, lw=lw))

    def of(key: str, g: Group, read: list[str] | None = None) -> tuple[list[str], list[str]]:
        out: list[str] = []
        surnames: list[str] = []
        if g.type in (DATE, MONEY):
            return out, surnames

        def add(form: str) -> str:
            found, if_upper = usable(form)
            if found and if_upper and read is not None:
                read.append(found.lower())
            if found and not (if_upper and found.lower() in lower_words):
                out.append(found)
                return found
            return ""

        own = [c for c in g.cands if c.source != "match"]
        if "~" in key:
            own = []  # "Mr Kennedy": found by its title (candidates.py), not its bare surname
        elif len(own) < 2:  # a single word the model tagged once: a one-off guess
            own = [c for c in own if c.strong or " " in c.text or N.is_acronym(c.text)]
        for text in dict.fromkeys(c.text for c in own):
            add(text)
        if g.type == PERSON:
            name = display(g, lw)
            if "~" not in key and len(name.split()) > 1:
                sur, short = person(name)
                if sur:
                    add(sur)
                    surnames.append(sur)
                if short:
                    add(short)
        elif g.type in (ORGANISATION, LAW, WORK):
            name = display(g, lw)
            if len(name.split()) > 1:
                acr = initials(name)
                if len(acr) >= 3 and acr not in lw.not_acronyms:
                    add(acr)
        return out, surnames

    return of


def _person_forms(name: str, lw) -> tuple[str, str]:
    """(surname when longer than two letters, "Baby P"-style short form) of a full name,
    "" for none."""
    sur = N.surname(name, lw)
    last = name.split()[-1]
    short = " ".join(name.split()[:-1]) + " " + last[0] if last[0].isupper() and len(last) > 1 \
        else ""
    return (sur if len(sur) > 2 else ""), short


def _usable(form: str, lex: Lexicon) -> tuple[str, bool]:
    """(`form` stripped, or "" when it is never worth looking for; True when it is not worth
    it either if the corpus writes it in lower case)."""
    form = form.strip()
    if len(form) < 2 or not form[0].isalnum() or slug(form) in lex.ignore:
        return "", False
    lw = lex.words
    if (N.is_month_or_day(form) or N.is_title_only(form, lw) or N.is_nationality(form, lw)
            or form in lw.suffix_titles or form[:-1] in lw.suffix_titles
            or form.split()[0] in lw.not_first):
        return "", False  # "Sunday", "Mr", "German", "MPs", "Following ...": never a name
    # "Brown", "May": too often an ordinary word
    return form, len(form.split()) == 1 and not N.is_acronym(form)
