"""Bulk entity corrections: merge many, hide many, hide by type or below N mentions — each
stored as one edit (one undo takes it all back) and the entity table rebuilt once."""

from __future__ import annotations

import pytest

from reader.domain import Entity, Mention
from reader.errors import BadInput, NotFound
from reader.extraction.entities.table import EntityTable
from reader.services.entities import EntityService
from reader.store import Store


def mentions(n, doc="a"):
    return tuple(Mention(doc, 10 * i, 10 * i + 3, "xyz") for i in range(n))


EXTRACTED = [
    Entity("person:blair", "Blair", "Person", mentions=mentions(5)),
    Entity("person:tony-blair", "Tony Blair", "Person", mentions=mentions(2, "b")),
    Entity("person:mr-blair", "Mr Blair", "Person", mentions=mentions(1, "c")),
    Entity("organisation:labour", "Labour", "Organisation", mentions=mentions(4)),
    Entity("date:monday", "Monday", "Date", mentions=mentions(3)),
    Entity("date:tuesday", "Tuesday", "Date", mentions=mentions(1)),
    Entity("money:ps5", "£5", "Money", mentions=mentions(1)),
]


class Tables:
    """DerivedTables' entity side: the extraction with the stored edits laid on top,
    rebuilt after each invalidation (counted)."""

    def __init__(self, store):
        self._store = store
        self._base = EntityTable(EXTRACTED, {})
        self._table = None
        self.builds = 0

    def invalidate(self, **_):
        self._table = None

    def entities(self, build=True):
        if self._table is None:
            self.builds += 1
            self._table = self._base.with_edits(self._store.entity_edits())
        return self._table


@pytest.fixture
def service(tmp_path):
    store = Store.open(tmp_path / "reader.sqlite3")
    tables = Tables(store)
    svc = EntityService(catalog=None, tables=tables, store=lambda: store,
                        reader=lambda: store)
    svc.tables, svc.store = tables, store
    yield svc
    store.close()


def names(svc, **kw):
    return sorted(e.name for e in svc.list(**kw))


def test_merge_many_is_one_edit_one_rebuild_and_one_undo(service):
    service.list()
    builds = service.tables.builds
    changes = service.merge_many(["Tony Blair", "person:mr-blair"], "Blair")
    assert changes.entities and changes.edit["op"] == "batch"
    assert len(service.edits()) == 1  # one stored edit: one undo step
    blair = service.get("Blair")
    assert blair.count == 8 and {"Tony Blair", "Mr Blair"} <= set(blair.aliases)
    assert "Tony Blair" not in names(service)
    assert service.tables.builds == builds + 1  # rebuilt once, not once per merge
    assert service.get("person:tony-blair").id == "person:blair"  # old ids still lead there
    service.undo()
    assert service.edits() == []
    assert {"Blair", "Tony Blair", "Mr Blair"} <= set(names(service))
    assert service.get("Blair").count == 5


def test_hide_many_and_unhide_many(service):
    service.hide_many(["Monday", "Labour", "Monday"])
    assert len(service.edits()) == 1
    assert "Labour" not in names(service) and "Monday" not in names(service)
    assert service.get("Labour").hidden
    service.hide_many(["Labour", "Monday"], unhide=True)
    assert {"Labour", "Monday"} <= set(names(service))
    service.undo()  # the unhide
    assert "Labour" not in names(service)
    service.undo()  # the hide
    assert len(service.list()) == len(EXTRACTED)


def test_hide_where_by_type_and_below_n(service):
    assert [e.name for e in service.matching(below=2)] == ["Mr Blair", "Tuesday", "£5"]
    assert [e.name for e in service.matching(type="date")] == ["Monday", "Tuesday"]
    assert [e.name for e in service.matching(type="Person", below=3)] == [
        "Tony Blair", "Mr Blair"]
    service.list()
    builds = service.tables.builds
    service.hide_where(type="date")
    service.hide_where(below=2)  # Tuesday already hidden: £5 and Mr Blair
    assert names(service) == ["Blair", "Labour", "Tony Blair"]
    assert service.tables.builds == builds + 2  # one per bulk edit
    assert len(service.edits()) == 2
    service.undo()
    assert names(service) == ["Blair", "Labour", "Mr Blair", "Tony Blair", "£5"]
    service.undo()
    assert len(service.list()) == len(EXTRACTED)


def test_bulk_errors_store_nothing(service):
    with pytest.raises(BadInput, match="itself"):
        service.merge_many(["Blair", "Tony Blair"], "Blair")
    with pytest.raises(NotFound):
        service.merge_many(["Tony Blair", "Nobody"], "Blair")
    with pytest.raises(NotFound):
        service.hide_many(["Labour", "Nobody"])
    with pytest.raises(BadInput, match="Say which"):
        service.hide_where()
    with pytest.raises(BadInput, match="No entity matches"):
        service.hide_where(type="Place")
    with pytest.raises(BadInput, match="at least 1"):
        service.matching(below=0)
    with pytest.raises(BadInput, match="Unknown entity type"):
        service.matching(type="Spaceship")
    with pytest.raises(BadInput, match="cannot hold another batch"):
        service.edit({"op": "batch", "edits": [{"op": "batch", "edits": []}]})
    with pytest.raises(BadInput, match="non-empty list"):
        service.edit({"op": "batch", "edits": []})
    assert service.edits() == []
