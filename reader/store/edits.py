"""Entity corrections, policy edits, user policies and read state in the store: queries and
saves.

Entity corrections and policy edits share one table and one undo mechanism (`entity_edits`):
a policy edit's `op` column carries the prefix "policy:" (its payload keeps the plain op),
so each area has its own undo/redo history and neither replays the other's edits."""

from __future__ import annotations

import json
from collections.abc import Iterable

from reader.errors import BadInput, NotFound
from reader.notes.fields import now_iso
from reader.store.connection import Connected

POLICY = "policy:"  # the op prefix of policy edits (see the module docstring)
_AREA_SQL = {"entity": "op NOT LIKE 'policy:%'", "policy": "op LIKE 'policy:%'"}


class EditQueries(Connected):
    """Reading entity edits, policy edits, user policies and read state."""

    def entity_edits(self) -> list[dict]:
        """The edits in force (not undone), oldest first, as they were given: replay them in
        order."""
        return self._edits("entity")

    def policy_edits(self) -> list[dict]:
        """The policy edits in force (promote, rename, merge, hide, import...), oldest first."""
        return self._edits("policy")

    def _edits(self, area: str) -> list[dict]:
        rows = self._read(f"SELECT payload FROM entity_edits WHERE undone = 0 AND "
                          f"{_AREA_SQL[area]} ORDER BY id")
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

    # -- entity edits and policy edits -------------------------------------------------------
    def add_entity_edit(self, edit: dict) -> int:
        """Record an entity edit ({"op": ..., ...}, JSON-serialisable); its id. A new edit
        discards the redo history."""
        return self._add_edit("entity", edit)

    def undo_entity_edit(self) -> dict | None:
        """Undo the newest edit in force; it (or None when there is nothing to undo). Undone
        edits are kept for `redo_entity_edit` until a new edit is added."""
        return self._undo("entity")

    def redo_entity_edit(self) -> dict | None:
        """Redo the most recently undone edit; it, or None."""
        return self._redo("entity")

    def add_policy_edit(self, edit: dict) -> int:
        """Record a policy edit, like `add_entity_edit` (its own undo history)."""
        return self._add_edit("policy", edit)

    def undo_policy_edit(self) -> dict | None:
        return self._undo("policy")

    def redo_policy_edit(self) -> dict | None:
        return self._redo("policy")

    def _add_edit(self, area: str, edit: dict) -> int:
        if not isinstance(edit, dict) or not isinstance(edit.get("op"), str) or not edit["op"]:
            raise BadInput(f'An {area} edit needs an "op", e.g. {{"op": "merge", ...}}.')
        try:
            payload = json.dumps(edit, ensure_ascii=False, sort_keys=True)
        except (TypeError, ValueError) as exc:
            raise BadInput(f"An {area} edit must be plain JSON data ({exc}).") from None
        op = POLICY + edit["op"] if area == "policy" else edit["op"]
        if area == "entity" and op.startswith(POLICY):
            raise BadInput(f"Unknown entity edit op {op!r}")
        with self._write() as conn:
            conn.execute(f"DELETE FROM entity_edits WHERE undone = 1 AND {_AREA_SQL[area]}")
            cur = conn.execute("INSERT INTO entity_edits (op, payload, created) VALUES (?,?,?)",
                               (op, payload, now_iso()))
        return cur.lastrowid

    def _undo(self, area: str) -> dict | None:
        with self._write() as conn:
            row = conn.execute(f"SELECT id, payload FROM entity_edits WHERE undone = 0 AND "
                               f"{_AREA_SQL[area]} ORDER BY id DESC LIMIT 1").fetchone()
            if row:
                conn.execute("UPDATE entity_edits SET undone = 1 WHERE id = ?", (row[0],))
        return json.loads(row[1]) if row else None

    def _redo(self, area: str) -> dict | None:
        with self._write() as conn:
            row = conn.execute(f"SELECT id, payload FROM entity_edits WHERE undone = 1 AND "
                               f"{_AREA_SQL[area]} ORDER BY id LIMIT 1").fetchone()
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
