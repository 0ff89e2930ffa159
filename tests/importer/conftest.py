"""Documents for the format tests, written by the libraries themselves (nothing shipped)."""

from __future__ import annotations

import io
import zipfile

PARAS = [
    "The council said on Monday that it would outsource its children's services to a "
    "new trust, a move critics called a gamble with vulnerable families.",
    "Ministers argued that the trust would bring fresh leadership. Unions warned that staff "
    "had not been consulted and that the timetable was far too short for a safe handover.",
    "A decision is expected next spring, after a public consultation closes.",
]


def make_pdf(pages: list[list[str]], title: str = "", author: str = "") -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    if title:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    pdf.set_font("Helvetica", size=11)
    for paras in pages:
        pdf.add_page()
        for para in paras:
            pdf.multi_cell(0, 6, para)
            pdf.ln(4)
    return bytes(pdf.output())


def make_scanned_pdf() -> bytes:
    """A page with a drawing and no text: what a scan without OCR looks like to a reader."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 150, style="F")
    return bytes(pdf.output())


def make_docx(paras: list[str], title: str = "", author: str = "", table=None) -> bytes:
    import docx

    document = docx.Document()
    if title:
        document.add_heading(title, level=0)
    for para in paras:
        document.add_paragraph(para)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                grid.cell(r, c).text = cell
    document.core_properties.author = author
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()
