"""Stars and tags on articles and saved searches in the store: queries and saves.

Articles are keyed by their id, as the user's metadata is (`meta.py`): the same article keeps
its stars and tags through `reader index --rebuild` and a re-import."""

from __future__ import annotations

from reader.errors import BadInput, NotFound
from reader.notes.fields import now_iso
from reader.store.connection import Connected


class OrganiseQueries(Connected):
    """Reading stars, article tags and saved searches."""

    def starred_docs(self) -> set[str]:
        return {r[0] for r in self._read("SELECT doc_id FROM article_stars")}

    def article_tags(self) -> dict[str, list[str]]:
        """doc id -> its tags, in the order they were given."""
        tags: dict[str, list[str]] = {}
        for doc_id, tag in self._read("SELECT doc_id, tag FROM article_tags ORDER BY id"):
            tags.setdefault(doc_id, []).append(tag)
        return tags

    def article_tag_counts(self) -> list[tuple[str, int]]:
        """(tag, articles) for every tag, most used first."""
        return [(t, n) for t, n in self._read(
            "SELECT min(tag), count(*) FROM article_tags GROUP BY tag COLLATE NOCASE "
            "ORDER BY count(*) DESC, min(tag) COLLATE NOCASE")]

    def saved_searches(self) -> list[tuple[int, str, str, str]]:
        """(id, name, query, created) of every saved search, by name."""
        return self._read("SELECT id, name, query, created FROM saved_searches "
                          "ORDER BY name COLLATE NOCASE, id")


class OrganiseSaves(OrganiseQueries):
    """Saving stars, article tags and saved searches: each method is one transaction."""

    def set_starred(self, doc_id: str, starred: bool) -> bool:
        """Star or unstar an article; whether that changed anything."""
        with self._write() as conn:
            if starred:
                cur = conn.execute("INSERT OR IGNORE INTO article_stars (doc_id, created) "
                                   "VALUES (?, ?)", (doc_id, now_iso()))
            else:
                cur = conn.execute("DELETE FROM article_stars WHERE doc_id = ?", (doc_id,))
            return cur.rowcount > 0

    def change_article_tags(self, doc_id: str, add=(), remove=()) -> bool:
        """Add and remove tags (case-insensitive) of an article in one save; whether that
        changed anything."""
        changed = 0
        with self._write() as conn:
            for tag in remove:
                changed += conn.execute("DELETE FROM article_tags WHERE doc_id = ? AND tag = ?",
                                        (doc_id, tag)).rowcount
            for tag in add:
                changed += conn.execute("INSERT OR IGNORE INTO article_tags (doc_id, tag, "
                                        "created) VALUES (?, ?, ?)",
                                        (doc_id, tag, now_iso())).rowcount
        return changed > 0

    def add_saved_search(self, name: str, query: str) -> int:
        """Save a search under a new name; its id. Raises BadInput when the name is taken."""
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM saved_searches WHERE name = ?", (name,)).fetchone():
                raise BadInput(f"A saved search is already named “{name}”; choose another name.")
            return conn.execute("INSERT INTO saved_searches (name, query, created) VALUES "
                                "(?, ?, ?)", (name, query, now_iso())).lastrowid

    def update_saved_search(self, search_id: int, name: str | None = None,
                            query: str | None = None) -> None:
        """Rename a saved search or change its query. Raises NotFound, BadInput (name taken)."""
        with self._write() as conn:
            if not conn.execute("SELECT 1 FROM saved_searches WHERE id = ?",
                                (search_id,)).fetchone():
                raise NotFound(f"No saved search {search_id}.")
            if name is not None:
                if conn.execute("SELECT 1 FROM saved_searches WHERE name = ? AND id != ?",
                                (name, search_id)).fetchone():
                    raise BadInput(f"A saved search is already named “{name}”; choose another "
                                   "name.")
                conn.execute("UPDATE saved_searches SET name = ? WHERE id = ?",
                             (name, search_id))
            if query is not None:
                conn.execute("UPDATE saved_searches SET query = ? WHERE id = ?",
                             (query, search_id))

    def delete_saved_search(self, search_id: int) -> None:
        """Raises NotFound."""
        with self._write() as conn:
            if not conn.execute("DELETE FROM saved_searches WHERE id = ?",
                                (search_id,)).rowcount:
                raise NotFound(f"No saved search {search_id}.")
