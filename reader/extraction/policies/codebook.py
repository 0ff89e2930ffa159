"""The codebook and user policies (loading, validation, writing) and their pattern language.

A codebook belongs to a library: it travels with the corpus folder as `codebook.toml` (the
bundled corpus's, corpus/codebook.toml, documents the format and the language); a library
whose folder has none starts with no codebook and finds candidates by discovery.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.domain import Proposal
from reader.errors import BadInput
from reader.textutil import slug

DEFAULT_GAP = 5  # words a bare "..." may skip
CODEBOOK_FILE = "codebook.toml"  # in a corpus folder (the catalogue reads no .toml as article)

# -- codebook and user policies ----------------------------------------------------------

_ID = re.compile(r"^[a-z0-9][a-z0-9:_-]*$")


def load_codebook(path: Path | str) -> list[dict]:
    """The policies of a codebook TOML file as dicts {id, label, description, patterns,
    unless}. Raises BadInput (a ReaderError) naming the file and the problem."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadInput(f"codebook {path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise BadInput(f"codebook {path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"codebook {path}: not valid TOML ({exc})") from None
    entries = raw.get("policy")
    if not isinstance(entries, list) or not entries:
        raise BadInput(f"codebook {path}: no [[policy]] tables")
    try:
        return validate_policies(entries)
    except BadInput as exc:
        raise BadInput(f"codebook {path}: {exc}") from None


def library_codebook(corpus_dir: Path | str) -> list[dict]:
    """The codebook that travels with a library's corpus folder; [] when it has none.
    Raises BadInput for a broken one (naming the file)."""
    path = Path(corpus_dir) / CODEBOOK_FILE
    if not path.is_file():
        return []
    return load_codebook(path)


def dump_codebook(policies: Iterable[Mapping], title: str = "") -> str:
    """TOML text of policy dicts in the codebook's format (what `load_codebook` reads back).
    Strings are written as JSON strings, which are valid TOML basic strings."""
    def q(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)

    lines = [f"# {line}".rstrip() for line in title.splitlines()]
    lines.append("# Format and pattern language: see the bundled corpus's codebook.toml.")
    for p in policies:
        lines += ["", "[[policy]]", f"id = {q(p['id'])}", f"label = {q(p['label'])}"]
        if p.get("description"):
            lines.append(f"description = {q(p['description'])}")
        for key in ("patterns", "unless"):
            if p.get(key):
                lines.append(f"{key} = [")
                lines += [f"    {q(v)}," for v in p[key]]
                lines.append("]")
    return "\n".join(lines) + "\n"


def validate_policies(entries: Iterable, taken: Iterable[str] = ()) -> list[dict]:
    """Check policy dicts (codebook or user) and return clean copies; patterns are compiled
    once here so a bad one is reported with its policy. Raises BadInput."""
    seen = set(taken)
    out = []
    for n, entry in enumerate(entries, 1):
        if not isinstance(entry, Mapping):
            raise BadInput(f"policy {n} is not a table")
        pid = entry.get("id")
        where = f"policy {pid!r}" if isinstance(pid, str) and pid else f"policy {n}"
        if not isinstance(pid, str) or not _ID.match(pid):
            raise BadInput(f"{where}: id must be lower-case letters, digits, '-', ':' or '_'")
        if pid in seen:
            raise BadInput(f"{where}: duplicate id")
        seen.add(pid)
        unknown = set(entry) - {"id", "label", "description", "patterns", "unless"}
        if unknown:
            raise BadInput(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        label = entry.get("label")
        if not isinstance(label, str) or not label.strip():
            raise BadInput(f"{where}: label must be a non-empty string")
        description = entry.get("description", "")
        if not isinstance(description, str):
            raise BadInput(f"{where}: description must be a string")
        lists = {}
        for key in ("patterns", "unless"):
            value = entry.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise BadInput(f"{where}: {key} must be a list of strings")
            for text in value:
                try:
                    compile_pattern(text)
                except BadInput as exc:
                    raise BadInput(f"{where}: {exc}") from None
            lists[key] = list(value)
        if not lists["patterns"]:
            raise BadInput(f"{where}: needs at least one pattern")
        out.append({"id": pid, "label": label.strip(), "description": description.strip(),
                    "patterns": lists["patterns"], "unless": lists["unless"]})
    return out


def promote(proposal: Proposal, label: str, patterns: Sequence[str],
            description: str = "") -> dict:
    """A user policy dict made from an unfiled proposal (the caller stores it).

    The id is "user:" + a slug of the label; the description defaults to the proposal's
    sentence. Raises BadInput for an empty label or a bad pattern."""
    slug_ = slug(label, 40)
    if not slug_:
        raise BadInput("a policy needs a label with letters or digits")
    entry = {"id": f"user:{slug_}", "label": label, "description": description or proposal.text,
             "patterns": list(patterns)}
    return validate_policies([entry])[0]


# -- the pattern language ----------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A word of a pattern: any of `keys` (lemma or lower-cased text) or of `exact`."""

    keys: frozenset[str]  # lower-case: compared with lemma / lower text
    exact: frozenset[str]  # case-sensitive surface forms
    pos: str | None = None


@dataclass(frozen=True)
class Gap:
    """Up to `most` words skipped between two terms (same sentence)."""

    most: int


@dataclass(frozen=True)
class Pattern:
    """A compiled pattern; `compile_pattern` makes one."""

    text: str
    elements: tuple  # Term | Gap, starting and ending with a Term


# Curly quotes straightened; edge punctuation stripped (words of patterns and of tokens).
QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")


def _norm_word(word: str) -> str:
    word = word.translate(QUOTES)
    if word.lower().endswith("'s"):
        word = word[:-2]
    return EDGE_PUNCT.sub("", word)


def compile_pattern(text: str) -> Pattern:
    """Parse one pattern (see corpus/codebook.toml). Raises BadInput."""
    if not isinstance(text, str) or not text.strip():
        raise BadInput("empty pattern")
    spaced = re.sub(r"(?<=\w)-(?=\w)", " ", text.translate(QUOTES))
    elements: list = []
    for piece in spaced.split():
        gap = re.fullmatch(r"\.\.(\d+)|\.\.\.", piece)
        if gap:
            if not elements or isinstance(elements[-1], Gap):
                raise BadInput(f"pattern {text!r}: a gap must sit between two words")
            elements.append(Gap(int(gap[1]) if gap[1] else DEFAULT_GAP))
            continue
        pos = None
        if re.search(r":[A-Z]+$", piece):
            piece, pos = piece.rsplit(":", 1)
        keys, exact = set(), set()
        for alt in piece.split("|"):
            word = _norm_word(alt)
            if not word:
                raise BadInput(f"pattern {text!r}: empty word in {piece!r}")
            (exact if any(c.isupper() for c in word) else keys).add(word)
        elements.append(Term(frozenset(keys), frozenset(exact), pos))
    if not elements or isinstance(elements[-1], Gap):
        raise BadInput(f"pattern {text!r}: must end with a word")
    return Pattern(text, tuple(elements))
