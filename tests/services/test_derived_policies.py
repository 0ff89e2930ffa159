"""The policy table's cache in a library: its discovery facts kept as bytes beside
policies.json; a damaged or missing file rebuilt with a log line; after a change, the table
built from the earlier cache equals one built from nothing."""

from __future__ import annotations

import logging

import pytest

from reader.extraction.policies.facts import unpack_facts
from reader.extraction.policies.keyindex import KeyIndex
from reader.services import derived


def _content(table) -> dict:
    """The table's cache as the file holds it, its discovery facts and key index as their
    content (an article's keys in any order: the order a set gave them)."""
    data = table.to_cache(raw_facts=True)
    facts = {d: (dict(f.keys), f.roles, f.acted, f.units, f.texts)
             for d, f in unpack_facts(data.pop("facts")).items()}
    index = KeyIndex.unpacked(data.pop("index"))
    assert isinstance(data, dict) and index is not None
    return {**data, "facts": facts, "index": index.content()}


def _fresh(data_dir):
    """The policy table of a new Library, its cache deleted first (built from nothing)."""
    from reader.library import Library

    for name in ("policies.json", "policies.facts.bin"):
        (data_dir / "cache" / name).unlink(missing_ok=True)
    lib = Library.open(data_dir=data_dir)
    try:
        return _content(lib._tables.policies())
    finally:
        lib.close()


def _no_traceback(caplog) -> None:
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


@pytest.mark.spacy
@pytest.mark.parametrize("harm", ["damaged", "missing", "json", "index"])
def test_a_damaged_or_missing_policy_cache_is_rebuilt(harm, indexed_data, caplog):
    from reader.library import Library

    cache = indexed_data / "cache"
    assert isinstance(derived.read_cache(cache / "policies.json")["facts"], bytes)
    lib = Library.open(data_dir=indexed_data)
    before = _content(lib._tables.policies())
    lib.close()
    side = cache / "policies.facts.bin"
    if harm == "damaged":
        blob = side.read_bytes()
        side.write_bytes(blob[:-1] + bytes([blob[-1] ^ 1]))
    elif harm == "missing":
        side.unlink()
    elif harm == "index":  # the table is still read from the cache; the index made again
        (cache / "policies.index.bin").write_bytes(b"\x00")
    else:
        (cache / "policies.json").write_text('{"version": 3, "polic')
    caplog.set_level(logging.INFO)
    lib = Library.open(data_dir=indexed_data)
    assert _content(lib._tables.policies()) == before
    lib.close()
    assert "rebuilding it" in caplog.text
    _no_traceback(caplog)
    assert isinstance(derived.read_cache(cache / "policies.json")["facts"], bytes)  # written


@pytest.mark.spacy
def test_after_a_change_the_policy_table_equals_one_built_from_nothing(indexed_data, tmp_path):
    from reader.library import Library

    lib = Library.open(data_dir=indexed_data)
    infos = lib.articles.list()
    first, other = lib.articles.get(infos[0].id), lib.articles.get(infos[1].id)
    # An article of its own with a paragraph of another: its keys are named twice now.
    new = tmp_path / "added.txt"
    new.write_text(f"{first.title}\n\n{first.body}\n\n{other.body.split(chr(10) * 2)[-1]}\n",
                   encoding="utf-8")
    lib.articles.import_paths([str(new)])
    lib.indexing.update()
    incremental = _content(lib._tables.policies())
    lib.close()
    assert incremental == _fresh(indexed_data)
    # ... and edited again: a paragraph cut, the key index lost (made again from the facts).
    (indexed_data / "cache" / "policies.index.bin").unlink()
    lib = Library.open(data_dir=indexed_data)
    path = next((indexed_data / "imports").rglob("*added*"))
    path.write_text(path.read_text(encoding="utf-8").rsplit("\n\n", 2)[0] + "\n",
                    encoding="utf-8")
    lib.indexing.update()
    incremental = _content(lib._tables.policies())
    lib.close()
    assert incremental == _fresh(indexed_data)
