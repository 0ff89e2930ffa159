"""SearchIndex's life: the schema version bump rebuilds, the common stems are chosen once."""

from __future__ import annotations

import json

from reader.search import SCHEMA_VERSION, IndexDoc, SearchIndex
from reader.search.schema import common_of

DOCS = [IndexDoc(id=f"d{i}", title=f"Social workers report {i}",
                 body=f"Social workers and child protection services met on day {i}. "
                      + ("Rare words here." if i == 0 else "The council agreed."))
        for i in range(6)]


def test_an_index_of_the_previous_schema_is_rebuilt(tmp_path):
    index = SearchIndex(tmp_path / "index")
    index.update(DOCS)
    index.close()
    stamp = tmp_path / "index" / "reader-index.json"
    stamp.write_text(json.dumps({"schema": SCHEMA_VERSION - 1}))
    again = SearchIndex(tmp_path / "index")
    assert again.doc_count() == 0 and "rebuilt" in again.rebuilt_reason
    assert json.loads(stamp.read_text())["schema"] == SCHEMA_VERSION


def test_common_stems_come_from_the_first_documents_and_stay(tmp_path):
    index = SearchIndex(tmp_path / "index")
    index.update(DOCS[:4])
    common = common_of(index.open().schema)
    assert {"social", "worker", "child", "protect"} <= common and "rare" not in common
    index.update([IndexDoc(id="new", title="Rare rare", body="Rare words, rare things.")])
    assert common_of(index.open().schema) == common and index.doc_count() == 5
    result = index.search('"social workers"')
    assert result.total == 4 and index._evaluator.fallbacks == 0  # the bigram list, no Whoosh


def test_phrase_with_a_rare_word_is_checked_on_positions(tmp_path):
    index = SearchIndex(tmp_path / "index")
    index.update(DOCS)
    assert index.search('"rare words"').total == 1
    assert index.search('"words rare"').total == 0
    assert index.search('"agreed council"').total == 0


def test_stamps_are_those_of_live_documents_only(tmp_path):
    """The lexicon keeps a replaced or deleted document's stamp until segments merge: an
    article edited A -> B -> A, or removed and put back, must not look indexed already."""
    import dataclasses

    index = SearchIndex(tmp_path / "index")
    first = [dataclasses.replace(d, stamp="a") for d in DOCS[:3]]
    index.update(first)
    index.update([dataclasses.replace(first[0], body="Edited text.", stamp="b")])
    index.update([], remove=["d1"])
    stamps = index.stamps()
    assert stamps["d0"] == "b"  # not the replaced "a"
    assert "d1" not in stamps  # deleted
    assert stamps["d2"] == "a"


def test_a_new_document_is_added_and_a_known_one_replaced(tmp_path, monkeypatch):
    """An id the stamps do not hold is added without Whoosh's look-up of what it replaces;
    one they hold (or any, when the stamps are not known) is replaced: never two of one id."""
    import dataclasses

    from whoosh.writing import SegmentWriter

    looked: list[str] = []
    real = SegmentWriter.update_document
    monkeypatch.setattr(SegmentWriter, "update_document",
                        lambda self, **f: looked.append(f["id"]) or real(self, **f))
    index = SearchIndex(tmp_path / "index")
    assert index.stamps() == {}  # as IndexingService does: the stamps, then the write
    index.update(DOCS[:3])
    index.update([DOCS[3], dataclasses.replace(DOCS[0], body="Edited text.", stamp="b")])
    assert looked == ["d0"]
    fresh = SearchIndex(tmp_path / "index")
    fresh._stamps.known = None  # the stamps not known before the write: every id looked up
    fresh.update([dataclasses.replace(DOCS[1], body="Edited again.", stamp="c")])
    assert looked == ["d0", "d1"]
    assert fresh.doc_count() == 4 and fresh.stamps() == {"d0": "b", "d1": "c", "d2": "",
                                                          "d3": ""}
    assert fresh.search("edited").total == 2
