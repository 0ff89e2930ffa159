"""Markup that reader shows: the one HTML allow-list (nh3) and the one Markdown stripper."""

from __future__ import annotations

import re

# Internal link schemes: entity:Name, note:ID, policy:ID (handled by the app, never opened).
INTERNAL_SCHEMES = frozenset({"entity", "note", "policy"})
URL_SCHEMES = frozenset({"http", "https", "mailto"}) | INTERNAL_SCHEMES
TAGS = frozenset({
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "b", "i", "code",
    "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
    "del", "sup", "sub", "dl", "dt", "dd", "span",
})
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align", "colspan"}, "td": {"align"},
              "ol": {"start"}, "table": {"cellpadding"}}


def sanitise(fragment: str) -> str:
    """HTML from a note, the library or a page, cleaned to the allow-list: no scripts, event
    handlers, styles, images, relative links or links other than http(s), mailto and
    reader's own."""
    import nh3

    return nh3.clean(fragment or "", tags=set(TAGS), attributes=ATTRIBUTES,
                     url_schemes=set(URL_SCHEMES), url_relative="deny", link_rel=None)


def bold_only(fragment: str) -> str:
    """A search snippet: text with <b>…</b> around matches and nothing else."""
    import nh3

    return nh3.clean(" ".join((fragment or "").split()), tags={"b"}, attributes={})


_MD_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")  # [text](url), ![alt](src)
_MD_ENTITY = re.compile(r"\[\[([^\[\]\n]+)\]\]")  # [[Entity name]]
_MD_MARKS = re.compile(r"(\*\*|__|\*|`|~~)")
_MD_LEAD = re.compile(r"^\s*(#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)+")


def plain_line(markdown: str) -> str:
    """A line of Markdown as plain text for lists: no #, >, list marks, emphasis or link
    syntax ("[[Leeds]]" -> "Leeds", "[site](https://…)" -> "site")."""
    text = _MD_LEAD.sub("", markdown or "")
    text = _MD_ENTITY.sub(r"\1", text)
    text = _MD_LINK.sub(r"\1", text)
    return " ".join(_MD_MARKS.sub("", text).split())


def plain_text(markdown: str) -> str:
    """Markdown as plain text, line by line (for search, labels and exports)."""
    lines = (plain_line(line) for line in (markdown or "").splitlines())
    return "\n".join(line for line in lines if line)
