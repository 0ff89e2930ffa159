"""Pure string rules for entity names: cleaning spans, titles, initials, slugs, resources.

Nothing here knows about spaCy or articles: every function takes text and offsets, so each
rule can be tested on a short string written for it.
"""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from reader.textutil import fold, slug  # noqa: F401 (part of this module's vocabulary)

log = logging.getLogger(__name__)

PERSON, ORGANISATION, PLACE, DATE = "Person", "Organisation", "Place", "Date"
MONEY, LAW, WORK = "Money", "Law", "Work"
TYPES = (PERSON, ORGANISATION, PLACE, DATE, MONEY, LAW, WORK)

# spaCy label -> type shown to users. NORP is kept only when the aliases file says what
# it names (a party: "Tories"); the rest (CARDINAL, ORDINAL, PERCENT, QUANTITY, TIME,
# EVENT, PRODUCT, LANGUAGE) is dropped: numbers and vague times are not things to browse.
LABELS = {
    "PERSON": PERSON, "ORG": ORGANISATION, "GPE": PLACE, "LOC": PLACE, "FAC": PLACE,
    "DATE": DATE, "MONEY": MONEY, "LAW": LAW, "WORK_OF_ART": WORK, "NORP": "NORP",
}

HONORIFICS = frozenset({
    "Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Professor", "Sir", "Dame", "Lord", "Lady",
    "Baroness", "Baron", "Rev", "Revd", "Reverend", "Cllr", "Councillor", "Judge", "Justice",
    "Dr.", "Mr.", "Mrs.", "Ms.", "Prof.", "Rt", "Hon",
})
# A title phrase before a name ends with one of these ("Education Secretary Michael Gove",
# "children's minister Tim Loughton").
ROLE_HEADS = frozenset({
    "secretary", "minister", "chancellor", "commissioner", "spokesman", "spokeswoman",
    "spokesperson", "chair", "chairman", "chairwoman", "president", "leader", "mayor",
    "director", "inspector", "councillor", "editor", "mp", "mep", "executive",
})
# Lower-case words allowed inside a title phrase ("shadow children's minister").
ROLE_MODIFIERS = frozenset({
    "shadow", "former", "deputy", "junior", "then", "children's", "children’s", "education",
    "health", "home", "foreign", "prime", "local", "government", "care", "schools", "state",
    "social", "chief", "general", "assistant", "acting", "interim", "executive", "senior",
    "of", "for", "and",
})
# Words after a name that are titles, not part of it ("Tim Loughton MP").
SUFFIX_TITLES = frozenset({"MP", "QC", "KC", "MEP", "MSP", "AM", "OBE", "CBE", "MBE", "DBE",
                           "KBE", "PhD"})
# Acronyms that are titles or common nouns, never names of their own.
NOT_ACRONYMS = frozenset({"MP", "MPS", "MEP", "QC", "KC", "GP", "GPS", "PM", "CEO", "OBE",
                          "MBE", "CBE", "PHD", "TV", "PR", "IT", "OK", "AM", "UN", "US"})
PARTICLES = frozenset({"le", "la", "de", "du", "da", "di", "van", "von", "der", "den", "St",
                       "Le", "La", "De", "Du", "Da", "Di", "Van", "Von", "Der", "Den", "Mac"})
MINOR_WORDS = frozenset({"of", "for", "the", "and", "on", "in", "to", "at", "with", "a", "an",
                         "&", "by", "from", "upon", "under"})
# Capitalised words that start a sentence or a date, never a title phrase.
_STOP_CAPS = frozenset({
    "The", "A", "An", "This", "That", "These", "Those", "Last", "Next", "In", "On", "At",
    "And", "But", "As", "When", "Then", "Now", "Today", "Yesterday", "Meanwhile", "However",
    "Former", "Our", "Its", "His", "Her", "Their", "He", "She", "It", "We", "They", "By",
})
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_ABBR = {m[:3] for m in MONTHS} | {"Sept"}
# Page furniture that a model may tag as a name (compared case-insensitively).
CHROME_WORDS = frozenset({
    "main", "top", "home", "share", "print", "email", "comments", "comment", "reply", "menu",
    "search", "login", "log in", "sign in", "subscribe", "advertisement", "related", "more",
    "next", "previous", "back to top", "read more", "addtoany", "disqus", "tweet", "like",
    "permalink", "trackback",
})
_PLACEHOLDER = re.compile(r"^(?:picture|image|photo|img|figure|fig)[ _-]?\d+$", re.I)

_QUOTES = "\"'“”‘’«»„`"
_DASHES = "-‐‑‒–—―"
_LEAD_JUNK = set(_QUOTES + _DASHES + " \t\n()[]{},.;:!?…•|*·#/")
_TRAIL_JUNK = _LEAD_JUNK
_LEAD_ARTICLE = re.compile(r"(?:the|a|an)\s+", re.I)  # used with match(text, pos)
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$")
_MONEY_UNIT = re.compile(r"\s?(?:m|bn|k|million|billion|trillion|p)\b")  # match(text, pos)
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b")
_MONTH_WORD = re.compile(r"\b(?:" + "|".join(MONTHS) + r"|(?:" + "|".join(sorted(_MONTH_ABBR))
                         + r")\.?)\b")


