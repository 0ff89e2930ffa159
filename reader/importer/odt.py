"""OpenDocument text (.odt) through odfpy: headings and paragraphs in order, title and
author from meta.xml."""

from __future__ import annotations

import io

from reader.errors import BadInput
from reader.importer.limits import open_zip
from reader.importer.rules import Extracted


def read_odt(raw: bytes, name: str) -> Extracted:
    from odf import teletype
    from odf.namespaces import DCNS, METANS, TEXTNS
    from odf.opendocument import load

    archive = open_zip(raw, name, "OpenDocument (.odt)")
    if "content.xml" not in archive.namelist():
        raise BadInput(f"{name}: not an OpenDocument text (a zip without content.xml)")
    try:
        document = load(io.BytesIO(raw))
    except Exception as exc:  # noqa: BLE001 - odfpy raises zip, XML and key errors alike
        raise BadInput(f"{name}: not a readable OpenDocument text ({exc})") from None
    paras = []
    for el in _blocks(document.text, ((TEXTNS, "h"), (TEXTNS, "p"))):
        line = " ".join(teletype.extractText(el).split())
        if line:
            paras.append(line)

    def meta_value(qname: str) -> str:
        for el in document.meta.childNodes:
            if el.qname == qname:
                return " ".join(teletype.extractText(el).split())
        return ""

    meta = {"title": meta_value((DCNS, "title")),
            "author": meta_value((DCNS, "creator")) or meta_value((METANS, "initial-creator"))}
    return Extracted("\n\n".join(paras), meta)


def _blocks(node, qnames):
    """Headings and paragraphs in document order (not nested in another one)."""
    for child in node.childNodes:
        if getattr(child, "qname", None) in qnames:
            yield child
        elif child.nodeType == child.ELEMENT_NODE:
            yield from _blocks(child, qnames)
