"""Pure string rules for entity names: cleaning spans, titles, initials, dates, shapes.

Nothing here knows about spaCy or articles: every function takes text and offsets, so each
rule can be tested on a short string written for it. Rules that look words up take the
word lists (`lw`, a `Lexicon.words`); without them they use the bundled
resources/entity_lexicon.toml. The type names and the resource loading live in
reader.extraction.lexicon and are re-exported here.
"""

from __future__ import annotations

import logging
import re

from reader.extraction.lexicon import (  # noqa: F401 (part of this module's vocabulary)
    DATE,
    LABELS,
    LAW,
    MONEY,
    ORGANISATION,
    OTHER,
    PERSON,
    PLACE,
    TYPES,
    WORK,
    Lexicon,
    NameWords,
    default_words,
    entity_type,
)
from reader.textutil import fold, slug  # noqa: F401 (part of this module's vocabulary)

log = logging.getLogger(__name__)

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_ABBR = {m[:3] for m in MONTHS} | {"Sept"}
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


# -- words, initials --------------------------------------------------------------------------
def words(text: str) -> list[str]:
    return re.findall(r"[\w’'&.-]+", text)


def is_acronym(text: str) -> bool:
    """"LGA", "NSPCC", "DfE" (2-8 letters, at least two capitals, no spaces)."""
    t = text.replace(".", "").replace("&", "")
    return (2 <= len(t) <= 8 and t.isalpha() and sum(c.isupper() for c in t) >= 2
            and t[0].isupper() and " " not in text)


def acronym_key(text: str) -> str:
    return text.replace(".", "").replace("&", "").upper()


def initials(name: str, with_minor: bool = False, lw: NameWords | None = None) -> str:
    """Initials of a name's words ("Local Government Association" -> "LGA").

    Minor words ("of", "for", "the") are skipped unless `with_minor`; hyphenated words
    count once."""
    minor = (lw or default_words()).minor_words
    out = []
    for w in words(name):
        w = w.strip(".")
        if not w or w == "&":
            continue
        if w.lower() in minor and not with_minor:
            continue
        if w.lower() in ("'s", "’s"):
            continue
        out.append(w[0].upper())
    return "".join(out)


def acronym_matches(acronym: str, name: str, lw: NameWords | None = None) -> bool:
    """True when `acronym` spells the initials of `name` (with or without minor words)."""
    key = acronym_key(acronym)
    if len(words(name)) < 2:
        return False
    return key in (initials(name, lw=lw), initials(name, with_minor=True, lw=lw))


def surname(name: str, lw: NameWords | None = None) -> str:
    """The family-name part of a full name ("Julian Le Grand" -> "Le Grand"), or ""."""
    parts = name.split()
    if len(parts) < 2:
        return ""
    if len(parts) >= 3 and parts[-2] in (lw or default_words()).particles:
        return " ".join(parts[-2:])
    return parts[-1]


def is_month_or_day(word: str) -> bool:
    return word in MONTHS or word in WEEKDAYS or word.rstrip(".") in _MONTH_ABBR


# -- cleaning ----------------------------------------------------------------------------------
_BRACKETS = (("(", ")"), ("[", "]"))


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
        for opening, closing in _BRACKETS:  # "Mike (Ruddock" -> "Mike": half a bracket
            i = text.find(opening, start, end)
            if i >= 0 and text.find(closing, i, end) < 0:
                end = i
            j = text.find(closing, start, end)
            if j >= 0 and text.rfind(opening, start, j) < 0:
                start = j + 1
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


def leading_title_end(name: str, lw: NameWords | None = None) -> int:
    """Where the name starts after titles the model put inside the span:
    "Sir Martin Narey" -> 4, "Education Secretary Michael Gove" -> 20, "Ed Balls" -> 0.
    A span that is only titles ("Home Secretary") returns len(name)."""
    lw = lw or default_words()
    parts = list(re.finditer(r"\S+", name))
    cut = 0
    for i, m in enumerate(parts):
        w = m.group(0)
        if w in lw.honorifics or w.lower() in lw.role_heads:
            cut = i + 1
        elif not (w.lower() in lw.role_modifiers
                  or (w[:1].isupper()
                      and _title_follows([p.group(0) for p in parts[i + 1:]], lw))):
            break
    if cut == 0:
        return 0
    return parts[cut].start() if cut < len(parts) else len(name)


def _title_follows(rest: list[str], lw: NameWords) -> bool:
    """True when a title word (honorific or role) comes before any plain lower-case word."""
    for w in rest:
        if w in lw.honorifics or w.lower() in lw.role_heads:
            return True
        if not (w.lower() in lw.role_modifiers or w[:1].isupper()):
            return False
    return False


def trailing_title_start(name: str, lw: NameWords | None = None) -> int:
    """Where a title after the name begins ("Tim Loughton MP" -> 12), else len(name)."""
    m = re.search(r"\s+(\S+)$", name)
    if m and m.group(1) in (lw or default_words()).suffix_titles:
        return m.start()
    return len(name)


