"""The flat postings side file (reader.search.flat): written with each commit, one per segment,
the same results as decoding Whoosh's postings, and damage or absence costs speed only."""

from __future__ import annotations

import dataclasses
import logging

import pytest
from test_search_differential import _view, bench_queries, make_docs

from reader.search import SearchIndex
from reader.search.flat import SUFFIX

QUERIES = ["social", "child protection", '"social workers"', '"child protection services"',
           "council AND NOT ofsted", "title:reform", "source:guardian", "date:[2010 TO 2012]",
           "councl~", "protect*"]


def _results(ix: SearchIndex) -> list:
    return [_view(ix.search(q, limit=20, facets=True), snippets=True) for q in QUERIES]


@pytest.fixture()
def built(tmp_path):
    ix = SearchIndex(tmp_path / "index")
    ix.update(make_docs(150, seed=4))
    yield ix
    ix.close()


def _side_files(ix: SearchIndex):
    return sorted(ix.dir.glob(f"*{SUFFIX}"))


def test_each_commit_writes_its_segments_side_file_and_results_do_not_change(built):
    files = _side_files(built)
    assert len(files) == 1 and files[0].stat().st_size > 0
    with_side = _results(built)
    assert all(side is not None for side in built._evaluator.arrays.side)
    built.close()
    files[0].unlink()
    again = SearchIndex(built.dir)
    assert _results(again) == with_side  # decoded from Whoosh: identical
    assert again._evaluator.arrays.side == [None]
    again.close()


def test_a_damaged_side_file_is_ignored_then_rewritten(built, caplog):
    expected = _results(built)
    built.close()
    path = _side_files(built)[0]
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte in the postings
    path.write_bytes(bytes(data))
    again = SearchIndex(built.dir)
    with caplog.at_level(logging.WARNING, logger="reader.search.flat"):
        assert _results(again) == expected
    assert "CRC" in caplog.text and again._evaluator.arrays.side == [None]
    path.write_bytes(b"RDRFLAT3 truncated")
    again.update(make_docs(3, seed=9))  # a commit: new segment, and the damaged file redone
    sides = again._evaluator.arrays.side
    assert len(_side_files(again)) == len(sides) == 2 and None not in sides
    again.close()


def test_segments_without_side_files_mix_with_those_that_have_one(built):
    """A segment written by another Whoosh writer has no side file: its postings are decoded
    while the others come from their files, and the results equal Whoosh's own."""
    from reader.search.schema import DocumentFields

    fields_of = DocumentFields(built.open().schema)
    with built.open().writer() as writer:
        writer.merge = False
        for doc in make_docs(40, seed=12):
            writer.add_document(**fields_of(dataclasses.replace(doc, id="x" + doc.id)))
    sides = None
    for q in bench_queries():
        fast = built.search(q, limit=10, facets=True)
        slow = built.search(q, limit=10, facets=True, engine="whoosh")
        assert _view(fast, True) == _view(slow, True), q
        sides = built._evaluator.arrays.side
    assert len(sides) == 2 and sides[0] is not None and sides[1] is None


def test_a_rebuild_swaps_in_side_files_with_the_index(built):
    old = _side_files(built)
    built.update(make_docs(120, seed=5), rebuild=True)
    new = _side_files(built)
    assert len(new) == 1 and new != old and not any(p.exists() for p in old)


def test_a_side_file_that_cannot_be_written_leaves_the_commit_standing(tmp_path, monkeypatch):
    import errno

    from reader.search import flat

    def full(*_args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(flat, "write", full)
    ix = SearchIndex(tmp_path / "index")
    ix.update(make_docs(40, seed=6))
    assert ix.doc_count() == 40 and not _side_files(ix)
    assert ix.search("social").total > 0 and ix._evaluator.arrays.side == [None]
    ix.close()


def test_an_index_without_side_files_gets_them_on_request(built):
    for path in _side_files(built):
        path.unlink()
    built.close()
    assert built.sync_side_files() == 1 and len(_side_files(built)) == 1
    assert built.sync_side_files() == 0  # usable now: left alone


def test_an_empty_library_indexes_without_an_error(tmp_path):
    """An index with no document has a reader without a segment: nothing to write, no
    AttributeError (it used to surface in the app's log on every empty library)."""
    from reader.library import Library

    (tmp_path / "corpus").mkdir()
    lib = Library.open(tmp_path / "data", tmp_path / "corpus")
    try:
        report = lib.indexing.update(nlp=False)
        assert report.total == 0
        assert lib.search.run("anything").total == 0
    finally:
        lib.close()
