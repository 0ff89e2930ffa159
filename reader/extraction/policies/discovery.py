"""Discovery: candidate policies grouped from proposals' objects, with every sentence naming
them, and role phrases ("the Home Secretary") resolved to the person the corpus names."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass, field, replace

from reader.domain import Policy, PolicyMention, Proposal
from reader.extraction.policies.attribution import Attributor
from reader.extraction.policies.document import Document
from reader.extraction.policies.facts import (  # noqa: F401 (re-exported)
    DocFacts,
    PackedFacts,
    pack_facts,
    unpack_facts,
)
from reader.extraction.policies.keyindex import PREPS, KeyIndex, head, turned
from reader.extraction.policies.lexicon import PolicyLexicon
from reader.extraction.policies.objects import (
    acted_keys,
    nominal_action,
    noun_phrase_keys,
    role_pairs,
)
from reader.textutil import slug

MIN_ARTICLES = 3  # a candidate is named in at least this many articles
MIN_ACTED = 2  # a measure acted on (not proposed) grows a candidate from this many articles
# a phrase named in more than this share of the articles is what the corpus is about ("child
# protection" in five articles on child protection), not one measure among others
MAX_SHARE = 0.8
_PREPS = PREPS
_turned, _head = turned, head  # (named so here before)
ID_PREFIX = "discovered-"


def doc_facts(doc: Document, lex: PolicyLexicon, attributor: Attributor) -> DocFacts:
    facts = DocFacts(roles=[list(p) for p in role_pairs(doc, lex)])
    keys: dict[str, list[int]] = defaultdict(list)
    acted: set[str] = set()
    for ui, unit in enumerate(doc.units):
        enacting: list[int] = []
        acted |= acted_keys(doc, ui, lex, enacting)
        own = attributor.unit_actor.get(ui, (None, None))[0] or attributor.unit_speaker.get(ui)
        for verb in enacting:  # nobody speaks: who enacts it ("the Fed raised rates")
            own = own or attributor.agent(ui, verb)
        facts.units.append([unit.start - doc.offset, unit.end - doc.offset,
                            own.name if own else None, _stance(doc, lex, attributor, unit)])
        for key in noun_phrase_keys(doc, ui, lex):
            keys[key].append(ui)
            if key.rsplit(" ", 1)[-1] in lex.policy_nouns:
                facts.texts[ui] = doc.text[unit.start:unit.end]
    facts.keys = dict(keys)
    facts.acted = sorted(acted)
    return facts


def _stance(doc: Document, lex: PolicyLexicon, attributor: Attributor, unit) -> str:
    """The sentence's plainest stance word (a verb or adjective), negation flipping support."""
    for i in unit.tokens:
        stance = lex.stance_of.get(doc.lemma[i].lower())
        if stance and doc.pos[i] in ("VERB", "ADJ") and attributor._is_cue(i):
            if stance in ("supports", "proposes") and doc.kids(i, "neg"):
                return "opposes"
            return stance
    return "unknown"


class RoleResolver:
    """Role phrase -> person: the article's own "Home Secretary Charles Clarke" first, else
    the person the corpus most often names in that role."""

    def __init__(self, facts: Mapping[str, DocFacts]):
        self._facts = facts
        self.by_doc: dict[str, dict[str, str]] = {}  # an article's roles, when first asked
        self.corpus: dict[str, Counter] = defaultdict(Counter)
        for f in facts.values():
            for r, p in f.roles:
                self.corpus[r][p] += 1

    def __call__(self, doc: str, name: str | None) -> str | None:
        if not name:
            return name
        role = " ".join(w for w in name.lower().split() if w != "the")
        mine = self.by_doc.get(doc)
        if mine is None:
            f = self._facts.get(doc)
            mine = self.by_doc[doc] = {r: p for r, p in f.roles} if f is not None else {}
        person = mine.get(role)
        if person is None and self.corpus.get(role):
            person = self.corpus[role].most_common(1)[0][0]
        return person or name


