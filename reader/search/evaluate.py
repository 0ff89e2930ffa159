"""Evaluates a parsed Whoosh query with numpy, giving exactly Whoosh's results, faster."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
from whoosh import query as wq
from whoosh.searching import SearchContext

from reader.search.arrays import TERM_CACHE, SearcherArrays
from reader.search.budget import NONE
from reader.search.schema import common_of

BIGRAM = "_bi"  # title -> title_bi: the common-grams field of a phrase's field
EXPANSION_CACHE = 512  # (leaf, segment) -> the terms a fuzzy/prefix/wildcard leaf expands to
_WHOLE_TREE = (wq.AndNot, wq.AndMaybe)  # left to Whoosh's collector: see the docstring


def handles(q) -> bool:
    """False when the query must be evaluated by Whoosh as a whole."""
    if isinstance(q, _WHOLE_TREE):
        return False
    return q.is_leaf() or all(handles(child) for child in q.children())


class Evaluator:
    """The query evaluator of one searcher (build a new one when the searcher changes).

    Each node gives (mask, score) vectors over the searcher's docnums: BM25F with Whoosh's
    scorer parameters, And/Or/Not as masks. A node this class does not know is handed to
    Whoosh's matcher for that subtree (exact, only slower). A query holding ANDNOT or
    ANDMAYBE is not evaluated here at all (`handles`): their matchers have quirks that depend
    on how the whole tree is walked (an ANDNOT that keeps a document holding the excluded
    word; an ANDMAYBE that adds its optional part only sometimes). The quirks reproduced are
    commented where they are; tests/test_search_differential.py compares both engines."""

    def __init__(self, searcher, index_dir=None):
        self.searcher = searcher
        self.arrays = SearcherArrays(searcher, index_dir)
        self.n = self.arrays.n
        self.schema = searcher.schema
        self.common = common_of(self.schema) if "body_bi" in self.schema else frozenset()
        self._scores: OrderedDict = OrderedDict()
        self._expansions: OrderedDict = OrderedDict()
        self.fallbacks = 0  # subtrees Whoosh evaluated (for tests and profiling)
        self.deadline = NONE  # reader.search.budget.Deadline of the search under way

    def warm(self) -> None:
        """Read what every search needs (title/body lengths, dates, facet values) now rather
        than in the first search after an index change (about 0.3 s at 10k articles)."""
        for field in ("title", "body"):
            self.arrays.lengths(field)
        if "date" in self.schema:
            self.arrays.numeric("date")
        nothing = np.zeros(self.n, bool)
        for field in ("site", "year", "entity", "policy"):
            if field in self.schema:
                self.arrays.facet(field, nothing)

    # -- results -------------------------------------------------------------------------
    def remember_expansions(self, q) -> None:
        """Make the query's fuzzy, prefix and wildcard leaves expand each segment's lexicon
        once per searcher: Whoosh expands again for the evaluation, the snippets' words and
        the highlight terms (a fuzzy lexicon walk is 8 ms per field at 10k articles)."""
        cache = self._expansions
        for leaf in q.leaves():
            if not isinstance(leaf, wq.MultiTerm):
                continue
            key = (type(leaf).__name__, leaf.fieldname, repr(leaf),
                   getattr(leaf, "maxdist", None), getattr(leaf, "prefixlength", None))

            def expand(reader, _key=key, _expand=leaf._btexts):
                full = (*_key, id(reader))  # segment readers live as long as the searcher
                got = cache.get(full)
                if got is None:
                    got = cache[full] = list(_expand(reader))
                    if len(cache) > EXPANSION_CACHE:
                        cache.popitem(last=False)
                return got

            leaf._btexts = expand  # an instance attribute: this parsed query only

    def top(self, q, limit: int) -> tuple[np.ndarray, int, list[tuple[int, float]]]:
        """(match mask, total, [(docnum, score)] best first) in Whoosh's order: score
        descending, then docnum ascending."""
        mask, score = self.node(q)
        if self.arrays.deleted is not None:
            mask = mask & ~self.arrays.deleted
        idx = np.flatnonzero(mask)
        total = len(idx)
        if not total:
            return mask, 0, []
        limit = max(1, limit)
        scores = score[idx]
        if total > limit:
            # Everything scoring at least the limit-th best (ties kept), then exact order.
            kth = np.partition(scores, total - limit)[total - limit]
            keep = scores >= kth
            idx, scores = idx[keep], scores[keep]
        order = np.lexsort((idx, -scores))[:limit]
        return mask, total, [(int(idx[i]), float(scores[i])) for i in order]

    # -- nodes ---------------------------------------------------------------------------
    def node(self, q) -> tuple[np.ndarray, np.ndarray]:
        self.deadline.check()
        if isinstance(q, wq.CompoundQuery) and len(q.subqueries) == 1:
            return self.node(q.subqueries[0])  # Whoosh's matcher() skips it, and its boost
        if isinstance(q, wq.Term):
            return self.term(q.fieldname, q.text, q.boost)
        if isinstance(q, wq.And):
            return self._and(q)
        if isinstance(q, wq.Not):
            return self._not(q)
        if isinstance(q, wq.Or) and type(q) is wq.Or and not q.minmatch and not q.scale:
            mask, score = self.empty()
            for child in q.subqueries:
                m, s = self.node(child)
                mask |= m
                score += s
            return mask, _boosted(score, q.boost)
        if isinstance(q, wq.Phrase) and q.slop == 1 and self._positions(q.fieldname):
            return self.phrase(q)
        if (isinstance(q, wq.MultiTerm)  # text ranges too (TermRange is a MultiTerm)
                and not (isinstance(q, wq.Prefix) and not q.text)):  # Prefix "" is Every
            return self.multiterm(q)
        if isinstance(q, wq.NumericRange) and q.constantscore:
            values, has = self.arrays.numeric(q.fieldname)
            mask = has.copy()
            if q.start is not None:
                mask &= (values > q.start) if q.startexcl else (values >= q.start)
            if q.end is not None:
                mask &= (values < q.end) if q.endexcl else (values <= q.end)
            return mask, mask * float(q.boost)
        return self.fallback(q)

    def _and(self, q):
        mask, score = self.node(q.subqueries[0])
        for child in q.subqueries[1:]:
            m, s = self.node(child)
            mask = mask & m
            score = score + s
        return mask, _boosted(score * mask, q.boost)

    def _not(self, q):
        """Whoosh's InverseMatcher: every live document the child misses, scoring 1 (its
        weight), whatever the boost; an And or Or adds that 1 to its own sum."""
        mask = ~self.node(q.query)[0]
        if self.arrays.deleted is not None:
            mask &= ~self.arrays.deleted
        return mask, mask.astype(np.float64)

    def term(self, field: str, text, boost: float = 1.0):
        """A term's (mask, BM25F score) with Whoosh's scorer parameters."""
        mask, score = self.empty()
        btext = self._bytes(field, text)
        if btext is None:
            return mask, score
        ids, scores = self._term_scores(field, btext)
        mask[ids] = True
        score[ids] = scores * boost if boost != 1.0 else scores
        return mask, score

    def _term_scores(self, field: str, btext: bytes):
        key = (field, btext)
        hit = self._scores.get(key)
        if hit is not None:
            self._scores.move_to_end(key)
            return hit
        ids, weights = self.arrays.postings(field, btext)
        scorer = self.searcher.weighting.scorer(self.searcher, field, btext) if len(ids) else None
        if scorer is None:
            scores = weights
        elif all(hasattr(scorer, a) for a in ("idf", "avgfl", "B", "K1")):  # BM25FScorer
            lengths = self.arrays.lengths(field)[ids]
            idf, avgfl, b, k1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
            scores = idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * lengths / avgfl)))
        else:  # a weighting this module does not reproduce: ask the scorer per posting
            m, out = self.searcher.postings(field, btext), []
            while m.is_active():
                out.append(m.score())
                m.next()
            scores = np.array(out, np.float64)
        hit = self._scores[key] = (ids, scores)
        if len(self._scores) > TERM_CACHE:
            self._scores.popitem(last=False)
        return hit

    def multiterm(self, q):
        """Prefix, wildcard, fuzzy: the union of the expansions, scored as Whoosh does: per
        segment, since Whoosh expands the query against each segment's own lexicon."""
        mask, score = self.empty()
        field = q.fieldname
        for sub, offset in self.arrays.leaves:
            btexts = [self._bytes(field, b) for b in q._btexts(sub.reader()) if b]
            btexts = [b for b in btexts if b is not None]
            size = sub.doc_count_all()
            # Whoosh's Or picks a preloaded ArrayUnionMatcher for (segments of) <= 5000
            # documents with > 2 clauses, or >= 1024 clauses; unscored, as constantscore
            # asks, every match then scores 1, while the binary tree of unions scores BM25.
            constant = q.constantscore and len(btexts) > 1 and (
                (size <= 5000 and len(btexts) > 2) or len(btexts) >= wq.Or.TOO_MANY_CLAUSES)
            part = np.zeros(self.n, np.float64)
            for btext in btexts:
                self.deadline.check()
                ids, scores = self._term_scores(field, btext)
                if len(self.arrays.leaves) > 1:
                    keep = (ids >= offset) & (ids < offset + size)
                    ids, scores = ids[keep], scores[keep]
                mask[ids] = True
                part[ids] += 1.0 if constant else scores
            # A lone expansion is Whoosh's plain Term matcher: the node's boost is lost.
            if len(btexts) > 1 and not constant:
                part = _boosted(part, q.boost)
            elif constant:
                part = np.minimum(part, 1.0)
            score += part
        return mask, score

    # -- phrases -------------------------------------------------------------------------
    def phrase(self, q):
        """A slop-1 phrase. In title and body a pair of common stems is one posting list of
        the common-grams field (exact for two words); longer phrases, pairs with a rarer word
        and fields without a common-grams field (source, author) are checked on the words'
        positions in the documents left."""
        field, words = q.fieldname, list(q.words)
        mask, score = self.empty()
        btexts = [self._bytes(field, w) for w in words]
        if any(b is None or (field, b) not in self.arrays.reader for b in btexts):
            return mask, score  # a missing word: Whoosh's NullMatcher
        mask[:] = True
        for btext in btexts:
            ids, scores = self._term_scores(field, btext)
            mask &= self._mask_of(ids)
            score[ids] += scores
        pairs = list(zip(words, words[1:], strict=False))
        bigram = field + BIGRAM
        exact = len(words) < 2 or (bigram in self.schema and len(words) == 2)
        if bigram in self.schema:
            for a, b in pairs:
                if a in self.common and b in self.common:
                    mask &= self.arrays.mask(bigram, f"{a} {b}".encode())
                else:
                    exact = False
        if mask.any() and not exact:
            mask = self._verify(field, btexts, mask)  # the bigrams narrowed the candidates
        return mask, _boosted(score * mask, q.boost)

    def _verify(self, field: str, btexts: list[bytes], mask: np.ndarray) -> np.ndarray:
        """Candidates where term i sits at position p + i for some p. Each term's
        (doc << 32) + position - i keys come sorted and unique (documents ascending, each
        one's positions ascending), so they are intersected by binary search, and each
        term's positions are read only for the documents still in the running."""
        cands = np.flatnonzero(mask)
        out = np.zeros(self.n, bool)
        keys = None
        for i, btext in enumerate(btexts):
            self.deadline.check()
            docs, pos = self.arrays.pairs(field, btext, cands, self.deadline.check)
            keep = pos >= i
            here = (docs[keep] << 32) + (pos[keep] - i)
            if keys is None:
                keys = here
            elif len(here):
                at = np.minimum(np.searchsorted(here, keys), len(here) - 1)
                keys = keys[here[at] == keys]
            else:
                keys = here
            if not len(keys):
                return out
            docs = keys >> 32  # sorted: the documents still in the running
            cands = docs[np.concatenate(([True], docs[1:] != docs[:-1]))]
        out[cands] = True
        return out

    def _positions(self, field: str) -> bool:
        """True when the field stores positions (a phrase can be checked on them)."""
        fmt = self.schema[field].format if field in self.schema else None
        return fmt is not None and fmt.supports("positions")

    # -- helpers -------------------------------------------------------------------------
    def fallback(self, q):
        """Whoosh's own matcher for this subtree, in the context a top search gives it."""
        self.fallbacks += 1
        mask, score = self.empty()
        context = SearchContext(needs_current=False, weighting=self.searcher.weighting)
        for sub, offset in self.arrays.leaves:
            m = q.matcher(sub, context)
            count = 0
            while m.is_active():
                count += 1
                if not count % 64:
                    self.deadline.check()
                d = m.id() + offset
                mask[d] = True
                score[d] = m.score()
                m.next()
        return mask, score

    def _bytes(self, field: str, text):
        if field not in self.schema:
            return None
        try:
            return self.schema[field].to_bytes(text)
        except ValueError:
            return None

    def _mask_of(self, ids):
        out = np.zeros(self.n, bool)
        out[ids] = True
        return out

    def empty(self):
        return np.zeros(self.n, bool), np.zeros(self.n, np.float64)


def _boosted(score, boost: float):
    return score * boost if boost != 1.0 else score
