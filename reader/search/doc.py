"""What the index is given of one article (IndexDoc) and how its stamp is kept."""

from __future__ import annotations

from dataclasses import dataclass

STAMP_SEP = "\x1f"


@dataclass(frozen=True)
class IndexDoc:
    """What the index needs of one article. `stamp` changes whenever any of it changes."""

    id: str
    title: str
    body: str
    source: str = ""
    author: str = ""
    date: str = ""
    entities: tuple[str, ...] = ()
    policies: tuple[str, ...] = ()
    stamp: str = ""
