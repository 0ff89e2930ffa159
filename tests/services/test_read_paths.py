"""Read paths never write: every read of the services goes through the store's read-only
connection, and a changed article re-anchors notes only when the indexing service runs."""

from __future__ import annotations

import pytest

from reader.domain import Changes
from reader.library import Library


@pytest.fixture
def lib(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Alpha title\n\nThe council said the review was late. "
                                  "Inspectors visited in May.\n")
    (corpus / "b.txt").write_text("Beta title\n\nBeta body about outsourcing.\n")
    library = Library.open(tmp_path / "data", corpus)
    library.indexing.update(nlp=False)
    yield library
    library.close()


def _no_writes(lib, monkeypatch):
    """Make every write transaction of the store, and every query on its writable
    connection, fail the test."""
    store = lib._write()
    lib._read()  # the read-only connection, opened while writes were allowed

    def refuse(*args, **kwargs):
        raise AssertionError("a read path used the writable store")

    monkeypatch.setattr(store, "_write", refuse)
    monkeypatch.setattr(store, "_read", refuse)
    return store


def test_every_read_works_without_the_writable_store(lib, monkeypatch):
    note = lib.notes.add("a", 4, 11, "A *note*", ["tag"]).note
    lib.articles.set_read("b")
    lib.policies.add("Outsourcing watch", ["outsourcing"])
    _no_writes(lib, monkeypatch)
    assert [n.id for n in lib.notes.list()] == [note.id]
    assert lib.notes.get(note.id).quote == "council"
    assert lib.notes.tags() == [("tag", 1)]
    assert lib.notes.orphans() == []
    assert lib.notes.search("note")[0].id == note.id
    assert "<em>note</em>" in lib.notes.render(note.body)
    assert "council" in lib.notes.export("md")
    assert lib.articles.read_docs() == {"b"}
    assert lib.entities.edits() == []
    assert lib.entities.list() == []  # nothing extracted (nlp=False)
    assert [p.label for p in lib.policies.list() if p.user] == ["Outsourcing watch"]
    assert lib.search.run("outsourcing").total == 1


def test_the_read_connection_cannot_write(lib):
    reader = lib._read()
    assert reader.readonly
    assert not hasattr(reader, "add_note") and not hasattr(reader, "set_read")
    with pytest.raises(Exception, match="readonly|read-only|query_only|attempt to write"):
        reader._conn.execute("DELETE FROM notes")


def test_a_changed_article_moves_notes_only_when_indexed(lib, monkeypatch):
    note = lib.notes.add("a", 4, 11, "on council").note
    article = lib.paths.corpus_dir / "a.txt"
    article.write_text("Alpha title\n\nEarlier, the council said the review was late. "
                       "Inspectors visited in May.\n")
    lib.articles.list()
    store = _no_writes(lib, monkeypatch)
    moved = lib.notes.get(note.id)  # the anchor as the article reads now...
    assert (moved.start, moved.quote) == (13, "council")
    monkeypatch.undo()
    assert store.get_note(note.id).start == 4  # ...but nothing was written
    changes = lib.notes.reanchor()
    assert changes == Changes(notes=frozenset({note.id}))
    assert lib._write().get_note(note.id).start == 13
    assert lib.notes.reanchor() == Changes()  # done once
