"""The search query language, without Whoosh: its fields, the checks that give a malformed
query a plain message, facet clauses, the plain words (for notes) and the highlight pattern.

The index (`reader.search`) parses with Whoosh after `validate`; the UI builds and reads
queries only through this module.
"""

from __future__ import annotations

import re

from reader.errors import BadQuery

FIELDS = ("title", "body", "source", "author", "date", "entity", "policy")
OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})

_FIELD_PREFIX = re.compile(r"(?<![\w\":])([A-Za-z_]+):(?=(\s|$|[^/]))")
_FIELD_CLAUSE = re.compile(r"""\b\w+:(?:"[^"]*"?|'[^']*'?|\S+)""")


def validate(query: str) -> None:
    """Raise BadQuery with a plain-English reason for queries Whoosh would silently misread."""
    q = query.strip()
    if not q:
        raise BadQuery("Type a word or phrase to search for.")
    if q.count('"') % 2:
        raise BadQuery('Unbalanced quote: add the closing " to finish the phrase.')
    depth = 0
    for ch in q:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            break
    if depth != 0:
        raise BadQuery("Unbalanced parentheses: every ( needs a matching ).")
    if q.count("[") != q.count("]"):
        raise BadQuery("Unbalanced range: write it as date:[2011 TO 2013].")
    for m in _FIELD_PREFIX.finditer(q):
        name, after = m[1], m[2]
        if name.lower() not in FIELDS:
            raise BadQuery(f"Unknown field '{name}:'. You can search in: "
                           f"{', '.join(f + ':' for f in FIELDS)}")
        if after.isspace() or after == "":
            raise BadQuery(f"'{name}:' needs something after it, e.g. {name}:word")


def facet_clause(key: str, value: str) -> str:
    """The query clause selecting one facet value ("year", "source", "entity", "policy";
    entity and policy values are exact keyword terms)."""
    if key == "year":
        return f"date:{value}"
    if key == "source":
        return f'source:"{value}"' if " " in value else f"source:{value}"
    quoted = value.replace("'", " ")
    return f"{key}:'{quoted}'"


def plain_words(query: str) -> str:
    """The plain words of a query, for the notes' own full-text search: field clauses
    (`entity:'x'`, `date:2014`, `source:"x"`) and operators left out."""
    text = _FIELD_CLAUSE.sub(" ", query or "")
    return " ".join(w for w in re.findall(r"\w+", text) if w not in OPERATORS)


def highlight_pattern(terms) -> re.Pattern | None:
    """Words starting with any of the search stems (`SearchResult.terms`), case-insensitive.

    The index stems words (Porter): "policies" -> "polici", so a stem ending in "i" also
    matches the "y" spelling ("policy")."""
    alts = set()
    for term in terms:
        term = term.strip().lower()
        if not term or not re.fullmatch(r"\w+", term):
            continue
        alts.add(re.escape(term))
        if term.endswith("i") and len(term) > 2:
            alts.add(re.escape(term[:-1] + "y"))
    if not alts:
        return None
    return re.compile(r"\b(?:" + "|".join(sorted(alts, key=len, reverse=True)) + r")\w*",
                      re.IGNORECASE)
