"""Entities across the corpus: spaCy's spans cleaned, typed, merged by rule, corrected by
the user's edits, with mentions, co-occurrence and a JSON cache.

Pure Python over the cached `Analysis` (reader.extraction.nlp): nothing here imports spaCy,
so the app can load an `EntityTable` from its cache at start-up.

Pipeline (`build_entities`):
 1. candidates per article: NER spans cleaned (articles, possessives, punctuation, titles
    moved into aliases), plus rule spans ("Sir X", "Lord X", "X (ACR)", quoted titles);
 2. corpus rules: drop spans that are not names (phrases the corpus writes in lower case,
    chrome, shapes), fix types from resources/gazetteer.toml and resources/aliases.toml;
 3. group by name (case and punctuation folded), vote the type, merge acronyms with their
    expansion, find further mentions of known names, resolve surnames to full names;
 4. user edits (reader.extraction.overlay) on top: the table keeps the extracted entities, so
    a new edit list applies without re-running anything.
Every mention's offsets index `Article.body`: body[start:end] == text.
"""

from __future__ import annotations

import bisect
import hashlib
import logging
import re
import zlib
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reader.domain import Article, ArticleInfo, Entity, Evidence, Mention, Related
from reader.errors import NotFound
from reader.extraction import names as N
from reader.extraction.names import (
    DATE,
    LAW,
    MONEY,
    ORGANISATION,
    PERSON,
    PLACE,
    TYPES,
    WORK,
    Lexicon,
    slug,
)
from reader.extraction.nlp import Analysis, full_text
from reader.extraction.overlay import apply_edits

log = logging.getLogger(__name__)

ENTITIES_VERSION = 1  # bump when the rules change, so cached tables are rebuilt
CACHE_FORMAT = 1
SENTENCE_WEIGHT = 3  # a shared sentence counts this many shared articles in `related`
__all__ = ["TYPES", "Mention", "Entity", "Evidence", "Related", "EntityTable",
           "build_entities", "fingerprint"]


