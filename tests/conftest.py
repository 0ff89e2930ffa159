"""Shared test set-up: Qt renders offscreen, and each test gets its own data dir."""

from __future__ import annotations

import os
import shutil

# Before any Qt import (pytest-qt creates the QApplication lazily, in its qapp fixture).
os.environ["QT_QPA_PLATFORM"] = "offscreen"

import pytest  # noqa: E402 (the environment must be set first)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """An empty, isolated data dir (READER_DATA_DIR cleared so nothing leaks in)."""
    monkeypatch.delenv("READER_DATA_DIR", raising=False)
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


@pytest.fixture(scope="session")
def indexed_template(tmp_path_factory):
    """The bundled corpus indexed once per session by `reader index` (spaCy included)."""
    from reader.cli import main

    data = tmp_path_factory.mktemp("indexed")
    assert main(["index", "--data-dir", str(data)]) == 0
    return data


@pytest.fixture
def indexed_data(indexed_template, tmp_path, monkeypatch):
    """A copy of `indexed_template` of this test's own, the CLI's default data dir."""
    copy = tmp_path / "data"
    shutil.copytree(indexed_template, copy)
    monkeypatch.setenv("READER_DATA_DIR", str(copy))
    monkeypatch.delenv("READER_CORPUS", raising=False)
    return copy
