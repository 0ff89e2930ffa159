"""Catalogue and user import: copies into the data dir, duplicates, batches that go on."""

from __future__ import annotations

import shutil
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


# -- formats, exports, near-duplicates -------------------------------------------------------

STORY = ("The council voted on Wednesday to hand its children's services to an independent "
         "trust after a long and bitter debate. Opponents said the decision was rushed, that "
         "families had not been asked and that the trust had no record of running services "
         "of this size. The leader of the council said the move would protect front-line "
         "jobs and bring in fresh leadership within the year.")


def test_mixed_folder_every_file_gets_a_line(lib, tmp_path):
    from tests.importer.conftest import PARAS, make_docx, make_pdf, make_scanned_pdf

    src = tmp_path / "mixed"
    (src / ".git").mkdir(parents=True)
    (src / ".git" / "config").write_text("[core]")
    (src / "memo.docx").write_bytes(make_docx(PARAS, title="Memo title"))
    (src / "report.pdf").write_bytes(make_pdf([PARAS], title="Report title"))
    (src / "scan.pdf").write_bytes(make_scanned_pdf())
    (src / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (src / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    outcomes = lib.articles.import_paths([str(src)]).outcomes
    by_name = {Path(o.path).name: o for o in outcomes}
    assert set(by_name) == {".git", "memo.docx", "report.pdf", "scan.pdf", "photo.jpg",
                            "old.doc"}
    assert by_name["memo.docx"].status == by_name["report.pdf"].status == "imported"
    assert "OCR is not supported" in by_name["scan.pdf"].reason
    assert by_name["photo.jpg"].status == "failed" and "unsupported" in by_name["photo.jpg"].reason
    assert "save it as .docx" in by_name["old.doc"].reason
    assert by_name[".git"].status == "skipped" and "hidden" in by_name[".git"].reason
    titles = {i.title for i in lib.articles.list()}
    assert {"Memo title", "Report title"} <= titles


def test_a_folders_readme_is_skipped_unless_imported_on_its_own(lib, tmp_path):
    src = tmp_path / "bbc"
    src.mkdir()
    (src / "README.TXT").write_text("Consists of 2225 documents from the BBC website.\n\n"
                                    + STORY)
    (src / "LICENSE").write_text("Free to use.\n\n" + STORY)
    (src / "001.txt").write_text("Council hands over services\n\n" + STORY)
    outcomes = lib.articles.import_paths([str(src)]).outcomes
    by_name = {Path(o.path).name: o for o in outcomes}
    assert by_name["001.txt"].status == "imported"
    for name in ("README.TXT", "LICENSE"):
        assert by_name[name].status == "skipped" and "on its own" in by_name[name].reason
    again = lib.articles.import_paths([str(src / "README.TXT")]).outcomes
    assert [o.status for o in again] == ["imported"]


def test_export_imports_each_article(lib, tmp_path):
    from tests.importer.exports import NEXIS_UNI

    f = tmp_path / "nexis.txt"
    f.write_text(NEXIS_UNI)
    outcomes = lib.articles.import_paths([str(f)]).outcomes
    assert [o.status for o in outcomes] == ["imported", "imported"]
    ids = [o.id for o in outcomes]
    assert ids[0].endswith("-1") and ids[1].endswith("-2")
    assert lib.articles.get(ids[1]).author == "Ben Other"
    assert lib.articles.info(ids[0]).date == "2014-04-17"
    shutil.rmtree(lib.paths.cache_dir / "articles")  # parsed again from the copied file
    fresh = Library(lib.paths)
    assert fresh.articles.get(ids[1]).title == "Trust chief named for children's services"
    again = lib.articles.import_paths([str(f)]).outcomes
    assert [o.status for o in again] == ["skipped"]


def test_near_duplicate_is_flagged_and_same_text_skipped(lib, tmp_path):
    (tmp_path / "first.txt").write_text(f"Council votes\n\n{STORY}\n")
    (tmp_path / "update.txt").write_text(
        f"Council votes (updated)\n\n{STORY} A legal challenge is expected.\n")
    (tmp_path / "copy.html").write_text(
        f"<html><head><title>Council votes</title></head><body><h1>Council votes</h1>"
        f"<p>{STORY}</p></body></html>")
    out = {Path(o.path).name: o for o in lib.articles.import_paths(
        [str(tmp_path / n) for n in ("first.txt", "update.txt", "copy.html")]).outcomes}
    assert out["first.txt"].status == "imported" and not out["first.txt"].warnings
    assert out["update.txt"].status == "imported"
    assert any(f"near-duplicate of {out['first.txt'].id}" in w
               for w in out["update.txt"].warnings)
    assert out["copy.html"].status == "skipped" and "same text" in out["copy.html"].reason
    catalog = corpus_mod.Catalog(lib.paths)
    catalog.refresh()
    assert catalog.near_duplicates[out["update.txt"].id][0] == out["first.txt"].id
