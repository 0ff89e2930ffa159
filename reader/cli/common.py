"""What every CLI command shares: opening the library, JSON output, the progress bar."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator

from reader.library import Library


def emit_json(obj) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


class Progress:
    """A tqdm bar on stderr per stage ("extract", "index"), only when stderr is a terminal;
    called as `progress(stage, done, total)` by the indexing service."""

    def __init__(self) -> None:
        self._bar = None
        self._stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if total <= 0 or not sys.stderr.isatty():
            return
        if stage != self._stage or self._bar is None:
            self.close()
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=stage, unit="article", file=sys.stderr,
                             leave=True, dynamic_ncols=True)
            self._stage = stage
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


@contextlib.contextmanager
def progress_bar() -> Iterator[Progress]:
    bar = Progress()
    try:
        yield bar
    finally:
        bar.close()


@contextlib.contextmanager
def open_library(args) -> Iterator[Library]:
    """The library for `--data-dir` / `--corpus`, closed at the end (its store takes the
    exit backup then); what the store had to do at open (restored a backup, read-only) is
    printed on stderr."""
    lib = Library.open(args.data_dir, args.corpus)
    try:
        yield lib
    finally:
        # Only when this command opened the store: asking would open it (and back it up).
        message = lib.user_data_message if lib._store is not None else ""
        lib.close()
        if message:
            print(f"reader: {message}", file=sys.stderr)


def ensure_index(lib: Library, extraction: bool = False) -> None:
    """Build the index (and extraction) on first use, so every command works straight after
    install."""
    if not lib.articles.list():
        return
    if lib.search.doc_count() == 0 or (extraction and not lib.indexing.is_extracted()):
        print("Building the search index (first run)…", file=sys.stderr)
        with progress_bar() as bar:
            report = lib.indexing.update(progress=bar)
        for msg in report.messages:
            print(msg, file=sys.stderr)


class Span:
    """A (doc, start, end) with the `text` attribute `entities.contexts` expects."""

    def __init__(self, doc: str, start: int, end: int):
        self.doc, self.start, self.end, self.text = doc, start, end, ""