# -- public dataclasses ----------------------------------------------------------------------
# -- the table -------------------------------------------------------------------------------
class EntityTable:
    """Extracted entities (kept as extracted) + the user's edits applied on top.

    `entities` holds every entity, hidden ones included, most mentioned first. Lookups
    (`for_doc`, `of_type`, `related`) leave hidden entities out unless asked."""

    def __init__(self, extracted: Sequence[Entity], sentences: dict[str, list[tuple[int, int]]],
                 edits: Sequence[dict] = (), fingerprint: str = ""):
        self._extracted = list(extracted)
        self._sentences = sentences
        self.fingerprint = fingerprint
        self.edits = [dict(e) for e in edits]
        entities, self._redirects, self.skipped = apply_edits(self._extracted, self.edits)
        self.entities: list[Entity] = sorted(
            entities, key=lambda e: (-e.count, e.name.lower(), e.id))
        self._by_id = {e.id: e for e in self.entities}
        self._lookup: dict[str, list[Entity]] | None = None
        self._cooc: _Cooccurrence | None = None

    def __len__(self) -> int:
        return len(self.entities)

    def with_edits(self, edits: Sequence[dict]) -> EntityTable:
        """The same extraction under another edit list (cheap: no NLP, no rules re-run).
        Undo is `with_edits(edits[:-1])`."""
        return EntityTable(self._extracted, self._sentences, edits, self.fingerprint)

    @property
    def extracted(self) -> list[Entity]:
        """The entities before any user edit."""
        return list(self._extracted)

    def get(self, entity_id: str) -> Entity:
        """By id; an id merged away by an edit leads to the entity it went into.

        Raises:
            NotFound: no such entity."""
        seen = set()
        while entity_id in self._redirects and entity_id not in seen:
            seen.add(entity_id)
            entity_id = self._redirects[entity_id]
        try:
            return self._by_id[entity_id]
        except KeyError:
            raise NotFound(f"No entity with id '{entity_id}'") from None

    def find(self, name: str) -> Entity | None:
        """By id, name or alias (case, punctuation and titles ignored); the most mentioned
        entity when several share the alias; None when nothing matches."""
        try:
            return self.get(name)
        except NotFound:
            pass
        if self._lookup is None:
            self._lookup = defaultdict(list)
            for e in self.entities:  # most mentioned first
                for n in (e.name, *e.aliases):
                    self._lookup[slug(n)].append(e)
        hits = self._lookup.get(slug(name))
        if not hits:
            core = _strip_titles(" ".join(name.split()))
            hits = self._lookup.get(slug(core)) if core else None
        if not hits:
            return None
        exact = [e for e in hits if slug(e.name) == slug(name)]
        return (exact or hits)[0]

    def select(self, doc: str | None = None, type: str | None = None,
               include_hidden: bool = False) -> list[Entity]:
        """Entities, most mentioned first, optionally only those in article `doc` and/or of
        `type`."""
        out = []
        for e in self.entities:
            if e.hidden and not include_hidden:
                continue
            if type is not None and e.type != type:
                continue
            if doc is not None and not any(m.doc == doc for m in e.mentions):
                continue
            out.append(e)
        return out

    def for_doc(self, doc_id: str, include_hidden: bool = False) -> list[Entity]:
        return self.select(doc=doc_id, include_hidden=include_hidden)

    def of_type(self, type_: str, include_hidden: bool = False) -> list[Entity]:
        return self.select(type=type_, include_hidden=include_hidden)

    def doc_mentions(self, doc_id: str, include_hidden: bool = False
                     ) -> list[tuple[Mention, Entity]]:
        """Every mention in one article with its entity, in text order (for highlighting)."""
        out = [(m, e) for e in self.entities if include_hidden or not e.hidden
               for m in e.mentions if m.doc == doc_id]
        out.sort(key=lambda pair: (pair[0].start, pair[0].end))
        return out

    def sentences(self, doc_id: str) -> list[tuple[int, int]]:
        """Sentence spans of an article's body (what evidence offsets point to)."""
        return list(self._sentences.get(doc_id, ()))

    def related(self, entity_id: str, limit: int = 10, evidence_limit: int = 5
                ) -> list[Related]:
        """Entities that co-occur with `entity_id`, best first.

        Raises:
            NotFound: no such entity."""
        entity = self.get(entity_id)
        if self._cooc is None:
            self._cooc = _Cooccurrence(self)
        return self._cooc.related(entity, limit, evidence_limit)

    # -- cache --------------------------------------------------------------------------------
    def to_cache(self) -> dict:
        """JSON-able extraction (edits are not included: they live in the user's store)."""
        return {
            "format": CACHE_FORMAT,
            "fingerprint": self.fingerprint,
            "entities": [
                {"id": e.id, "name": e.name, "type": e.type, "aliases": list(e.aliases),
                 "mentions": [[m.doc, m.start, m.end, m.text, m.form] for m in e.mentions]}
                for e in self._extracted
            ],
            "sentences": {doc: [list(s) for s in spans]
                          for doc, spans in self._sentences.items()},
        }

    @classmethod
    def from_cache(cls, data: dict, edits: Sequence[dict] = ()) -> EntityTable:
        """Rebuild a table from `to_cache()` output.

        Raises:
            ValueError: the data is not a cache of this format (rebuild it)."""
        try:
            if data.get("format") != CACHE_FORMAT:
                raise ValueError(f"entity cache format {data.get('format')!r} is not "
                                 f"{CACHE_FORMAT}")
            entities = [
                Entity(id=e["id"], name=e["name"], type=e["type"],
                       aliases=tuple(e["aliases"]),
                       mentions=tuple(Mention(d, int(s), int(t), x, f)
                                      for d, s, t, x, f in e["mentions"]))
                for e in data["entities"]
            ]
            sentences = {doc: [(int(s), int(t)) for s, t in spans]
                         for doc, spans in data["sentences"].items()}
            return cls(entities, sentences, edits, str(data.get("fingerprint", "")))
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"entity cache is unreadable: {exc!r}") from exc


class _Cooccurrence:
    """Sentence and article co-occurrence over the visible entities (built on first use)."""

    def __init__(self, table: EntityTable):
        self.table = table
        self.sent_of: dict[str, list[tuple[str, int]]] = {}  # id -> [(doc, sentence no.)]
        self.in_sent: dict[tuple[str, int], set[str]] = defaultdict(set)
        self.in_doc: dict[str, set[str]] = defaultdict(set)
        starts = {doc: [s for s, _ in spans] for doc, spans in table._sentences.items()}
        for e in table.entities:
            if e.hidden:
                continue
            places = []
            for m in e.mentions:
                idx = bisect.bisect_right(starts.get(m.doc, []), m.start) - 1
                places.append((m.doc, idx))
                self.in_sent[(m.doc, idx)].add(e.id)
                self.in_doc[m.doc].add(e.id)
            self.sent_of[e.id] = places

    def related(self, entity: Entity, limit: int, evidence_limit: int) -> list[Related]:
        if entity.hidden:
            return []
        places = self.sent_of.get(entity.id, [])
        shared_sents: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for place in dict.fromkeys(places):
            for other in self.in_sent.get(place, ()):
                if other != entity.id:
                    shared_sents[other].append(place)
        shared_docs: Counter[str] = Counter()
        for doc in {d for d, _ in places}:
            for other in self.in_doc.get(doc, ()):
                if other != entity.id:
                    shared_docs[other] += 1
        scored = []
        for other, ndocs in shared_docs.items():
            score = SENTENCE_WEIGHT * len(shared_sents.get(other, ())) + ndocs
            scored.append((score, other))
        scored.sort(key=lambda x: (-x[0], self.table.get(x[1]).name.lower()))
        out = []
        for score, other in scored[:limit]:
            ent = self.table.get(other)
            evidence = [self._evidence(doc, idx) for doc, idx in shared_sents.get(other, ())]
            if not evidence:  # article-level only: where the other one appears
                docs = {d for d, _ in places}
                firsts: dict[str, int] = {}
                for doc, idx in self.sent_of[other]:
                    if doc in docs and doc not in firsts:
                        firsts[doc] = idx
                evidence = [self._evidence(doc, idx) for doc, idx in sorted(firsts.items())]
            evidence = [e for e in evidence if e is not None][:evidence_limit]
            out.append(Related(ent, score, evidence))
        return out

    def _evidence(self, doc: str, idx: int) -> Evidence | None:
        spans = self.table._sentences.get(doc, [])
        if 0 <= idx < len(spans):
            return Evidence(doc, *spans[idx])
        return None


