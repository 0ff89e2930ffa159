"""Where reader keeps things: resolved once from arguments/environment and passed down."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "reader"
_REPO = Path(__file__).resolve().parent.parent


def bundled_resources_dir() -> Path:
    """The lexicons, gazetteer and stylesheet: `resources/` beside `reader/` in a
    checkout (and an editable install), else the `reader.resources` package an installed
    wheel carries (pyproject.toml maps one to the other)."""
    beside = _REPO / "resources"
    if (beside / "policy_lexicon.toml").is_file():
        return beside
    return Path(__file__).resolve().parent / "resources"


@dataclass(frozen=True)
class Paths:
    """All locations reader uses. User data (notes, edits) lives in `db_path`; the rest is
    derived data that can always be rebuilt from the articles."""

    data_dir: Path
    corpus_dir: Path
    resources_dir: Path

    @classmethod
    def resolve(cls, data_dir: str | os.PathLike | None = None,
                corpus_dir: str | os.PathLike | None = None) -> Paths:
        """Args win over `READER_DATA_DIR` / `READER_CORPUS`, which win over the defaults."""
        data = data_dir or os.environ.get("READER_DATA_DIR")
        if not data:
            import platformdirs

            data = platformdirs.user_data_dir(APP_NAME, appauthor=False)
        corpus = corpus_dir or os.environ.get("READER_CORPUS") or _REPO / "corpus"
        return cls(Path(data).expanduser().resolve(), Path(corpus).expanduser().resolve(),
                   bundled_resources_dir())

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @property
    def imports_dir(self) -> Path:
        """User-imported files are copied here; the bundled corpus stays read-only."""
        return self.data_dir / "imports"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "reader.sqlite3"
