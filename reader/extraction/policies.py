"""Policies: codebook matching, unfiled proposals, attribution and timelines.

Pure Python over the cached `Analysis` (reader/extraction/nlp.py): nothing here imports
spaCy, so policies rebuild in milliseconds at start-up whenever the NLP cache is current.
Patterns are matched over lemma sequences by a small matcher of our own rather than
spaCy's Matcher, because a codebook term must match a lemma *or* a surface form, skip
punctuation and possessives, allow bounded gaps inside a sentence and carry exclusions for
false friends; the codebook format (resources/codebook.toml) documents the language.

Offsets reported here index into `Article.body`. A mention is one sentence: its span is the
whole sentence (the sentence text is the evidence), one mention per policy per sentence.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import tomllib
from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import accumulate
from operator import and_
from pathlib import Path

from reader.domain import Article, ArticleInfo, Policy, PolicyMention, Proposal
from reader.errors import BadInput, NotFound
from reader.extraction.nlp import CACHE_VERSION, MODEL_VERSION, Analysis

log = logging.getLogger(__name__)

POLICY_VERSION = 1  # bump when matching or attribution rules change (invalidates caches)
STANCES = ("proposes", "supports", "opposes", "sceptical", "unknown")
DEFAULT_GAP = 5  # words a bare "..." may skip

ResolveActor = Callable[[str], "str | None"]


# -- public dataclasses ------------------------------------------------------------------


class PolicyTable:
    """All policies with their mentions, and the unfiled proposals, for one corpus."""

    def __init__(self, policies: Sequence[Policy], proposals: Sequence[Proposal],
                 problems: Sequence[str] = (), rules: str = "",
                 doc_keys: Mapping[str, str] | None = None):
        self.policies = list(policies)
        self.proposals = list(proposals)
        self.problems = list(problems)  # user policies that were skipped, one line each
        # What each article's results depend on (for `build_policies(previous=...)`).
        self.rules = rules
        self.doc_keys = dict(doc_keys or {})
        self._by_id = {p.id: p for p in self.policies}

    def __len__(self) -> int:
        return len(self.policies)

    def get(self, policy_id: str) -> Policy:
        """Raises NotFound."""
        try:
            return self._by_id[policy_id]
        except KeyError:
            raise NotFound(f"No policy with id '{policy_id}'") from None

    def for_doc(self, doc_id: str) -> list[Policy]:
        """Policies mentioned in one article (codebook order, user policies last)."""
        return [p for p in self.policies if any(m.doc == doc_id for m in p.mentions)]

    def proposals_for(self, doc_id: str) -> list[Proposal]:
        return [p for p in self.proposals if p.doc == doc_id]

    def timeline(self, policy_id: str) -> tuple[list[PolicyMention], list[PolicyMention]]:
        """(dated mentions by date then article and offset, undated mentions by article and
        offset). Raises NotFound."""
        mentions = self.get(policy_id).mentions
        dated = sorted((m for m in mentions if m.date), key=lambda m: (m.date, m.doc, m.start))
        undated = sorted((m for m in mentions if not m.date), key=lambda m: (m.doc, m.start))
        return dated, undated

    def to_cache(self) -> dict:
        """JSON-ready dict; `from_cache` reads it back."""
        return {
            "version": POLICY_VERSION,
            "policies": [
                {"id": p.id, "label": p.label, "description": p.description, "user": p.user,
                 "mentions": [[m.doc, m.start, m.end, m.text, m.actor_name, m.actor,
                               m.stance, m.date] for m in p.mentions]}
                for p in self.policies
            ],
            "proposals": [[p.doc, p.start, p.end, p.text, p.cue] for p in self.proposals],
            "problems": self.problems,
            "rules": self.rules,
            "docs": self.doc_keys,
        }

    @classmethod
    def from_cache(cls, data: Mapping, resolve_actor: ResolveActor | None = None
                   ) -> PolicyTable:
        """Rebuild from `to_cache()` output. With `resolve_actor`, actor names are resolved
        again (an entity edit then needs no re-matching).

        Raises ValueError when the data is not a current policy cache (rebuild it)."""
        try:
            if data["version"] != POLICY_VERSION:
                raise ValueError(f"policy cache version {data['version']!r}")
            policies = []
            for raw in data["policies"]:
                mentions = []
                for doc, start, end, text, name, actor, stance, date in raw["mentions"]:
                    if resolve_actor is not None:
                        actor = _resolved(name, resolve_actor)
                    mentions.append(PolicyMention(str(doc), int(start), int(end), str(text),
                                                  actor, str(stance), str(date), name))
                policies.append(Policy(str(raw["id"]), str(raw["label"]),
                                       str(raw["description"]), mentions, bool(raw["user"])))
            proposals = [Proposal(str(d), int(s), int(e), str(t), str(c))
                         for d, s, e, t, c in data["proposals"]]
            problems = [str(p) for p in data["problems"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"unreadable policy cache: {exc}") from exc
        return cls(policies, proposals, problems, str(data.get("rules", "")),
                   {str(k): str(v) for k, v in dict(data.get("docs", {})).items()})


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
    slug_ = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:40].rstrip("-")
    if not slug_:
        raise BadInput("a policy needs a label with letters or digits")
    entry = {"id": f"user:{slug_}", "label": label, "description": description or proposal.text,
             "patterns": list(patterns)}
    return validate_policies([entry])[0]


def fingerprint(articles: Sequence[Article], codebook: Sequence[dict],
                user_policies: Sequence[dict] = ()) -> str:
    """Changes whenever `build_policies` could give a different answer for these inputs
    (actor resolution aside: `PolicyTable.from_cache(data, resolve_actor)` redoes that)."""
    h = hashlib.sha256(f"policies-v{POLICY_VERSION}-nlp{CACHE_VERSION}-{MODEL_VERSION}".encode())
    h.update(json.dumps([list(codebook), list(user_policies)], sort_keys=True).encode())
    for art in sorted(articles, key=lambda a: a.id):
        for part in (art.id, art.text_hash, art.date, art.author):
            h.update(part.encode())
            h.update(b"\x1f")
    return h.hexdigest()[:24]


# -- the pattern language ----------------------------------------------------------------


@dataclass(frozen=True)
class _Term:
    keys: frozenset[str]  # lower-case: compared with lemma / lower text
    exact: frozenset[str]  # case-sensitive surface forms
    pos: str | None = None


@dataclass(frozen=True)
class _Gap:
    most: int


@dataclass(frozen=True)
class Pattern:
    text: str
    elements: tuple  # _Term | _Gap, starting and ending with a _Term


_QUOTE_MARK = re.compile("[“”\"‘’']")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")


def _norm_word(word: str) -> str:
    word = word.translate(_QUOTES)
    if word.lower().endswith("'s"):
        word = word[:-2]
    return _EDGE_PUNCT.sub("", word)


def compile_pattern(text: str) -> Pattern:
    """Parse one pattern (see resources/codebook.toml). Raises BadInput."""
    if not isinstance(text, str) or not text.strip():
        raise BadInput("empty pattern")
    spaced = re.sub(r"(?<=\w)-(?=\w)", " ", text.translate(_QUOTES))
    elements: list = []
    for piece in spaced.split():
        gap = re.fullmatch(r"\.\.(\d+)|\.\.\.", piece)
        if gap:
            if not elements or isinstance(elements[-1], _Gap):
                raise BadInput(f"pattern {text!r}: a gap must sit between two words")
            elements.append(_Gap(int(gap[1]) if gap[1] else DEFAULT_GAP))
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
        elements.append(_Term(frozenset(keys), frozenset(exact), pos))
    if not elements or isinstance(elements[-1], _Gap):
        raise BadInput(f"pattern {text!r}: must end with a word")
    return Pattern(text, tuple(elements))


# -- per-article view of the cached analysis ---------------------------------------------


@dataclass
class _Unit:
    """A sentence clipped to the body and to one paragraph (full-text offsets)."""

    start: int
    end: int
    para: int
    tokens: list[int]
    quoted: bool = False
    question: bool = False


class _Doc:
    """The analysis of one article, in the shapes matching and attribution need."""

    def __init__(self, article: Article, analysis: Analysis, key_cache: dict | None = None):
        self.article = article
        self.key_cache = {} if key_cache is None else key_cache
        self.an = analysis
        self.text = f"{article.title}\n\n{article.body}" if article.title else article.body
        self.offset = analysis.body_offset
        toks = analysis.tokens
        self.tok_text = [self.text[s:e] for s, e, *_ in toks]
        self.lemma = [t[2] for t in toks]
        self.pos = [t[3] for t in toks]
        self.dep = [t[4] for t in toks]
        self.head = [t[5] for t in toks]
        self.children: list[list[int]] = [[] for _ in toks]
        for i, h in enumerate(self.head):
            if h != i:
                self.children[h].append(i)
        self.ent_of: dict[int, tuple[int, int, str]] = {}
        starts = [t[0] for t in toks]
        for ent in analysis.ents:
            for i in range(bisect_left(starts, ent[0]), len(toks)):
                if toks[i][0] >= ent[1]:
                    break
                self.ent_of[i] = ent
        self.paras = self._paragraphs()
        self.qmask = bytearray(len(self.text))
        for s, e in self._quote_spans():
            self.qmask[s:e] = b"\x01" * (e - s)
        # prefix counts of letters/digits, and of those inside quotes
        letters = bytes(map(str.isalnum, self.text))
        # (arrays, not lists: a list holds an int object per character, which churns and
        # fragments the heap when 10k articles go through one after another)
        self.alnum = array("i", accumulate(letters, initial=0))
        self.quoted_alnum = array("i", accumulate(map(and_, letters, self.qmask), initial=0))
        self.units = self._units()
        self.content, self.unit_of, self.index = self._content_index()

    # paragraphs, quotes and sentences ----------------------------------------------------
    def _paragraphs(self) -> list[tuple[int, int]]:
        out, pos = [], 0
        body = self.article.body
        for chunk in body.split("\n\n"):
            if chunk.strip():
                out.append((self.offset + pos, self.offset + pos + len(chunk)))
            pos += len(chunk) + 2
        return out

    def _quote_spans(self) -> list[tuple[int, int]]:
        """(start, end) of quoted text, per paragraph; an unclosed quote runs to the
        paragraph's end (news style: a quote continued in the next paragraph)."""
        spans = []
        for pstart, pend in self.paras:
            text = self.text[pstart:pend]
            opener, at = None, 0
            for m in _QUOTE_MARK.finditer(text):
                i, ch = m.start(), m[0]
                prev = text[i - 1] if i else " "
                nxt = text[i + 1] if i + 1 < len(text) else " "
                if opener is None or (opener == "'" and ch == "‘"):
                    # (a second opening single quote restarts: the first was a stray)
                    if ch in "“\"":
                        opener, at = '"', i
                    elif ch == "‘" or (ch == "'" and not prev.isalnum()):
                        opener, at = "'", i
                    continue
                if opener == '"' and ch in "”\"":
                    spans.append((pstart + at, pstart + i + 1))
                    opener = None
                elif opener == "'" and ch in "’'" and not nxt.isalnum():
                    # A closing single quote, or an apostrophe ("professionals’ time")?
                    # After or before punctuation it closes; else only a short scare quote.
                    if not prev.isalnum() or nxt in ".,!?;:)" or i - at <= 40:
                        spans.append((pstart + at, pstart + i + 1))
                        opener = None
            if opener is not None:
                spans.append((pstart + at, pend))
        return spans

    def quoted_share(self, start: int, end: int) -> float:
        """Share of the letters in text[start:end] that are inside quotation marks."""
        letters = self.alnum[end] - self.alnum[start]
        return (self.quoted_alnum[end] - self.quoted_alnum[start]) / letters if letters else 0.0

    def in_quote(self, offset: int) -> bool:
        return bool(self.qmask[offset]) if 0 <= offset < len(self.qmask) else False

    def _units(self) -> list[_Unit]:
        units: list[_Unit] = []
        starts = [t[0] for t in self.an.tokens]
        for s, e in self.an.sents:
            s = max(s, self.offset)
            for pi, (ps, pe) in enumerate(self.paras):
                a, b = max(s, ps), min(e, pe)
                if a >= b:
                    continue
                piece = self.text[a:b]
                a += len(piece) - len(piece.lstrip())
                b -= len(piece) - len(piece.rstrip())
                if not any(c.isalnum() for c in self.text[a:b]):
                    continue
                lo = bisect_left(starts, a)
                toks = []
                for i in range(lo, len(starts)):
                    if starts[i] >= b:
                        break
                    toks.append(i)
                unit = _Unit(a, b, pi, toks)
                unit.quoted = self.quoted_share(a, b) >= 0.5
                unit.question = self.text[a:b].rstrip("’'\"”) ").endswith("?")
                units.append(unit)
        return units

    # the matcher's index -----------------------------------------------------------------
    def _content_index(self):
        content: list[int] = []  # token indices of words (punctuation, possessives skipped)
        unit_of: list[int] = []
        index: dict[str, list[int]] = defaultdict(list)
        self.keys: dict[int, frozenset[str]] = {}
        self.surface: dict[int, str] = {}
        for ui, unit in enumerate(self.units):
            for ti in unit.tokens:
                if self.pos[ti] in ("PUNCT", "SPACE"):
                    continue
                surface, keys = self._word_keys(self.tok_text[ti], self.lemma[ti], self.pos[ti])
                if not surface:
                    continue
                pos = len(content)
                content.append(ti)
                unit_of.append(ui)
                self.keys[ti] = keys
                self.surface[ti] = surface
                for k in keys:
                    index[k].append(pos)
                index["=" + surface].append(pos)
        return content, unit_of, index

    def _word_keys(self, raw: str, lemma: str, pos: str) -> tuple[str, frozenset[str]]:
        """(surface, match keys) of a token; ("", ...) for a possessive or bare punctuation.
        Memoised per build: most tokens are common words."""
        cache_key = (raw, lemma, pos)
        hit = self.key_cache.get(cache_key)
        if hit is not None:
            return hit
        text = raw.translate(_QUOTES)
        surface = "" if text in ("'s", "'") else _EDGE_PUNCT.sub("", text)
        lower = surface.lower()
        keys = {lower, _EDGE_PUNCT.sub("", lemma.translate(_QUOTES)).lower()}
        if pos in ("NOUN", "PROPN") and len(lower) > 3:  # "Reviews" (PROPN keeps its plural)
            if lower.endswith("ies"):
                keys.add(lower[:-3] + "y")
            elif lower.endswith("s") and not lower.endswith("ss"):
                keys.add(lower[:-1])
        keys.discard("")
        hit = self.key_cache[cache_key] = (surface, frozenset(keys))
        return hit

    def _term_ok(self, term: _Term, pos: int) -> bool:
        ti = self.content[pos]
        if term.pos and self.pos[ti] != term.pos:
            return False
        return bool(term.keys & self.keys[ti]) or self.surface[ti] in term.exact

    def find(self, pattern: Pattern) -> list[tuple[int, int]]:
        """Matches as (first, last) positions in `self.content`, inside one unit."""
        first = pattern.elements[0]
        cands = set()
        for k in first.keys:
            cands.update(self.index.get(k, ()))
        for x in first.exact:
            cands.update(self.index.get("=" + x, ()))
        out = []
        for p in sorted(cands):
            if not self._term_ok(first, p):
                continue
            end = self._extend(pattern.elements, 1, p, self.unit_of[p])
            if end is not None:
                out.append((p, end))
        return out

    def _extend(self, elements, k: int, pos: int, unit: int) -> int | None:
        if k == len(elements):
            return pos
        el = elements[k]
        gap = 0
        if isinstance(el, _Gap):
            gap, k = el.most, k + 1
            el = elements[k]
        for nxt in range(pos + 1, pos + 2 + gap):
            if nxt >= len(self.content) or self.unit_of[nxt] != unit:
                return None
            if self._term_ok(el, nxt):
                end = self._extend(elements, k + 1, nxt, unit)
                if end is not None:
                    return end
        return None

    # tree helpers ------------------------------------------------------------------------
    def distance(self, a: int, b: int) -> int:
        """Path length between two tokens in the dependency tree (large when unrelated)."""
        up = {}
        node, d = a, 0
        while node not in up and d < 60:
            up[node] = d
            if self.head[node] == node:
                break
            node, d = self.head[node], d + 1
        node, d = b, 0
        seen = set()
        while node not in seen and d < 60:
            if node in up:
                return up[node] + d
            seen.add(node)
            if self.head[node] == node:
                break
            node, d = self.head[node], d + 1
        return 999

    def depth(self, i: int) -> int:
        d = 0
        while self.head[i] != i and d < 60:
            i, d = self.head[i], d + 1
        return d

    def kids(self, i: int, *deps: str) -> list[int]:
        return [c for c in self.children[i] if self.dep[c] in deps]


