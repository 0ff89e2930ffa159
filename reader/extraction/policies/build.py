"""Building the PolicyTable: matching every policy in every article, the cache fingerprint,
reuse of unchanged articles' earlier results."""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.domain import Article, ArticleInfo, Policy, PolicyMention, Proposal
from reader.errors import BadInput
from reader.extraction.nlp import CACHE_VERSION, MODEL_VERSION, Analysis
from reader.extraction.policies.attribution import Attributor
from reader.extraction.policies.codebook import Pattern, compile_pattern, validate_policies
from reader.extraction.policies.discovery import (
    DocFacts,
    GroupMemo,
    RoleResolver,
    discover,
    doc_facts,
    resolve_roles,
    unpack_facts,
)
from reader.extraction.policies.document import Document
from reader.extraction.policies.keyindex import KeyIndex
from reader.extraction.policies.lexicon import PolicyLexicon
from reader.extraction.policies.proposals import unfiled_proposals
from reader.extraction.policies.table import (
    POLICY_VERSION,
    PolicyTable,
    ResolveActor,
    mention_from_row,
    proposal_from_row,
    resolved,
)

log = logging.getLogger(__name__)

_VERSION_TAG = f"policies-v{POLICY_VERSION}-nlp{CACHE_VERSION}-{MODEL_VERSION}"


def fingerprint(articles: Sequence[Article | ArticleInfo], codebook: Sequence[dict],
                user_policies: Sequence[dict] = (),
                resources_dir: Path | str | None = None) -> str:
    """Changes whenever `build_policies` could give a different answer for these inputs
    (actor resolution aside: `PolicyTable.from_cache(data, resolve_actor)` redoes that).

    `resources_dir` holds policy_lexicon.toml (None: the bundled resources); an edit to the
    lexicon changes the fingerprint. Raises BadInput for a broken lexicon."""
    lexicon = PolicyLexicon.load(resources_dir)
    h = hashlib.sha256(f"{_VERSION_TAG}-lexicon{lexicon.digest}".encode())
    h.update(json.dumps([list(codebook), list(user_policies)], sort_keys=True).encode())
    # each article's id, text hash, date and author, each part followed by \x1f (one text:
    # the same digest as hashing the parts one by one)
    h.update("".join(f"{a.id}\x1f{a.text_hash}\x1f{a.date}\x1f{a.author}\x1f"
                     for a in sorted(articles, key=lambda a: a.id)).encode())
    return h.hexdigest()[:24]


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


