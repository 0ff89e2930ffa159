"""The catalogue cache file (`cache/catalog.bin`): for each article file, its size, mtime and
the entries parsed from it, so that listing 10k unchanged files only stats them.

Keys are a file's path relative to its folder ("c:" the corpus folder, "i:" the imports),
never an absolute path: a data folder or corpus moved or copied elsewhere (`mv`, `cp -a`
keep the mtimes) is not parsed again.

The format is `marshal` (Python's own, for plain tuples and strings), not JSON: 10k entries
load in ~15 ms instead of ~0.2 s. The near-duplicate fingerprints (two thirds of the bytes)
are in a file of their own (`catalog-fp.bin`), read only when asked for: a listing never needs
them; each carries its file's sha, so a stale one is never used.
marshal is not meant for damaged data, so a CRC32 of the payload is checked first; a damaged
or foreign file is read as no cache (every file is parsed again).
"""

from __future__ import annotations

import json
import logging
import marshal
import os
import zlib
from pathlib import Path

from reader.textutil import atomic_write

log = logging.getLogger(__name__)

MAGIC = b"reader-catalog\x00"
FORMAT = 1  # bump when the layout below changes

# One article of a file: (id, title, source, author, date, date_from, sha, text_hash, words).
Row = tuple[str, str, str, str, str, str, str, str, int]
# One file: (size, mtime_ns, its rows or the one-line reason it could not be read).
Entry = tuple[int, int, "tuple[Row, ...] | str"]
# A file's near-duplicate fingerprints: (its sha, one per article).
Prints = tuple[str, tuple[str, ...]]

CORPUS, IMPORTS = "c:", "i:"  # key prefixes: which folder a file is in


def _read(path: Path, version: int):
    """The object kept in `path` by `_write`, or None (missing, damaged, another version)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.info("Catalogue cache unreadable (%s); rescanning", exc)
        return None
    head = len(MAGIC)
    payload = data[head + 4:]
    if (data[:head] != MAGIC or len(data) < head + 4
            or int.from_bytes(data[head:head + 4], "big") != zlib.crc32(payload)):
        log.info("Catalogue cache %s damaged or of another kind; rescanning", path)
        return None
    try:
        layout, cached_version, value = marshal.loads(payload)
    except (ValueError, EOFError, TypeError) as exc:
        log.info("Catalogue cache unreadable (%s); rescanning", exc)
        return None
    if layout != FORMAT or cached_version != version or not isinstance(value, dict):
        return None
    return value


def _write(path: Path, version: int, value: dict) -> None:
    payload = marshal.dumps((FORMAT, version, value))
    atomic_write(path, MAGIC + zlib.crc32(payload).to_bytes(4, "big") + payload)


def load(path: Path, version: int) -> dict[str, Entry] | None:
    """The entries by key, or None when there is no usable cache."""
    return _read(path, version)


def load_fingerprints(path: Path, version: int) -> dict[str, Prints]:
    """The fingerprints kept beside the entries (in their own file: a listing never reads
    them): {key: (the file's sha, one per article)}."""
    return _read(path, version) or {}


def save(path: Path, version: int, entries: dict[str, Entry]) -> None:
    """Write the entries (atomically). Raises OSError."""
    _write(path, version, entries)


def save_fingerprints(path: Path, version: int, fps: dict[str, Prints]) -> None:
    """Write the fingerprints (atomically). Raises OSError."""
    _write(path, version, fps)


def key_of(path: str, folder: str, prefix: str) -> str:
    """The cache key of the file at `path` inside `folder`."""
    rel = os.path.relpath(path, folder)
    return prefix + (rel if os.sep == "/" else rel.replace(os.sep, "/"))


def load_legacy(path: Path, version: int, folders: dict[str, str]
                ) -> tuple[dict[str, Entry], dict[str, Prints]] | None:
    """The JSON cache written before `catalog.bin` (keyed by absolute path), converted, so
    an existing library is not parsed again; `folders`: {key prefix: folder}. Files outside
    those folders are left out. None when there is none (or it is unreadable)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("version") != version:
            return None
        old = raw["entries"]
        entries: dict[str, Entry] = {}
        fps: dict[str, Prints] = {}
        roots = sorted(((str(folder), prefix) for prefix, folder in folders.items()),
                       key=lambda item: -len(item[0]))
        for file, entry in old.items():
            prefix, folder = next(((p, f) for f, p in roots
                                   if file.startswith(f.rstrip(os.sep) + os.sep)), ("", ""))
            if not prefix:
                continue
            key = key_of(file, folder, prefix)
            if "error" in entry:
                entries[key] = (entry["size"], entry["mtime"], entry["error"])
                continue
            rows = []
            for item in entry["articles"]:
                info = item["info"]
                rows.append((info["id"], info["title"], info["source"], info["author"],
                             info["date"], info["date_from"], info["sha"], info["text_hash"],
                             info["words"]))
            entries[key] = (entry["size"], entry["mtime"], tuple(rows))
            fps[key] = (rows[0][6], tuple(item["fp"] for item in entry["articles"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.info("Old catalogue cache unreadable (%s); rescanning", exc)
        return None
    return entries, fps
