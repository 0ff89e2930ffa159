"""CLI commands `reader library`: which library this is, a new one, the sample articles."""

from __future__ import annotations

import os
import shlex
import sys

from reader.cli.common import emit_json, open_library, progress_bar
from reader.library import Library
from reader.paths import Paths


def _explicit_corpus(args) -> bool:
    return bool(args.corpus or os.environ.get("READER_CORPUS"))


def cmd_library(args) -> int:
    with open_library(args) as lib:
        infos = lib.articles.list()
        paths = lib.paths
    in_place = sum(1 for i in infos if i.bundled)
    record = {"data_dir": str(paths.data_dir), "sample": paths.includes_sample,
              "corpus_dir": str(paths.corpus_dir) if paths.corpus_dir.is_dir() else "",
              "articles": len(infos), "imported": len(infos) - in_place,
              "in_corpus_dir": in_place}
    if args.json:
        emit_json(record)
        return 0
    print(f"Library: {paths.data_dir}")
    print(f"  articles  {len(infos)} ({record['imported']} imported, {in_place} in the "
          f"{'sample' if paths.includes_sample else 'corpus folder'})")
    if record["corpus_dir"]:
        print(f"  corpus    {paths.corpus_dir} (read-only, listed in place)")
    print(f"  sample    {'included' if paths.includes_sample else 'not included'}")
    return 0


def cmd_library_new(args) -> int:
    path = Library.create(args.dir)
    if args.json:
        emit_json({"data_dir": str(path), "sample": False, "articles": 0})
        return 0
    print(f"New library: {path} (empty, without the sample articles).")
    print(f"Import your articles with: reader import --data-dir {shlex.quote(str(path))} FOLDER")
    return 0


def cmd_library_sample(args) -> int:
    """`remove-sample` / `add-sample`: write the library file, then bring the index and
    tables up to date (the sample's articles leave or join the index)."""
    include = args.include
    paths = Paths.resolve(args.data_dir, args.corpus)
    if _explicit_corpus(args):
        print("reader: --corpus / $READER_CORPUS names this run's corpus folder, so the sample "
              "setting shows only without it.", file=sys.stderr)
    elif paths.includes_sample == include:
        print(f"The sample articles are {'already' if include else 'not'} in this library; "
              "nothing to do.")
        return 0
    with open_library(args) as lib:
        sample = {i.id for i in lib.articles.list() if i.bundled} if paths.includes_sample \
            else set()
        noted = sum(1 for n in lib.notes.list() if n.doc in sample) if sample else 0
    Library.set_sample(paths.data_dir, include)
    with open_library(args) as lib, progress_bar() as bar:
        report = lib.indexing.update(progress=bar, nlp=not args.no_nlp)
    if args.json:
        emit_json({"data_dir": str(paths.data_dir), "sample": include,
                   "articles": report.total, "notes_on_sample": noted})
        return 0
    if include:
        print(f"The sample articles are back in this library ({report.total} articles).")
    else:
        print(f"The sample articles are no longer in this library ({report.total} articles "
              "left).")
        if noted:
            notes = f"{noted} note is" if noted == 1 else f"{noted} notes are"
            print(f"Your {notes} kept; `reader library add-sample` brings the articles back.")
    return 0
