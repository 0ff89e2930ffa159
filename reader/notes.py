"""Notes without storage: anchoring to article text, Markdown rendering, export and import.

Anchors follow the W3C Web Annotation model (https://www.w3.org/TR/annotation-model/): a
note on a passage keeps both a TextPositionSelector (`start`/`end` into `Article.body`) and a
TextQuoteSelector (`quote` plus ~32 characters of `prefix`/`suffix`). When an article's text
changes, `reanchor` finds the passage again from the quote; a note whose passage is gone is
flagged orphan and kept, never dropped.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from difflib import SequenceMatcher
from typing import Any
from urllib.parse import quote as url_quote

from reader.domain import Anchor, Note
from reader.errors import BadInput
from reader.markup import sanitise

CONTEXT = 32  # characters of prefix/suffix kept around a quote
FUZZY_MIN_RATIO = 0.75  # similarity (difflib ratio) a changed passage needs to keep its note
FUZZY_MIN_QUOTE = 8  # shorter quotes are only found exactly: fuzzy matches would be noise
MAX_OCCURRENCES = 500  # exact occurrences of a quote considered (a quote like "the")
MAX_FUZZY_WINDOWS = 40  # candidate windows aligned with difflib per note

ANNOTATION_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
ENTITY_SCHEME = "entity"


def now_iso() -> str:
    """UTC timestamp as the notes store and the W3C export use it (xsd:dateTime, `Z`)."""
    return _iso(datetime.now(UTC))


def _iso(moment: datetime) -> str:
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


# -- anchoring ------------------------------------------------------------------------------

def make_anchor(body: str, start: int, end: int) -> Anchor:
    """Anchor for the selection body[start:end], trimmed of surrounding whitespace.

    Raises BadInput when the range is outside the text or selects only whitespace."""
    if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool):
        raise BadInput("A note's start and end must be whole numbers.")
    if not 0 <= start < end <= len(body):
        raise BadInput(f"The selection {start}–{end} is outside the article text "
                       f"(0–{len(body)}).")
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    if start == end:
        raise BadInput("The selection is empty: select some words to note.")
    return Anchor(start, end, body[start:end], body[max(0, start - CONTEXT):start],
                  body[end:end + CONTEXT])


def reanchor(note: Note, body: str) -> tuple[int, int] | None:
    """Where `note`'s passage is in `body` (new text of its article), or None if it is gone.

    1. The old position still holds the quote with the same context: keep it.
    2. Else every exact occurrence of the quote is scored by how well its surroundings match
       the stored prefix/suffix, ties broken by closeness to the old position.
    3. Else (the passage itself was edited) windows around likely spots (the old position,
       where the prefix/suffix/pieces of the quote occur) are aligned with difflib; the best
       one at least FUZZY_MIN_RATIO similar to the quote wins.
    Raises ValueError for a whole-article note (nothing to anchor; see `refresh_anchor`).
    """
    quote = note.quote
    if not quote:
        raise ValueError("a whole-article note has no anchor")
    hint = note.start if note.start is not None else 0
    if note.start is not None and note.end is not None and body[note.start:note.end] == quote:
        if _context_score(body, note.start, note.end, note.prefix, note.suffix) == 1.0:
            return note.start, note.end
    found = _exact(body, note, hint)
    if found is None and len(quote) >= FUZZY_MIN_QUOTE:
        found = _fuzzy(body, note, hint)
    return found


def refresh_anchor(note: Note, body: str, text_hash: str) -> Note:
    """The note re-anchored against its article's current text (hash `text_hash`).

    Returns the note unchanged when `text_hash` is the one it was anchored on. Orphans keep
    their last offsets (a hint for the next try) and become anchored again if the passage
    comes back."""
    if note.text_hash == text_hash:
        return note
    if note.whole_article:
        return replace(note, text_hash=text_hash, orphan=False)
    found = reanchor(note, body)
    if found is None:
        return replace(note, text_hash=text_hash, orphan=True)
    return replace(note, start=found[0], end=found[1], text_hash=text_hash, orphan=False)


def _context_score(body: str, start: int, end: int, prefix: str, suffix: str) -> float:
    """1.0 when the text around [start, end) equals the stored prefix/suffix; less as it
    differs (difflib ratio, weighted by length)."""
    total = len(prefix) + len(suffix)
    if not total:
        return 1.0
    score = 0.0
    for stored, actual in ((prefix, body[max(0, start - len(prefix)):start]),
                           (suffix, body[end:end + len(suffix)])):
        if stored:
            ratio = 1.0 if stored == actual else SequenceMatcher(None, stored, actual).ratio()
            score += ratio * len(stored)
    return score / total


def _exact(body: str, note: Note, hint: int) -> tuple[int, int] | None:
    quote = note.quote
    best: tuple[float, int] | None = None
    best_pos = -1
    pos = body.find(quote)
    for _ in range(MAX_OCCURRENCES):
        if pos < 0:
            break
        key = (_context_score(body, pos, pos + len(quote), note.prefix, note.suffix),
               -abs(pos - hint))
        if best is None or key > best:
            best, best_pos = key, pos
        pos = body.find(quote, pos + 1)
    return None if best is None else (best_pos, best_pos + len(quote))


def _occurrences(body: str, needle: str, limit: int) -> list[int]:
    out: list[int] = []
    pos = body.find(needle) if needle else -1
    while pos >= 0 and len(out) < limit:
        out.append(pos)
        pos = body.find(needle, pos + 1)
    return out


def _fuzzy(body: str, note: Note, hint: int) -> tuple[int, int] | None:
    quote = note.quote
    qlen = len(quote)
    seeds = [hint]
    if len(note.prefix) >= FUZZY_MIN_QUOTE:
        seeds += [p + len(note.prefix) for p in _occurrences(body, note.prefix, 10)]
    if len(note.suffix) >= FUZZY_MIN_QUOTE:
        seeds += [p - qlen for p in _occurrences(body, note.suffix, 10)]
    piece = max(4, qlen // 4)
    for offset in range(0, qlen - piece + 1, piece):
        seeds += [p - offset for p in _occurrences(body, quote[offset:offset + piece], 10)]
    slack = max(10, qlen // 3)
    windows: list[int] = []
    for seed in sorted(set(seeds), key=lambda s: abs(s - hint)):
        if all(abs(seed - w) > slack // 2 for w in windows):
            windows.append(seed)
        if len(windows) >= MAX_FUZZY_WINDOWS:
            break
    best: tuple[float, int] | None = None
    best_span = None
    for seed in windows:
        lo = max(0, seed - slack)
        hi = min(len(body), seed + qlen + slack)
        if hi <= lo:
            continue
        span = _align(body, lo, hi, quote)
        if span is None:
            continue
        start, end, ratio = span
        if ratio < FUZZY_MIN_RATIO:
            continue
        key = (ratio + 0.1 * _context_score(body, start, end, note.prefix, note.suffix),
               -abs(start - hint))
        if best is None or key > best:
            best, best_span = key, (start, end)
    return best_span


def _align(body: str, lo: int, hi: int, quote: str) -> tuple[int, int, float] | None:
    """Best span of body[lo:hi] matching `quote` and its difflib similarity."""
    window = body[lo:hi]
    matcher = SequenceMatcher(None, window, quote, autojunk=len(quote) > 400)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    # Stray one- or two-character matches at the edges stretch the span: drop them.
    while len(blocks) > 1 and blocks[0].size < 3:
        blocks.pop(0)
    while len(blocks) > 1 and blocks[-1].size < 3:
        blocks.pop()
    if not blocks:
        return None
    first, last = blocks[0], blocks[-1]
    # Unmatched quote characters at either end were most likely replaced in place.
    start = max(0, first.a - first.b)
    end = min(len(window), last.a + last.size + (len(quote) - last.b - last.size))
    while start < end and window[start].isspace():
        start += 1
    while end > start and window[end - 1].isspace():
        end -= 1
    if start >= end:
        return None
    ratio = SequenceMatcher(None, window[start:end], quote, autojunk=False).ratio()
    return lo + start, lo + end, ratio


# -- Markdown -------------------------------------------------------------------------------

ENTITY_LINK = r"\[\[([^\[\]\n]{1,200})\]\]"


def entity_href(name: str) -> str:
    """The internal link for an entity name: `entity:Entity%20Name`."""
    return f"{ENTITY_SCHEME}:{url_quote(name, safe='')}"


def entity_links(text: str) -> list[str]:
    """Entity names linked with [[Name]] in a note body, in order, without duplicates."""
    names = (" ".join(m.split()) for m in re.findall(ENTITY_LINK, text or ""))
    return list(dict.fromkeys(n for n in names if n))


def render_markdown(text: str) -> str:
    """Sanitised HTML for a note body: Python-Markdown, then nh3.

    `[[Entity Name]]` becomes `<a href="entity:Entity%20Name">Entity Name</a>`. Only http,
    https, mailto and entity links survive; scripts, event handlers, styles and raw HTML
    outside a small allow-list are removed."""
    import markdown

    html = markdown.markdown(text or "", output_format="html",
                             extensions=["fenced_code", "tables", "sane_lists", "nl2br",
                                         _entity_extension()])
    return sanitise(html)


def _entity_extension():
    """A Python-Markdown extension turning [[Name]] into an entity: link (built lazily so
    importing this module stays cheap)."""
    import xml.etree.ElementTree as etree

    from markdown.extensions import Extension
    from markdown.inlinepatterns import InlineProcessor
    from markdown.util import AtomicString

    class EntityLinks(InlineProcessor):
        def handleMatch(self, m, data):  # noqa: N802 (Python-Markdown's API name)
            name = " ".join(m.group(1).split())
            if not name:
                return None, None, None
            link = etree.Element("a")
            link.set("href", entity_href(name))
            link.text = AtomicString(name)
            return link, m.start(0), m.end(0)

    class EntityExtension(Extension):
        def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's API name)
            # After code spans (190) and escapes (180), before reference links (170).
            md.inlinePatterns.register(EntityLinks(ENTITY_LINK, md), "entity_link", 175)

    return EntityExtension()


# -- export ---------------------------------------------------------------------------------

def _meta(articles: Mapping[str, Any], doc: str) -> dict[str, str]:
    info = articles.get(doc)
    if info is None:
        return {"title": "", "source": "", "date": "", "author": ""}
    get = info.get if isinstance(info, Mapping) else lambda k, d="": getattr(info, k, d)
    return {k: str(get(k, "") or "") for k in ("title", "source", "date", "author")}


def citation(meta: Mapping[str, str], doc: str) -> str:
    """`Author, “Title”, *Source*, date.` with whatever parts are known."""
    parts = []
    if meta.get("author"):
        parts.append(meta["author"])
    parts.append(f"“{meta.get('title') or doc}”")
    if meta.get("source"):
        parts.append(f"*{meta['source']}*")
    parts.append(meta.get("date") or "n.d.")
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


# -- import ---------------------------------------------------------------------------------

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
        return _iso(moment)
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
