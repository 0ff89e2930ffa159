"""Damaged NLP cache entries: dropped with a warning and analysed again, never a crash."""

from __future__ import annotations

import gzip
import json
import logging

import pytest

from reader.cli import main
from reader.domain import Article
from reader.extraction import nlp
from reader.extraction.nlpcache import _cache_path


def _article() -> Article:
    return Article(id="a1", title="Report", body="Lord Laming spoke in Leeds on Monday.")


def _good(tmp_path) -> tuple[Article, bytes]:
    art = _article()
    nlp._store(tmp_path, nlp.Analysis(art.text_hash, len(art.title), [(0, 6)],
                                      [(8, 19, "PERSON")], [(0, 6, "report", "NOUN", "ROOT", 0)]))
    return art, _cache_path(tmp_path, art.text_hash).read_bytes()


def _garbled(raw: bytes) -> bytes:
    mid = bytearray(raw)
    for k in range(12, len(mid) - 10):
        mid[k] ^= 0x5A
    return bytes(mid)


def _json(obj) -> bytes:
    return gzip.compress(json.dumps(obj).encode())


DAMAGE = {
    "garbled gzip": _garbled,
    "truncated": lambda raw: raw[: len(raw) // 2],
    "empty file": lambda raw: b"",
    "not gzip": lambda raw: b"this is not a cache entry",
    "bad json": lambda raw: gzip.compress(b'{"text_hash": '),
    "json list": lambda raw: _json([1, 2, 3]),
    "wrong types": lambda raw: _json({**json.loads(gzip.decompress(raw)), "sents": "abc"}),
    "string offsets": lambda raw: _json({**json.loads(gzip.decompress(raw)),
                                         "ents": [["8", "19", "PERSON"]]}),
    "negative offset": lambda raw: _json({**json.loads(gzip.decompress(raw)),
                                          "sents": [[-5, 6]]}),
    "head out of range": lambda raw: _json({**json.loads(gzip.decompress(raw)),
                                            "tokens": [[0, 6, "r", "NOUN", "ROOT", 7]]}),
    "another text": lambda raw: _json({**json.loads(gzip.decompress(raw)), "text_hash": "x"}),
    "missing key": lambda raw: _json({k: v for k, v in json.loads(gzip.decompress(raw)).items()
                                      if k != "tokens"}),
}


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_damaged_entry_is_dropped_with_a_warning(tmp_path, caplog, kind):
    art, raw = _good(tmp_path)
    assert nlp.load_cached(tmp_path, art.text_hash) is not None
    path = _cache_path(tmp_path, art.text_hash)
    path.write_bytes(DAMAGE[kind](raw))
    lazy = nlp.CachedAnalyses(tmp_path, {art.id: art.text_hash})
    assert art.id in lazy and len(lazy) == 1
    with caplog.at_level(logging.WARNING):
        assert lazy.get(art.id) is None
    assert "is unreadable" in caplog.text and "rebuilt" in caplog.text
    assert not path.exists() and not nlp.is_cached(tmp_path, art)
    assert art.id not in lazy and len(lazy) == 0  # the builders see it as not analysed


def test_verify_cached_drops_only_the_damaged(tmp_path, caplog):
    art, raw = _good(tmp_path)
    other = Article(id="a2", title="", body="Another text.")
    nlp._store(tmp_path, nlp.Analysis(other.text_hash, 0, [], [], []))
    _cache_path(tmp_path, art.text_hash).write_bytes(_garbled(raw))
    with caplog.at_level(logging.WARNING):
        assert nlp.verify_cached(tmp_path, [art.text_hash, other.text_hash, "0" * 64]) == 1
    assert not nlp.is_cached(tmp_path, art) and nlp.is_cached(tmp_path, other)


@pytest.mark.spacy
def test_cli_survives_damaged_cache_and_rebuild_restores_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("READER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("READER_CORPUS", raising=False)
    assert main(["index"]) == 0
    entries = sorted((tmp_path / "data" / "cache").rglob("*.json.gz"))
    assert len(entries) == 5
    good = {p: p.read_bytes() for p in entries}
    entries[0].write_bytes(_garbled(good[entries[0]]))
    entries[1].write_bytes(_json({"text_hash": entries[1].name[:64], "sents": {}}))
    entries[2].write_bytes(good[entries[2]][:40])
    for table in ("entities.json", "policies.json"):
        (tmp_path / "data" / "cache" / table).unlink()
    capsys.readouterr()
    for argv in (["list"], ["entities"], ["policies"], ["search", "council"], ["list"]):
        assert main(argv) == 0, argv
        err = capsys.readouterr().err
        assert "Traceback" not in err
    for entry in entries[:3]:
        entry.write_bytes(_garbled(good[entry]))
    assert main(["index", "--rebuild"]) == 0
    err = capsys.readouterr().err
    assert "3 damaged NLP cache entries dropped" in err
    for entry in entries:  # analysed again: the same analysis as before the damage
        assert json.loads(gzip.decompress(entry.read_bytes())) == \
            json.loads(gzip.decompress(good[entry]))


# -- long analyses: read a slice at a time into compact arrays -----------------------------------

@pytest.fixture
def sliced(monkeypatch):
    """Every entry read the way a long article's is (slices of a few tokens each)."""
    from reader.extraction import nlpcache

    monkeypatch.setattr(nlpcache, "_WHOLE_CHARS", 0)
    monkeypatch.setattr(nlpcache, "_SLICE", 40)


def test_long_analysis_loads_into_compact_tokens(tmp_path, sliced):
    from reader.extraction.nlpcache import Tokens

    art = _article()
    odd = ["a],[b", '"],["', "tokens", '","tokens":[', "x\\y", "é"]  # cut points inside strings
    tokens = [(i * 3, i * 3 + 2, odd[i % len(odd)], "NOUN", "dep", max(0, i - 1))
              for i in range(300)]
    nlp._store(tmp_path, nlp.Analysis(art.text_hash, 6, [(0, 6)], [(8, 19, "PERSON")], tokens))
    an = nlp.load_cached(tmp_path, art.text_hash)
    assert isinstance(an.tokens, Tokens) and an.tokens.nbytes() == 24 * 300
    assert an.tokens == tokens and list(an.tokens) == tokens and len(an.tokens) == 300
    assert an.tokens[7] == tokens[7] and an.tokens[-1] == tokens[-1]
    assert an.tokens[10:13] == tokens[10:13]
    assert an.tokens[0][2] is an.tokens[6][2]  # one string per distinct word
    assert an.ents == [(8, 19, "PERSON")] and an.sents == [(0, 6)]


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_damaged_long_entry_is_dropped_too(tmp_path, caplog, sliced, kind):
    test_damaged_entry_is_dropped_with_a_warning(tmp_path, caplog, kind)
