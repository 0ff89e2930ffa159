"""Note bodies as HTML: Markdown with [[Entity]] links, sanitised through reader.markup."""

from __future__ import annotations

import re
from urllib.parse import quote as url_quote

from reader.markup import sanitise

ENTITY_SCHEME = "entity"
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

