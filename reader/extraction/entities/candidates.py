"""One article's name candidates: NER spans cleaned and typed, plus the spans rules find.

Everything here depends on one article, its analysis and the lexicon only, so its result
(`ArticleResult`) can be cached per article and reused while the article's text is
unchanged (reader.extraction.entities.build).
"""

from __future__ import annotations

import logging
import re
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from reader.domain import Article
from reader.extraction import names as N
from reader.extraction.names import (
    DATE,
    LAW,
    MONEY,
    ORGANISATION,
    OTHER,
    PERSON,
    PLACE,
    WORK,
    slug,
)
from reader.extraction.nlp import Analysis, full_text
from reader.extraction.packed import unpack

log = logging.getLogger(__name__)

_ACRONYM_DEF = re.compile(
    r"([A-Z][\w’'&-]*(?:[ -]+(?:of|for|the|and|on|in|to|&|[A-Z][\w’'&-]*))*) +"
    r"\(([A-Z][A-Za-z&.]{1,9})\)")
_QUOTED_BODY = r"[A-Z][^‘’“”\"\n.,;:!?]{3,80}?"
_QUOTED = re.compile(rf"(?<!\w)(?:‘({_QUOTED_BODY})’|“({_QUOTED_BODY})”|\"({_QUOTED_BODY})\")")
_PORTFOLIO_NEXT = re.compile(r"^ +(?:[Ss]ecretary|[Mm]inister)\b")
_MP_FOR = re.compile(r"\bMP\s+for\s+$")
_WORD = re.compile(r"[^\W\d_]+")
_CUED = (PERSON, ORGANISATION, PLACE, WORK, OTHER)  # types the words around a name revise


class Doc:
    """One article: its full text, where the body starts in it, and its token spans.

    Holds no Article and no Analysis. Once its candidates are found (`pack`), the text and
    the body's token spans (start, end), all the corpus-wide passes need, are kept
    zlib-compressed: a few KB an article instead of a token list."""

    __slots__ = ("id", "text", "off", "_spans", "packed")

    def __init__(self, doc_id: str, off: int, text: str | None = None,
                 spans: array | None = None, packed: tuple[bytes, bytes] | None = None):
        self.id = doc_id
        self.off = off
        self.text = text
        self._spans = spans
        self.packed = packed  # (zlib full text, zlib array of body token starts and ends)

    @classmethod
    def read(cls, art: Article, an: Analysis) -> Doc:
        spans = array("i")
        for tok in an.tokens:
            if tok[0] >= an.body_offset:
                spans.append(tok[0])
                spans.append(tok[1])
        return cls(art.id, an.body_offset, full_text(art), spans)

    def pack(self) -> None:
        self.packed = (zlib.compress(self.text.encode("utf-8", "surrogatepass"), 1),
                       zlib.compress(self._spans.tobytes(), 1))
        self.text = self._spans = None

    def unpacked(self) -> tuple[str, array]:
        """(full text, flat array of body token starts and ends) of a packed doc."""
        text, raw = self.packed
        spans = array("i")
        spans.frombytes(zlib.decompress(raw))
        return zlib.decompress(text).decode("utf-8", "surrogatepass"), spans

    @property
    def body(self) -> str:
        return self.text[self.off:]

    def sentences(self, an: Analysis) -> list[tuple[int, int]]:
        """Body sentence spans, whitespace trimmed, split at paragraph breaks."""
        body = self.body
        out = []
        for s, e in an.sents:
            s, e = max(0, s - self.off), e - self.off
            if e <= 0:
                continue
            for piece in re.finditer(r"[^\n]+", body[s:e]):
                ps, pe = s + piece.start(), s + piece.end()
                while ps < pe and body[ps].isspace():
                    ps += 1
                while pe > ps and body[pe - 1].isspace():
                    pe -= 1
                if pe > ps:
                    out.append((ps, pe))
        out.sort()
        return out


