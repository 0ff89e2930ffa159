"""Whoosh's own evaluation of a query (collectors, matchers): what evaluate must reproduce."""

from __future__ import annotations

from whoosh import collectors, sorting


def _keyword_facet(fieldname: str):
    """A facet over a multi-valued KEYWORD field whose doc -> values lists are built once per
    searcher. Whoosh's OverlappingCategorizer rebuilds them from every posting list of the
    field on every search (about 300 ms per search at 10k articles)."""

    class CachedOverlap(sorting.OverlappingCategorizer):
        def __init__(self, global_searcher, name):
            super().__init__(global_searcher, name)
            self._cache = global_searcher._field_caches  # lives and dies with the searcher

        def set_searcher(self, segment_searcher, docoffset):
            key = ("reader-overlap", self._fieldname, docoffset)
            if key in self._cache:
                self._segment_searcher = segment_searcher
                self._lists = self._cache[key]
            else:
                super().set_searcher(segment_searcher, docoffset)
                self._cache[key] = self._lists

    class KeywordFacet(sorting.FieldFacet):
        def categorizer(self, global_searcher):
            return CachedOverlap(global_searcher, self.fieldname)

    return KeywordFacet(fieldname, allow_overlap=True)


class _Budgeted(collectors.WrappingCollector):
    """Checks the search's Deadline every 64 matches (raising OverBudget)."""

    def __init__(self, child, deadline):
        super().__init__(child)
        self.deadline = deadline

    def collect_matches(self):
        child, check = self.child, self.deadline.check
        for n, sub_docnum in enumerate(child.matches()):
            if not n % 64:
                check()
            child.collect(sub_docnum)


def run(searcher, q, limit: int, facets: bool, n_snippets: int, deadline=None):
    """(total, [(docnum, score, snippet or None)], facet counts) through Whoosh's collectors;
    snippets (Whoosh's highlighter) for the first `n_snippets` hits, None when empty.
    Raises reader.search.budget.OverBudget when it runs past `deadline` (a Deadline)."""
    from reader.search.snippets import Bold, WordFragmenter

    # One pass that scores every match: the total is exact without Whoosh re-running the
    # query for len(). No terms=True: recording matched terms per document is costly.
    collector = collectors.TopCollector(max(1, limit), usequality=False, replace=0)
    if facets:
        collector = collectors.FacetCollector(collector, {
            "source": sorting.FieldFacet("site"),
            "year": sorting.FieldFacet("year"),
            "entity": _keyword_facet("entity"),
            "policy": _keyword_facet("policy"),
        }, maptype=sorting.Count)
    if deadline is not None and deadline.end is not None:
        collector = _Budgeted(collector, deadline)
    searcher.search_with_collector(q, collector)
    results = collector.results()
    results.fragmenter = WordFragmenter()
    results.formatter = Bold()
    hits = []
    for i, hit in enumerate(results):
        snippet = (hit.highlights("body", top=2) or None) if i < n_snippets else None
        hits.append((hit.docnum, hit.score or 0.0, snippet))
    groups = {}
    if facets:
        for name in ("source", "year", "entity", "policy"):
            counts = results.groups(name)
            groups[name] = {str(k): v for k, v in counts.items() if k}
    return len(results), hits, groups
