"""Step 2 of the pipeline, the corpus rules: the candidates that are no names dropped (the
corpus writes them in lower case; a group word such as "German" tagged a person once), the
others named (`Cand.name`, `Cand.key`).

What the rules read of the corpus is kept as counts over every candidate (`Counts`): the
surnames of full person names (a surname is a name, whatever the corpus writes), the texts
that only the corpus can exempt, and the labels of one-word texts (which make `groupish`).
A candidate's fate then depends on its own fields and on whether its text is in two sets,
the common texts and `groupish`, both made from the counts alone. So the next build brings
the counts up to date from the changed articles only, makes the two sets again, and runs
the rules only on the articles that changed or hold a text whose membership moved; every
other article keeps the group keys it had (`apply` with `old_keys`). Its candidates' names
are filled in only when a pass needs them (`fill_names`).
"""

from __future__ import annotations

import logging
import marshal
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from reader.extraction import names as N
from reader.extraction.entities.candidates import ArticleResult, Cand, cand_rows
from reader.extraction.entities.nameforms import _phrase
from reader.extraction.names import DATE, MONEY, ORGANISATION, Lexicon, slug

log = logging.getLogger(__name__)

_TABLES = ("surnames", "plain", "own_norp", "own_other", "plain_norp", "plain_other")
_BAD = (KeyError, IndexError, TypeError, ValueError, EOFError, AttributeError)


class Counts:
    """Over every candidate of the corpus: `surnames` {surname of a multi-word person name:
    n}, `plain` {text not exempt by itself (a date or amount, a rule's label, a lexicon
    name or an acronym): n}; of one-word texts without a title, the labels, NORP or other,
    of those exempt by themselves (`own_*`) and of the others (`plain_*`)."""

    def __init__(self, tables: Mapping[str, dict] | None = None):
        t = {name: dict(tables[name]) if tables else {} for name in _TABLES}
        self.surnames, self.plain = t["surnames"], t["plain"]
        self.own_norp, self.own_other = t["own_norp"], t["own_other"]
        self.plain_norp, self.plain_other = t["plain_norp"], t["plain_other"]

    def to_state(self) -> dict:
        return {"surnames": self.surnames, "plain": self.plain, "own_norp": self.own_norp,
                "own_other": self.own_other, "plain_norp": self.plain_norp,
                "plain_other": self.plain_other}

    def add(self, items: Iterable[tuple[str, str, bool, str]], sign: int, rules: _Rules
            ) -> None:
        """Count (`sign` 1) or uncount (-1) candidates given as (text, label, strong,
        form)."""
        for text, label, strong, form in items:
            if label == N.PERSON and len(text.split()) > 1:
                _bump(self.surnames, rules.surname(text), sign)
            own = rules.exempt(text, label, strong)
            if not own:
                _bump(self.plain, text, sign)
            if " " not in text and not form:
                norp = label == "NORP"
                if own:
                    _bump(self.own_norp if norp else self.own_other, text, sign)
                else:
                    _bump(self.plain_norp if norp else self.plain_other, text, sign)


def _bump(table: dict, key: str, sign: int) -> None:
    n = table.get(key, 0) + sign
    if n > 0:
        table[key] = n
    elif n == 0:
        table.pop(key, None)
    else:
        raise ValueError(f"count of {key!r} below zero")


class _Rules:
    """The rules' pure functions, memoised in the build's memo."""

    def __init__(self, corpus):
        lex, lw, memo = corpus.lex, corpus.lex.words, corpus.memo
        self.surname = memo.cached("surname", lambda text: N.surname(text, lw))
        self._known = memo.cached("known", lambda text: lex.known(text) or N.is_acronym(text))
        self.lexicon = memo.cached("lexicon", lex.known)
        self.named = memo.cached("named", lambda c: named(*c, lex))

    def exempt(self, text: str, label: str, strong: bool) -> bool:
        """A name whatever the corpus writes, by the candidate alone."""
        return label in (DATE, MONEY) or strong or self._known(text)