@dataclass(slots=True)
class Cand:
    """A name occurrence on its way to becoming a mention (offsets into the full text)."""

    doc: Doc
    start: int
    end: int
    text: str  # the name as written, titles removed
    label: str  # a type from TYPES, or "NORP"
    source: str  # "ner" | "honorific" | "acronym" | "quoted" | "match"
    strong: bool = False  # the label comes from a rule, not a model guess
    form: str = ""  # with its title ("Professor Munro"), when there was one
    also: str = ""  # another titled form ("Tim Loughton MP")
    name: str = ""  # canonical name after the aliases file
    key: str = ""  # group key
    unit: str = ""  # the key of the group `Corpus._group` put it in (channels.py)

    @property
    def in_title(self) -> bool:
        return self.start < self.doc.off


class ArticleResult:
    """What the corpus-wide passes need of one article (its Article and Analysis dropped).

    `cands` are made when first asked for from the rows a cache kept (`raw`: Cand's first
    eight fields each, or those rows marshalled): an article whose group keys an earlier
    build gave is never asked (rules.apply)."""

    __slots__ = ("doc", "_cands", "_raw", "acronyms", "lower", "sentences", "words")

    def __init__(self, doc: Doc, cands: list[Cand] | None,
                 acronyms: list[tuple[str, str]], lower: bytes,
                 sentences: Sequence[tuple[int, int]], words: bytes, raw: Sequence = ()):
        self.doc = doc  # packed
        self._cands, self._raw = cands, raw
        self.acronyms = acronyms  # (acronym key, expansion defined in the text)
        self.lower = lower  # zlib: the body's words, lower-case ones as written, "|" else
        self.sentences = sentences
        self.words = words  # zlib: the body's lower-case words, each once, space-separated

    @property
    def cands(self) -> list[Cand]:
        if self._cands is None:
            doc = self.doc
            self._cands = [Cand(doc, s, e, t, label, source, strong, form, also)
                           for s, e, t, label, source, strong, form, also in self._rows()]
        return self._cands

    def _rows(self) -> Sequence:
        self._raw = cand_rows(self._raw)
        return self._raw

    def spans(self) -> list[tuple[int, int]]:
        """The candidates' (start, end), in order (without making them)."""
        if self._cands is None:
            return [(row[0], row[1]) for row in self._rows()]
        return [(c.start, c.end) for c in self._cands]

    def texts(self) -> list[str]:
        """The candidates' texts, in order (without making them)."""
        if self._cands is None:
            return [row[2] for row in self._rows()]
        return [c.text for c in self._cands]


def cand_rows(packed: bytes | tuple) -> tuple:
    """A cache record's candidates (state.record) as rows of Cand's first eight fields
    (a record from before they were packed apart holds the rows)."""
    return packed if isinstance(packed, tuple) else unpack(packed)


def read_article(art: Article, an: Analysis, lex: N.Lexicon) -> ArticleResult:
    """Step 1 of the pipeline for one article: its candidates, acronyms and words."""
    doc = Doc.read(art, an)
    sentences = doc.sentences(an)
    acronyms: list[tuple[str, str]] = []
    cands = _candidates(doc, an, lex, acronyms)
    toks = [t if t.islower() else "|" for t in _WORD.findall(doc.body)]
    lower = zlib.compress(" ".join(toks).encode("utf-8", "surrogatepass"), 1)
    doc.pack()
    words = " ".join(w for w in dict.fromkeys(toks) if w != "|")
    words = zlib.compress(words.encode("utf-8", "surrogatepass"), 1)
    return ArticleResult(doc, cands, acronyms, lower, sentences, words)


