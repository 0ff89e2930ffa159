"""reader.domain's quick constructors (`fast_mention`, `fast_entity`) make the very objects
the dataclasses' constructors make: type, equality, hash, repr, JSON, frozenness, defaults."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import pytest

from reader.domain import Entity, Mention, fast_entity, fast_mention
from reader.extraction.entities.table import EntityTable, row, unrow

ROWS = [
    ("d1", 0, 5, "Leeds"),
    ("d1", 7, 19, "Munro", "Professor Munro"),
    ("d2", 3, 8, "Leeds", "", "title"),
    ("d2", 3, 8, "Leeds", "Leeds", "body"),
]


def _same(a, b) -> None:
    assert type(a) is type(b)
    assert a == b and b == a and not (a != b)
    assert hash(a) == hash(b)
    assert repr(a) == repr(b)
    assert a.to_json() == b.to_json()
    for f in dataclasses.fields(a):
        assert getattr(a, f.name) == getattr(b, f.name), f.name
    assert pickle.loads(pickle.dumps(b)) == a


@pytest.mark.parametrize("args", ROWS)
def test_fast_mention_is_a_mention(args):
    slow, fast = Mention(*args), fast_mention(*args)
    _same(slow, fast)
    assert fast.form == slow.form and fast.field == slow.field
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.doc = "x"  # type: ignore[misc]
    assert not hasattr(fast, "__dict__")
    assert {slow: 1}[fast] == 1
    assert dataclasses.replace(fast, start=1) == dataclasses.replace(slow, start=1)


def test_fast_mention_keywords_and_form_not_compared():
    a = fast_mention(doc="d", start=1, end=2, text="x", form="Mr X", field="title")
    assert a == Mention("d", 1, 2, "x", field="title")  # form is not compared
    assert a.form == "Mr X" and a.field == "title"


def test_fast_constructors_take_the_fields_in_order_with_their_defaults():
    for cls, fast in ((Mention, fast_mention), (Entity, fast_entity)):
        params = list(inspect.signature(fast).parameters.values())
        fields = dataclasses.fields(cls)
        assert [p.name for p in params] == [f.name for f in fields]
        for p, f in zip(params, fields, strict=True):
            default = f.default if f.default is not dataclasses.MISSING else p.empty
            assert p.default == default, f.name


def test_fast_entity_is_an_entity():
    mentions = tuple(Mention(*r) for r in ROWS)
    slow = Entity(id="place:leeds", name="Leeds", type="GPE", aliases=("Leeds City",),
                  mentions=mentions)
    fast = fast_entity("place:leeds", "Leeds", "GPE", ("Leeds City",),
                       tuple(fast_mention(*r) for r in ROWS))
    _same(slow, fast)
    assert fast.count == 4 and fast.docs == ["d1", "d2"]
    assert vars(fast) == vars(slow) and list(vars(fast)) == list(vars(slow))
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.name = "x"  # type: ignore[misc]
    assert fast_entity("a:b", "B", "ORG") == Entity("a:b", "B", "ORG")
    assert fast_entity("a:b", "B", "ORG", hidden=True) == Entity("a:b", "B", "ORG", hidden=True)
    assert dataclasses.asdict(fast) == dataclasses.asdict(slow)


def test_unrow_inverts_row():
    e = Entity("person:munro", "Munro", "PERSON", ("Prof Munro",),
               tuple(Mention(*r) for r in ROWS))
    back = unrow(row(e))
    _same(e, back)
    assert [m.form for m in back.mentions] == [m.form for m in e.mentions]


def test_find_as_before():
    """The most mentioned entity so named, else the most mentioned so aliased; titles
    stripped when nothing matches."""
    m = [Mention("d", i, i + 1, "x") for i in range(4)]
    ents = [Entity("person:a", "Ann Lee", "PERSON", ("Lee",), tuple(m[:3])),
            Entity("person:b", "Lee", "PERSON", (), tuple(m[:1])),
            Entity("org:c", "Lee Group", "ORG", ("Ann Lee",), tuple(m[:2])),
            Entity("org:d", "Acme", "ORG", ("ACME Ltd",), tuple(m[:2]))]
    t = EntityTable(ents, {})
    assert t.find("Lee").id == "person:b"  # named so, though less mentioned than an alias
    assert t.find("ann lee").id == "person:a"
    assert t.find("Acme Ltd").id == "org:d"
    assert t.find("Dr Ann Lee").id == "person:a"
    assert t.find("org:c").id == "org:c"
    assert t.find("nobody") is None and t.find("") is None