def resolve_roles(proposals: Iterable[Proposal], roles: RoleResolver,
                  resolve: Callable[[str | None], str | None]) -> list[Proposal]:
    out = []
    for p in proposals:
        name = roles(p.doc, p.proposer_name)
        out.append(replace(p, proposer_name=name, proposer=resolve(name)))
    return out


def _abbreviates(short: str, words: list[str]) -> bool:
    """"id" for ["identity"], "vat" for ["value", "added"]: an abbreviation of the words."""
    if len(short) < 2 or len(short) > 5 or " " in short:
        return False
    if len(words) == 1:
        return words[0].startswith(short) and len(words[0]) >= len(short) + 3
    return short == "".join(w[0] for w in words)


def _one_modifier_less(words: list[str]) -> list[str]:
    """"golden economic rule" -> ["economic rule", "golden rule"]: a phrase of three words
    or more without "of/on/for", less one modifier (never its head)."""
    if len(words) < 3 or set(words) & set(_PREPS):
        return []
    return [" ".join(words[:n] + words[n + 1:]) for n in range(len(words) - 1)]


def _same_thing(long: str, short: str, together: Mapping[str, Iterable[str]] | None) -> bool:
    """Is `long` `short` with one more modifier? Always when the modifier is the first
    word ("back tax bill" / "tax bill"); inside the phrase only when one article writes
    both (a name in full, then short: "golden economic rule" / "golden rule"; not "low
    exchange rate" / "low rate")."""
    if long.split(" ", 1)[1] == short:
        return True
    return together is not None and not set(together.get(long, ())).isdisjoint(
        together.get(short, ()))


def variant_groups(keys: Iterable[str], known: Iterable[str],
                   together: Mapping[str, Iterable[str]] | None = None
                   ) -> dict[str, set[str]]:
    """{key: its variants among `known`}: the same phrase with its first modifier written as
    an abbreviation or in full ("id card" / "identity card"), its "of/on/for X" tail written
    before it ("quota on asylum" / "asylum quota"), or with one more modifier than a
    phrase of two words or more ("back tax bill" / "tax bill", "golden economic rule" /
    "golden rule": see `_same_thing`; `together` maps a key to the articles naming it)."""
    known = known if isinstance(known, set) else set(known)
    keys = list(keys)
    by_tail: dict[str, list[list[str]]] = defaultdict(list)
    longer: dict[str, set[str]] = defaultdict(set)  # "tax bill" -> {"back tax bill", ...}
    turned_to: dict[str, set[str]] = defaultdict(set)  # "asylum quota" -> {"quota on asylum"}
    # Only known keys that a lookup below can reach are indexed: every key found for `key`
    # ends with `key`'s head (a longer or shorter form, the same tail) or with its turned
    # form's head, and a key turned into one of those ends, turned, with the same head.
    heads = {_head(k) for k in keys} | {_head(t) for t in map(_turned, keys) if t}
    for k in _containing(known, heads):
        turned = _turned(k) if " o" in k or " f" in k else None
        if turned is not None and _head(turned) in heads:
            turned_to[turned].add(k)
        if k[k.rfind(" ") + 1:] not in heads:  # _head(k), inline: every known key
            continue
        words = k.split()
        for n in range(1, min(len(words), 4)):
            by_tail[" ".join(words[n:])].append(words[:n])
        for shorter in _one_modifier_less(words):
            if _same_thing(k, shorter, together):
                longer[shorter].add(k)
    out: dict[str, set[str]] = {}
    for key in keys:
        words = key.split()
        found = {key} | longer.get(key, set()) | {
            s for s in _one_modifier_less(words) if s in known and _same_thing(key, s, together)}
        turned = _turned(key)
        if turned in known:
            found.add(turned)
        for k in list(found):
            found |= turned_to.get(k, set())
        for n in range(1, min(len(words), 4)):
            tail, head = " ".join(words[n:]), words[:n]
            for other in by_tail.get(tail, ()):
                if (len(head) == 1 and _abbreviates(head[0], other)) or (
                        len(other) == 1 and _abbreviates(other[0], head)):
                    found.add(" ".join(other + [tail]))
        out[key] = found
    return out


