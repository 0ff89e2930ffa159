"""Mention contexts: every mention of a subject in (date, article, offset) order, made into
MentionContexts only when read, the articles' order kept until the catalogue changes."""

from __future__ import annotations

from reader.domain import ArticleInfo, Mention, MentionContext, MentionContexts
from reader.services.entities import EntityService


class Catalog:
    def __init__(self, dates: dict[str, str]):
        self.dates = dict(dates)
        self.generation = 1
        self.listed = 0

    def infos(self):
        self.listed += 1
        return [ArticleInfo(doc, doc.upper(), date=date) for doc, date in self.dates.items()]


def service(catalog) -> EntityService:
    return EntityService(catalog, tables=None, store=None, reader=None)


def expected(mentions, dates) -> list[MentionContext]:
    rows = [MentionContext(m.doc, m.doc.upper(), dates[m.doc], m.start, m.end, m.text)
            for m in mentions if m.doc in dates]
    return sorted(rows, key=lambda c: (c.date == "", c.date, c.doc, c.start))


DATES = {"a": "2005-03-01", "b": "", "c": "2004-12-31", "d": "2005-03-01"}


def test_contexts_order_by_date_undated_last_then_article_then_offset():
    catalog = Catalog(DATES)
    mentions = [Mention("a", 50, 55, "Blair"), Mention("a", 5, 10, "Blair"),
                Mention("b", 1, 6, "Blair"), Mention("c", 9, 14, "Blair"),
                Mention("gone", 0, 5, "Blair"),  # an article no longer listed: left out
                Mention("d", 3, 8, "Blair"), Mention("a", 20, 25, "Blair")]  # not grouped
    contexts = service(catalog).contexts(mentions)
    assert isinstance(contexts, MentionContexts)
    assert len(contexts) == 6
    assert [(c.doc, c.start) for c in contexts] == [
        ("c", 9), ("a", 5), ("a", 20), ("a", 50), ("d", 3), ("b", 1)]
    assert contexts == expected(mentions, DATES)
    assert contexts[1] == MentionContext("a", "A", "2005-03-01", 5, 10, "Blair")
    assert contexts[-1].date == "" and [c.doc for c in contexts[1:3]] == ["a", "a"]
    assert service(catalog).contexts([]) == []


def test_contexts_follow_a_changed_date_and_keep_the_order_until_then():
    catalog = Catalog(DATES)
    entities = service(catalog)
    mentions = [Mention(doc, 0, 5, "Blair") for doc in "abcd"]
    assert [c.doc for c in entities.contexts(mentions)] == ["c", "a", "d", "b"]
    listed = catalog.listed
    entities.contexts(mentions)
    assert catalog.listed == listed  # the order was kept: the articles were not listed again
    catalog.dates["b"] = "2001-01-01"  # the user dated b
    catalog.generation += 1
    assert [c.doc for c in entities.contexts(mentions)] == ["b", "c", "a", "d"]
    assert entities.contexts(mentions)[0].date == "2001-01-01"
