"""The articles naming each noun-phrase key, by head word: what discovery reads of every
article's keys, kept in the policy cache and updated for the changed articles only."""

from __future__ import annotations

import marshal
from collections import defaultdict
from collections.abc import Iterable, Mapping

from reader.extraction.packed import unpack

PREPS = ("of", "on", "for")


def turned(key: str) -> str | None:
    """"quota on asylum" -> "asylum quota", "overhaul of pension" -> "pension overhaul"."""
    words = key.split()
    for n, w in enumerate(words):
        if w in PREPS and 0 < n < len(words) - 1:
            return " ".join(words[n + 1:] + words[:n])
    return None


def head(key: str) -> str:
    return key.rsplit(" ", 1)[-1]


def _heads(key: str) -> set[str]:
    """The buckets a key is kept in: its head word and its turned form's."""
    t = turned(key) if " o" in key or " f" in key else None
    return {head(key)} if t is None else {head(key), head(t)}


class KeyIndex:
    """{noun-phrase key: the articles naming it, sorted, a line each} of every article's
    facts, in a bucket per head word that holds the keys ending with it or turned
    (`turned`) into a phrase ending with it: the keys `discovery._reachable` gives for a
    seed are its head words' buckets. A bucket is decoded when first read (a changed
    article's words and the seeds' are read; not the other nine tenths), and written back
    as it was read unless it changed."""

    def __init__(self, raw: dict[str, bytes], buckets: dict[str, dict[str, str]]):
        self._raw = raw  # word -> its bucket as read
        self._buckets = buckets  # word -> its bucket decoded (an empty one: gone)
        self._dirty: set[str] = set(buckets)  # the buckets changed since read

    @classmethod
    def of(cls, facts: Mapping) -> KeyIndex | None:
        """The index of {doc: DocFacts}; None when an article's id is empty or holds a line
        break."""
        docs: defaultdict[str, list[str]] = defaultdict(list)
        for doc, f in facts.items():
            if "\n" in doc or not doc:
                return None
            for k in f.names:
                docs[k].append(doc)
        buckets: defaultdict[str, dict[str, str]] = defaultdict(dict)
        for k, named in docs.items():
            text = "\n".join(sorted(named)) if len(named) > 1 else named[0]
            buckets[k[k.rfind(" ") + 1:]][k] = text  # head(k)
            if " o" in k or " f" in k:
                t = turned(k)
                if t is not None:
                    buckets[head(t)][k] = text
        return cls({}, dict(buckets))

    @classmethod
    def unpacked(cls, value) -> KeyIndex | None:
        """`packed()` or `content()` read back (an index of its own: `update` changes it);
        None for anything else (the index is made again)."""
        if isinstance(value, bytes):
            try:
                value = unpack(value)
            except ValueError:
                return None
            if not isinstance(value, dict):
                return None
            index = cls(value, {})
            return index
        if isinstance(value, dict) and all(isinstance(b, dict) for b in value.values()):
            return cls({}, {h: dict(b) for h, b in value.items()})
        return None

    def bucket(self, word: str) -> dict[str, str]:
        """{key: its articles' text} of the keys ending with `word`, or turned into a
        phrase ending with it. Raises ValueError for a damaged bucket."""
        b = self._buckets.get(word)
        if b is not None:
            return b
        raw = self._raw.get(word)
        if raw is None:
            return {}
        try:
            b = unpack(raw)
        except ValueError as exc:
            raise ValueError(f"policy key index unreadable: {exc!r}") from exc
        if not isinstance(b, dict):
            raise ValueError("policy key index unreadable")
        self._buckets[word] = b
        return b

    def near(self, words: Iterable[str]) -> set[str]:
        """The keys of the buckets of `words`."""
        out: set[str] = set()
        for w in words:
            out.update(self.bucket(w))
        return out

    def keys(self) -> set[str]:
        """Every key (every bucket decoded)."""
        return self.near(self._raw.keys() | self._buckets.keys())

    def __contains__(self, key: str) -> bool:
        return key in self.bucket(head(key))

    def docs(self, key: str) -> list[str]:
        """The articles naming `key` (none when it is not known)."""
        text = self.bucket(head(key)).get(key)
        return text.split("\n") if text else []

    def update(self, before: Mapping, after: Mapping, docs: Iterable[str]) -> bool:
        """The index of {doc: DocFacts} `before` made that of `after` in place, where only
        the articles `docs` changed (named other keys, came or went); False when an
        article's id is empty or holds a line break (then the index is not to be used)."""
        drop: dict[str, set[str]] = {}
        add: dict[str, set[str]] = {}
        for doc in docs:
            if "\n" in doc or not doc:
                return False
            for k in before[doc].names if doc in before else ():
                drop.setdefault(k, set()).add(doc)
            for k in after[doc].names if doc in after else ():
                add.setdefault(k, set()).add(doc)
        for k in drop.keys() | add.keys():
            named = set(self.docs(k))
            named = (named - drop.get(k, set())) | add.get(k, set())
            for h in _heads(k):
                b = self._buckets[h] = self.bucket(h)
                self._dirty.add(h)
                if named:
                    b[k] = "\n".join(sorted(named))
                else:
                    b.pop(k, None)
        return True

    def packed(self) -> bytes:
        """The cache's form: marshalled {word: marshalled bucket}, a bucket unchanged as it
        was read."""
        out = dict(self._raw)
        for h in self._dirty:
            b = self._buckets[h]
            if b:
                out[h] = marshal.dumps(b, 2)
            else:
                out.pop(h, None)
        return marshal.dumps(out, 2)

    def content(self) -> dict[str, dict[str, str]]:
        """{word: its bucket}, every bucket decoded (JSON-ready; equal indexes, equal)."""
        out = {h: dict(self.bucket(h)) for h in self._raw.keys() | self._buckets.keys()}
        return {h: b for h, b in out.items() if b}
