"""Fault-suite fixtures: the spaCy model once per session, and a bounded scale for CI.

READER_FAULTS=full runs the long versions (more tries, bigger inputs); CI runs the bounded
default so the whole suite stays well inside its time budget.
"""

from __future__ import annotations

import os

import pytest

FULL = os.environ.get("READER_FAULTS") == "full"


@pytest.fixture(scope="session")
def nlp():
    """The loaded spaCy model (only for tests marked `spacy`)."""
    from reader.extraction.nlp import load_model

    return load_model()