# -- building ---------------------------------------------------------------------------------
def fingerprint(articles: Sequence[Article | ArticleInfo], resources_dir: Path | None) -> str:
    """What an extraction depends on: article texts, the resource files and the rules'
    version. A cached table whose fingerprint differs must be rebuilt. Only `.id` and
    `.text_hash` are read, so catalogue entries (ArticleInfo) do: no article is loaded."""
    h = hashlib.sha256(f"entities-v{ENTITIES_VERSION}".encode())
    h.update(Lexicon.load(resources_dir).digest.encode())
    for art in sorted(articles, key=lambda a: a.id):
        h.update(f"\x1f{art.id}\x1e{art.text_hash}".encode())
    return h.hexdigest()[:24]


def build_entities(articles: Iterable[Article], analyses: Mapping[str, Analysis],
                   resources_dir: Path | None, edits: Sequence[dict] = ()) -> EntityTable:
    """Extract, clean, type and merge entities over all articles, then apply `edits`.

    Articles without an analysis (or with one for another text) are skipped with a log
    line. Pure Python: no spaCy, a few ms per article.

    Article by article: `articles` may be a generator and `analyses` a lazy mapping
    (`nlp.CachedAnalyses`); each article and its analysis are dropped once its candidates
    are found, and only the full text and compact token spans are kept for the
    corpus-wide passes (so memory grows by a few KB per article, not by its token list)."""
    lex = Lexicon.load(resources_dir)
    builder = _Builder(lex)
    keys: list[ArticleInfo] = []
    sentences: dict[str, list[tuple[int, int]]] = {}
    for art in articles:
        an = analyses.get(art.id)
        if an is None:
            log.info("No NLP analysis for %s; its entities are left out", art.id)
            continue
        if an.text_hash != art.text_hash:
            log.warning("NLP analysis of %s is for another text; its entities are left out",
                        art.id)
            continue
        doc = _Doc(art, an)
        sentences[doc.id] = doc.sentences(an)
        builder.add(doc, an)  # packs the doc
        keys.append(ArticleInfo(id=art.id, title="", text_hash=art.text_hash))
    extracted = builder.run()
    fp = fingerprint(keys, resources_dir)
    return EntityTable(extracted, sentences, edits, fp)


class _Doc:
    """One article: its full text, where the body starts in it, and its token spans.

    Holds no Article and no Analysis. Once its candidates are found (`pack`), the text and
    the body's token spans (start, end), all the corpus-wide passes need, are kept
    zlib-compressed: a few KB an article instead of a token list."""

    __slots__ = ("id", "text", "off", "_spans", "_packed")

    def __init__(self, art: Article, an: Analysis):
        self.id = art.id
        self.text: str | None = full_text(art)
        self.off = an.body_offset
        spans = array("i")
        for tok in an.tokens:
            if tok[0] >= self.off:
                spans.append(tok[0])
                spans.append(tok[1])
        self._spans: array | None = spans
        self._packed: tuple[bytes, bytes] | None = None

    def pack(self) -> None:
        self._packed = (zlib.compress(self.text.encode("utf-8", "surrogatepass"), 1),
                        zlib.compress(self._spans.tobytes(), 1))
        self.text = self._spans = None

    def unpacked(self) -> tuple[str, array]:
        """(full text, flat array of body token starts and ends) of a packed doc."""
        text, raw = self._packed
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
class _Cand:
    """A name occurrence on its way to becoming a mention (offsets into the full text)."""

    doc: _Doc
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

    @property
    def in_title(self) -> bool:
        return self.start < self.doc.off


