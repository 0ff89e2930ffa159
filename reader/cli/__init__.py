"""Command-line interface: `reader` opens the app; subcommands drive the core (see README).

Exit codes: 0 success, 2 bad usage or input (message on stderr), 1 unexpected failure.
"""

from __future__ import annotations

import logging
import sys

from reader.errors import ReaderError


def main(argv: list[str] | None = None) -> int:
    from reader.cli.parser import build_parser

    parser = build_parser()
    args = parser.parse_args(argv)
    for name in ("data_dir", "corpus"):
        if not hasattr(args, name):
            setattr(args, name, None)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if getattr(args, "limit", 1) is not None and getattr(args, "limit", 1) < 1:
        parser.error("--limit must be at least 1")
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
