"""A read-only store: explicit, or a data folder that cannot be written (run as nobody)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from reader.errors import ReadOnly
from reader.store import Store

from .conftest import CHILD, REPO, _child_env

# -- read-only ---------------------------------------------------------------------------------

def test_explicit_read_only_reads_everything_and_refuses_writes(db):
    opened = Store.open(db)
    note = opened.add_note("doc", body="kept")
    opened.add_entity_edit({"op": "hide", "id": "x"})
    opened.close()
    before = {p.name: p.read_bytes() for p in db.parent.iterdir() if p.is_file()}
    ro = Store.open(db, readonly=True)
    try:
        assert ro.readonly
        assert ro.list_notes() == [note]
        assert ro.entity_edits() == [{"op": "hide", "id": "x"}]
        for write in (lambda: ro.add_note("doc", body="x"), lambda: ro.trash_note(note.id),
                      lambda: ro.set_read("doc"), lambda: ro.undo_entity_edit()):
            with pytest.raises(ReadOnly, match="read-only"):
                write()
        assert ro.backup_if_due(datetime.now() + timedelta(days=9)) is None
    finally:
        ro.close()
    assert {p.name: p.read_bytes() for p in db.parent.iterdir() if p.is_file()} == before


NOBODY = 65534


def _run_as_nobody(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, env=_child_env(), timeout=60, check=False,
                          user=NOBODY, group=NOBODY, extra_groups=[])


def _nobody_python() -> str:
    """A Python >= 3.11 that user nobody may run and that imports reader.store from this
    repository (the test venv may live under root's private home)."""
    problems = []
    for python in dict.fromkeys([sys.executable, "/usr/bin/python3"]):
        try:
            done = _run_as_nobody(
                [python, "-c", "import reader.store; print(reader.store.__file__)"])
        except (OSError, subprocess.SubprocessError) as exc:
            problems.append(f"{python}: {exc}")
            continue
        if done.returncode == 0:
            imported = Path(done.stdout.decode().strip()).resolve()
            assert imported.is_relative_to(REPO), f"{python} imported {imported}, not {REPO}"
            return python
        problems.append(f"{python}: {done.stderr.decode().strip()[-200:]}")
    pytest.skip("cannot run Python as user nobody: " + "; ".join(problems))


def _as_nobody(db: Path) -> dict:
    """Run the probe child as an unprivileged user (we are root, who may write anywhere) or,
    as a normal user, with the folder made read-only."""
    if sys.platform == "win32":
        pytest.skip("POSIX permissions only")
    if os.geteuid() == 0:
        done = _run_as_nobody([_nobody_python(), str(CHILD), "probe", str(db)])
        assert done.returncode == 0, done.stderr.decode()
        return json.loads(done.stdout)
    db.parent.chmod(0o555)
    try:
        done = subprocess.run([sys.executable, str(CHILD), "probe", str(db)],
                              capture_output=True, env=_child_env(), timeout=60, check=True)
        return json.loads(done.stdout)
    finally:
        db.parent.chmod(0o755)


@pytest.fixture
def shared_dir():
    """A folder an unprivileged user can enter (pytest's tmp_path is private to root)."""
    base = Path(tempfile.mkdtemp(prefix="reader-store-"))
    base.chmod(0o755)
    yield base
    shutil.rmtree(base, ignore_errors=True)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_read_only_data_dir_opens_read_only(shared_dir):
    db = shared_dir / "data" / "reader.sqlite3"
    opened = Store.open(db)
    opened.add_note("doc", body="visible")
    opened.close()
    before = _snapshot(db.parent)

    seen = _as_nobody(db)
    assert seen["readonly"] is True
    assert "read-only" in seen["message"]
    assert seen["bodies"] == ["visible"]
    assert seen["error_type"] == "ReadOnly" and "not writable" in seen["error"]
    assert _snapshot(db.parent) == before


@pytest.mark.parametrize("with_shm", [True, False])
def test_read_only_data_dir_after_a_crash(shared_dir, with_shm):
    """A session that died left its last save in the WAL, then the folder became read-only."""
    db = shared_dir / "data" / "reader.sqlite3"
    crashed = shared_dir / "crashed" / "reader.sqlite3"
    opened = Store.open(db)
    opened.add_note("doc", body="checkpointed")
    opened._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    opened.add_note("doc", body="only in the WAL")
    crashed.parent.mkdir()
    suffixes = ["", "-wal", "-shm"] if with_shm else ["", "-wal"]
    for suffix in suffixes:  # copy while open: what a crash leaves behind
        shutil.copy(f"{db}{suffix}", f"{crashed}{suffix}")
    opened.close()
    assert crashed.with_name(crashed.name + "-wal").stat().st_size > 0

    seen = _as_nobody(crashed)
    assert seen["readonly"] is True
    if with_shm:  # SQLite can read the WAL through the existing index
        assert seen["bodies"] == ["checkpointed", "only in the WAL"]
    else:  # immutable=1 reads the main file only, and says so
        assert seen["bodies"] == ["checkpointed"]
        assert "did not close cleanly" in seen["message"]


def test_read_only_missing_database_is_empty(tmp_path):
    ro = Store.open(tmp_path / "nowhere" / "reader.sqlite3", readonly=True)
    try:
        assert ro.readonly and ro.list_notes() == [] and ro.read_docs() == set()
    finally:
        ro.close()
    assert not (tmp_path / "nowhere").exists()
