"""Where reader keeps things: resolved once from arguments/environment and passed down.

A library is a data dir: the user's store, imports, caches and index, and `library.toml`,
written when the library is created, saying whether it includes the bundled sample corpus.
A data dir without that file (the default library on a fresh machine, and every data dir
made before library files existed) includes the sample, so nobody loses the articles they
had; `reader library new` and File > New library make libraries without it.
"""

from __future__ import annotations

import logging
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from reader.errors import BadInput

log = logging.getLogger(__name__)

APP_NAME = "reader"
LIBRARY_FILE = "library.toml"
LIBRARY_FORMAT = 1
OWN_CORPUS = "corpus"  # a library's own read-only corpus folder (see `Paths.corpus_dir`)
_REPO = Path(__file__).resolve().parent.parent


def bundled_resources_dir() -> Path:
    """The codebook, lexicons, gazetteer and stylesheet: `resources/` beside `reader/` in a
    checkout (and an editable install), else the `reader.resources` package an installed
    wheel carries (pyproject.toml maps one to the other)."""
    beside = _REPO / "resources"
    if (beside / "codebook.toml").is_file():
        return beside
    return Path(__file__).resolve().parent / "resources"


def sample_corpus_dir() -> Path:
    """The bundled sample corpus (five child-protection news articles)."""
    return (_REPO / "corpus").resolve()


def default_data_dir() -> Path:
    """The library opened when none is named: `$READER_DATA_DIR`, else the platform's."""
    data = os.environ.get("READER_DATA_DIR")
    if not data:
        import platformdirs

        data = platformdirs.user_data_dir(APP_NAME, appauthor=False)
    return Path(data).expanduser().resolve()


def read_library_file(data_dir: Path) -> dict:
    """The library file's settings ({} when there is none). An unreadable or damaged file
    is logged and read as {} (the library then shows the sample, as an old one does)."""
    path = Path(data_dir) / LIBRARY_FILE
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        log.warning("The library file %s cannot be read (%s); showing the sample articles",
                    path, exc)
        return {}
    return raw if isinstance(raw.get("sample"), bool) else {}


def write_library_file(data_dir: Path, *, sample: bool) -> None:
    """Record whether the library at `data_dir` includes the sample corpus. Raises
    BadInput when the folder cannot be written."""
    from reader.textutil import atomic_write

    text = ("# A reader library: this folder holds its articles, notes and index.\n"
            f"format = {LIBRARY_FORMAT}\n"
            "# Whether the bundled sample articles are part of this library.\n"
            f"sample = {'true' if sample else 'false'}\n")
    try:
        Path(data_dir).mkdir(parents=True, exist_ok=True)
        atomic_write(Path(data_dir) / LIBRARY_FILE, text)
    except OSError as exc:
        raise BadInput(f"The library folder {data_dir} cannot be written: "
                       f"{exc.strerror or exc}") from None


def includes_sample(data_dir: Path) -> bool:
    """Whether the library at `data_dir` includes the bundled sample (no library file: yes)."""
    return read_library_file(data_dir).get("sample", True)


@dataclass(frozen=True)
class Paths:
    """All locations reader uses. User data (notes, edits) lives in `db_path`; the rest is
    derived data that can always be rebuilt from the articles.

    `corpus_dir` is the library's read-only corpus folder, whose articles are listed in place
    (never copied) and which carries its codebook: `--corpus DIR` / `$READER_CORPUS` when
    given; else the bundled sample when the library includes it; else the library's own
    `<data dir>/corpus`, which a new library does not have (so it lists no article there)."""

    data_dir: Path
    corpus_dir: Path
    resources_dir: Path

    @classmethod
    def resolve(cls, data_dir: str | os.PathLike | None = None,
                corpus_dir: str | os.PathLike | None = None) -> Paths:
        """Args win over `READER_DATA_DIR` / `READER_CORPUS`, which win over the library
        file (see the module docstring) and the defaults."""
        data = Path(data_dir).expanduser().resolve() if data_dir else default_data_dir()
        corpus = corpus_dir or os.environ.get("READER_CORPUS")
        if corpus:
            folder = Path(corpus).expanduser().resolve()
        elif includes_sample(data):
            folder = sample_corpus_dir()
        else:
            folder = data / OWN_CORPUS
        return cls(data, folder, bundled_resources_dir())

    @property
    def includes_sample(self) -> bool:
        """Whether the bundled sample articles are listed in this library."""
        return self.corpus_dir == sample_corpus_dir()

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @property
    def imports_dir(self) -> Path:
        """User-imported files are copied here; the corpus folder stays read-only."""
        return self.data_dir / "imports"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "reader.sqlite3"

    @property
    def library_file(self) -> Path:
        return self.data_dir / LIBRARY_FILE
