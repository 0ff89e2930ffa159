"""Every CLI command: output shape, --json, exit codes, and messages instead of tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli import main

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def env(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("READER_DATA_DIR", str(data))
    monkeypatch.delenv("READER_CORPUS", raising=False)
    return data


def run_json(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def test_list_json_bundled_corpus(env, capsys):
    records = run_json(capsys, "list", "--json")
    assert len(records) == 5
    assert all(set(r) == {"id", "title", "source", "author", "date"} for r in records)
    assert "Government unveils plans to outsource child protection" in {r["title"]
                                                                        for r in records}


def test_show_json_body_is_clean(env, capsys):
    first = run_json(capsys, "list", "--json")[0]["id"]
    rec = run_json(capsys, "show", first, "--json")
    assert set(rec) == {"id", "title", "source", "author", "date", "body"}
    assert rec["id"] == first and "Disqus" not in rec["body"] and rec["body"]


def test_show_text(env, capsys):
    first = run_json(capsys, "list", "--json")[-1]["id"]
    assert main(["show", first]) == 0
    assert "child protection" in capsys.readouterr().out


def test_show_unknown_id_exit_2(env, capsys):
    assert main(["show", "no-such-id"]) == 2
    err = capsys.readouterr().err
    assert "No article with id 'no-such-id'" in err and "Traceback" not in err


def test_index_then_unchanged(env, capsys):
    first = run_json(capsys, "index", "--json", "--no-nlp")
    assert first["added"] == 5
    again = run_json(capsys, "index", "--json", "--no-nlp")
    assert again["unchanged"] == 5 and again["added"] == 0
    rebuilt = run_json(capsys, "index", "--rebuild", "--json", "--no-nlp")
    assert rebuilt["added"] == 5


def test_search_json_outsourcing(env, capsys):
    res = run_json(capsys, "search", "outsourcing", "--json")
    assert set(res) == {"query", "total", "hits", "suggestion"}
    assert res["total"] == 3
    titles = {h["title"] for h in res["hits"]}
    assert all("outsource" in t for t in titles)
    assert all(set(h) == {"id", "title", "score", "snippet"} for h in res["hits"])


def test_search_stemming_and_suggestion(env, capsys):
    res = run_json(capsys, "search", "inspections", "--json")
    snippets = " ".join(h["snippet"] for h in res["hits"]).lower()
    assert "<b>inspection</b>" in snippets and "<b>inspect</b>" in snippets
    res = run_json(capsys, "search", "outsorcing", "--json")
    assert res["suggestion"] == "outsourcing"


def test_search_limit(env, capsys):
    res = run_json(capsys, "search", "child", "--limit", "2", "--json")
    assert len(res["hits"]) == 2 and res["total"] > 2


@pytest.mark.parametrize("query", ['"unbalanced', "title:"])
def test_search_bad_query_exit_2_no_traceback(env, capsys, query):
    assert main(["search", query]) == 2
    err = capsys.readouterr().err
    assert err.startswith("reader: ") and "Traceback" not in err


def test_search_text_output_no_results(env, capsys):
    assert main(["search", "zzzyzzx"]) == 0
    assert "No results for 'zzzyzzx'" in capsys.readouterr().out


def test_import_json(env, capsys, tmp_path):
    good = tmp_path / "new.md"
    good.write_text("# A new article\n\nAbout zanzibar reform.\n")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    res = run_json(capsys, "import", str(good), str(empty), "--json", "--no-nlp")
    assert [r["status"] for r in res] == ["imported", "failed"]
    assert res[1]["reason"] == "empty file"
    hits = run_json(capsys, "search", "zanzibar", "--json")["hits"]
    assert [h["id"] for h in hits] == [res[0]["id"]]


def test_import_all_failed_exit_2(env, capsys, tmp_path):
    assert main(["import", str(tmp_path / "missing.txt")]) == 2
    assert "no such file" in capsys.readouterr().out


def test_data_dir_flag_wins_over_env(env, capsys, tmp_path):
    other = tmp_path / "other"
    run_json(capsys, "index", "--data-dir", str(other), "--json", "--no-nlp")
    assert (other / "index").is_dir() and not (env / "index").exists()


def test_corpus_flag(env, capsys, tmp_path):
    corpus = tmp_path / "mine"
    corpus.mkdir()
    (corpus / "x.txt").write_text("Only one\n\nBody.")
    records = run_json(capsys, "list", "--corpus", str(corpus), "--json")
    assert [r["title"] for r in records] == ["Only one"]


def test_bad_usage_exit_2(env, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["search"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["search", "x", "--limit", "0"])
    assert exc.value.code == 2


def test_console_script_help_is_fast_and_qt_free(env):
    """`reader --help` runs without importing Qt, Whoosh or spaCy."""
    code = ("import sys; from reader.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit: pass\n"
            "print(sorted(m for m in ('PySide6', 'whoosh', 'spacy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, env={**os.environ}, timeout=60)
    assert out.returncode == 0
    assert out.stdout.strip().splitlines()[-1] == "[]"
    assert "search" in out.stdout and "import" in out.stdout
