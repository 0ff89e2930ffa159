"""Unfiled proposals: sentences proposing a measure no policy covers, as structured records."""

from __future__ import annotations

from collections.abc import Set

from reader.domain import Proposal
from reader.extraction.policies.attribution import Attributor
from reader.extraction.policies.document import Document
from reader.extraction.policies.lexicon import PolicyLexicon
from reader.extraction.policies.objects import proposal_object, surface


def unfiled_proposals(doc: Document, lex: PolicyLexicon, covered: Set[int],
                      attributor: Attributor) -> list[Proposal]:
    """The proposals of one article in sentence order, but for sentences in `covered`
    (sentence indices where a policy matched). A cue sentence is a proposal only when it
    proposes a measure (`objects.proposal_object`); its proposer is the actor attribution
    finds (speaker, subject, quote's speaker, the previous sentence's for "he said"; a named
    person who says it rather than "the government" of the sentence), else
    the role phrase that is the cue's subject ("the Home Secretary"), for the corpus-wide
    role resolution of `discovery.resolve_roles`. `proposer` is left unresolved here."""
    out = []
    for ui, (cue, tokens) in sorted(proposal_cues(doc, lex).items()):
        if ui in covered:
            continue
        thing = proposal_object(doc, tokens, lex)
        if thing is None or _about_a_person(doc, cue, tokens) or _company_plan(
                doc, ui, None if _weak(cue) else tokens, thing.tokens, lex):
            continue
        actor, stance = attributor.attribute(ui, thing.tokens)
        speaker = attributor.unit_actor.get(ui, (None, None))[0]
        if speaker is not None and speaker.person and (
                actor is None or actor.name in lex.generic.values()):
            actor = speaker  # "He said the government plans to ...": the named speaker
        name = actor.name if actor else _role_subject(doc, tokens)
        unit = doc.units[ui]
        quoted = unit.quoted or doc.in_quote(doc.an.tokens[tokens[0]][0]) or (
            doc.text[unit.start:unit.end].lstrip()[:1] in ('"', "\u201c"))  # a quote opened
        if name is None and _weak(cue) and (quoted or not cue.lower().startswith("we")):
            continue  # "the roof should be replaced", a quote's "we need to": nobody named
        out.append(Proposal(doc.article.id, unit.start - doc.offset, unit.end - doc.offset,
                            doc.text[unit.start:unit.end], cue,
                            object=surface(doc, list(thing.tokens)), key=thing.key,
                            proposer_name=name,
                            stance="proposes" if stance == "unknown" else stance,
                            date=doc.article.date))
    return out


_WEAK = ("should", "must", "we need", "we needed", "has to", "have to", "had to")
_PERSONAL = ("he", "she", "you", "i", "him", "her")


def _weak(cue: str) -> bool:
    """An opinion cue ("should", "must", "we need to") that proposes only when said by someone."""
    return cue.lower().startswith(_WEAK)


def _cue_subject(doc: Document, tokens: list[int]) -> int | None:
    for t in tokens:
        verb = doc.head[t] if doc.pos[t] == "AUX" else t
        for s in doc.kids(verb, "nsubj", "nsubjpass"):
            return s
    return None


def _about_a_person(doc: Document, cue: str, tokens: list[int]) -> bool:
    """"he should be allowed these privileges": what one person should do or be given."""
    if not _weak(cue):
        return False
    s = _cue_subject(doc, tokens)
    return s is not None and (doc.tok_text[s].lower() in _PERSONAL
                              or doc.ent_of.get(s, ("", "", ""))[2] == "PERSON")


def _company_plan(doc: Document, ui: int, cue: list[int] | None, thing: tuple[int, ...],
                  lex: PolicyLexicon) -> bool:
    """A firm's plan for itself ("cut the workforce", "expand the brand", "the firms want
    to ..."), unless the sentence names a public actor (government, regulator, party...).
    The cue's subject counts only for a plain cue (`cue` None for "should"/"must": "firms
    should not be allowed to ..." is a rule for firms)."""
    words = [doc.lemma[t].lower() for t in thing]
    s = _cue_subject(doc, cue) if cue else None
    if s is not None:
        words.append(doc.lemma[s].lower())
    if not lex.company_words.intersection(words):
        return False
    return not any(doc.lemma[t].lower() in lex.public_actors for t in doc.units[ui].tokens)


def _role_subject(doc: Document, tokens: list[int]) -> str | None:
    """The cue's subject when it is a role named without a person ("the Chancellor")."""
    for t in tokens:
        verb = doc.head[t] if doc.pos[t] == "AUX" else t
        for _ in range(3):
            for s in doc.kids(verb, "nsubj", "nsubjpass"):
                if doc.pos[s] in ("NOUN", "PROPN") and doc.tok_text[s][:1].isupper():
                    mods = [c for c in doc.kids(s, "compound") if c < s]
                    return " ".join(doc.tok_text[k] for k in [*mods, s])
                return None
            if doc.head[verb] == verb:
                break
            verb = doc.head[verb]
    return None


def proposal_cues(doc: Document, lex: PolicyLexicon) -> dict[int, tuple[str, list[int]]]:
    """{sentence index: (first cue as written, its tokens)} for statements (not questions)."""
    blocked = set()
    for pat in lex.not_cues:
        for a, b in doc.find(pat):
            blocked.update(range(a, b + 1))
    first: dict[int, tuple[int, int]] = {}
    found = [m for pat in lex.cues for m in doc.find(pat)]
    for pat in lex.weak_cues:
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
        out[ui] = (doc.text[start:end], [doc.content[k] for k in range(a, b + 1)])
    return out
