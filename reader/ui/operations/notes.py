"""Note operations: the notes list, and every write to notes (add, save, trash, restore,
import) and their export."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reader.errors import BadInput
from reader.textutil import atomic_write
from reader.ui.tasks import WRITE


@dataclass
class NotesSnapshot:
    """What the Notes tab shows: notes (trashed ones included), (tag, count) pairs over the
    notes not in the trash, and whether the store is read-only."""

    notes: list
    tags: list[tuple[str, int]] = field(default_factory=list)
    readonly: bool = False


def read_snapshot(lib) -> NotesSnapshot:
    """Blocking: every note (the trash too, re-anchored), the tags and the read-only state.
    Raises ReaderError when the notes database cannot be opened at all."""
    return NotesSnapshot(lib.notes.list(include_trashed=True), list(lib.notes.tags()),
                         lib.notes.readonly)


def load_notes(runner, lib, *, done, failed=None):
    """The NotesSnapshot (latest wins)."""
    return runner.submit("notes", lambda ctx: read_snapshot(lib), done=done, failed=failed)


def load_tags(runner, lib, *, done, failed=None):
    """The (tag, count) pairs in use (latest wins)."""
    return runner.submit("note_tags", lambda ctx: list(lib.notes.tags()), done=done,
                         failed=failed)


def add_note(runner, lib, doc: str, start, end, *, done, failed=None):
    """A new empty note on body[start:end] of `doc` (None, None: the whole article)."""
    return runner.submit(WRITE, lambda ctx: lib.notes.add(doc, start=start, end=end),
                         done=done, failed=failed)


def save_note(runner, lib, note_id: int, body: str, tags, *, done, failed=None):
    """Save an editor change (the write lane is FIFO: edits land in typing order)."""
    return runner.submit(WRITE, lambda ctx: lib.notes.update(note_id, body=body, tags=tags),
                         done=done, failed=failed)


def trash_note(runner, lib, note_id: int, *, done, failed=None):
    return runner.submit(WRITE, lambda ctx: lib.notes.trash(note_id), done=done,
                         failed=failed)


def restore_note(runner, lib, note_id: int, *, done, failed=None):
    return runner.submit(WRITE, lambda ctx: lib.notes.restore(note_id), done=done,
                         failed=failed)


def export_notes(runner, lib, fmt: str, path: str, *, done, failed=None):
    """Write every note to `path` as "md" or "json"; reports the path."""
    def work(ctx):
        text = lib.notes.export(fmt)
        try:
            atomic_write(Path(path), text)  # never a half-written export
        except OSError as exc:
            raise BadInput(f"Could not write {path}: {exc.strerror or exc}") from None
        return path

    return runner.submit(WRITE, work, done=done, failed=failed)


def import_notes(runner, lib, path: str, *, done, failed=None):
    """Restore notes from a JSON export; reports the Changes (`counts` says what happened)."""
    def work(ctx):
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise BadInput(f"Could not read {Path(path).name}: "
                           f"{getattr(exc, 'strerror', None) or exc}") from None
        return lib.notes.import_json(text)

    return runner.submit(WRITE, work, done=done, failed=failed)
