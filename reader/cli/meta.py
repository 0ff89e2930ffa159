"""CLI command `reader meta`: show or set an article's date, source, author and title."""

from __future__ import annotations

from reader.cli.common import emit_json, open_library, progress_bar
from reader.domain import META_FIELDS


def _values(info) -> dict[str, str]:
    return {"date": info.date, "source": info.source, "author": info.author,
            "title": info.title}


def _record(info, mine: dict) -> dict:
    return {"id": info.id, **_values(info), "set_by_user": sorted(mine)}


def cmd_meta(args) -> int:
    values: dict[str, str | None] = {f: None for f in args.clear or ()}
    for field in META_FIELDS:
        value = vars(args).get(field)
        if value is not None:
            values[field] = value
    with open_library(args) as lib:
        if args.undo:
            changes = lib.articles.undo_meta(args.id)
            if not changes.articles:
                print(f"Nothing to undo: no metadata set on {args.id}.")
        elif values:
            changes = lib.articles.set_meta(args.id, values)
        else:
            changes = None
        if changes is not None and changes.articles:
            with progress_bar() as bar:
                if args.no_nlp:
                    lib.indexing.update(progress=bar, nlp=False)
                else:
                    lib.indexing.apply(changes, progress=bar)
        info = lib.articles.info(args.id)
        mine = lib.articles.meta(args.id)
    if args.json:
        emit_json(_record(info, mine))
        return 0
    print(info.id)
    for field, value in _values(info).items():
        value = value or ("undated" if field == "date" else "—")
        mark = "  (set by you)" if field in mine else ""
        print(f"  {field:<7} {value}{mark}")
    return 0
