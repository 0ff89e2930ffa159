"""The index under faults: two rebuilds at once, a full disk, a read-only data dir.

Each one gives one line (IndexBusy, DiskFull, ReadOnly), never a traceback, and the index
that was there before stays usable."""

from __future__ import annotations

import errno
import gc
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from reader.errors import DiskFull
from reader.library import Library

from .conftest import FULL

REPO = Path(__file__).resolve().parents[2]
WORDS = ("council budget school housing transport review minister hospital river bridge "
         "election policy library tax energy water").split()
BUSY = ("reader: Another reader process is updating the search index right now; try again "
        "when it has finished.\n")


def _corpus(folder: Path, n: int = 40) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        words = " ".join(WORDS[(i * 7 + k) % len(WORDS)] for k in range(120))
        (folder / f"article{i:03}.txt").write_text(
            f"Article number {i} about {WORDS[i % len(WORDS)]}\n\n{words}.\n", encoding="utf-8")
    return folder


def _reader(data: Path, corpus: Path, *args: str, user: int | None = None,
            python: str = sys.executable, path: str = str(REPO)) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": path, "LC_ALL": "C.UTF-8"}
    env.pop("READER_DATA_DIR", None)
    extra = {"user": user, "group": user, "extra_groups": []} if user is not None else {}
    return subprocess.Popen([python, "-m", "reader", *args, "--data-dir", str(data),
                             "--corpus", str(corpus)], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **extra)


def _done(proc: subprocess.Popen) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out.decode(), err.decode()


def _count(data: Path, corpus: Path) -> int:
    lib = Library.open(data, corpus)
    try:
        return lib.search.doc_count()
    finally:
        lib.close()


@pytest.fixture
def built(tmp_path) -> tuple[Path, Path]:
    """(data dir, corpus) with the index built once (no NLP)."""
    data, corpus = tmp_path / "data", _corpus(tmp_path / "corpus")
    code, _, err = _done(_reader(data, corpus, "index", "--no-nlp"))
    assert code == 0, err
    return data, corpus


# -- two rebuilds at once ------------------------------------------------------------------

def test_concurrent_rebuilds_never_crash(built):
    data, corpus = built
    rounds = 12 if FULL else 3
    outcomes = []
    started = time.monotonic()
    for _ in range(rounds):
        procs = [_reader(data, corpus, "index", "--rebuild", "--no-nlp") for _ in range(2)]
        for code, out, err in map(_done, procs):
            assert "Traceback" not in err, err
            if code == 0:
                assert out.startswith("40 articles: 40 added"), out
                outcomes.append("ok")
            else:
                assert (code, err) == (2, BUSY)
                outcomes.append("busy")
        assert _count(data, corpus) == 40  # the index is whole after every round
    assert "ok" in outcomes
    assert time.monotonic() - started < (120 if FULL else 30)


def test_index_lock_is_shared_by_every_writer(built, tmp_path):
    """While one process holds the lock, an index update and a rebuild elsewhere are
    refused with the message, and a table cache write is skipped (not waited for)."""
    data, corpus = built
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path; from reader.search.lock import WriteLock;"
         "lock = WriteLock.of(Path(sys.argv[1]))\nwith lock.hold():\n"
         "    print('held', flush=True); time.sleep(30)", str(data)],
        env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline() == b"held\n"
        for args in (("index", "--no-nlp"), ("index", "--rebuild", "--no-nlp")):
            code, _, err = _done(_reader(data, corpus, *args))
            assert (code, err) == (2, BUSY)
        from reader.services.derived import write_cache

        t0 = time.monotonic()
        write_cache(data / "cache" / "probe.json", {"x": 1})
        assert time.monotonic() - t0 < 1.0
        assert not (data / "cache" / "probe.json").exists()
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert _count(data, corpus) == 40


# -- a full disk -----------------------------------------------------------------------------

