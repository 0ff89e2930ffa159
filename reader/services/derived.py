"""Derived tables (entities, policies): loaded from their cache when current, else built from
the NLP cache, article by article (never spaCy). The one load-or-build helper lives here."""

from __future__ import annotations

import gc
import json
import logging
import threading
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reader.corpus import Catalog
from reader.errors import BadInput
from reader.paths import Paths
from reader.textutil import atomic_write, slug

log = logging.getLogger(__name__)


def read_cache(path: Path) -> dict | None:
    """A cache file's JSON object, or None when it is missing, unreadable or not an object
    (derived data: the caller rebuilds it). Values kept beside it as bytes (`dump_cache`)
    are read back; one missing or damaged is left out with a log line (an entity table
    without its state: the next build reads every article)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("Cache %s unreadable (%s); rebuilding it", path.name, exc)
        return None
    if not isinstance(raw, dict):
        return None
    for key, value in list(raw.items()):
        if isinstance(value, dict) and _BYTES in value:
            blob = _read_beside(path, key, value)
            if blob is None:
                del raw[key]
            else:
                raw[key] = blob
    return raw


_BYTES = "$bytes"  # a JSON value naming a file beside the cache: {"$bytes": name, "size", "crc32"}


def _beside(path: Path, key: str) -> Path:
    return path.with_name(f"{path.stem}.{key}.bin")


def _read_beside(path: Path, key: str, ref: dict) -> bytes | None:
    side = _beside(path, key)
    try:
        blob = side.read_bytes()
    except OSError as exc:
        log.warning("Cache %s: %s unreadable (%s); rebuilding it", path.name, side.name, exc)
        return None
    if len(blob) != ref.get("size") or zlib.crc32(blob) != ref.get("crc32"):
        log.warning("Cache %s: %s is not the one it names (damaged or replaced); "
                    "rebuilding it", path.name, side.name)
        return None
    return blob


def write_cache(path: Path, data: dict) -> None:
    """Write a table cache (`<data dir>/cache/NAME.json`, `dump_cache`) under the index's
    inter-process write lock, taken without waiting: when another process holds it (it is
    updating the derived data itself) or the file cannot be written, the cache is left as
    it is — derived data, recomputed by whoever needs it next."""
    from reader.errors import IndexBusy
    from reader.search.lock import WriteLock

    try:
        with WriteLock.of(path.parent.parent).hold(timeout=0):
            dump_cache(path, data)
    except IndexBusy:
        log.info("Not writing %s: another process is updating the derived data", path)
    except OSError as exc:  # derived data: a read-only data dir just recomputes it
        log.info("Could not write %s: %s", path, exc)


def dump_cache(path: Path, data: dict) -> None:
    """`data` as JSON in `path`, each top-level bytes value in a file beside it
    (`NAME.KEY.bin`, written first) named in the JSON with its size and CRC-32: packed
    tables are read and written as they are, never as base64 text inside JSON. Each file
    is replaced atomically; a reader that finds a file beside the JSON that is not the one
    the JSON names (a writer stopped between the two) drops that value (`read_cache`).
    Raises OSError."""
    out = {}
    for key, value in data.items():
        if isinstance(value, bytes):
            atomic_write(_beside(path, key), value)
            value = {_BYTES: _beside(path, key).name, "size": len(value),
                     "crc32": zlib.crc32(value)}
        out[key] = value
    atomic_write(path, b"".join(json_parts(out)))


_ESCAPED = bytes(range(0x20)) + b'"\\\x7f'  # the ASCII bytes json.dumps escapes


def json_parts(data: dict) -> list[bytes]:
    """`json.dumps(data, separators=(",", ":"))` encoded, in parts (the same bytes once
    joined), each top-level text written as it is when JSON would escape no character of
    it (packed caches: 16 MB of base64 checked in a third of the time json.dumps takes)."""
    parts = [b"{"]
    for key, value in data.items():
        if len(parts) > 1:
            parts.append(b",")
        if isinstance(key, str) and isinstance(value, str) and value.isascii():
            raw = value.encode("ascii")
            if len(raw.translate(None, _ESCAPED)) == len(raw):
                parts += [json.dumps(key).encode(), b':"', raw, b'"']
                continue
        parts.append(json.dumps({key: value}, separators=(",", ":"))[1:-1].encode())
    parts.append(b"}")
    return parts


def load_or_build(path: Path, fingerprint: str, load: Callable[[dict], Any],
                  build: Callable[[dict | None], tuple[Any, dict | None]] | None,
                  raw: dict | None = None) -> tuple[Any, dict | None]:
    """(table, raw cache) from `path` when its fingerprint is `fingerprint`; else, with a
    `build`, a new table built with the stale cache as a hint (`build(previous)` returns the
    table and the cache to write, or None when the table is incomplete and not worth
    caching); without one, (None, None). `raw` skips reading the file again (the file's
    content as this process last read or wrote it: `KeptCache`)."""
    if raw is None:
        raw = read_cache(path)
    if raw is not None and raw.get("fingerprint") == fingerprint:
        try:
            return load(raw), raw
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("Cache %s damaged (%s); rebuilding it", path.name, exc)
    if build is None:
        return None, None
    table, fresh = build(raw)
    if fresh is not None:
        write_cache(path, fresh)
    return table, fresh


@contextmanager
def bulk() -> Iterator[None]:
    """For loading or building a table: the cyclic collector paused (many objects, no
    cycles: see entities.state.gc_paused). The objects made meanwhile are young to the
    collector: its next young collection would walk every one of them (0.1-0.15 s after an
    entity table is built or read) only to promote them. So when this is the process's
    only thread, the young garbage is collected first and the objects made are moved to the
    oldest generation at the end (`gc.freeze` + `gc.unfreeze`: list splices); garbage
    cycles among them are collected by the next full collection. Not with other threads:
    what they make meanwhile would wait for a full collection too, and PySide6 frees a
    widget's wrapper collected after the widget ("free(): invalid pointer"). (Nothing in the
    reader freezes objects for good: `unfreeze` would release them.)"""
    from reader.extraction.entities.state import gc_paused

    alone = gc.isenabled() and threading.active_count() == 1
    if alone:
        gc.collect(1)
    with gc_paused():
        try:
            yield
        finally:
            if alone and threading.active_count() == 1:
                gc.freeze()
                gc.unfreeze()


class KeptCache:
    """A table cache's content kept in memory with the file's identity (inode, size,
    mtime) when this process read or wrote it: while the file is unchanged the content is
    handed on instead of parsing the file again (20 MB of JSON for the entity table: read
    once per process, not after every update). A file changed by another process is read."""

    def __init__(self, path: Path):
        self.path = path
        self._raw: dict | None = None
        self._seen: tuple | None = None

    def _identity(self) -> tuple | None:
        try:
            st = self.path.stat()
        except OSError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def get(self) -> dict | None:
        """The kept content when the file is still the one it came from, else None."""
        if self._raw is not None and self._seen is not None and self._identity() == self._seen:
            return self._raw
        return None

    def keep(self, raw: dict | None) -> None:
        """`raw` is the file's content now (just read, or just written)."""
        self._raw, self._seen = raw, self._identity() if raw is not None else None


