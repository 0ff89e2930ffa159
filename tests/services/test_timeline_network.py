"""The timeline and network services' data: counts per day and per zoom unit with undated
items apart, policy mentions by stance; sentence co-occurrence edges with their evidence,
top N, type and date filters; the force layout."""

from __future__ import annotations

import pytest

from reader.domain import ArticleInfo, Entity, Mention, Policy, PolicyMention
from reader.errors import BadInput, NotFound
from reader.extraction.network import build_network
from reader.graphlayout import force_layout
from reader.services.network import NetworkService
from reader.services.timeline import TimelineService

DATES = {"a": "2005-03-01", "b": "2005-03-20", "c": "2005-05-02", "d": ""}
# Sentences: a has [0,20) [20,40); b [0,30); c [0,25); d [0,15)
SENTENCES = {"a": [(0, 20), (20, 40)], "b": [(0, 30)], "c": [(0, 25)], "d": [(0, 15)]}


def m(doc, start):
    return Mention(doc, start, start + 3, "xyz")


ENTITIES = [
    Entity("p:blair", "Blair", "Person", mentions=(m("a", 1), m("a", 22), m("b", 2), m("c", 1),
                                                    m("d", 1))),
    Entity("o:labour", "Labour", "Organisation", mentions=(m("a", 5), m("b", 10), m("d", 5))),
    Entity("l:london", "London", "Place", mentions=(m("a", 25), m("c", 10))),
    Entity("d:monday", "Monday", "Date", mentions=(m("a", 8), m("b", 12))),
    Entity("p:hidden", "Hidden", "Person", mentions=(m("a", 10),), hidden=True),
]


class Catalog:
    generation = 1
    listed = 0

    def infos(self):
        self.listed += 1
        return [ArticleInfo(doc, doc.upper(), date=date) for doc, date in DATES.items()]


class Table:
    entities = ENTITIES

    def find(self, ref):
        return next((e for e in ENTITIES if ref in (e.id, e.name)), None)

    def sentences(self, doc):
        return list(SENTENCES.get(doc, ()))


class Policies:
    policies = [Policy("p1", "Tax cut", "", [
        PolicyMention("a", 0, 5, "t", None, "supports", "2005-03-01"),
        PolicyMention("b", 0, 5, "t", None, "opposes", "2005-03-20"),
        PolicyMention("b", 6, 9, "t", None, "opposes", "2005-03-20"),
        PolicyMention("d", 0, 5, "t", None, "unknown", "")])]
    candidates: list = []


class Tables:
    def __init__(self):
        self.table = Table()

    def entities(self, build=True):
        return self.table

    def policies(self):
        return Policies()


@pytest.fixture
def timeline():
    return TimelineService(Catalog(), Tables())


def test_articles_per_day_month_and_year_with_undated_apart(timeline):
    tl = timeline.articles()
    assert [d.start for d in tl.days] == ["2005-03-01", "2005-03-20", "2005-05-02"]
    assert tl.undated == {"articles": 1} and tl.undated_docs == ("d",)
    months = timeline.buckets(tl, "month")
    assert [(b.start, b.end, b.total, b.docs) for b in months] == [
        ("2005-03-01", "2005-03-31", 2, ("a", "b")), ("2005-04-01", "2005-04-30", 0, ()),
        ("2005-05-01", "2005-05-31", 1, ("c",))]
    assert [b.total for b in timeline.buckets(tl, "year")] == [3]
    weeks = timeline.buckets(tl, "week")
    assert weeks[0].start == "2005-02-28" and sum(b.total for b in weeks) == 3
    with pytest.raises(BadInput):
        timeline.buckets(tl, "fortnight")


def test_entity_mentions_and_policy_stances(timeline):
    tl = timeline.entity("Blair")
    assert tl.kind == "entity" and tl.subject == "p:blair"
    assert [(d.start, d.counts) for d in tl.days] == [
        ("2005-03-01", {"mentions": 2}), ("2005-03-20", {"mentions": 1}),
        ("2005-05-02", {"mentions": 1})]
    assert sum(tl.undated.values()) == 1
    pol = timeline.policy("tax cut")
    assert pol.series == ("supports", "opposes", "unknown")
    assert [d.counts for d in pol.days] == [{"supports": 1}, {"opposes": 2}]
    assert pol.undated == {"unknown": 1}
    with pytest.raises(NotFound):
        timeline.entity("Nobody")


