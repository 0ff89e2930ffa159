"""A save request from the notes editor (`Edit`) and how typed tags compare with stored ones."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, eq=False)
class Edit:
    """One save request: the note's whole text and its tags as typed (comma-separated).
    Compared by identity: the panel matches each answer to the request it sent."""

    note_id: int
    body: str
    tags: str


def tags_text(tags) -> str:
    """Stored tags as the tag field shows them."""
    return ", ".join(tags or ())


def same_tags(typed: str, tags) -> bool:
    """Whether the tag field's text names the stored tags (ignoring "#", spacing and case)."""
    def clean(items):
        return [" ".join(t.strip().lstrip("#").split()).casefold() for t in items
                if t.strip().lstrip("#").strip()]

    return clean(typed.split(",")) == clean(tags or ())

