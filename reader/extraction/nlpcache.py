"""The NLP cache: one `Analysis` per text hash (gzipped JSON), read lazily, damage dropped.

Loaded tokens are held compactly (`Tokens`: five int arrays and one word list, about 24
bytes a token instead of some 400 for a JSON-parsed list), and the JSON is parsed a slice of
tokens at a time: reading back a 9 MB article's 1.7 million tokens stays near 250 MB.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import re
import sys
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
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
    (negative for the title). Tokens are (start, end, lemma, pos, dep, head_index): a list
    of tuples, or (loaded from the cache) a `Tokens`, which reads the same."""

    text_hash: str
    title_len: int
    sents: list[tuple[int, int]]
    ents: list[tuple[int, int, str]]
    tokens: Sequence[tuple[int, int, str, str, str, int]]

    @property
    def body_offset(self) -> int:
        return self.title_len + 2 if self.title_len else 0

    def to_body(self, offset: int) -> int:
        return offset - self.body_offset


class Tokens(Sequence):
    """Token tuples (start, end, lemma, pos, dep, head) kept as int arrays and one interned
    word list; each tuple is made when it is read. Reads like a list of tuples (index,
    slice, iterate, len, ==)."""

    __slots__ = ("_cols", "_ids", "words")

    def __init__(self) -> None:
        self._cols = tuple(array("i") for _ in range(6))  # start end lemma pos dep head
        self.words: list[str] = []
        self._ids: dict[str, int] = {}

    def _word(self, word) -> int:
        found = self._ids.get(word)
        if found is None:
            if type(word) is not str:
                raise ValueError("a token's lemma, POS or dependency is not text")
            found = self._ids[word] = len(self.words)
            self.words.append(sys.intern(word))
        return found

    def extend(self, tokens: list) -> None:
        """Append token lists/tuples; ValueError for one that is not a token."""
        if not tokens:
            return
        if any(len(t) != 6 for t in tokens):
            raise ValueError("a token is not six values")
        starts, ends, lemmas, poss, deps, heads = zip(*tokens, strict=True)
        word = self._word
        cols = self._cols
        try:
            for col, values in zip(cols[:2], (starts, ends), strict=True):
                col.extend(values)
            cols[5].extend(heads)
            for col, values in zip(cols[2:5], (lemmas, poss, deps), strict=True):
                col.extend(map(word, values))
        except (TypeError, OverflowError) as exc:
            raise ValueError(f"a token's value is out of range ({exc})") from None

    def check(self) -> None:
        """ValueError unless offsets and heads are positions (heads within the tokens)."""
        starts, ends, heads = self._cols[0], self._cols[1], self._cols[5]
        n = len(starts)
        if not all(len(c) == n for c in self._cols):
            raise ValueError("token columns of different lengths")
        if n and (min(starts) < 0 or min(ends) < 0 or min(heads) < 0 or max(heads) >= n):
            raise ValueError("offsets that are not positions in the text")

    def __len__(self) -> int:
        return len(self._cols[0])

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[k] for k in range(*index.indices(len(self)))]
        s, e, lemma, pos, dep, head = (c[index] for c in self._cols)
        words = self.words
        return (s, e, words[lemma], words[pos], words[dep], head)

    def __iter__(self) -> Iterator[tuple[int, int, str, str, str, int]]:
        word = self.words.__getitem__
        starts, ends, lemmas, poss, deps, heads = self._cols
        return zip(starts, ends, map(word, lemmas), map(word, poss), map(word, deps), heads,
                   strict=True)

    def __eq__(self, other) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(
            a == tuple(b) for a, b in zip(self, other, strict=True))

    __hash__ = None  # mutable while it is built, like the list it stands for

    def __repr__(self) -> str:
        return f"Tokens({len(self)} tokens)"

    def column(self, k: int) -> array:
        """One column as its int array (0 start, 1 end, 5 head; 2-4 ids into `words`),
        shared, not copied: read it, do not change it."""
        return self._cols[k]

    def nbytes(self) -> int:
        """The arrays' size (what a loaded analysis holds per token, times the count)."""
        return sum(c.itemsize * len(c) for c in self._cols)


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
            text = fh.read()
        return _analysis_from(text, text_hash_)
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


