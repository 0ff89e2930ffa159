"""Shared test set-up: Qt renders offscreen, and each test gets its own data dir."""

from __future__ import annotations

import os

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
