"""Hostile queries: every one answers (results or a one-line BadQuery) within the time bound.

A seeded fuzzer: random unicode (lone surrogates and control characters too), unbalanced
quotes and brackets, unknown fields, `*`, `~9`, 10 KB queries, deep nesting, odd boosts and
ranges. CI runs a bounded number on a small index; READER_FAULTS=full runs 2,000 on the
bench's generated 1,000 articles (READER_FUZZ_QUERIES=N sets the count either way).

The bound is on the searching thread's CPU time: the suite shares a 2-core machine with other
work, where the wall clock stretches 2-8x; the evaluator's own budget is CPU time as well
(reader/search/budget.py). A wall-clock guard catches a hang."""

from __future__ import annotations

import os
import random
import time

import pytest

from reader.domain import SearchResult
from reader.errors import BadQuery

from .conftest import FULL

BOUND_S = 2.0  # CPU seconds per query (issue 17)
HANG_S = 30.0  # wall seconds: only a hang gets near this, even on a loaded machine
COUNT = int(os.environ.get("READER_FUZZ_QUERIES") or (2000 if FULL else 150))

WORDS = ("social workers child protection council councils ofsted inspection outsourcing "
         "bureaucracy serious case reviews munro laming reform children us may who it the of "
         "and a to").split()
FIELDS = ["title", "body", "source", "author", "date", "entity", "policy", "foo", "Title",
          "x_y", "id", "stampkey", "words", "year", "site", "body_bi", "DATE"]
OPS = ["AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "and", "or", "&&", "||", "-", "+", "!"]
SPECIAL = list("\"()[]{}*?~^:\\/<>=!'-+") + [
    "TO", "~9", "~2/0", "~0", "~99999", "^0", "^-1", "^1e308", "*", "**", "?*", "date:[",
    "date:[TO]", "date:>", "date:[2012 TO 2009]", "date:99999999"]


def _unicode(rng: random.Random, n: int) -> str:
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.3:
            out.append(chr(rng.randint(0x20, 0x7E)))
        elif r < 0.55:
            out.append(chr(rng.randint(0xA0, 0x2FFF)))
        elif r < 0.75:
            out.append(chr(rng.randint(0x3000, 0xD7FF)))
        elif r < 0.85:
            out.append(chr(rng.randint(0x10000, 0x10FFFF)))
        elif r < 0.9:
            out.append(chr(rng.randint(0xD800, 0xDFFF)))  # lone surrogates (bad CLI bytes)
        else:
            out.append(chr(rng.choice([0, 1, 9, 10, 13, 0x7F, 0x200B, 0xFEFF, 0x202E])))
    return "".join(out)


def _token(rng: random.Random) -> str:
    r, w = rng.random(), rng.choice(WORDS)
    if r < 0.25:
        return w
    if r < 0.35:
        return w + rng.choice(["~", "~1", "~2", "~9", "~99", "~2/1", "~0"])
    if r < 0.45:
        return rng.choice(["*", w[:1] + "*", "*" + w[-2:], "?" + w[1:], w[:2] + "*" + w[-1:],
                           "*?*"])
    if r < 0.55:
        return rng.choice(FIELDS) + ":" + rng.choice(
            [w, "*", w + "*", "", "[a TO z]", "[2010 TO 2012]", ">2010", "<=2014", "[TO]",
             "[2012 TO]", '"' + w])
    if r < 0.65:
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 6)))
        return f'"{words}"' + rng.choice(["", "~3", "~100", "^2"])
    if r < 0.75:
        return rng.choice(OPS)
    if r < 0.85:
        return rng.choice(SPECIAL)
    if r < 0.92:
        return w + "^" + rng.choice(["2", "0", "-3", "1e300", "abc", "0.0001"])
    return _unicode(rng, rng.randint(1, 8))


