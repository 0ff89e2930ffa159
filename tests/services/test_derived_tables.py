"""Derived tables kept across updates: the entity cache is not parsed again after an update
unless its file changed; the NLP cache is checked once for both tables."""

from __future__ import annotations

import json

import pytest

from reader.services import derived
from reader.services.derived import KeptCache


def test_kept_cache_is_handed_on_until_its_file_changes(tmp_path):
    path = tmp_path / "entities.json"
    path.write_text(json.dumps({"a": 1}))
    kept = KeptCache(path)
    assert kept.get() is None  # nothing kept yet: read the file
    raw = derived.read_cache(path)
    kept.keep(raw)
    assert kept.get() is raw
    derived.atomic_write(path, json.dumps({"a": 2}))  # another process wrote it
    assert kept.get() is None
    path.unlink()
    kept.keep({"a": 3})  # written nowhere (a read-only data dir): nothing to compare with
    assert kept.get() is None


def test_bytes_are_kept_beside_the_cache_json(tmp_path, caplog):
    path = tmp_path / "t.json"
    data = {"format": 1, "table": b"\x00tab\xff", "state": b"st" * 1000, "n": [1]}
    derived.dump_cache(path, data)
    assert (tmp_path / "t.table.bin").read_bytes() == data["table"]
    assert (tmp_path / "t.state.bin").read_bytes() == data["state"]
    assert len(path.read_bytes()) < 200  # the JSON names the files
    assert derived.read_cache(path) == data
    (tmp_path / "t.state.bin").write_bytes(b"ts" * 1000)  # same size, other content
    assert derived.read_cache(path) == {k: v for k, v in data.items() if k != "state"}
    (tmp_path / "t.table.bin").unlink()
    assert derived.read_cache(path) == {"format": 1, "n": [1]}
    assert caplog.text.count("rebuilding it") == 3


@pytest.mark.spacy
@pytest.mark.parametrize("harm", ["state", "table"])
def test_a_damaged_file_beside_the_entity_cache_is_survived(harm, indexed_data, caplog):
    from reader.library import Library

    lib = Library.open(data_dir=indexed_data)
    before = [e.to_json() for e in lib.entities.list()]
    lib.close()
    side = indexed_data / "cache" / f"entities.{harm}.bin"
    blob = side.read_bytes()
    side.write_bytes(blob[:-1] + bytes([blob[-1] ^ 1]))
    lib = Library.open(data_dir=indexed_data)
    assert [e.to_json() for e in lib.entities.list()] == before
    lib.close()
    assert "rebuilding it" in caplog.text
    if harm == "table":  # rebuilt and written again
        assert "table" in derived.read_cache(indexed_data / "cache" / "entities.json")


@pytest.mark.spacy
def test_an_update_reuses_the_entity_cache_in_memory(indexed_data, monkeypatch):
    from reader.library import Library

    lib = Library.open(data_dir=indexed_data)
    before = lib.entities.list()
    reads: list[str] = []
    real = derived.read_cache

    def counting(path):
        reads.append(path.name)
        return real(path)

    monkeypatch.setattr(derived, "read_cache", counting)
    lib.indexing.update()  # nothing changed: tables as they were
    lib._tables.invalidate(extraction=True)  # what an import or an edited article does
    assert [e.id for e in lib.entities.list()] == [e.id for e in before]
    assert "entities.json" not in reads
    lib.close()


@pytest.mark.parametrize("data", [
    {},
    {"format": 4, "fingerprint": "ab12", "state": "QUJD+/==" * 1000, "none": None},
    {"quote": 'a"b', "backslash": "a\\b", "control": "a\x01b", "tab": "\t", "del": "a\x7fb",
     "accent": "café", "astral": "\U0001f600", "empty": "", 1: "int key", "list": [1, "x"],
     "nested": {"k": "v"}, 'key"': "plain", "é": "plain"},
])
def test_cache_json_is_what_json_dumps_writes(data):
    assert b"".join(derived.json_parts(data)) == json.dumps(data, separators=(",", ":")).encode()


def test_a_table_build_leaves_no_young_objects_to_the_collector(monkeypatch):
    import gc

    monkeypatch.setattr(derived.threading, "active_count", lambda: 1)  # this thread alone
    assert gc.isenabled()
    with derived.bulk():
        assert not gc.isenabled()
        with derived.bulk():  # nested: the outer one settles
            made = [[n] for n in range(50_000)]
        assert not gc.isenabled()
    assert gc.isenabled()
    assert gc.get_count()[0] < 100  # promoted, not left for a young collection
    assert any(o is made for o in gc.get_objects(generation=2))  # in the oldest generation
    try:
        with derived.bulk():
            raise KeyError("x")
    except KeyError:
        pass
    assert gc.isenabled()


def test_with_other_threads_a_table_build_leaves_the_collector_as_it_was(monkeypatch):
    import gc

    monkeypatch.setattr(derived.threading, "active_count", lambda: 2)
    with derived.bulk():
        assert not gc.isenabled()
        made = [[n] for n in range(1000)]
    assert gc.isenabled()
    assert not any(o is made for o in gc.get_objects(generation=2))  # young, as it was made