# -- attribution -------------------------------------------------------------------------

# Stance cues by lemma. Verbs, adjectives and nouns; checked against the whole sentence and
# chosen by closeness (in the dependency tree) to the matched policy words.
_STANCE_CUES = {
    "sceptical": {"sceptical", "skeptical", "doubt", "doubtful", "unconvinced", "wary",
                  "sceptic", "scepticism"},
    "opposes": {"oppose", "reject", "criticise", "criticize", "condemn", "resist", "object",
                "opposition", "opposed", "attack", "slam"},
    "supports": {"support", "welcome", "back", "endorse", "agree", "favour", "favor",
                 "applaud", "praise", "confident", "keen", "argue", "champion"},
    "proposes": {"propose", "proposal", "recommend", "recommendation", "urge", "plan",
                 "intend", "want", "advocate", "pledge", "promote", "suggest", "consider",
                 "seek", "demand", "plea", "call"},
}
_CUE_STANCE = {lemma: stance for stance, lemmas in _STANCE_CUES.items() for lemma in lemmas}
_CUE_NOUNS = {"proposal", "recommendation", "plan", "plea", "call", "opposition",
              "scepticism", "doubt", "pledge"}
_PRIORITY = {"sceptical": 0, "opposes": 1, "supports": 2, "proposes": 3}
# Verbs whose subject is who speaks (no stance of their own).
_SPEECH = {"say", "state", "add", "tell", "claim", "insist", "warn", "write", "explain",
           "note", "stress", "admit", "believe", "think", "launch", "publish", "appoint",
           "commission", "introduce", "describe", "conclude", "find", "announce", "unveil"}
