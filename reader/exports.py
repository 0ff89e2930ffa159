"""CSV exports for spreadsheets: search results, entities with their counts, an entity's
mentions, and who proposed what (the CLI's `--csv` and the desktop's File > Export).

The file format, chosen to open as it should in Excel and LibreOffice Calc:
- UTF-8 with a byte-order mark. Excel reads a .csv without one in the machine's legacy code
  page (names such as "Zoë" or "€" come out garbled); with it, Excel and Calc both take the
  file as UTF-8. Python reads it back with `encoding="utf-8-sig"`. CSV written to a pipe
  (the CLI's `--csv` without a file) has no mark: a program reading a pipe rarely expects one.
- Commas, fields quoted when they hold a comma, a quote or a line break, and CRLF line
  ends: RFC 4180, what both programs read by default (Python's `csv` "excel" dialect).
- Formula injection: a text cell that starts with =, +, -, @, a tab or a carriage return
  would be run as a formula by a spreadsheet (an article could say `=HYPERLINK(...)`), so it
  gets a leading apostrophe, which spreadsheets show as text (the OWASP advice). Numbers are
  written as numbers.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from reader.domain import Entity, Policy
from reader.errors import NotFound

BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_BOLD = re.compile(r"</?b>")


@dataclass(frozen=True)
class Table:
    """Rows under a header, and a file name to suggest (`name`.csv)."""

    name: str
    header: tuple[str, ...]
    rows: list[tuple]


def safe_cell(value):
    """A cell as written: numbers as they are, None as "", text that a spreadsheet would
    take for a formula behind an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_text(table: Table, bom: bool = True) -> str:
    """The table as CSV text (see the module docstring for the format)."""
    out = io.StringIO()
    if bom:
        out.write(BOM)
    writer = csv.writer(out)  # the "excel" dialect: commas, minimal quoting, CRLF
    writer.writerow(table.header)
    writer.writerows([safe_cell(v) for v in row] for row in table.rows)
    return out.getvalue()


def write_csv(path: str | Path, table: Table) -> Path:
    """Write the table to `path` (".csv" added when it has no suffix), atomically.
    Raises OSError."""
    from reader.textutil import atomic_write

    path = Path(path)
    if not path.suffix:
        path = path.with_suffix(".csv")
    atomic_write(path, csv_text(table).encode("utf-8"))
    return path


# -- the tables ----------------------------------------------------------------------------

def search_table(lib, query: str, limit: int | None = None) -> Table:
    """The hits of `query`, best first (`limit` None: every hit), with each article's
    metadata and the snippet as plain text. Raises BadQuery."""
    result = lib.search.run(query, limit=limit or 1)
    if limit is None and result.total > len(result.hits):
        result = lib.search.run(query, limit=result.total)
    rows = []
    for rank, hit in enumerate(result.hits, 1):
        try:
            author = lib.articles.info(hit.id).author
        except NotFound:  # removed since it was indexed
            author = ""
        snippet = " ".join(html.unescape(_BOLD.sub("", hit.snippet)).split())
        rows.append((rank, hit.id, hit.title, hit.date, hit.source, author,
                     round(hit.score, 4), snippet))
    return Table("search-results", ("rank", "article", "title", "date", "source", "author",
                                    "score", "snippet"), rows)


def entities_table(entities: Iterable[Entity]) -> Table:
    """Entities (as listed: most mentioned first) with their counts of mentions and
    articles."""
    rows = [(e.id, e.name, e.type, e.count, len({m.doc for m in e.mentions}),
             "; ".join(e.aliases), e.hidden) for e in entities]
    return Table("entities", ("id", "name", "type", "mentions", "articles", "aliases",
                              "hidden"), rows)


def mentions_table(lib, ref: str, cancelled: Callable[[], bool] | None = None,
                   chunk: int = 500) -> Table:
    """Every mention of entity `ref` (id, name or alias), by date (undated last), with its
    sentence (read from the articles: the slow part; `cancelled()` is asked between
    chunks and stops with what was read). Raises NotFound."""
    entity = lib.entities.get(ref)
    contexts = lib.entities.contexts(entity.mentions)
    rows = []
    for i in range(0, len(contexts), chunk):
        if cancelled is not None and cancelled():
            break
        for c in lib.entities.fill_sentences(contexts[i:i + chunk]):
            rows.append((entity.name, c.date, c.doc, c.title, c.start, c.end, c.text,
                         " ".join(c.sentence.split())))
    return Table(f"mentions-{_file_part(entity.name)}",
                 ("entity", "date", "article", "title", "start", "end", "mention",
                  "sentence"), rows)


def who_proposed_table(policies: Iterable[Policy], names: dict[str, str]) -> Table:
    """Who proposed what: one row per mention of `policies` that names who took the stance
    (policy, actor by `names`: entity id -> its current name, else as written, stance,
    date, sentence), in each policy's timeline order; hidden policies left out."""
    rows = []
    for pol in policies:
        if pol.hidden:
            continue
        for m in pol.mentions:
            if not m.actor and not m.actor_name:
                continue
            actor = (names.get(m.actor) if m.actor else None) or m.actor_name or m.actor
            rows.append((pol.label, actor, m.stance or "unknown", m.date,
                         " ".join(m.text.split()), m.doc, m.start, m.end))
    return Table("who-proposed-what", ("policy", "actor", "stance", "date", "sentence",
                                       "article", "start", "end"), rows)


def library_who_proposed(lib) -> Table:
    """`who_proposed_table` of the library's visible policies (codebook, user and
    discovered), actors by the entity table's names."""
    names = {e.id: e.name for e in lib.entities.list(include_hidden=True)}
    return who_proposed_table(lib.policies.list(discovered=True), names)


def read_csv(text: str) -> list[list[str]]:
    """Rows of CSV text as this module writes it (the mark dropped): for tests and tools."""
    return list(csv.reader(io.StringIO(text.removeprefix(BOM))))


def _file_part(name: str) -> str:
    from reader.textutil import slug

    return slug(name, 60) or "entity"