# Whoosh leaves a writer that failed half-way to the garbage collector, which then reports
# its unclosed temporary files (ResourceWarning, silent outside tests).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.parametrize("fail_at", [1, 4, 9])
def test_full_disk_during_rebuild_keeps_the_old_index(built, monkeypatch, capsys, fail_at):
    """The n-th file the rebuild creates fails with ENOSPC: the command says the disk is
    full in one line, and the old index answers searches as before."""
    from whoosh.filedb.filestore import FileStorage

    from reader.cli import main

    data, corpus = built
    before = Library.open(data, corpus)
    expected = [h.id for h in before.search.run("council").hits]
    before.close()
    real = FileStorage.create_file
    calls = []

    def create_file(self, name, *args, **kwargs):
        calls.append(name)
        if len(calls) >= fail_at:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, name, *args, **kwargs)

    monkeypatch.setattr(FileStorage, "create_file", create_file)
    assert main(["index", "--rebuild", "--no-nlp", "--data-dir", str(data),
                 "--corpus", str(corpus)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "disk is full" in err, err
    monkeypatch.undo()
    assert not (data / "index.new").exists()
    after = Library.open(data, corpus)
    try:
        assert after.search.doc_count() == 40
        assert [h.id for h in after.search.run("council").hits] == expected
        assert not after.indexing.update().messages  # nothing had to be repaired
    finally:
        after.close()
    gc.collect()  # the failed writer, while its warnings are ignored


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_full_disk_during_update_is_disk_full(built, monkeypatch):
    from whoosh.filedb.filestore import FileStorage

    data, corpus = built
    (corpus / "article999.txt").write_text("Extra\n\nA new council article.\n")
    lib = Library.open(data, corpus)
    try:
        def full(self, name, *args, **kwargs):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(FileStorage, "create_file", full)
        with pytest.raises(DiskFull, match="disk is full"):
            lib.indexing.update(nlp=False)
        monkeypatch.undo()
        assert lib.search.doc_count() == 40
        report = lib.indexing.update(nlp=False)
        assert report.added == 1 and lib.search.doc_count() == 41
    finally:
        lib.close()
    gc.collect()


def test_interrupted_swap_puts_the_old_index_back(built):
    data, corpus = built
    os.replace(data / "index", data / "index.old")  # as if killed between the two renames
    assert _count(data, corpus) == 40


# -- a read-only data dir --------------------------------------------------------------------

def _nobody_python() -> tuple[str, str]:
    """(a Python user nobody may run, the PYTHONPATH giving it reader and its dependencies):
    the test venv may live under root's private home, so also the system Python with the
    venv's site-packages."""
    import sysconfig

    site = sysconfig.get_paths()["purelib"]
    for python, path in ((sys.executable, str(REPO)),
                         ("/usr/bin/python3", os.pathsep.join([str(REPO), site]))):
        try:
            done = subprocess.run([python, "-c", "import whoosh, numpy, reader.library"],
                                  cwd=REPO, env={**os.environ, "PYTHONPATH": path},
                                  user=65534, group=65534, extra_groups=[],
                                  capture_output=True, timeout=60, check=False)
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0:
            return python, path
    pytest.skip("cannot run Python with reader's dependencies as user nobody")


def test_rebuild_in_read_only_data_dir_is_one_line(built):
    """As root, user nobody runs it on a copy in a folder it may read but not write (root
    may write anywhere); as a normal user, the data dir is made read-only."""
    if sys.platform == "win32":
        pytest.skip("POSIX permissions only")
    base = Path(tempfile.mkdtemp())
    try:
        base.chmod(0o755)
        data, corpus = shutil.copytree(built[0], base / "data"), \
            shutil.copytree(built[1], base / "corpus")
        for p in (data, *data.rglob("*"), corpus, *corpus.iterdir()):
            p.chmod(0o755 if p.is_dir() else 0o644)
        if os.geteuid() == 0:
            (python, path), user = _nobody_python(), 65534
        else:
            python, path, user = sys.executable, str(REPO), None
            for p in (data, *data.rglob("*")):
                if p.is_dir():
                    p.chmod(0o555)
        before = sorted(p.relative_to(data) for p in data.rglob("*"))
        code, out, err = _done(_reader(data, corpus, "index", "--rebuild", "--no-nlp",
                                       user=user, python=python, path=path))
        assert "Traceback" not in err, err
        assert code == 2, (out, err)
        assert err.count("\n") == 1 and "cannot be written" in err, err
        assert sorted(p.relative_to(data) for p in data.rglob("*")) == before
        for p in (data, *data.rglob("*")):
            if p.is_dir():
                p.chmod(0o755)
        assert _count(data, corpus) == 40
    finally:
        shutil.rmtree(base, ignore_errors=True)