_TOKENS_KEY = re.compile(r',\s*"tokens"\s*:\s*\[')
_SLICE = 400_000  # characters of token JSON parsed at a time (some 10,000 tokens)
# An entry up to this long (decompressed; some 100,000 tokens) is parsed whole into a list of
# token tuples: fastest to load and to index. A longer one goes into `Tokens` a slice at a time.
_WHOLE_CHARS = 4_000_000


def _analysis_from(text: str, text_hash_: str) -> Analysis:
    """An Analysis from the cached JSON text; ValueError when it is not one for this text.

    A long entry is written (`store_parts`) with "tokens" last: everything before it is
    parsed whole, the token list a slice at a time straight into a `Tokens`."""
    # (the first match is the key: inside a string its quotes would be escaped)
    found = _TOKENS_KEY.search(text) \
        if len(text) > _WHOLE_CHARS and text.endswith("]}") else None
    if found is None:
        raw = json.loads(text)
        del text
        if not isinstance(raw, dict) or not isinstance(raw.get("tokens"), list):
            raise ValueError("not an analysis")
        tokens = _token_list(raw.pop("tokens"))
    else:
        raw = json.loads(text[:found.start()] + "}")
        tokens = _tokens(text, found.end(), len(text) - 2)
        tokens.check()
        del text
    if not isinstance(raw, dict) or raw.get("text_hash") != text_hash_:
        raise ValueError("not an analysis of this text")
    title_len = raw["title_len"]
    intern = sys.intern
    sents = [(s, e) for s, e in raw["sents"]]
    ents = [(s, e, intern(label)) for s, e, label in raw["ents"]]
    if not (_positions([title_len]) and _positions(x for pair in sents for x in pair)
            and _positions(x for s, e, _ in ents for x in (s, e))):
        raise ValueError("offsets that are not positions in the text")
    return Analysis(text_hash=text_hash_, title_len=title_len, sents=sents, ents=ents,
                    tokens=tokens)


def _token_list(tokens: list) -> list[tuple[int, int, str, str, str, int]]:
    """The cached token lists as interned tuples, converted in place (each list freed)."""
    intern = sys.intern
    for k, (s, e, lemma, pos, dep, head) in enumerate(tokens):
        tokens[k] = (s, e, intern(lemma), intern(pos), intern(dep), head)
    n = len(tokens)
    if not (_positions(x for t in tokens for x in (t[0], t[1], t[5]))
            and all(t[5] < n for t in tokens)):
        raise ValueError("offsets that are not positions in the text")
    return tokens


def _tokens(text: str, start: int, end: int) -> Tokens:
    """The tokens of `text[start:end]` (a JSON list's interior: `[...],[...]`), parsed a
    slice at a time. A slice cut inside a string fails to parse and is widened."""
    tokens = Tokens()
    pos = start
    while pos < end:
        cut = text.find("],[", min(pos + _SLICE, end), end)
        cut = end if cut < 0 else cut + 1
        while True:
            try:
                part = json.loads("[" + text[pos:cut] + "]")
                break
            except ValueError:
                if cut >= end:
                    raise
                cut = text.find("],[", cut + 1, end)
                cut = end if cut < 0 else cut + 1
        if not all(isinstance(t, list) for t in part):
            raise ValueError("a token is not a list")
        tokens.extend(part)
        pos = cut + 1  # past the comma between two tokens
    return tokens


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
                analysis.ents,
                [json.dumps(list(analysis.tokens), separators=(",", ":"))[1:-1]])


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
            sep = ""
            for part in token_parts:  # one at a time: never the whole token JSON at once
                if part:
                    fh.write(sep)
                    fh.write(part)
                    sep = ","
            fh.write("]}")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def is_cached(cache_dir: Path, article: Article) -> bool:
    return is_cached_hash(cache_dir, article.text_hash)


def is_cached_hash(cache_dir: Path, text_hash_: str) -> bool:
    # `_cache_path` as text: asked for every article at each update (pathlib's joins cost
    # ten times the check)
    return os.path.exists(f"{os.fspath(cache_dir)}/nlp-v{CACHE_VERSION}-{MODEL_VERSION}/"
                          f"{text_hash_[:2]}/{text_hash_}.json.gz")
