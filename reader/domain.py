"""Domain dataclasses and errors shared by every layer (no I/O, no third-party imports)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


class ReaderError(Exception):
    """An error whose message is meant for the user (CLI prints it, the UI shows it)."""


class BadInput(ReaderError):
    """A file, argument or query the user gave cannot be used."""


class BadQuery(BadInput):
    """A search query that cannot be parsed."""


class NotFound(ReaderError):
    """An article, entity, policy or note id that does not exist."""


class IndexBusy(ReaderError):
    """Another process is writing the index right now."""


class ReadOnly(ReaderError):
    """The user-data store was opened read-only (e.g. the data folder is not writable)."""


class DiskFull(ReaderError):
    """A save failed because the disk (or the database's size limit) is full; nothing
    saved before was lost."""


def text_hash(title: str, body: str) -> str:
    """Hash of the text that extraction and note anchoring depend on."""
    return hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest()


@dataclass(frozen=True)
class Article:
    """One clean article, as the importer produced it.

    `body` is the clean text: every character offset reported anywhere in reader
    (entity mentions, policy mentions, note anchors) indexes into it. Page chrome and
    reader comments are kept aside in `chrome` and `comments`: never indexed or extracted.
    """

    id: str
    title: str
    body: str
    source: str = ""
    author: str = ""
    date: str = ""  # ISO yyyy-mm-dd, or "" when the text does not say
    date_from: str = ""  # "text" | "comment" (fallback, flagged) | ""
    chrome: str = ""
    comments: str = ""
    path: str = ""
    sha: str = ""  # sha256 of the raw file bytes (duplicate detection)
    warnings: tuple[str, ...] = ()
    bundled: bool = False

    @property
    def text_hash(self) -> str:
        return text_hash(self.title, self.body)

    def summary(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "author": self.author,
            "date": self.date,
        }


@dataclass(frozen=True)
class ImportOutcome:
    """What happened to one file given to `reader import`."""

    path: str
    status: str  # "imported" | "skipped" | "failed"
    reason: str = ""
    id: str = ""
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "status": self.status,
            "reason": self.reason,
            "id": self.id,
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    score: float
    snippet: str  # HTML-free text with matches wrapped in <b>…</b>
    source: str = ""
    date: str = ""

    def to_json(self) -> dict:
        return {"id": self.id, "title": self.title, "score": round(self.score, 4),
                "snippet": self.snippet}


@dataclass(frozen=True)
class SearchResult:
    query: str
    total: int
    hits: list[Hit] = field(default_factory=list)
    suggestion: str = ""  # corrected query when a word looks misspelt, else ""
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    terms: tuple[str, ...] = ()  # the query's terms, for highlighting in the reading pane

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "hits": [h.to_json() for h in self.hits],
            "suggestion": self.suggestion,
        }


@dataclass(frozen=True)
class ArticleInfo:
    """An article's catalogue entry: everything but the text (cheap to list 10k of them)."""

    id: str
    title: str
    source: str = ""
    author: str = ""
    date: str = ""
    date_from: str = ""
    path: str = ""
    sha: str = ""
    text_hash: str = ""
    bundled: bool = False
    words: int = 0

    def summary(self) -> dict:
        return {"id": self.id, "title": self.title, "source": self.source,
                "author": self.author, "date": self.date}