@dataclass
class _Group:
    key: str
    cands: list[_Cand] = field(default_factory=list)
    type: str = ""
    name: str = ""
    lexicon_name: str = ""

    def docs(self) -> set[str]:
        """Articles naming it, headlines included (they help resolve surnames)."""
        return {c.doc.id for c in self.cands}


_HONORIFIC_NAME = re.compile(
    r"\b(Sir|Dame|Lord|Lady|Baroness|Baron|Professor|Prof|Dr|Mr|Mrs|Ms|Miss|Cllr|Councillor)"
    r"\.? +((?:(?:[Ll]e|[Dd]e|[Ll]a|[Vv]an|[Vv]on) +)?[A-Z][a-zA-Z’'-]+"
    r"(?: +(?:(?:[Ll]e|[Dd]e|[Ll]a|[Vv]an|[Vv]on) +)?[A-Z][a-zA-Z’'-]+){0,2})")
# Words after an honorific that make a role, not a name ("Lord Chancellor").
_NOT_AFTER_HONORIFIC = frozenset({
    "Chancellor", "Justice", "Mayor", "Chief", "President", "Secretary", "Minister",
    "Speaker", "Lieutenant", "Advocate", "Provost", "Commissioner", "Bishop", "Chamberlain",
    "Chairman", "Chair", "Judge",
})
_ACRONYM_DEF = re.compile(
    r"([A-Z][\w’'&-]*(?:[ -]+(?:of|for|the|and|on|in|to|&|[A-Z][\w’'&-]*))*) +"
    r"\(([A-Z][A-Za-z&.]{1,9})\)")
_QUOTED_BODY = r"[A-Z][^‘’“”\"\n.,;:!?]{3,80}?"
_QUOTED = re.compile(rf"(?<!\w)(?:‘({_QUOTED_BODY})’|“({_QUOTED_BODY})”|\"({_QUOTED_BODY})\")")
_PORTFOLIO_NEXT = re.compile(r"^ +(?:[Ss]ecretary|[Mm]inister)\b")
_MP_FOR = re.compile(r"\bMP\s+for\s+$")


