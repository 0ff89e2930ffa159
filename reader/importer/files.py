"""Which files a folder import reads, and reading one file safely.

Only regular files are read: a FIFO, socket or device is refused (a FIFO would hang the
read, /dev/zero would never end). A symlink is resolved and checked: one that leaves the
imported folder, points at a device or folder, or loops is refused with its reason. A folder
that cannot be listed, or an entry that cannot be examined, gets its reason too: nothing is
skipped silently. The size check is made on the opened file (fstat), and the read itself
stops one byte past the limit, so a file that grows while read cannot grow the import.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

from reader.domain import ImportOutcome
from reader.errors import BadInput

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def link_problem(path: Path, root: Path | None) -> tuple[str, os.stat_result | None]:
    """Resolve a symlink: ("", target's stat) when it may be followed, else (reason, None).
    `root` (resolved) is the folder the link must stay inside; None: anywhere."""
    try:
        target = Path(os.path.realpath(path, strict=True))
        st = target.stat()
    except RuntimeError:
        return "symlink loop; not followed", None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symlink loop; not followed", None
        return f"broken symlink ({_reason(exc)}); not followed", None
    if stat.S_ISDIR(st.st_mode):
        return "symlink to a folder; not followed", None
    if not stat.S_ISREG(st.st_mode):
        return f"symlink to {kind(st.st_mode)}; not read", None
    if root is not None and not target.is_relative_to(root):
        return f"symlink to {target}, outside the imported folder; not followed", None
    return "", st


# A folder's own notes (a data set's README, its licence), not one of its articles.
_FOLDER_NOTES = re.compile(r"(?i)(read[ _-]?me|licen[cs]e|copying|changelog)(\.[a-z]+)?$")


def walk(folder: Path) -> tuple[list[Path], list[ImportOutcome]]:
    """The regular files of a folder given to import (in path order), and one outcome for
    each entry not read: hidden files and folders (.git, .DS_Store: skipped), the folder's
    notes (README, LICENSE: skipped), FIFOs,
    sockets, devices, refused symlinks, unreadable folders and entries (failed)."""
    files: list[Path] = []
    outcomes: list[ImportOutcome] = []
    try:
        root = Path(os.path.realpath(folder, strict=True))
    except (OSError, RuntimeError) as exc:
        reason = _reason(exc) if isinstance(exc, OSError) else "symlink loop"
        return [], [ImportOutcome(str(folder), "failed", f"folder could not be read ({reason})")]

    def failed(path: str, reason: str) -> None:
        outcomes.append(ImportOutcome(path, "failed", reason))

    def visit(directory: Path) -> None:
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            failed(str(directory), f"folder could not be read ({_reason(exc)}); its files "
                   "were not imported")
            return
        for entry in entries:
            path = Path(entry.path)
            try:
                st = os.lstat(path)
            except OSError as exc:
                failed(str(path), f"could not be examined ({_reason(exc)})")
                continue
            if entry.name.startswith("."):
                what = "folder" if stat.S_ISDIR(st.st_mode) else "file"
                outcomes.append(ImportOutcome(str(path), "skipped",
                                              f"hidden {what}; not imported"))
            elif stat.S_ISREG(st.st_mode) and _FOLDER_NOTES.match(entry.name):
                outcomes.append(ImportOutcome(str(path), "skipped", (
                    "the folder's notes, not an article; import the file on its own to "
                    "add it")))
            elif stat.S_ISLNK(st.st_mode):
                problem, _ = link_problem(path, root)
                if problem:
                    failed(str(path), problem)
                else:
                    files.append(path)
            elif stat.S_ISDIR(st.st_mode):
                visit(path)
            elif stat.S_ISREG(st.st_mode):
                files.append(path)
            else:
                failed(str(path), f"{kind(st.st_mode)}, not a regular file; not read")

    visit(Path(folder))
    return files, outcomes


def read_limited(path: Path, limit: int, name: str) -> bytes:
    """The bytes of one regular file of at most `limit` bytes. Opened without blocking (a
    FIFO does not hang), checked on the open file (fstat), read at most limit + 1 bytes.
    Raises BadInput (not a regular file, too big) or OSError."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise BadInput(f"{name}: {kind(st.st_mode)}, not a regular file; not read")
        if st.st_size > limit:
            raise BadInput(f"{name}: {st.st_size / 1e6:.1f} MB is over the "
                           f"{limit // 2**20} MB limit for one file")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=True) as handle:
            fd = -1
            raw = handle.read(limit + 1)
    finally:
        if fd >= 0:
            os.close(fd)
    if len(raw) > limit:
        raise BadInput(f"{name}: grew past the {limit // 2**20} MB limit for one file while "
                       "being read")
    return raw
