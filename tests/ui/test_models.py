"""Every item model passes pytest-qt's qtmodeltester, and shows what it should."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from reader.domain import ArticleInfo, Entity, Hit, Mention, MentionContext, Policy, PolicyMention
from reader.query import facet_clause
from reader.ui.models import (
    HTML_ROLE,
    ID_ROLE,
    ArticleModel,
    ArticleProxy,
    EntityModel,
    FacetModel,
    HitModel,
    MentionModel,
    NoteHitModel,
    NoteModel,
    NoteProxy,
    PolicyModel,
    TreeFilterProxy,
    actors_of,
    note_label,
    short_time,
)

INFOS = [ArticleInfo("a", "Alpha title", "Guardian", "Ann", "2012-01-02"),
         ArticleInfo("b", "Beta", "", "", ""),
         ArticleInfo("c", "Gamma <b>x</b>", "Community Care", "", "2014-04-17")]


def _entities():
    return [Entity("gove", "Michael Gove", "Person", ["Michael Gove", "Gove"],
                   [Mention("a", 0, 5, "Gove"), Mention("b", 3, 8, "Gove")]),
            Entity("ofsted", "Ofsted", "Organisation", ["Ofsted"], [Mention("a", 9, 15, "Ofsted")]),
            Entity("leeds", "Leeds", "Place", ["Leeds"], [Mention("c", 1, 6, "Leeds")]),
            Entity("munro", "Eileen Munro", "Person", [], [Mention("c", 7, 12, "Munro")])]


def test_article_model_and_proxy(qtmodeltester, qtbot):
    model = ArticleModel()
    model.set_articles(INFOS)
    qtmodeltester.check(model)
    proxy = ArticleProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    proxy.set_filter_text("care")
    assert proxy.rowCount() == 1 and proxy.index(0, 0).data(ID_ROLE) == "c"
    proxy.set_filter_text("")
    proxy.sort(ArticleModel.DATE, Qt.SortOrder.DescendingOrder)
    assert [proxy.index(r, 0).data(ID_ROLE) for r in range(3)] == ["c", "a", "b"]
    # The list sorts itself (the proxy keeps its order), keeping what points at a row.
    kept = QPersistentModelIndex(proxy.index(0, 0))
    proxy.sort(ArticleModel.TITLE, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 0).data(ID_ROLE) for r in range(3)] == ["a", "b", "c"]
    assert kept.data(ID_ROLE) == "c" and kept.row() == 2
    model.set_articles(list(reversed(INFOS)))  # a reload keeps the chosen order
    assert [model.index(r, 0).data(ID_ROLE) for r in range(3)] == ["a", "b", "c"]
    qtmodeltester.check(proxy)
    assert model.index(model.row_of("b"), 2).data() == "Undated"
    a = model.index(model.row_of("a"), 0)
    assert a.data(Qt.ItemDataRole.FontRole).bold()  # unread
    model.set_read("a", True)
    assert a.data(Qt.ItemDataRole.FontRole) is None


def test_hit_model_sanitises_snippets(qtmodeltester):
    model = HitModel()
    model.set_hits([Hit("a", "T <i>1</i>", 1.0, 'x <b>word</b> <img src="/dev/zero"> y'),
                    Hit("b", "Two", 0.5, "")])
    qtmodeltester.check(model)
    markup = model.index(0, 0).data(HTML_ROLE)
    assert "<b>word</b>" in markup and "<img" not in markup and "T &lt;i&gt;1" in markup


def test_facet_model_builds_query_clauses(qtmodeltester):
    model = FacetModel()
    model.set_facets({"source": {"Community Care": 2, "Guardian": 3}, "year": {"2014": 1},
                      "entity": {}, "policy": {"munro review": 2}})
    qtmodeltester.check(model)
    groups = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert groups == ["Policies", "Sources", "Years"]
    sources = model.index(1, 0)
    assert model.index(0, 0, sources).data() == "Guardian"  # by count
    assert model.index(1, 0, sources).data(ID_ROLE) == 'source:"Community Care"'
    assert facet_clause("entity", "tim loughton") == "entity:'tim loughton'"
    model.set_facets({"entity": {"2008": 3, "tim loughton": 1}},
                     lambda key, value: None if value == "2008" else value.title())
    qtmodeltester.check(model)
    entities = model.index(0, 0)
    assert model.rowCount(entities) == 1
    assert model.index(0, 0, entities).data() == "Tim Loughton"
    assert model.index(0, 0, entities).data(ID_ROLE) == "entity:'tim loughton'"
    assert facet_clause("year", "2014") == "date:2014"


def test_entity_model_groups_by_type_and_filters(qtmodeltester):
    model = EntityModel()
    model.set_entities(_entities())
    qtmodeltester.check(model)
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == \
        ["Person (2)", "Organisation (1)", "Place (1)"]
    person = model.index(0, 0)
    assert model.index(0, 0, person).data() == "Michael Gove"  # most mentions first
    assert model.index(0, 1, person).data() == "2"
    proxy = TreeFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    proxy.sort(1, Qt.SortOrder.DescendingOrder)
    assert [proxy.index(r, 0).data(ID_ROLE) for r in range(3)] == \
        ["Person", "Organisation", "Place"]  # groups keep their order
    proxy.setFilterFixedString("munro")
    assert proxy.rowCount() == 1
    assert proxy.index(0, 0, proxy.index(0, 0)).data() == "Eileen Munro"


def test_entity_model_drop_requests_a_merge(qtbot):
    model = EntityModel()
    model.set_entities(_entities())
    person = model.index(0, 0)
    gove, munro = model.index(0, 0, person), model.index(1, 0, person)
    data = model.mimeData([munro])
    assert not model.canDropMimeData(data, Qt.DropAction.MoveAction, -1, -1, person)
    with qtbot.waitSignal(model.merge_requested) as blocker:
        assert model.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, gove) is False
    assert blocker.args == ["munro", "gove"]


def test_policy_and_mention_models(qtmodeltester):
    policies = PolicyModel()
    pol = Policy("p", "Munro review", "d",
                 [PolicyMention("a", 0, 5, "Munro", "person:munro", "supports", "2011-05-02",
                                "Eileen Munro"),
                  PolicyMention("b", 0, 5, "Munro", None, "unknown", "2013-05-10")])
    policies.set_policies([pol], ("2011-01-01", "2014-01-01"))
    qtmodeltester.check(policies)
    assert policies.index(0, 2).data() == "2011-05 – 2013-05"
    assert actors_of(pol) == [("person:munro", "Eileen Munro", {"supports": 1}, 1)]
    tories = Policy("q", "Academies", "", mentions=[
        PolicyMention("a", 0, 5, "x", "org:con", "supports", "", "Conservatives"),
        PolicyMention("b", 0, 5, "x", "org:con", "opposes", "", "the Tories"),
        PolicyMention("b", 9, 12, "y", "", "supports", "", "a minister")])
    names = {"org:con": "Conservative Party"}.get
    assert actors_of(tories, names) == [
        ("org:con", "Conservative Party", {"supports": 1, "opposes": 1}, 2),
        ("", "a minister", {"supports": 1}, 1)]
    assert actors_of(tories)[0][1] == "Conservatives"  # no names known: as first written
    mentions = MentionModel()
    mentions.set_contexts([MentionContext("a", "T", "2012-01-01", 10, 15, "Leeds",
                                          "We like Leeds <a lot>.", 2)])
    qtmodeltester.check(mentions)
    assert mentions.index(0, 2).data(HTML_ROLE) == "We like <b>Leeds</b> &lt;a lot&gt;."
    assert mentions.index(0, 0).data(HTML_ROLE) == "T"


def _notes():
    from reader.domain import Note

    return [Note(1, "a", start=0, end=4, quote="some quote", body="First line\nmore",
                 tags=("Leeds", "inspection"), created="2024-01-01T10:00:00.000Z",
                 updated="2024-01-03T10:00:00.000Z"),
            Note(2, "a", body="", tags=("leeds",), created="2024-01-02T10:00:00.000Z",
                 updated="2024-01-02T10:00:00.000Z", orphan=True, quote="gone passage"),
            Note(3, "b", body="## Heading note", created="2024-01-04T10:00:00.000Z",
                 updated="2024-01-04T10:00:00.000Z"),
            Note(4, "b", body="Binned", trashed=True, created="2024-01-05T10:00:00.000Z",
                 updated="2024-01-05T10:00:00.000Z")]


def test_note_model_and_proxy(qtmodeltester):
    model = NoteModel()
    model.set_notes(_notes(), {"a": "Alpha title"})
    qtmodeltester.check(model)
    assert model.index(0, NoteModel.NOTE).data() == "First line"
    assert model.index(1, NoteModel.NOTE).data() == "⚠ “gone passage”"  # orphans marked
    assert model.index(1, 0).data(Qt.ItemDataRole.FontRole).italic()
    assert "no longer in the article" in model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(2, NoteModel.NOTE).data() == "Heading note"
    assert model.index(0, NoteModel.ARTICLE).data() == "Alpha title"
    assert "no longer in the library" in model.index(2, NoteModel.ARTICLE).data()
    assert model.index(0, NoteModel.TAGS).data() == "Leeds, inspection"
    assert model.index(0, NoteModel.UPDATED).data() == "2024-01-03"  # another year
    assert "Created 2024-01-01" in model.index(0, NoteModel.UPDATED).data(
        Qt.ItemDataRole.ToolTipRole)
    proxy = NoteProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)

    def ids():
        return [proxy.index(r, 0).data(ID_ROLE) for r in range(proxy.rowCount())]

    proxy.set_filter(doc="a")
    assert ids() == [1, 2]  # this article; the orphan is listed too
    proxy.set_filter(view="all")
    proxy.sort(NoteModel.UPDATED, Qt.SortOrder.DescendingOrder)
    assert ids() == [3, 1, 2]  # not the trash
    proxy.sort(NoteModel.NOTE, Qt.SortOrder.AscendingOrder)
    assert ids() == [1, 2, 3]  # by label, quote marks aside
    proxy.set_filter(tag="LEEDS")
    assert sorted(ids()) == [1, 2]  # tags match ignoring case
    proxy.set_filter(view="orphans", tag=None)
    assert ids() == [2]
    proxy.set_filter(view="trash")
    assert ids() == [4]
    qtmodeltester.check(proxy)
    from dataclasses import replace

    model.replace(replace(_notes()[3], trashed=False))  # restored: leaves the trash view
    assert ids() == []
    model.replace(replace(_notes()[0], id=9, trashed=True))  # a new row
    assert ids() == [9]


def test_short_time_fits_a_narrow_column():
    from datetime import UTC, datetime, timedelta

    now = datetime(2024, 5, 10, 15, 0, tzinfo=UTC).astimezone()
    iso = (now - timedelta(minutes=5)).astimezone(UTC).isoformat()
    assert short_time(iso, now) == (now - timedelta(minutes=5)).strftime("%H:%M")
    assert short_time("2024-01-03T10:00:00.000Z", now).endswith("Jan")
    assert short_time("2021-01-03T10:00:00.000Z", now) == "2021-01-03"
    assert short_time("", now) == ""


def test_note_hit_model_escapes(qtmodeltester):
    from reader.domain import Note

    model = NoteHitModel()
    model.set_notes([Note(1, "a", quote="<b>q</b>", body="<script>x</script> hi",
                          tags=("t",))], {"a": "A & B"})
    qtmodeltester.check(model)
    markup = model.index(0, 0).data(HTML_ROLE)
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    assert "A &amp; B · #t" in markup and "&lt;b&gt;q" in markup
    assert note_label(Note(2, "a")) == "Empty note on the whole article"
    assert note_label(Note(3, "a", body="\n## See **[[Eileen Munro]]** and [the site](https://x.org)"
                           " `now`")) == "See Eileen Munro and the site now"
    assert note_label(Note(4, "a", body="- [ ] *to do*\nmore")) == "[ ] to do"


@pytest.mark.parametrize("model_cls", [ArticleModel, HitModel, FacetModel, EntityModel,
                                       PolicyModel, MentionModel, NoteModel,
                                       NoteHitModel])
def test_empty_models_pass_the_tester(qtmodeltester, model_cls):
    model = model_cls()
    qtmodeltester.check(model)
    assert model.rowCount(QModelIndex()) == 0


def test_ui_uses_the_one_markup_helpers():
    import reader.markup as markup
    import reader.ui.models as models
    import reader.ui.viewer as viewer

    assert viewer.sanitise is markup.sanitise
    assert models.plain_line is markup.plain_line
