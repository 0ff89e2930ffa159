"""Export operations: a CSV table built from the library and written to a file, on the
task runner (the mentions of a big entity read thousands of sentences)."""

from __future__ import annotations

from collections.abc import Callable

from reader.errors import ReaderError


def export_table(runner, lib, build: Callable, path: str, *, lane: str, done, failed=None):
    """Write the Table `build(lib, ctx)` returns to `path` as CSV; reports (path written,
    rows). An unwritable file is a ReaderError with a one-line reason. `lane`: one per
    kind of table (a second export of the same kind replaces the first)."""
    def work(ctx):
        from reader.exports import write_csv

        table = build(lib, ctx)
        try:
            written = write_csv(path, table)
        except OSError as exc:
            raise ReaderError(f"Could not write {path}: {exc.strerror or exc}") from exc
        return str(written), len(table.rows)

    return runner.submit(lane, work, done=done, failed=failed)