# -- slugs, words, initials ------------------------------------------------------------------




def words(text: str) -> list[str]:
    return re.findall(r"[\w’'&.-]+", text)


def is_acronym(text: str) -> bool:
    """"LGA", "NSPCC", "DfE" (2-8 letters, at least two capitals, no spaces)."""
    t = text.replace(".", "").replace("&", "")
    return (2 <= len(t) <= 8 and t.isalpha() and sum(c.isupper() for c in t) >= 2
            and t[0].isupper() and " " not in text)


def acronym_key(text: str) -> str:
    return text.replace(".", "").replace("&", "").upper()


def initials(name: str, with_minor: bool = False) -> str:
    """Initials of a name's words ("Local Government Association" -> "LGA").

    Minor words ("of", "for", "the") are skipped unless `with_minor`; hyphenated words
    count once."""
    out = []
    for w in words(name):
        w = w.strip(".")
        if not w or w == "&":
            continue
        if w.lower() in MINOR_WORDS and not with_minor:
            continue
        if w.lower() in ("'s", "’s"):
            continue
        out.append(w[0].upper())
    return "".join(out)


def acronym_matches(acronym: str, name: str) -> bool:
    """True when `acronym` spells the initials of `name` (with or without minor words)."""
    key = acronym_key(acronym)
    if len(words(name)) < 2:
        return False
    return key in (initials(name), initials(name, with_minor=True))


def surname(name: str) -> str:
    """The family-name part of a full name ("Julian Le Grand" -> "Le Grand"), or ""."""
    parts = name.split()
    if len(parts) < 2:
        return ""
    if len(parts) >= 3 and parts[-2] in PARTICLES:
        return " ".join(parts[-2:])
    return parts[-1]


def is_month_or_day(word: str) -> bool:
    return word in MONTHS or word in WEEKDAYS or word.rstrip(".") in _MONTH_ABBR


# -- cleaning ----------------------------------------------------------------------------------
def clean_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim a span to its name: leading articles/punctuation/dashes, trailing possessive,
    punctuation and dashes. Returns new (start, end) with start <= end inside the old span;
    `text[start:end]` is the cleaned name (may be empty)."""
    while True:
        old = (start, end)
        while start < end and text[start] in _LEAD_JUNK:
            start += 1
        while end > start and text[end - 1] in _TRAIL_JUNK:
            end -= 1
        m = _LEAD_ARTICLE.match(text, start, end)
        if m and m.end() < end:
            start = m.end()
        m = _POSSESSIVE.search(text[start:end])
        if m and m.start() > 0:
            end = start + m.start()
        if (start, end) == old:
            return start, end


def extend_money(text: str, start: int, end: int) -> tuple[int, int]:
    """"30" in "£30m" -> the whole "£30m" (the model often leaves the symbol and unit out)."""
    if start > 0 and text[start - 1] in "£$€¥":
        start -= 1
    m = _MONEY_UNIT.match(text, end)
    if m:
        end = m.end()
    return start, end


def extend_title(text: str, start: int, end: int) -> tuple[int, int]:
    """A work title cut at its subtitle ("Child Protection: Back" + " to the Frontline")."""
    if ":" not in text[start:end]:
        return start, end
    pat = re.compile(r"(?:\s+(?:(?:to|the|of|and|for|a|an|in|on|at|with)\s+)*[A-Z][\w’'-]*)")
    while True:
        m = pat.match(text, end)
        if not m or "\n" in m.group(0) or is_month_or_day(m.group(0).split()[-1]):
            return start, end
        end = m.end()


def keep_date(text: str) -> bool:
    """A date worth listing names a month or a year ("30 May", "August 2007", "2008");
    "today", "recent years" and ages ("seventeen month old") are not."""
    if re.search(r"\bold\b", text):
        return False
    return bool(_MONTH_WORD.search(text) or _YEAR.search(text))


def leading_title_end(name: str) -> int:
    """Where the name starts after titles the model put inside the span:
    "Sir Martin Narey" -> 4, "Education Secretary Michael Gove" -> 20, "Ed Balls" -> 0.
    A span that is only titles ("Home Secretary") returns len(name)."""
    parts = list(re.finditer(r"\S+", name))
    cut = 0
    for i, m in enumerate(parts):
        w = m.group(0)
        if w in HONORIFICS or w.lower() in ROLE_HEADS:
            cut = i + 1
        elif not (w.lower() in ROLE_MODIFIERS
                  or (w[:1].isupper() and _title_follows([p.group(0) for p in parts[i + 1:]]))):
            break
    if cut == 0:
        return 0
    return parts[cut].start() if cut < len(parts) else len(name)


def _title_follows(rest: list[str]) -> bool:
    """True when a title word (honorific or role) comes before any plain lower-case word."""
    for w in rest:
        if w in HONORIFICS or w.lower() in ROLE_HEADS:
            return True
        if not (w.lower() in ROLE_MODIFIERS or w[:1].isupper()):
            return False
    return False


def trailing_title_start(name: str) -> int:
    """Where a title after the name begins ("Tim Loughton MP" -> 12), else len(name)."""
    m = re.search(r"\s+(\S+)$", name)
    if m and m.group(1) in SUFFIX_TITLES:
        return m.start()
    return len(name)


_LAST_WORDS = re.compile(r"((?:[\w’'.-]+ +){1,6})$")


def title_before(prefix: str) -> str:
    """The title phrase that ends `prefix` (the text just before a name, same line):
    "In 2010 Education Secretary " -> "Education Secretary"; "" when none.

    The word next to the name must be an honorific or a role ("Secretary", "minister");
    words before it are kept while they look like part of the title."""
    m = _LAST_WORDS.search(prefix[-120:])
    if not m:
        return ""
    ws = m.group(1).split()
    out: list[str] = []
    for i, w in enumerate(reversed(ws)):
        if i == 0:
            if w in HONORIFICS or w.lower() in ROLE_HEADS:
                out.append(w)
                continue
            return ""
        if w.endswith(".") and w not in HONORIFICS:
            break  # the end of the previous sentence
        if (w in HONORIFICS or w.lower() in ROLE_HEADS or w.lower() in ROLE_MODIFIERS
                or (w[:1].isupper() and w not in _STOP_CAPS and not is_month_or_day(w)
                    and not any(c.isdigit() for c in w))):
            out.append(w)
        else:
            break
    while out and out[-1].lower() in MINOR_WORDS:  # "of Education Secretary" -> no "of"
        out.pop()
    return " ".join(reversed(out))


def suffix_after(text: str, end: int) -> str:
    """A title right after a name ("Tim Loughton MP"), or ""."""
    m = re.match(r" +([A-Za-z]{2,3})\b", text[end:end + 6])
    return m.group(1) if m and m.group(1) in SUFFIX_TITLES else ""


def is_chrome(name: str) -> bool:
    return name.lower() in CHROME_WORDS or bool(_PLACEHOLDER.match(name))


def looks_like_name(name: str, type_: str) -> bool:
    """Shape check: a name has a letter, starts with a capital (or a digit for dates and
    money), and has no underscores; a person's name has no digits."""
    if not name or not any(c.isalpha() for c in name) and type_ not in (DATE, MONEY):
        return False
    if "_" in name or "\n" in name or len(name) > 120:
        return False
    if type_ in (DATE, MONEY):
        return True
    if not (name[0].isupper() or name[0].isdigit()):
        return False
    if type_ == PERSON and any(c.isdigit() for c in name):
        return False
    return True


