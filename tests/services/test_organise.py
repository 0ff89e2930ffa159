"""Stars and tags (`lib.articles`), the `starred:`/`tag:` filters, results ordered by date and
saved searches (`lib.search`)."""

from __future__ import annotations

import pytest

from reader.errors import BadInput, BadQuery, NotFound
from reader.library import Library
from reader.services.filters import split


@pytest.fixture
def lib(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Alpha title\n\nThe council said the review was late.\n")
    (corpus / "b.txt").write_text("Beta title\n\nThe council outsourced its services.\n")
    (corpus / "c.txt").write_text("Gamma title\n\nA council council council meeting.\n")
    (corpus / "d.txt").write_text("Delta title\n\nNothing about that here.\n")
    (corpus / "corpus.toml").write_text('[articles.a]\ndate = "2010-01-01"\n'
                                        '[articles.b]\ndate = "2012-01-01"\n')
    library = Library.open(tmp_path / "data", corpus)
    library.indexing.update(nlp=False)
    yield library
    library.close()


def test_stars_and_tags_show_in_the_catalogue(lib):
    assert lib.articles.star("a").marks == {"a"}
    assert lib.articles.star("a").marks == frozenset()  # already starred: no change
    lib.articles.tag("b", add=["Evidence", " to  check "])
    infos = {i.id: i for i in lib.articles.list()}
    assert infos["a"].starred and not infos["b"].starred
    assert infos["b"].tags == ("Evidence", "to check")
    assert infos["b"].summary()["tags"] == ["Evidence", "to check"]
    assert "starred" not in infos["c"].summary() and "tags" not in infos["c"].summary()
    assert lib.articles.set_tags("b", ["to check", "new"]).marks == {"b"}
    assert lib.articles.info("b").tags == ("to check", "new")
    assert lib.articles.tags() == [("new", 1), ("to check", 1)]
    assert lib.articles.star("a", False).marks == {"a"}
    assert lib.articles.starred() == set()


@pytest.mark.parametrize("tag", ["", "a,b", 'say "x"', "x" * 41, "a:b"])
def test_a_bad_tag_is_refused_with_one_line(lib, tag):
    with pytest.raises(BadInput) as err:
        lib.articles.tag("a", add=[tag])
    assert "\n" not in str(err.value)
    assert lib.articles.info("a").tags == ()


def test_unknown_article(lib):
    with pytest.raises(NotFound):
        lib.articles.star("nope")
    with pytest.raises(NotFound):
        lib.articles.tag("nope", add=["x"])


def test_marks_survive_a_rebuild_and_a_reimport(lib, tmp_path):
    page = tmp_path / "story.txt"
    page.write_text("Story title\n\nSomething happened at the council.\n")
    doc = lib.articles.import_paths([str(page)]).outcomes[0].id
    lib.articles.star(doc)
    lib.articles.tag(doc, add=["kept"])
    lib.articles.star("a")
    lib.indexing.update(rebuild=True, nlp=False)
    for kept in lib.paths.imports_dir.iterdir():
        kept.unlink()
    assert doc not in {i.id for i in lib.articles.list()}
    assert lib.articles.import_paths([str(page)]).outcomes[0].id == doc
    lib.indexing.update(nlp=False)
    info = lib.articles.info(doc)
    assert info.starred and info.tags == ("kept",)
    assert {h.id for h in lib.search.run("starred:yes").hits} == {"a", doc}


def test_filter_terms_split_from_the_query():
    assert split("council AND starred:yes") == ("council", split("starred:yes")[1])
    rest, wanted = split("(tag:'to check' OR review) NOT tag:x")
    assert rest == "( review)" or rest == "(review)"
    assert (wanted.tags, wanted.without_tags) == (("to check",), ("x",))
    assert split("NOT starred:yes")[1].starred is False
    with pytest.raises(BadQuery):
        split("starred:maybe")
    with pytest.raises(BadQuery):
        split("tag: x")


def test_search_filters_by_star_and_tag(lib):
    lib.articles.star("a")
    lib.articles.star("d")
    lib.articles.tag("b", add=["x"])
    lib.articles.tag("c", add=["x"])
    result = lib.search.run("council starred:yes", facets=True)
    assert (result.total, [h.id for h in result.hits]) == (1, ["a"])
    assert "<b>council</b>" in result.hits[0].snippet
    assert result.facets == {"source": {}, "year": {"2010": 1}}
    only = lib.search.run("starred:yes")  # filters only: those articles, newest first
    assert [h.id for h in only.hits] == ["a", "d"] and only.hits[1].snippet.startswith("Noth")
    assert sorted(h.id for h in lib.search.run("council tag:x").hits) == ["b", "c"]
    assert [h.id for h in lib.search.run("council NOT tag:x").hits] == ["a"]
    assert [h.id for h in lib.search.run("council starred:no NOT tag:x").hits] == []
    lib.search.check("tag:x")  # no error: a query of filters only is fine
    with pytest.raises(BadQuery):
        lib.search.run("starred:perhaps")


def test_sort_by_date_uses_the_users_dates_and_puts_undated_last(lib):
    by_score = [h.id for h in lib.search.run("council").hits]
    assert by_score[0] == "c"  # most "council"s
    newest = lib.search.run("council", sort="newest")
    assert [h.id for h in newest.hits] == ["b", "a", "c"]
    assert newest.total == 3
    assert [h.id for h in lib.search.run("council", sort="oldest").hits] == ["a", "b", "c"]
    lib.articles.set_meta("c", {"date": "2011-06-01"})  # not re-indexed yet: the catalogue's
    assert [h.id for h in lib.search.run("council", sort="oldest").hits] == ["a", "c", "b"]
    top = lib.search.run("council", sort="newest", limit=1, snippets=0)
    assert ([h.id for h in top.hits], top.total, top.hits[0].snippet) == (["b"], 3, "")
    with pytest.raises(BadInput):
        lib.search.run("council", sort="sideways")


def test_lazy_snippets_equal_the_eager_ones(lib):
    eager = lib.search.run("council", limit=3)
    lazy = lib.search.run("council", limit=3, snippets=0)
    assert all(h.snippet == "" for h in lazy.hits)
    made = lib.search.snippets("council", [h.id for h in lazy.hits])
    assert made == {h.id: h.snippet for h in eager.hits}


def test_saved_searches(lib):
    assert lib.search.saved() == []
    assert lib.search.save("  Council  work ", "council").searches
    with pytest.raises(BadInput, match="already named"):
        lib.search.save("council work", "review")
    with pytest.raises(BadQuery):
        lib.search.save("Broken", '"unbalanced')
    with pytest.raises(BadInput):
        lib.search.save("  ", "council")
    lib.search.save("Stars", "starred:yes")
    [council, stars] = lib.search.saved()
    assert (council.name, council.query) == ("Council work", "council")
    lib.search.rename_saved(stars.id, "A: starred")
    assert [s.name for s in lib.search.saved()] == ["A: starred", "Council work"]
    lib.search.delete_saved(council.id)
    with pytest.raises(NotFound):
        lib.search.delete_saved(council.id)
    lib.indexing.update(rebuild=True, nlp=False)
    assert [s.query for s in lib.search.saved()] == ["starred:yes"]


def test_reads_never_write(lib, monkeypatch):
    lib.articles.star("a")
    lib.articles.tag("b", add=["x"])
    lib.search.save("S", "council")
    store = lib._write()
    lib._read()

    def refuse(*args, **kwargs):
        raise AssertionError("a read path used the writable store")

    monkeypatch.setattr(store, "_write", refuse)
    monkeypatch.setattr(store, "_read", refuse)
    assert lib.articles.starred() == {"a"} and lib.articles.tagged("X") == {"b"}
    assert [i.id for i in lib.articles.list() if i.starred or i.tags] == ["b", "a"]
    assert [s.name for s in lib.search.saved()] == ["S"]
    assert lib.search.run("council tag:x", sort="newest").total == 1


def test_every_match_as_ids_and_scores_equals_the_full_search(lib):
    from reader.search.matches import matches

    full = lib.search.run("council OR review", limit=100)
    assert matches(lib._index, "council OR review") == [(h.id, h.score) for h in full.hits]
    assert matches(lib._index, "walrus") == []
