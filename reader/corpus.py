"""The catalogue: which articles exist (bundled corpus + user imports), their metadata,
duplicates and near-duplicates, and the clean-article cache.

The metadata the user set (`reader meta`, kept in the store) is laid over the parsed one in
`infos`, `info` and `load`; everything else (cache, duplicates) sees the parsed metadata.

Listing is cheap: parsed metadata is cached by (path, size, mtime) in the data dir, so a
start-up with 10k unchanged files only stats them. Each file is parsed once per content: the
clean articles are kept in the cache (`cache/articles/`, keyed by the file's hash, the
article's id and the importer's version) and read from there by `load`. One file may hold
several articles (a news-database export): each has its own id, `<file id>-<n>`.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import stat
import tomllib
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from reader import importer
from reader.domain import Article, ArticleInfo, ImportOutcome, text_hash
from reader.errors import BadInput, NotFound
from reader.importer.fingerprint import NearIndex, fingerprint
from reader.metadata import overlay_article, overlay_info
from reader.paths import Paths
from reader.textutil import atomic_write, slug

log = logging.getLogger(__name__)

__all__ = ["Catalog", "NearIndex"]

CATALOG_VERSION = 3  # bump when importer rules change, so every file is parsed again


def _info(article: Article) -> ArticleInfo:
    return ArticleInfo(
        id=article.id, title=article.title, source=article.source, author=article.author,
        date=article.date, date_from=article.date_from, path=article.path, sha=article.sha,
        text_hash=article.text_hash, bundled=article.bundled, words=len(article.body.split()),
    )


def _files(folder: Path) -> tuple[list[Path], list[str]]:
    """The article files of a catalogue folder (regular files of a supported type, hidden
    ones left out), and a line for each entry refused (FIFO, device, symlink leaving the
    folder, unreadable folder)."""
    if not folder.is_dir():
        return [], []
    found, outcomes = importer.walk(folder)
    return ([p for p in found if p.suffix.lower() in importer.SUFFIXES],
            [f"{o.path}: {o.reason}" for o in outcomes if o.status == "failed"])


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
        self._cache_file = paths.cache_dir / "catalog.json"
        self._entries: dict[str, dict] = {}  # path -> {"size","mtime","articles"} (or "error")
        self._infos: dict[str, ArticleInfo] = {}
        self._fps: dict[str, str] = {}  # id -> text fingerprint
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

    def _load_cache(self) -> None:
        try:
            raw = json.loads(self._cache_file.read_text(encoding="utf-8"))
            if raw.get("version") == CATALOG_VERSION:
                self._entries = raw["entries"]
        except FileNotFoundError:
            pass
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.info("Catalogue cache unreadable (%s); rescanning", exc)
            self._entries = {}

    def _save_cache(self) -> None:
        try:
            atomic_write(self._cache_file,
                         json.dumps({"version": CATALOG_VERSION, "entries": self._entries}))
        except OSError as exc:  # a read-only data dir still lists articles
            log.info("Could not save the catalogue cache: %s", exc)

    def _parse(self, path: Path, bundled: bool) -> dict:
        """A catalogue entry for one file: its articles' infos and fingerprints, or its error."""
        st = path.stat()
        entry: dict = {"size": st.st_size, "mtime": st.st_mtime_ns}
        try:
            arts = importer.parse_file_all(path, manifest=self._overrides(path.stem),
                                           bundled=bundled, budgeted=True)
        except (BadInput, OSError) as exc:
            entry["error"] = str(exc)
            return entry
        entry["articles"] = [{"info": asdict(_info(a)), "fp": fingerprint(a.body)}
                             for a in arts]
        for art in arts:
            self._keep(art)
        return entry

    def refresh(self) -> list[ArticleInfo]:
        """Rescan both folders; parse only new or changed files. Newest first."""
        if not self._entries:
            self._load_cache()
        self._meta = None
        entries: dict[str, dict] = {}
        infos: dict[str, ArticleInfo] = {}
        fps: dict[str, str] = {}
        by_sha: dict[str, str] = {}
        by_text: dict[str, str] = {}
        problems: list[str] = []
        changed = False
        sources = [(self.paths.corpus_dir, True), (self.paths.imports_dir, False)]
        for folder, bundled in sources:
            found, refused = _files(folder)
            problems.extend(refused)
            for path in found:
                key = str(path)
                try:
                    st = path.stat()
                except OSError as exc:
                    problems.append(f"{path.name}: {exc.strerror}")
                    continue
                entry = self._entries.get(key)
                if not entry or entry["size"] != st.st_size or entry["mtime"] != st.st_mtime_ns:
                    changed = True
                    try:
                        entry = self._parse(path, bundled)
                    except OSError as exc:
                        problems.append(f"{path.name}: {exc.strerror}")
                        continue
                entries[key] = entry
                if "error" in entry:
                    problems.append(entry["error"])
                    continue
                sha = entry["articles"][0]["info"]["sha"]
                if sha in by_sha:
                    problems.append(f"{path.name}: same content as {by_sha[sha]}; skipped")
                    continue
                for item in entry["articles"]:
                    info = ArticleInfo(**{**item["info"], "user_set": ()})
                    if info.id in infos:
                        problems.append(f"{path.name}: id {info.id} already used; skipped")
                        continue
                    if info.text_hash in by_text:
                        problems.append(f"{info.id}: same text as {by_text[info.text_hash]}; "
                                        "skipped")
                        continue
                    by_sha.setdefault(sha, info.id)
                    by_text[info.text_hash] = info.id
                    infos[info.id] = info
                    fps[info.id] = item["fp"]
        if changed or entries.keys() != self._entries.keys():
            self._entries = entries
            self._save_cache()
        if fps != self._fps:
            self._near = None  # worked out again when asked for
        self._infos = infos
        self._fps = fps
        self.problems = problems
        self.generation += 1
        return self.infos()

    @property
    def near_duplicates(self) -> dict[str, tuple[str, float]]:
        """Article id -> (id of the earlier article it nearly repeats, resemblance), in
        catalogue order; computed when first asked for after the articles changed (a listing
        never pays for it)."""
        if self._near is None:
            near, found = NearIndex(), {}
            for doc_id, fp in self._fps.items():
                match = near.match(fp)
                if match:
                    found[doc_id] = match
                near.add(doc_id, fp)
            self._near = found
        return self._near

    # -- clean articles, parsed once per content ---------------------------------------------
    def _article_file(self, sha: str, doc_id: str, path: str, bundled: bool) -> Path:
        key = json.dumps([CATALOG_VERSION, sha, doc_id, path, bundled, self._overrides(doc_id)],
                         sort_keys=True)
        name = hashlib.sha256(key.encode()).hexdigest()
        return self.paths.cache_dir / "articles" / name[:2] / f"{name}.json"

    def _keep(self, art: Article) -> None:
        try:
            atomic_write(self._article_file(art.sha, art.id, art.path, art.bundled),
                         json.dumps(asdict(art), ensure_ascii=False, separators=(",", ":")))
        except OSError as exc:  # derived data: a read-only data dir parses again
            log.info("Could not cache article %s: %s", art.id, exc)

    def _kept(self, info: ArticleInfo) -> Article | None:
        try:
            raw = json.loads(self._article_file(info.sha, info.id, info.path, info.bundled)
                             .read_text(encoding="utf-8"))
            raw["warnings"] = tuple(raw["warnings"])
            raw["user_set"] = ()  # parsed articles only; the user's values are laid on top
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
        for art in arts:
            self._keep(art)
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
        for doc_id, fp in self._fps.items():
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