def _containing(known: set[str], words: set[str]) -> Iterable[str]:
    """The keys of `known` with one of `words` in them: a superset of those whose head, or
    whose turned form's head, is one of the words. Found with `str.find` in one text of
    every key (a few words, as when only what a changed article reaches is grouped again:
    a tenth of the time of looking at each key); every key when there are many words."""
    if len(words) > 64 or "" in words:
        return known
    text = "\n".join(known)
    if text.count("\n") != len(known) - 1:  # a key with a line break: look at each
        return known
    found = set()
    for word in words:
        at = text.find(word)
        while at >= 0:
            end = text.find("\n", at)
            end = len(text) if end < 0 else end
            found.add(text[text.rfind("\n", 0, at) + 1:end])
            at = text.find(word, end)
    return found


def _reachable(known: set[str], seeds: Iterable[str]) -> set[str]:
    """The keys of `known` a seed's variant group can hold or `variant_groups` can ask the
    articles of: those ending with a seed's head or its turned form's head, or turned into
    a phrase ending so (every key `variant_groups` reads for the seed)."""
    heads = {_head(k) for k in seeds}
    heads |= {_head(t) for t in map(_turned, seeds) if t}
    out = set()
    for k in known:
        if k[k.rfind(" ") + 1:] in heads:
            out.add(k)
        elif " o" in k or " f" in k:
            turned = _turned(k)
            if turned is not None and _head(turned) in heads:
                out.add(k)
    return out


@dataclass
class GroupMemo:
    """An earlier build's variant groups, for the next build to reuse: `previous` {seed:
    its variants} and `changed`, the keys whose articles changed since (any key of an
    article added, removed or matched again); None for either: group every seed. After
    `discover`, `groups` holds this build's groups."""

    previous: Mapping[str, Iterable[str]] | None = None
    changed: set[str] | None = None
    groups: dict[str, set[str]] = field(default_factory=dict)
    # an earlier build's candidate of a seed, its variants and articles the same and none
    # of them changed (build.py `_Reuse.candidates`), or None: it is made again
    earlier: Callable[[str, set[str], set[str]], Policy | None] | None = None
    # after `discover`: {seed: [candidate id, its variants, its articles]} (sorted)
    sources: dict[str, list] = field(default_factory=dict)

    def regroup(self, seeds: Iterable[str], known: Iterable[str],
                together: Mapping[str, Iterable[str]] | None = None) -> dict[str, set[str]]:
        """`variant_groups(seeds, known, together)` (`together` None: `known`, a mapping),
        only the seeds a changed key can reach grouped again. Exact: a seed's group reads
        only known keys ending with its head or its turned form's head, or turned into a
        phrase ending so (see `variant_groups`), and only their membership and articles; a
        key whose articles did not change is known, or not, with the same articles as
        before."""
        together = known if together is None else together
        out, redo = self.split(seeds)
        if redo:
            out.update(variant_groups(redo, known, together))
        self.groups = out
        return out

    def split(self, seeds: Iterable[str]) -> tuple[dict[str, set[str]], list[str]]:
        """({seed: its earlier group} of the seeds no changed key reaches, the seeds to
        group again): every seed to group again without an earlier build."""
        seeds = list(seeds)
        if self.previous is None or self.changed is None:
            return {}, seeds
        moved = {_head(k) for k in self.changed}
        moved |= {_head(t) for t in map(_turned, self.changed) if t}
        redo, out = [], {}
        for key in seeds:
            turned = _turned(key)
            was = self.previous.get(key)
            if was is None or _head(key) in moved or (turned and _head(turned) in moved):
                redo.append(key)
            else:
                out[key] = set(was)
        return out, redo


