"""CLI commands on articles: the app, index, list, show, search, import."""

from __future__ import annotations

import html
import sys

from reader.cli.common import emit_json, ensure_index, open_library, progress_bar


def cmd_app(args) -> int:
    try:
        from reader.ui.app import run
    except ImportError as exc:
        print(f"reader: the desktop app cannot start: {exc}", file=sys.stderr)
        return 1
    return run(args)


def cmd_index(args) -> int:
    if args.rebuild:
        _check_writable(args)
    with open_library(args) as lib, progress_bar() as bar:
        if args.rebuild and not args.no_nlp:
            _drop_damaged_analyses(lib)
        report = lib.indexing.update(rebuild=args.rebuild, progress=bar, nlp=not args.no_nlp,
                                     cluster=args.cluster)
        problems = lib.articles.problems
    for msg in report.messages:
        print(msg, file=sys.stderr)
    for problem in problems:
        print(f"skipped: {problem}", file=sys.stderr)
    if args.json:
        emit_json(report.to_json())
    else:
        print(f"{report.total} articles: {report.added} added, {report.updated} updated, "
              f"{report.removed} removed, {report.unchanged} unchanged; "
              f"{report.analysed} analysed by NLP.")
    return 0


def _check_writable(args) -> None:
    """A rebuild writes the data folder: one line, before anything, when it cannot."""
    import os

    from reader.errors import ReadOnly
    from reader.paths import Paths

    data = Paths.resolve(args.data_dir, args.corpus).data_dir
    if data.is_dir() and not os.access(data, os.W_OK | os.X_OK):
        raise ReadOnly(f"The data folder {data} cannot be written (read-only or no "
                       "permission), so the search index cannot be rebuilt; nothing was done.")


def _drop_damaged_analyses(lib) -> None:
    """A rebuild reads every NLP cache entry first, so a damaged one is analysed again now
    (otherwise it is dropped only when a table build reads it, and redone by the next run)."""
    from reader.extraction import nlp

    dropped = nlp.verify_cached(lib.paths.cache_dir, [i.text_hash for i in lib.articles.list()])
    if dropped:
        print(f"{dropped} damaged NLP cache entr{'y' if dropped == 1 else 'ies'} dropped; "
              "analysing again.", file=sys.stderr)


def cmd_list(args) -> int:
    from reader.cli.organise import filter_listing

    with open_library(args) as lib:
        infos = filter_listing(lib, args, lib.articles.list())
    if args.json:
        emit_json([i.summary() for i in infos])
        return 0
    if not infos:
        print("No articles match." if args.starred or args.tag else
              "No articles. Add some with: reader import PATH…")
    for i in infos:
        meta = " · ".join(x for x in (i.date or "undated", i.source, i.author) if x)
        mine = f"  [set by you: {', '.join(i.user_set)}]" if i.user_set else ""
        marks = ("  ★" if i.starred else "") + (f"  [tags: {', '.join(i.tags)}]" if i.tags
                                                 else "")
        print(f"{i.id}  {i.title}\n    {meta}{mine}{marks}")
    return 0


def cmd_show(args) -> int:
    with open_library(args) as lib:
        art = lib.articles.get(args.id)
        # Entities only when already extracted: `show` never runs the NLP model.
        found = _doc_entities(lib, art.id) if lib.indexing.is_extracted() else None
    record = {**art.summary(), "body": art.body}
    if args.json:
        if found is not None:  # not extracted yet: the record as it always was
            record["entities"] = [
                {"id": e.id, "name": e.name, "type": e.type,
                 "mentions": [m.to_json() for m in ms]} for e, ms in found]
        emit_json(record)
    else:
        meta = " · ".join(x for x in (art.date or "undated", art.source, art.author) if x)
        mine = f"  [set by you: {', '.join(art.user_set)}]" if art.user_set else ""
        print(f"{art.title}\n{meta}{mine}\n\n{art.body}")
        print(_entities_text(found))
    return 0


def _doc_entities(lib, doc: str) -> list:
    """[(entity, its mentions in `doc`)], in the order the article first names them (its
    headline first)."""
    by_entity: dict[str, tuple] = {}
    for m, e in lib.entities.doc_mentions(doc):
        by_entity.setdefault(e.id, (e, []))[1].append(m)
    return list(by_entity.values())


def _entities_text(found) -> str:
    """The entities section of `reader show`: each mention as "title" or "body" and its
    offsets into that text (title[start:end] or body[start:end] is the mention)."""
    if found is None:
        return "\nEntities: not extracted yet (run `reader index`)."
    if not found:
        return "\nEntities: none found."
    lines = ["", "Entities (mentions as title or body [start:end]):"]
    for e, ms in found:
        heads = sum(m.field == "title" for m in ms)
        counts = f"{len(ms)} mention{'s' if len(ms) != 1 else ''}" + (
            f", {heads} in the title" if heads else "")
        where = ", ".join(f"{m.field} {m.start}-{m.end}" for m in ms)
        lines.append(f"  {e.name} ({e.type}): {counts}: {where}")
    return "\n".join(lines)


def cmd_search(args) -> int:
    with open_library(args) as lib:
        lib.search.check(args.query)  # a malformed query is told before any indexing
        ensure_index(lib)
        if args.csv:
            from reader.cli.exports import emit_csv
            from reader.exports import search_table

            emit_csv(search_table(lib, args.query, args.limit), args.csv)
            return 0
        result = lib.search.run(args.query, limit=args.limit or 20, sort=args.sort)
    if args.json:
        emit_json(result.to_json())
        return 0
    if result.suggestion:
        print(f"Did you mean: {result.suggestion}")
    if not result.hits:
        print(f"No results for {args.query!r}.")
    for hit in result.hits:
        snippet = html.unescape(
            hit.snippet.replace("<b>", "\033[1m").replace("</b>", "\033[0m")
            if sys.stdout.isatty() else hit.snippet.replace("<b>", "").replace("</b>", ""))
        print(f"{hit.id}  {hit.title}  ({hit.score:.2f})\n    {' '.join(snippet.split())}")
    return 0


def cmd_import(args) -> int:
    with open_library(args) as lib:
        changes = lib.articles.import_paths(args.paths, manifest=args.manifest)
        # A re-run after an interrupted import finds its files already in (skipped as
        # duplicates), perhaps not yet indexed: then the index is brought up to date.
        again = not changes.articles and any(o.id for o in changes.outcomes)
        if changes.articles or again:
            with progress_bar() as bar:
                if args.no_nlp or again:
                    lib.indexing.update(progress=bar, nlp=not args.no_nlp)
                else:
                    lib.indexing.apply(changes, progress=bar)
    outcomes = changes.outcomes
    if args.json:
        emit_json([o.to_json() for o in outcomes])
    else:
        for o in outcomes:
            extra = f" ({o.reason})" if o.reason else ""
            warn = f" [{'; '.join(o.warnings)}]" if o.warnings else ""
            print(f"{o.status}: {o.path}{' -> ' + o.id if o.id else ''}{extra}{warn}")
    failed = [o for o in outcomes if o.status == "failed"]
    return 2 if failed and len(failed) == len(outcomes) else 0
