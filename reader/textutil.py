"""Small text and file helpers every layer shares: the one slug, the one atomic write."""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from pathlib import Path


def fold(text: str) -> str:
    """Curly quotes straightened, accents removed, spaces collapsed (for comparisons)."""
    text = text.replace("’", "'").replace("‘", "'").replace("&", " and ")
    if not text.isascii():  # ASCII has nothing to decompose
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.split())


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=1 << 16)
def slug(text: str, limit: int | None = None) -> str:
    """"The Department for Education's" -> "the-department-for-education-s": ids and keys.

    `limit` cuts it short (never ending in "-")."""
    s = _NOT_ALNUM.sub("-", fold(text).lower()).strip("-")
    if limit is not None and len(s) > limit:
        s = s[:limit].rstrip("-")
    return s


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write `data` to `path` through a temporary file and a rename: a reader of `path`
    sees the old content or the new, never half of it. Raises OSError."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        if isinstance(data, bytes):
            tmp.write_bytes(data)
        else:
            tmp.write_text(data, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
