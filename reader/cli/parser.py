"""The `reader` command line: the argument parser, wired to the commands of each area."""

from __future__ import annotations

import argparse

from reader import __version__
from reader.cli.articles import cmd_app, cmd_import, cmd_index, cmd_list, cmd_search, cmd_show
from reader.cli.entities import cmd_entities, cmd_entities_edit, cmd_entities_related
from reader.cli.exports import add_csv_option, cmd_entities_mentions
from reader.cli.library import cmd_library, cmd_library_new, cmd_library_sample
from reader.cli.meta import cmd_meta
from reader.cli.notes import cmd_notes_add, cmd_notes_export, cmd_notes_import, cmd_notes_list
from reader.cli.organise import add_list_options, add_search_options
from reader.cli.organise import add_parsers as add_organise_parsers
from reader.cli.policies import add_parsers as add_policy_parsers
from reader.domain import META_FIELDS
from reader.extraction.lexicon import TYPE_ALIASES, TYPES


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS,
                        help="user data dir (default: $READER_DATA_DIR or the platform's)")
    common.add_argument("--corpus", metavar="DIR", default=argparse.SUPPRESS,
                        help="corpus folder (default: the bundled corpus)")
    js = argparse.ArgumentParser(add_help=False)
    js.add_argument("--json", action="store_true", help="machine-readable output")

    parser = argparse.ArgumentParser(
        prog="reader", parents=[common],
        description="Offline reference reader for a folder of articles. "
                    "With no command, opens the desktop app.")
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    parser.set_defaults(func=cmd_app)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    p = sub.add_parser("index", parents=[common, js], help="build or update the search index")
    p.add_argument("--rebuild", action="store_true", help="drop the index and build it anew")
    p.add_argument("--no-nlp", action="store_true", help="skip entity/policy extraction")
    p.add_argument("--cluster", metavar="ADDRESS",
                   help="run the NLP analysis on a Dask cluster (e.g. tcp://host:8786; "
                        "needs reader[cluster]); everything else stays here")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("list", parents=[common, js], help="list the articles")
    add_list_options(p)
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", parents=[common, js], help="print one clean article")
    p.add_argument("id", help="article id (see `reader list`)")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("search", parents=[common, js], help="full-text search",
                       description="Words, \"phrases\", AND/OR/NOT, wild*, fuzzy~, and fields "
                                   "title: source: author: entity: policy: date:[2011 TO 2013]; "
                                   "your marks: starred:yes tag:T")
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=None, metavar="N",
                   help="hits to show (20; with --csv: every hit)")
    add_csv_option(p)
    add_search_options(p)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("import", parents=[common, js],
                       help="copy .txt/.md/.html files or folders into the library")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--manifest", metavar="CSV",
                   help="dates, sources, authors, titles to set: a CSV with the columns path, "
                        "date, source, author, title (default: a reader-manifest.csv in a "
                        "folder imported)")
    p.add_argument("--no-nlp", action="store_true", help="skip entity/policy extraction")
    p.set_defaults(func=cmd_import)

    lib = sub.add_parser(
        "library", parents=[common, js], help="this library; a new one; the sample articles",
        description="With no action: the library (--data-dir) and its articles. A library is "
                    "a folder holding your imported files, notes and index; a new one starts "
                    "empty. A data folder made before libraries had their own file includes "
                    "the bundled sample articles, as the default library does.")
    lib.set_defaults(func=cmd_library)
    lsub = lib.add_subparsers(title="actions", metavar="ACTION")
    p = lsub.add_parser("new", parents=[common, js], help="make a new, empty library in DIR")
    p.add_argument("dir", metavar="DIR", help="a folder that does not exist yet, or is empty")
    p.set_defaults(func=cmd_library_new)
    for action, include, text in (
            ("remove-sample", False, "leave the bundled sample articles out of this library"),
            ("add-sample", True, "bring the bundled sample articles back")):
        p = lsub.add_parser(action, parents=[common, js], help=text)
        p.add_argument("--no-nlp", action="store_true", help="skip entity/policy extraction")
        p.set_defaults(func=cmd_library_sample, include=include)

    p = sub.add_parser(
        "meta", parents=[common, js], help="show or set an article's date, source, author, title",
        description="With no option: the article's metadata, marking what you set. Your values "
                    "are kept in your data dir (they survive a re-import and `reader index "
                    "--rebuild`) and laid over what the file says.")
    p.add_argument("id", help="article id (see `reader list`)")
    p.add_argument("--date", metavar="YYYY-MM-DD", help='the publication date ("" = undated)')
    p.add_argument("--source", metavar="S")
    p.add_argument("--author", metavar="A")
    p.add_argument("--title", metavar="T")
    p.add_argument("--clear", action="append", choices=META_FIELDS, metavar="FIELD",
                   help=f"back to the file's own value: {', '.join(META_FIELDS)} (repeatable)")
    p.add_argument("--undo", action="store_true", help="take back your last change here")
    p.add_argument("--no-nlp", action="store_true", help="skip entity/policy extraction")
    p.set_defaults(func=cmd_meta)

    ents = sub.add_parser(
        "entities", parents=[common, js], help="people, organisations, places, dates",
        description="With no action: list entities, most mentioned first. Actions correct "
                    "the extraction; corrections are kept in your data dir and re-applied "
                    "after every re-index.")
    ents.add_argument("--doc", metavar="ID", help="only entities in this article")
    ents.add_argument("--type", metavar="T",
                      help=f"one of {', '.join(TYPES)} (or {', '.join(TYPE_ALIASES)})")
    ents.add_argument("--all", action="store_true", help="include hidden entities")
    add_csv_option(ents)
    ents.set_defaults(func=cmd_entities)
    esub = ents.add_subparsers(title="actions", metavar="ACTION")
    p = esub.add_parser("related", parents=[common, js], help="entities that co-occur")
    p.add_argument("name", help="entity name, alias or id")
    p.add_argument("--limit", type=int, default=10, metavar="N")
    p.set_defaults(func=cmd_entities_related)
    p = esub.add_parser("mentions", parents=[common, js],
                        help="every mention of an entity, by date, with its sentence")
    p.add_argument("entity", help="entity name, alias or id")
    add_csv_option(p)
    p.set_defaults(func=cmd_entities_mentions)
    p = esub.add_parser("merge", parents=[common],
                        help="merge SOURCE into TARGET, or several: A B C --into A")
    p.add_argument("names", nargs="+", metavar="ENTITY")
    p.add_argument("--into", metavar="TARGET",
                   help="the entity the others go into (one undo takes the merge back)")
    p.set_defaults(func=cmd_entities_edit, op="merge")
    p = esub.add_parser("rename", parents=[common], help="give an entity another name")
    p.add_argument("entity")
    p.add_argument("name")
    p.set_defaults(func=cmd_entities_edit, op="rename")
    p = esub.add_parser("retype", parents=[common], help="change an entity's type")
    p.add_argument("entity")
    p.add_argument("type")
    p.set_defaults(func=cmd_entities_edit, op="retype")
    p = esub.add_parser("split", parents=[common], help="split an alias off into its own entity")
    p.add_argument("entity")
    p.add_argument("alias")
    p.set_defaults(func=cmd_entities_edit, op="split")
    for op, text in (("hide", "hide entities (not real names): by name, --type, --below"),
                     ("unhide", "show hidden entities again")):
        p = esub.add_parser(op, parents=[common], help=text)
        p.add_argument("names", nargs="+" if op == "unhide" else "*", metavar="ENTITY")
        if op == "hide":
            p.add_argument("--type", dest="hide_type", metavar="T",
                           help="every visible entity of this type")
            p.add_argument("--below", type=int, metavar="N",
                           help="every visible entity with fewer than N mentions")
        p.set_defaults(func=cmd_entities_edit, op=op)
    p = esub.add_parser("undo", parents=[common], help="take back the last correction")
    p.set_defaults(func=cmd_entities_edit, op="undo")

    add_policy_parsers(sub, common, js)
    add_organise_parsers(sub, common, js)

    notes = sub.add_parser("notes", parents=[common], help="anchored Markdown notes")
    nsub = notes.add_subparsers(title="notes commands", metavar="ACTION", required=True)
    p = nsub.add_parser("list", parents=[common, js], help="list notes")
    p.add_argument("--doc", metavar="ID", help="only this article's notes")
    p.add_argument("--tag", help="only notes with this tag")
    p.set_defaults(func=cmd_notes_list)
    p = nsub.add_parser("add", parents=[common, js], help="add a note, anchored by quote")
    p.add_argument("--doc", metavar="ID", required=True)
    p.add_argument("--quote", metavar="TEXT",
                   help="the passage, copied from the article (omit: whole-article note)")
    p.add_argument("--text", metavar="MD", default="", help="the note, in Markdown")
    p.add_argument("--tag", action="append", help="a tag (repeatable)")
    p.set_defaults(func=cmd_notes_add)
    p = nsub.add_parser("export", parents=[common], help="export all notes")
    p.add_argument("--format", choices=("md", "json"), default="md")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    p.set_defaults(func=cmd_notes_export)
    p = nsub.add_parser("import", parents=[common, js], help="import a JSON notes export")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_notes_import)
    return parser
