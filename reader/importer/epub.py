"""E-books (.epub) through ebooklib: the chapters' text in reading order; title, author,
publisher and date from the book's Dublin Core metadata."""

from __future__ import annotations

import io
import logging

from reader.errors import BadInput
from reader.importer.dates import parse_date
from reader.importer.limits import open_zip
from reader.importer.rules import Extracted

log = logging.getLogger(__name__)

_BLOCKS = "//p|//h1|//h2|//h3|//h4|//h5|//h6|//li|//blockquote|//pre|//td|//dd|//dt"


def chapter_text(markup: bytes) -> list[str]:
    """The paragraphs of one XHTML chapter (block elements; scripts and styles dropped)."""
    import lxml.html

    if not markup.strip():
        return []
    root = lxml.html.fromstring(markup)
    for bad in root.xpath("//script|//style|//head"):
        bad.drop_tree()
    blocks = root.xpath(_BLOCKS)
    if not blocks:
        text = " ".join(root.text_content().split())
        return [text] if text else []
    out = []
    for el in blocks:
        if el.xpath(f"ancestor::*[self::{'|self::'.join(('p', 'li', 'blockquote', 'td'))}]"):
            continue  # nested in a block already taken whole
        text = " ".join(el.text_content().split())
        if text:
            out.append(text)
    return out


def read_epub(raw: bytes, name: str) -> Extracted:
    import ebooklib
    from ebooklib import epub

    open_zip(raw, name, "EPUB")
    try:
        book = epub.read_epub(io.BytesIO(raw), options={"ignore_ncx": True})
    except Exception as exc:  # noqa: BLE001 - ebooklib raises zip, XML and its own errors
        raise BadInput(f"{name}: not a readable EPUB ({exc})") from None
    docs = {item.id: item for item in book.get_items_of_type(ebooklib.ITEM_DOCUMENT)
            if not isinstance(item, epub.EpubNav)}  # the table of contents is not text
    order = [docs[idref] for idref, _ in book.spine if idref in docs] or list(docs.values())
    paras: list[str] = []
    for item in order:
        paras.extend(chapter_text(item.get_content()))

    def dc(field: str) -> str:
        values = book.get_metadata("DC", field)
        return " ".join(str(values[0][0]).split()) if values else ""

    meta = {"title": dc("title"), "author": dc("creator"), "source": dc("publisher"),
            "date": parse_date(dc("date"))}
    return Extracted("\n\n".join(paras), meta)