_LAST_WORDS = re.compile(r"((?:[\w’'.-]+ +){1,6})$")


def title_before(prefix: str, lw: NameWords | None = None) -> str:
    """The title phrase that ends `prefix` (the text just before a name, same line):
    "In 2010 Education Secretary " -> "Education Secretary"; "" when none.

    The word next to the name must be an honorific or a role ("Secretary", "minister");
    words before it are kept while they look like part of the title."""
    lw = lw or default_words()
    # The word next to the name first, without a regex (this runs for every span): most
    # spans have no title before them.
    end = len(prefix.rstrip(" "))
    start = end
    while start > 0 and (prefix[start - 1].isalnum() or prefix[start - 1] in "_’'.-"):
        start -= 1
    last = prefix[start:end]
    if end == len(prefix) or not last or not (last in lw.honorifics
                                              or last.lower() in lw.role_heads):
        return ""
    m = _LAST_WORDS.search(prefix[-120:])
    if not m:
        return ""
    ws = m.group(1).split()
    out: list[str] = []
    for i, w in enumerate(reversed(ws)):
        if i == 0:
            if w in lw.honorifics or w.lower() in lw.role_heads:
                out.append(w)
                continue
            return ""
        if w.endswith(".") and w not in lw.honorifics:
            break  # the end of the previous sentence
        if w in ("and", "or", "&") and (out[-1] in lw.honorifics
                                         or out[-1].lower() in lw.role_heads):
            break  # "Senator John Kerry and President": another person's title
        if (w in lw.honorifics or w.lower() in lw.role_heads or w.lower() in lw.role_modifiers
                or (w[:1].isupper() and w not in lw.stop_caps and w not in lw.not_first
                    and not is_month_or_day(w)
                    and not any(c.isdigit() for c in w))):
            out.append(w)
        else:
            break
    while out and out[-1].lower() in lw.minor_words:  # "of Education Secretary" -> no "of"
        out.pop()
    return " ".join(reversed(out))


def suffix_after(text: str, end: int, lw: NameWords | None = None) -> str:
    """A title right after a name ("Tim Loughton MP"), or ""."""
    m = re.match(r" +([A-Za-z]{2,3})\b", text[end:end + 6])
    return m.group(1) if m and m.group(1) in (lw or default_words()).suffix_titles else ""


def strip_titles(name: str, lw: NameWords | None = None) -> str:
    """A name without the titles before or after it ("Sir Martin Narey MP" -> "Martin
    Narey")."""
    name = name[:trailing_title_start(name, lw)]
    return name[leading_title_end(name, lw):]


def is_chrome(name: str, lw: NameWords | None = None) -> bool:
    """Page furniture ("Share", "Read more", "image 2"), not a name."""
    return name.lower() in (lw or default_words()).chrome_words or bool(_PLACEHOLDER.match(name))


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


# -- titles and fragments ----------------------------------------------------------------------
_SPACED_DASH = re.compile(r"\s+[-‐‑‒–—―]+(?:\s+|$)|\s*[‒–—―]\s*")
_CONJUNCTION = re.compile(r"\s+(?:and|or|&|but|nor)\s+|\s*,\s+")


def title_class(honorific: str, lw: NameWords | None = None) -> str:
    """What an honorific says of the person: "m" (Mr, Sir), "f" (Mrs, Ms), "mp"/"fp" for
    peers (Lord, Baroness), "" when nothing (Dr, Professor, a role)."""
    lw = lw or default_words()
    h = honorific.rstrip(".")
    gender = "m" if h in lw.male else "f" if h in lw.female else ""
    if not gender:
        return ""
    return gender + ("p" if h in lw.peers else "")


def compatible(a: str, b: str) -> bool:
    """Two title classes that may name one person: same gender and same rank when both
    are known ("Mr" never "Mrs", "Baroness" never "Mr")."""
    return not a or not b or a == b


def is_title_only(name: str, lw: NameWords | None = None) -> bool:
    """"Mr", "Mrs.", "Sir", "Home Secretary": titles with no name after them."""
    lw = lw or default_words()
    parts = name.split()
    return bool(parts) and (all(p.rstrip(".") in lw.honorifics or p in lw.honorifics
                                for p in parts)
                            or leading_title_end(name, lw) >= len(name))


def is_nationality(name: str, lw: NameWords | None = None) -> bool:
    """"German", "Nazis": a group word, never a name on its own."""
    return name in (lw or default_words()).nationalities


