"""Notes and their tags in the store: queries (also on a read-only reader) and saves."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Iterable

from reader.domain import Anchor, Note
from reader.errors import BadInput, NotFound, ReaderError
from reader.notes.fields import new_uid, normalise_tags, now_iso
from reader.store.connection import Connected

log = logging.getLogger(__name__)

_NOTE_SELECT = """
    SELECT n.id, n.doc, n.text_hash, n.pos_start, n.pos_end, n.quote, n.prefix, n.suffix,
           n.body, (SELECT group_concat(tag, char(31))
                    FROM (SELECT tag FROM tags WHERE note_id = n.id ORDER BY pos)),
           n.created, n.updated, n.trashed, n.orphan, n.uid
    FROM notes n"""


class _Damaged(Exception):
    """A note row whose values are not what the schema says (bytes that pass
    integrity_check but are not text, or a value of another type)."""


def _note(row) -> Note:
    """The Note of a row; raises _Damaged for a row of the wrong types."""
    (note_id, doc, text_hash, start, end, quote, prefix, suffix, body, tags, created, updated,
     trashed, orphan, uid) = row
    texts = (doc, text_hash, quote, prefix, suffix, body, created, updated, uid)
    if not all(type(v) is str for v in texts) or not (tags is None or type(tags) is str) \
            or not all(v is None or type(v) is int for v in (start, end)) \
            or not all(type(v) is int for v in (trashed, orphan)):
        raise _Damaged("a value of the wrong type")
    return Note(id=note_id, doc=doc, text_hash=text_hash, start=start, end=end, quote=quote,
                prefix=prefix, suffix=suffix, body=body,
                tags=tuple(tags.split("\x1f")) if tags else (), created=created,
                updated=updated, trashed=bool(trashed), orphan=bool(orphan), uid=uid)


def _reason(exc: Exception) -> str:
    """Why a row cannot be read, without its bad bytes."""
    return "a value is not valid UTF-8 text" if "decode" in str(exc) else str(exc)


def _skipped(note_id, exc: Exception) -> None:
    log.warning("Note %s is damaged and cannot be read (%s); it is skipped (it stays in the "
                "database).", note_id, _reason(exc))


class NoteQueries(Connected):
    """Reading notes and tags."""

    def get_note(self, note_id: int) -> Note:
        """Raises NotFound, or ReaderError for a note whose stored values are damaged."""
        try:
            rows = self._read(_NOTE_SELECT + " WHERE n.id = ?", (note_id,))
            if rows:
                return _note(rows[0])
        except (_Damaged, sqlite3.OperationalError, ValueError) as exc:
            raise ReaderError(f"Note {note_id} is damaged and cannot be read "
                              f"({_reason(exc)}).") from None
        raise NotFound(f"There is no note {note_id}.")

    def _notes(self, rest: str, params: Iterable = ()) -> list[Note]:
        """The notes `_NOTE_SELECT + rest` selects, without those whose stored values are
        damaged: each is skipped with a warning naming its id (it stays in the database)."""
        params = tuple(params)
        try:
            rows = self._read(_NOTE_SELECT + rest, params)
        except sqlite3.OperationalError as exc:
            if "decode" not in str(exc):
                raise
            # A value that is not UTF-8 fails the whole query: read note by note instead.
            ids = [r[0] for r in self._read("SELECT n.id FROM notes n" + rest, params)]
            return [n for n in map(self._note_or_none, ids) if n is not None]
        out = []
        for row in rows:
            try:
                out.append(_note(row))
            except (_Damaged, ValueError) as exc:
                _skipped(row[0], exc)
        return out

    def _note_or_none(self, note_id: int) -> Note | None:
        try:
            return _note(self._read(_NOTE_SELECT + " WHERE n.id = ?", (note_id,))[0])
        except (_Damaged, sqlite3.OperationalError, ValueError) as exc:
            _skipped(note_id, exc)
            return None

    def list_notes(self, doc: str | None = None, tag: str | None = None,
                   include_trashed: bool = False) -> list[Note]:
        """Notes, oldest first; filtered by article and/or tag (case-insensitive)."""
        where, params = [], []
        if doc is not None:
            where.append("n.doc = ?")
            params.append(doc)
        if tag is not None:
            where.append("EXISTS (SELECT 1 FROM tags t WHERE t.note_id = n.id AND t.tag = ?)")
            params.append(" ".join(tag.strip().lstrip("#").split()))
        if not include_trashed:
            where.append("n.trashed = 0")
        rest = " WHERE " + " AND ".join(where) if where else ""
        return self._notes(rest + " ORDER BY n.created, n.id", params)

    def search_notes(self, text: str, include_trashed: bool = False) -> list[Note]:
        """Notes whose text, quote or tags contain every word of `text` (word prefixes
        match: "safegu" finds "safeguarding"), best first."""
        words = re.findall(r"\w+", text or "")
        if not words:
            return []
        match = " ".join(f'"{w}"*' for w in words)
        rest = " JOIN notes_fts f ON f.rowid = n.id WHERE notes_fts MATCH ?"
        if not include_trashed:
            rest += " AND n.trashed = 0"
        return self._notes(rest + " ORDER BY bm25(notes_fts)", (match,))

    def tags(self) -> list[tuple[str, int]]:
        """(tag, number of notes) over notes not in the trash, alphabetical."""
        # As bytes: a damaged tag (not UTF-8) is skipped here, not a failed query.
        rows = self._read("SELECT CAST(t.tag AS BLOB), count(*) FROM tags t JOIN notes n "
                          "ON n.id = t.note_id WHERE n.trashed = 0 GROUP BY t.tag "
                          "ORDER BY t.tag")
        out = []
        for tag, count in rows:
            try:
                out.append((bytes(tag).decode("utf-8"), count))
            except (UnicodeDecodeError, TypeError):
                log.warning("A damaged tag (not text) was skipped.")
        return out


class NoteSaves(NoteQueries):
    """Saving notes: each method is one transaction (the store's `_write`)."""

    def add_note(self, doc: str, anchor: Anchor | None = None, text_hash: str = "",
                 body: str = "", tags: Iterable[str] = (), *, uid: str | None = None,
                 created: str | None = None, updated: str | None = None) -> Note:
        """Save a new note on `doc`: on a passage (`anchor` from notes.make_anchor against
        the article whose `text_hash` is given) or, with no anchor, on the whole article."""
        if not isinstance(doc, str) or not doc.strip():
            raise BadInput("A note needs the id of its article.")
        if not isinstance(body, str):
            raise BadInput("A note's text must be text.")
        tags = normalise_tags(tags)
        stamp = now_iso()
        created = created or stamp
        with self._write() as conn:
            try:
                cur = conn.execute(
                    "INSERT INTO notes (uid, doc, text_hash, pos_start, pos_end, quote, prefix,"
                    " suffix, body, created, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (uid or new_uid(), doc, text_hash,
                     anchor.start if anchor else None, anchor.end if anchor else None,
                     anchor.quote if anchor else "", anchor.prefix if anchor else "",
                     anchor.suffix if anchor else "", body, created, updated or created))
            except sqlite3.IntegrityError:
                raise BadInput(f"A note with id {uid} already exists.") from None
            self._set_tags(conn, cur.lastrowid, tags)
            self._index_note(conn, cur.lastrowid)
        return self.get_note(cur.lastrowid)

    def update_note(self, note_id: int, body: str | None = None,
                    tags: Iterable[str] | None = None) -> Note:
        """Change a note's text and/or tags (None leaves it). Raises NotFound."""
        if body is not None and not isinstance(body, str):
            raise BadInput("A note's text must be text.")
        tags = None if tags is None else normalise_tags(tags)
        with self._write() as conn:
            self._require(conn, note_id)
            if body is not None:
                conn.execute("UPDATE notes SET body = ? WHERE id = ?", (body, note_id))
            if tags is not None:
                self._set_tags(conn, note_id, tags)
            conn.execute("UPDATE notes SET updated = ? WHERE id = ?", (now_iso(), note_id))
            self._index_note(conn, note_id)
        return self.get_note(note_id)

    def trash_note(self, note_id: int) -> Note:
        """Move a note to the trash (hidden from lists; restore_note brings it back)."""
        return self._set_flag(note_id, "trashed", True)

    def restore_note(self, note_id: int) -> Note:
        return self._set_flag(note_id, "trashed", False)

    def empty_trash(self) -> int:
        """Delete trashed notes for good; how many."""
        with self._write() as conn:
            ids = [r[0] for r in conn.execute("SELECT id FROM notes WHERE trashed = 1")]
            conn.executemany("DELETE FROM notes_fts WHERE rowid = ?", [(i,) for i in ids])
            conn.execute("DELETE FROM notes WHERE trashed = 1")
        return len(ids)

    def set_anchor(self, note_id: int, start: int | None, end: int | None, text_hash: str,
                   orphan: bool = False) -> Note:
        """Record a re-anchoring (notes.refresh_anchor): not a user edit, so `updated` stays.
        None offsets keep the stored ones (an orphan keeps its last position as a hint)."""
        with self._write() as conn:
            self._require(conn, note_id)
            conn.execute("UPDATE notes SET pos_start = COALESCE(?, pos_start), "
                         "pos_end = COALESCE(?, pos_end), text_hash = ?, orphan = ? "
                         "WHERE id = ?", (start, end, text_hash, int(orphan), note_id))
        return self.get_note(note_id)

    def import_notes(self, notes: Iterable[Note],
                     problems: list[str] | None = None) -> dict[str, int]:
        """Add notes from notes.parse_annotations in one save, matched on `uid`: an unknown
        uid is added, a known one updated only when the imported copy is newer. Imported
        notes get an empty text_hash, so the library re-anchors them against the text.
        A note the database refuses (a value out of its range) is left out, with a line in
        `problems`; the others are saved."""
        counts = {"added": 0, "updated": 0, "unchanged": 0}
        with self._write() as conn:
            for note in notes:
                conn.execute("SAVEPOINT one_note")
                try:
                    kind = self._import_one(conn, note)
                except (sqlite3.Error, OverflowError, ValueError, TypeError) as exc:
                    conn.execute("ROLLBACK TO one_note")
                    if problems is not None:
                        problems.append(f"annotation {note.uid[:60]}: cannot be saved "
                                        f"({type(exc).__name__}) (skipped)")
                    kind = None
                conn.execute("RELEASE one_note")
                if kind:
                    counts[kind] += 1
        return counts

    def _import_one(self, conn: sqlite3.Connection, note: Note) -> str:
        row = conn.execute("SELECT id, updated FROM notes WHERE uid = ?", (note.uid,)).fetchone()
        if row is None:
            cur = conn.execute(
                "INSERT INTO notes (uid, doc, text_hash, pos_start, pos_end, quote, prefix, "
                "suffix, body, created, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (note.uid or new_uid(), note.doc, "", note.start, note.end, note.quote,
                 note.prefix, note.suffix, note.body, note.created, note.updated))
            note_id, kind = cur.lastrowid, "added"
        elif note.updated > row[1]:
            note_id, kind = row[0], "updated"
            conn.execute("UPDATE notes SET body = ?, updated = ? WHERE id = ?",
                         (note.body, note.updated, note_id))
        else:
            return "unchanged"
        self._set_tags(conn, note_id, normalise_tags(note.tags))
        self._index_note(conn, note_id)
        return kind

    def _set_flag(self, note_id: int, column: str, value: bool) -> Note:
        with self._write() as conn:
            self._require(conn, note_id)
            conn.execute(f"UPDATE notes SET {column} = ? WHERE id = ?", (int(value), note_id))
        return self.get_note(note_id)

    @staticmethod
    def _require(conn: sqlite3.Connection, note_id: int) -> None:
        if conn.execute("SELECT 1 FROM notes WHERE id = ?", (note_id,)).fetchone() is None:
            raise NotFound(f"There is no note {note_id}.")

    @staticmethod
    def _set_tags(conn: sqlite3.Connection, note_id: int, tags: tuple[str, ...]) -> None:
        conn.execute("DELETE FROM tags WHERE note_id = ?", (note_id,))
        conn.executemany("INSERT INTO tags (note_id, tag, pos) VALUES (?, ?, ?)",
                         [(note_id, tag, pos) for pos, tag in enumerate(tags)])

    @staticmethod
    def _index_note(conn: sqlite3.Connection, note_id: int) -> None:
        conn.execute("DELETE FROM notes_fts WHERE rowid = ?", (note_id,))
        conn.execute(
            "INSERT INTO notes_fts (rowid, body, quote, tags) SELECT id, body, quote, "
            "COALESCE((SELECT group_concat(tag, ' ') FROM tags WHERE note_id = notes.id), '') "
            "FROM notes WHERE id = ?", (note_id,))
