"""The catalogue: which articles exist (bundled corpus + user imports), their metadata,
duplicates and near-duplicates, and the clean-article cache.

The metadata the user set (`reader meta`, kept in the store) is laid over the parsed one in
`infos`, `info` and `load`; everything else (cache, duplicates) sees the parsed metadata.

Listing is cheap: parsed metadata is cached by (path in its folder, size, mtime) in the data
dir (`catalog_cache`), so a start-up with 10k unchanged files only stats them (`catalog_scan`).
Each file is parsed once per content: the clean articles are kept in the cache
(`cache/articles/`, keyed by the file's hash and place in its folder, the article's id and the
importer's version) and read from there by `load`. One file may hold several articles (a
news-database export): each has its own id, `<file id>-<n>`.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import stat
import threading
import tomllib
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from reader import catalog_cache, importer
from reader.catalog_scan import scan
from reader.domain import Article, ArticleInfo, ImportOutcome, text_hash
from reader.errors import BadInput, NotFound
from reader.importer.fingerprint import NearIndex, fingerprint
from reader.metadata import overlay_article, overlay_info
from reader.paths import Paths
from reader.textutil import atomic_write, slug

log = logging.getLogger(__name__)

__all__ = ["Catalog", "NearIndex"]

CATALOG_VERSION = 3  # bump when importer rules change, so every file is parsed again
# Files parsed again at most whose fingerprints are not worth reading and writing the whole
# fingerprint file for (a few edited files: the next near-duplicate check works theirs out).
FEW_PRINTS = 16


def _row(article: Article) -> catalog_cache.Row:
    return (article.id, article.title, article.source, article.author, article.date,
            article.date_from, article.sha, article.text_hash, len(article.body.split()))


def _info(row: catalog_cache.Row, path: str, bundled: bool) -> ArticleInfo:
    # By position (a third faster than by keyword: 10k at each start); the order is
    # ArticleInfo's (id, title, source, author, date, date_from, path, sha, text_hash,
    # bundled, words), checked by tests/test_catalog.py.
    return ArticleInfo(row[0], row[1], row[2], row[3], row[4], row[5], path, row[6], row[7],
                       bundled, row[8])


def _given(p: Path) -> tuple[list[Path], list[ImportOutcome]]:
    """A path given to import: a folder's files (see `importer.walk`), or the file itself
    (a symlink the user named may point anywhere, but only to a regular file)."""
    try:
        st = p.lstat()
        if stat.S_ISLNK(st.st_mode):
            problem, st = importer.files.link_problem(p, None)
            if problem:
                return [], [ImportOutcome(str(p), "failed", problem)]
    except OSError as exc:
        reason = ("no such file or folder" if exc.errno == errno.ENOENT
                  else f"could not be examined ({exc.strerror or exc})")
        return [], [ImportOutcome(str(p), "failed", reason)]
    assert st is not None
    if stat.S_ISDIR(st.st_mode):
        found, outcomes = importer.walk(p)
        if not found and not outcomes:
            outcomes.append(ImportOutcome(str(p), "skipped", "empty folder"))
        return found, outcomes
    if not stat.S_ISREG(st.st_mode):
        kind = importer.files.kind(st.st_mode)
        return [], [ImportOutcome(str(p), "failed", f"{kind}, not a regular file; not read")]
    return [p], []


def _near_warning(match: tuple[str, float]) -> str:
    return (f"near-duplicate of {match[0]} (resemblance {match[1]:.2f}): the same story, "
            "perhaps updated; both are kept")


class Catalog:
    """Articles of one corpus folder plus the data dir's imports."""

    def __init__(self, paths: Paths, user_meta: Callable[[], dict[str, dict]] | None = None):
        self.paths = paths
        self._user_meta_source = user_meta  # doc id -> {field: value} the user set
        self._meta: dict[str, dict] | None = None  # read again after each refresh
        self._titled: dict[tuple[str, str, str], str] = {}  # text hash under a user's title
        self._cache_file = paths.cache_dir / "catalog.bin"
        self._fp_file = paths.cache_dir / "catalog-fp.bin"
        self._legacy_file = paths.cache_dir / "catalog.json"  # before catalog.bin; migrated
        self._entries: dict[str, catalog_cache.Entry] = {}  # key -> (size, mtime, rows|error)
        self._fps: dict[str, catalog_cache.Prints] | None = None  # read when first needed
        self._fps_dirty = False  # fingerprints to save
        self._fps_new: dict[str, catalog_cache.Prints] = {}  # parsed while _fps was unread
        self._fp_refs: list[tuple[str, str, int]] = []  # (id, key, n): listed articles
        self._infos: dict[str, ArticleInfo] = {}
        self._lock = threading.Lock()  # one refresh at a time (the UI lists off its thread)
        self.problems: list[str] = []  # one line per file or article that could not be listed
        self._near: dict[str, tuple[str, float]] | None = None  # see near_duplicates
        self.generation = 0  # +1 after each refresh and metadata change (for caches)
        self.manifest = self._read_manifest()

    def _read_manifest(self) -> dict:
        path = self.paths.corpus_dir / "corpus.toml"
        if not path.exists():
            return {}
        try:
            return tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            log.warning("Ignoring unreadable corpus manifest %s: %s", path, exc)
            return {}

    @property
    def name(self) -> str:
        return self.manifest.get("name", self.paths.corpus_dir.name)

    def _overrides(self, doc_id: str) -> dict[str, str]:
        return (self.manifest.get("articles") or {}).get(doc_id, {})

    def _folders(self) -> dict[str, str]:
        return {catalog_cache.CORPUS: str(self.paths.corpus_dir),
                catalog_cache.IMPORTS: str(self.paths.imports_dir)}

    def _load_cache(self) -> bool:
        """Read the cache file (or convert the old JSON one); True when it must be saved."""
        cached = catalog_cache.load(self._cache_file, CATALOG_VERSION)
        if cached is not None:
            self._entries = cached
            return False
        legacy = catalog_cache.load_legacy(self._legacy_file, CATALOG_VERSION, self._folders())
        if legacy is None:
            return False
        self._entries, self._fps = legacy
        self._fps_dirty = True
        return True

    def _save_cache(self) -> None:
        try:
            catalog_cache.save(self._cache_file, CATALOG_VERSION, self._entries)
            # A few files parsed again while the fingerprint file is unread: it is not read
            # and written again for them (2 MB at 2k articles); it keeps their stale prints
            # (each with its file's sha: never used) until a near-duplicate check works them
            # out again and saves them (`_fingerprints`).
            if self._fps_dirty and (self._fps is not None or len(self._fps_new) > FEW_PRINTS
                                    or not self._fp_file.exists()):
                self._save_fingerprints()
            self._legacy_file.unlink(missing_ok=True)
        except OSError as exc:  # a read-only data dir still lists articles
            log.info("Could not save the catalogue cache: %s", exc)

    def _save_fingerprints(self) -> None:
        """Raises OSError."""
        fps = self._fingerprint_map()
        catalog_cache.save_fingerprints(self._fp_file, CATALOG_VERSION,
                                        {key: fps[key] for key in self._entries if key in fps})
        self._fps_dirty = False

    def _fingerprint_map(self) -> dict[str, catalog_cache.Prints]:
        if self._fps is None:
            self._fps = catalog_cache.load_fingerprints(self._fp_file, CATALOG_VERSION)
            self._fps.update(self._fps_new)
            self._fps_new = {}
        return self._fps

    def _parse(self, path: str, key: str, bundled: bool, size: int, mtime: int
               ) -> catalog_cache.Entry:
        """A catalogue entry for one file: its articles' rows (fingerprints kept aside), or
        its error."""
        file = Path(path)
        try:
            arts = importer.parse_file_all(file, manifest=self._overrides(file.stem),
                                           bundled=bundled, budgeted=True)
        except (BadInput, OSError) as exc:
            return (size, mtime, str(exc))
        if arts:
            prints = (arts[0].sha, tuple(fingerprint(a.body) for a in arts))
            (self._fps if self._fps is not None else self._fps_new)[key] = prints
            self._fps_dirty = True
        for art in arts:
            self._keep(art, key)
        return (size, mtime, tuple(_row(a) for a in arts))

    def refresh(self) -> list[ArticleInfo]:
        """Rescan both folders; parse only new or changed files. Newest first."""
        with self._lock:
            self._refresh()
        return self.infos()

    def _refresh(self) -> None:
        dirty = self._load_cache() if not self._entries else False
        self._meta = None
        entries: dict[str, catalog_cache.Entry] = {}
        infos: dict[str, ArticleInfo] = {}
        refs: list[tuple[str, str, int]] = []
        by_sha: dict[str, str] = {}
        by_text: dict[str, str] = {}
        problems: list[str] = []
        changed = False
        sources = [(self.paths.corpus_dir, catalog_cache.CORPUS, True),
                   (self.paths.imports_dir, catalog_cache.IMPORTS, False)]
        suffixes = frozenset(importer.SUFFIXES)
        for folder, prefix, bundled in sources:
            found, refused = scan(folder, suffixes)
            problems.extend(refused)
            for rel, path, size, mtime in found:
                key = prefix + rel
                entry = self._entries.get(key)
                if entry is None or entry[0] != size or entry[1] != mtime:
                    changed = True
                    entry = self._parse(path, key, bundled, size, mtime)
                entries[key] = entry
                rows = entry[2]
                if isinstance(rows, str):
                    problems.append(rows)
                    continue
                sha = rows[0][6]
                if sha in by_sha:
                    name = os.path.basename(path)
                    problems.append(f"{name}: same content as {by_sha[sha]}; skipped")
                    continue
                for n, row in enumerate(rows):
                    doc_id, hashed = row[0], row[7]
                    if doc_id in infos:
                        name = os.path.basename(path)
                        problems.append(f"{name}: id {doc_id} already used; skipped")
                        continue
                    if hashed in by_text:
                        problems.append(f"{doc_id}: same text as {by_text[hashed]}; skipped")
                        continue
                    by_sha.setdefault(sha, doc_id)
                    by_text[hashed] = doc_id
                    infos[doc_id] = _info(row, path, bundled)
                    refs.append((doc_id, key, n))
        if dirty or changed or entries.keys() != self._entries.keys():
            self._entries = entries
            self._save_cache()
        if changed or refs != self._fp_refs:
            self._near = None  # worked out again when asked for
        self._infos = infos
        self._fp_refs = refs
        self.problems = problems
        self.generation += 1

    def _fingerprints(self) -> dict[str, str]:
        """{id: text fingerprint} of the listed articles, in catalogue order."""
        with self._lock:  # a refresh in another lane adds to the map
            fps = dict(self._fingerprint_map())
            refs, infos, entries = self._fp_refs, self._infos, self._entries
        out, worked = {}, {}
        for doc_id, key, n in refs:
            info = infos[doc_id]
            sha, kept = fps.get(key) or ("", ())
            if sha == info.sha and n < len(kept):
                out[doc_id] = kept[n]
            else:  # lost or stale: worked out again
                out[doc_id] = fingerprint(self._load_parsed(info).body)
                worked.setdefault(key, (info.sha, {}))[1][n] = out[doc_id]
        if worked or self._fps_dirty:
            with self._lock:
                fps = self._fingerprint_map()
                for key, (sha, parts) in worked.items():
                    entry = entries.get(key)  # kept when every article of the file was
                    if (entry is not None and self._entries.get(key) is entry  # not parsed since
                            and len(entry[2]) == len(parts)):
                        fps[key] = (sha, tuple(parts[n] for n in range(len(parts))))
                        self._fps_dirty = True
                try:
                    if self._fps_dirty:
                        self._save_fingerprints()
                except OSError as exc:  # derived data: worked out again next time
                    log.info("Could not save the catalogue's fingerprints: %s", exc)
        return out

    @property
    def near_duplicates(self) -> dict[str, tuple[str, float]]:
        """Article id -> (id of the earlier article it nearly repeats, resemblance), in
        catalogue order; computed when first asked for after the articles changed (a listing
        never pays for it)."""
        if self._near is None:
            near, found = NearIndex(), {}
            for doc_id, fp in self._fingerprints().items():
                match = near.match(fp)
                if match:
                    found[doc_id] = match
                near.add(doc_id, fp)
            self._near = found
        return self._near

    # -- clean articles, parsed once per content ---------------------------------------------
    def _article_file(self, sha: str, doc_id: str, where: str, bundled: bool) -> Path:
        """The cache file of a clean article; `where` is its file's catalogue key (before
        catalog.bin: its absolute path, still read by `_kept`)."""
        key = json.dumps([CATALOG_VERSION, sha, doc_id, where, bundled, self._overrides(doc_id)],
                         sort_keys=True)
        name = hashlib.sha256(key.encode()).hexdigest()
        return self.paths.cache_dir / "articles" / name[:2] / f"{name}.json"

    def _key(self, path: str, bundled: bool) -> str:
        """The catalogue key of an article file (its path inside its folder)."""
        if bundled:
            return catalog_cache.key_of(path, str(self.paths.corpus_dir), catalog_cache.CORPUS)
        return catalog_cache.key_of(path, str(self.paths.imports_dir), catalog_cache.IMPORTS)

    def _keep(self, art: Article, key: str) -> None:
        try:
            atomic_write(self._article_file(art.sha, art.id, key, art.bundled),
                         json.dumps(asdict(art), ensure_ascii=False, separators=(",", ":")))
        except OSError as exc:  # derived data: a read-only data dir parses again
            log.info("Could not cache article %s: %s", art.id, exc)

    def _kept(self, info: ArticleInfo) -> Article | None:
        """The cached clean article, or None (then the file is parsed again)."""
        try:
            try:
                file = self._article_file(info.sha, info.id, self._key(info.path, info.bundled),
                                          info.bundled)
                text = file.read_text(encoding="utf-8")
            except FileNotFoundError:  # cached before the keys were relative
                text = self._article_file(info.sha, info.id, info.path, info.bundled) \
                    .read_text(encoding="utf-8")
            raw = json.loads(text)
            raw["warnings"] = tuple(raw["warnings"])
            raw["user_set"] = ()  # parsed articles only; the user's values are laid on top
            raw["path"] = info.path  # where the file is now (the folder may have moved)
            art = Article(**raw)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.info("Article cache for %s unreadable (%s); parsing the file", info.id, exc)
            return None
        return art if art.text_hash == info.text_hash else None

    # -- the user's metadata ---------------------------------------------------------------
    def user_meta(self) -> dict[str, dict]:
        """doc id -> {field: value} the user set (read once per refresh or change)."""
        meta = self._meta
        if meta is None:
            meta = self._user_meta_source() if self._user_meta_source else {}
            self._meta = meta
        return meta

    def meta_changed(self) -> None:
        """The user's metadata changed: read it again."""
        self._meta = None
        self.generation += 1

    def _user_info(self, info: ArticleInfo) -> ArticleInfo:
        fields = self.user_meta().get(info.id)
        if not fields:
            return info
        hashed = info.text_hash
        title = fields.get("title")
        if title is not None and title != info.title:
            key = (info.id, info.text_hash, title)
            hashed = self._titled.get(key) or text_hash(title, self._load_parsed(info).body)
            self._titled[key] = hashed
        return overlay_info(info, fields, hashed)

    def infos(self) -> list[ArticleInfo]:
        return sorted((self._user_info(i) for i in self._infos.values()),
                      key=lambda i: (i.date or "0000", i.id), reverse=True)

    def _parsed_info(self, doc_id: str) -> ArticleInfo:
        if not self._infos:
            self.refresh()
        try:
            return self._infos[doc_id]
        except KeyError:
            raise NotFound(f"No article with id '{doc_id}'") from None

    def info(self, doc_id: str) -> ArticleInfo:
        """An article's entry, with the metadata the user set. Raises NotFound."""
        return self._user_info(self._parsed_info(doc_id))

    def load(self, doc_id: str) -> Article:
        """The clean article (with the metadata the user set): from the cache, else parsed
        from its file (and kept)."""
        art = self._load_parsed(self._parsed_info(doc_id))
        return overlay_article(art, self.user_meta().get(doc_id) or {})

    def _load_parsed(self, info: ArticleInfo) -> Article:
        doc_id = info.id
        art = self._kept(info)
        if art is not None:
            return art
        path = Path(info.path)
        try:
            arts = importer.parse_file_all(path, manifest=self._overrides(path.stem),
                                           bundled=info.bundled, budgeted=True)
        except (OSError, BadInput) as exc:
            raise NotFound(f"Article '{doc_id}' can no longer be read: {exc}") from exc
        key = self._key(info.path, info.bundled)
        for art in arts:
            self._keep(art, key)
        for art in arts:
            if art.id == doc_id:
                return art
        raise NotFound(f"Article '{doc_id}' is no longer in {path.name}")

    # -- import --------------------------------------------------------------------------
    def import_paths(self, paths: list[str | os.PathLike]) -> list[ImportOutcome]:
        """Copy files (folders: every file in them) into the imports dir.

        Each file gets an outcome (each article of a news-database export its own), an
        unsupported or hidden one included; one bad file never stops the batch."""
        if not self._infos:
            self.refresh()
        known = {i.sha: i.id for i in self._infos.values()}
        known_text = {i.text_hash: i.id for i in self._infos.values()}
        near = NearIndex()
        for doc_id, fp in self._fingerprints().items():
            near.add(doc_id, fp)
        outcomes: list[ImportOutcome] = []
        files: list[Path] = []
        for given in paths:
            found, refused = _given(Path(given).expanduser())
            outcomes.extend(refused)
            files.extend(found)
        for path in files:
            outcomes.extend(self._import_one(path, known, known_text, near))
        if any(o.status == "imported" for o in outcomes):
            self.refresh()
        return outcomes

    def _import_one(self, path: Path, known: dict[str, str], known_text: dict[str, str],
                    near: NearIndex) -> list[ImportOutcome]:
        where = str(path)
        try:
            reason = importer.unsupported_reason(path.name)
            if reason:
                return [ImportOutcome(where, "failed", reason)]
            raw = importer.read_file(path)  # regular files only, size checked on the open file
            sha = importer.sha256(raw)
            if sha in known:
                return [ImportOutcome(where, "skipped",
                                      f"duplicate: same content as {known[sha]}", known[sha])]
            doc_id = f"{slug(path.stem, 40) or 'article'}-{sha[:8]}"
            arts = importer.parse_bytes_budgeted(raw, path.name, doc_id)
        except BadInput as exc:
            return [ImportOutcome(where, "failed", str(exc).removeprefix(f"{path.name}: "))]
        except OSError as exc:
            return [ImportOutcome(where, "failed", exc.strerror or str(exc))]
        outcomes: list[ImportOutcome] = []
        fresh: list[tuple[Article, str]] = []
        for art in arts:
            if art.text_hash in known_text:
                outcomes.append(ImportOutcome(where, "skipped", "duplicate: same text as "
                                              f"{known_text[art.text_hash]}",
                                              known_text[art.text_hash]))
            else:
                fresh.append((art, fingerprint(art.body)))
        if not fresh:
            return outcomes
        dest = self.paths.imports_dir / f"{doc_id}{path.suffix.lower()}"
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            tmp = dest.with_suffix(dest.suffix + ".part")
            tmp.write_bytes(raw)  # the bytes read and parsed, not the path again
            os.replace(tmp, dest)
        except OSError as exc:
            return [ImportOutcome(where, "failed",
                                  f"could not copy into the data dir: {exc.strerror or exc}")]
        known[sha] = doc_id
        for art, fp in fresh:
            warnings = list(art.warnings)
            match = near.match(fp)
            if match:
                warnings.append(_near_warning(match))
            near.add(art.id, fp)
            known_text[art.text_hash] = art.id
            outcomes.append(ImportOutcome(where, "imported", "", art.id, tuple(warnings)))
        return outcomes
