"""The user's article metadata: checking what they set and laying it over the parsed one."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date as Date

from reader.domain import META_FIELDS, Article, ArticleInfo
from reader.errors import BadInput

MAX_LENGTH = 500  # characters in one field
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _check_date(value: str) -> str:
    if value == "":
        return value  # the user says: undated
    if not _DATE.fullmatch(value):
        raise BadInput(f"Bad date {value!r}: give it as YYYY-MM-DD, e.g. 2011-03-14.")
    try:
        Date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"Bad date {value!r}: there is no such day.") from None
    return value


def clean_fields(values: dict[str, str | None]) -> dict[str, str | None]:
    """The fields to store ({field: value}, None = back to the file's own value), checked.
    Raises BadInput with a one-line reason."""
    fields: dict[str, str | None] = {}
    for name, value in values.items():
        if name not in META_FIELDS:
            raise BadInput(f"Unknown field {name!r}: one of {', '.join(META_FIELDS)}.")
        if value is None:
            fields[name] = None
            continue
        if not isinstance(value, str):
            raise BadInput(f"The {name} must be text.")
        value = value.strip()
        if any(ch in value for ch in "\n\r\t") or any(ord(ch) < 32 for ch in value):
            raise BadInput(f"The {name} must be one line of text.")
        if len(value) > MAX_LENGTH:
            raise BadInput(f"The {name} is too long (over {MAX_LENGTH} characters).")
        if name == "date":
            value = _check_date(value)
        if name == "title" and not value:
            raise BadInput("The title cannot be empty (use --clear title for the file's own).")
        fields[name] = value
    if not fields:
        raise BadInput("Nothing to change: give --date, --source, --author, --title or --clear.")
    return fields


def _changes(fields: dict[str, str]) -> dict:
    changes: dict = {k: v for k, v in fields.items() if k in META_FIELDS}
    if "date" in changes:
        changes["date_from"] = "user" if changes["date"] else ""
    changes["user_set"] = tuple(k for k in META_FIELDS if k in fields)
    return changes


def overlay_info(info: ArticleInfo, fields: dict[str, str], text_hash: str) -> ArticleInfo:
    """The catalogue entry with the user's values on top; `text_hash` is the hash of the
    article's text under the title it now has."""
    if not fields:
        return info
    return replace(info, text_hash=text_hash, **_changes(fields))


def overlay_article(art: Article, fields: dict[str, str]) -> Article:
    """The clean article with the user's values on top (its text hash follows the title)."""
    if not fields:
        return art
    return replace(art, **_changes(fields))
