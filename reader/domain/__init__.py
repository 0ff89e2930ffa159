"""Every domain type of reader: plain data shared by every layer (no I/O, no services,
no third-party imports). The errors are in `reader.errors`; the timeline and network
types in `charts.py`, importable from here."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import NamedTuple

META_FIELDS = ("date", "source", "author", "title")  # what `reader meta` lets the user set


def text_hash(title: str, body: str) -> str:
    """Hash of the text that extraction and note anchoring depend on."""
    return hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest()


@dataclass(frozen=True)
class Article:
    """One clean article, as the importer produced it.

    `body` is the clean text: every character offset reported anywhere in reader
    (entity mentions, policy mentions, note anchors) indexes into it, except an entity
    mention whose `field` is "title" (in the headline: its offsets index `title`). Page
    chrome and reader comments are kept aside in `chrome` and `comments`: never indexed or
    extracted.
    """

    id: str
    title: str
    body: str
    source: str = ""
    author: str = ""
    date: str = ""  # ISO yyyy-mm-dd, or "" when the text does not say
    date_from: str = ""  # "text" | "comment" (fallback, flagged) | "user" | ""
    chrome: str = ""
    comments: str = ""
    path: str = ""
    sha: str = ""  # sha256 of the raw file bytes (duplicate detection)
    warnings: tuple[str, ...] = ()
    bundled: bool = False
    user_set: tuple[str, ...] = ()  # the META_FIELDS whose value the user set (reader meta)

    @property
    def text_hash(self) -> str:
        return text_hash(self.title, self.body)

    def summary(self) -> dict:
        record = {
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "author": self.author,
            "date": self.date,
        }
        if self.user_set:
            record["set_by_user"] = list(self.user_set)
        return record


@dataclass(frozen=True)
class ImportOutcome:
    """What happened to one file given to `reader import`."""

    path: str
    status: str  # "imported" | "skipped" | "failed"
    reason: str = ""
    id: str = ""
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "status": self.status,
            "reason": self.reason,
            "id": self.id,
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    score: float
    snippet: str  # HTML-free text with matches wrapped in <b>…</b>
    source: str = ""
    date: str = ""

    def to_json(self) -> dict:
        return {"id": self.id, "title": self.title, "score": round(self.score, 4),
                "snippet": self.snippet}


@dataclass(frozen=True)
class SearchResult:
    query: str
    total: int
    hits: list[Hit] = field(default_factory=list)
    suggestion: str = ""  # corrected query when a word looks misspelt, else ""
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    terms: tuple[str, ...] = ()  # the query's terms, for highlighting in the reading pane

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "hits": [h.to_json() for h in self.hits],
            "suggestion": self.suggestion,
        }


@dataclass(frozen=True)
class ArticleInfo:
    """An article's catalogue entry: everything but the text (cheap to list 10k of them)."""

    id: str
    title: str
    source: str = ""
    author: str = ""
    date: str = ""
    date_from: str = ""
    path: str = ""
    sha: str = ""
    text_hash: str = ""
    bundled: bool = False
    words: int = 0
    user_set: tuple[str, ...] = ()  # the META_FIELDS whose value the user set
    starred: bool = False  # the user starred it (ArticleService.star)
    tags: tuple[str, ...] = ()  # the user's tags on it (ArticleService.tag)

    def summary(self) -> dict:
        record = {"id": self.id, "title": self.title, "source": self.source,
                  "author": self.author, "date": self.date}
        if self.user_set:
            record["set_by_user"] = list(self.user_set)  # only when set: listings stay as they were
        if self.starred:
            record["starred"] = True
        if self.tags:
            record["tags"] = list(self.tags)
        return record


SORTS = ("relevance", "newest", "oldest")  # how search results can be ordered (undated last)


@dataclass(frozen=True)
class SavedSearch:
    """A query the user saved under a name (listed in the search panel)."""

    id: int
    name: str
    query: str
    created: str = ""

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "query": self.query, "created": self.created}


# -- Entities ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mention:
    """One occurrence: `body[start:end] == text` in article `doc`, or, when `field` is
    "title" (a mention in the headline), `title[start:end] == text`.

    `form` is the fuller wording when a title was moved off the name ("Professor Munro"
    for the mention "Munro"); "" otherwise. It is not part of equality or JSON. JSON has
    "field" only for a headline mention (a body mention's JSON is as it always was)."""

    doc: str
    start: int
    end: int
    text: str
    form: str = field(default="", compare=False, repr=False)
    field: str = "body"  # "body" | "title": the text the offsets index

    def to_json(self) -> dict:
        out = {"doc": self.doc, "start": self.start, "end": self.end, "text": self.text}
        if self.field != "body":
            out["field"] = self.field
        return out


