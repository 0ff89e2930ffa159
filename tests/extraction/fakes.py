"""Hand-made NLP analyses, so entity rules are tested on short texts without spaCy."""

from __future__ import annotations

import re

from reader.domain import Article
from reader.extraction.nlp import Analysis, full_text


def article(doc_id: str, body: str, title: str = "") -> Article:
    return Article(id=doc_id, title=title, body=body)


def analysis(art: Article, ents: list[tuple]) -> Analysis:
    """An Analysis whose entity spans are every whole-word occurrence of each (text, label)
    (or exactly (start, end, label) in the full text), earlier entries winning overlaps;
    tokens are words and punctuation; sentences end at . ! ? or a line break."""
    text = full_text(art)
    spans: list[tuple[int, int, str]] = []
    for ent in ents:
        if len(ent) == 3:
            spans.append(ent)
            continue
        surface, label = ent
        for m in re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", text):
            if not any(m.start() < e and s < m.end() for s, e, _ in spans):
                spans.append((m.start(), m.end(), label))
    spans.sort()
    tokens = [(m.start(), m.end(), m.group().lower(), "X", "dep", 0)
              for m in re.finditer(r"\w+|[^\w\s]", text)]
    sents = [(m.start(), m.end()) for m in re.finditer(r"[^.!?\n]+[.!?]?", text)
             if m.group().strip()]
    return Analysis(text_hash=art.text_hash, title_len=len(art.title), sents=sents,
                    ents=spans, tokens=tokens)


def corpus(*docs: tuple[str, str, list[tuple[str, str]]] | tuple[str, str, list, str]):
    """(id, body, ents[, title]) tuples -> (articles, analyses)."""
    arts, analyses = [], {}
    for d in docs:
        art = article(d[0], d[1], d[3] if len(d) > 3 else "")
        arts.append(art)
        analyses[art.id] = analysis(art, d[2])
    return arts, analyses


def through_file(data: dict) -> dict:
    """A table cache written and read back as the reader does (JSON, bytes beside it)."""
    import tempfile
    from pathlib import Path

    from reader.services.derived import dump_cache, read_cache

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "table.json"
        dump_cache(path, data)
        return read_cache(path)