def fuzz_query(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.15:
        return _unicode(rng, rng.randint(1, 60))
    if kind < 0.2:  # about 10 KB
        r = rng.random()
        if r < 0.3:
            return " ".join(rng.choice(WORDS) for _ in range(1700))[:10240]
        if r < 0.6:
            return " OR ".join(rng.choice(WORDS) + "~2" for _ in range(900))[:10240]
        if r < 0.8:
            return rng.choice("ab") * 10240
        return " ".join(_token(rng) for _ in range(2000))[:10240]
    if kind < 0.27:  # deep nesting
        depth = rng.choice([5, 30, 33, 100, 500, 2000])
        inner = " ".join(_token(rng) for _ in range(rng.randint(1, 3)))
        op = rng.choice(["", "NOT ", "a AND ", "b OR "])
        q = "".join("(" + op for _ in range(depth)) + inner + ")" * depth
        return q[:-rng.randint(1, 3)] if rng.random() < 0.3 else q
    if kind < 0.3:  # long operator chains without parentheses
        return " ".join(rng.choice(["NOT", "AND", "OR", "council", "-"])
                        for _ in range(rng.randint(50, 400)))
    q = " ".join(_token(rng) for _ in range(rng.randint(1, 8)))
    if rng.random() < 0.2:
        q = q.replace(rng.choice(['"', ")", "]", "("]), "", 1)
    return q


def fuzz_queries(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    return [fuzz_query(rng) for _ in range(n)]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    work = tmp_path_factory.mktemp("fuzz")
    if FULL:  # the bench's 1k generated articles, indexed as `reader index` does
        from reader.library import Library
        from tests.bench.generate import Generator

        Generator().write(work / "corpus", 1000)
        lib = Library.open(work / "data", work / "corpus")
        lib.indexing.update(nlp=False)
        yield lib.search
        lib.close()
        return
    from test_search_differential import make_docs

    from reader.search import SearchIndex
    from reader.services.search import SearchService

    ix = SearchIndex(work / "index")
    ix.update(make_docs(300, seed=21))
    yield SearchService(ix)
    ix.close()


def test_fuzzed_queries_answer_within_the_bound(index):
    index.run("council", limit=10)  # opening the index is not a query's cost
    answered = refused = 0
    worst = (0.0, "")
    for query in fuzz_queries(seed=17, n=COUNT):
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            result = index.run(query, limit=50, facets=True)
            assert isinstance(result, SearchResult)
            answered += 1
        except BadQuery as exc:
            message = str(exc)
            assert message and "\n" not in message and "Traceback" not in message, query
            refused += 1
        cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
        assert cpu <= BOUND_S, f"{cpu:.2f} s CPU ({wall:.2f} s wall) for {query[:200]!r}"
        assert wall <= HANG_S, f"{wall:.2f} s wall for {query[:200]!r}"
        worst = max(worst, (cpu, query[:80]))
    assert answered > COUNT // 3 and refused > COUNT // 20  # both paths really exercised
    print(f"fuzz: {answered} answered, {refused} refused, worst {worst[0]:.2f} s CPU")


def test_the_limits_answer_with_their_reason(index):
    with pytest.raises(BadQuery, match="characters long"):
        index.run("council " * 2000)
    with pytest.raises(BadQuery, match="nests parentheses"):
        index.run("(" * 40 + "council" + ")" * 40)
    wide = index.run("councl~9", limit=5)  # searched as councl~2, quickly
    assert wide.total == index.run("councl~2", limit=5).total


def test_a_runaway_query_is_stopped_with_a_message(index, monkeypatch):
    """A zero budget: the first check stops any query the evaluator works on."""
    from reader.search import budget

    monkeypatch.setattr(budget, "BUDGET_S", 0.0)
    with pytest.raises(BadQuery, match="took too long"):
        index.run("*?* OR council~2 OR c*", limit=10)
    with pytest.raises(BadQuery, match="took too long"):  # Whoosh's own collector path
        index.run("council ANDNOT ofsted", limit=10)
    monkeypatch.undo()
    assert index.run("council", limit=10).total > 0


def test_the_fuzzer_is_seeded():
    assert fuzz_queries(3, 20) == fuzz_queries(3, 20) != fuzz_queries(4, 20)
