"""The NLP pass: cache, lazy analyses, and the worker-process path (spawned, cancellable)."""

from __future__ import annotations

import json
import sys

import pytest

from reader.domain import Article
from reader.extraction import nlp as nlp_mod
from reader.extraction.nlp import Analysis, CachedAnalyses, analyse, is_cached, load_cached


def _articles(n: int) -> list[Article]:
    return [Article(id=f"a{i}", title=f"Report number {i}",
                    body=f"Lord Laming said on Monday that councils in Leeds must act. "
                         f"The review found {i} cases.\n\nSocial workers welcomed it.")
            for i in range(n)]


def test_cached_analyses_reads_on_access_and_skips_missing(tmp_path):
    art = _articles(1)[0]
    an = Analysis(text_hash=art.text_hash, title_len=len(art.title), sents=[(0, 5)],
                  ents=[(0, 4, "ORG")], tokens=[(0, 6, "report", "NOUN", "ROOT", 0)])
    nlp_mod._store(tmp_path, an)
    lazy = CachedAnalyses(tmp_path, {art.id: art.text_hash, "gone": "0" * 64})
    assert list(lazy) == [art.id] and len(lazy) == 1 and "gone" not in lazy
    assert lazy[art.id] == an
    assert lazy[art.id] is not lazy[art.id]  # read from the cache each time, never held
    assert lazy.get("gone") is None


def test_loaded_strings_are_interned(tmp_path):
    art = _articles(1)[0]
    pos = "".join(["NO", "UN"])  # a str object that is not the interned literal
    an = Analysis(art.text_hash, len(art.title), [], [],
                  [(0, 1, "x", pos, "dep", 0), (2, 3, "y", pos, "dep", 0)])
    nlp_mod._store(tmp_path, an)
    a, b = load_cached(tmp_path, art.text_hash), load_cached(tmp_path, art.text_hash)
    assert a.tokens[0][3] is b.tokens[1][3] is sys.intern("NOUN")


@pytest.mark.spacy
def test_worker_processes_give_what_the_in_process_path_gives(nlp, tmp_path):
    arts = _articles(5)
    here = analyse(arts, tmp_path / "here", nlp=nlp, n_process=1)
    seen = []
    spawned = analyse(iter(arts), tmp_path / "workers", n_process=2, total=len(arts),
                      progress=lambda d, t: seen.append((d, t)))
    assert sorted(spawned) == sorted(here) == [a.id for a in arts]
    for a in arts:
        assert spawned[a.id] == here[a.id]
        assert spawned[a.id].ents  # the model found something: a real analysis
    assert seen[0] == (0, 5) and seen[-1] == (5, 5)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


@pytest.mark.spacy
def test_workers_skip_cached_and_duplicate_texts(nlp, tmp_path):
    arts = _articles(3)
    analyse(arts[:1], tmp_path, nlp=nlp)
    twin = Article(id="twin", title=arts[2].title, body=arts[2].body)
    seen = []
    out = analyse(arts + [twin], tmp_path, n_process=2, progress=lambda d, t: seen.append(d))
    assert sorted(out) == ["a0", "a1", "a2", "twin"]
    assert out["twin"] == out["a2"]
    assert seen[-1] == 4


@pytest.mark.spacy
def test_cancel_stops_the_workers_early(tmp_path):
    arts = _articles(60)
    seen = []
    out = analyse(arts, tmp_path, n_process=2, progress=lambda d, t: seen.append(d),
                  cancelled=lambda: bool(seen) and seen[-1] >= 1)
    assert 1 <= len(out) < len(arts)
    assert all(is_cached(tmp_path, a) == (a.id in out) for a in arts)
    assert not list(tmp_path.rglob("*.tmp*"))  # no half-written cache entry


