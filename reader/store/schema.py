"""The store's schema: its migrations, kept in `PRAGMA user_version`."""

from __future__ import annotations

import logging
import sqlite3

log = logging.getLogger(__name__)

# Schema migrations: MIGRATIONS[n] takes a database from user_version n to n + 1. Append
# only; never edit a released step.
MIGRATIONS: list[tuple[str, ...]] = [
    (  # 1: notes, tags, entity edits, user policies, read state
        """CREATE TABLE notes (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            doc TEXT NOT NULL,
            text_hash TEXT NOT NULL DEFAULT '',
            pos_start INTEGER,
            pos_end INTEGER,
            quote TEXT NOT NULL DEFAULT '',
            prefix TEXT NOT NULL DEFAULT '',
            suffix TEXT NOT NULL DEFAULT '',
            body TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            trashed INTEGER NOT NULL DEFAULT 0,
            orphan INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX notes_doc ON notes(doc)",
        """CREATE TABLE tags (
            note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
            tag TEXT NOT NULL COLLATE NOCASE,
            pos INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (note_id, tag)
        )""",
        "CREATE INDEX tags_tag ON tags(tag)",
        """CREATE TABLE entity_edits (
            id INTEGER PRIMARY KEY,
            op TEXT NOT NULL,
            payload TEXT NOT NULL,
            created TEXT NOT NULL,
            undone INTEGER NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE user_policies (
            id INTEGER PRIMARY KEY,
            label TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            patterns TEXT NOT NULL DEFAULT '[]',
            created TEXT NOT NULL
        )""",
        """CREATE TABLE article_state (
            doc_id TEXT PRIMARY KEY,
            read INTEGER NOT NULL DEFAULT 0
        )""",
    ),
    (  # 2: full-text search over notes (kept in step with `notes` by NoteSaves._index_note)
        "CREATE VIRTUAL TABLE notes_fts USING fts5(body, quote, tags, "
        "tokenize = 'unicode61 remove_diacritics 2')",
        """INSERT INTO notes_fts (rowid, body, quote, tags)
           SELECT id, body, quote,
                  COALESCE((SELECT group_concat(tag, ' ') FROM tags WHERE note_id = notes.id), '')
           FROM notes""",
    ),
    (  # 3: article metadata the user set (date, source, author, title), undoable
        """CREATE TABLE article_meta (
            id INTEGER PRIMARY KEY,
            doc_id TEXT NOT NULL,
            fields TEXT NOT NULL,
            created TEXT NOT NULL,
            undone INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX article_meta_doc ON article_meta(doc_id)",
    ),
    (  # 4: the save counter the save journal is matched against (store/journal.py)
        "CREATE TABLE journal_state (seq INTEGER NOT NULL)",
        "INSERT INTO journal_state (seq) VALUES (0)",
    ),
    (  # 5: stars and tags on articles, saved searches (store/organise.py)
        """CREATE TABLE article_stars (
            doc_id TEXT PRIMARY KEY,
            created TEXT NOT NULL
        )""",
        """CREATE TABLE article_tags (
            id INTEGER PRIMARY KEY,
            doc_id TEXT NOT NULL,
            tag TEXT NOT NULL COLLATE NOCASE,
            created TEXT NOT NULL,
            UNIQUE (doc_id, tag)
        )""",
        "CREATE INDEX article_tags_tag ON article_tags(tag)",
        """CREATE TABLE saved_searches (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            query TEXT NOT NULL,
            created TEXT NOT NULL
        )""",
    ),
]
SCHEMA_VERSION = len(MIGRATIONS)


def user_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection) -> None:
    """Apply the missing MIGRATIONS, each step in its own transaction."""
    while (version := user_version(conn)) < SCHEMA_VERSION:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read inside the lock: another process may have migrated meanwhile.
            if (version := user_version(conn)) < SCHEMA_VERSION:
                for statement in MIGRATIONS[version]:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version + 1}")
                log.info("notes database migrated to schema %d", version + 1)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
