"""Raw file -> clean Articles: the format readers, reader's line rules, and the limits.

One module per format (`text`, `html`, `pdf`, `docx`, `epub`, `odt`, `rtf`), the
news-database export splitter (`exports`), the shared line rules (`rules`) and dates
(`dates`), the bounds on one file (`limits`). The same rules serve the bundled corpus and
user imports. Nothing is silently destroyed: page chrome goes to `Article.chrome`, reader
comments to `Article.comments`. A file holds one article, or several (an export):
`parse_file_all` returns them all; `parse_file` the one a single-article file holds.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

from reader.domain import Article
from reader.errors import BadInput
from reader.importer.dates import parse_date
from reader.importer.exports import split_export
from reader.importer.files import read_limited, walk
from reader.importer.limits import MAX_BYTES, MAX_DOCUMENT_BYTES, cut_text
from reader.importer.rules import Extracted, clean_text
from reader.importer.text import decode, markdown_to_text, read_markdown

log = logging.getLogger(__name__)

__all__ = ["SUFFIXES", "MAX_BYTES", "MAX_DOCUMENT_BYTES", "parse_bytes", "parse_bytes_all",
           "parse_file", "parse_file_all", "parse_date", "markdown_to_text", "decode",
           "clean_text", "sha256", "max_bytes", "unsupported_reason", "read_file", "walk",
           "parse_bytes_budgeted"]


def _read_text(raw: bytes, name: str) -> Extracted:
    text, warnings = decode(raw, name)
    return Extracted(text, warnings=warnings)


def _read_html(raw: bytes, name: str) -> Extracted:
    from reader.importer.html import read_html
    return read_html(raw, name)


def _read_pdf(raw: bytes, name: str) -> Extracted:
    from reader.importer.pdf import read_pdf
    return read_pdf(raw, name)


def _read_docx(raw: bytes, name: str) -> Extracted:
    from reader.importer.docx import read_docx
    return read_docx(raw, name)


def _read_epub(raw: bytes, name: str) -> Extracted:
    from reader.importer.epub import read_epub
    return read_epub(raw, name)


def _read_odt(raw: bytes, name: str) -> Extracted:
    from reader.importer.odt import read_odt
    return read_odt(raw, name)


def _read_rtf(raw: bytes, name: str) -> Extracted:
    from reader.importer.rtf import read_rtf
    return read_rtf(raw, name)


# suffix -> (reader, may hold a news-database export). Formats import their library late.
_READERS: dict[str, tuple[Callable[[bytes, str], Extracted], bool]] = {
    ".txt": (_read_text, True), ".md": (read_markdown, False),
    ".markdown": (read_markdown, False), ".html": (_read_html, False),
    ".htm": (_read_html, False), ".pdf": (_read_pdf, True), ".docx": (_read_docx, True),
    ".epub": (_read_epub, False), ".odt": (_read_odt, True), ".rtf": (_read_rtf, True),
}
SUFFIXES = tuple(_READERS)
_TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
_HINTS = {".doc": "save it as .docx", ".pages": "export it as .docx or PDF",
          ".mhtml": "save the page as HTML", ".mht": "save the page as HTML"}


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def max_bytes(suffix: str) -> int:
    """The size limit for one file of this type: MAX_BYTES for text formats (an article
    larger than that is not an article), MAX_DOCUMENT_BYTES for documents with images."""
    return MAX_BYTES if suffix.lower() in _TEXT_SUFFIXES else max(MAX_BYTES, MAX_DOCUMENT_BYTES)


def unsupported_reason(name: str) -> str:
    """The one-line reason a file of this type is not imported ("" when it is supported)."""
    suffix = Path(name).suffix.lower()
    if suffix in _READERS:
        return ""
    hint = f"; {_HINTS[suffix]}" if suffix in _HINTS else ""
    return f"unsupported file type '{suffix or 'none'}'{hint} (use {', '.join(SUFFIXES)})"


def _check_size(size: int, name: str) -> None:
    limit = max_bytes(Path(name).suffix)
    if size > limit:
        raise BadInput(f"{name}: {size / 1e6:.1f} MB is over the {limit // 2**20} MB limit "
                       "for one file")


def _article(ex: Extracted, name: str, doc_id: str, *, path: str, sha: str,
             manifest: dict[str, str] | None, bundled: bool) -> Article:
    meta = {k: v for k, v in ex.meta.items() if v}
    for key, value in (manifest or {}).items():
        if value and key in ("title", "source", "author", "date"):
            meta[key] = parse_date(value) if key == "date" else value
    warnings = list(ex.warnings)
    parsed = clean_text(cut_text(ex.text, warnings), {"title": meta.get("title", "")})
    body = "\n\n".join(parsed.body)
    if not body.strip() and parsed.title and not meta.get("title"):
        body = parsed.title  # one paragraph and nothing else: it is the text, not a headline
    if not body.strip():
        raise BadInput(f"{name}: no article text found (only page furniture)")
    date_ = meta.get("date") or parsed.date
    date_from = "text" if meta.get("date") else parsed.date_from
    if date_from == "comment":
        warnings.append("date taken from a reader comment's timestamp (no dateline found)")
    chrome = "\n".join(c for c in (*parsed.chrome, ex.chrome) if c)
    comments = "\n\n".join(c for c in (*parsed.comments, ex.comments) if c)
    return Article(
        id=doc_id,
        title=parsed.title or Path(name).stem,
        body=body,
        source=meta.get("source") or parsed.source,
        author=meta.get("author") or parsed.author,
        date=date_,
        date_from=date_from if date_ else "",
        chrome=chrome,
        comments=comments,
        path=path,
        sha=sha,
        warnings=tuple(warnings),
        bundled=bundled,
    )


def parse_bytes_all(raw: bytes, name: str, doc_id: str, *, path: str = "",
                    manifest: dict[str, str] | None = None,
                    bundled: bool = False) -> list[Article]:
    """Every article in one file's bytes: one, or each article of a news-database export
    (ids `<doc_id>-1`, `<doc_id>-2`, … in file order). Raises BadInput with a one-line
    reason when the file yields none."""
    suffix = Path(name).suffix.lower()
    reason = unsupported_reason(name)
    if reason:
        raise BadInput(f"{name}: {reason}")
    _check_size(len(raw), name)
    if not raw.strip():
        raise BadInput(f"{name}: empty file")
    read, may_be_export = _READERS[suffix]
    try:
        ex = read(raw, name)
    except BadInput:
        raise
    except Exception as exc:  # a library failing on one odd file must not stop a batch
        log.info("Reading %s failed", name, exc_info=True)
        raise BadInput(f"{name}: could not be read ({type(exc).__name__}: {exc})") from exc
    sha = sha256(raw)
    parts = split_export(ex.text) if may_be_export else None
    if not parts:
        return [_article(ex, name, doc_id, path=path, sha=sha, manifest=manifest,
                         bundled=bundled)]
    articles, problems = [], []
    for i, part in enumerate(parts, 1):
        part.warnings[:0] = ex.warnings
        part.warnings.append(f"article {i} of {len(parts)} in a news-database export")
        try:
            articles.append(_article(part, name, f"{doc_id}-{i}", path=path, sha=sha,
                                     manifest=None, bundled=bundled))
        except BadInput as exc:
            problems.append(f"article {i}: {exc}")
    if not articles:
        raise BadInput(f"{name}: no article text in the export ({'; '.join(problems)})")
    return articles


def parse_bytes(raw: bytes, name: str, doc_id: str, *, path: str = "",
                manifest: dict[str, str] | None = None, bundled: bool = False) -> Article:
    """The one article in a file's bytes. Raises BadInput with a one-line reason, also for
    a file that holds several articles (use `parse_bytes_all`)."""
    articles = parse_bytes_all(raw, name, doc_id, path=path, manifest=manifest,
                               bundled=bundled)
    if len(articles) > 1:
        raise BadInput(f"{name}: holds {len(articles)} articles (a news-database export)")
    return articles[0]


def read_file(path: Path) -> bytes:
    """The bytes of one regular file within its type's size limit (checked on the opened
    file; the read is bounded). Raises BadInput (a FIFO, device, socket; too big) or
    OSError."""
    path = Path(path)
    return read_limited(path, max_bytes(path.suffix), path.name)


_read = read_file


def parse_bytes_budgeted(raw: bytes, name: str, doc_id: str, **kwargs) -> list[Article]:
    """`parse_bytes_all` in the parser worker, within the time budget for one file
    (`limits.PARSE_SECONDS`): a pathological file raises BadInput instead of hanging."""
    from reader.importer.worker import parse_in_worker

    return parse_in_worker(raw, name, doc_id, **kwargs)


def parse_file_all(path: Path, doc_id: str | None = None,
                   manifest: dict[str, str] | None = None,
                   bundled: bool = False, budgeted: bool = False) -> list[Article]:
    """Read and parse every article of one file (`budgeted`: in the parser worker, within
    the time budget). Raises BadInput (a one-line reason) or OSError."""
    path = Path(path)
    parse = parse_bytes_budgeted if budgeted else parse_bytes_all
    return parse(_read(path), path.name, doc_id or path.stem, path=str(path),
                 manifest=manifest, bundled=bundled)


def parse_file(path: Path, doc_id: str | None = None, manifest: dict[str, str] | None = None,
               bundled: bool = False) -> Article:
    """Read and parse one single-article file. Raises BadInput (a one-line reason) or
    OSError."""
    path = Path(path)
    return parse_bytes(_read(path), path.name, doc_id or path.stem, path=str(path),
                       manifest=manifest, bundled=bundled)