@pytest.mark.spacy
def test_failed_workers_leave_the_work_to_this_process(nlp, tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(nlp_mod, "MODEL", "no_such_model_here")
    arts = _articles(3)
    out = analyse(arts, tmp_path, nlp=nlp, n_process=2)
    assert sorted(out) == ["a0", "a1", "a2"]
    assert "NLP worker failed" in caplog.text


def test_nothing_to_do_loads_no_model(tmp_path, monkeypatch):
    arts = _articles(2)
    for a in arts:
        nlp_mod._store(tmp_path, Analysis(a.text_hash, len(a.title), [], [], []))

    def boom():
        raise AssertionError("the model must not be loaded")

    monkeypatch.setattr(nlp_mod, "load_model", boom)
    seen = []
    out = analyse(arts, tmp_path, progress=lambda d, t: seen.append((d, t)))
    assert sorted(out) == ["a0", "a1"] and seen[-1] == (2, 2)


# -- long texts: bounded pieces, offsets into the whole text -------------------------------

def test_cut_points_bound_every_piece_and_prefer_paragraphs():
    from reader.extraction.longtext import cut_points

    text = ("A sentence here. Another one there. " * 20 + "\n\n") * 30
    cuts = cut_points(text, whole=1000, piece=900)
    starts = [c for c, _ in cuts] + [len(text)]
    assert all(0 < b - a <= 900 for a, b in zip(starts, starts[1:], strict=False))
    assert all(para for _, para in cuts)  # a paragraph break in reach: always cut there
    assert cut_points(text[:1000], whole=1000, piece=10) == [(0, True)]  # short: one piece
    one_para = "Word word. " * 500
    cuts = cut_points(one_para, whole=100, piece=100)
    assert all(not para and one_para[c - 2:c] == ". " for c, para in cuts[1:])
    no_space = "x" * 1000
    assert [c for c, _ in cut_points(no_space, whole=100, piece=300)] == [0, 300, 600, 900]


class _Span:
    def __init__(self, start, end, label=""):
        self.start_char, self.end_char, self.label_ = start, end, label


class _Token:
    def __init__(self, idx, text, head):
        self.idx, self.text, self.lemma_, self.pos_, self.dep_ = idx, text, text, "X", "dep"
        self.head = type("H", (), {"i": head})()


class _Doc:
    def __init__(self, tokens, ents, sents):
        self.tokens, self.ents, self.sents = tokens, ents, sents

    def __iter__(self):
        return iter(self.tokens)


def test_pieces_join_with_shifted_offsets_heads_and_split_entities():
    from reader.extraction.longtext import _Joiner

    text = "New York is big. New York "  # cut after "New " inside one paragraph
    joiner = _Joiner("h", 0)
    joiner.add(_Doc([_Token(0, "New", 1), _Token(4, "York", 1)], [_Span(17, 21, "GPE")],
                    [_Span(0, 16)]), 0, True, text)
    joiner.add(_Doc([_Token(0, "York", 0)], [_Span(0, 4, "GPE")], [_Span(0, 4)]),
               21, False, text)
    assert joiner.ents == [(17, 25, "GPE")] and text[17:25] == "New York"
    tokens = json.loads("[" + ",".join(joiner.token_parts) + "]")
    assert [(s, e, head) for s, e, *_, head in tokens] == [(0, 3, 1), (4, 8, 1), (21, 25, 2)]
    assert joiner.sents == [(0, 16), (21, 25)]
    joiner = _Joiner("h", 0)  # at a paragraph break the two stay apart
    joiner.add(_Doc([], [_Span(0, 4, "GPE")], []), 0, True, "Kent\n\nYork")
    joiner.add(_Doc([], [_Span(0, 4, "GPE")], []), 6, True, "Kent\n\nYork")
    assert joiner.ents == [(0, 4, "GPE"), (6, 10, "GPE")]


def _long_article(chars: int) -> Article:
    """Real sentences padded with spaces: over `chars` characters, few tokens (fast)."""
    para = ("Lord Laming visited Leeds on Monday. Michael Gove spoke in London."
            + " " * 1900 + "\n\n")
    return Article(id="long", title="A long report", body=para * (chars // len(para) + 1))


@pytest.mark.spacy
def test_text_over_spacys_limit_is_analysed_in_both_paths(nlp, tmp_path):
    art = _long_article(1_200_000)
    text = nlp_mod.full_text(art)
    assert len(text) > nlp.max_length  # one pass would raise E088
    here = analyse([art], tmp_path / "here", nlp=nlp, n_process=1)["long"]
    names = {text[s:e] for s, e, _ in here.ents}
    assert {"Leeds", "Michael Gove", "London", "Monday"} <= names
    assert sum(text[s:e] == "Michael Gove" for s, e, _ in here.ents) > 500
    toks = here.tokens
    assert all(a[1] <= b[0] for a, b in zip(toks, toks[1:], strict=False))  # in order
    assert toks[-1][1] <= len(text) and all(0 <= t[5] < len(toks) for t in toks)
    words = {text[s:e] for s, e, *_ in toks if text[s:e].strip()}
    assert words == {"A", "long", "report", "Lord", "Laming", "visited", "Leeds", "on",
                     "Monday", ".", "Michael", "Gove", "spoke", "in", "London"}
    body_ents = [(here.to_body(s), here.to_body(e)) for s, e, _ in here.ents if s > 20]
    assert all(art.body[s:e] in names for s, e in body_ents)
    spawned = analyse([art], tmp_path / "workers", n_process=2)["long"]
    assert spawned == here


@pytest.mark.spacy
def test_pieces_find_what_one_pass_finds(nlp, tmp_path, monkeypatch):
    from reader.extraction import longtext

    arts = _articles(12)
    body = "\n\n".join(a.body for a in arts)
    art = Article(id="joined", title="Reports", body=body)
    whole = analyse([art], tmp_path / "whole", nlp=nlp)["joined"]
    monkeypatch.setattr(longtext, "WHOLE_LIMIT", 400)
    monkeypatch.setattr(longtext, "PIECE_CHARS", 300)
    pieces = analyse([art], tmp_path / "pieces", nlp=nlp)["joined"]
    assert len(longtext.cut_points(nlp_mod.full_text(art))) > 5
    assert pieces.ents == whole.ents
    assert [t[:2] for t in pieces.tokens] == [t[:2] for t in whole.tokens]


def test_the_presence_check_looks_where_entries_are_written(tmp_path):
    from reader.extraction.nlpcache import _cache_path, _store, is_cached_hash

    h = "ab" + "0" * 62
    assert not is_cached_hash(tmp_path, h)
    _store(tmp_path, Analysis(h, 0, [(0, 2)], [], [(0, 2, "hi", "INTJ", "ROOT", 0)]))
    assert _cache_path(tmp_path, h).exists()
    assert is_cached_hash(tmp_path, h) and is_cached_hash(str(tmp_path), h)
    assert not is_cached_hash(tmp_path, "ab" + "1" * 62)
