"""CLI over the policy overlay on a small library with no codebook: discovered candidates,
promote / rename / merge / hide / undo, codebook import and export, and the edits surviving a
rebuild of every derived file (they are user data, in the store).

The corpus is indexed with the real spaCy model once per module; each test works on its own
copy of that data dir.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reader.cli import main

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.spacy

ARTICLES = {
    "a1": ("Clarke sets out identity card plans\n\nHome Secretary Charles Clarke said the "
           "government plans to introduce identity cards by 2008.\n\nThe Liberal Democrats "
           "oppose identity cards. Students marched against tuition fees in London.\n"),
    "a2": ("Ministers press on with ID cards\n\nMinisters want to introduce ID cards within "
           "five years, the Home Office said.\n\nCritics said identity cards would cost too "
           "much. The Conservatives want to cut council tax for pensioners.\n"),
    "a3": ("Opponents attack identity cards\n\nOpponents say identity cards will not stop "
           "terrorism.\n\nMichael Howard said the Conservatives would cut council tax. The NUS "
           "wants to scrap tuition fees.\n"),
    "a4": ("Council tax bills rise again\n\nCouncil tax bills rose again this year. Labour said "
           "council tax would rise by less than inflation.\n\nCharles Kennedy said the Liberal "
           "Democrats would abolish tuition fees.\n"),
}
CARDS, TAX, FEES = "discovered-id-card", "discovered-council-tax", "discovered-tuition-fee"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for name, text in ARTICLES.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def template(corpus, tmp_path_factory):
    data = tmp_path_factory.mktemp("indexed")
    assert main(["index", "--data-dir", str(data), "--corpus", str(corpus)]) == 0
    return data


@pytest.fixture
def data(template, corpus, tmp_path, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(template, copy)
    monkeypatch.setenv("READER_DATA_DIR", str(copy))
    monkeypatch.setenv("READER_CORPUS", str(corpus))
    return copy


def run_json(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def policies(capsys, *extra) -> dict[str, dict]:
    return {p["id"]: p for p in run_json(capsys, "policies", "--json", *extra)}


def fails(capsys, *argv) -> str:
    assert main(list(argv)) == 2
    err = capsys.readouterr().err
    assert err.startswith("reader: ") and err.count("\n") == 1, err
    return err


def test_a_library_without_a_codebook_lists_only_discovered_candidates(data, capsys):
    found = policies(capsys)
    assert {CARDS, TAX, FEES} <= set(found)
    assert all(p.get("discovered") is True for p in found.values())  # no codebook fired
    assert {"identity cards", "id card"} & set(found[CARDS]["variants"])
    records = run_json(capsys, "policies", "proposals", "--json")
    assert {"proposer", "object", "stance", "date", "cue"} <= set(records[0])


def test_promote_merge_and_hide_survive_a_rebuild_of_every_derived_file(data, capsys):
    promoted = run_json(capsys, "policies", "promote", CARDS, "--label", "Identity cards",
                        "--json")["policy"]
    pid = promoted["id"]
    assert pid == "user-identity-cards" and "discovered" not in promoted
    assert len(promoted["docs"]) == 3
    run_json(capsys, "policies", "merge", TAX, pid, "--json")
    run_json(capsys, "policies", "hide", FEES, "--json")

    def state():
        shown = policies(capsys)
        everything = policies(capsys, "--all")
        return shown, everything

    shown, everything = state()
    assert CARDS not in shown and TAX not in shown and FEES not in shown
    assert everything[FEES]["hidden"] is True
    assert set(shown[pid]["docs"]) == {"a1", "a2", "a3", "a4"}  # council tax's a4 merged in
    hits = run_json(capsys, "search", f"policy:{pid}", "--json")
    assert {h["id"] for h in hits["hits"]} == {"a1", "a2", "a3", "a4"}

    shutil.rmtree(data / "cache")  # every derived file: NLP analyses, tables, the index
    shutil.rmtree(data / "index")
    assert main(["index", "--rebuild"]) == 0
    capsys.readouterr()
    assert state() == (shown, everything)
    # The merged-away and promoted ids still lead to the policy they went into.
    assert run_json(capsys, "policies", "show", TAX, "--json")["id"] == pid
    assert run_json(capsys, "policies", "show", CARDS, "--json")["id"] == pid


def test_rename_and_undo_step_back_one_edit_at_a_time(data, capsys):
    run_json(capsys, "policies", "rename", TAX, "Local taxation", "--json")
    run_json(capsys, "policies", "hide", "Local taxation", "--json")
    assert TAX not in policies(capsys)
    assert run_json(capsys, "policies", "undo", "--json")["edit"]["op"] == "hide"
    assert policies(capsys)[TAX]["label"] == "Local taxation"
    assert run_json(capsys, "policies", "undo", "--json")["edit"]["op"] == "rename"
    assert policies(capsys)[TAX]["label"] == "Council tax"
    assert main(["policies", "undo"]) == 0
    assert capsys.readouterr().out == "Nothing to undo.\n"


def test_split_one_phrasing_off_a_promoted_policy(data, capsys):
    pid = run_json(capsys, "policies", "promote", CARDS, "--json")["policy"]["id"]
    new = run_json(capsys, "policies", "split", pid, "id cards", "ID cards (short)",
                   "--json")["policy"]
    assert new["docs"] == ["a2"] and new["label"] == "ID cards (short)"
    assert set(policies(capsys)[pid]["docs"]) == {"a1", "a2", "a3"}  # "identity cards"
    assert "has no pattern" in fails(capsys, "policies", "split", pid, "nope", "X")
    assert "promote it" in fails(capsys, "policies", "split", TAX, "council tax", "X")
    assert run_json(capsys, "policies", "undo", "--json")["edit"]["op"] == "split"
    assert new["id"] not in policies(capsys)


def test_unknown_ids_and_bad_files_are_one_line_errors(data, capsys, tmp_path):
    assert "No policy 'nope'" in fails(capsys, "policies", "promote", "nope")
    assert "No policy 'nope'" in fails(capsys, "policies", "rename", "nope", "X")
    assert "No policy 'nope'" in fails(capsys, "policies", "merge", TAX, "nope")
    assert "No policy 'nope'" in fails(capsys, "policies", "hide", "nope")
    assert "not hidden" in fails(capsys, "policies", "unhide", TAX)
    assert "into itself" in fails(capsys, "policies", "merge", TAX, TAX)
    assert "cannot read" in fails(capsys, "policies", "import", str(tmp_path / "none.toml"))
    bad = tmp_path / "bad.toml"
    bad.write_text("[[policy]]\nid = 'x'\nlabel = 'X'\npatterns = ['...']\n", encoding="utf-8")
    assert "bad.toml" in fails(capsys, "policies", "import", str(bad))
    assert policies(capsys)[TAX]["label"] == "Council tax"  # nothing stored


def test_export_then_import_into_another_library(data, capsys, tmp_path, monkeypatch):
    run_json(capsys, "policies", "promote", CARDS, "--json")
    out = tmp_path / "book.toml"
    assert main(["policies", "export", "-o", str(out)]) == 0
    capsys.readouterr()
    text = out.read_text(encoding="utf-8")
    assert 'id = "user-id-cards"' in text and '"identity cards"' in text

    other = tmp_path / "other"  # the same articles' derived data, none of the user data
    for derived in ("cache", "index"):
        shutil.copytree(data / derived, other / derived)
    monkeypatch.setenv("READER_DATA_DIR", str(other))
    assert "user-id-cards" not in policies(capsys)
    assert main(["policies", "import", str(out)]) == 0
    assert capsys.readouterr().out.startswith("Imported 1 policy")
    imported = policies(capsys)["user-id-cards"]
    assert len(imported["docs"]) == 3 and "discovered" not in imported
    assert run_json(capsys, "policies", "undo", "--json")["edit"]["op"] == "import"
    assert "user-id-cards" not in policies(capsys)


def test_the_bundled_codebook_travels_with_the_bundled_corpus(tmp_path, capsys):
    from reader.extraction.policies import library_codebook

    assert len(library_codebook(REPO / "corpus")) == 19
    assert library_codebook(tmp_path) == []


def test_the_bundled_articles_in_a_new_library_bring_no_codebook(tmp_path, capsys,
                                                                 monkeypatch):
    """A new library (not the sample) that imports the bundled articles has no codebook:
    the codebook belongs to the sample corpus's folder, and never fires elsewhere."""
    from reader.extraction.policies import library_codebook

    monkeypatch.delenv("READER_CORPUS", raising=False)
    monkeypatch.delenv("READER_DATA_DIR", raising=False)
    mine = tmp_path / "mine"
    assert main(["library", "new", str(mine)]) == 0
    assert main(["import", *map(str, sorted((REPO / "corpus").glob("*.txt"))),
                 "--data-dir", str(mine)]) == 0
    capsys.readouterr()
    assert len(run_json(capsys, "list", "--json", "--data-dir", str(mine))) == 5
    found = run_json(capsys, "policies", "--json", "--data-dir", str(mine))
    codebook = {p["id"] for p in library_codebook(REPO / "corpus")}
    assert not codebook & {p["id"] for p in found}
    assert all(p.get("discovered") for p in found)