class _Builder:
    """One extraction run over a set of articles (see the module docstring's pipeline)."""

    def __init__(self, lex: Lexicon):
        self.docs: list[_Doc] = []
        self.lex = lex
        self.cands: list[_Cand] = []
        self.acronym_defs: dict[str, set[str]] = defaultdict(set)  # acronym key -> names
        self.lower_words: set[str] = set()
        self._lower_parts: list[bytes] = []  # per body: lower-case words, "|" for others
        self._lower_stream: str | None = None

    # -- 1. candidates per article ---------------------------------------------------------
    def add(self, doc: _Doc, an: Analysis) -> None:
        """Take one article in: its candidates and its words (the analysis is not kept)."""
        self.docs.append(doc)
        self.cands.extend(self._doc_candidates(doc, an))
        toks = re.findall(r"[^\W\d_]+", doc.body)
        lower = [t for t in toks if t.islower()]
        self.lower_words.update(lower)
        part = " ".join(t if t.islower() else "|" for t in toks)
        self._lower_parts.append(zlib.compress(part.encode("utf-8", "surrogatepass"), 1))
        doc.pack()

    def run(self) -> list[Entity]:
        self._filter_common()
        self._resolve_names()
        groups = self._group(self.cands)
        self._merge_acronyms(groups)
        self._merge_short_organisations(groups)
        self._find_more(groups)
        self._resolve_surnames(groups)
        return self._entities(groups)

    def _doc_candidates(self, doc: _Doc, an: Analysis) -> list[_Cand]:
        text = doc.text
        out: list[_Cand] = []
        for s, e, label in an.ents:
            type_ = N.LABELS.get(label)
            if type_ is None:
                continue
            cand = self._from_span(doc, s, e, type_)
            if cand is not None:
                out.append(cand)
        taken = [(c.start, c.end) for c in out]
        out.extend(self._honorific_names(doc, taken))
        out.extend(self._acronym_definitions(doc, out))
        quoted = self._quoted_titles(doc)
        if quoted:
            out = [c for c in out if not any(c.start < q.end and q.start < c.end
                                             for q in quoted)]
            out.extend(quoted)
        out.sort(key=lambda c: c.start)
        bad = [c for c in out if text[c.start:c.end] != c.text]
        for c in bad:  # cannot happen: every rule slices the text it reports
            log.error("Dropping %r in %s: offsets do not match the text", c.text, doc.id)
        return [c for c in out if c not in bad]

    def _from_span(self, doc: _Doc, s: int, e: int, type_: str) -> _Cand | None:
        text = doc.text
        s, e = max(0, min(s, len(text))), max(0, min(e, len(text)))  # a stale analysis
        if type_ == MONEY:
            s, e = N.extend_money(text, s, e)
        elif type_ == WORK:
            s, e = N.extend_title(text, s, e)
        s, e = N.clean_span(text, s, e)
        if e <= s or "\n" in text[s:e]:
            return None
        if text[e:e + 2] in ("'s", "’s") and self.lex.known(text[s:e + 2]):
            e += 2  # a name that ends in a possessive ("Barnardo's")
        strong = False
        form = also = ""
        line_start = max(text.rfind("\n", 0, s) + 1, s - 120)  # titles are short
        before = text[line_start:s]
        if type_ == DATE:
            return _Cand(doc, s, e, text[s:e], DATE, "ner") if N.keep_date(text[s:e]) else None
        if type_ == MONEY:
            if not any(c.isdigit() for c in text[s:e]):
                return None
            return _Cand(doc, s, e, text[s:e], MONEY, "ner")
        # Titles inside the span ("Sir Martin Narey") or after it ("Tim Loughton MP").
        span = text[s:e]
        cut = N.trailing_title_start(span)
        if cut < len(span) and type_ in (PERSON, ORGANISATION, "NORP"):
            also = span
            e = s + cut
            span = text[s:e]
        lead = 0 if self.lex.known(span) else N.leading_title_end(span)
        if lead and type_ in (PERSON, ORGANISATION):
            if lead >= len(span) or not span[lead].isupper():
                return None  # a role, not a name ("Home Secretary", "Director of ...")
            form = form or span
            s += lead
            span = text[s:e]
            type_, strong = PERSON, True
        # Titles before the span ("Education Secretary Michael Gove").
        title = N.title_before(before)
        if title and type_ in (PERSON, ORGANISATION, PLACE, "NORP") and not self.lex.known(span):
            form = f"{title} {form or span}"
            type_, strong = PERSON, True
        suffix = N.suffix_after(text, e)
        if suffix and type_ == PERSON and not also:
            also = f"{span} {suffix}"
        if type_ != PERSON and len(span.split()) == 1 and _PORTFOLIO_NEXT.match(text[e:e + 12]) \
                and not self.lex.known(span):
            return None  # "Education" in "Education Secretary": part of a title
        if _MP_FOR.search(before):
            type_, strong = PLACE, True  # a constituency
        if N.is_chrome(span) or not N.looks_like_name(span, type_):
            return None
        if slug(span) in self.lex.ignore:
            return None
        return _Cand(doc, s, e, span, type_, "ner", strong, form, also)

    def _honorific_names(self, doc: _Doc, taken: list[tuple[int, int]]) -> list[_Cand]:
        """"Lord Laming's review": a name the model missed, found by its honorific."""
        out = []
        for m in _HONORIFIC_NAME.finditer(doc.text):
            s, e = N.clean_span(doc.text, m.start(2), m.end(2))
            name = doc.text[s:e]
            first = name.split()[0] if name else ""
            if not name or first in _NOT_AFTER_HONORIFIC or N.is_month_or_day(first):
                continue
            if any(s < te and ts < e for ts, te in taken):
                continue
            # Drop trailing words that are not part of the name ("Munro Review").
            out.append(_Cand(doc, s, e, name, PERSON, "honorific", True,
                             f"{m.group(1)} {name}"))
            taken.append((s, e))
        return out

    def _acronym_definitions(self, doc: _Doc, cands: list[_Cand]) -> list[_Cand]:
        """"the Local Government Association (LGA)": remember the pair; add either side
        the model missed."""
        out = []
        text = doc.text
        for m in _ACRONYM_DEF.finditer(text):
            acr = m.group(2)
            if not N.is_acronym(acr) or N.acronym_key(acr) in N.NOT_ACRONYMS:
                continue
            ws = list(re.finditer(r"[^\s-]+", m.group(1)))
            exp_span = None
            for k in range(len(ws)):
                candidate = m.group(1)[ws[k].start():]
                if ws[k].group(0)[0].isupper() and N.acronym_matches(acr, candidate):
                    exp_span = (m.start(1) + ws[k].start(), m.end(1))
                    break
            if exp_span is None:
                continue
            es, ee = N.clean_span(text, *exp_span)
            expansion = text[es:ee]
            self.acronym_defs[N.acronym_key(acr)].add(expansion)
            label = next((c.label for c in cands if c.start < ee and es < c.end
                          and c.label in (ORGANISATION, PLACE, LAW, WORK)), ORGANISATION)
            if not any(c.start < ee and es < c.end for c in cands + out):
                out.append(_Cand(doc, es, ee, expansion, label, "acronym", True))
            a_s, a_e = m.start(2), m.end(2)
            if not any(c.start < a_e and a_s < c.end for c in cands + out):
                out.append(_Cand(doc, a_s, a_e, acr, label, "acronym", True))
        return out

    def _quoted_titles(self, doc: _Doc) -> list[_Cand]:
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
            if all(w[0].isupper() or w in N.MINOR_WORDS for w in ws):
                out.append(_Cand(doc, m.start(g), m.end(g), phrase, WORK, "quoted", True))
        return out

    # -- 2. corpus rules ---------------------------------------------------------------------
    def _is_common(self, name: str) -> bool:
        """True when the corpus writes this phrase in lower case ("case reviews", "main"):
        a capitalised common phrase, not a name."""
        ws = [w.lower() for w in re.findall(r"[^\W\d_]+", name)]
        if not ws or not all(w in self.lower_words for w in ws):
            return False
        if len(ws) == 1:
            return True
        if self._lower_stream is None:
            parts = (zlib.decompress(p).decode("utf-8", "surrogatepass")
                     for p in self._lower_parts)
            self._lower_stream = " " + " \n ".join(parts) + " "
            self._lower_parts = []
        return f" {' '.join(ws)} " in self._lower_stream

    def _filter_common(self) -> None:
        surnames = {N.surname(c.text) for c in self.cands
                    if c.label == PERSON and len(c.text.split()) > 1}
        kept = []
        for c in self.cands:
            if (c.label in (DATE, MONEY) or c.strong or self.lex.known(c.text)
                    or N.is_acronym(c.text) or c.text in surnames):
                kept.append(c)
            elif not self._is_common(c.text):
                kept.append(c)
            else:
                log.debug("not a name (the corpus writes it in lower case): %r", c.text)
        self.cands = kept

    def _resolve_names(self) -> None:
        kept = []
        for c in self.cands:
            res = self.lex.resolve(c.text)
            if c.label == "NORP":
                if res is None or res[1] != ORGANISATION:
                    continue  # "British", "Parliamentarians": not an entity to browse
            c.name = res[0] if res else c.text
            if c.label in (DATE, MONEY):
                c.key = f"{c.label}|{slug(c.name)}"
            else:
                c.key = slug(c.name)
            if c.key:
                kept.append(c)
        self.cands = kept

    # -- 3. grouping and merging ---------------------------------------------------------------
    def _group(self, cands: list[_Cand]) -> dict[str, _Group]:
        groups: dict[str, _Group] = {}
        for c in cands:
            groups.setdefault(c.key, _Group(c.key)).cands.append(c)
        for g in groups.values():
            self._vote(g)
        return groups

    def _vote(self, g: _Group) -> None:
        names = {c.name for c in g.cands}
        lexicon = next((self.lex.resolve(n) for n in names if self.lex.resolve(n)), None)
        if lexicon:
            g.lexicon_name, g.type = lexicon
            return
        titled = any(c.form and c.label == PERSON and c.strong for c in g.cands)
        fixed = next((self.lex.types[slug(n)] for n in names if slug(n) in self.lex.types),
                     None)
        if fixed and not titled:
            g.type = fixed
            return
        votes: Counter[str] = Counter()
        for c in g.cands:
            if c.label in TYPES:
                votes[c.label] += 3 if c.strong else 1
        order = {t: i for i, t in enumerate(TYPES)}
        g.type = min(votes, key=lambda t: (-votes[t], order[t])) if votes else ORGANISATION

    def _merge(self, groups: dict[str, _Group], source: str, target: str) -> None:
        if source == target or source not in groups or target not in groups:
            return
        src = groups.pop(source)
        for c in src.cands:
            c.key = target
        groups[target].cands.extend(src.cands)

    @staticmethod
    def _move(groups: dict[str, _Group], key: str, moved: list[tuple[_Cand, str]]) -> None:
        """Move single candidates of group `key` to other groups; drop `key` if emptied."""
        g = groups[key]
        for c, target in moved:
            g.cands.remove(c)
            c.key = target
            groups[target].cands.append(c)
        if not g.cands:
            del groups[key]

    def _merge_acronyms(self, groups: dict[str, _Group]) -> None:
        """"LGA" into "Local Government Association": by a definition in the text, else by
        initials when exactly one multi-word name matches."""
        expansions = [g for g in groups.values()
                      if g.type in (ORGANISATION, PLACE, LAW, WORK)
                      and len(_display(g).split()) > 1 and not g.lexicon_name]
        for key, g in list(groups.items()):
            if key not in groups or g.lexicon_name or g.type in (PERSON, DATE, MONEY):
                continue
            name = _display(g)
            if not N.is_acronym(name) or N.acronym_key(name) in N.NOT_ACRONYMS:
                continue
            defined = {slug(self.lex.resolve(x)[0] if self.lex.resolve(x) else x)
                       for x in self.acronym_defs.get(N.acronym_key(name), ())}
            targets = [k for k in defined if k in groups and k != key]
            if not targets:
                targets = [e.key for e in expansions
                           if e.key in groups and N.acronym_matches(name, _display(e))]
            if len(targets) == 1:
                self._merge(groups, key, targets[0])

    def _merge_short_organisations(self, groups: dict[str, _Group]) -> None:
        """"Social Worker Commission" -> "Conservative Party Commission on Social Workers"
        within an article that names both: same head noun, words a proper subset."""
        orgs = {k: g for k, g in groups.items() if g.type == ORGANISATION and not g.lexicon_name}
        shape = {}
        for k, g in orgs.items():
            name = _display(g)
            if not N.is_acronym(name):
                words, head = _org_words(name)
                if len(words) >= 2:
                    shape[k] = (words, head)
        for key, (words, head) in shape.items():
            g = groups.get(key)
            if g is None:
                continue
            longer = [k for k, (w, h) in shape.items()
                      if k != key and h == head and words < w and k in groups]
            if not longer:
                continue
            moved = []
            for c in g.cands:
                here = [k for k in longer if any(x.doc is c.doc for x in groups[k].cands)]
                if len(here) == 1:
                    moved.append((c, here[0]))
            self._move(groups, key, moved)

    def _find_more(self, groups: dict[str, _Group]) -> None:
        """Mentions the model missed: known names (and surnames, "Baby P"-style initials,
        acronyms of known names) found again in every body, where nothing else is."""
        forms: dict[str, set[str]] = defaultdict(set)  # form -> group keys
        surname_forms: set[str] = set()

        def add(form: str, key: str) -> None:
            form = form.strip()
            if len(form) < 2 or not form[0].isalnum() or slug(form) in self.lex.ignore:
                return
            if len(form.split()) == 1 and not N.is_acronym(form) and \
                    form.lower() in self.lower_words:
                return  # "Brown", "May": too often an ordinary word
            forms[form].add(key)

        for key, g in groups.items():
            if g.type in (DATE, MONEY):
                continue
            for c in g.cands:
                if c.source != "match":
                    add(c.text, key)
            name = _display(g)
            if g.type == PERSON and len(name.split()) > 1:
                sur = N.surname(name)
                if len(sur) > 2:
                    add(sur, key)
                    surname_forms.add(sur)
                last = name.split()[-1]
                if last[0].isupper() and len(last) > 1:
                    add(" ".join(name.split()[:-1]) + " " + last[0], key)
            if g.type in (ORGANISATION, LAW, WORK) and len(name.split()) > 1:
                acr = N.initials(name)
                if len(acr) >= 3 and acr not in N.NOT_ACRONYMS:
                    add(acr, key)
        by_first: dict[str, list[str]] = defaultdict(list)
        for form in forms:
            first = re.match(r"\w+", form)
            if first:
                by_first[first.group(0)].append(form)
        for lst in by_first.values():
            lst.sort(key=len, reverse=True)
        by_doc: dict[str, list[_Cand]] = defaultdict(list)
        for g in groups.values():
            for c in g.cands:
                by_doc[c.doc.id].append(c)
        for doc in self.docs:
            text, spans = doc.unpacked()
            taken = bytearray(len(text))
            for c in by_doc.get(doc.id, ()):
                taken[c.start:c.end] = b"\x01" * (c.end - c.start)
            for k in range(0, len(spans), 2):
                ts = spans[k]
                if ts >= len(text) or taken[ts]:
                    continue
                candidates = by_first.get(text[ts:spans[k + 1]])
                if not candidates:
                    continue
                for form in candidates:
                    te = ts + len(form)
                    if not text.startswith(form, ts) or (te < len(text) and text[te].isalnum()):
                        continue
                    if any(taken[ts:te]) or "\n" in form:
                        continue
                    keys = forms[form]
                    if len(keys) == 1:
                        key = next(iter(keys))
                        label = groups[key].type
                    elif form in surname_forms:
                        key, label = "", PERSON  # ambiguous surname: resolved per article
                    else:
                        continue
                    c = _Cand(doc, ts, te, form, label, "match", name=form, key=key)
                    if not key:
                        c.key = slug(form)
                        groups.setdefault(c.key, _Group(c.key, type=PERSON))
                    groups[c.key].cands.append(c)
                    taken[ts:te] = b"\x01" * (te - ts)
                    break

    def _resolve_surnames(self, groups: dict[str, _Group]) -> None:
        """"Gove" -> "Michael Gove": per mention, the one full name with that surname in the
        same article, else in the whole corpus when only one exists."""
        full: dict[str, list[str]] = defaultdict(list)  # surname slug -> group keys
        for key, g in groups.items():
            name = _display(g)
            if g.type == PERSON and len(name.split()) > 1 and not g.lexicon_name:
                full[slug(N.surname(name))].append(key)
        if not full:
            return
        docs_of = {key: g.docs() for key, g in groups.items()}
        for key, g in list(groups.items()):
            if len(_display(g).split()) > 1 and not any(
                    p in _display(g).split() for p in N.PARTICLES):
                continue
            targets = [k for k in full.get(key, []) if k != key]
            if not targets:
                continue
            moved = []
            for c in g.cands:
                if c.label != PERSON and g.type != PERSON:
                    continue
                here = [k for k in targets if c.doc.id in docs_of[k]]
                if len(here) == 1:
                    moved.append((c, here[0]))
                elif not here and len(targets) == 1 and g.type == PERSON:
                    moved.append((c, targets[0]))
            self._move(groups, key, moved)

    # -- 4. entities ---------------------------------------------------------------------------
    def _entities(self, groups: dict[str, _Group]) -> list[Entity]:
        by_id: dict[str, Entity] = {}
        for g in groups.values():
            body = [c for c in g.cands if not c.in_title]
            if not body:
                continue  # only in a headline: not a body mention
            name = _canonical(g)
            id_ = f"{g.type.lower()}:{slug(name)}"
            mentions = {}
            for c in sorted(body, key=lambda c: (c.doc.id, c.start)):
                s, e = c.start - c.doc.off, c.end - c.doc.off
                mentions[(c.doc.id, s, e)] = Mention(c.doc.id, s, e, c.text,
                                                     c.form)
            aliases = {x for c in g.cands for x in (c.text, c.form, c.also) if x}
            if id_ in by_id:  # two groups that name themselves alike: one entity
                old = by_id[id_]
                mentions.update({(m.doc, m.start, m.end): m for m in old.mentions})
                aliases |= set(old.aliases)
            aliases.discard(name)
            by_id[id_] = Entity(
                id=id_, name=name, type=g.type,
                aliases=tuple(sorted(a for a in aliases if a)),
                mentions=tuple(sorted(mentions.values(), key=lambda m: (m.doc, m.start))))
        return list(by_id.values())


