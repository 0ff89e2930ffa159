"""The fixed query set, written once per engine (reader's Whoosh syntax, SQLite FTS5, tantivy).

A query a peer cannot express is None for that peer: peer ratios are taken over the queries
both engines run. `{author}` is filled with the surname of the corpus's most frequent author,
so the field filter hits on any corpus (generated or `BENCH_CORPUS`).
"""

from __future__ import annotations

from dataclasses import dataclass

_TB = "{title body}"  # FTS5 column filter: reader's default fields


@dataclass(frozen=True)
class Query:
    kind: str
    reader: str
    fts5: str | None  # MATCH expression
    tantivy: str | None  # tantivy query language (default fields title, body; AND)
    fts5_where: str = ""  # extra SQL condition (date ranges)
    fuzzy: bool = False  # tantivy: parse with fuzzy_fields
    regex: bool = False  # tantivy: parse with allow_regexes

    def fill(self, author: str) -> Query:
        def f(s):
            return s.replace("{author}", author) if s else s

        return Query(self.kind, f(self.reader), f(self.fts5), f(self.tantivy), self.fts5_where,
                     self.fuzzy, self.regex)


def _dates(a: str, b: str) -> str:
    return f"date:[{a}T00:00:00Z TO {b}T23:59:59Z]"


QUERIES = [
    Query("term", "child protection", f"{_TB}: (child protection)", "child protection"),
    Query("term", "ofsted inspection", f"{_TB}: (ofsted inspection)", "ofsted inspection"),
    Query("term", "social workers caseloads", f"{_TB}: (social workers caseloads)",
          "social workers caseloads"),
    Query("term", "outsourcing", f"{_TB}: outsourcing", "outsourcing"),
    Query("term", "bureaucracy", f"{_TB}: bureaucracy", "bureaucracy"),
    Query("phrase", '"social workers"', f'{_TB}: "social workers"', '"social workers"'),
    Query("phrase", '"child protection services"', f'{_TB}: "child protection services"',
          '"child protection services"'),
    Query("phrase", '"serious case reviews"', f'{_TB}: "serious case reviews"',
          '"serious case reviews"'),
    Query("boolean", "outsource AND councils", f"{_TB}: (outsource AND councils)",
          "outsource AND councils"),
    Query("boolean", "ofsted OR inspectors", f"{_TB}: (ofsted OR inspectors)",
          "ofsted OR inspectors"),
    Query("boolean", "(munro OR laming) AND review", f"{_TB}: ((munro OR laming) AND review)",
          "(munro OR laming) AND review"),
    Query("boolean", "councils NOT outsourcing", f"{_TB}: (councils NOT outsourcing)",
          "councils -outsourcing"),
    Query("fuzzy", "councl~", None, "councl", fuzzy=True),
    Query("fuzzy", "inspecton~ ofsted", None, "inspecton ofsted", fuzzy=True),
    Query("wildcard", "protect*", f"{_TB}: protect*", "body:/protect.*/ OR title:/protect.*/",
          regex=True),
    Query("wildcard", "bureau*", f"{_TB}: bureau*", "body:/bureau.*/ OR title:/bureau.*/",
          regex=True),
    Query("wildcard", "s?cial work", None, "body:/s.cial/ AND work", regex=True),
    Query("field", "title:protection", "title: protection", "title:protection"),
    Query("field", "author:{author}", "author: {author}", "author:{author}"),
    Query("field", 'source:"community care"', 'source: "community care"',
          'source:"community care"'),
    Query("field", "title:reform councils", "title: reform AND {title body}: councils",
          "title:reform AND councils"),
    Query("date", "date:[2010 TO 2012] ofsted", f"{_TB}: ofsted",
          f"{_dates('2010-01-01', '2012-12-31')} AND ofsted",
          fts5_where="date BETWEEN '2010-01-01' AND '2012-12-31'"),
    Query("date", "date:2013 outsourcing", f"{_TB}: outsourcing",
          f"{_dates('2013-01-01', '2013-12-31')} AND outsourcing",
          fts5_where="date BETWEEN '2013-01-01' AND '2013-12-31'"),
    Query("date", "date:[2008 TO 2009] social workers", f"{_TB}: (social workers)",
          f"{_dates('2008-01-01', '2009-12-31')} AND social AND workers",
          fts5_where="date BETWEEN '2008-01-01' AND '2009-12-31'"),
]


def queries(author: str) -> list[Query]:
    """The query set with `{author}` filled (a surname, lower case; "smith" if none)."""
    return [q.fill(author or "smith") for q in QUERIES]
