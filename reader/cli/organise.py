"""CLI commands that organise the library: stars and tags on articles, saved searches."""

from __future__ import annotations

from reader.cli.common import emit_json, open_library
from reader.domain import SORTS


def add_parsers(sub, common, js) -> None:
    """`reader star`, `reader tag`, `reader searches` (and their actions)."""
    p = sub.add_parser("star", parents=[common, js], help="star an article (--off: unstar)",
                       description="Stars are kept in your data dir by article id: they "
                                   "survive a re-import and `reader index --rebuild`. "
                                   "`reader list --starred` and the search term starred:yes "
                                   "list them.")
    p.add_argument("id", help="article id (see `reader list`)")
    p.add_argument("--off", action="store_true", help="take the star off")
    p.set_defaults(func=cmd_star)

    p = sub.add_parser("tag", parents=[common, js], help="show, add or remove an article's tags",
                       description="With only ID: the article's tags. `reader list --tag T` "
                                   "and the search term tag:T list the articles with a tag.")
    p.add_argument("id", help="article id (see `reader list`)")
    p.add_argument("action", nargs="?", choices=("add", "remove"), help="add or remove TAGs")
    p.add_argument("tags", nargs="*", metavar="TAG")
    p.set_defaults(func=cmd_tag)

    searches = sub.add_parser("searches", parents=[common, js], help="saved searches",
                              description="With no action: the saved searches, by name.")
    searches.set_defaults(func=cmd_searches)
    ssub = searches.add_subparsers(title="actions", metavar="ACTION")
    p = ssub.add_parser("save", parents=[common, js], help="save QUERY under NAME")
    p.add_argument("name")
    p.add_argument("query")
    p.set_defaults(func=cmd_searches, op="save")
    p = ssub.add_parser("rename", parents=[common, js], help="give a saved search another name")
    p.add_argument("name")
    p.add_argument("new_name", metavar="NEW_NAME")
    p.set_defaults(func=cmd_searches, op="rename")
    p = ssub.add_parser("delete", parents=[common, js], help="delete a saved search")
    p.add_argument("name")
    p.set_defaults(func=cmd_searches, op="delete")


def add_list_options(p) -> None:
    """`reader list --starred / --tag T`."""
    p.add_argument("--starred", action="store_true", help="only starred articles")
    p.add_argument("--tag", action="append", metavar="T",
                   help="only articles with this tag (repeatable: all of them)")


def add_search_options(p) -> None:
    """`reader search --sort`."""
    p.add_argument("--sort", choices=SORTS, default="relevance",
                   help="order of the hits: relevance (default), or every match by date, "
                        "newest or oldest first (undated last)")


def filter_listing(lib, args, infos: list) -> list:
    """The articles `reader list` shows, after --starred and --tag."""
    from reader.services.articles import clean_tag

    if getattr(args, "starred", False):
        infos = [i for i in infos if i.starred]
    for tag in getattr(args, "tag", None) or ():
        want = clean_tag(tag).casefold()
        infos = [i for i in infos if want in {t.casefold() for t in i.tags}]
    return infos


def cmd_star(args) -> int:
    with open_library(args) as lib:
        changes = lib.articles.star(args.id, not args.off)
        info = lib.articles.info(args.id)
    if args.json:
        emit_json({"id": info.id, "starred": info.starred, "changed": bool(changes.marks)})
    else:
        state = "starred" if info.starred else "not starred"
        print(f"{info.id}  {info.title}: {state}" + ("" if changes.marks else " (no change)"))
    return 0


def cmd_tag(args) -> int:
    from reader.errors import BadInput

    if args.action and not args.tags:
        raise BadInput(f"Name the tag to {args.action}: reader tag {args.id} {args.action} TAG")
    with open_library(args) as lib:
        if args.action == "add":
            lib.articles.tag(args.id, add=args.tags)
        elif args.action == "remove":
            lib.articles.tag(args.id, remove=args.tags)
        info = lib.articles.info(args.id)
    if args.json:
        emit_json({"id": info.id, "tags": list(info.tags)})
    else:
        print(f"{info.id}  {info.title}: " + (", ".join(info.tags) if info.tags else "no tags"))
    return 0


def cmd_searches(args) -> int:
    from reader.errors import NotFound

    op = getattr(args, "op", "")
    with open_library(args) as lib:
        if op == "save":
            lib.search.save(args.name, args.query)
        elif op in ("rename", "delete"):
            want = " ".join(args.name.split()).casefold()
            found = next((s for s in lib.search.saved() if s.name.casefold() == want), None)
            if found is None:
                raise NotFound(f"No saved search named “{args.name}” (see `reader searches`).")
            if op == "rename":
                lib.search.rename_saved(found.id, args.new_name)
            else:
                lib.search.delete_saved(found.id)
        saved = lib.search.saved()
    if args.json:
        emit_json([s.to_json() for s in saved])
        return 0
    if not saved:
        print("No saved searches. Save one with: reader searches save NAME QUERY")
    for s in saved:
        print(f"{s.name}: {s.query}")
    return 0
