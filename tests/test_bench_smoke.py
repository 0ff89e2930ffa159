"""Smoke test of the benchmark corpus generator: deterministic, realistic, importable (no NLP)."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

from reader import importer

_GEN = Path(__file__).parent / "bench" / "generate.py"
_WORDS = re.compile(r"[a-z]+")


@pytest.fixture(scope="module")
def generate():
    # Loaded by path: tests/bench is kept out of the normal test run and is not a package here.
    spec = importlib.util.spec_from_file_location("bench_generate", _GEN)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def _distinct(texts) -> set[str]:
    return {w for t in texts for w in _WORDS.findall(t.lower())}


def _bundled_words() -> set[str]:
    corpus = _GEN.parents[2] / "corpus"
    return _distinct(importer.parse_file(p).body for p in sorted(corpus.glob("*.txt")))


def test_same_seed_same_text_other_seed_other_text(generate, tmp_path):
    first = generate.Generator(seed=1).write(tmp_path / "a", 20)
    again = generate.Generator(seed=1).write(tmp_path / "b", 20)
    other = generate.Generator(seed=2).write(tmp_path / "c", 20)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
    assert [p.read_bytes() for p in first] != [p.read_bytes() for p in other]
    # Article i depends only on (seed, i): a small corpus is a prefix of a bigger one.
    assert generate.Generator(seed=1).article(7) == (first[7].name, first[7].read_text())


@pytest.mark.parametrize("with_wordlist", [True, False], ids=["wordlist", "no-wordlist"])
def test_generated_articles_are_realistic_and_importable(generate, tmp_path, with_wordlist):
    # Without the word list (CI may lack wbritish) the vocabulary comes from the corpus.
    kwargs = {} if with_wordlist else {"wordlist": tmp_path / "missing-word-list"}
    gen = generate.Generator(**kwargs)
    paths = gen.write(tmp_path / "corpus", 20)
    articles = [importer.parse_file(p) for p in paths]
    bodies = [a.body for a in articles]
    assert len(set(bodies)) == 20
    assert len(_distinct(bodies)) > len(_bundled_words())
    for art in articles:
        assert "2008-01-01" <= art.date <= "2014-12-31", art.path
        assert art.title and not art.body.startswith(art.title)
        assert art.author or art.path.endswith(".html")
        assert "Share this article" not in art.body and "Main |" not in art.body
    if with_wordlist and generate.WORDLIST.exists():
        assert "british-english" in gen.vocab_source
    if not with_wordlist:
        assert "derived" in gen.vocab_source
