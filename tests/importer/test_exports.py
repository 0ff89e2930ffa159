"""One file, many articles: news-database exports split, each article with its metadata."""

from __future__ import annotations

import pytest

from reader.errors import BadInput
from reader.importer import parse_bytes, parse_bytes_all
from tests.importer.conftest import make_docx
from tests.importer.exports import ACADEMIC, FACTIVA, NEXIS_UNI

FIRST = ("Council votes to outsource children's services", "The Northshire Gazette",
         "Ann Writer", "2014-04-17")
SECOND = ("Trust chief named for children's services", "The Evening Courier", "Ben Other",
          "2014-05-02")


def _meta(art):
    return (art.title, art.source, art.author, art.date)


@pytest.mark.parametrize("text", [NEXIS_UNI, ACADEMIC, FACTIVA],
                         ids=["nexis-uni", "lexisnexis-academic", "factiva"])
def test_export_splits_into_articles_with_metadata(text):
    arts = parse_bytes_all(text.encode(), "export.txt", "exp")
    assert [a.id for a in arts] == ["exp-1", "exp-2"]
    assert _meta(arts[0]) == FIRST and _meta(arts[1]) == SECOND
    assert arts[0].body.startswith("The council voted on Wednesday")
    assert "Opponents said" in arts[0].body
    for art in arts:
        for furniture in ("Load-Date", "LOAD-DATE", "End of Document", "Copyright", "words",
                          "Document NRTHG", "Byline", "BYLINE"):
            assert furniture not in art.body, (art.id, furniture)
        assert art.date_from == "text"
        assert any("of 2 in a news-database export" in w for w in art.warnings)


def test_export_in_a_word_document():
    paras = [p for p in NEXIS_UNI.split("\n") if p.strip()]
    arts = parse_bytes_all(make_docx(paras), "export.docx", "exp")
    assert [_meta(a) for a in arts] == [FIRST, SECOND]


def test_single_article_api_refuses_an_export_with_its_reason():
    with pytest.raises(BadInput, match="holds 2 articles"):
        parse_bytes(NEXIS_UNI.encode(), "export.txt", "exp")


def test_plain_text_mentioning_end_of_document_is_one_article():
    text = "A title\n\nShe wrote End of Document at the foot of each page.\n\nEnd of Document\n"
    assert len(parse_bytes_all(text.encode(), "a.txt", "doc")) == 1