# -- resources -------------------------------------------------------------------------------
@dataclass
class Lexicon:
    """What resources/aliases.toml and resources/gazetteer.toml say, keyed by slug."""

    canonical: dict[str, tuple[str, str]] = field(default_factory=dict)  # slug -> (name, type)
    types: dict[str, str] = field(default_factory=dict)  # slug -> type (gazetteer)
    ignore: set[str] = field(default_factory=set)
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
        """Read both files; a missing or broken file is logged and treated as empty, so
        a bad edit to a resource never stops the app."""
        import hashlib

        lex = cls()
        h = hashlib.sha256()
        if resources_dir is None:
            return lex
        aliases = _read_toml(Path(resources_dir) / "aliases.toml", h)
        for name in aliases.get("ignore", []):
            if isinstance(name, str):
                lex.ignore.add(slug(name))
        for entry in aliases.get("entity", []):
            name, type_ = entry.get("name"), entry.get("type")
            if not isinstance(name, str) or type_ not in TYPES:
                log.warning("aliases.toml: skipping entry %r (needs name and a type in %s)",
                            entry, ", ".join(TYPES))
                continue
            for alias in [name, *entry.get("aliases", [])]:
                if isinstance(alias, str) and slug(alias):
                    lex.canonical[slug(alias)] = (name, type_)
        gazetteer = _read_toml(Path(resources_dir) / "gazetteer.toml", h)
        for key, groups in gazetteer.items():
            type_ = key.capitalize()
            if type_ not in TYPES or not isinstance(groups, dict):
                log.warning("gazetteer.toml: unknown table [%s] (use one of %s)", key,
                            ", ".join(t.lower() for t in TYPES))
                continue
            for names in groups.values():
                for name in names if isinstance(names, list) else []:
                    if isinstance(name, str) and slug(name):
                        lex.types[slug(name)] = type_
        lex.digest = h.hexdigest()[:16]
        return lex


def _read_toml(path: Path, h) -> dict:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        log.info("No %s; continuing without it", path.name)
        return {}
    except OSError as exc:
        log.warning("Cannot read %s: %s", path, exc)
        return {}
    h.update(raw)
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        log.warning("Ignoring %s: %s", path.name, exc)
        return {}
