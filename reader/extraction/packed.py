"""Derived tables' parts as bytes: marshal of plain tuples, lists, dicts, str, bytes and
ints (entity and policy caches keep them in files of their own: services.derived)."""

from __future__ import annotations

import marshal

MARSHAL_VERSION = 4


def pack(obj) -> bytes:
    return marshal.dumps(obj, MARSHAL_VERSION)


def unpack(blob: bytes):
    """`pack`'s inverse. Raises ValueError on anything else (a damaged part)."""
    if not isinstance(blob, bytes):
        raise ValueError(f"not a packed value: {type(blob).__name__}")
    try:
        return marshal.loads(blob)
    except (TypeError, ValueError, EOFError) as exc:
        raise ValueError(f"not a packed value: {exc!r}") from exc
