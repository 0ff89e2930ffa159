"""CSV output of the CLI (`--csv [FILE]`), and the listings that exist for it: an entity's
mentions and who proposed what."""

from __future__ import annotations

import argparse
import sys

from reader.cli.common import emit_json, ensure_index, open_library
from reader.exports import Table, csv_text, library_who_proposed, mentions_table, write_csv


def add_csv_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--csv", nargs="?", const="-", metavar="FILE",
                        help="CSV for spreadsheets: to FILE (UTF-8 with a byte-order mark, "
                             "which Excel needs), or without FILE to the output")


def emit_csv(table: Table, target: str) -> None:
    """The table as CSV on stdout ("-"), or written to the file `target`."""
    if target == "-":
        sys.stdout.write(csv_text(table, bom=False))
        return
    path = write_csv(target, table)
    print(f"{len(table.rows)} row{'s' if len(table.rows) != 1 else ''} written to {path}")


def cmd_entities_mentions(args) -> int:
    with open_library(args) as lib:
        ensure_index(lib, extraction=True)
        table = mentions_table(lib, args.entity)

    def line(row) -> str:
        _, date, doc, _, start, _, _, sentence = row
        return f"{date or 'undated':10}  {doc}:{start}  {sentence}"
    return _emit(args, table, "No mentions.", line)


def cmd_policies_who(args) -> int:
    with open_library(args) as lib:
        ensure_index(lib, extraction=True)
        table = library_who_proposed(lib)

    def line(row) -> str:
        policy, actor, stance, date, sentence, doc, _, _ = row
        return f"{date or 'undated':10}  {actor} [{stance}] {policy}  ({doc})\n    “{sentence}”"
    return _emit(args, table, "Nobody is named proposing, supporting or opposing a policy yet.",
                 line)


def _emit(args, table, empty: str, line) -> int:
    """A table as CSV (--csv), JSON objects (--json) or one `line(row)` per row."""
    if args.csv:
        emit_csv(table, args.csv)
    elif args.json:
        emit_json([dict(zip(table.header, row, strict=True)) for row in table.rows])
    else:
        if not table.rows:
            print(empty)
        for row in table.rows:
            print(line(row))
    return 0
