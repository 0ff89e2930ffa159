"""Command-line interface: `reader` opens the app; subcommands drive the core (see README).

Exit codes: 0 success, 2 bad usage or input (message on stderr), 1 unexpected failure.
"""

from __future__ import annotations

import logging
import sys

from reader.errors import ReaderError


def main(argv: list[str] | None = None) -> int:
    from reader.cli.parser import build_parser

    # A file name that is not UTF-8 is printed with escapes (as stderr already does), never
    # a UnicodeEncodeError half-way through the output.
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")

    parser = build_parser()
    args = parser.parse_args(argv)
    for name in ("data_dir", "corpus"):
        if not hasattr(args, name):
            setattr(args, name, None)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if getattr(args, "limit", 1) is not None and getattr(args, "limit", 1) < 1:
        parser.error("--limit must be at least 1")
    if bad := _not_text(args):
        print(f"reader: {bad} is not valid UTF-8 text; nothing was done.", file=sys.stderr)
        return 2
    try:
        return args.func(args)
    except ReaderError as exc:
        print(f"reader: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("reader: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


# File names: any bytes.
_PATHS = {"data_dir", "corpus", "paths", "file", "output", "func", "dir", "manifest"}
_POSITIONAL = {"query", "id", "name", "source", "target", "entity", "alias", "type", "label"}


def _not_text(args) -> str:
    """The first text argument (not a file name) holding bytes that are not UTF-8 (Python
    keeps them as lone surrogates, which nothing downstream can store or print), or ""."""
    for name, value in vars(args).items():
        if name in _PATHS:
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError:
                    return f"--{name.replace('_', '-')}" if name not in _POSITIONAL else \
                        f"the {name}"
    return ""