_SAYING = {"say", "state", "add", "tell", "claim", "insist", "write", "argue", "stress"}
_SPEECH_FORMS = {"said", "says", "states", "stated", "added", "adds", "told", "tells",
                 "argued", "argues", "wrote", "writes", "insisted", "insists", "warned",
                 "warns", "stressed", "stresses", "explained", "explains", "claimed", "claims"}
_MODALS = {"should", "must", "ought", "shall", "will"}
_DOC_NOUNS = {"report", "review", "paper", "document", "consultation", "study", "plan",
              "proposal", "strategy", "bill", "recommendation", "update", "it"}
_SPOKES = {"spokesman", "spokeswoman", "spokesperson", "representative", "official",
           "source", "spokesmen", "spokespeople"}
_GENERIC = {"government": "Government", "minister": "Minister", "ministers": "Ministers"}
_TITLES = {"professor", "prof", "dr", "sir", "dame", "lord", "lady", "baroness", "baron",
           "mr", "mrs", "ms", "miss", "rt", "hon", "the"}
_ACTOR_LABELS = {"PERSON", "ORG", "NORP", "GPE"}
_FIRST_PERSON = {"i", "we", "me", "us", "my", "our"}
_WRITER_TITLE = re.compile(r"^((?:[A-Z][\w'’.-]+\s+){1,3}?[A-Z][\w'’-]+)"
                           r"(?:\s+(?:MP|MEP|MSP|AM))?\s*:\s")


