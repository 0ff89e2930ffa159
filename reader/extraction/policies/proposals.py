"""Unfiled proposals: sentences proposing, planning or calling for what no policy covers."""

from __future__ import annotations

from collections.abc import Set

from reader.domain import Proposal
from reader.extraction.policies.document import Document
from reader.extraction.policies.lexicon import PolicyLexicon


def unfiled_proposals(doc: Document, lex: PolicyLexicon, covered: Set[int]) -> list[Proposal]:
    """The proposals of one article in sentence order, but for sentences in `covered`
    (sentence indices where a policy matched)."""
    out = []
    for ui, cue in sorted(proposal_cues(doc, lex).items()):
        if ui not in covered:
            unit = doc.units[ui]
            out.append(Proposal(doc.article.id, unit.start - doc.offset, unit.end - doc.offset,
                                doc.text[unit.start:unit.end], cue))
    return out


def proposal_cues(doc: Document, lex: PolicyLexicon) -> dict[int, str]:
    """{sentence index: first cue as written} for statements (not questions) with a cue."""
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
        out[ui] = doc.text[start:end]
    return out
