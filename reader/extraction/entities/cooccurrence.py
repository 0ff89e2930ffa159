"""Which entities co-occur, by shared sentence and shared article, with evidence sentences."""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence

from reader.domain import Entity, Evidence, Related

SENTENCE_WEIGHT = 3  # a shared sentence counts this many shared articles in `related`


class Cooccurrence:
    """Sentence and article co-occurrence over the visible entities (built on first use)."""

    def __init__(self, entities: Sequence[Entity], sentences: dict[str, list[tuple[int, int]]],
                 get: Callable[[str], Entity]):
        """`entities`: the table's, most mentioned first; `get`: id -> entity."""
        self.get = get
        self.sentences = sentences
        self.sent_of: dict[str, list[tuple[str, int]]] = {}  # id -> [(doc, sentence no.)]
        self.in_sent: dict[tuple[str, int], set[str]] = defaultdict(set)
        self.in_doc: dict[str, set[str]] = defaultdict(set)
        self.docs_of: dict[str, set[str]] = defaultdict(set)  # id -> docs (headlines too)
        starts = {doc: [s for s, _ in spans] for doc, spans in sentences.items()}
        for e in entities:
            if e.hidden:
                continue
            places = []
            for m in e.mentions:
                self.in_doc[m.doc].add(e.id)
                self.docs_of[e.id].add(m.doc)
                if m.field != "body":
                    continue  # a headline: shares the article, not a body sentence
                idx = bisect.bisect_right(starts.get(m.doc, []), m.start) - 1
                places.append((m.doc, idx))
                self.in_sent[(m.doc, idx)].add(e.id)
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
        docs = self.docs_of.get(entity.id, set())
        for doc in docs:
            for other in self.in_doc.get(doc, ()):
                if other != entity.id:
                    shared_docs[other] += 1
        scored = []
        for other, ndocs in shared_docs.items():
            score = SENTENCE_WEIGHT * len(shared_sents.get(other, ())) + ndocs
            scored.append((score, other))
        scored.sort(key=lambda x: (-x[0], self.get(x[1]).name.lower()))
        out = []
        for score, other in scored[:limit]:
            ent = self.get(other)
            evidence = [self._evidence(doc, idx) for doc, idx in shared_sents.get(other, ())]
            if not evidence:  # article-level only: where the other one appears
                firsts: dict[str, int] = {}
                for doc, idx in self.sent_of[other]:
                    if doc in docs and doc not in firsts:
                        firsts[doc] = idx
                evidence = [self._evidence(doc, idx) for doc, idx in sorted(firsts.items())]
            evidence = [e for e in evidence if e is not None][:evidence_limit]
            out.append(Related(ent, score, evidence))
        return out

    def _evidence(self, doc: str, idx: int) -> Evidence | None:
        spans = self.sentences.get(doc, [])
        if 0 <= idx < len(spans):
            return Evidence(doc, *spans[idx])
        return None
