"""The entity vocabulary: type names and their aliases, and the resource files the rules read.

`resources/aliases.toml` (other names of an entity), `resources/gazetteer.toml` (names of a
known type) and `resources/entity_lexicon.toml` (titles, honorifics, page furniture: the
words the name rules look for) load into one `Lexicon`, whose `digest` is part of every
entity cache key, so editing a resource rebuilds the entities.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from reader.errors import BadInput
from reader.textutil import slug

log = logging.getLogger(__name__)

PERSON, ORGANISATION, PLACE, DATE = "Person", "Organisation", "Place", "Date"
MONEY, LAW, WORK = "Money", "Law", "Work"
# Other: a named thing that is none of the above: an event or competition ("Six Nations",
# "Champions League"), an award ("Oscar"), a named thing. One catch-all rather
# than a type per kind: the model tells these kinds apart poorly, and a reader browsing a
# corpus wants them out of Person and Organisation more than split finely.
OTHER = "Other"
TYPES = (PERSON, ORGANISATION, PLACE, DATE, MONEY, LAW, WORK, OTHER)
# Other spellings users type for a type (compared in lower case, like the names above).
TYPE_ALIASES = {"organization": ORGANISATION, "org": ORGANISATION, "gpe": PLACE,
                "location": PLACE, "people": PERSON}

# spaCy label -> type shown to users. NORP is kept only when the aliases file says what
# it names (a party: "Tories"); the rest (CARDINAL, ORDINAL, PERCENT, QUANTITY, TIME,
# LANGUAGE) is dropped: numbers and vague times are not things to browse. PRODUCT is
# dropped too: on 1,800 BBC articles the model's PRODUCT spans named people and places
# ("Cole", "Connors", "Leeds", "Baby P's") about as often as products, so a product keeps
# the model's other labels (or a user's retype).
LABELS = {
    "PERSON": PERSON, "ORG": ORGANISATION, "GPE": PLACE, "LOC": PLACE, "FAC": PLACE,
    "DATE": DATE, "MONEY": MONEY, "LAW": LAW, "WORK_OF_ART": WORK, "NORP": "NORP",
    "EVENT": OTHER,
}

# The resources the app ships (reader.paths resolves the same folder).
WORDS_FILE = "entity_lexicon.toml"


def entity_type(name: str) -> str:
    """The canonical type for a user's spelling: "org", "ORGANIZATION" -> "Organisation".

    Raises:
        BadInput: not a type (the message lists the types)."""
    by_lower = {t.lower(): t for t in TYPES} | TYPE_ALIASES
    try:
        return by_lower[name.lower()]
    except KeyError:
        raise BadInput(f"Unknown entity type '{name}' (use one of: {', '.join(TYPES)})") \
            from None


@dataclass(frozen=True)
class NameWords:
    """The word lists of entity_lexicon.toml (see the comments there for each)."""

    honorifics: frozenset[str]
    role_heads: frozenset[str]
    role_modifiers: frozenset[str]
    suffix_titles: frozenset[str]
    peers: tuple[str, ...]
    male: frozenset[str]  # honorifics of a man ("Mr"), of a woman ("Mrs")
    female: frozenset[str]
    not_first: frozenset[str]  # words that start a clause, never a name ("Following")
    nationalities: frozenset[str]  # "German", "Nazi": never a name on their own
    nationals: frozenset[str]  # "Briton", "Frenchman": a person of a nation, before a name
    not_acronyms: frozenset[str]
    particles: frozenset[str]
    minor_words: frozenset[str]
    stop_caps: frozenset[str]
    chrome_words: frozenset[str]
    not_after_honorific: frozenset[str]
    honorific_name: re.Pattern = field(compare=False)  # "Lord Laming": (honorific, name)
    # last words naming an organisation ("Manchester United", "Child Support Agency")
    organisation_heads: frozenset[str] = frozenset()
    # ... naming an event, competition or award ("Champions League", "Australian Open")
    other_heads: frozenset[str] = frozenset()
    # words around a name that say its type (names.context_type; entity_lexicon.toml)
    organisation_before: frozenset[str] = frozenset()
    organisation_after: frozenset[str] = frozenset()
    other_after: frozenset[str] = frozenset()

    @classmethod
    def from_toml(cls, data: dict) -> NameWords:
        """Raises KeyError, TypeError or ValueError for a file without every list."""
        def words(table: str, key: str) -> list[str]:
            value = data[table][key]
            if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
                raise ValueError(f"[{table}] {key} must be a list of strings")
            return value

        # (optional: a lexicon written before the key was added has none)
        nationals = words("words", "nationals") if "nationals" in data["words"] else []

        prefixes = "|".join(re.escape(w) for w in words("honorific_names", "honorifics"))
        particle = "|".join(f"[{w[0].upper()}{w[0].lower()}]{re.escape(w[1:])}"
                            for w in words("honorific_names", "particles") if w)
        part = rf"(?:(?:{particle}) +)?[A-Z][a-zA-Z’'-]+"
        return cls(
            honorifics=frozenset(words("titles", "honorifics")),
            role_heads=frozenset(w.lower() for w in words("titles", "roles")),
            role_modifiers=frozenset(w.lower() for w in words("titles", "modifiers")),
            suffix_titles=frozenset(words("titles", "suffixes")),
            peers=tuple(words("titles", "peers")),
            male=frozenset(words("titles", "male")),
            female=frozenset(words("titles", "female")),
            not_first=frozenset(words("words", "not_first")),
            nationalities=frozenset(words("words", "nationalities") + nationals),
            nationals=frozenset(nationals),
            not_acronyms=frozenset(w.upper() for w in words("acronyms", "not_names")),
            particles=frozenset(words("words", "particles")),
            minor_words=frozenset(words("words", "minor")),
            stop_caps=frozenset(words("words", "stop_caps")),
            chrome_words=frozenset(w.lower() for w in words("chrome", "words")),
            not_after_honorific=frozenset(words("honorific_names", "not_names")),
            honorific_name=re.compile(rf"\b({prefixes})\.? +({part}(?: +{part}){{0,2}})"),
            **{key: frozenset(data.get("types", {}).get(key, []))
               for key in ("organisation_heads", "other_heads", "organisation_before",
                           "organisation_after", "other_after")},
        )


@functools.cache
def bundled_words() -> tuple[NameWords, bytes]:
    """The shipped entity_lexicon.toml, parsed once (the default of the name rules).

    Raises:
        OSError, ValueError: the installation is broken (the file ships with the code)."""
    from reader.paths import bundled_resources_dir

    raw = (bundled_resources_dir() / WORDS_FILE).read_bytes()
    return NameWords.from_toml(tomllib.loads(raw.decode("utf-8"))), raw


def default_words() -> NameWords:
    return bundled_words()[0]


@dataclass
class Lexicon:
    """What the three resource files say; aliases and gazetteer keyed by slug."""

    canonical: dict[str, tuple[str, str]] = field(default_factory=dict)  # slug -> (name, type)
    types: dict[str, str] = field(default_factory=dict)  # slug -> type (gazetteer)
    ignore: set[str] = field(default_factory=set)
    words: NameWords = field(default_factory=default_words)
    digest: str = ""

    def known(self, name: str) -> bool:
        s = slug(name)
        return s in self.canonical or s in self.types

    def resolve(self, name: str) -> tuple[str, str] | None:
        """(canonical name, type) from the aliases file, or None."""
        return self.canonical.get(slug(name))

    def fixed_type(self, name: str) -> str | None:
        s = slug(name)
        if s in self.canonical:
            return self.canonical[s][1]
        return self.types.get(s)

    @classmethod
    def load(cls, resources_dir: Path | None) -> Lexicon:
        """Read the files; a missing or broken aliases or gazetteer file is logged and
        treated as empty, a missing or broken word list replaced by the bundled one, so a
        bad edit to a resource never stops the app. Without a folder: the bundled word
        lists only."""
        if resources_dir is None:
            h = hashlib.sha256()
            h.update(bundled_words()[1])
            return cls(digest=h.hexdigest()[:16])
        folder = Path(resources_dir)
        return _parsed(_read(folder / "aliases.toml", "continuing without it"),
                       _read(folder / "gazetteer.toml", "continuing without it"),
                       _read(folder / WORDS_FILE, "using the bundled one"))


def _read(path: Path, otherwise: str) -> tuple[str, bytes | None]:
    """(file name, its bytes or None when it cannot be read: logged)."""
    try:
        return path.name, path.read_bytes()
    except FileNotFoundError:
        log.info("No %s; %s", path.name, otherwise)
    except OSError as exc:
        log.warning("Cannot read %s: %s; %s", path, exc, otherwise)
    return path.name, None


@functools.lru_cache(maxsize=4)
def _parsed(aliases: tuple[str, bytes | None], gazetteer: tuple[str, bytes | None],
            words: tuple[str, bytes | None]) -> Lexicon:
    """The lexicon the three files' bytes give, parsed once per content (every build and
    fingerprint asks for it; nothing changes a Lexicon once made)."""
    h = hashlib.sha256()
    lex = Lexicon()
    table = _toml(aliases, h)
    for name in table.get("ignore", []):
        if isinstance(name, str):
            lex.ignore.add(slug(name))
    for entry in table.get("entity", []):
        name, type_ = entry.get("name"), entry.get("type")
        if not isinstance(name, str) or type_ not in TYPES:
            log.warning("aliases.toml: skipping entry %r (needs name and a type in %s)",
                        entry, ", ".join(TYPES))
            continue
        for alias in [name, *entry.get("aliases", [])]:
            if isinstance(alias, str) and slug(alias):
                lex.canonical[slug(alias)] = (name, type_)
    for key, groups in _toml(gazetteer, h).items():
        type_ = key.capitalize()
        if type_ not in TYPES or not isinstance(groups, dict):
            log.warning("gazetteer.toml: unknown table [%s] (use one of %s)", key,
                        ", ".join(t.lower() for t in TYPES))
            continue
        for names in groups.values():
            for name in names if isinstance(names, list) else []:
                if isinstance(name, str) and slug(name):
                    lex.types[slug(name)] = type_
    lex.words = _words(words, h)
    lex.digest = h.hexdigest()[:16]
    return lex


def _words(file: tuple[str, bytes | None], h) -> NameWords:
    name, raw = file
    words = None
    if raw is not None:
        try:
            words = NameWords.from_toml(tomllib.loads(raw.decode("utf-8")))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError,
                ValueError, re.error) as exc:
            log.warning("Ignoring %s (%r); using the bundled one", name, exc)
    if words is None:
        words, raw = bundled_words()
    h.update(raw)
    return words


def _toml(file: tuple[str, bytes | None], h) -> dict:
    name, raw = file
    if raw is None:
        return {}
    h.update(raw)
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        log.warning("Ignoring %s: %s", name, exc)
        return {}
