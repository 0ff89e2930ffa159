"""Importing notes: W3C Web Annotation JSON (what `export_json` writes, and others') as Notes."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from reader.domain import Note
from reader.errors import BadInput
from reader.notes.fields import iso, normalise_tags, now_iso


def parse_annotations(text: str) -> tuple[list[Note], list[str]]:
    """Notes (id 0, text_hash "") from W3C annotation JSON, and one problem line per
    annotation that had to be skipped or simplified.

    Accepts what `export_json` writes (AnnotationCollection), an AnnotationPage, a list of
    annotations or a single one. An annotation that cannot be a note (wrong types, text that
    is not Unicode, nesting too deep) is skipped with its problem line; a position or date
    out of range is dropped (the quote anchors the note; the date falls back). Raises
    BadInput when the text is not JSON or holds none."""
    try:
        data = json.loads(text)
    except (ValueError, TypeError) as exc:  # JSONDecodeError, or a number of 4,300+ digits
        raise BadInput(f"This is not a notes export (invalid JSON: {str(exc)[:200]}).") \
            from None
    except RecursionError:
        raise BadInput("This is not a notes export (its JSON is nested too deeply).") from None
    items = _items(data)
    if items is None:
        raise BadInput("This JSON holds no Web Annotations (expected an AnnotationCollection, "
                       "an AnnotationPage, a list of annotations or one annotation).")
    notes: list[Note] = []
    problems: list[str] = []
    for n, item in enumerate(items, 1):
        try:
            notes.append(_checked(_note_from(item, problems, n)))
        except _Skip as skip:
            problems.append(f"annotation {n}: {skip} (skipped)")
        except RecursionError:
            problems.append(f"annotation {n}: nested too deeply (skipped)")
        except (TypeError, ValueError, AttributeError, OverflowError) as exc:
            problems.append(f"annotation {n}: unreadable ({type(exc).__name__}) (skipped)")
    return notes, problems


MAX_POSITION = 2**31  # far past the end of any article (imports stop at 10 MB)


class _Skip(Exception):
    pass


def _checked(note: Note) -> Note:
    """`note`, if every text in it can be stored (UTF-8: no lone surrogate)."""
    for value in (note.doc, note.quote, note.prefix, note.suffix, note.body, note.uid,
                  *note.tags):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise _Skip("text that is not valid Unicode (a lone surrogate)") from None
    return note


def _items(data: Any) -> list | None:
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        return None
    kind = _types(data)
    if "AnnotationCollection" in kind:
        first = data.get("first")
        items = first.get("items") if isinstance(first, dict) else data.get("items")
        return items if isinstance(items, list) else []
    if "AnnotationPage" in kind:
        return data.get("items") if isinstance(data.get("items"), list) else []
    if "Annotation" in kind:
        return [data]
    return None


def _types(obj: dict) -> set[str]:
    kind = obj.get("type", obj.get("@type"))
    kinds = kind if isinstance(kind, list) else [kind]
    return {k for k in kinds if isinstance(k, str)}


def _timestamp(value: Any, fallback: str, problems: list[str], n: int) -> str:
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return fallback
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        try:
            return iso(moment)
        except OverflowError:  # e.g. 9999-12-31T23:59-05:00 is past year 9999 in UTC
            problems.append(f"annotation {n}: date {value[:40]} is out of range; "
                            "replaced")
    return fallback


def _note_from(item: Any, problems: list[str], n: int) -> Note:
    if not isinstance(item, dict) or "Annotation" not in _types(item):
        raise _Skip("not an Annotation")
    target = item.get("target")
    if isinstance(target, list):
        target = target[0] if target else None
    if isinstance(target, str):
        target = {"source": target}
    if not isinstance(target, dict):
        raise _Skip("no target")
    doc = target.get("source", target.get("id"))
    if not isinstance(doc, str) or not doc.strip():
        raise _Skip("the target names no article")
    selectors = target.get("selector", [])
    if isinstance(selectors, dict):
        selectors = [selectors]
    quote = prefix = suffix = ""
    start = end = None
    positioned = False
    for sel in selectors if isinstance(selectors, list) else []:
        kinds = _types(sel) if isinstance(sel, dict) else set()
        if "TextQuoteSelector" in kinds and isinstance(sel.get("exact"), str):
            quote = sel["exact"]
            prefix = sel.get("prefix") if isinstance(sel.get("prefix"), str) else ""
            suffix = sel.get("suffix") if isinstance(sel.get("suffix"), str) else ""
        elif "TextPositionSelector" in kinds:
            s, e = sel.get("start"), sel.get("end")
            if type(s) is int and type(e) is int and 0 <= s < e:  # not bool, not float
                if e > MAX_POSITION:
                    problems.append(f"annotation {n}: its position is out of range; "
                                    "anchored by its quote alone")
                    continue
                start, end, positioned = s, e, True
    if not quote:
        start = end = None
        if positioned:
            problems.append(f"annotation {n}: no quote, imported as a note on the whole "
                            "article")
    texts: list[str] = []
    tags: list[str] = []
    bodies = item.get("body", [])
    if isinstance(bodies, dict):
        bodies = [bodies]
    if isinstance(item.get("bodyValue"), str):
        texts.append(item["bodyValue"])
    for body in bodies if isinstance(bodies, list) else []:
        if not isinstance(body, dict) or not isinstance(body.get("value"), str):
            continue
        purpose = body.get("purpose")
        if purpose == "tagging" or (isinstance(purpose, list) and "tagging" in purpose):
            tags.append(body["value"])
        else:
            texts.append(body["value"])
    uid = item.get("id")
    if not isinstance(uid, str) or not uid.strip():
        # No id: derive one from the content, so importing the same file twice is harmless.
        digest = json.dumps(item, sort_keys=True, ensure_ascii=False)
        uid = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, digest)}"
    stamp = now_iso()
    created = _timestamp(item.get("created"), stamp, problems, n)
    return Note(id=0, doc=doc.strip(), start=start, end=end, quote=quote, prefix=prefix,
                suffix=suffix, body="\n\n".join(texts), tags=normalise_tags(tags),
                created=created, updated=_timestamp(item.get("modified"), created, problems, n),
                uid=uid.strip())
