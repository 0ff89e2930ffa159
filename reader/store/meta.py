"""Article metadata the user set (date, source, author, title) in the store, with undo."""

from __future__ import annotations

import json

from reader.notes.fields import now_iso
from reader.store.connection import Connected


def _fold(rows) -> dict[str, dict[str, str]]:
    """Replay edits ({field: value, or None to clear}) in order: doc id -> {field: value}."""
    meta: dict[str, dict[str, str]] = {}
    for doc_id, payload in rows:
        current = meta.setdefault(doc_id, {})
        for field, value in json.loads(payload).items():
            if value is None:
                current.pop(field, None)
            else:
                current[field] = value
    return {doc: fields for doc, fields in meta.items() if fields}


class MetaQueries(Connected):
    """Reading the user's article metadata."""

    def article_meta(self) -> dict[str, dict[str, str]]:
        """doc id -> {field: value} for every article with metadata the user set."""
        return _fold(self._read("SELECT doc_id, fields FROM article_meta WHERE undone = 0 "
                                "ORDER BY id"))

    def article_meta_edits(self, doc_id: str) -> int:
        """How many of an article's metadata edits are in force (what undo can take back)."""
        return self._read("SELECT count(*) FROM article_meta WHERE undone = 0 AND doc_id = ?",
                          (doc_id,))[0][0]


class MetaSaves(MetaQueries):
    """Saving the user's article metadata: one edit per call, each undoable."""

    def add_article_meta(self, doc_id: str, fields: dict[str, str | None]) -> None:
        """Record one edit of an article's metadata ({field: value}, None = back to the
        file's own value). A new edit discards that article's undone edits (no redo)."""
        with self._write() as conn:
            conn.execute("DELETE FROM article_meta WHERE undone = 1 AND doc_id = ?", (doc_id,))
            conn.execute("INSERT INTO article_meta (doc_id, fields, created) VALUES (?,?,?)",
                         (doc_id, json.dumps(fields, ensure_ascii=False, sort_keys=True),
                          now_iso()))

    def undo_article_meta(self, doc_id: str) -> dict | None:
        """Take back the article's newest metadata edit in force; it, or None."""
        with self._write() as conn:
            row = conn.execute("SELECT id, fields FROM article_meta WHERE undone = 0 AND "
                               "doc_id = ? ORDER BY id DESC LIMIT 1", (doc_id,)).fetchone()
            if row:
                conn.execute("UPDATE article_meta SET undone = 1 WHERE id = ?", (row[0],))
        return json.loads(row[1]) if row else None