def discover(proposals: list[Proposal], facts: Mapping[str, DocFacts],
             dates: Mapping[str, str], resolve: Callable[[str | None], str | None],
             texts: Callable[[str], str], lex: PolicyLexicon,
             memo: GroupMemo | None = None, roles: RoleResolver | None = None,
             index: KeyIndex | None = None) -> list[Policy]:
    """Candidate policies ranked by articles then actors: each proposed object (and its
    variants) named in at least MIN_ARTICLES articles, proposed in two articles unless
    its key has several words (a one-word key must be a policy noun: "tax", not "music");
    and each measure reported acted on (`DocFacts.acted`: "the Fed raised interest rates")
    in MIN_ACTED articles (a one-word measure in one more); none named in more than
    MAX_SHARE of the articles.
    `texts(doc)` gives an article's body (for the evidence); `memo` reuses an earlier
    build's variant groups (`GroupMemo`) and keeps this build's; `roles`, the
    RoleResolver of `facts` when the caller has it; `index`, the KeyIndex of `facts`
    when the caller has it (else every article's keys are read)."""
    roles = roles or RoleResolver(facts)
    by_key: dict[str, list[Proposal]] = defaultdict(list)
    for p in proposals:
        if p.key:
            by_key[p.key].append(p)
    acting: dict[str, set[str]] = defaultdict(set)
    for doc, f in facts.items():
        for k in f.acted:
            acting[k].add(doc)
    # a one-word measure acted on only when it names an enactment itself ("privatisation",
    # not "tax", "rise" or "charges")
    seeds = set(by_key) | {k for k in acting if " " in k or nominal_action(k, lex)}
    # key -> the articles naming it, each once (an article's keys are distinct), for the
    # keys a seed's group can read only (see `_reachable`): 14 % of them on 1,725 articles.
    # With an earlier build's groups, only those a seed grouped again can read, and the
    # members of the others' earlier groups (without `index`: found in the keys' text,
    # `_containing`; with it, its buckets of the seeds' words alone are read).
    memo = memo or GroupMemo()
    kept, redo = memo.split(seeds)
    if kept and (index is not None or len(redo) <= 64):
        # the known keys a seed grouped again can read: grouped against these alone, the
        # same groups (each key `variant_groups` looks up ends with one of these words,
        # or is turned into a phrase ending so)
        heads = {_head(k) for k in redo} | {_head(t) for t in map(_turned, redo) if t}
        if index is not None:  # exactly those keys
            known = index.near(heads)
            named: Container[str] = index
        else:
            named = set().union(*(f.names for f in facts.values()))
            known = set(_containing(named, heads)) if redo else set()
        reach = _reachable({k for k in known.union(*kept.values()) if k in named}, seeds)
    else:
        known = index.keys() if index is not None else set().union(
            *(f.names for f in facts.values()))
        reach = _reachable(known, seeds)
    docs_of: dict[str, list[str]] = defaultdict(list)
    if index is not None:
        docs_of.update((k, index.docs(k)) for k in reach)
    else:
        for doc, f in facts.items():
            for k in reach.intersection(f.names):
                docs_of[k].append(doc)
    groups = memo.groups = {**kept, **(variant_groups(redo, known, docs_of) if redo else {})}
    taken: set[str] = set()
    candidates = []

    def size(key: str) -> int:  # the articles naming a seed's group
        group = groups[key]
        if len(group) == 1:  # an article's keys are distinct: each article once
            return len(docs_of[next(iter(group))])
        return len(set().union(*(docs_of[v] for v in group)))

    order = sorted(seeds, key=lambda k: (-size(k), k))
    for key in order:
        if key in taken:
            continue
        variants = groups[key] - taken
        props = [p for v in variants for p in by_key.get(v, ())]
        if sum(len(docs_of.get(v, ())) for v in variants) + len(props) < MIN_ARTICLES:
            continue  # named in too few articles (most seeds: the sets below not made)
        docs = set().union(*(docs_of.get(v, ()) for v in variants)) | {p.doc for p in props}
        if len(docs) < MIN_ARTICLES or len(docs) > MAX_SHARE * len(facts):
            continue
        proposing = {p.doc for p in props}
        single = len(key.split()) == 1
        acted = set().union(*(acting.get(v, set()) for v in variants))
        if single and not nominal_action(key, lex):
            acted = set()  # "increase", "law": too vague when only acted on
        if (single and (
                len(proposing) < 2 and len(acted) <= MIN_ACTED or key not in lex.policy_nouns)) \
                or (not props and len(acted) < MIN_ACTED):
            continue
        taken |= variants
        made = memo.earlier(key, variants, docs) if memo.earlier is not None else None
        if made is None:
            made = _candidate(key, variants, props, docs, facts, dates, roles, resolve, texts)
        memo.sources[key] = [made.id, sorted(variants), sorted(docs)]
        candidates.append(made)
    candidates.sort(key=lambda c: (-len(c.docs), -len({m.actor for m in c.mentions
                                                        if m.actor}), c.label))
    return candidates


