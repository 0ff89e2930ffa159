"""The catalogue: which article files exist (bundled corpus + user imports) and their metadata.

Listing is cheap: parsed metadata is cached by (path, size, mtime) in the data dir, so a
start-up with 10k unchanged files only stats them. Each file is parsed once per content: the
clean article is kept in the cache (`cache/articles/`, keyed by the file's hash, its id and
the importer's version) and read from there by `load`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tomllib
from dataclasses import asdict
from pathlib import Path

from reader import importer
from reader.domain import Article, ArticleInfo, ImportOutcome
from reader.errors import BadInput, NotFound
from reader.paths import Paths
from reader.textutil import atomic_write, slug

log = logging.getLogger(__name__)

CATALOG_VERSION = 2  # bump when importer rules change, so every file is parsed again


def _info(article: Article) -> ArticleInfo:
    return ArticleInfo(
        id=article.id, title=article.title, source=article.source, author=article.author,
        date=article.date, date_from=article.date_from, path=article.path, sha=article.sha,
        text_hash=article.text_hash, bundled=article.bundled, words=len(article.body.split()),
    )


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and p.suffix.lower() in importer.SUFFIXES
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


class Catalog:
    """Articles of one corpus folder plus the data dir's imports."""

    def __init__(self, paths: Paths):
        self.paths = paths
        self._cache_file = paths.cache_dir / "catalog.json"
        self._entries: dict[str, dict] = {}  # path -> {"size","mtime","info"} (or "error")
        self._infos: dict[str, ArticleInfo] = {}
        self.problems: list[str] = []  # one line per file that could not be read
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

    def refresh(self) -> list[ArticleInfo]:
        """Rescan both folders; parse only new or changed files. Newest first."""
        if not self._entries:
            self._load_cache()
        entries: dict[str, dict] = {}
        infos: dict[str, ArticleInfo] = {}
        by_sha: dict[str, str] = {}
        problems: list[str] = []
        changed = False
        sources = [(self.paths.corpus_dir, True), (self.paths.imports_dir, False)]
        for folder, bundled in sources:
            for path in _files(folder):
                key = str(path)
                try:
                    st = path.stat()
                except OSError as exc:
                    problems.append(f"{path.name}: {exc.strerror}")
                    continue
                entry = self._entries.get(key)
                if not entry or entry["size"] != st.st_size or entry["mtime"] != st.st_mtime_ns:
                    changed = True
                    entry = {"size": st.st_size, "mtime": st.st_mtime_ns}
                    try:
                        art = importer.parse_file(path, manifest=self._overrides(path.stem),
                                                  bundled=bundled)
                        entry["info"] = asdict(_info(art))
                        self._keep(art)
                    except (BadInput, OSError) as exc:
                        entry["error"] = str(exc)
                entries[key] = entry
                if "error" in entry:
                    problems.append(entry["error"])
                    continue
                info = ArticleInfo(**entry["info"])
                if info.sha in by_sha:
                    problems.append(f"{path.name}: same content as {by_sha[info.sha]}; skipped")
                    continue
                if info.id in infos:
                    problems.append(f"{path.name}: id {info.id} already used; skipped")
                    continue
                by_sha[info.sha] = info.id
                infos[info.id] = info
        if changed or entries.keys() != self._entries.keys():
            self._entries = entries
            self._save_cache()
        self._infos = infos
        self.problems = problems
        return self.infos()

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
            art = Article(**raw)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.info("Article cache for %s unreadable (%s); parsing the file", info.id, exc)
            return None
        return art if art.text_hash == info.text_hash else None

    def infos(self) -> list[ArticleInfo]:
        return sorted(self._infos.values(), key=lambda i: (i.date or "0000", i.id), reverse=True)

    def info(self, doc_id: str) -> ArticleInfo:
        if not self._infos:
            self.refresh()
        try:
            return self._infos[doc_id]
        except KeyError:
            raise NotFound(f"No article with id '{doc_id}'") from None

    def load(self, doc_id: str) -> Article:
        """The clean article: from the cache, else parsed from its file (and kept)."""
        info = self.info(doc_id)
        art = self._kept(info)
        if art is not None:
            return art
        try:
            art = importer.parse_file(Path(info.path), manifest=self._overrides(doc_id),
                                      bundled=info.bundled)
        except (OSError, BadInput) as exc:
            raise NotFound(f"Article '{doc_id}' can no longer be read: {exc}") from exc
        self._keep(art)
        return art

    # -- import --------------------------------------------------------------------------
    def import_paths(self, paths: list[str | os.PathLike]) -> list[ImportOutcome]:
        """Copy files (folders: their supported files) into the imports dir.

        Each file gets an outcome; one bad file never stops the batch."""
        if not self._infos:
            self.refresh()
        known = {i.sha: i.id for i in self._infos.values()}
        outcomes: list[ImportOutcome] = []
        files: list[Path] = []
        for given in paths:
            p = Path(given).expanduser()
            if p.is_dir():
                found = _files(p)
                if not found:
                    outcomes.append(ImportOutcome(str(p), "skipped",
                                                  "folder holds no .txt, .md or .html files"))
                files.extend(found)
            elif p.exists():
                files.append(p)
            else:
                outcomes.append(ImportOutcome(str(p), "failed", "no such file or folder"))
        for path in files:
            outcomes.append(self._import_one(path, known))
        if any(o.status == "imported" for o in outcomes):
            self.refresh()
        return outcomes

    def _import_one(self, path: Path, known: dict[str, str]) -> ImportOutcome:
        try:
            if path.suffix.lower() not in importer.SUFFIXES:
                raise BadInput(f"unsupported file type '{path.suffix or 'none'}' "
                               f"(use {', '.join(importer.SUFFIXES)})")
            if path.stat().st_size > importer.MAX_BYTES:
                raise BadInput(f"over the {importer.MAX_BYTES // 2**20} MB limit for one article")
            raw = path.read_bytes()
            sha = importer.sha256(raw)
            if sha in known:
                return ImportOutcome(str(path), "skipped",
                                     f"duplicate: same content as {known[sha]}", known[sha])
            doc_id = f"{slug(path.stem, 40) or 'article'}-{sha[:8]}"
            art = importer.parse_bytes(raw, path.name, doc_id)
        except BadInput as exc:
            reason = str(exc).removeprefix(f"{path.name}: ")
            return ImportOutcome(str(path), "failed", reason)
        except OSError as exc:
            return ImportOutcome(str(path), "failed", exc.strerror or str(exc))
        dest = self.paths.imports_dir / f"{doc_id}{path.suffix.lower()}"
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            tmp = dest.with_suffix(dest.suffix + ".part")
            shutil.copyfile(path, tmp)
            os.replace(tmp, dest)
        except OSError as exc:
            return ImportOutcome(str(path), "failed",
                                 f"could not copy into the data dir: {exc.strerror or exc}")
        known[sha] = doc_id
        return ImportOutcome(str(path), "imported", "", doc_id, art.warnings)
