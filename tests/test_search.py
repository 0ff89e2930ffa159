"""The Whoosh index: incremental updates, rebuild of a damaged index, and query features."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reader.errors import BadQuery, IndexBusy
from reader.library import Library

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "one.txt").write_text(
        "Councils to outsource care\n\nBy Joe Lepper\n\n| 17 April 2014\n\n"
        "Councils will outsource child protection. Inspections will continue.\n\n"
        "More from Community Care\n")
    (folder / "two.txt").write_text(
        "Munro review published\n\n1 Feb 11\n\nProfessor Eileen Munro said inspectors should "
        "inspect less. Serious case reviews should be published.\n")
    (folder / "three.txt").write_text(
        "Opposition plans\n\nThe Conservatives want a chief social worker and fewer "
        "inspection visits.\n")
    return folder


@pytest.fixture
def lib(tmp_path, corpus):
    lib = Library.open(tmp_path / "data", corpus)
    lib.indexing.update(nlp=False)
    yield lib
    lib.close()


def ids(result):
    return sorted(h.id for h in result.hits)


def test_first_index_adds_everything_then_nothing(lib):
    report = lib.indexing.update(nlp=False)
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 0, 0, 3)


def test_editing_one_file_reindexes_only_it(lib, corpus, monkeypatch):
    (corpus / "two.txt").write_text("Munro review published\n\nNow about zebras.\n")
    seen = []
    real = lib._catalog.load
    monkeypatch.setattr(lib._catalog, "load", lambda doc_id: seen.append(doc_id) or real(doc_id))
    report = lib.indexing.update(nlp=False)
    assert report.updated == 1 and report.unchanged == 2 and seen == ["two"]
    assert ids(lib.search.run("zebras")) == ["two"]
    assert lib.search.run("munro").total == 1  # title only now; old body gone, no duplicate


def test_deleted_file_leaves_the_index(lib, corpus):
    (corpus / "three.txt").unlink()
    assert lib.indexing.update(nlp=False).removed == 1
    assert lib.search.run("conservatives").total == 0
    assert lib.search.doc_count() == 2


def test_corrupt_index_is_rebuilt_with_a_message(tmp_path, corpus, lib):
    lib.close()
    for seg in lib.paths.index_dir.glob("*.seg"):
        seg.write_bytes(b"garbage" * 10)
    for toc in lib.paths.index_dir.glob("*.toc"):
        toc.write_bytes(b"\x00junk")
    fresh = Library.open(tmp_path / "data", corpus)
    report = fresh.indexing.update(nlp=False)
    assert report.added == 3
    assert any("rebuilt" in m for m in report.messages)
    assert fresh.search.run("outsource").total == 1


def test_rebuild_flag_reindexes_all(lib):
    assert lib.indexing.update(rebuild=True, nlp=False).added == 3


def test_second_writer_gets_a_clear_message(lib):
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from whoosh import index
            ix = index.open_dir({str(lib.paths.index_dir)!r})
            w = ix.writer()
            print("locked", flush=True)
            sys.stdin.readline()
            w.cancel()
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO)
    try:
        assert holder.stdout.readline().strip() == "locked"
        (lib.paths.corpus_dir / "four.txt").write_text("Four\n\nA new article.")
        with pytest.raises(IndexBusy, match="Another reader process"):
            lib.indexing.update(nlp=False)
    finally:
        holder.communicate("\n", timeout=30)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("outsource", ["one"]),
        ("outsourcing", ["one"]),  # stemming
        ("inspections", ["one", "three", "two"]),  # inspection / inspect / inspectors
        ('"serious case reviews"', ["two"]),
        ('"reviews serious"', []),
        ("councils AND inspections", ["one"]),
        ("munro OR conservatives", ["three", "two"]),
        ("inspection NOT munro", ["one", "three"]),
        ("insp*", ["one", "three", "two"]),
        ("outsorce~", ["one"]),
        ("title:munro", ["two"]),
        ("source:community", ["one"]),
        ("author:lepper", ["one"]),
        ("date:2014", ["one"]),
        ("date:[2010 TO 2012]", ["two"]),
        ("date:>2012", ["one"]),
    ],
)
def test_query_features(lib, query, expected):
    assert ids(lib.search.run(query)) == expected


def test_results_ranked_with_title_boost(lib):
    hits = lib.search.run("munro").hits
    assert hits[0].id == "two" and hits[0].score > 0


def test_snippet_highlights_matches(lib):
    hit = lib.search.run("outsource").hits[0]
    assert "<b>outsource</b>" in hit.snippet


def test_snippet_found_past_32kb(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    filler = "Plain filler sentence about nothing much. " * 1200
    (folder / "long.txt").write_text(f"Long\n\n{filler}\n\nThe word xylophone appears late.")
    lib = Library.open(tmp_path / "d", folder)
    lib.indexing.update(nlp=False)
    assert "<b>xylophone</b>" in lib.search.run("xylophone").hits[0].snippet


def test_did_you_mean(lib):
    result = lib.search.run("outsorce")
    assert result.total == 0 and result.suggestion == "outsource"
    assert lib.search.run("outsource").suggestion == ""


def test_snippet_escapes_html(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "x.txt").write_text("X\n\nThe <script>alert(1)</script> word kumquat.")
    lib = Library.open(tmp_path / "d", folder)
    lib.indexing.update(nlp=False)
    snippet = lib.search.run("kumquat").hits[0].snippet
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet


@pytest.mark.parametrize(
    "query, message",
    [
        ('"unbalanced', "Unbalanced quote"),
        ("title:", "needs something"),
        ("(councils AND", "parentheses"),
        ("colour:red", "Unknown field"),
        ("date:notadate", "date"),
        ("   ", "Type a word"),
        ("a", "no searchable words"),
    ],
)
def test_malformed_queries_get_clear_messages(lib, query, message):
    with pytest.raises(BadQuery, match=message):
        lib.search.run(query)


def test_facets(lib):
    result = lib.search.run("inspections", facets=True)
    assert result.facets["year"] == {"2014": 1, "2011": 1}
    assert result.facets["source"] == {"Community Care": 1}


def test_snippets_start_and_end_on_whole_words(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    text = " ".join(["Plain words about councils and children’s services here."] * 40)
    (folder / "x.txt").write_text(f"X\n\n{text} The quokka appears. {text}")
    lib = Library.open(tmp_path / "d", folder)
    lib.indexing.update(nlp=False)
    snippet = lib.search.run("quokka").hits[0].snippet.replace("<b>", "").replace("</b>", "")
    for fragment in snippet.split(" … "):
        words = fragment.split()
        assert words[0] in text.split() and words[-1] in text.split() + ["quokka", "appears."]
