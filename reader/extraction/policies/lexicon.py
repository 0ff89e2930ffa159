"""The policy lexicon (resources/policy_lexicon.toml): stance words, role words, proposal cues."""

from __future__ import annotations

import functools
import hashlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from reader.errors import BadInput
from reader.extraction.policies.codebook import Pattern, compile_pattern
from reader.extraction.policies.table import STANCES

FILE_NAME = "policy_lexicon.toml"
_WORD_LISTS = ("cue_nouns", "speech", "saying", "speech_forms", "modals", "doc_nouns",
               "spokes", "titles", "first_person")
_CUE_LISTS = {"cues": "cues", "weak": "weak_cues", "not": "not_cues"}
_DISCOVERY_LISTS = ("actions", "soft_actions", "in_force", "law_names", "policy_nouns",
                    "vague_heads", "noise_modifiers", "company_words", "public_actors")
_TABLES = ("stance_cues", "words", "generic_actors", "proposal_cues", "discovery")


def default_resources_dir() -> Path:
    """The bundled resources folder, as `reader.paths.Paths.resolve` sets it."""
    from reader.paths import bundled_resources_dir

    return bundled_resources_dir()


@dataclass(frozen=True)
class PolicyLexicon:
    """What resources/policy_lexicon.toml says (its header documents each table)."""

    stance_of: Mapping[str, str]  # stance cue lemma -> stance
    cue_nouns: frozenset[str]
    speech: frozenset[str]
    saying: frozenset[str]
    speech_forms: frozenset[str]
    modals: frozenset[str]
    doc_nouns: frozenset[str]
    spokes: frozenset[str]
    titles: frozenset[str]
    first_person: frozenset[str]
    generic: Mapping[str, str]  # lower-cased word -> the generic actor as shown
    cues: tuple[Pattern, ...]
    weak_cues: tuple[Pattern, ...]
    not_cues: tuple[Pattern, ...]
    actions: frozenset[str]  # [discovery]: see the file's header
    soft_actions: frozenset[str]
    in_force: frozenset[str]
    law_names: frozenset[str]
    policy_nouns: frozenset[str]
    vague_heads: frozenset[str]
    noise_modifiers: frozenset[str]
    company_words: frozenset[str]
    public_actors: frozenset[str]
    digest: str  # of the file's bytes: part of the policy cache's fingerprint

    @classmethod
    def load(cls, resources_dir: Path | str | None = None) -> PolicyLexicon:
        """Read `resources_dir`/policy_lexicon.toml (None: the bundled resources).

        Unlike the entity lexicon, a missing or broken file is an error, not an empty
        lexicon: without it every stance would silently become "unknown".
        Raises BadInput naming the file and the problem."""
        path = Path(resources_dir or default_resources_dir()) / FILE_NAME
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise BadInput(f"{path}: cannot read ({exc.strerror or exc})") from None
        try:
            return _parsed(raw)
        except UnicodeDecodeError:
            raise BadInput(f"{path}: not UTF-8 text") from None
        except tomllib.TOMLDecodeError as exc:
            raise BadInput(f"{path}: not valid TOML ({exc})") from None
        except BadInput as exc:
            raise BadInput(f"{path}: {exc}") from None

    @classmethod
    def _parse(cls, data: dict, digest: str) -> PolicyLexicon:
        _no_other(data, _TABLES, "unknown table")
        tables = {}
        for name in _TABLES:
            table = data.get(name)
            if not isinstance(table, dict):
                raise BadInput(f"needs a [{name}] table")
            tables[name] = table

        stance_of: dict[str, str] = {}
        for stance, lemmas in tables["stance_cues"].items():
            if stance not in STANCES or stance == "unknown":
                raise BadInput(f"[stance_cues]: unknown stance {stance!r}")
            for lemma in _words(lemmas, f"stance_cues.{stance}"):
                if lemma in stance_of:
                    raise BadInput(f"[stance_cues]: {lemma!r} is under two stances")
                stance_of[lemma] = stance
        words = tables["words"]
        _no_other(words, _WORD_LISTS, "[words]: unknown list")
        lists = {name: frozenset(_words(words.get(name), f"words.{name}"))
                 for name in _WORD_LISTS}
        generic = tables["generic_actors"]
        if not all(isinstance(v, str) and v for v in generic.values()):
            raise BadInput("[generic_actors]: every value must be a non-empty string")
        cue_tables = tables["proposal_cues"]
        _no_other(cue_tables, _CUE_LISTS, "[proposal_cues]: unknown list")
        cues = {}
        for key, field in _CUE_LISTS.items():
            texts = _words(cue_tables.get(key), f"proposal_cues.{key}")
            cues[field] = tuple(compile_pattern(t) for t in texts)  # raises BadInput
        found = tables["discovery"]
        _no_other(found, _DISCOVERY_LISTS, "[discovery]: unknown list")
        lists.update({name: frozenset(w.lower() for w in _words(found.get(name),
                                                                f"discovery.{name}"))
                      for name in _DISCOVERY_LISTS})
        return cls(stance_of=stance_of, generic=dict(generic), digest=digest, **lists, **cues)


def _no_other(table: dict, known, what: str) -> None:
    """Raises BadInput for a key of `table` not in `known` (a typo must not pass unseen)."""
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise BadInput(f"{what} {', '.join(map(repr, unknown))}")


def _words(value, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise BadInput(f"{where} must be a list of non-empty strings")
    return value


@functools.lru_cache(maxsize=4)
def _parsed(raw: bytes) -> PolicyLexicon:
    """The lexicon a file's bytes give (read for each fingerprint and build; parsed once
    while the file is unchanged: the lexicon is frozen)."""
    return PolicyLexicon._parse(tomllib.loads(raw.decode("utf-8")),
                                hashlib.sha256(raw).hexdigest()[:16])
