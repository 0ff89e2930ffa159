"""A note's own fields: stable ids, timestamps, tag normalisation (cheap; the store uses them)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime

from reader.errors import BadInput


def now_iso() -> str:
    """UTC timestamp as the notes store and the W3C export use it (xsd:dateTime, `Z`)."""
    return iso(datetime.now(UTC))


def iso(moment: datetime) -> str:
    """`moment` in UTC, to the millisecond, `Z`-suffixed (the form `now_iso` returns)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_uid() -> str:
    """A stable annotation id: survives export/import, so a round trip never duplicates."""
    return f"urn:uuid:{uuid.uuid4()}"


def normalise_tags(tags: Iterable[str] | str | None) -> tuple[str, ...]:
    """Trimmed tags without a leading '#', inner whitespace collapsed, duplicates (ignoring
    case) dropped, first spelling and order kept. A string is split on commas."""
    if tags is None:
        return ()
    if isinstance(tags, str):
        tags = tags.split(",")
    seen: set[str] = set()
    out: list[str] = []
    for tag in tags:
        if not isinstance(tag, str):
            raise BadInput(f"A tag must be text, not {type(tag).__name__}.")
        clean = " ".join(tag.strip().lstrip("#").split())
        if clean and clean.casefold() not in seen:
            seen.add(clean.casefold())
            out.append(clean)
    return tuple(out)
