"""What an entity build keeps for the next one: each article's own results and what the
corpus-wide scans found in it, packed (marshal) into the table's cache.

A record is a tuple (see `record`); the scans' memo (`Memo`) says, per article, which
common phrases its body holds and which known names were found again in it, and what those
answers depended on corpus-wide, so the next build re-scans only the articles whose answer
could differ. Nothing here decides anything: grouping.py and matching.py do, and ask the
memo only for answers that are provably the same.
"""

from __future__ import annotations

import gc
import logging
import marshal
import zlib
from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager

from reader.extraction.entities.candidates import ArticleResult, Doc
from reader.extraction.packed import pack, unpack

log = logging.getLogger(__name__)

_MISS = object()
_BAD = (KeyError, IndexError, TypeError, ValueError, EOFError, zlib.error)
# What reused state that passed `Reuse`'s checks may still raise when used (bad blobs).
DAMAGED = (zlib.error, UnicodeDecodeError, IndexError, TypeError, ValueError)


@contextmanager
def gc_paused():
    """For bulk work that makes many objects and no garbage cycles (a build, a cache packed
    or read): the cyclic collector would otherwise walk every live object, spaCy's and the
    previous table's included, again and again (a third of an incremental build)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def record(text_hash: str, res: ArticleResult) -> tuple[str, bytes]:
    """One article's own results: (hash, marshalled (body offset, zlib text, zlib token
    spans, zlib lower-case words, marshalled candidates, acronyms, sentences, zlib distinct
    lower-case words)). Kept marshalled, so a reused article's record is written back as
    it was read, not packed again; its candidates are unpacked only when a build needs
    them (candidates.ArticleResult)."""
    text_z, spans_z = res.doc.packed
    cands = tuple((c.start, c.end, c.text, c.label, c.source, c.strong, c.form, c.also)
                  for c in res.cands)
    own = (res.doc.off, text_z, spans_z, res.lower, pack(cands),
           tuple(res.acronyms), tuple(res.sentences), res.words)
    return text_hash, pack(own)


class Reuse:
    """An earlier build's state: per-article results for articles whose text is unchanged,
    and the memo of its corpus-wide scans."""

    def __init__(self, previous: Mapping | None, rules: str, cache_format: int):
        self.docs: Mapping = {}
        self.memo: dict = {}
        self.links: dict = {}  # what couples the previous build's groups (splice.py)
        self.rules: dict | None = None  # the corpus rules' counts (rules.py)
        try:
            if (not previous or previous.get("format") != cache_format
                    or previous.get("rules") != rules):
                return
            state = unpack(previous["state"])
            docs, memo = state["docs"], state["memo"]
            if isinstance(docs, dict) and isinstance(memo, dict):
                self.docs, self.memo = docs, memo
                links = state.get("links")
                self.links = links if isinstance(links, dict) else {}
                rules = state.get("rules")
                self.rules = rules if isinstance(rules, dict) else None
        except (AttributeError, *_BAD) as exc:
            log.info("earlier entity results not reusable (%r); reading every article", exc)

    def take(self, doc_id: str, text_hash: str) -> tuple[ArticleResult, tuple] | None:
        """(results, their record) of `doc_id` when its text is unchanged, else None."""
        rec = self.docs.get(doc_id)
        if not isinstance(rec, tuple) or len(rec) != 3 or not isinstance(rec[0], tuple) \
                or not rec[0] or rec[0][0] != text_hash:
            return None
        try:
            own = rec[0]
            if len(own) != 2 or not isinstance(own[1], bytes):
                raise TypeError("record is not (hash, marshalled results)")
            (off, text_z, spans_z, lower, cands, acronyms, sentences,
             words) = marshal.loads(own[1])
            if not all(isinstance(b, bytes) for b in (text_z, spans_z, lower, words)):
                raise TypeError("packed text is not bytes")
            # Blobs (text, spans, lower-case words) that do not decompress fail the build
            # when used, which then starts over without this state (build.build_entities):
            # checking them here would cost ~0.1 s a build.
            if not isinstance(cands, (bytes, tuple)) or not isinstance(sentences, tuple):
                raise TypeError("candidates or sentences of the wrong type")
            doc = Doc(doc_id, int(off), packed=(text_z, spans_z))
            # Candidates are made when asked for (rows that do not unpack fail the build
            # then, as the blobs do).
            result = ArticleResult(doc, None, [(str(k), str(x)) for k, x in acronyms],
                                   lower, sentences, words,
                                   raw=cands)
        except _BAD as exc:
            log.info("earlier entity results of %s not reusable (%r)", doc_id, exc)
            return None
        return result, own

    def scans(self, doc_id: str):
        """The memo of the scans of a reused article (valid with `self.memo` only)."""
        return self.docs[doc_id][1], self.docs[doc_id][2]


class Memo:
    """The corpus-wide scans' answers per article, the previous build's and this one's.

    Phrases (rules._common): per article, which capitalised-but-common phrases
    (tuples of lower-case words) occur in its body. An unchanged article's answer for a
    phrase the previous build also asked about is the same; only new phrases are scanned.
    Matches (matching.find_more): per article, the names found again; the same when the
    article, its own surviving candidates and every name list its words could look up are
    the same (`lookups`, keyed by first word)."""

    def __init__(self, previous: Mapping | None = None,
                 reused: Mapping[str, tuple] | None = None):
        prev = previous or {}
        phrases, lookups = prev.get("phrases"), prev.get("lookups")
        self.old_phrases = set(phrases) if isinstance(phrases, (list, tuple)) else None
        self.old_lookups = lookups if isinstance(lookups, dict) else None
        self.old_hits: dict[str, set] = {}
        self.old_matches: dict[str, tuple] = {}
        for doc_id, (hits, matches) in (reused or {}).items():
            if isinstance(hits, tuple):
                self.old_hits[doc_id] = set(hits)
            if isinstance(matches, tuple) and len(matches) == 2:
                self.old_matches[doc_id] = matches
        words = prev.get("words")
        self.old_words: dict | None = words if isinstance(words, dict) else None
        self.words: dict[str, int] | None = None
        self.pure: dict[str, dict] = {}  # memoised answers, this build's only
        self.exact = True  # False: one answer per article id would not do
        self.phrases: tuple = ()
        self.lookups: dict = {}
        self.hits: dict[str, tuple] = {}
        self.matches: dict[str, tuple] = {}

    def forget(self) -> None:
        """Use no earlier answer (e.g. two articles share an id)."""
        self.old_phrases = self.old_lookups = self.old_words = None
        self.old_hits, self.old_matches = {}, {}
        self.exact = False

    # -- lower-case words --------------------------------------------------------------------
    def lower_words(self, results: Iterable[ArticleResult], reused: Mapping[str, object],
                    previous_docs: Mapping) -> set[str]:
        """The lower-case words of every body (`ArticleResult.words`). Kept as {word: number
        of articles}: the previous build's counts, less the articles it had and this one
        does not reuse (`previous_docs`: its state's records), plus the articles read
        again; counted afresh when there are no usable counts."""
        counts = None
        if self.old_words is not None and self.exact:
            counts = dict(self.old_words)
            try:
                for doc_id, rec in previous_docs.items():
                    if doc_id not in reused:
                        for w in _words(marshal.loads(rec[0][1])[7]):
                            n = counts[w] - 1
                            if n > 0:
                                counts[w] = n
                            else:
                                del counts[w]
            except _BAD as exc:
                log.info("earlier word counts not reusable (%r); counting again", exc)
                counts = None
        if counts is None:
            counts, todo = {}, results
        else:
            todo = (r for r in results if r.doc.id not in reused)
        get = counts.get
        for r in todo:
            for w in _words(r.words):
                counts[w] = get(w, 0) + 1
        self.words = counts if self.exact else None
        return set(counts)

    # -- phrases ---------------------------------------------------------------------------
    def phrase_hits(self, phrases: Iterable[tuple[str, ...]],
                    parts: Iterable[tuple[str, bytes]]) -> set[tuple[str, ...]]:
        """The phrases that occur in some body; `parts`: (article id, zlib lower-case words
        with "|" for the others, space-separated)."""
        wanted = set(phrases)
        new = wanted - self.old_phrases if self.old_phrases is not None else wanted
        found: set[tuple[str, ...]] = set()
        for doc_id, part in parts:
            old = self.old_hits.get(doc_id) if self.old_phrases is not None else None
            hits, todo = (wanted & old, new) if old is not None else (set(), wanted)
            if todo:
                hits |= _scan(zlib.decompress(part).decode("utf-8", "surrogatepass"), todo)
            self.hits[doc_id] = tuple(sorted(hits))
            found |= hits
        self.phrases = tuple(sorted(wanted))
        return found

    # -- matches ---------------------------------------------------------------------------
    def changed_lookups(self, lookups: dict) -> set[str] | None:
        """The forms to look for whose entry (group key, label) differs from the previous
        build's, added and dropped ones included; None when there is no previous build to
        compare with.

        Per form, not per first word: an article's matches depend only on the entries whose
        form occurs in its text. At each token the scan takes the longest listed form that
        is written there and not taken, and two forms of one length written at one place
        are the same string (each form is listed once), so an entry whose form the text
        never holds changes nothing, wherever it sits in its first word's list."""
        self.lookups = lookups
        old = self.old_lookups
        if old is None:
            return None
        out: set[str] = set()
        for w in lookups.keys() | old.keys():
            now, was = lookups.get(w), old.get(w)
            if now == was:
                continue
            try:
                a = {form: rest for form, *rest in now or ()}
                b = {form: rest for form, *rest in was or ()}
            except (TypeError, ValueError):  # a damaged earlier entry: look for the word
                out.add(w)
                continue
            out.update(f for f in a.keys() | b.keys() if a.get(f) != b.get(f))
        return out

    def matches_of(self, doc_id: str, taken: tuple, changed: set[str] | None,
                   text: str | Callable[[], str] | None = None) -> tuple | None:
        """The previous build's matches in an unchanged article when still valid, else
        None. `text` (or a function giving it) is needed when `changed` is not empty."""
        old = self.old_matches.get(doc_id)
        if old is None or changed is None or sig_of(old) != taken:
            return None
        if changed:
            if callable(text):
                text = text()
            if text is None or any(holds(text, f) for f in changed):
                return None  # a form whose entry changed may occur here: scan again
        return old[1]

    # -- pure functions ------------------------------------------------------------------
    def cached(self, name: str, fn: Callable):
        """`fn` (one hashable argument; a function of its argument, the lexicon and the
        code only) memoised in this build under `name`, shared by every pass that asks.
        Not kept for the next build: an incremental build asks for the answers of the
        changed articles' names only (cheaper to compute than to unpack every earlier
        answer)."""
        new = self.pure.setdefault(name, {})
        get = new.get

        def call(arg):
            out = get(arg, _MISS)
            if out is _MISS:
                out = new[arg] = fn(arg)
            return out

        return call

    def to_state(self) -> dict:
        return {"phrases": self.phrases, "lookups": self.lookups, "words": self.words}

    def of_doc(self, doc_id: str) -> tuple:
        """(phrases found, (spans held before the scan, packed: `sig_of`; matches))."""
        matches = self.matches.get(doc_id)
        if matches is not None and not isinstance(matches[0], bytes):
            matches = (pack(matches[0]), matches[1])
        return self.hits.get(doc_id), matches


def sig_of(matches: tuple) -> tuple:
    """The spans an article's groups held before the scan (the first of its memoised
    matches), kept packed apart: ~27 spans an article, read only for the articles a build
    scans or visits (most are written back as they were read)."""
    own = matches[0]
    return unpack(own) if isinstance(own, bytes) else own


def holds(text: str, form: str) -> bool:
    """Whether `form` is written in `text` where the scan (matching._take) could take it:
    not followed by a letter or digit ("Gove" in "Government" is not)."""
    n, end = len(form), len(text)
    i = text.find(form)
    while i >= 0:
        if i + n >= end or not text[i + n].isalnum():
            return True
        i = text.find(form, i + 1)
    return False


def full_text_of(doc: Doc) -> str:
    """A doc's full text, decompressed when packed (its token spans are left packed)."""
    if doc.text is not None:
        return doc.text
    return zlib.decompress(doc.packed[0]).decode("utf-8", "surrogatepass")


def _words(packed: bytes) -> list[str]:
    return zlib.decompress(packed).decode("utf-8", "surrogatepass").split()


def _scan(text: str, phrases: set[tuple[str, ...]]) -> set[tuple[str, ...]]:
    """The phrases whose words follow each other in `text` (space-separated words)."""
    if len(phrases) <= 16:  # a few: substring search (words hold no spaces)
        padded = f" {text} "
        return {ws for ws in phrases if f" {' '.join(ws)} " in padded}
    lengths: dict[str, set[int]] = {}
    for ws in phrases:
        lengths.setdefault(ws[0], set()).add(len(ws))
    out = set()
    toks = text.split()
    for i, tok in enumerate(toks):
        for n in lengths.get(tok, ()):
            ws = tuple(toks[i:i + n])
            if ws in phrases:
                out.add(ws)
    return out