@dataclass
class _Actor:
    name: str
    person: bool = False


class _Attributor:
    """Walks one article's sentences in order, keeping the context pronouns and reports
    refer back to (last speaker, last person, who published the report...)."""

    def __init__(self, doc: _Doc):
        self.doc = doc
        self.writer = self._writer()
        self.full_names: list[str] = []
        self.last_person: _Actor | None = None
        self.last_speaker: _Actor | None = None  # a named person who said something
        self.last_actor: _Actor | None = None  # anyone credited with a statement
        self.doc_owner: _Actor | None = None
        self.para_speaker: dict[int, _Actor] = {}
        self.unit_speaker: dict[int, _Actor | None] = {}
        self.unit_actor: dict[int, tuple[_Actor | None, int | None]] = {}
        self.context: dict[int, tuple] = {}
        for ui in range(len(doc.units)):
            self._read(ui)

    def _writer(self) -> str | None:
        """Who "we" and "I" are outside quotes: the byline, else an opinion piece's
        "Tim Loughton MP: ..." title when the model reads that name as a person."""
        art = self.doc.article
        if art.author:
            return art.author
        m = _WRITER_TITLE.match(art.title)
        if m and any(s == 0 and e >= len(m[1]) and label == "PERSON"
                     for s, e, label in self.doc.an.ents):
            return self._clean(m[1])
        return None

    # names -------------------------------------------------------------------------------
    def _clean(self, name: str) -> str:
        name = name.translate(_QUOTES).strip(" -,")
        name = re.sub(r"'s?$", "", name).strip()
        words = name.split()
        while len(words) > 1 and words[0].lower().strip(".") in _TITLES:
            words.pop(0)
        name = " ".join(words)
        if len(words) == 1:
            for full in reversed(self.full_names):
                if full.split()[-1] == name:
                    return full
        return name

    def name_of(self, i: int, quoted: bool) -> _Actor | None:
        """The actor a subject/possessor token stands for, or None when it names nobody."""
        d = self.doc
        low = d.tok_text[i].lower()
        lemma = d.lemma[i].lower()
        if d.pos[i] == "PRON":
            if low in _FIRST_PERSON:
                if quoted:
                    return None  # the quote's speaker: the caller knows
                return _Actor(self.writer, True) if self.writer else None
            if low in ("he", "she", "him", "her", "his"):
                return self.last_speaker or self.last_person
            return None
        if lemma in _SPOKES or low in _SPOKES:
            for c in d.children[i]:
                if d.dep[c] in ("compound", "poss") and d.pos[c] == "PROPN":
                    return self._named(c)
                if d.dep[c] == "prep" and d.lemma[c] in ("from", "for", "at", "of"):
                    for g in d.kids(c, "pobj"):
                        return self._named(g)
            return None
        if low in _GENERIC or lemma in _GENERIC:
            return _Actor(_GENERIC.get(low) or _GENERIC[lemma])
        named = self._named(i)
        if named is None and d.pos[i] == "NOUN":
            # "the charity's chief executive, Peter Wanless" / "its chair Jane Doe"
            for c in d.kids(i, "appos", "compound"):
                if d.pos[c] == "PROPN":
                    return self._named(c)
        return named

    def _named(self, i: int) -> _Actor | None:
        d = self.doc
        ent = d.ent_of.get(i)
        if ent and ent[2] in _ACTOR_LABELS:
            name = self._clean(d.text[ent[0]:ent[1]])
            if name and name.lower() not in _GENERIC:
                return self._remember(_Actor(name, ent[2] == "PERSON"))
        if d.pos[i] != "PROPN":
            return None
        lo = i
        while lo - 1 >= 0 and d.pos[lo - 1] == "PROPN" and d.head[lo - 1] in range(lo, i + 1):
            lo -= 1
        name = self._clean(" ".join(d.tok_text[k] for k in range(lo, i + 1)))
        if not name or name.lower() in _GENERIC:
            return None
        return self._remember(_Actor(name, bool(ent and ent[2] == "PERSON")))

    def _remember(self, actor: _Actor) -> _Actor:
        if actor.person and len(actor.name.split()) > 1 and actor.name not in self.full_names:
            self.full_names.append(actor.name)
        return actor

    # agents of cues ----------------------------------------------------------------------
    def subject(self, v: int, quoted: bool) -> _Actor | None:
        """Who does verb/adjective/noun `v`: its subject, possessor or "by" agent."""
        d = self.doc
        for _ in range(4):
            for c in d.kids(v, "nsubj"):
                return self._agent_of(c, quoted)
            for c in d.kids(v, "agent"):
                for g in d.kids(c, "pobj"):
                    return self._agent_of(g, quoted)
            if d.pos[v] in ("NOUN", "PROPN"):
                for c in d.kids(v, "poss", "compound", "amod"):
                    if d.pos[c] in ("PROPN", "PRON") or d.lemma[c].lower() in _GENERIC or (
                            d.ent_of.get(c, ("", "", ""))[2] in ("NORP", "ORG", "PERSON")):
                        return self.name_of(c, quoted)
                for c in d.kids(v, "acl", "relcl"):
                    for a in d.kids(c, "agent"):
                        for g in d.kids(a, "pobj"):
                            return self._agent_of(g, quoted)
                # "Under the plans ...": the plans last spoken of in this article.
                if not quoted and d.lemma[v].lower() in _DOC_NOUNS and any(
                        d.lemma[c].lower() in ("the", "this", "these")
                        for c in d.kids(v, "det")):
                    return self.doc_owner or self.last_actor
                return None
            if d.dep[v] in ("conj", "xcomp", "acomp", "advcl") and d.head[v] != v:
                v = d.head[v]
                continue
            return None
        return None

    def _agent_of(self, c: int, quoted: bool) -> _Actor | None:
        d = self.doc
        lemma = d.lemma[c].lower()
        if lemma in ("it", "they"):
            # "The government says it wants ...": the subject of the verb reporting it.
            verb = d.head[c]
            if d.dep[verb] in ("ccomp", "xcomp") and d.head[verb] != verb:
                for s in d.kids(d.head[verb], "nsubj"):
                    if d.pos[s] != "PRON":
                        return self._agent_of(s, quoted)
            if lemma == "they":
                return None
        if lemma in _DOC_NOUNS:
            owner = None
            for p in d.kids(c, "poss"):
                owner = self.name_of(p, quoted)
            if owner is None and not quoted:
                owner = self.doc_owner or self.last_actor
            return owner
        return self.name_of(c, quoted)

    # one sentence at a time --------------------------------------------------------------
    def _read(self, ui: int) -> None:
        d = self.doc
        unit = d.units[ui]
        self.context[ui] = self._snapshot()
        outside = [i for i in unit.tokens if not d.in_quote(d.an.tokens[i][0])]
        # The sentence's own speaker: the shallowest speech/stance verb outside quotes
        # with a subject that names someone.
        best: tuple[int, _Actor, int] | None = None
        for i in outside:
            lemma = d.lemma[i].lower()
            verbish = d.pos[i] in ("VERB", "AUX", "ADJ")
            if not verbish or (lemma not in _SPEECH and lemma not in _CUE_STANCE):
                continue
            actor = self.subject(i, quoted=False)
            if actor and (best is None or d.depth(i) < best[0]):
                best = (d.depth(i), actor, i)
        if best is None:
            for i in outside:
                if d.lemma[i].lower() == "accord":
                    for c in d.kids(i, "prep"):
                        for g in d.kids(c, "pobj"):
                            actor = self.name_of(g, quoted=False)
                            if actor:
                                best = (0, actor, i)
        if best is None and d.quoted_share(unit.start, unit.end) > 0:
            best = self._speech_tag(outside)
        if best is None:
            # "the LGA is sceptical ...", "Munro's report is ..."
            for i in outside:
                if d.lemma[i] == "be" and d.dep[i] == "ROOT" and any(
                        d.lemma[k].lower() in _CUE_STANCE and d.pos[k] == "ADJ"
                        for k in unit.tokens):
                    for c in d.kids(i, "nsubj"):
                        actor = self._agent_of(c, quoted=False)
                        if actor:
                            best = (0, actor, i)
        own = best[1] if best else None
        if best and d.lemma[best[2]] == "publish":
            self.doc_owner = best[1]
        for i in outside:  # "the Conservatives' new policy paper": who owns reports
            if d.lemma[i].lower() in _DOC_NOUNS - {"it"}:
                for p in d.kids(i, "poss"):
                    if d.pos[p] == "PROPN":
                        self.doc_owner = self.name_of(p, quoted=False) or self.doc_owner
        self.unit_actor[ui] = (own, best[2] if best else None)
        # Quotes: the speaker is this sentence's own speaker, else the paragraph's, else the
        # previous paragraph's when this one opens with a quote (a quote continued).
        speaker = None
        if unit.quoted:
            speaker = own or self.para_speaker.get(unit.para)
            if speaker is None:
                later = [u for u in range(ui + 1, len(d.units)) if d.units[u].para == unit.para]
                for u in later:
                    speaker = self._peek_speaker(u)
                    if speaker:
                        break
            if speaker is None:
                speaker = self.para_speaker.get(unit.para - 1)
        self.unit_speaker[ui] = speaker
        for who in (own, speaker):
            if who is not None:
                self.para_speaker.setdefault(unit.para, who)
        if own is not None:
            self.para_speaker[unit.para] = own
            self.last_actor = own
            if own.person:
                self.last_speaker = own
        elif speaker is not None:
            self.para_speaker[unit.para] = speaker
        for i in outside:
            ent = d.ent_of.get(i)
            if ent and ent[2] == "PERSON" and d.an.tokens[i][1] == ent[1]:
                person = self._named(i)
                if person:
                    self.last_person = person

    def _speech_tag(self, outside: list[int]) -> tuple[int, _Actor, int] | None:
        """The speech tag next to a quote when the parser missed the verb (the model reads
        "..., the consultation document states." as a noun phrase): the word before a
        lower-case "says"/"states"/... is its subject ("said Mr X" order too)."""
        d = self.doc
        for n, i in enumerate(outside):
            if d.tok_text[i] not in _SPEECH_FORMS:
                continue
            if n and d.pos[outside[n - 1]] in ("NOUN", "PROPN", "PRON"):
                actor = self._agent_of(outside[n - 1], quoted=False)
            elif n + 1 < len(outside) and d.pos[outside[n + 1]] == "PROPN":
                actor = self._named(outside[n + 1])
            else:
                actor = None
            if actor:
                return (0, actor, i)
        return None

    def _peek_speaker(self, ui: int) -> _Actor | None:
        """A following sentence's "..., she said" (without moving the context on)."""
        d = self.doc
        for i in d.units[ui].tokens:
            if d.in_quote(d.an.tokens[i][0]) or d.lemma[i].lower() not in _SAYING:
                continue
            actor = self.subject(i, quoted=False)
            if actor:
                return actor
        return None

    def _snapshot(self) -> tuple:
        return (self.last_person, self.last_speaker, self.last_actor, self.doc_owner,
                list(self.full_names))

    # stance and actor of a mention -------------------------------------------------------
    def attribute(self, ui: int, matched: Sequence[int]) -> tuple[_Actor | None, str]:
        """(actor, stance) of a policy matched at tokens `matched` in sentence `ui`, with
        the context (last speaker, report owner...) as it stood when the sentence began."""
        saved = self._snapshot()
        (self.last_person, self.last_speaker, self.last_actor, self.doc_owner,
         self.full_names) = self.context[ui]
        try:
            return self._attribute(ui, matched)
        finally:
            (self.last_person, self.last_speaker, self.last_actor, self.doc_owner,
             self.full_names) = saved

    def _attribute(self, ui: int, matched: Sequence[int]) -> tuple[_Actor | None, str]:
        d = self.doc
        unit = d.units[ui]
        quoted = unit.quoted
        cues = []
        for i in unit.tokens:
            lemma = d.lemma[i].lower()
            stance = _CUE_STANCE.get(lemma)
            if stance is None or not self._is_cue(i):
                continue
            negated = bool(d.kids(i, "neg"))
            if stance in ("supports", "proposes") and negated:
                stance = "opposes"
            dist = min(d.distance(m, i) for m in matched)
            noun = d.pos[i] == "NOUN"
            cues.append((negated, noun, dist, _PRIORITY[stance], i, stance))
        # A verb or adjective beats a noun ("Labour attacked government plans to ..."), an
        # affirmative cue a negated one (an inference, not a plain statement: "we are not
        # backing ContactPoint, which we have pledged to scrap"); then the cue nearest the
        # policy's words in the parse wins.
        cues.sort()
        verb_cue = next((st for neg, noun, *_, st in cues if not noun), None)
        cues = [(i, st) for *_, i, st in cues]
        actor: _Actor | None = None
        stance = "unknown"
        if quoted:
            actor = self.unit_speaker.get(ui)
            if cues:
                stance = cues[0][1]
        else:
            for i, st in cues:
                who = self.subject(i, quoted=False)
                if who is not None:
                    actor, stance = who, st
                    break
            if actor is None:
                actor, verb = self.unit_actor.get(ui, (None, None))
                if actor is not None and cues:
                    stance = cues[0][1]
                elif actor is not None and verb is not None:
                    stance = _CUE_STANCE.get(d.lemma[verb].lower(), "unknown")
        if actor is None and not quoted:
            # "the Department for Education's innovation programme": whose it is.
            for m in matched:
                for c in d.kids(m, "poss"):
                    if d.pos[c] == "PROPN":
                        actor = self.name_of(c, quoted=False)
        if actor is not None and stance == "unknown" and (quoted or self._saying(ui)):
            if self._modal(unit) and not unit.question:
                stance = "proposes"
        if actor is None:
            # Nobody named: keep a stance only when a verb states it ("Critics reject ...").
            stance = verb_cue or "unknown"
        return actor, stance

    def _is_cue(self, i: int) -> bool:
        """A stance word used as one: verbs and adjectives, and a few nouns ("proposals",
        "a plea") but not as a modifier ("family support services")."""
        d = self.doc
        lemma = d.lemma[i].lower()
        if lemma == "call" and not any(d.lemma[c] in ("for", "on") for c in d.children[i]):
            return False
        if d.pos[i] in ("VERB", "AUX", "ADJ"):
            return True
        return (d.pos[i] == "NOUN" and lemma in _CUE_NOUNS
                and d.dep[i] not in ("compound", "amod"))

    def _saying(self, ui: int) -> bool:
        """Is the sentence someone's statement ("X said ...", "according to X, ...")?"""
        verb = self.unit_actor.get(ui, (None, None))[1]
        return verb is not None and self.doc.lemma[verb].lower() in _SAYING | {"accord"}

    def _modal(self, unit: _Unit) -> bool:
        """A plainly stated proposal: "should", "must", "we will", "need to", "be forced to"
        ("will" only as first-person intent: "it will not improve" is a prediction)."""
        d = self.doc
        for i in unit.tokens:
            lemma = d.lemma[i].lower()
            if d.pos[i] == "AUX" and lemma in _MODALS:
                if lemma not in ("will", "shall"):
                    return True
                verb = d.head[i]
                if not d.kids(verb, "neg") and any(
                        d.tok_text[c].lower() in ("we", "i") for c in d.kids(verb, "nsubj")):
                    return True
            if lemma in ("need", "have") and d.pos[i] == "VERB" and any(
                    d.dep[c] == "xcomp" for c in d.children[i]):
                return True
            if lemma in ("force", "oblige", "require") and d.kids(i, "auxpass"):
                return True
        return False


