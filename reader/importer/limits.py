"""Bounds on what one file may cost: bytes, unpacked zip size, pages, text length.

Every limit is stated in the README's importer section; a file past one gets a one-line
reason (or, for text length and pages, a warning and the part that fits)."""

from __future__ import annotations

import io
import zipfile

from reader.errors import BadInput

MAX_BYTES = 10 * 1024 * 1024  # a text, Markdown or HTML file larger than this is not an article
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024  # PDF, DOCX, EPUB, ODT, RTF (images make them big)
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # a DOCX/EPUB/ODT may unpack to this much, no more
MAX_ZIP_RATIO = 200  # an entry compressed more than this is a zip bomb, not a document
MAX_ZIP_ENTRIES = 10_000
MAX_PDF_PAGES = 1_000  # pages past this are not read (warned); ~15 ms a page
MAX_TEXT_CHARS = 1_000_000  # one article's text; spaCy's own limit. Longer is cut (warned)
# Parsing one file (any format) in the import worker: past this it is killed and the file
# refused. Measured: a 60 KB Markdown line of "[" took 18 s before its patterns were bounded
# (0.4 s now); 100,000 nested HTML <div>s 1.7 s; a 1,000-page PDF ~15 s.
PARSE_SECONDS = 30.0


def open_zip(raw: bytes, name: str, kind: str) -> zipfile.ZipFile:
    """The zip container of an office document or e-book, checked before anything unpacks it.

    Raises BadInput: not a zip, too many entries, or entries that would unpack past the limits
    (sizes are read from the zip's directory; the decompressors below stop at them too)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise BadInput(f"{name}: not a {kind} file (not a zip container: {exc})") from None
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise BadInput(f"{name}: {len(entries)} entries in the zip (limit {MAX_ZIP_ENTRIES}); "
                       "not a document")
    total = sum(e.file_size for e in entries)
    if total > MAX_UNZIPPED_BYTES:
        raise BadInput(f"{name}: unpacks to {total / 2**20:.0f} MB (limit "
                       f"{MAX_UNZIPPED_BYTES // 2**20} MB); refused as a possible zip bomb")
    for e in entries:
        if e.file_size > 1_000_000 and e.file_size > MAX_ZIP_RATIO * max(1, e.compress_size):
            ratio = e.file_size // max(1, e.compress_size)
            raise BadInput(f"{name}: {e.filename} is compressed {ratio}:1; refused as a "
                           "possible zip bomb")
    return archive


def cut_text(text: str, warnings: list[str]) -> str:
    """`text` within MAX_TEXT_CHARS, cut at a paragraph break, with a warning when cut."""
    if len(text) <= MAX_TEXT_CHARS:
        return text
    cut = text.rfind("\n\n", 0, MAX_TEXT_CHARS)
    cut = cut if cut > MAX_TEXT_CHARS // 2 else MAX_TEXT_CHARS
    warnings.append(f"text cut at {cut:,} of {len(text):,} characters (the limit for one "
                    "article)")
    return text[:cut]
