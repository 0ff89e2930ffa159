"""Metadata the user sets (`lib.articles.set_meta`): laid over the parsed metadata in the
list, the article, the index and citations; kept in the store, undoable, surviving a rebuild
and a re-import."""

from __future__ import annotations

import pytest

from reader.domain import Changes
from reader.errors import BadInput, NotFound
from reader.library import Library


@pytest.fixture
def lib(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Alpha title\n\nThe council said the review was late.\n")
    (corpus / "b.txt").write_text("Beta title\n\nBeta body about outsourcing.\n")
    (corpus / "corpus.toml").write_text('[articles.b]\ndate = "2009-05-01"\n')
    library = Library.open(tmp_path / "data", corpus)
    library.indexing.update(nlp=False)
    yield library
    library.close()


def test_a_date_set_on_an_undated_article_shows_everywhere(lib):
    assert lib.articles.info("a").date == ""
    changes = lib.articles.set_meta("a", {"date": "2011-03-14"})
    assert changes == Changes(articles=frozenset({"a"}))
    info = lib.articles.info("a")
    assert (info.date, info.date_from, info.user_set) == ("2011-03-14", "user", ("date",))
    assert [i.id for i in lib.articles.list()] == ["a", "b"]  # newest first now
    art = lib.articles.get("a")
    assert (art.date, art.user_set) == ("2011-03-14", ("date",))
    lib.indexing.update(nlp=False)  # what apply(changes) does without NLP
    years = lib.search.run("council", facets=True).facets.get("year", {})
    assert years == {"2011": 1}
    assert lib.search.run("date:[2011 TO 2011]").total == 1
    note = lib.notes.add("a", 4, 11, "on council").note
    assert note is not None
    assert "2011-03-14" in lib.notes.export("md")


def test_source_author_title_and_clear(lib):
    before = lib.articles.info("b")
    lib.articles.set_meta("b", {"source": "The Herald", "author": "Ann Lee",
                                "title": "A better title"})
    info, art = lib.articles.info("b"), lib.articles.get("b")
    assert (info.source, info.author, info.title) == ("The Herald", "Ann Lee", "A better title")
    assert info.date == before.date == "2009-05-01"
    assert set(info.user_set) == {"source", "author", "title"}
    assert art.title == "A better title"
    assert info.text_hash == art.text_hash != before.text_hash  # the text hash follows the title
    assert lib.articles.meta("b") == {"source": "The Herald", "author": "Ann Lee",
                                      "title": "A better title"}
    lib.articles.set_meta("b", {"title": None, "author": ""})
    info = lib.articles.info("b")
    assert (info.title, info.author, info.text_hash) == ("Beta title", "", before.text_hash)
    assert set(info.user_set) == {"source", "author"}


def test_undo_takes_back_the_newest_edit(lib):
    lib.articles.set_meta("a", {"date": "2011-03-14"})
    lib.articles.set_meta("a", {"date": "2012-01-02", "source": "Gazette"})
    assert lib.articles.undo_meta("a") == Changes(articles=frozenset({"a"}))
    assert (lib.articles.info("a").date, lib.articles.info("a").source) == ("2011-03-14", "")
    lib.articles.undo_meta("a")
    assert lib.articles.info("a").date == "" and lib.articles.info("a").user_set == ()
    assert lib.articles.undo_meta("a") == Changes()


@pytest.mark.parametrize("values, message", [
    ({"date": "14/03/2011"}, "YYYY-MM-DD"),
    ({"date": "2011-02-30"}, "no such day"),
    ({"title": "  "}, "title cannot be empty"),
    ({"source": "two\nlines"}, "one line"),
    ({"colour": "red"}, "Unknown field"),
    ({}, "Nothing to change"),
])
def test_bad_input_is_refused_with_one_line(lib, values, message):
    with pytest.raises(BadInput, match=message) as err:
        lib.articles.set_meta("a", values)
    assert "\n" not in str(err.value)
    assert lib.articles.meta("a") == {}


def test_unknown_article(lib):
    with pytest.raises(NotFound):
        lib.articles.set_meta("nope", {"date": "2011-01-01"})


def test_survives_a_rebuild_and_a_new_session(lib, tmp_path):
    lib.articles.set_meta("a", {"date": "2011-03-14"})
    lib.indexing.update(rebuild=True, nlp=False)
    assert lib.search.run("date:[2011 TO 2011]").total == 1
    lib.close()
    again = Library.open(tmp_path / "data", tmp_path / "corpus")
    try:
        assert again.articles.info("a").date == "2011-03-14"
        again.indexing.update(rebuild=True, nlp=False)
        assert again.search.run("date:[2011 TO 2011]").total == 1
    finally:
        again.close()


def test_survives_a_reimport(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    page = tmp_path / "story.txt"
    page.write_text("Story title\n\nSomething happened at the council.\n")
    lib = Library.open(tmp_path / "data", corpus)
    try:
        doc = lib.articles.import_paths([str(page)]).outcomes[0].id
        lib.articles.set_meta(doc, {"date": "2010-10-10"})
        for kept in lib.paths.imports_dir.iterdir():
            kept.unlink()
        assert doc not in {i.id for i in lib.articles.list()}
        again = lib.articles.import_paths([str(page)]).outcomes[0]
        assert again.id == doc
        assert lib.articles.info(doc).date == "2010-10-10"
    finally:
        lib.close()


def test_listing_opens_no_store_in_a_fresh_data_dir(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Alpha title\n\nBody.\n")
    lib = Library.open(tmp_path / "data", corpus)
    try:
        assert [i.id for i in lib.articles.list()] == ["a"]
        assert lib.articles.meta("a") == {}
        assert not lib.paths.db_path.exists() and not lib.store_opened
    finally:
        lib.close()