def _candidates(doc: Doc, an: Analysis, lex: N.Lexicon,
                acronyms: list[tuple[str, str]]) -> list[Cand]:
    text = doc.text
    out: list[Cand] = []
    pos: dict[int, str] | None = None  # token start -> part of speech, when needed
    for s, e, label in an.ents:
        type_ = N.LABELS.get(label)
        if type_ is None:
            continue
        cand = _from_span(doc, s, e, type_, lex)
        if cand is None:
            continue
        out.append(cand)
        if cand.strong or cand.label not in _CUED:
            continue
        cue = N.context_type(text, cand.start, cand.end, cand.label, lex.words)
        if cue:  # "oil giant Yukos", "won the Premiership": the context outweighs a guess
            cand.label, cand.strong = cue, True
        elif (cand.label == PERSON and " " not in cand.text
              and N.after_determiner(text, cand.start)):
            if pos is None:
                pos = {t[0]: t[3] for t in an.tokens}
            nxt = re.match(r"\s*", text[cand.end:cand.end + 8]).end() + cand.end
            if pos.get(nxt) not in ("NOUN", "PROPN"):  # not "the Blair government"
                # "the Premiership", "an Oscar": not a person; "the Beatles": a group
                cand.label = ORGANISATION if cand.text.endswith("s") else OTHER
    if doc.off > 0:
        from reader.extraction.entities.headlines import headline

        out = headline(doc, out, lex.words)
    taken = _Spans(len(text), ((c.start, c.end) for c in out))
    out.extend(_honorific_names(doc, taken, lex.words))
    out.extend(_acronym_definitions(doc, out, lex.words, acronyms))
    quoted = _quoted_titles(doc, lex.words)
    if quoted:
        in_quotes = _Spans(len(text), ((q.start, q.end) for q in quoted))
        out = [c for c in out if not in_quotes.overlaps(c.start, c.end)]
        out.extend(quoted)
    out.sort(key=lambda c: c.start)
    bad = [c for c in out if text[c.start:c.end] != c.text]
    for c in bad:  # cannot happen: every rule slices the text it reports
        log.error("Dropping %r in %s: offsets do not match the text", c.text, doc.id)
    return [c for c in out if c not in bad]