def apply(corpus, results: Sequence[ArticleResult] | None, previous: Mapping | None = None,
          old_keys: Mapping[str, tuple] | None = None, reused: Iterable[str] = (),
          previous_docs: Mapping | None = None) -> tuple[dict[str, tuple], dict]:
    """Run the corpus rules over `results` (the articles, in order; None: `corpus.cands`
    as one article): `corpus.cands` becomes the candidates kept, each named (`key`, `name`),
    or None when an article kept an earlier build's keys (`corpus_cands` makes them, and
    `fill_names` names them); `corpus.groupish` is set. Returns ({article id:
    each candidate's group key, "" for one dropped}, what the next build reads).

    `previous` (the previous build's returned state), `old_keys` (its keys), `reused`
    (the articles whose results it kept) and `previous_docs` (its per-article records):
    the counts are brought up to date from the other articles, and only the articles
    that changed or hold a text whose place moved are ruled again. Anything unusable
    among them: every article is ruled, as with none."""
    rules = _Rules(corpus)
    reused = set(reused)
    counts = earlier = None
    if previous is not None and old_keys is not None and previous_docs is not None:
        try:
            old_names = _names(previous["plain"], previous["surnames"])
            counts = _updated(previous, results, reused, previous_docs, rules)
            old_common = set(previous["common"])
            old_groupish = set(previous["groupish"])
            lowered = previous["lowered"]
            if not isinstance(lowered, dict):
                raise TypeError("lowered names of the wrong shape")
            words = corpus.memo.old_words
            if words is not None and corpus.lower_words == words.keys():
                earlier = (old_names, lowered)
        except _BAD as exc:
            log.info("earlier rule counts not usable (%r); ruling every article", exc)
            counts = earlier = None
    if counts is None:
        counts = Counts()
        for cands in ([r.cands for r in results] if results is not None else [corpus.cands]):
            counts.add(((c.text, c.label, c.strong, c.form) for c in cands), 1, rules)
        old_keys = None
    common, lowered = _common(corpus, _names(counts.plain, counts.surnames), earlier)
    groupish = set(corpus.lex.words.nationalities)
    for t in counts.own_norp.keys() | counts.plain_norp.keys():
        plain = t not in common
        yes = counts.own_norp.get(t, 0) + (counts.plain_norp.get(t, 0) if plain else 0)
        no = counts.own_other.get(t, 0) + (counts.plain_other.get(t, 0) if plain else 0)
        if yes >= max(2, no):
            groupish.add(t)
    corpus.groupish = groupish
    moved = (common ^ old_common) | (groupish ^ old_groupish) if old_keys is not None else None
    kept: list[Cand] = []
    keys: dict[str, tuple] = {}
    lazy = False
    for r in results if results is not None else [None]:
        d = r.doc.id if r is not None else ""
        was = old_keys.get(d) if moved is not None and d in reused else None
        if was is not None:
            texts = r.texts()
            if len(was) == len(texts) and (not moved or moved.isdisjoint(texts)):
                keys[d] = was  # its candidates are made when a pass needs them
                lazy = True
                continue
        mine = []
        for c in r.cands if r is not None else corpus.cands:
            found = _fate(c, common, groupish, rules)
            if found:
                c.name, c.key = found
                kept.append(c)
                mine.append(found[1])
            else:
                mine.append("")
        keys[d] = tuple(mine)
    corpus.cands = None if lazy else kept
    return keys, {**counts.to_state(), "common": tuple(sorted(common)),
                  "groupish": tuple(sorted(groupish)), "lowered": lowered}


def _names(plain: Mapping[str, int], surnames: Mapping[str, int]) -> set[str]:
    """The texts the corpus may make common: those not exempt by themselves, surnames
    aside (a surname is a name, whatever the corpus writes)."""
    return {t for t in plain if t not in surnames}


