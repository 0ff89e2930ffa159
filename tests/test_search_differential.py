"""The numpy evaluator against Whoosh's own matchers: a generated query corpus on generated
indexes must give identical totals, top-k ids, scores (4 decimals), snippets and facets."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

import pytest

from reader.errors import BadQuery
from reader.search import IndexDoc, SearchIndex

_QUERIES = Path(__file__).parent / "bench" / "queries.py"

TOPICAL = ("social workers child protection services council councils ofsted inspection "
           "inspectors caseloads outsourcing outsource bureaucracy serious case reviews review "
           "munro laming reform children families care local government funding minister "
           "us may who it will can the of and to in for on with by").split()
NAMES = ["Theresa May", "Eileen Munro", "Lord Laming", "Ed Balls", "Ofsted",
         "Local Government Association", "NHS", "Community Care", "Who", "IT Services"]
POLICIES = ["outsourcing", "inspection-regime", "caseload-cap", "serious-case-review"]
SITES = ["Community Care", "The Guardian", "Public Finance", "Local Government Chronicle", ""]
AUTHORS = ["Anna Smith", "Ben Jones", "Carla Smith", "Dev Patel", ""]
PHRASES = ["social workers", "child protection services", "serious case reviews",
           "protection of children", "US troops", "Theresa May said"]


def _tail_words(rng: random.Random, n: int) -> list[str]:
    syll = ["ka", "lo", "mi", "ne", "ru", "sta", "pen", "dor", "vil", "tra", "co", "bu"]
    return sorted({"".join(rng.choice(syll) for _ in range(rng.randint(2, 4)))
                   for _ in range(n)})


def make_docs(n: int, seed: int) -> list[IndexDoc]:
    """`n` small articles over a Zipf-ish vocabulary holding the bench's query words."""
    rng = random.Random(seed)
    vocab = TOPICAL + _tail_words(rng, 300)
    weights = [1 / (i + 2) for i in range(len(vocab))]
    docs = []
    for i in range(n):
        words = rng.choices(vocab, weights, k=rng.randint(20, 160))
        for _ in range(rng.randint(0, 3)):
            words.insert(rng.randrange(len(words) + 1), rng.choice(PHRASES + NAMES))
        body = ". ".join(" ".join(words[k:k + 12]).capitalize()
                         for k in range(0, len(words), 12)) + "."
        title = " ".join(rng.choices(vocab, weights, k=rng.randint(3, 8))).capitalize()
        year = rng.randint(2008, 2014)
        docs.append(IndexDoc(
            id=f"d{i:04d}", title=title, body=body, source=rng.choice(SITES),
            author=rng.choice(AUTHORS),
            date=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" if i % 17 else "",
            entities=tuple(rng.sample(NAMES, rng.randint(0, 3))),
            policies=tuple(rng.sample(POLICIES, rng.randint(0, 2))), stamp=str(i)))
    return docs


def bench_queries() -> list[str]:
    spec = importlib.util.spec_from_file_location("bench_queries", _QUERIES)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        return [q.reader for q in module.queries("smith")]
    finally:
        del sys.modules[spec.name]


def generated_queries(docs: list[IndexDoc], n: int, seed: int) -> list[str]:
    """Nested booleans, NOT, phrases of 2-4 words, fuzzy, wildcards, fields, dates, boosts,
    slop: drawn from the documents' own words so that most of them match something."""
    rng = random.Random(seed)
    texts = [d.body.lower().replace(".", "").split() for d in docs]
    pool = [w for w in TOPICAL if len(w) > 2] + [w for t in texts[:20] for w in t[:6]]

    def word():
        return rng.choice(pool)

    def phrase():
        t = rng.choice(texts)
        k = rng.randint(2, 4)
        start = rng.randrange(max(1, len(t) - k))
        return '"' + " ".join(t[start:start + k]) + '"'

    def typo(w):
        i = rng.randrange(len(w))
        return w[:i] + rng.choice("aeiou") + w[i + 1:]

    def leaf():
        kind = rng.randrange(12)
        if kind == 0:
            return phrase()
        if kind == 1:
            return typo(word()) + rng.choice(["~", "~", "~2", "~1/2"])
        if kind == 2:
            return word()[:rng.randint(2, 4)] + "*"
        if kind == 3:
            w = word()
            i = rng.randrange(len(w))
            return w[:i] + "?" + w[i + 1:]
        if kind == 4:
            return rng.choice(["title:", "source:", "author:"]) + word()
        if kind == 5:
            return rng.choice([f"entity:'{rng.choice(NAMES).lower()}'",
                               f"policy:{rng.choice(POLICIES)}", 'source:"community care"'])
        if kind == 6:
            y = rng.randint(2008, 2014)
            return rng.choice([f"date:{y}", f"date:[{y} TO {y + 2}]", f"date:>{y}",
                               f"date:<{y}"])
        if kind == 7:
            return f"{word()}^{rng.choice([2, 0.5, 3])}"
        if kind == 8:
            return phrase() + rng.choice(["~2", "~3", "^2"])
        if kind == 9:
            w = word()
            return rng.choice([f"title:[a TO {w}]", f"body:>{w}", f"body:[{w} TO]",
                               f"[{w} TO {word()}]", f"title:{{{w} TO zz}}"])
        return word()

    def expr(depth):
        if depth == 0 or rng.random() < 0.35:
            return leaf()
        a, b = expr(depth - 1), expr(depth - 1)
        op = rng.choice([" ", " AND ", " OR ", " NOT ", " AND NOT ", " OR ", " ANDNOT ",
                         " ANDMAYBE "])
        out = f"{a}{op}{b}"
        return f"({out})" if rng.random() < 0.5 else out

    return [expr(rng.randint(0, 3)) for _ in range(n)]