def _from_span(doc: Doc, s: int, e: int, type_: str, lex: N.Lexicon) -> Cand | None:
    text, lw = doc.text, lex.words
    s, e = max(0, min(s, len(text))), max(0, min(e, len(text)))  # a stale analysis
    if type_ == MONEY:
        s, e = N.extend_money(text, s, e)
    elif type_ == WORK:
        s, e = N.extend_title(text, s, e)
    s, e = N.clean_span(text, s, e)
    if type_ not in (DATE, MONEY, WORK, LAW) and not lex.known(text[s:e]):
        s, e = N.trim_fragment(text, s, e, type_ == PERSON, lw)
    if e <= s or "\n" in text[s:e]:
        return None
    if text[e:e + 2] in ("'s", "’s") and lex.known(text[s:e + 2]):
        e += 2  # a name that ends in a possessive ("Barnardo's")
    strong = False
    form = also = ""
    line_start = max(text.rfind("\n", 0, s) + 1, s - 120)  # titles are short
    before = text[line_start:s]
    if N.is_month_or_day(text[s:e]):
        return None  # "Sunday", "December": not a thing to browse, whatever the label
    if type_ == DATE:
        return Cand(doc, s, e, text[s:e], DATE, "ner") if N.keep_date(text[s:e]) else None
    if type_ == MONEY:
        if not any(c.isdigit() for c in text[s:e]):
            return None
        return Cand(doc, s, e, text[s:e], MONEY, "ner")
    # Titles inside the span ("Sir Martin Narey") or after it ("Tim Loughton MP").
    span = text[s:e]
    cut = N.trailing_title_start(span, lw)
    if cut < len(span) and type_ in (PERSON, ORGANISATION, "NORP"):
        also = span
        e = s + cut
        span = text[s:e]
    if (N.is_title_only(span, lw) or span in lw.suffix_titles
            or (span.endswith("s") and span[:-1] in lw.suffix_titles)) and not lex.known(span):
        return None  # "Mr", "Home Secretary": a title, never an entity
    lead = 0 if lex.known(span) else N.leading_title_end(span, lw)
    if lead and (type_ in (PERSON, ORGANISATION) or span.split()[0] in lw.honorifics):
        if lead >= len(span) or not span[lead].isupper():
            return None  # a role, not a name ("Home Secretary", "Director of ...")
        form = form or span
        s += lead
        span = text[s:e]
        type_, strong = PERSON, True
    first, _, rest = span.partition(" ")
    if rest[:1].isupper() and not lex.known(span) and (
            first in lw.nationals  # "Frenchman Arnaud Clement" (tagged a firm): a person
            or (type_ == PERSON and " " in rest and N.is_nationality(first, lw))):
        s += len(first) + 1  # "British Tim Henman": a description, then the name
        span = text[s:e]
        type_ = PERSON
    # Titles before the span ("Education Secretary Michael Gove").
    title = N.title_before(before, lw)
    if title and type_ == ORGANISATION and " " not in span \
            and title.split()[-1] not in lw.honorifics:
        title = ""  # "Market leader Nintendo": a role before one word the model calls a firm
    if title and type_ in (PERSON, ORGANISATION, PLACE, "NORP") and (
            not lex.known(span) or title.split()[-1] in lw.honorifics):  # Baroness Scotland
        form = f"{title} {form or span}"
        type_, strong = PERSON, True
    suffix = N.suffix_after(text, e, lw)
    if suffix and type_ == PERSON and not also:
        also = f"{span} {suffix}"
    if type_ != PERSON and len(span.split()) == 1 and _PORTFOLIO_NEXT.match(text[e:e + 12]) \
            and not lex.known(span):
        return None  # "Education" in "Education Secretary": part of a title
    if _MP_FOR.search(before):
        type_, strong = PLACE, True  # a constituency
    if N.is_chrome(span, lw) or not N.looks_like_name(span, type_):
        return None
    if slug(span) in lex.ignore:
        return None
    if not form and N.is_nationality(span, lw) and not lex.known(span):
        return None  # "German", "Nazi": a group, not a name
    return Cand(doc, s, e, span, type_, "ner", strong, form, also)


class _Spans:
    """Spans of one text, asked "does any overlap [s, e)?" in O(e - s), not O(spans): a
    byte per character marks the characters they cover (two non-empty spans overlap when
    they share a character). Empty spans, which never occur in practice, are checked one
    by one against the list, so the answer is always that of the plain `any(...)`."""

    __slots__ = ("mask", "spans", "empty")

    def __init__(self, size: int, spans=()):
        self.mask = bytearray(size)
        self.spans: list[tuple[int, int]] = []
        self.empty: list[tuple[int, int]] = []
        for s, e in spans:
            self.add(s, e)

    def add(self, s: int, e: int) -> None:
        self.spans.append((s, e))
        if s < e:
            lo, hi = max(s, 0), min(e, len(self.mask))
            self.mask[lo:hi] = b"\x01" * max(hi - lo, 0)
            if lo >= hi:  # wholly outside the text (a stale analysis): kept aside
                self.empty.append((s, e))
        else:
            self.empty.append((s, e))

    def overlaps(self, s: int, e: int) -> bool:
        if s >= e or s < 0 or e > len(self.mask):
            return any(s < te and ts < e for ts, te in self.spans)
        return self.mask.find(1, s, e) != -1 or any(s < te and ts < e for ts, te in self.empty)


class _Overlapping:
    """The first of some candidates (in their list order) that overlaps [s, e): found
    among those starting before e by walking back from e while a prefix maximum of the
    ends says one may still reach s, instead of scanning the whole list."""

    def __init__(self, cands: list[Cand]):
        order = sorted(range(len(cands)), key=lambda k: cands[k].start)
        self.cands = cands
        self.order = order
        self.starts = [cands[k].start for k in order]
        self.reach = list(accumulate((cands[k].end for k in order), max))

    def first(self, s: int, e: int) -> Cand | None:
        best = None
        i = bisect_left(self.starts, e) - 1
        while i >= 0 and self.reach[i] > s:
            k = self.order[i]
            c = self.cands[k]
            if c.start < e and s < c.end and (best is None or k < best):
                best = k
            i -= 1
        return None if best is None else self.cands[best]


