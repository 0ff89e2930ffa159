"""Catalogue and user import: copies into the data dir, duplicates, batches that go on."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader import corpus as corpus_mod
from reader.errors import NotFound
from reader.library import Library


@pytest.fixture
def lib(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Alpha title\n\nAlpha body about outsourcing.\n")
    (corpus / "b.md").write_text("# Beta title\n\nBeta body.\n")
    return Library.open(tmp_path / "data", corpus)


def test_lists_bundled_articles(lib):
    titles = sorted(i.title for i in lib.articles.list())
    assert titles == ["Alpha title", "Beta title"]
    assert all(i.bundled for i in lib.articles.list())


def test_article_not_found_is_a_clear_error(lib):
    with pytest.raises(NotFound, match="nope"):
        lib.articles.get("nope")


def test_import_copies_into_data_dir_and_reports_each_file(lib, tmp_path):
    src = tmp_path / "incoming"
    src.mkdir()
    (src / "good.txt").write_text("Gamma title\n\nGamma body.\n")
    (src / "empty.txt").write_text("")
    (src / "binary.html").write_bytes(b"\x00\x01\x02binary")
    (src / "dup.txt").write_text("Alpha title\n\nAlpha body about outsourcing.\n")
    (src / "notes.pdf").write_bytes(b"%PDF")
    outcomes = {Path(o.path).name: o for o in lib.articles.import_paths([str(src)]).outcomes}
    assert outcomes["good.txt"].status == "imported"
    assert outcomes["empty.txt"].status == "failed" and "empty" in outcomes["empty.txt"].reason
    assert outcomes["binary.html"].status == "failed" and "binary" in \
        outcomes["binary.html"].reason
    assert outcomes["dup.txt"].status == "skipped" and "duplicate" in outcomes["dup.txt"].reason
    # every file gets its line, with its reason
    assert outcomes["notes.pdf"].status == "failed" and "PDF" in outcomes["notes.pdf"].reason
    new_id = outcomes["good.txt"].id
    copied = list(lib.paths.imports_dir.iterdir())
    assert len(copied) == 1 and copied[0].read_text().startswith("Gamma title")
    assert lib.articles.get(new_id).title == "Gamma title"
    (src / "good.txt").unlink()  # the original can go: the library keeps its own copy
    assert lib.articles.get(new_id).body == "Gamma body."


def test_import_same_file_twice_is_skipped(lib, tmp_path):
    f = tmp_path / "x.txt"
    f.write_text("Delta\n\nDelta body.")
    assert lib.articles.import_paths([str(f)]).outcomes[0].status == "imported"
    second = lib.articles.import_paths([str(f)]).outcomes[0]
    assert second.status == "skipped" and "duplicate" in second.reason


def test_import_missing_path_and_unsupported_file(lib, tmp_path):
    pdf = tmp_path / "paper.xyz"
    pdf.write_bytes(b"%PDF-1.4")
    out = lib.articles.import_paths([str(tmp_path / "missing.txt"), str(pdf)]).outcomes
    assert [o.status for o in out] == ["failed", "failed"]
    assert "no such file" in out[0].reason and "unsupported" in out[1].reason


def test_invalid_utf8_import_warns(lib, tmp_path):
    f = tmp_path / "latin.txt"
    f.write_bytes("Title\n\nCaf\xe9.".encode("latin-1"))
    out = lib.articles.import_paths([str(f)]).outcomes[0]
    assert out.status == "imported" and any("UTF-8" in w for w in out.warnings)


def test_bundled_corpus_is_never_written(lib, tmp_path):
    corpus = lib.paths.corpus_dir
    before = {p.name: p.read_bytes() for p in corpus.iterdir()}
    f = tmp_path / "new.txt"
    f.write_text("New\n\nNew body.")
    lib.articles.import_paths([str(f)])
    lib.indexing.update(nlp=False)
    assert {p.name: p.read_bytes() for p in corpus.iterdir()} == before


def test_catalogue_parses_only_changed_files(lib, monkeypatch):
    lib.articles.list()
    calls = []
    real = corpus_mod.importer.parse_file_all
    monkeypatch.setattr(corpus_mod.importer, "parse_file_all",
                        lambda p, **kw: calls.append(Path(p).name) or real(p, **kw))
    fresh = Library(lib.paths)  # a new process: reads the cached catalogue
    assert len(fresh.articles.list()) == 2 and calls == []
    a = lib.paths.corpus_dir / "a.txt"
    a.write_text("Alpha title\n\nAlpha body, edited.\n")
    fresh.articles.list()
    assert calls == ["a.txt"]


def test_unreadable_corpus_file_is_reported_not_fatal(lib):
    (lib.paths.corpus_dir / "bad.txt").write_bytes(b"")
    assert len(lib.articles.list()) == 2
    assert any("bad.txt" in p and "empty" in p for p in lib.articles.problems)