def build_policies(articles: Iterable[Article | ArticleInfo],
                   analyses: Mapping[str, Analysis],
                   codebook: Sequence[dict], user_policies: Sequence[dict] = (),
                   resolve_actor: ResolveActor | None = None,
                   previous: Mapping | None = None,
                   load: Callable[[str], Article] | None = None,
                   resources_dir: Path | str | None = None) -> PolicyTable:
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
        resources_dir: where policy_lexicon.toml is (None: the bundled resources).
    Raises:
        BadInput for a malformed codebook or lexicon.
    """
    lexicon = PolicyLexicon.load(resources_dir)
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
    resolve = _memo(resolve_actor) if resolve_actor is not None else (lambda name: name)
    found: dict[str, list[PolicyMention]] = {c.id: [] for c in compiled}
    proposals: list[Proposal] = []
    facts: dict[str, DocFacts] = {}
    bodies: dict[str, str] = {}  # without `load`: the bodies, for discovery's evidence
    key_cache: dict = {}
    dates: dict[str, str] = {}
    rules = hashlib.sha256(
        json.dumps([_VERSION_TAG, lexicon.digest, book, users], sort_keys=True).encode()
    ).hexdigest()[:24]
    reuse = _Reuse(previous, rules, {c.id for c in compiled})
    doc_keys: dict[str, str] = {}
    for item in articles:
        dates[item.id] = item.date
        if item.id not in analyses:
            continue
        key = _doc_key(item)
        if reuse.take(item.id, key, found, proposals, facts, resolve):
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
        doc = Document(art, analysis, key_cache)
        attributor = Attributor(doc, lexicon)
        covered: set[int] = set()
        for pol in compiled:
            for ui, tokens in _match(doc, pol).items():
                unit = doc.units[ui]
                actor, stance = attributor.attribute(ui, tokens)
                name = actor.name if actor else None
                found[pol.id].append(PolicyMention(
                    doc=art.id, start=unit.start - doc.offset, end=unit.end - doc.offset,
                    text=doc.text[unit.start:unit.end],
                    actor=resolved(name, resolve), stance=stance, date=art.date,
                    actor_name=name))
                covered.add(ui)
        proposals += unfiled_proposals(doc, lexicon, covered, attributor)
        facts[art.id] = doc_facts(doc, lexicon, attributor)
        if load is None:
            bodies[art.id] = art.body
    policies = []
    for pol in compiled:
        mentions = sorted(found[pol.id], key=lambda m: (not m.date, m.date, m.doc, m.start))
        policies.append(Policy(pol.id, pol.label, pol.description, mentions, pol.user))
    proposals.sort(key=lambda p: (not dates.get(p.doc), dates.get(p.doc, ""), p.doc, p.start))
    roles = RoleResolver(facts)
    proposals = resolve_roles(proposals, roles, lambda n: resolved(n, resolve))
    texts = (lambda d: load(d).body) if load is not None else bodies.__getitem__
    memo = GroupMemo(reuse.groups, reuse.changed_keys(facts),
                     earlier=reuse.candidates(facts, dates, resolve))
    index = reuse.index_after(facts)
    if index is None:
        index = KeyIndex.of(facts)
    candidates = discover(proposals, facts, dates, lambda n: resolved(n, resolve), texts,
                          lexicon, memo, roles, index)
    return PolicyTable(policies, proposals, problems, rules, doc_keys, candidates, facts,
                       groups=memo.groups, index=index, sources=memo.sources)


def _memo(resolve: ResolveActor) -> ResolveActor:
    """`resolve` asked once per name (the same actors recur across articles)."""
    answers: dict[str, str | None] = {}

    def ask(name: str) -> str | None:
        try:
            return answers[name]
        except KeyError:
            found = answers[name] = resolve(name)
            return found
    return ask


def _match(doc: Document, pol: _Compiled) -> dict[int, list[int]]:
    """{sentence index: token indices of the first match} of one policy, in sentence order;
    a match overlapped by one of the policy's `unless` patterns (a false friend) is dropped."""
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
    return dict(sorted(per_unit.items()))


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
        self.facts: dict[str, DocFacts] = {}
        self.taken: set[str] = set()  # the articles whose results were reused
        self.groups: dict[str, list] | None = None  # discovery's variant groups
        self.index: KeyIndex | None = None  # the key index of `facts`
        # discovery's candidates: {seed: [id, variants, articles]}, {id: cache row}
        self.sources: dict[str, list] = {}
        self.made: dict[str, Mapping] = {}
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
            self.facts = unpack_facts(previous["facts"])
            self.keys = {str(k): str(v) for k, v in previous["docs"].items()}
            groups = previous.get("groups")
            if isinstance(groups, dict) and all(isinstance(v, list) for v in groups.values()):
                self.groups = groups
            self.index = KeyIndex.unpacked(previous.get("index"))
            sources = previous.get("sources")
            if isinstance(sources, dict):
                ids = Counter(c["id"] for c in previous["candidates"])
                self.sources = sources
                self.made = {c["id"]: c for c in previous["candidates"] if ids[c["id"]] == 1}
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            log.info("earlier policy results not reusable (%r); matching every article", exc)
            self.keys = {}

    def take(self, doc_id: str, key: str, found: dict[str, list[PolicyMention]],
             proposals: list[Proposal], facts: dict[str, DocFacts],
             resolve: ResolveActor) -> bool:
        """Add the earlier results of `doc_id` when its key is unchanged; True if it did."""
        if self.keys.get(doc_id) != key:
            return False
        try:
            mentions = [(pid, mention_from_row(row, resolve))
                        for pid, row in self.mentions.get(doc_id, ())]
            props = [proposal_from_row(row) for row in self.proposals.get(doc_id, ())]
            facts[doc_id] = self.facts[doc_id]
        except (TypeError, ValueError, KeyError) as exc:
            log.info("earlier policy results of %s not reusable (%r)", doc_id, exc)
            return False
        for pid, m in mentions:
            found[pid].append(m)
        proposals.extend(props)
        self.taken.add(doc_id)
        return True

    def candidates(self, facts: Mapping[str, DocFacts], dates: Mapping[str, str],
                   resolve: ResolveActor) -> Callable[[str, set[str], set[str]], Policy | None]:
        """The earlier build's candidate of a seed when it is made of the same variants and
        articles and none of those changed (`GroupMemo.earlier`), its actors resolved
        again; None otherwise, and for all when the corpus's roles changed. Exact: a
        candidate reads its articles' facts, dates, texts and roles alone, and the roles'
        corpus-wide fallback (`RoleResolver`) is the same when every article not reused
        names the same roles as before (in the same order of articles)."""
        def none(key, variants, docs):
            return None
        if not self.keys or not self.made:
            return none
        changed = self._changed_docs(facts)
        try:
            for doc in changed:
                was = self.facts[doc].roles if doc in self.facts else []
                now = facts[doc].roles if doc in facts else []
                if [list(r) for r in was] != [list(r) for r in now]:
                    return none
        except (TypeError, ValueError, AttributeError):
            return none

        def earlier(key: str, variants: set[str], docs: set[str]) -> Policy | None:
            source = self.sources.get(key)
            if (not isinstance(source, list) or len(source) != 3
                    or not docs.isdisjoint(changed)):
                return None
            pid, was_variants, was_docs = source
            raw = self.made.get(pid)
            if raw is None or set(was_variants) != variants or set(was_docs) != docs:
                return None
            try:
                mentions = [mention_from_row(row, resolve) for row in raw["mentions"]]
                if any(m.date != dates.get(m.doc, "") for m in mentions):
                    return None
                return Policy(str(raw["id"]), str(raw["label"]), str(raw["description"]),
                              mentions, discovered=True,
                              variants=[str(v) for v in raw["variants"]])
            except (KeyError, TypeError, ValueError) as exc:
                log.info("earlier candidate %s not reusable (%r)", pid, exc)
                return None
        return earlier

    def _changed_docs(self, facts: Mapping[str, DocFacts]) -> set[str]:
        """The articles not reused: matched again, added or removed."""
        return (self.facts.keys() | facts.keys()) - self.taken

    def index_after(self, facts: Mapping[str, DocFacts]) -> KeyIndex | None:
        """The earlier table's key index made that of `facts` (`KeyIndex.update`: only the
        articles not reused read); None without one."""
        if not self.keys or self.index is None:
            return None
        try:
            if self.index.update(self.facts, facts, self._changed_docs(facts)):
                return self.index
        except (TypeError, AttributeError, ValueError) as exc:
            log.info("earlier policy key index not reusable (%r); made again", exc)
        return None

    def changed_keys(self, facts: Mapping[str, DocFacts]) -> set[str] | None:
        """The noun-phrase keys of every article not reused (matched again, added or
        removed), as before and as now; None when there was no earlier table."""
        if not self.keys:
            return None
        changed: set[str] = set()
        try:
            for doc in self._changed_docs(facts):
                if doc in self.facts:
                    changed.update(self.facts[doc].names)
                if doc in facts:
                    changed.update(facts[doc].names)
        except (TypeError, IndexError, KeyError, AttributeError):
            return None
        return changed