def trim_fragment(text: str, start: int, end: int, person: bool,
                  lw: NameWords | None = None) -> tuple[int, int]:
    """Cut a span to one name: words that start a clause ("Following Mr Straw" -> "Mr
    Straw"), whatever follows a spaced dash ("Howard - can" -> "Howard"), and a second
    name after a conjunction ("Mr Brown and Mr Blair" -> "Mr Brown"; for a person any
    "and"/"or"/comma, else only before a title)."""
    lw = lw or default_words()
    while True:
        m = re.match(r"(\S+)\s+", text[start:end])
        if not m or m.group(1) not in lw.not_first:
            break
        rest = start + m.end()
        if rest >= end or not text[rest].isupper():
            break
        start = rest
    span = text[start:end]
    m = _SPACED_DASH.search(span)
    if m and m.start() > 0:
        end = start + m.start()
        span = text[start:end]
    for m in _CONJUNCTION.finditer(span):
        after = span[m.end():].split()
        if m.start() > 0 and after and (person or after[0].rstrip(".") in lw.honorifics
                                        or after[0] in lw.honorifics):
            end = start + m.start()
            break
    return clean_span(text, start, end)


# -- words around a name -----------------------------------------------------------------------
_WORD_BEFORE = re.compile(r"([a-z][\w-]*) +$")  # search(text[..start])
_WORD_AFTER = re.compile(r"(?:['’]s|(?<=s)['’])? +([a-z][\w-]*)")  # match(text, end)
# "Yukos is confident of its right": "its" within a few words after the name, same clause.
_ITS = re.compile(r"(?: +[a-z][\w-]*){1,4} +its\b")  # match(text, end)
# A singular name with a plural verb names a collective: a team, a firm ("Newcastle were").
_PLURAL_VERB = re.compile(r" +(?:are|were|have)\b")  # match(text, end)
# "M Tait (Newcastle)": a club in a team list.
_TEAM_LIST = re.compile(r"\b[A-Z][\w’'-]+ \($")
# "Kenteris and Thanou are", "the reaches of the Yangtze are": the verb is not the name's.
_LISTED = re.compile(r"(?:\band|\bor|&|,|\bof(?: the)?) +$")
_SUCH_AS = re.compile(r"\b(?:companies|firms|organisations|operators|clubs|teams|sides|"
                      r"groups|giants)(?: such as| like| including) +$", re.I)
_WON = re.compile(r"\b(?:win|wins|won|winning|clinch|clinched|lift|lifted|retain|retained)"
                  r"\s+(?:the|an?|his|her|their|its|this\s+year's|last\s+year's)\s+$")
_WINNING = re.compile(r"-(?:winning|winner|nominated|nominee)\b")  # match(text, end)
_DETERMINER = re.compile(r"(?:^|[^\w’'])(?:the|an?|The|An?)\s+$")


def context_type(text: str, start: int, end: int, label: str = "",
                 lw: NameWords | None = None) -> str:
    """The type the words right around the name `text[start:end]` say it has, else "".

    Other: after "won the" / "win an" ("won the Premiership"), before "-winning"
    ("Oscar-winning"), or before a word of `other_after` ("Premiership title").
    Organisation: after a noun of `organisation_before` ("oil giant Yukos") or "firms such
    as", or before a word of `organisation_after` ("Liverpool boss", "BT's customers",
    "Yukos' shares"); unless the model called it a place (a country has a team and "its"):
    in brackets after a player's name ("M Tait (Newcastle)"), before "its" a few words on
    for a one-word name the model called a person ("Yukos is confident of its right"),
    before a plural verb, not in a list ("Everton were"; not for a person's full name).

    `label`: the type the model gave this mention. One mention's context is a clue, not a
    verdict: the corpus-wide vote weighs it (grouping.Corpus._vote)."""
    lw = lw or default_words()
    before = text[max(0, start - 40):start]
    if _WINNING.match(text, end) or _WON.search(before):
        return OTHER
    m = _WORD_AFTER.match(text, end)
    after = m.group(1) if m else ""
    if after in lw.other_after and not text.startswith(("'s", "’s"), end):
        return OTHER
    m = _WORD_BEFORE.search(before)
    if (after in lw.organisation_after or _SUCH_AS.search(before)
            or (m and m.group(1) in lw.organisation_before)):
        return ORGANISATION
    if label == PLACE:
        return ""
    if text.startswith(")", end) and _TEAM_LIST.search(before):
        return ORGANISATION
    if label == PERSON and " " not in text[start:end] and _ITS.match(text, end):
        return ORGANISATION  # a person is never "its"
    if (_PLURAL_VERB.match(text, end) and not _LISTED.search(before)
            and (" " not in text[start:end] if label == PERSON else text[end - 1] not in "sS")):
        return ORGANISATION  # not "Simon Fuller are", nor a plural name ("Six Nations are")
    return ""


def after_determiner(text: str, start: int) -> bool:
    """True when "the", "a" or "an" comes right before the name ("the Premiership", "an
    Oscar"): a person's name does not take one."""
    return bool(_DETERMINER.search(text[max(0, start - 8):start]))