def _view(result, snippets: bool):
    hits = [(h.id, round(h.score, 4)) + ((h.snippet,) if snippets else ())
            for h in result.hits]
    return result.total, hits, result.facets, result.terms


def _compare(index: SearchIndex, query: str, limit: int, snippets: bool = True):
    try:
        slow = index.search(query, limit=limit, facets=True, engine="whoosh")
    except BadQuery:
        with pytest.raises(BadQuery):
            index.search(query, limit=limit, facets=True)
        return None
    except IndexError:  # Whoosh's ANDNOT/ANDMAYBE matchers can crash on deleted documents
        assert " AND" in query
        return None
    fast = index.search(query, limit=limit, facets=True)
    assert _view(fast, snippets) == _view(slow, snippets), query
    return fast


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    docs = make_docs(600, seed=7)
    ix = SearchIndex(tmp_path_factory.mktemp("diff") / "index")
    ix.update(docs)
    yield ix, docs
    ix.close()


def test_bench_queries_identical(index):
    ix, _ = index
    totals = [_compare(ix, q, limit=10) for q in bench_queries()]
    assert sum(1 for r in totals if r is not None and r.total) >= 20  # they really match


def test_generated_queries_identical(index):
    ix, docs = index
    queries = generated_queries(docs, 400, seed=11)
    results = [_compare(ix, q, limit=rng_limit) for q, rng_limit in
               zip(queries, [10, 50, 3, 1] * 100, strict=True)]
    matched = [r for r in results if r is not None and r.total]
    assert len(matched) >= 250
    assert ix._evaluator.fallbacks < len(queries)  # most of it is the numpy path


def test_several_segments_and_deletions_identical(tmp_path):
    """SearchIndex.update leaves one segment, but the evaluator must not depend on it: an
    index with a second segment and deleted documents gives Whoosh's results too."""
    from reader.search.schema import DocumentFields

    docs = make_docs(260, seed=3)
    ix = SearchIndex(tmp_path / "index")
    ix.update(docs[:200])
    fields_of = DocumentFields(ix.open().schema)
    with ix.open().writer() as writer:
        writer.merge = False
        for doc in docs[200:]:
            writer.add_document(**fields_of(doc))
    with ix.open().writer() as writer:
        writer.merge = False
        for doc in docs[::13]:
            writer.delete_by_term("id", doc.id)
    searcher = ix._current_searcher()
    assert len(searcher.ixreader.segments()) == 2 and searcher.ixreader.has_deletions()
    queries = bench_queries() + generated_queries(docs, 150, seed=5)
    results = [_compare(ix, q, limit=10) for q in queries]
    assert sum(1 for r in results if r is not None and r.total) >= 80
    assert all(h.id not in {d.id for d in docs[::13]} for r in results if r for h in r.hits)
    ix.close()


def test_snippets_built_later_equal_the_searchs_own(index):
    """A search with snippets for its first rows only, the rest asked for afterwards (as a
    list does when they scroll into view): the same HTML as one search snippeting them all."""
    ix, _ = index
    for query in ["social workers", '"child protection services"', "councl~", "prot*",
                  "title:reform OR munro"]:
        full = ix.search(query, limit=30)
        part = ix.search(query, limit=30, snippets=5)
        assert [h.id for h in part.hits] == [h.id for h in full.hits]
        assert all(h.snippet for h in part.hits[:5]) and not any(h.snippet for h in part.hits[5:])
        later = ix.snippets(query, [h.id for h in part.hits[5:]])
        assert [later[h.id] for h in part.hits[5:]] == [h.snippet for h in full.hits[5:]]


def test_snippet_splitter_finds_whooshs_tokens():
    """The snippets' faster tokenizer pattern (reader.search.stems.FASTER) gives exactly the
    tokens of Whoosh's RegexTokenizer, dotted and starred words included."""
    from reader.search.schema import analyzer
    from reader.search.stems import FASTER, FastStems

    stems = FastStems(analyzer())
    assert stems.regex.pattern in FASTER  # else the fallback pattern is in use
    text = ("U.S. troops.. e.g. a..b 3.14.15 x*y.z* .lead trail. ..  naïve café’s "
            "co-op O’Neill word.word.word. ab.c.d..e under_score 2014-04-17 *.*")
    tokens = [m.group() for m in stems.regex.finditer(text)]
    assert stems.splitter.split(text)[1::2] == tokens
    assert "".join(stems.splitter.split(text)) == text
