"""Fixtures for extraction tests: one spaCy model per session, the bundled corpus parsed.

`nlp` and `corpus_analyses` load the real model: use them only in tests marked
`@pytest.mark.spacy`. `corpus_articles` is cheap (the importer only).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.domain import Article

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"
RESOURCES = REPO / "resources"


@pytest.fixture(scope="session")
def nlp():
    """The loaded spaCy model (shared: loading costs about a second)."""
    from reader.extraction.nlp import load_model

    return load_model()


@pytest.fixture(scope="session")
def corpus_articles() -> list[Article]:
    """The 5 bundled articles as the importer cleans them, sorted by id."""
    from reader.importer import parse_file

    return [parse_file(p, bundled=True) for p in sorted(CORPUS.glob("*.txt"))]


@pytest.fixture(scope="session")
def corpus_analyses(nlp, corpus_articles, tmp_path_factory):
    """{article id: Analysis} for the bundled corpus (spaCy run once per session)."""
    from reader.extraction.nlp import analyse

    return analyse(corpus_articles, tmp_path_factory.mktemp("nlp-cache"), nlp=nlp)


@pytest.fixture(scope="session")
def resources_dir() -> Path:
    return RESOURCES


@pytest.fixture
def build(resources_dir):
    """build(*docs) -> the entity table of small texts written for a rule (no spaCy: the
    docs carry their spans, `fakes.corpus`). Modules that need more define their own."""
    from reader.extraction.entities import build_entities

    from .fakes import corpus

    def run(*docs):
        arts, analyses = corpus(*docs)
        return build_entities(arts, analyses, resources_dir)
    return run
