"""Stars, article tags and saved searches in the store: migration 5, saves, the journal."""

from __future__ import annotations

import sqlite3

import pytest

from reader.errors import BadInput, NotFound
from reader.store import MIGRATIONS, SCHEMA_VERSION, Store


def test_migration_from_4_to_5_keeps_notes_and_metadata(tmp_path):
    path = tmp_path / "reader.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    for step in MIGRATIONS[:4]:
        for statement in step:
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 4")
    conn.execute("INSERT INTO notes (uid, doc, body, created, updated) VALUES "
                 "('urn:uuid:1', 'doc1', 'kept note', '2024-01-01T00:00:00Z', "
                 "'2024-01-01T00:00:00Z')")
    conn.execute("INSERT INTO article_meta (doc_id, fields, created) VALUES "
                 "('doc1', '{\"date\": \"2011-01-01\"}', '2024-01-01T00:00:00Z')")
    conn.close()
    with Store.open(path) as store:
        assert SCHEMA_VERSION == 5
        assert store._read("PRAGMA user_version")[0][0] == 5
        assert [n.body for n in store.list_notes()] == ["kept note"]
        assert store.article_meta() == {"doc1": {"date": "2011-01-01"}}
        assert store.starred_docs() == set() and store.saved_searches() == []
        assert store.set_starred("doc1", True)


def test_stars_tags_and_saved_searches(tmp_path):
    with Store.open(tmp_path / "reader.sqlite3") as store:
        assert store.set_starred("a", True) and not store.set_starred("a", True)
        assert store.starred_docs() == {"a"}
        assert store.set_starred("a", False) and store.starred_docs() == set()
        assert store.change_article_tags("a", add=["Evidence", "later"])
        assert not store.change_article_tags("a", add=["evidence"])  # case-insensitive
        store.change_article_tags("b", add=["evidence"])
        assert store.article_tags() == {"a": ["Evidence", "later"], "b": ["evidence"]}
        assert store.article_tag_counts() == [("Evidence", 2), ("later", 1)]
        assert store.change_article_tags("a", remove=["LATER"])
        first = store.add_saved_search("Gove", "entity:'michael gove'")
        with pytest.raises(BadInput, match="already named"):
            store.add_saved_search("gove", "x")
        second = store.add_saved_search("Another", "council")
        with pytest.raises(BadInput):
            store.update_saved_search(second, name="GOVE")
        store.update_saved_search(first, name="Michael Gove")
        assert [row[1] for row in store.saved_searches()] == ["Another", "Michael Gove"]
        store.delete_saved_search(second)
        with pytest.raises(NotFound):
            store.delete_saved_search(second)
        with store.reader() as view:  # the read-only side sees them too
            assert view.article_tags()["b"] == ["evidence"]
            assert [row[1] for row in view.saved_searches()] == ["Michael Gove"]


def test_the_journal_brings_back_marks_a_lost_commit_dropped(tmp_path):
    path = tmp_path / "reader.sqlite3"
    store = Store.open(path)
    store.set_starred("a", True)
    store.change_article_tags("a", add=["x"])
    store.add_saved_search("S", "council")
    store._journal.close()  # a crash: no closing backup
    store._conn.close()
    # As if the WAL had lost those commits: the rows and the save counter go back.
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DELETE FROM article_stars")
    conn.execute("DELETE FROM article_tags")
    conn.execute("DELETE FROM saved_searches")
    conn.execute("UPDATE journal_state SET seq = 0")
    conn.close()
    with Store.open(path) as store:
        assert store.starred_docs() == {"a"}
        assert store.article_tags() == {"a": ["x"]}
        assert [row[1:3] for row in store.saved_searches()] == [("S", "council")]