def _common(corpus, names: set[str], earlier: tuple | None) -> tuple[set[str], dict]:
    """The names the corpus writes in lower case ("case reviews", "main"): capitalised
    common phrases, not names. A phrase counts when its words follow each other, all in
    lower case, in one body. Returns (them, {name: its words} of the names whose words are
    all written in lower case somewhere: what the next build reads as `earlier`).

    `earlier`: (the previous build's names, its {name: words}) when the corpus's lower-case
    words are the same: only the names that came or went are looked at (the phrases are
    still looked for in every body, as the memo says: state.Memo.phrase_hits)."""
    lower = corpus.lower_words
    if earlier is None:
        lowered: dict[str, tuple] = {}
        todo = names
    else:
        old_names, lowered = earlier
        lowered = dict(lowered)
        for name in old_names - names:
            lowered.pop(name, None)
        todo = names - old_names
    words_of = corpus.memo.cached("phrase", _phrase)
    for name in todo:
        ws = words_of(name)
        if ws and all(w in lower for w in ws):
            lowered[name] = ws
    out: set[str] = set()
    phrases: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for name, ws in lowered.items():
        if len(ws) == 1:
            out.add(name)
        else:
            phrases[ws].append(name)
    for ws in corpus.memo.phrase_hits(phrases, corpus.lower_parts):
        out.update(phrases[ws])
    return out, lowered


def _fate(c: Cand, common: set[str], groupish: set[str], rules: _Rules
          ) -> tuple[str, str] | None:
    """(name, key) of a candidate, None when the rules drop it."""
    text = c.text
    if text in common and not rules.exempt(text, c.label, c.strong):
        log.debug("not a name (the corpus writes it in lower case): %r", text)
        return None
    if text in groupish and not c.form and c.label != "NORP" and not rules.lexicon(text):
        return None  # "German" tagged a person once, a group everywhere else
    return rules.named((text, c.label, c.form))


def _updated(previous: Mapping, results: Sequence[ArticleResult], reused: set[str],
             previous_docs: Mapping, rules: _Rules) -> Counts:
    """The previous build's counts less the articles it had that are not reused, plus the
    articles read again."""
    counts = Counts(previous)
    for d, rec in previous_docs.items():
        if d not in reused:
            cands = cand_rows(marshal.loads(rec[0][1])[4])
            counts.add(((t, label, strong, form)
                        for _s, _e, t, label, _src, strong, form, _also in cands), -1, rules)
    for r in results:
        if r.doc.id not in reused:
            counts.add(((c.text, c.label, c.strong, c.form) for c in r.cands), 1, rules)
    return counts


def corpus_cands(results: Sequence[ArticleResult], keys: Mapping[str, tuple]) -> list[Cand]:
    """The candidates the rules kept (`apply`'s keys), in order, each with its key."""
    out = []
    for r in results:
        for c, k in zip(r.cands, keys[r.doc.id], strict=True):
            if k:
                c.key = k
                out.append(c)
    return out


def fill_names(corpus, cands: Iterable[Cand]) -> None:
    """Name the candidates whose keys an earlier build's rules gave (`apply`)."""
    name_of = _Rules(corpus).named
    for c in cands:
        if not c.name:
            c.name = name_of((c.text, c.label, c.form))[0]


def named(text: str, label: str, form: str, lex: Lexicon) -> tuple[str, str] | None:
    """(name, group key) of a candidate by its text, label and titled form (the aliases
    file's name, the title class of "Mr Kennedy"), or None when it is not an entity."""
    from reader.extraction.entities.nameforms import _titled_class

    res = lex.resolve(text)
    if label == "NORP":
        if res is None or res[1] != ORGANISATION:
            return None  # "British", "Parliamentarians": not an entity to browse
    name = res[0] if res else text
    if label in (DATE, MONEY):
        key = f"{label}|{slug(name)}"
    else:
        key = slug(name)
        cls = _titled_class(text, label, form, lex.words) if key and not res else ""
        if cls:  # "Mr Kennedy" is not "Baroness Kennedy" (surnames.py)
            key = f"{key}~{cls}"
    return (name, key) if key else None