def _honorific_names(doc: Doc, taken: _Spans, lw: N.NameWords) -> list[Cand]:
    """"Lord Laming's review": a name the model missed, found by its honorific."""
    out = []
    for m in lw.honorific_name.finditer(doc.text):
        s, e = N.clean_span(doc.text, m.start(2), m.end(2))
        name = doc.text[s:e]
        first = name.split()[0] if name else ""
        if (not name or first in lw.not_after_honorific or N.is_month_or_day(first)
                or first in lw.not_first or first.lower() in lw.minor_words):
            continue
        if taken.overlaps(s, e):
            continue
        # Drop trailing words that are not part of the name ("Munro Review").
        out.append(Cand(doc, s, e, name, PERSON, "honorific", True, f"{m.group(1)} {name}"))
        taken.add(s, e)
    return out


def _acronym_definitions(doc: Doc, cands: list[Cand], lw: N.NameWords,
                         acronyms: list[tuple[str, str]]) -> list[Cand]:
    """"the Local Government Association (LGA)": remember the pair in `acronyms`; add
    either side the model missed."""
    out: list[Cand] = []
    text = doc.text
    taken = _Spans(len(text), ((c.start, c.end) for c in cands))  # then `out` added
    by_span: dict[tuple[int, int], list[Cand]] = {}
    for c in cands:
        by_span.setdefault((c.start, c.end), []).append(c)
    labelled = _Overlapping([c for c in cands if c.label in (ORGANISATION, PLACE, LAW, WORK,
                                                                 OTHER)])
    for m in _ACRONYM_DEF.finditer(text):
        acr = m.group(2)
        if not N.is_acronym(acr) or N.acronym_key(acr) in lw.not_acronyms:
            continue
        ws = list(re.finditer(r"[^\s-]+", m.group(1)))
        exp_span = None
        for k in range(len(ws)):
            candidate = m.group(1)[ws[k].start():]
            if ws[k].group(0)[0].isupper() and N.acronym_matches(acr, candidate, lw):
                exp_span = (m.start(1) + ws[k].start(), m.end(1))
                break
        if exp_span is None:
            continue
        es, ee = N.clean_span(text, *exp_span)
        expansion = text[es:ee]
        acronyms.append((N.acronym_key(acr), expansion))
        first = labelled.first(es, ee)
        label = first.label if first is not None else ORGANISATION
        for c in by_span.get((es, ee), ()):
            c.strong = True  # defined by its acronym: a name, whatever the corpus writes
        if not taken.overlaps(es, ee):
            out.append(Cand(doc, es, ee, expansion, label, "acronym", True))
            taken.add(es, ee)
        a_s, a_e = m.start(2), m.end(2)
        if not taken.overlaps(a_s, a_e):
            out.append(Cand(doc, a_s, a_e, acr, label, "acronym", True))
            taken.add(a_s, a_e)
    return out


def _quoted_titles(doc: Doc, lw: N.NameWords) -> list[Cand]:
    """‘No More Blame Game’: a quoted phrase of 3+ capitalised words names a work."""
    out = []
    for m in _QUOTED.finditer(doc.text):
        g = next(i for i in (1, 2, 3) if m.group(i) is not None)
        phrase = m.group(g)
        ws = phrase.split()
        if len(ws) < 3 or len(ws) > 10 or phrase != phrase.strip():
            continue
        if not (ws[0][0].isupper() and ws[-1][0].isupper()):
            continue
        if all(w[0].isupper() or w in lw.minor_words for w in ws):
            out.append(Cand(doc, m.start(g), m.end(g), phrase, WORK, "quoted", True))
    return out