# -- proposals ---------------------------------------------------------------------------

_CUES = [compile_pattern(p) for p in (
    "propose:VERB", "plan to", "call:VERB for", "call:VERB on", "recommend:VERB", "urge:VERB",
    "should", "must:AUX", "would see the creation|introduction|establishment|end|abolition",
    "will|would be able to", "be considering", "want:VERB to", "intend:VERB to",
    "pledge:VERB to", "advocate:VERB", "set out ..2 plan|plans|proposal|proposals",
    "may|will|would|should be force|oblige|require to",
)]
# Weak cues: only in a main clause ("we need to reduce it", not "the changes we need to make").
_WEAK_CUES = [compile_pattern(p) for p in ("we need to", "have|has to change")]
_NOT_CUES = [compile_pattern(p) for p in (
    "call for ..3 view|views|evidence|comment|comments|submission|response|responses|help",
    "should|must have", "should be ..2 ashamed|proud|grateful|surprised|embarrassed",
)]


def _proposal_cues(doc: _Doc) -> dict[int, str]:
    """{sentence index: first cue as written} for statements (not questions) with a cue."""
    blocked = set()
    for pat in _NOT_CUES:
        for a, b in doc.find(pat):
            blocked.update(range(a, b + 1))
    first: dict[int, tuple[int, int]] = {}
    found = [m for pat in _CUES for m in doc.find(pat)]
    for pat in _WEAK_CUES:
        found += [(a, b) for a, b in doc.find(pat)
                  if not any(doc.dep[doc.content[k]] == "relcl" for k in range(a, b + 1))]
    for a, b in found:
        ui = doc.unit_of[a]
        if a in blocked or doc.units[ui].question:
            continue
        if ui not in first or (a, b) < first[ui]:
            first[ui] = (a, b)
    out = {}
    for ui, (a, b) in first.items():
        start = doc.an.tokens[doc.content[a]][0]
        end = doc.an.tokens[doc.content[b]][1]
        out[ui] = doc.text[start:end]
    return out


