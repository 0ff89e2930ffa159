"""The query terms about the user's own marks, `starred:yes` and `tag:x`: found and taken out
of a query before the index sees it (the index knows nothing of stars and tags).

They filter: `council starred:yes` is the articles matching "council" that are starred,
whatever the operators around the term; `NOT tag:x` (or `-tag:x`) leaves out the tagged ones.
A query of filters only lists the articles they select."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reader.errors import BadQuery

USER_FIELDS = ("starred", "tag")
_YES, _NO = frozenset({"yes", "true", "1", "y"}), frozenset({"no", "false", "0", "n"})
_CLAUSE = re.compile(r"""(?:(?<![\w:])(NOT\s+|-))?(?<![\w:])(starred|tag):"""
                     r"""("[^"]*"|'[^']*'|[^\s()]+)?""", re.IGNORECASE)
_DANGLING = re.compile(r"^(?:\s*\b(?:AND|OR|ANDNOT|ANDMAYBE)\b)+|(?:\b(?:AND|OR|NOT|ANDNOT|"
                       r"ANDMAYBE)\b\s*)+$")
_EMPTY_GROUP = re.compile(r"\(\s*\)")


@dataclass(frozen=True)
class Filters:
    """What a query's `starred:` and `tag:` terms ask for."""

    starred: bool | None = None  # True: only starred; False: only unstarred; None: either
    tags: tuple[str, ...] = ()  # every one of these tags
    without_tags: tuple[str, ...] = ()  # none of these
    clauses: tuple[str, ...] = field(default=(), compare=False)  # as written, in order

    def __bool__(self) -> bool:
        return self.starred is not None or bool(self.tags) or bool(self.without_tags)


def split(query: str) -> tuple[str, Filters]:
    """(the query without its `starred:`/`tag:` terms, what they ask for). Raises BadQuery
    for a term without a value or with one it cannot read."""
    starred: bool | None = None
    tags: list[str] = []
    without: list[str] = []
    clauses: list[str] = []
    for m in _CLAUSE.finditer(query or ""):
        negated, name, value = bool(m[1]), m[2].lower(), (m[3] or "").strip("\"'").strip()
        if not value:
            raise BadQuery(f"'{m[2]}:' needs something after it, e.g. "
                           f"{'starred:yes' if name == 'starred' else 'tag:word'}")
        clauses.append(m[0].strip())
        if name == "starred":
            if value.lower() not in _YES | _NO:
                raise BadQuery(f"Write starred:yes or starred:no (not starred:{value}).")
            want = (value.lower() in _YES) != negated
            if starred is not None and starred != want:
                raise BadQuery("The search asks for starred and unstarred articles at once.")
            starred = want
        else:
            value = " ".join(value.split())
            (without if negated else tags).append(value)
    if not clauses:
        return query, Filters()
    rest = _CLAUSE.sub(" ", query)
    for _ in range(3):  # operators and brackets left with nothing to join
        rest = _EMPTY_GROUP.sub(" ", rest)
        rest = re.sub(r"\(\s*(?:AND|OR)\b", "(", rest)
        rest = re.sub(r"\b(?:AND|OR|NOT)\s*\)", ")", rest)
        rest = re.sub(r"\b(AND|OR)\s+(?:AND|OR)\b", r"\1", rest)
        rest = _DANGLING.sub(" ", rest.strip())
    return " ".join(rest.split()), Filters(starred, tuple(tags), tuple(without), tuple(clauses))


def clauses(query: str) -> list[str]:
    """The `starred:` / `tag:` terms of a query as written (the UI's filter chips); [] when
    the query cannot be read."""
    try:
        return list(split(query)[1].clauses)
    except BadQuery:
        return []


def tag_clause(tag: str) -> str:
    """The query term selecting the articles with `tag`."""
    return f'tag:"{tag}"' if " " in tag else f"tag:{tag}"


STARRED = "starred:yes"