@dataclass(frozen=True)
class Entity:
    """A person, organisation, place... with every mention in the corpus.

    `id` is stable: "type:slug-of-name" as extracted; it does not change when the user
    renames or retypes the entity (so stored edits and links keep working)."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    mentions: tuple[Mention, ...] = ()
    hidden: bool = False

    @property
    def count(self) -> int:
        return len(self.mentions)

    @property
    def docs(self) -> list[str]:
        """Article ids that mention it, sorted."""
        return sorted({m.doc for m in self.mentions})

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "type": self.type,
                "aliases": list(self.aliases), "count": self.count, "docs": self.docs,
                "mentions": [m.to_json() for m in self.mentions], "hidden": self.hidden}


# Quick construction for tables of thousands (entity caches' rows): the constructors' very
# objects without a frozen class's `object.__setattr__` per field (tests/test_domain_fast.py).


class _FastMention:
    """Called like `Mention` (~4x faster), returns a Mention: Mention's slots, set unfrozen,
    then `__class__` assigned (CPython checks the layouts; the test, the parameters)."""

    __slots__ = Mention.__slots__

    def __init__(self, doc: str, start: int, end: int, text: str, form: str = "",
                 field: str = "body") -> None:
        self.doc = doc  # one statement each: quicker than tuple assignment
        self.start = start
        self.end = end
        self.text = text
        self.form = form
        self.field = field
        self.__class__ = Mention


fast_mention: Callable[..., Mention] = _FastMention  # type: ignore[assignment]
_new = object.__new__


def fast_entity(id: str, name: str, type: str, aliases: tuple[str, ...] = (),
                mentions: tuple[Mention, ...] = (), hidden: bool = False) -> Entity:
    """`Entity(id, name, type, aliases, mentions, hidden)`, ~2x faster."""
    e = _new(Entity)
    e.__dict__.update(id=id, name=name, type=type, aliases=aliases, mentions=mentions,
                      hidden=hidden)
    return e


@dataclass(frozen=True)
class Evidence:
    """A sentence of article `doc` (body offsets) where two entities occur together."""

    doc: str
    start: int
    end: int

    def to_json(self) -> dict:
        return {"doc": self.doc, "start": self.start, "end": self.end}


class Related(NamedTuple):
    """A co-occurring entity: `score` = SENTENCE_WEIGHT x shared sentences + shared
    articles; `evidence` = the shared sentences (or, for article-level only, the sentence
    where the other entity first appears in each shared article)."""

    entity: Entity
    score: int
    evidence: list[Evidence]

    def to_json(self) -> dict:
        return {"entity": {"id": self.entity.id, "name": self.entity.name,
                           "type": self.entity.type},
                "score": self.score, "evidence": [e.to_json() for e in self.evidence]}


# -- Policies ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyMention:
    """One sentence that mentions a policy.

    `actor` is who the text says proposes/supports/opposes it: an entity id when
    `resolve_actor` knew the name, else the name as written, None when the text names
    nobody. `stance` is one of STANCES ("unknown" unless stated plainly). `date` is the
    article's date ("" when undated). `actor_name` is the name as written (kept so a new
    entity table can re-resolve cached mentions)."""

    doc: str
    start: int
    end: int
    text: str
    actor: str | None
    stance: str
    date: str
    actor_name: str | None = None

    def to_json(self) -> dict:
        return {"doc": self.doc, "start": self.start, "end": self.end, "text": self.text,
                "actor": self.actor, "stance": self.stance}


@dataclass
class Policy:
    """A codebook or user policy with its mentions in timeline order.

    A `discovered` policy is a candidate found without a codebook: proposals and the other
    sentences naming one object ("identity cards"), `variants` its other phrasings. A
    `hidden` one was hidden by the user (listed only when asked for)."""

    id: str
    label: str
    description: str
    mentions: list[PolicyMention] = field(default_factory=list)
    user: bool = False
    discovered: bool = False
    variants: list[str] = field(default_factory=list)
    hidden: bool = False

    @property
    def docs(self) -> list[str]:
        """Articles mentioning the policy, in timeline order (dated first, then undated)."""
        return list(dict.fromkeys(m.doc for m in self.mentions))

    @property
    def first_date(self) -> str:
        """Earliest dated mention ("" when every mention is undated)."""
        dates = [m.date for m in self.mentions if m.date]
        return min(dates) if dates else ""

    @property
    def last_date(self) -> str:
        dates = [m.date for m in self.mentions if m.date]
        return max(dates) if dates else ""

    def to_json(self) -> dict:
        return {"id": self.id, "label": self.label, "description": self.description,
                "docs": self.docs, "first_date": self.first_date,
                "last_date": self.last_date, "mentions": [m.to_json() for m in self.mentions],
                **({"discovered": True, "variants": self.variants} if self.discovered else {}),
                **({"hidden": True} if self.hidden else {})}


@dataclass(frozen=True)
class Proposal:
    """A sentence proposing a measure that no policy covers.

    `cue` is the key phrase as written ("calls for", "wants to"); `object` the proposed thing
    as written ("identity cards"), `key` its normalised form (lemmas: "identity card");
    `proposer` an entity id when the entity table knew the name, else the name as written
    (`proposer_name`), None when the text names nobody; `stance` one of STANCES; `date` the
    article's ("" when undated)."""

    doc: str
    start: int
    end: int
    text: str
    cue: str
    object: str = ""
    key: str = ""
    proposer: str | None = None
    proposer_name: str | None = None
    stance: str = "proposes"
    date: str = ""

    def to_json(self) -> dict:
        return {"doc": self.doc, "start": self.start, "end": self.end, "text": self.text,
                "cue": self.cue, "object": self.object, "proposer": self.proposer,
                "stance": self.stance, "date": self.date}


