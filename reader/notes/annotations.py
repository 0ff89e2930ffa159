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
    annotations or a single one. Raises BadInput when the text is not JSON or holds none."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, TypeError) as exc:
        raise BadInput(f"This is not a notes export (invalid JSON: {exc}).") from None
    items = _items(data)
    if items is None:
        raise BadInput("This JSON holds no Web Annotations (expected an AnnotationCollection, "
                       "an AnnotationPage, a list of annotations or one annotation).")
    notes: list[Note] = []
    problems: list[str] = []
    for n, item in enumerate(items, 1):
        try:
            notes.append(_note_from(item, problems, n))
        except _Skip as skip:
            problems.append(f"annotation {n}: {skip} (skipped)")
    return notes, problems


class _Skip(Exception):
    pass


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


def _timestamp(value: Any, fallback: str) -> str:
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return fallback
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return iso(moment)
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
            if isinstance(s, int) and isinstance(e, int) and 0 <= s < e:
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
    created = _timestamp(item.get("created"), stamp)
    return Note(id=0, doc=doc.strip(), start=start, end=end, quote=quote, prefix=prefix,
                suffix=suffix, body="\n\n".join(texts), tags=normalise_tags(tags),
                created=created, updated=_timestamp(item.get("modified"), created),
                uid=uid.strip())