# -- building ----------------------------------------------------------------------------


@dataclass
class _Compiled:
    id: str
    label: str
    description: str
    patterns: list[Pattern]
    unless: list[Pattern]
    user: bool


def _compile(entry: dict, user: bool) -> _Compiled:
    return _Compiled(entry["id"], entry["label"], entry.get("description", ""),
                     [compile_pattern(p) for p in entry["patterns"]],
                     [compile_pattern(p) for p in entry.get("unless", ())], user)


def _resolved(name: str | None, resolve_actor: ResolveActor) -> str | None:
    if name is None:
        return None
    try:
        found = resolve_actor(name)
    except Exception:  # a resolver bug must not lose the policy table
        log.exception("resolve_actor failed for %r", name)
        found = None
    return found or name


def build_policies(articles: Iterable[Article | ArticleInfo],
                   analyses: Mapping[str, Analysis],
                   codebook: Sequence[dict], user_policies: Sequence[dict] = (),
                   resolve_actor: ResolveActor | None = None,
                   previous: Mapping | None = None,
                   load: Callable[[str], Article] | None = None) -> PolicyTable:
    """Match every policy in every analysed article, attribute each mention, and list the
    proposals no policy covers.

    Article by article: `articles` may be a generator and `analyses` a lazy mapping
    (`nlp.CachedAnalyses`); nothing of an article but its results is kept.

    Args:
        articles: clean articles; those without a current analysis are skipped.
        analyses: {article id: Analysis} from `nlp.analyse`.
        codebook: dicts from `load_codebook`.
        user_policies: dicts {id, label, description, patterns[, unless]} (the store's);
            one that is malformed or reuses a codebook id is skipped and reported in
            `PolicyTable.problems` (a bad stored policy must not hide all the others).
        resolve_actor: name -> entity id or None (default: keep the name).
        previous: an earlier table's `to_cache()`; an article whose text, date and author
            are unchanged (under the same policies) takes its results from there instead
            of being matched again (so one changed article re-matches one article).
        load: article id -> Article; with it, `articles` may be catalogue entries
            (ArticleInfo) and an article is loaded only when it has to be matched.
    Raises:
        BadInput for a malformed codebook.
    """
    book = validate_policies(codebook)
    users: list[dict] = []
    problems: list[str] = []
    for entry in user_policies:
        try:
            users += validate_policies([entry], taken=[p["id"] for p in book + users])
        except BadInput as exc:
            problems.append(f"user {exc}")
            log.warning("skipped user policy: %s", exc)
    compiled = [_compile(e, False) for e in book] + [_compile(e, True) for e in users]
    resolve = resolve_actor or (lambda name: name)
    found: dict[str, list[PolicyMention]] = {c.id: [] for c in compiled}
    proposals: list[Proposal] = []
    key_cache: dict = {}
    dates: dict[str, str] = {}
    rules = hashlib.sha256(
        json.dumps([f"policies-v{POLICY_VERSION}-nlp{CACHE_VERSION}-{MODEL_VERSION}", book,
                    users], sort_keys=True).encode()).hexdigest()[:24]
    reuse = _Reuse(previous, rules, {c.id for c in compiled})
    doc_keys: dict[str, str] = {}
    for item in articles:
        dates[item.id] = item.date
        if item.id not in analyses:
            continue
        key = _doc_key(item)
        if reuse.take(item.id, key, found, proposals, resolve):
            doc_keys[item.id] = key
            continue
        art = load(item.id) if load is not None else item
        analysis = analyses.get(art.id)
        if analysis is None:
            continue
        if analysis.text_hash != art.text_hash:
            log.warning("policies: analysis of %s is stale; skipped", art.id)
            continue
        doc_keys[art.id] = key
        doc = _Doc(art, analysis, key_cache)
        attributor = _Attributor(doc)
        covered: set[int] = set()
        for pol in compiled:
            per_unit: dict[int, list[int]] = {}
            dropped = set()
            for pat in pol.unless:
                for a, b in doc.find(pat):
                    dropped.update(range(a, b + 1))
            for pat in pol.patterns:
                for a, b in doc.find(pat):
                    if dropped & set(range(a, b + 1)):
                        continue
                    ui = doc.unit_of[a]
                    if ui not in per_unit:
                        per_unit[ui] = [doc.content[k] for k in range(a, b + 1)]
            for ui in sorted(per_unit):
                unit = doc.units[ui]
                actor, stance = attributor.attribute(ui, per_unit[ui])
                name = actor.name if actor else None
                found[pol.id].append(PolicyMention(
                    doc=art.id, start=unit.start - doc.offset, end=unit.end - doc.offset,
                    text=doc.text[unit.start:unit.end],
                    actor=_resolved(name, resolve), stance=stance, date=art.date,
                    actor_name=name))
                covered.add(ui)
        for ui, cue in sorted(_proposal_cues(doc).items()):
            if ui not in covered:
                unit = doc.units[ui]
                proposals.append(Proposal(art.id, unit.start - doc.offset,
                                          unit.end - doc.offset,
                                          doc.text[unit.start:unit.end], cue))
    policies = []
    for pol in compiled:
        mentions = sorted(found[pol.id], key=lambda m: (not m.date, m.date, m.doc, m.start))
        policies.append(Policy(pol.id, pol.label, pol.description, mentions, pol.user))
    proposals.sort(key=lambda p: (not dates.get(p.doc), dates.get(p.doc, ""), p.doc, p.start))
    return PolicyTable(policies, proposals, problems, rules, doc_keys)


