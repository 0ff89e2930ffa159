"""The NLP cache: one `Analysis` per text hash (gzipped JSON), read lazily, damage dropped."""

from __future__ import annotations

import gzip
import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from reader.domain import Article

log = logging.getLogger(__name__)

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


def _cache_path(cache_dir: Path, text_hash_: str) -> Path:
    folder = cache_dir / f"nlp-v{CACHE_VERSION}-{MODEL_VERSION}" / text_hash_[:2]
    return folder / f"{text_hash_}.json.gz"


def load_cached(cache_dir: Path, text_hash_: str) -> Analysis | None:
    """The cached analysis, or None when missing or unreadable.

    An entry that cannot be read (garbled or truncated gzip, bad JSON, JSON of another
    shape, another text's hash) is deleted with a warning, so the next analysis of the
    article writes it anew. Lemma, POS and dependency strings are interned: a loaded
    analysis shares them with every other one instead of holding its own copy per token."""
    path = _cache_path(cache_dir, text_hash_)
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            raw = json.load(fh)
        return _analysis_from(raw, text_hash_)
    except FileNotFoundError:
        return None
    except Exception as exc:  # zlib.error, EOFError, OSError, ValueError, RecursionError...
        log.warning("NLP cache entry %s is unreadable (%s: %s); it is dropped and will be "
                    "rebuilt", path.name, type(exc).__name__, exc)
        drop_cached(cache_dir, text_hash_)
        return None


def drop_cached(cache_dir: Path, text_hash_: str) -> None:
    """Delete a cache entry (missing is fine; a folder we cannot write is logged)."""
    try:
        _cache_path(cache_dir, text_hash_).unlink(missing_ok=True)
    except OSError as exc:
        log.warning("Cannot drop the NLP cache entry %s: %s", text_hash_[:12], exc)


def _analysis_from(raw, text_hash_: str) -> Analysis:
    """An Analysis from the cached JSON; ValueError when it is not one for this text."""
    if not isinstance(raw, dict) or raw.get("text_hash") != text_hash_:
        raise ValueError("not an analysis of this text")
    title_len = raw["title_len"]
    intern = sys.intern
    sents = [(s, e) for s, e in raw["sents"]]
    ents = [(s, e, intern(label)) for s, e, label in raw["ents"]]
    tokens = raw.pop("tokens")
    for k, (s, e, lemma, pos, dep, head) in enumerate(tokens):  # in place: each list freed
        tokens[k] = (s, e, intern(lemma), intern(pos), intern(dep), head)
    n = len(tokens)
    if not (_positions([title_len]) and _positions(x for pair in sents for x in pair)
            and _positions(x for s, e, _ in ents for x in (s, e))
            and _positions(x for t in tokens for x in (t[0], t[1], t[5]))
            and all(t[5] < n for t in tokens)):
        raise ValueError("offsets that are not positions in the text")
    return Analysis(text_hash=text_hash_, title_len=title_len, sents=sents, ents=ents,
                    tokens=tokens)


def _positions(values: Iterable) -> bool:
    return all(type(x) is int and x >= 0 for x in values)


def verify_cached(cache_dir: Path, hashes: Iterable[str]) -> int:
    """Read every cache entry of `hashes`, dropping those that cannot be read (so they are
    analysed again); how many were dropped. Slow (every entry is parsed): for a rebuild."""
    dropped = 0
    for text_hash_ in set(hashes):
        if is_cached_hash(cache_dir, text_hash_) and load_cached(cache_dir, text_hash_) is None:
            dropped += 1
    return dropped


class CachedAnalyses(Mapping[str, Analysis]):
    """{article id: Analysis} read from the NLP cache on each access, never held.

    What `analyse` returns, and what the entity and policy builders take: they look at one
    article at a time, so a corpus never has every token list in memory at once. Ids whose
    cache entry is missing (or unreadable) are absent."""

    def __init__(self, cache_dir: Path, hashes: Mapping[str, str]):
        self.cache_dir = cache_dir
        self._hashes = {doc: h for doc, h in hashes.items() if is_cached_hash(cache_dir, h)}

    def __getitem__(self, doc_id: str) -> Analysis:
        found = load_cached(self.cache_dir, self._hashes[doc_id])
        if found is None:  # dropped (unreadable): absent from now on, rebuilt next time
            del self._hashes[doc_id]
            raise KeyError(doc_id)
        return found

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._hashes

    def __iter__(self) -> Iterator[str]:
        return iter(self._hashes)

    def __len__(self) -> int:
        return len(self._hashes)


def _store(cache_dir: Path, analysis: Analysis) -> None:
    store_parts(cache_dir, analysis.text_hash, analysis.title_len, analysis.sents,
                analysis.ents, [json.dumps(analysis.tokens, separators=(",", ":"))[1:-1]])


def store_parts(cache_dir: Path, text_hash_: str, title_len: int, sents: list, ents: list,
                token_parts: list[str]) -> None:
    """Write a cache entry whose tokens come as JSON fragments (a long text's pieces: far
    smaller than token tuples), gzipped as they are written, then moved into place."""
    path = _cache_path(cache_dir, text_hash_)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=3) as fh:
            fh.write(json.dumps({"text_hash": text_hash_, "title_len": title_len, "sents": sents,
                                 "ents": ents}, separators=(",", ":"))[:-1])
            fh.write(',"tokens":[')
            fh.write(",".join(p for p in token_parts if p))
            fh.write("]}")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def is_cached(cache_dir: Path, article: Article) -> bool:
    return is_cached_hash(cache_dir, article.text_hash)


def is_cached_hash(cache_dir: Path, text_hash_: str) -> bool:
    return _cache_path(cache_dir, text_hash_).exists()
