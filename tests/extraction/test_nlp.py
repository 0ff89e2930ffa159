"""The NLP pass: cache, lazy analyses, and the worker-process path (spawned, cancellable)."""

from __future__ import annotations

import sys

import pytest

from reader.domain import Article
from reader.extraction import nlp as nlp_mod
from reader.extraction.nlp import Analysis, CachedAnalyses, analyse, is_cached, load_cached


def _articles(n: int) -> list[Article]:
    return [Article(id=f"a{i}", title=f"Report number {i}",
                    body=f"Lord Laming said on Monday that councils in Leeds must act. "
                         f"The review found {i} cases.\n\nSocial workers welcomed it.")
            for i in range(n)]


def test_cached_analyses_reads_on_access_and_skips_missing(tmp_path):
    art = _articles(1)[0]
    an = Analysis(text_hash=art.text_hash, title_len=len(art.title), sents=[(0, 5)],
                  ents=[(0, 4, "ORG")], tokens=[(0, 6, "report", "NOUN", "ROOT", 0)])
    nlp_mod._store(tmp_path, an)
    lazy = CachedAnalyses(tmp_path, {art.id: art.text_hash, "gone": "0" * 64})
    assert list(lazy) == [art.id] and len(lazy) == 1 and "gone" not in lazy
    assert lazy[art.id] == an
    assert lazy[art.id] is not lazy[art.id]  # read from the cache each time, never held
    assert lazy.get("gone") is None


def test_loaded_strings_are_interned(tmp_path):
    art = _articles(1)[0]
    pos = "".join(["NO", "UN"])  # a str object that is not the interned literal
    an = Analysis(art.text_hash, len(art.title), [], [],
                  [(0, 1, "x", pos, "dep", 0), (2, 3, "y", pos, "dep", 0)])
    nlp_mod._store(tmp_path, an)
    a, b = load_cached(tmp_path, art.text_hash), load_cached(tmp_path, art.text_hash)
    assert a.tokens[0][3] is b.tokens[1][3] is sys.intern("NOUN")


@pytest.mark.spacy
def test_worker_processes_give_what_the_in_process_path_gives(nlp, tmp_path):
    arts = _articles(5)
    here = analyse(arts, tmp_path / "here", nlp=nlp, n_process=1)
    seen = []
    spawned = analyse(iter(arts), tmp_path / "workers", n_process=2, total=len(arts),
                      progress=lambda d, t: seen.append((d, t)))
    assert sorted(spawned) == sorted(here) == [a.id for a in arts]
    for a in arts:
        assert spawned[a.id] == here[a.id]
        assert spawned[a.id].ents  # the model found something: a real analysis
    assert seen[0] == (0, 5) and seen[-1] == (5, 5)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


@pytest.mark.spacy
def test_workers_skip_cached_and_duplicate_texts(nlp, tmp_path):
    arts = _articles(3)
    analyse(arts[:1], tmp_path, nlp=nlp)
    twin = Article(id="twin", title=arts[2].title, body=arts[2].body)
    seen = []
    out = analyse(arts + [twin], tmp_path, n_process=2, progress=lambda d, t: seen.append(d))
    assert sorted(out) == ["a0", "a1", "a2", "twin"]
    assert out["twin"] == out["a2"]
    assert seen[-1] == 4


@pytest.mark.spacy
def test_cancel_stops_the_workers_early(tmp_path):
    arts = _articles(60)
    seen = []
    out = analyse(arts, tmp_path, n_process=2, progress=lambda d, t: seen.append(d),
                  cancelled=lambda: bool(seen) and seen[-1] >= 1)
    assert 1 <= len(out) < len(arts)
    assert all(is_cached(tmp_path, a) == (a.id in out) for a in arts)
    assert not list(tmp_path.rglob("*.tmp*"))  # no half-written cache entry


@pytest.mark.spacy
def test_failed_workers_leave_the_work_to_this_process(nlp, tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(nlp_mod, "MODEL", "no_such_model_here")
    arts = _articles(3)
    out = analyse(arts, tmp_path, nlp=nlp, n_process=2)
    assert sorted(out) == ["a0", "a1", "a2"]
    assert "NLP worker failed" in caplog.text


def test_nothing_to_do_loads_no_model(tmp_path, monkeypatch):
    arts = _articles(2)
    for a in arts:
        nlp_mod._store(tmp_path, Analysis(a.text_hash, len(a.title), [], [], []))

    def boom():
        raise AssertionError("the model must not be loaded")

    monkeypatch.setattr(nlp_mod, "load_model", boom)
    seen = []
    out = analyse(arts, tmp_path, progress=lambda d, t: seen.append((d, t)))
    assert sorted(out) == ["a0", "a1"] and seen[-1] == (2, 2)