class DerivedTables:
    """The entity table (with the user's corrections on top) and the policy table (codebook +
    the user's policies), each kept in memory once loaded or built."""

    def __init__(self, paths: Paths, catalog: Catalog, edits: Callable[[], list[dict]],
                 user_policy_rows: Callable[[], list[dict]],
                 policy_edits: Callable[[], list[dict]] = list):
        self.paths = paths
        self.catalog = catalog
        self._edits = edits
        self._user_policy_rows = user_policy_rows
        self._policy_edits = policy_edits
        self._lock = threading.RLock()  # the UI's worker lanes may ask at once
        self._entities = None
        # The extraction as cached (before edits). The policy table's cache is read again
        # when needed (a fifth of the size: not worth holding).
        self._entity_raw = KeptCache(paths.cache_dir / "entities.json")
        self._analyses = None  # (catalogue generation, hashes, nlp.CachedAnalyses)
        self._policies = None
        self._doc_entities: dict[str, tuple[str, ...]] | None = None
        self._doc_policies: dict[str, tuple[str, ...]] | None = None

    def _infos(self):
        return self.catalog.infos() or self.catalog.refresh()

    def invalidate(self, *, extraction: bool = False, edits: bool = False,
                   policies: bool = False) -> None:
        """Forget what changed: `extraction` (articles or their analyses), `edits` (the
        user's corrections: re-applied on the cached extraction), `policies` (user policies
        and policy edits)."""
        with self._lock:
            if extraction:  # the kept caches stay: hints for the next build, or current
                self._analyses = None
            if extraction or edits:
                self._entities = None
                self._doc_entities = None
            if extraction or edits or policies:  # actors are resolved against entities
                self._policies = None
                self._doc_policies = None

    # -- entities ------------------------------------------------------------------------
    def entities(self, build: bool = True):
        """The EntityTable; None when it is stale and `build` is False. Articles not analysed
        yet are left out."""
        with self._lock:
            if self._entities is None:
                with bulk():  # many objects, no cycles: see gc_paused
                    self._entities = self._load_entities(build)
            return self._entities

    def _cached_analyses(self, infos):
        """nlp.CachedAnalyses of `infos` (which articles' analyses are in the NLP cache: a
        file check per article), shared by both tables' builds after one catalogue
        refresh."""
        from reader.extraction import nlp

        hashes = {i.id: i.text_hash for i in infos}
        kept = self._analyses
        if kept is None or kept[0] != self.catalog.generation or kept[1] != hashes:
            kept = self._analyses = (self.catalog.generation, hashes,
                                     nlp.CachedAnalyses(self.paths.cache_dir, hashes))
        return kept[2]

    def _load_entities(self, build: bool):
        from reader.extraction import entities as ent

        infos = self._infos()
        fp = ent.fingerprint(infos, self.paths.resources_dir)
        edits = self._edits()

        def make(previous: dict | None):
            # Article by article: never every article or every analysis in memory at once.
            analyses = self._cached_analyses(infos)
            # Unchanged articles keep their per-article results from the stale cache.
            table = ent.build_entities([i for i in infos if i.id in analyses], analyses,
                                       self.paths.resources_dir, edits,
                                       previous=previous, load=self.catalog.load)
            # Only a complete extraction is worth caching.
            return table, table.to_cache() if table.fingerprint == fp else None

        table, raw = load_or_build(self._entity_raw.path, fp,
                                   lambda raw: ent.EntityTable.from_cache(raw, edits),
                                   make if build else None, raw=self._entity_raw.get())
        if table is not None:
            self._entity_raw.keep(raw)
        return table

    # -- policies ------------------------------------------------------------------------
    def user_policies(self) -> list[dict]:
        """The user's policies in the codebook's shape, ids "user-<slug>" (stable), each with
        its `store_id`."""
        from reader.extraction.policies import validate_policies

        out, taken = [], set()
        for row in self._user_policy_rows():
            base = "user-" + (slug(row["label"], 40) or str(row["id"]))
            pid = base if base not in taken else f"{base}-{row['id']}"
            taken.add(pid)
            try:
                out += validate_policies([{"id": pid, "label": row["label"],
                                           "description": row["description"],
                                           "patterns": row["patterns"]}])
            except BadInput as exc:
                log.warning("Skipping user policy %s: %s", row["label"], exc)
                continue
            out[-1]["store_id"] = row["id"]
        return out

    def policy_definitions(self):
        """The policies to match (`overlay.Definitions`): the codebook that travels with the
        corpus folder, the user's own policies, and those promoted or imported by an edit.
        Raises BadInput for a broken codebook file."""
        from reader.extraction.policies import library_codebook
        from reader.extraction.policies.overlay import apply_definitions

        user = [{k: v for k, v in p.items() if k != "store_id"} for p in self.user_policies()]
        return apply_definitions(library_codebook(self.paths.corpus_dir), user,
                                 self._policy_edits())

    def policies(self, build: bool = True):
        """The PolicyTable (codebook + user policies, the user's policy edits laid on top);
        None when stale and not `build`."""
        with self._lock:
            if self._policies is None:
                with bulk():  # many objects, no cycles: see gc_paused
                    self._policies = self._load_policies(build)
            return self._policies

    def _load_policies(self, build: bool):
        from reader.extraction import policies as pol

        defs = self.policy_definitions()
        codebook, user = defs.book, defs.users
        infos = self._infos()
        fp = pol.fingerprint(infos, codebook, user, resources_dir=self.paths.resources_dir)
        entities = self.entities(build=build)
        answers: dict[str, str | None] = {}  # one lookup per actor's name

        def resolve(name: str):
            if name not in answers:
                found = entities.find(name) if entities is not None else None
                answers[name] = found.id if found is not None else None
            return answers[name]

        def make(previous: dict | None):
            analyses = self._cached_analyses(infos)
            # Unchanged articles keep their results from the stale cache (`previous`) and
            # are never loaded; the others are loaded one at a time (`load`).
            table = pol.build_policies(infos, analyses, codebook, user, resolve,
                                       previous=previous, load=self.catalog.load,
                                       resources_dir=self.paths.resources_dir)
            complete = len(analyses) == len(infos)
            return table, ({**table.to_cache(raw_facts=True), "fingerprint": fp} if complete
                           else None)

        table, _ = load_or_build(self.paths.cache_dir / "policies.json", fp,
                                 lambda raw: pol.PolicyTable.from_cache(raw, resolve),
                                 make if build else None)
        if table is None:
            return None
        return table.overlaid(self._policy_edits(), defs.promoted, defs.skipped)

    # -- per-article values for the search index ----------------------------------------
    def doc_extras(self, doc_id: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(entity names, policy ids) of one article, for its index fields."""
        with self._lock:
            if self._doc_entities is None or self._doc_policies is None:
                with bulk():  # many objects, no cycles: see gc_paused
                    self._doc_values()
            return self._doc_entities.get(doc_id, ()), self._doc_policies.get(doc_id, ())

    def _doc_values(self) -> None:
        """The per-article entity names and policy ids, from both tables (each article's
        in the order `_stamp` hashes them: sorted)."""
        if self._doc_entities is None:
            names: dict[str, set[str]] = defaultdict(set)
            table = self.entities()
            for e in table.entities if table is not None else ():
                if not e.hidden:
                    name = e.name
                    for m in e.mentions:  # quicker than a set of each entity's articles
                        names[m.doc].add(name)
            self._doc_entities = {d: tuple(sorted(n)) for d, n in names.items()}
        if self._doc_policies is None:
            ids: dict[str, set[str]] = defaultdict(set)
            table = self.policies()
            for p in table.policies if table is not None else ():
                if not p.hidden:
                    pid = p.id
                    for doc in {m.doc for m in p.mentions}:
                        ids[doc].add(pid)
            self._doc_policies = {d: tuple(sorted(i)) for d, i in ids.items()}
