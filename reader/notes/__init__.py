"""Notes without storage: anchoring to article text, Markdown rendering, export and import.

    fields       ids, timestamps, tag normalisation (what the store needs; cheap)
    anchors      make_anchor, reanchor, refresh_anchor
    render       render_markdown with [[Entity]] links, entity_links, entity_href
    export       export_markdown (with citations), export_json / to_annotation (W3C)
    annotations  parse_annotations (W3C Web Annotation JSON in)

None of them imports anything heavy at import time (Markdown and nh3 load on first render).
"""

from __future__ import annotations

from reader.domain import Anchor, Note
from reader.notes.anchors import (
    CONTEXT,
    FUZZY_MIN_QUOTE,
    FUZZY_MIN_RATIO,
    MAX_FUZZY_WINDOWS,
    MAX_OCCURRENCES,
    make_anchor,
    reanchor,
    refresh_anchor,
)
from reader.notes.annotations import parse_annotations
from reader.notes.export import (
    ANNOTATION_CONTEXT,
    citation,
    export_json,
    export_markdown,
    to_annotation,
)
from reader.notes.fields import new_uid, normalise_tags, now_iso
from reader.notes.render import (
    ENTITY_LINK,
    ENTITY_SCHEME,
    entity_href,
    entity_links,
    render_markdown,
)

__all__ = [
    "ANNOTATION_CONTEXT", "CONTEXT", "ENTITY_LINK", "ENTITY_SCHEME", "FUZZY_MIN_QUOTE",
    "FUZZY_MIN_RATIO", "MAX_FUZZY_WINDOWS", "MAX_OCCURRENCES", "Anchor", "Note", "citation",
    "entity_href", "entity_links", "export_json", "export_markdown", "make_anchor", "new_uid",
    "normalise_tags", "now_iso", "parse_annotations", "reanchor", "refresh_anchor",
    "render_markdown", "to_annotation",
]
