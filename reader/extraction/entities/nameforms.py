"""Pure answers about one name, memoised within a build by the grouping passes: the
acronyms its initials spell, its acronym key, its slug once resolved, its words, an
organisation's content words and head noun, a titled surname's title class; and the
vote's gazetteer override."""

from __future__ import annotations

import re

from reader.extraction import names as N
from reader.extraction.names import ORGANISATION, PERSON, Lexicon, NameWords, slug

_WORD = re.compile(r"[^\W\d_]+")


def _spelled(name: str, lw: NameWords) -> tuple[str, ...]:
    """The acronyms a multi-word name's initials spell (with and without minor words)."""
    if len(N.words(name)) < 2:
        return ()
    return tuple(sorted({N.initials(name, lw=lw), N.initials(name, with_minor=True, lw=lw)}))


def _acronym(name: str, lw: NameWords) -> str:
    """The acronym key of a name that is an acronym ("LGA"), "" for any other name."""
    if not N.is_acronym(name) or N.acronym_key(name) in lw.not_acronyms:
        return ""
    return N.acronym_key(name)


def _resolved_slug(name: str, lex: Lexicon) -> str:
    res = lex.resolve(name)
    return slug(res[0] if res else name)


def _phrase(name: str) -> tuple[str, ...]:
    """A name's words in lower case."""
    return tuple(w.lower() for w in _WORD.findall(name))


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


def _titled_class(text: str, label: str, form: str, lw: NameWords) -> str:
    if label != PERSON or not form or not form.endswith(text):
        return ""
    words = text.split()
    if len(words) > 1 and not (len(words) == 2 and words[0] in lw.particles):
        return ""
    before = form[:-len(text)].split()
    return N.title_class(before[-1], lw) if before else ""


def _overwhelming(votes: dict[str, int], voted: str, fixed: str) -> bool:
    """A gazetteer place whose mentions across the corpus are, by three fifths of the weighed
    votes, an organisation ("Chelsea", "Liverpool" in football reports: the club; see the
    weights in `_vote`) takes the vote's type; a split vote keeps the gazetteer's (national
    teams: "England coach")."""
    total = sum(votes.values())
    return (voted != fixed and voted == ORGANISATION and votes[voted] >= 10
            and 5 * votes[voted] >= 3 * total)
