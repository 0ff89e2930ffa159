"""Notes in the store: saves, tags, trash, search, re-anchoring."""

from __future__ import annotations

import pytest

from reader.errors import BadInput, NotFound
from reader.notes import make_anchor
from reader.store import Store

from .conftest import BODY


def test_notes_round_trip_through_the_database(store, db):
    anchor = make_anchor(BODY, 4, 11)
    note = store.add_note("doc1", anchor, "hash1", "On **the council**",
                          ["Safeguarding", "#ofsted"])
    whole = store.add_note("doc2", body="About the whole article")
    assert (note.start, note.end, note.quote) == (4, 11, "council")
    assert note.tags == ("Safeguarding", "ofsted")
    assert note.uid.startswith("urn:uuid:") and note.uid != whole.uid
    assert whole.whole_article and whole.start is None

    store.close()
    again = Store.open(db)
    try:
        assert again.get_note(note.id) == note
        assert [n.id for n in again.list_notes()] == [note.id, whole.id]
        assert [n.id for n in again.list_notes(doc="doc2")] == [whole.id]
        assert [n.id for n in again.list_notes(tag="SAFEGUARDING")] == [note.id]
        assert [n.id for n in again.list_notes(tag="#Ofsted")] == [note.id]
    finally:
        again.close()


def test_update_trash_restore_and_empty_trash(store):
    note = store.add_note("doc1", body="first", tags=["a"])
    updated = store.update_note(note.id, body="second")
    assert updated.body == "second" and updated.tags == ("a",)
    assert updated.updated >= note.updated
    assert store.update_note(note.id, tags=["b", "B", " c "]).tags == ("b", "c")

    store.trash_note(note.id)
    assert store.list_notes() == []
    assert store.get_note(note.id).trashed
    assert [n.id for n in store.list_notes(include_trashed=True)] == [note.id]
    assert not store.restore_note(note.id).trashed
    assert len(store.list_notes()) == 1

    store.trash_note(note.id)
    assert store.empty_trash() == 1
    with pytest.raises(NotFound):
        store.get_note(note.id)
    with pytest.raises(NotFound):
        store.update_note(note.id, body="x")
    assert store.search_notes("second") == []


def test_bad_note_input_is_a_clear_error(store):
    with pytest.raises(BadInput, match="article"):
        store.add_note("", body="x")
    with pytest.raises(BadInput, match="tag"):
        store.add_note("doc", tags=[3])
    with pytest.raises(NotFound, match="no note 99"):
        store.trash_note(99)


def test_search_notes_matches_body_quote_and_tags_and_skips_trash(store):
    a = store.add_note("doc1", make_anchor(BODY, 4, 11), "h", "Late review", ["safeguarding"])
    b = store.add_note("doc1", body="Ofsted inspection of the council's children's services")
    assert {n.id for n in store.search_notes("council")} == {a.id, b.id}
    assert [n.id for n in store.search_notes("safegu")] == [a.id]  # prefix, tag
    assert [n.id for n in store.search_notes("ofsted council")] == [b.id]  # all words
    assert store.search_notes("  *(\"  ") == []  # no words: no FTS syntax error
    store.trash_note(b.id)
    assert [n.id for n in store.search_notes("council")] == [a.id]
    assert {n.id for n in store.search_notes("council", include_trashed=True)} == {a.id, b.id}
    store.update_note(a.id, body="changed words")
    assert [n.id for n in store.search_notes("changed")] == [a.id]
    assert store.tags() == [("safeguarding", 1)]


def test_set_anchor_keeps_offsets_of_an_orphan_and_not_updated(store):
    note = store.add_note("doc1", make_anchor(BODY, 4, 11), "h1", "x")
    moved = store.set_anchor(note.id, 10, 17, "h2")
    assert (moved.start, moved.end, moved.text_hash, moved.orphan) == (10, 17, "h2", False)
    assert moved.updated == note.updated  # re-anchoring is not a user edit
    orphan = store.set_anchor(note.id, None, None, "h3", orphan=True)
    assert (orphan.start, orphan.end, orphan.orphan, orphan.quote) == (10, 17, True, "council")
