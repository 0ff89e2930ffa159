"""Small hand-made inputs for the policy tests: articles, policy dicts, one-sentence analyses."""

from __future__ import annotations

from pathlib import Path

from reader.domain import Article
from reader.extraction.nlp import Analysis

CODEBOOK = Path(__file__).resolve().parents[2] / "corpus" / "codebook.toml"


def article(doc_id: str, body: str, date: str = "", title: str = "") -> Article:
    return Article(id=doc_id, title=title, body=body, date=date)


def policy_entry(pid: str, *patterns: str, unless: tuple[str, ...] = ()) -> dict:
    return {"id": pid, "label": pid.title(), "description": "", "patterns": list(patterns),
            "unless": list(unless)}


def hand_analysis(art: Article, words: list[tuple[str, str, str]]) -> Analysis:
    """One-sentence analysis from (text, lemma, pos) words separated by single spaces."""
    tokens, pos = [], 0
    for n, (text, lemma, tag) in enumerate(words):
        start = art.body.index(text, pos)
        tokens.append((start, start + len(text), lemma, tag, "dep", n))
        pos = start + len(text)
    return Analysis(text_hash=art.text_hash, title_len=0, sents=[(0, len(art.body))], ents=[],
                    tokens=tokens)

