"""Shared set-up for the store tests: a database path per test, helpers, the child script."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from reader.store import Store

REPO = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).resolve().parent / "child.py"
BODY = "The council said the review of children's services was late. Ofsted agreed."


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "data" / "reader.sqlite3"


@pytest.fixture
def store(db):
    opened = Store.open(db)
    yield opened
    opened.close()


def _raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)


def _fill(store: Store, count: int = 30) -> list[int]:
    """Notes big enough that the file spans many pages (so truncation hits real data)."""
    return [store.add_note(f"doc{i % 3}", body=f"note {i} " + "text " * 200).id
            for i in range(count)]


def _child_env() -> dict:
    return {**os.environ, "PYTHONPATH": str(REPO)}
