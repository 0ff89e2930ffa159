"""Entity corrections, user policies and read state in the store: queries and saves."""

from __future__ import annotations

import json
from collections.abc import Iterable

from reader.errors import BadInput, NotFound
from reader.notes.fields import now_iso
from reader.store.connection import Connected


class EditQueries(Connected):
    """Reading entity edits, user policies and read state."""

    def entity_edits(self) -> list[dict]:
        """The edits in force (not undone), oldest first, as they were given: replay them in
        order."""
        rows = self._read("SELECT payload FROM entity_edits WHERE undone = 0 ORDER BY id")
        return [json.loads(payload) for (payload,) in rows]

    def user_policies(self) -> list[dict]:
        """[{id, label, description, patterns, created}], oldest first."""
        rows = self._read("SELECT id, label, description, patterns, created FROM user_policies "
                          "ORDER BY id")
        return [{"id": i, "label": label, "description": desc, "patterns": json.loads(pats),
                 "created": created} for i, label, desc, pats, created in rows]

    def read_docs(self) -> set[str]:
        return {r[0] for r in self._read("SELECT doc_id FROM article_state WHERE read = 1")}


class EditSaves(EditQueries):
    """Saving entity edits (with undo/redo), user policies and read state: each method is
    one transaction (the store's `_write`)."""

    # -- entity edits ----------------------------------------------------------------------
    def add_entity_edit(self, edit: dict) -> int:
        """Record an entity edit ({"op": ..., ...}, JSON-serialisable); its id. A new edit
        discards the redo history."""
        if not isinstance(edit, dict) or not isinstance(edit.get("op"), str) or not edit["op"]:
            raise BadInput('An entity edit needs an "op", e.g. {"op": "merge", ...}.')
        try:
            payload = json.dumps(edit, ensure_ascii=False, sort_keys=True)
        except (TypeError, ValueError) as exc:
            raise BadInput(f"An entity edit must be plain JSON data ({exc}).") from None
        with self._write() as conn:
            conn.execute("DELETE FROM entity_edits WHERE undone = 1")
            cur = conn.execute("INSERT INTO entity_edits (op, payload, created) VALUES (?,?,?)",
                               (edit["op"], payload, now_iso()))
        return cur.lastrowid

    def undo_entity_edit(self) -> dict | None:
        """Undo the newest edit in force; it (or None when there is nothing to undo). Undone
        edits are kept for `redo_entity_edit` until a new edit is added."""
        with self._write() as conn:
            row = conn.execute("SELECT id, payload FROM entity_edits WHERE undone = 0 "
                               "ORDER BY id DESC LIMIT 1").fetchone()
            if row:
                conn.execute("UPDATE entity_edits SET undone = 1 WHERE id = ?", (row[0],))
        return json.loads(row[1]) if row else None

    def redo_entity_edit(self) -> dict | None:
        """Redo the most recently undone edit; it, or None."""
        with self._write() as conn:
            row = conn.execute("SELECT id, payload FROM entity_edits WHERE undone = 1 "
                               "ORDER BY id LIMIT 1").fetchone()
            if row:
                conn.execute("UPDATE entity_edits SET undone = 0 WHERE id = ?", (row[0],))
        return json.loads(row[1]) if row else None

    # -- user policies ---------------------------------------------------------------------
    def add_user_policy(self, label: str, patterns: Iterable[str],
                        description: str = "") -> int:
        """A policy the user defined (label + phrases/patterns that mention it); its id."""
        if not isinstance(label, str) or not label.strip():
            raise BadInput("A policy needs a name.")
        if isinstance(patterns, str):
            patterns = [patterns]
        patterns = [p.strip() for p in patterns if isinstance(p, str) and p.strip()]
        if not patterns:
            raise BadInput(f"Policy {label!r} needs at least one phrase to look for.")
        with self._write() as conn:
            cur = conn.execute("INSERT INTO user_policies (label, description, patterns, created)"
                               " VALUES (?,?,?,?)", (label.strip(), description or "",
                                                     json.dumps(patterns), now_iso()))
        return cur.lastrowid

    def delete_user_policy(self, policy_id: int) -> None:
        """Raises NotFound."""
        with self._write() as conn:
            cur = conn.execute("DELETE FROM user_policies WHERE id = ?", (policy_id,))
            if cur.rowcount == 0:
                raise NotFound(f"There is no user policy {policy_id}.")

    # -- read state ------------------------------------------------------------------------
    def set_read(self, doc: str, read: bool = True) -> None:
        with self._write() as conn:
            conn.execute("INSERT INTO article_state (doc_id, read) VALUES (?, ?) "
                         "ON CONFLICT (doc_id) DO UPDATE SET read = excluded.read",
                         (doc, int(read)))
