"""`reader library`: a new, empty library; the sample articles removed and brought back; an
existing data dir keeps the articles it showed (issue 14, item 6)."""

from __future__ import annotations

import json

import pytest

from reader.cli import main
from reader.library import Library
from reader.paths import LIBRARY_FILE, Paths, sample_corpus_dir


@pytest.fixture(autouse=True)
def _no_env(monkeypatch):
    monkeypatch.delenv("READER_DATA_DIR", raising=False)
    monkeypatch.delenv("READER_CORPUS", raising=False)


def _json(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def test_a_data_dir_without_a_library_file_shows_the_sample(tmp_path, capsys):
    """Existing data dirs (and the default library) keep the bundled articles."""
    data = tmp_path / "old"
    shown = _json(capsys, "library", "--data-dir", str(data), "--json")
    assert shown["sample"] is True and shown["articles"] == 5
    assert Paths.resolve(data).corpus_dir == sample_corpus_dir()
    assert not (data / LIBRARY_FILE).exists()  # nothing written by looking


def test_a_new_library_starts_empty_and_refuses_a_used_folder(tmp_path, capsys):
    target = tmp_path / "mine"
    made = _json(capsys, "library", "new", str(target), "--json")
    assert made == {"data_dir": str(target.resolve()), "sample": False, "articles": 0}
    assert _json(capsys, "list", "--data-dir", str(target), "--json") == []
    paths = Paths.resolve(target)
    assert not paths.includes_sample and paths.corpus_dir == target.resolve() / "corpus"
    # Not twice, not over somebody's files, one line each.
    assert main(["library", "new", str(target)]) == 2
    assert "already a library" in capsys.readouterr().err
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "thesis.docx").write_bytes(b"x")
    assert main(["library", "new", str(busy)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not empty" in err
    # --corpus still names a corpus folder for any library.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Alpha\n\nThe council met.\n")
    listed = _json(capsys, "list", "--data-dir", str(target), "--corpus", str(corpus), "--json")
    assert [a["id"] for a in listed] == ["a"]


def test_remove_the_sample_and_bring_it_back_keeping_notes(tmp_path, capsys):
    data = tmp_path / "d"
    sample = [a["id"] for a in _json(capsys, "list", "--data-dir", str(data), "--json")]
    page = tmp_path / "mine.txt"
    page.write_text("Harbour levy\n\nThe port authority approved a levy on cruise ships.\n")
    mine = _json(capsys, "import", str(page), "--data-dir", str(data), "--no-nlp",
                 "--json")[0]["id"]
    lib = Library.open(data)
    lib.notes.add(sample[0], body="a note on a sample article")
    lib.close()
    removed = _json(capsys, "library", "remove-sample", "--data-dir", str(data), "--no-nlp",
                    "--json")
    assert removed == {"data_dir": str(data.resolve()), "sample": False, "articles": 1,
                       "notes_on_sample": 1}
    assert [a["id"] for a in _json(capsys, "list", "--data-dir", str(data), "--json")] == [mine]
    hits = _json(capsys, "search", "council", "--data-dir", str(data), "--json")["hits"]
    assert not {h["id"] for h in hits} & set(sample)
    lib = Library.open(data)
    assert [n.doc for n in lib.notes.list()] == [sample[0]]  # the note is kept
    lib.close()
    assert main(["library", "remove-sample", "--data-dir", str(data)]) == 0
    assert "nothing to do" in capsys.readouterr().out
    back = _json(capsys, "library", "add-sample", "--data-dir", str(data), "--no-nlp", "--json")
    assert back["articles"] == 6 and back["sample"] is True
