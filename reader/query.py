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
MAX_CHARS = 2000  # a longer query is refused with a message (a pasted page is not a search)
MAX_DEPTH = 32  # nested parentheses

_FIELD_PREFIX = re.compile(r"(?<![\w\":])([A-Za-z_]+):(?=(\s|$|[^/]))")
_SURROGATE = re.compile("[\ud800-\udfff]")  # undecodable bytes (surrogateescape) or junk
_FIELD_CLAUSE = re.compile(r"""\b\w+:(?:"[^"]*"?|'[^']*'?|\S+)""")


def validate(query: str) -> None:
    """Raise BadQuery with a plain-English reason for queries Whoosh would silently misread."""
    q = query.strip()
    if not q:
        raise BadQuery("Type a word or phrase to search for.")
    if len(q) > MAX_CHARS:
        raise BadQuery(f"The search is {len(q):,} characters long; the most is {MAX_CHARS:,}. "
                       "Search for a few of its words or a phrase.")
    if _SURROGATE.search(q):
        raise BadQuery("The search holds bytes that are not valid text (UTF-8); retype it.")
    if q.count('"') % 2:
        raise BadQuery('Unbalanced quote: add the closing " to finish the phrase.')
    depth = deepest = 0
    for ch in q:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        deepest = max(deepest, depth)
        if depth < 0:
            break
    if deepest > MAX_DEPTH:
        raise BadQuery(f"The search nests parentheses {deepest} deep; the most is {MAX_DEPTH}.")
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


# The clauses selecting the articles that have no date / no source (the "Undated" and
# "No source" facet buckets, whose value is "").
UNDATED = "NOT date:[1000 TO 3000]"
NO_SOURCE = "NOT source:*"
_FACET_CLAUSE = re.compile(r"""(?:NOT date:\[1000 TO 3000\]|NOT source:\*"""
                           r"""|\b(?:date|source|entity|policy):(?:"[^"]*"|'[^']*'|\S+))""")


def facet_clause(key: str, value: str) -> str:
    """The query clause selecting one facet value ("year", "source", "entity", "policy";
    entity and policy values are exact keyword terms; "" is the year/source bucket of the
    articles without one)."""
    if key == "year":
        return f"date:{value}" if value else UNDATED
    if key == "source":
        if not value:
            return NO_SOURCE
        return f'source:"{value}"' if " " in value else f"source:{value}"
    quoted = value.replace("'", " ")
    return f"{key}:'{quoted}'"


def facet_clauses(query: str) -> list[str]:
    """The facet-like clauses of a query (`date:…`, `source:…`, `entity:…`, `policy:…` and
    the Undated / No source clauses), in order: the UI shows them as removable filters."""
    return _FACET_CLAUSE.findall(query or "")


def without_clause(query: str, clause: str) -> str:
    """`query` with every occurrence of `clause` (a whole clause) taken out."""
    parts = [p.strip() for p in (query or "").split(clause)] if clause else [query or ""]
    return " ".join(" ".join(p for p in parts if p).split())


def toggle_clause(query: str, clause: str) -> str:
    """Add `clause` to `query`, or take it out when the query already has it."""
    if clause in facet_clauses(query):
        return without_clause(query, clause)
    return f"{(query or '').strip()} {clause}".strip()


def phrases(query: str) -> list[list[str]]:
    """The words of each quoted phrase in the query (field clauses left out)."""
    text = _FIELD_CLAUSE.sub(" ", query or "")
    return [words for words in (re.findall(r"\w+", p) for p in re.findall(r'"([^"]*)"', text))
            if len(words) > 1]


def plain_words(query: str) -> str:
    """The plain words of a query, for the notes' own full-text search: field clauses
    (`entity:'x'`, `date:2014`, `source:"x"`) and operators left out."""
    text = _FIELD_CLAUSE.sub(" ", query or "")
    return " ".join(w for w in re.findall(r"\w+", text) if w not in OPERATORS)


def _stem_alternatives(term: str) -> list[str]:
    """Regex alternatives for a stem: the stem, and for a stem ending in "i" the "y"
    spelling (the index stems with Porter: "policies" -> "polici")."""
    alts = [re.escape(term)]
    if term.endswith("i") and len(term) > 2:
        alts.append(re.escape(term[:-1] + "y"))
    return alts


def highlight_pattern(terms, query: str = "") -> re.Pattern | None:
    """Words starting with any of the search stems (`SearchResult.terms`), case-insensitive.

    With the `query`, a stem that comes only from a quoted phrase is marked only where the
    whole phrase stands (its words adjacent), not wherever the word occurs."""
    stems = {t.strip().lower() for t in terms}
    stems = {t for t in stems if t and re.fullmatch(r"\w+", t)}
    alts: set[str] = set()
    in_phrases: set[str] = set()
    outside = plain_words(re.sub(r'"[^"]*"', " ", query or "")).split()
    for words in phrases(query):
        parts = []
        for word in words:
            low = word.lower()
            matched = sorted((t for t in stems if low.startswith(t)), key=len)
            in_phrases.update(matched)
            parts.append(("(?:" + "|".join(_stem_alternatives(matched[0])) + ")")
                         if matched else re.escape(low))
        alts.add(r"\W+".join(p + r"\w*" for p in parts[:-1]) + r"\W+" + parts[-1])
    for term in stems:
        if term in in_phrases and not any(w.lower().startswith(term) for w in outside):
            continue
        alts.update(_stem_alternatives(term))
    if not alts:
        return None
    return re.compile(r"\b(?:" + "|".join(sorted(alts, key=len, reverse=True)) + r")\w*",
                      re.IGNORECASE)

