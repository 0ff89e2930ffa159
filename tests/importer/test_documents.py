"""PDF, DOCX, EPUB, ODT and RTF: text with paragraphs, metadata from the document, and a
one-line reason for every bad input (the batch goes on: see tests/test_corpus.py)."""

from __future__ import annotations

import io
import time

import pytest

from reader import importer
from reader.errors import BadInput
from reader.importer import limits, parse_bytes
from tests.importer.conftest import PARAS, make_docx, make_pdf, make_scanned_pdf, make_zip


def test_pdf_text_paragraphs_and_properties():
    raw = make_pdf([PARAS[:2], PARAS[2:]], title="Council to outsource care",
                   author="Ann Writer")
    art = parse_bytes(raw, "report.pdf", "doc")
    assert art.title == "Council to outsource care" and art.author == "Ann Writer"
    assert art.body.split("\n\n") == PARAS
    assert art.date == ""  # a PDF's creation date is when the file was made: never assumed


def test_pdf_without_text_layer_has_a_reason():
    with pytest.raises(BadInput, match="no text layer.*OCR is not supported"):
        parse_bytes(make_scanned_pdf(), "scan.pdf", "doc")


def test_encrypted_pdf_has_a_reason():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf([PARAS]))))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(BadInput, match="encrypted PDF"):
        parse_bytes(out.getvalue(), "locked.pdf", "doc")


def test_pdf_with_only_an_owner_password_opens():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf([PARAS]))))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    assert parse_bytes(out.getvalue(), "restricted.pdf", "doc").body.startswith("The council")


def test_not_a_pdf_has_a_reason():
    with pytest.raises(BadInput, match="not a readable PDF"):
        parse_bytes(b"%PDF-1.4 and then nothing", "broken.pdf", "doc")


def test_500_page_pdf_is_bounded(monkeypatch):
    raw = make_pdf([[f"Page {i} says something short."] for i in range(500)])
    start = time.monotonic()
    art = parse_bytes(raw, "long.pdf", "doc")
    assert time.monotonic() - start < 60
    assert "Page 499 says" in art.body
    monkeypatch.setattr("reader.importer.pdf.MAX_PDF_PAGES", 100)
    art = parse_bytes(raw, "long.pdf", "doc")
    assert "Page 99 says" in art.body and "Page 100 says" not in art.body
    assert any("first 100 of 500 pages" in w for w in art.warnings)


def test_long_text_is_cut_with_a_warning(monkeypatch):
    monkeypatch.setattr(limits, "MAX_TEXT_CHARS", 2000)
    art = parse_bytes(("Title\n\n" + "A sentence of text here.\n\n" * 400).encode(), "a.txt",
                      "doc")
    assert len(art.body) <= 2000 and any("text cut" in w for w in art.warnings)


def test_docx_paragraphs_table_and_properties():
    raw = make_docx(PARAS, title="Council to outsource care", author="Ann Writer",
                    table=[["Year", "Budget"], ["2014", "£3m"]])
    art = parse_bytes(raw, "memo.docx", "doc")
    assert art.title == "Council to outsource care" and art.author == "Ann Writer"
    assert art.body.split("\n\n") == [*PARAS, "Year | Budget", "2014 | £3m"]


def test_zip_that_is_not_a_document_has_a_reason():
    raw = make_zip({"hello.txt": b"not a word document"})
    with pytest.raises(BadInput, match="not a Word document"):
        parse_bytes(raw, "fake.docx", "doc")
    with pytest.raises(BadInput, match="not a Word"):
        parse_bytes(b"PK\x03\x04 garbage", "broken.docx", "doc")


def test_zip_bomb_is_refused():
    raw = make_zip({"word/document.xml": b"\0" * 5_000_000})
    assert len(raw) < 50_000
    with pytest.raises(BadInput, match="zip bomb"):
        parse_bytes(raw, "bomb.docx", "doc")


def test_zip_unpacking_past_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_UNZIPPED_BYTES", 1000)
    raw = make_docx(PARAS)
    with pytest.raises(BadInput, match="unpacks to"):
        parse_bytes(raw, "big.docx", "doc")


def test_epub_chapters_and_metadata():
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("id1")
    book.set_title("Care in crisis")
    book.add_author("Ann Writer")
    book.add_metadata("DC", "publisher", "The Paper")
    book.add_metadata("DC", "date", "2014-04-17")
    chapters = []
    for i, para in enumerate(PARAS):
        ch = epub.EpubHtml(title=f"c{i}", file_name=f"c{i}.xhtml", lang="en")
        ch.content = f"<html><body><p>{para}</p></body></html>"
        book.add_item(ch)
        chapters.append(ch)
    book.spine = chapters
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    out = io.BytesIO()
    epub.write_epub(out, book)
    art = parse_bytes(out.getvalue(), "book.epub", "doc")
    assert (art.title, art.author, art.source, art.date) == (
        "Care in crisis", "Ann Writer", "The Paper", "2014-04-17")
    assert art.body.split("\n\n") == PARAS


def test_odt_paragraphs_and_metadata():
    from odf import dc, text
    from odf.opendocument import OpenDocumentText

    document = OpenDocumentText()
    document.meta.addElement(dc.Title(text="Care in crisis"))
    document.meta.addElement(dc.Creator(text="Ann Writer"))
    for para in PARAS:
        document.text.addElement(text.P(text=para))
    out = io.BytesIO()
    document.write(out)
    art = parse_bytes(out.getvalue(), "memo.odt", "doc")
    assert art.title == "Care in crisis" and art.author == "Ann Writer"
    assert art.body.split("\n\n") == PARAS


def test_rtf_paragraphs_and_info():
    raw = ("{\\rtf1\\ansi{\\info{\\title Care in crisis}{\\author Ann Writer}}"
           + "".join(f"{p}\\par\n" for p in PARAS) + "}").encode()
    art = parse_bytes(raw, "memo.rtf", "doc")
    assert art.title == "Care in crisis" and art.author == "Ann Writer"
    assert art.body.split("\n\n") == PARAS


def test_every_supported_suffix_has_a_size_limit():
    for suffix in importer.SUFFIXES:
        assert importer.max_bytes(suffix) >= importer.MAX_BYTES
    assert "save it as .docx" in importer.unsupported_reason("old.doc")


def test_a_library_failing_on_one_file_gives_a_reason(monkeypatch):
    def broken(raw, name):
        raise IndexError("list index out of range")
    monkeypatch.setattr("reader.importer.pdf.read_pdf", broken)
    with pytest.raises(BadInput, match="could not be read \\(IndexError"):
        parse_bytes(make_pdf([PARAS]), "odd.pdf", "doc")
