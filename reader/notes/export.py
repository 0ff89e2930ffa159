"""Exporting notes: Markdown with citations, and W3C Web Annotation JSON (JSON-LD)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from reader.domain import Note
from reader.notes.fields import new_uid

ANNOTATION_CONTEXT = "http://www.w3.org/ns/anno.jsonld"


def _meta(articles: Mapping[str, Any], doc: str) -> dict[str, str]:
    info = articles.get(doc)
    if info is None:
        return {"title": "", "source": "", "date": "", "author": "", "date_from": ""}
    if not isinstance(info, Mapping):  # ArticleInfo or Article
        info = {"title": info.title, "source": info.source, "date": info.date,
                "author": info.author, "date_from": info.date_from}
    return {k: str(info.get(k, "") or "")
            for k in ("title", "source", "date", "author", "date_from")}


def citation(meta: Mapping[str, str], doc: str) -> str:
    """`Author, “Title”, *Source*, date.` with whatever parts are known; a date the
    importer took from a reader comment (`date_from` "comment") says so."""
    parts = []
    if meta.get("author"):
        parts.append(meta["author"])
    parts.append(f"“{meta.get('title') or doc}”")
    if meta.get("source"):
        parts.append(f"*{meta['source']}*")
    date = meta.get("date") or "n.d."
    if meta.get("date") and meta.get("date_from") == "comment":
        date += " (date from a reader comment)"
    parts.append(date)
    return ", ".join(parts) + "."


def _order(note: Note) -> tuple:
    return (note.start if note.start is not None else -1, note.created, note.id)


def export_markdown(notes: Iterable[Note], articles: Mapping[str, Any]) -> str:
    """Markdown grouped by article (oldest article first), each note with its quote.

    `articles` maps doc id to something with title/source/date/author (ArticleInfo, Article
    or a dict); a note whose article is missing is still exported under its id."""
    groups: dict[str, list[Note]] = {}
    for note in notes:
        groups.setdefault(note.doc, []).append(note)
    metas = {doc: _meta(articles, doc) for doc in groups}
    out = ["# Notes", ""]
    if not groups:
        out += ["_No notes._", ""]
    for doc in sorted(groups, key=lambda d: (metas[d]["date"], metas[d]["title"], d)):
        meta = metas[doc]
        out += [f"## {meta['title'] or doc}", "", citation(meta, doc) + f" Reader id: `{doc}`.",
                ""]
        if doc not in articles:
            out += ["_This article is no longer in the library._", ""]
        for note in sorted(groups[doc], key=_order):
            if note.quote:
                out += ["> " + line for line in note.quote.splitlines() or [""]]
                out.append("")
            else:
                out += ["_On the whole article._", ""]
            if note.body.strip():
                out += [note.body.strip(), ""]
            facts = []
            if note.tags:
                facts.append("Tags: " + ", ".join(f"#{t}" for t in note.tags))
            facts.append(f"Noted {note.created[:10]}")
            if note.orphan:
                facts.append("the quoted passage is no longer in the article")
            out += ["_" + " · ".join(facts) + "_", "", "---", ""]
    return "\n".join(out).rstrip() + "\n"


def to_annotation(note: Note) -> dict:
    """One note as a W3C Web Annotation (JSON-LD)."""
    bodies: list[dict] = []
    if note.body:
        bodies.append({"type": "TextualBody", "value": note.body, "format": "text/markdown",
                       "purpose": "commenting"})
    bodies += [{"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in note.tags]
    target: dict[str, Any] = {"source": note.doc}
    if note.quote:
        selectors: list[dict] = [{"type": "TextQuoteSelector", "exact": note.quote,
                                  "prefix": note.prefix, "suffix": note.suffix}]
        if note.start is not None and note.end is not None:
            selectors.append({"type": "TextPositionSelector", "start": note.start,
                              "end": note.end})
        target["selector"] = selectors
    annotation: dict[str, Any] = {
        "@context": ANNOTATION_CONTEXT,
        "id": note.uid or new_uid(),
        "type": "Annotation",
        "motivation": "commenting" if note.body else "highlighting",
        "created": note.created,
        "modified": note.updated or note.created,
    }
    if bodies:
        annotation["body"] = bodies
    annotation["target"] = target
    return annotation


def export_json(notes: Iterable[Note]) -> str:
    """An AnnotationCollection holding every note as an Annotation (one page)."""
    items = [to_annotation(n) for n in sorted(notes, key=lambda n: (n.doc,) + _order(n))]
    collection = {
        "@context": ANNOTATION_CONTEXT,
        "type": "AnnotationCollection",
        "label": "reader notes",
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }
    return json.dumps(collection, indent=2, ensure_ascii=False) + "\n"