def _display(g: _Group) -> str:
    """The group's best name so far (for rules that look at names)."""
    return g.lexicon_name or _canonical(g)


def _canonical(g: _Group) -> str:
    """The name shown: the aliases file's, else the fullest, most used, best capitalised
    spelling (persons: most words; organisations: an expansion before its acronym)."""
    if g.lexicon_name:
        return g.lexicon_name
    counts = Counter(c.name for c in g.cands)
    first_seen = {}
    for i, c in enumerate(sorted(g.cands, key=lambda c: (c.doc.id, c.start))):
        first_seen.setdefault(c.name, i)

    def rank(n: str):
        caps = sum(ch.isupper() for ch in n)
        if g.type == PERSON:  # "Baby Peter" before its short form "Baby P"
            initial = len(n.split()[-1]) == 1
            return (-len(n.split()), initial, -counts[n], -caps, first_seen[n])
        return (N.is_acronym(n), -counts[n], -caps, first_seen[n])

    best = min(counts, key=rank)
    if g.type == PERSON and len(best.split()) == 1:
        peers = Counter(c.form for c in g.cands
                        if c.form and c.form.split()[0] in ("Lord", "Lady", "Baroness", "Baron")
                        and c.form.split()[-1] == best and len(c.form.split()) == 2)
        if peers:
            return peers.most_common(1)[0][0]
    return best


def _org_words(name: str) -> tuple[frozenset[str], str]:
    """(content words, head noun) of an organisation's name, plurals folded:
    "Conservative Party Commission on Social Workers" -> ({..., "worker"}, "commission")."""
    ws = [w.lower().strip(".") for w in N.words(name)]
    ws = [w for w in ws if w and w not in ("'s", "’s")]
    content = [_singular(w) for w in ws if w not in N.MINOR_WORDS]
    head = ""
    for w in ws:
        if w in N.MINOR_WORDS:
            if head:
                break
            continue
        head = _singular(w)
    return frozenset(content), head


def _singular(word: str) -> str:
    word = re.sub(r"['’]s$", "", word)
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") \
        else word


def _strip_titles(name: str) -> str:
    name = name[:N.trailing_title_start(name)]
    return name[N.leading_title_end(name):]
