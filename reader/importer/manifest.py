"""A manifest: a CSV giving the date, source, author and title of the files imported.

`reader import DIR --manifest FILE`, or a `reader-manifest.csv` at the top of a folder
imported. A header row names the columns: `path` (relative to the manifest's folder, or
absolute) and any of `date`, `source`, `author`, `title`; an empty cell leaves the file's own
value. The values become metadata the user set (as `reader meta` sets it: kept in the store,
undone by `reader meta ID --undo`). Each bad row gets one line in the import report, and the
other rows are applied.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

from reader.domain import META_FIELDS, ImportOutcome
from reader.errors import BadInput
from reader.importer.dates import parse_date
from reader.importer.files import read_limited
from reader.metadata import clean_fields

MANIFEST_NAME = "reader-manifest.csv"
MAX_MANIFEST_BYTES = 16 * 2**20
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_MAX_DATE_CELL = 40  # characters: a longer cell is a sentence, not a date


@dataclass(frozen=True)
class Row:
    """One manifest row: its line number, the file it names (resolved) and its values."""

    line: int
    path: Path
    values: dict[str, str]


def _bad(where: str, reason: str) -> ImportOutcome:
    return ImportOutcome(where, "failed", reason)


def _decode(raw: bytes) -> str:
    """UTF-8 (with or without the BOM spreadsheets write), else Windows-1252, which is what
    a spreadsheet saves as "CSV" on Windows and which decodes any byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _dialect(text: str):
    """Commas, or the semicolons or tabs a spreadsheet uses in some locales."""
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _date(cell: str) -> str:
    """The ISO date a cell states, or "" (a cell reader would have to guess at: 3/4/2015)."""
    if _ISO.fullmatch(cell):
        return parse_date(cell)
    return parse_date(cell) if len(cell) <= _MAX_DATE_CELL else ""


def read_manifest(path: Path) -> tuple[list[Row], list[ImportOutcome]]:
    """The manifest's rows, and one failed outcome per bad row (or one for the whole file
    when it cannot be read or has no `path` column)."""
    where = str(path)
    try:
        text = _decode(read_limited(path, MAX_MANIFEST_BYTES, path.name))
    except BadInput as exc:
        return [], [_bad(where, f"manifest not read: {str(exc).removeprefix(path.name + ': ')}")]
    except OSError as exc:
        return [], [_bad(where, f"manifest not read: {exc.strerror or exc}")]
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
    except csv.Error as exc:
        return [], [_bad(where, f"manifest not read: {exc}")]
    if "path" not in header:
        return [], [_bad(where, "manifest not read: its first row must name the columns, "
                                f"with a 'path' column and any of {', '.join(META_FIELDS)}")]
    columns = {name: i for i, name in reversed(list(enumerate(header)))
               if name == "path" or name in META_FIELDS}
    rows: list[Row] = []
    problems: list[ImportOutcome] = []
    unknown = [name for name in header if name and name not in columns]
    if unknown:
        problems.append(ImportOutcome(where, "skipped", "manifest columns not used: "
                                      f"{', '.join(unknown)}"))
    base = path.parent
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            row, problem = _row(cells, columns, line, base)
            if problem:
                problems.append(_bad(f"{where} line {line}", problem))
            else:
                rows.append(row)
    except csv.Error as exc:
        problems.append(_bad(f"{where} line {reader.line_num}",
                             f"{exc}; the rows after it were not read"))
    return rows, problems


def _row(cells: list[str], columns: dict[str, int], line: int,
         base: Path) -> tuple[Row | None, str]:
    def cell(name: str) -> str:
        i = columns.get(name)
        return " ".join(cells[i].split()) if i is not None and i < len(cells) else ""

    named = cell("path")
    if not named:
        return None, "no path given"
    values: dict[str, str] = {}
    for name in META_FIELDS:
        value = cell(name)
        if not value:
            continue
        if name == "date":
            iso = _date(value)
            if not iso:
                return None, (f"date {value!r} is not a date reader can read without "
                              "guessing; give it as YYYY-MM-DD")
            value = iso
        values[name] = value
    if not values:
        return None, f"nothing to set for {named!r} (every other cell is empty)"
    try:
        clean_fields(values)
    except BadInput as exc:
        return None, str(exc)
    return Row(line, Path(os.path.realpath(base / named)), values), ""


def manifests_for(given: list[str | os.PathLike], explicit: str | os.PathLike | None
                  ) -> list[Path]:
    """The manifest named on the command line, else the `reader-manifest.csv` at the top of
    each folder given, or given itself (File > Import files… with it among the files)."""
    if explicit:
        return [Path(explicit).expanduser()]
    found = []
    for item in given:
        path = Path(item).expanduser()
        candidate = path if path.name == MANIFEST_NAME else path / MANIFEST_NAME
        if candidate.is_file() and candidate not in found:
            found.append(candidate)
    return found


def apply_manifests(given: list[str | os.PathLike], outcomes: list[ImportOutcome],
                    explicit: str | os.PathLike | None = None
                    ) -> tuple[dict[str, dict[str, str]], list[ImportOutcome]]:
    """What the manifests set: ({article id: {field: value}}, the outcomes with one line
    per manifest and per bad row, a manifest's own "unsupported file" line replaced).

    A row applies to the articles its file gave: imported now, or already in the library (a
    duplicate). A file holding several articles (an export) gets the row's date, source and
    author on each (a title there makes the row a bad one)."""
    manifests = manifests_for(given, explicit)
    if not manifests:
        return {}, outcomes
    own = {os.path.realpath(m) for m in manifests}
    by_file: dict[str, list[ImportOutcome]] = {}
    for o in outcomes:
        by_file.setdefault(os.path.realpath(o.path), []).append(o)
    kept = [o for o in outcomes if os.path.realpath(o.path) not in own]
    values: dict[str, dict[str, str]] = {}
    for manifest in manifests:
        rows, problems = read_manifest(manifest)
        applied = 0
        for row in rows:
            problem = _apply(row, by_file.get(str(row.path), []), values)
            if problem:
                problems.append(_bad(f"{manifest} line {row.line}", problem))
            else:
                applied += 1
        if rows or not problems:
            kept.append(ImportOutcome(str(manifest), "skipped",
                                      f"manifest: {applied} row{'s' if applied != 1 else ''} "
                                      "applied (date, source, author, title)"))
        kept.extend(sorted(problems, key=lambda o: _line_of(o, manifest)))
    return values, kept


def _line_of(outcome: ImportOutcome, manifest: Path) -> int:
    rest = outcome.path[len(str(manifest)):]
    return int(rest.removeprefix(" line ")) if rest.startswith(" line ") else 0


def _apply(row: Row, outcomes: list[ImportOutcome], values: dict[str, dict[str, str]]) -> str:
    """Record the row's values for its file's articles; the reason it cannot, or ""."""
    ids = [o.id for o in outcomes if o.id and o.status in ("imported", "skipped")]
    if not outcomes:
        return f"{row.path.name}: no such file among the files imported"
    if not ids:
        reason = next((o.reason for o in outcomes if o.reason), "")
        return f"{row.path.name} was not imported{f' ({reason})' if reason else ''}"
    if len(ids) > 1 and "title" in row.values:
        return (f"{row.path.name} holds {len(ids)} articles: one title cannot name them all; "
                "the row was not applied")
    for doc_id in ids:
        values[doc_id] = {**values.get(doc_id, {}), **row.values}
    return ""
