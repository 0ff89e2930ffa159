"""Surnames resolved to full names: a bare "Gove", a titled "Mr Kennedy" (by gender, rank)."""

from __future__ import annotations

from collections import Counter, defaultdict

from reader.extraction import names as N
from reader.extraction.entities.grouping import Corpus, Group, display, titled_class
from reader.extraction.names import PERSON, NameWords, slug


def resolve_surnames(corpus: Corpus, groups: dict[str, Group],
                     first_names: dict[str, Counter] | None = None
                     ) -> dict[str, tuple[str, str]]:
    """Per mention, the one full name it can be in its article, else in the corpus.

    "Gove" -> "Michael Gove": the one full name with that surname in the same article, else
    in the whole corpus when only one exists. A titled surname ("Mr Kennedy", key
    "kennedy~m") goes only to a full name whose title class (names.title_class: gender and
    peerage, from its titled forms, its article's titled mentions, then its first name) is
    compatible; when none or several are, it stays an entity of its own ("Mr Kennedy").
    A nationality word ("Irish") is never a surname.

    `first_names` (for a re-run on some groups only: channels.py): the title classes each
    first name has among all full names, as the run over every group found them (it sets
    `corpus.first_names`). Returns what each full name with a title class of its own gives
    its first name's classes: {group key: (first name, class's first letter)}."""
    lw = corpus.lex.words
    full: dict[str, list[str]] = defaultdict(list)  # surname slug -> group keys
    for key, g in groups.items():
        name = display(g, lw)
        if (g.type == PERSON and len(name.split()) > 1 and not g.lexicon_name
                and "~" not in key):  # "Mr Kennedy" is a surname, not a full name
            full[slug(N.surname(name, lw))].append(key)
    if not full:
        corpus.first_names = {}
        return {}
    docs_of = {k: groups[k].docs() for keys in full.values() for k in keys}
    classes, corpus.first_names, firsts = _classes(groups, full, docs_of, lw, first_names)
    groupish = {slug(w) for w in corpus.groupish}
    for key, g in list(groups.items()):
        base, _, cls = key.partition("~")
        targets = [k for k in full.get(base, ()) if k != key]
        if not targets or base in groupish:
            continue
        words = display(g, lw).split()
        if not cls and len(words) > 1 and not any(p in words for p in lw.particles):
            continue
        moved = []
        for c in g.cands:
            if c.label != PERSON and g.type != PERSON:
                continue
            here = [k for k in targets if c.doc.id in docs_of[k]]
            if cls:
                fits = [k for k in targets if N.compatible(cls, classes.get(k, ""))]
                here_fits = [k for k in here if k in fits]
                if len(here_fits) == 1:
                    moved.append((c, here_fits[0]))
                elif not here_fits and len(fits) == 1 and not (here and not classes.get(
                        fits[0])):
                    moved.append((c, fits[0]))
            elif len(here) == 1:
                moved.append((c, here[0]))
            elif not here and len(targets) == 1 and g.type == PERSON:
                moved.append((c, targets[0]))
        Corpus._move(groups, key, moved)
    return firsts


def _classes(groups: dict[str, Group], full: dict[str, list[str]],
             docs_of: dict[str, set[str]], lw: NameWords,
             first_names: dict[str, Counter] | None = None
             ) -> tuple[dict[str, str], dict[str, Counter], dict[str, tuple[str, str]]]:
    """{full name's group key: its title class}, "" left out: from the titles written
    before the full name, else from the titled surname mentions of the articles where it
    is the only full name with that surname, else from its first name's other bearers
    (`first_names` when given, else those among `full`); those first names' classes; and
    each voted full name's part in them {key: (first name, class's first letter)}."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for keys in full.values():
        for k in keys:
            for c in groups[k].cands:
                if c.form and c.form.endswith(c.text) and c.form != c.text:
                    cls = N.title_class(c.form[:-len(c.text)].split()[-1], lw)
                    if cls:
                        votes[k][cls] += 3
    for key, g in groups.items():
        base, _, cls = key.partition("~")
        if not cls:
            continue
        for c in g.cands:
            here = [k for k in full.get(base, ()) if c.doc.id in docs_of[k]]
            if len(here) == 1:
                votes[here[0]][cls] += 1
    by_first: dict[str, Counter] = defaultdict(Counter)
    out = {}
    firsts = {}
    for k, v in votes.items():
        cls = max(sorted(v), key=lambda x: v[x])
        out[k] = cls
        firsts[k] = (display(groups[k], lw).split()[0], cls[0])
        by_first[firsts[k][0]][cls[0]] += 1
    if first_names is not None:
        by_first = first_names
    for keys in full.values():
        for k in keys:
            if k not in out:
                first = by_first.get(display(groups[k], lw).split()[0])
                if first and len(first) == 1:
                    out[k] = next(iter(first))
    return out, by_first, firsts


__all__ = ["resolve_surnames", "titled_class"]
