"""Arguments that are not UTF-8 (bytes from a shell or a script): one line, exit 2, nothing done."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("argv, named", [
    ([b"notes", b"add", b"--doc", b"x", b"--text", b"caf\xe9"], "--text"),
    ([b"notes", b"add", b"--doc", b"x", b"--tag", b"ok", b"--tag", b"\xff\xfe"], "--tag"),
    ([b"search", b"coun\xffcil"], "the query"),
    ([b"entities", b"related", b"Gove\x80"], "the name"),
])
def test_non_utf8_argument_is_refused_in_one_line(tmp_path, argv, named):
    env = {**os.environ, "READER_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(REPO),
           "LC_ALL": "C.UTF-8"}
    done = subprocess.run([sys.executable.encode(), b"-m", b"reader", *argv], env=env,
                          cwd=REPO, capture_output=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.decode() == f"reader: {named} is not valid UTF-8 text; nothing was " \
                                   "done.\n"
    assert not (tmp_path / "data" / "reader.sqlite3").exists()  # nothing was done


def test_non_utf8_file_names_are_still_file_names(tmp_path, capsys, monkeypatch):
    from reader.cli import main

    monkeypatch.setenv("READER_DATA_DIR", str(tmp_path / "data"))
    name = os.fsdecode(b"caf\xe9.txt")  # a legal Linux file name that is not UTF-8
    assert main(["import", str(tmp_path / name)]) in (0, 2)
    assert "not valid UTF-8 text" not in capsys.readouterr().err