def _written(key: str, mentions: list[PolicyMention]) -> Counter:
    """How the evidence writes a key ("interest rate" -> "interest rates", "sarbanes oxley
    act" -> "Sarbanes-Oxley Act", "3 g licence" -> "3G licence"), counted."""
    words = [re.escape(w) for w in key.split()]
    pattern = re.compile(r"\b" + r"\w*\W{0,3}".join(words) + r"\w*", re.IGNORECASE)
    found = Counter(m[0] for men in mentions for m in pattern.finditer(men.text))
    return found or Counter({key: 1})


def _candidate(key, variants, props, docs, facts, dates, roles, resolve, texts) -> Policy:
    if not props:  # a measure acted on: known by the variant named in most articles
        key = max(sorted(variants), key=lambda v: (
            sum(1 for d in docs if d in facts and v in facts[d].keys), -len(v)))
    by_span = {(p.doc, p.start): p for p in props}
    mentions = []
    for doc in sorted(docs):
        f = facts.get(doc)
        units = sorted({u for v in variants for u in (f.keys.get(v, ()) if f else ())})
        spans = [(f.units[u][0], f.units[u][1], f.units[u][2], f.units[u][3], f.texts.get(u))
                 for u in units]
        spans += [(p.start, p.end, None, "", p.text) for p in props
                  if p.doc == doc and (p.start, p.end) not in {s[:2] for s in spans}]
        body = texts(doc) if any(s[4] is None for s in spans) else ""
        for start, end, name, stance, text in spans:
            prop = by_span.get((doc, start))
            if prop is not None:
                name, stance = prop.proposer_name, prop.stance
            name = roles(doc, name)
            mentions.append(PolicyMention(doc, start, end,
                                          body[start:end] if text is None else text,
                                          resolve(name), stance, dates.get(doc, ""), name))
    mentions.sort(key=lambda m: (not m.date, m.date, m.doc, m.start))
    surfaces = Counter(p.object for p in props if p.key == key) or Counter(
        p.object for p in props)
    if not surfaces:  # nothing proposed (a measure reported acted on): as the text writes it
        surfaces = _written(key, mentions)
    label = surfaces.most_common(1)[0][0] if surfaces else key
    label = label[:1].upper() + label[1:]
    others = sorted({p.object.lower() for p in props} - {label.lower()})
    others += sorted(v for v in variants - {key} if v not in {p.key for p in props})
    return Policy(ID_PREFIX + (slug(key, 50) or "policy"), label,
                  f"Discovered: proposed in {len({p.doc for p in props})} of {len(docs)} "
                  "articles naming it.", mentions, discovered=True, variants=others)