def test_network_edges_count_shared_sentences_with_their_evidence():
    net = build_network(ENTITIES, Table().sentences, DATES)
    assert [n.id for n in net.nodes] == ["p:blair", "o:labour", "l:london"]  # no Date, hidden
    assert net.total == 3 and "Date" in net.types
    edges = {(e.source, e.target): e for e in net.edges}
    # Blair+Labour: a's first sentence, b's, d's; Blair+London: a's second sentence, c's.
    assert edges[("o:labour", "p:blair")].weight == 3
    assert [(ev.doc, ev.start, ev.end) for ev in edges[("o:labour", "p:blair")].evidence] == [
        ("a", 0, 20), ("b", 0, 30), ("d", 0, 15)]  # dated first, undated last
    assert edges[("l:london", "p:blair")].weight == 2
    assert ("l:london", "o:labour") not in edges  # never in one sentence
    assert [(e.source, e.target) for e in net.edges][0] == ("o:labour", "p:blair")


def test_network_filters_top_types_weight_and_dates():
    sentences = Table().sentences
    assert [n.id for n in build_network(ENTITIES, sentences, DATES, top=2).nodes] == [
        "p:blair", "o:labour"]
    assert {n.type for n in build_network(ENTITIES, sentences, DATES,
                                          types=["Date", "Person"]).nodes} == {"Date", "Person"}
    heavy = build_network(ENTITIES, sentences, DATES, min_weight=3)
    assert [(e.source, e.target) for e in heavy.edges] == [("o:labour", "p:blair")]
    march = build_network(ENTITIES, sentences, DATES, date_from="2005-03", date_to="2005-03")
    edges = {(e.source, e.target): e.weight for e in march.edges}
    assert edges == {("o:labour", "p:blair"): 2, ("l:london", "p:blair"): 1}
    blair = next(n for n in march.nodes if n.id == "p:blair")
    assert (blair.count, blair.docs) == (3, 2)


def test_service_layout_places_every_node_and_linked_ones_closer():
    service = NetworkService(Catalog(), Tables())
    net = service.graph(min_weight=1)
    pos = service.layout(net)
    assert set(pos) == {n.id for n in net.nodes}
    assert all(0 <= x <= 1 and 0 <= y <= 1 for x, y in pos.values())
    assert pos == service.layout(net)  # deterministic


def test_service_keeps_the_network_and_layout_until_the_data_changes():
    catalog, tables = Catalog(), Tables()
    service = NetworkService(catalog, tables)
    assert service.prewarm()
    net = service.graph(min_weight=2)  # the filters the prewarm computed
    assert service.graph(min_weight=2) is net
    assert service.layout(net) == service.layout(net)
    listed = catalog.listed
    assert service.graph(min_weight=1) is not net
    assert catalog.listed == listed  # other filters: the articles' dates were kept
    catalog.generation += 1  # the articles or the user's metadata changed
    assert service.graph(min_weight=2) is not net
    net = service.graph(min_weight=2)
    tables.table = Table()  # a new entity table (a correction, a re-index)
    assert service.graph(min_weight=2) is not net
    cancelled = service.layout(service.graph(), cancelled=lambda: True)
    assert service.layout(service.graph()) != cancelled  # an unfinished layout is not kept


def test_force_layout_pulls_linked_nodes_together_at_scale():
    # Two cliques of 400 joined by nothing: their members end nearer each other than the
    # cliques' centres are (the grid approximation above EXACT_LIMIT nodes is used).
    edges = [(i, j, 1.0) for group in (range(0, 400), range(400, 800))
             for i in group for j in (group[0] + (i - group[0] + 1) % 400,)]
    pos = force_layout(800, edges, iterations=40)
    assert len(pos) == 800
    import math

    def dist(p, q):
        return math.dist(pos[p], pos[q])

    chained = sum(dist(i, j) for i, j, _ in edges) / len(edges)
    unlinked = sum(dist(i, i + 400) for i in range(0, 400, 7)) / len(range(0, 400, 7))
    assert chained < unlinked
    assert force_layout(0, []) == [] and force_layout(1, []) == [(0.5, 0.5)]