# -- Notes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    """Where a note sits in `Article.body`: position plus quote and its context."""

    start: int
    end: int
    quote: str
    prefix: str
    suffix: str


@dataclass(frozen=True)
class Note:
    """One note. A whole-article note has no quote and `start`/`end` None.

    `text_hash` is the article's `text_hash` when the anchor was last checked: when it
    differs from the article's current hash, run `refresh_anchor`. `orphan` means the
    quoted passage could not be found in the current text (the note and its quote are
    kept). `uid` is the W3C annotation id ("urn:uuid:…").
    """

    id: int
    doc: str
    text_hash: str = ""
    start: int | None = None
    end: int | None = None
    quote: str = ""
    prefix: str = ""
    suffix: str = ""
    body: str = ""
    tags: tuple[str, ...] = ()
    created: str = ""
    updated: str = ""
    trashed: bool = False
    orphan: bool = False
    uid: str = ""

    @property
    def whole_article(self) -> bool:
        return not self.quote

    def to_json(self) -> dict:
        data = asdict(self)
        data["tags"] = list(self.tags)
        return data


# -- Indexing and mention lists ------------------------------------------------------------


@dataclass
class IndexReport:
    """What `Library.index` did; `messages` are for the user (e.g. a rebuilt index)."""

    total: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    analysed: int = 0  # articles that went through spaCy (0 when the cache was current)
    cancelled: bool = False
    messages: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return dict(self.__dict__)


# -- Writes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Changes:
    """What one write changed (in the manner of Anki's OpChanges): every write of a service
    returns one, the UI announces it (`library_changed`), and `IndexingService.apply` brings
    the derived data (search index fields, entity/policy tables) up to date from it.

    `articles`: ids added, changed or removed; `entities`: the user's corrections changed;
    `policies`: the user's own policies changed; `notes` / `read`: ids whose note or read
    state changed; `marks`: ids whose star or tags changed (nothing derived follows);
    `searches`: the saved searches changed. The other fields carry what the write
    produced: the note written, the correction applied or undone, the id of the policy
    added or removed, the import outcomes, the counts of a notes import."""

    articles: frozenset[str] = frozenset()
    notes: frozenset[int] = frozenset()
    entities: bool = False
    policies: bool = False
    read: frozenset[str] = frozenset()
    note: Note | None = None
    edit: dict | None = None
    policy: str = ""
    outcomes: tuple[ImportOutcome, ...] = ()
    counts: dict | None = None
    marks: frozenset[str] = frozenset()
    searches: bool = False

    @property
    def derived(self) -> bool:
        """Whether derived data (index, entity and policy tables) must follow."""
        return bool(self.articles) or self.entities or self.policies

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            articles=self.articles | other.articles, notes=self.notes | other.notes,
            entities=self.entities or other.entities, policies=self.policies or other.policies,
            read=self.read | other.read, note=other.note or self.note,
            edit=other.edit if other.edit is not None else self.edit,
            policy=other.policy or self.policy, outcomes=self.outcomes + other.outcomes,
            counts=other.counts if other.counts is not None else self.counts,
            marks=self.marks | other.marks, searches=self.searches or other.searches)


# The chart types use Evidence, so they come last; re-exported: reader.domain names every type.
from reader.domain.charts import (  # noqa: E402, F401
    Network,
    NetworkEdge,
    NetworkNode,
    Timeline,
    TimelineBucket,
)
from reader.domain.mentions import MentionContext, MentionContexts  # noqa: E402, F401
