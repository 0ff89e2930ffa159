"""SIGKILL during `reader index` and `reader import`; garbled and truncated derived data.

After each kill the same command, run again, succeeds, and the index then equals a clean
build's (every live document's stamp, and what a few queries find). READER_FAULTS=full runs
the issue's 20 kills each; CI runs 2.
"""

from __future__ import annotations

import random
import shutil
import signal
import time
from pathlib import Path

import pytest

from reader.library import Library
from reader.search import SearchIndex

from .conftest import FULL
from .test_index_faults import WORDS, _corpus, _done, _reader

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")

KILLS = 20 if FULL else 2
QUERIES = ("council", "budget AND school", '"housing transport"', "title:article", "revi*")


def _live_stamps(index_dir: Path) -> dict[str, str]:
    """{doc id: stamp} of the documents the index holds now. (`SearchIndex.stamps()` lists
    the lexicon, which keeps a replaced document's old stamp until segments merge.)"""
    index = SearchIndex(index_dir)
    try:
        out = {}
        with index.open().reader() as r:
            for term in r.lexicon("stampkey"):
                if any(True for _ in r.postings("stampkey", term).all_ids()):
                    doc_id, _, stamp = term.decode("utf-8").partition("\x1f")
                    assert doc_id not in out, doc_id  # one live document per article
                    out[doc_id] = stamp
        return out
    finally:
        index.close()


def _fingerprint(data: Path, corpus: Path) -> tuple:
    """What a clean build and a repaired one must share: every live document's stamp (its
    text, metadata, entities and policies), the articles, and which documents a few queries
    find (not their scores: an updated index keeps replaced documents in its statistics
    until segments merge, a clean build does not)."""
    lib = Library.open(data, corpus)
    try:
        hits = {q: sorted(h.id for h in lib.search.run(q, limit=100).hits) for q in QUERIES}
        ids = sorted(a.id for a in lib.articles.list())
        count = lib.search.doc_count()
    finally:
        lib.close()
    return _live_stamps(data / "index"), hits, ids, count


def _kill_at_random(args: list[str], data: Path, corpus: Path, rng: random.Random,
                    longest: float, prepare) -> bool:
    """`prepare()` the data dir, start `reader ARGS` and SIGKILL it at a random moment of
    its first `longest` seconds; when it had already finished, again (sooner each time, at
    most 5 times). Whether a kill landed while it ran."""
    for attempt in range(5):
        prepare()
        proc = _reader(data, corpus, *args)
        time.sleep(rng.uniform(0.1, max(0.2, 0.7 * longest / (attempt + 1))))
        killed = proc.poll() is None
        proc.kill()
        proc.communicate(timeout=60)
        if killed:
            return True
    return False


def _timed(args: list[str], data: Path, corpus: Path) -> float:
    started = time.monotonic()
    code, out, err = _done(_reader(data, corpus, *args))
    assert code == 0 and "Traceback" not in err, err
    return time.monotonic() - started


def test_kill_during_index_then_index_again_equals_a_clean_build(tmp_path):
    """Kills in a first build, in a rebuild and in an update of 5 changed articles."""
    corpus = _corpus(tmp_path / "corpus", 60)
    clean = tmp_path / "clean"
    took = _timed(["index", "--no-nlp"], clean, corpus)
    want = _fingerprint(clean, corpus)
    rng = random.Random(5)
    killed = 0
    for k in range(KILLS):
        data, here, expected = tmp_path / f"d{k}", corpus, want
        kind = ("rebuild", "build", "update")[k % 3]

        def prepare(data=data, kind=kind):
            shutil.rmtree(data, ignore_errors=True)
            if kind != "build":
                shutil.copytree(clean, data)

        if kind == "update":
            here = shutil.copytree(corpus, tmp_path / f"corpus{k}")
            for victim in rng.sample(sorted(here.iterdir()), 5):
                victim.write_text(victim.read_text() + f" {WORDS[k % len(WORDS)]} extra\n")
            _timed(["index", "--no-nlp"], tmp_path / f"clean{k}", here)
            expected = _fingerprint(tmp_path / f"clean{k}", here)
        args = ["index", "--rebuild", "--no-nlp"] if kind == "rebuild" else ["index", "--no-nlp"]
        killed += _kill_at_random(args, data, here, rng, took, prepare)
        _timed(["index", "--no-nlp"], data, here)
        assert _fingerprint(data, here) == expected, kind
    print(f"index: {killed} of {KILLS} kills landed while the command ran")
    assert killed >= (KILLS // 2 if FULL else 1)


def test_kill_during_import_then_import_again_equals_a_clean_build(tmp_path):
    incoming = _corpus(tmp_path / "incoming", 30)
    corpus = _corpus(tmp_path / "corpus", 5)
    clean = tmp_path / "clean"
    took = _timed(["import", str(incoming), "--no-nlp"], clean, corpus)
    want = _fingerprint(clean, corpus)
    rng = random.Random(9)
    killed = 0
    for k in range(KILLS):
        data = tmp_path / f"d{k}"
        killed += _kill_at_random(["import", str(incoming), "--no-nlp"], data, corpus, rng,
                                  took, lambda data=data: shutil.rmtree(data, ignore_errors=True))
        _timed(["import", str(incoming), "--no-nlp"], data, corpus)
        assert _fingerprint(data, corpus) == want
    print(f"import: {killed} of {KILLS} kills landed while the command ran")
    assert killed >= (KILLS // 2 if FULL else 1)


# -- garbled and truncated derived data ------------------------------------------------------

def _ruin(path: Path, how: str, rng: random.Random) -> None:
    raw = path.read_bytes()
    if how == "truncated":
        path.write_bytes(raw[:len(raw) // 2])
    else:
        data = bytearray(raw)
        for k in rng.sample(range(len(data)), min(64, len(data))):
            data[k] ^= 0xFF
        path.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["garbled", "truncated"] if FULL else ["garbled"])
def test_ruined_derived_files_are_rebuilt_by_the_next_index(tmp_path, how):
    """Every file of the index and of the caches ruined at once (CI: garbled; full: also
    truncated): `reader index` gives no traceback and the index then equals a clean
    build."""
    corpus = _corpus(tmp_path / "corpus", 20)
    clean = tmp_path / "clean"
    _timed(["index", "--no-nlp"], clean, corpus)
    want = _fingerprint(clean, corpus)
    data = shutil.copytree(clean, tmp_path / "data")
    rng = random.Random(how)
    ruined = [p for p in (*(data / "index").rglob("*"), *(data / "cache").rglob("*"))
              if p.is_file() and p.stat().st_size > 0]
    assert len(ruined) >= 5
    for path in ruined:
        _ruin(path, how, rng)
    _timed(["index", "--no-nlp"], data, corpus)
    assert _fingerprint(data, corpus) == want
    code, out, err = _done(_reader(data, corpus, "search", "council"))
    assert code == 0 and "Traceback" not in err