def _doc_key(art: Article | ArticleInfo) -> str:
    """What one article's results depend on besides the policies: its text, date, author."""
    return hashlib.sha256(f"{art.text_hash}\x1f{art.date}\x1f{art.author}".encode()
                          ).hexdigest()[:16]


class _Reuse:
    """An earlier table's results by article, for articles that have not changed."""

    def __init__(self, previous: Mapping | None, rules: str, policy_ids: set[str]):
        self.keys: dict[str, str] = {}
        self.mentions: dict[str, list[tuple[str, list]]] = defaultdict(list)
        self.proposals: dict[str, list[list]] = defaultdict(list)
        if not previous:
            return
        try:
            if (previous.get("version") != POLICY_VERSION or previous.get("rules") != rules
                    or {p["id"] for p in previous["policies"]} != policy_ids):
                return
            for raw in previous["policies"]:
                for m in raw["mentions"]:
                    self.mentions[str(m[0])].append((raw["id"], m))
            for p in previous["proposals"]:
                self.proposals[str(p[0])].append(p)
            self.keys = {str(k): str(v) for k, v in previous["docs"].items()}
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            log.info("earlier policy results not reusable (%r); matching every article", exc)
            self.keys = {}

    def take(self, doc_id: str, key: str, found: dict[str, list[PolicyMention]],
             proposals: list[Proposal], resolve: ResolveActor) -> bool:
        """Add the earlier results of `doc_id` when its key is unchanged; True if it did."""
        if self.keys.get(doc_id) != key:
            return False
        try:
            mentions = [(pid, PolicyMention(str(doc), int(start), int(end), str(text),
                                            actor, str(stance), str(date), name))
                        for pid, (doc, start, end, text, name, actor, stance, date)
                        in self.mentions.get(doc_id, ())]
            props = [Proposal(str(d), int(s), int(e), str(t), str(c))
                     for d, s, e, t, c in self.proposals.get(doc_id, ())]
        except (TypeError, ValueError) as exc:
            log.info("earlier policy results of %s not reusable (%r)", doc_id, exc)
            return False
        for pid, m in mentions:
            found[pid].append(replace(m, actor=_resolved(m.actor_name, resolve)))
        proposals.extend(props)
        return True


__all__ = [
    "STANCES", "Pattern", "Policy", "PolicyMention", "PolicyTable", "Proposal",
    "build_policies", "compile_pattern", "fingerprint", "load_codebook", "promote",
    "validate_policies",
]
