"""Word documents (.docx) through python-docx: paragraphs and tables in order, title and
author from the document properties. A news-database export in one DOCX is split later,
like its plain-text form (`exports.py`)."""

from __future__ import annotations

from reader.errors import BadInput
from reader.importer.limits import open_zip
from reader.importer.rules import Extracted, property_text


def read_docx(raw: bytes, name: str) -> Extracted:
    """Raises BadInput for a zip that is not a Word document (or one that would unpack
    past the limits)."""
    import docx

    archive = open_zip(raw, name, "Word (.docx)")
    if "word/document.xml" not in archive.namelist():
        raise BadInput(f"{name}: not a Word document (a zip without word/document.xml)")
    try:
        document = docx.Document(archive.fp)
    except Exception as exc:  # noqa: BLE001 - python-docx raises lxml, zip and key errors alike
        raise BadInput(f"{name}: not a readable Word document ({exc})") from None
    blocks: list[str] = []
    title = ""
    for item in document.iter_inner_content():
        if hasattr(item, "rows"):  # a table: one line per row
            for row in item.rows:
                cells = [" ".join(c.text.split()) for c in row.cells]
                if any(cells):
                    blocks.append(" | ".join(cells))
            continue
        text = item.text.strip()
        if not text:
            continue
        style = (item.style.name if item.style is not None else "").lower()
        if style == "title" and not title:
            title = " ".join(text.split())
            continue
        blocks.append(text)
    props = document.core_properties
    meta = {"title": title or property_text(props.title), "author": property_text(props.author)}
    return Extracted("\n\n".join(blocks), meta)
