"""The catalogue cache: keyed by a file's place in its folder (a moved or copied library is
not parsed again), read from the old JSON cache once, and a damaged cache only rescans."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from pathlib import Path

import pytest

from reader import catalog_cache
from reader import corpus as corpus_mod
from reader.library import Library

STORY = ("The council voted on Wednesday to hand its children's services to an independent "
         "trust after a long and bitter debate. Opponents said the decision was rushed.")


@pytest.fixture
def place(tmp_path):
    """A corpus folder (one article in a subfolder) and a data dir with one import."""
    corpus = tmp_path / "here" / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "a.txt").write_text("Alpha title\n\nAlpha body about outsourcing.\n")
    (corpus / "sub" / "b.md").write_text("# Beta title\n\nBeta body.\n")
    (corpus / ".hidden.txt").write_text("Hidden\n\nNot listed.\n")
    (corpus / "notes.xyz").write_text("not an article type")
    data = tmp_path / "here" / "data"
    lib = Library.open(data, corpus)
    (tmp_path / "story.txt").write_text(f"Council votes\n\n{STORY}\n")
    assert lib.articles.import_paths([str(tmp_path / "story.txt")]).outcomes[0].status == \
        "imported"
    lib.articles.list()
    lib.close()
    return tmp_path / "here"


@pytest.fixture
def parses(monkeypatch):
    """The files parsed from now on (by name)."""
    calls: list[str] = []
    real = corpus_mod.importer.parse_file_all
    monkeypatch.setattr(corpus_mod.importer, "parse_file_all",
                        lambda p, **kw: calls.append(Path(p).name) or real(p, **kw))
    return calls


def _by_title(lib):
    return {i.title: i for i in lib.articles.list()}


def test_a_moved_library_and_corpus_are_not_parsed_again(place, tmp_path, parses):
    before = _by_title(Library.open(place / "data", place / "corpus"))
    moved = tmp_path / "elsewhere"
    shutil.copytree(place, moved, symlinks=True)  # copy2: mtimes kept, as `cp -a` does
    shutil.rmtree(place)
    lib = Library.open(moved / "data", moved / "corpus")
    after = _by_title(lib)
    assert parses == []
    assert set(after) == {"Alpha title", "Beta title", "Council votes"}
    beta = after["Beta title"]
    assert beta.path == str(moved / "corpus" / "sub" / "b.md")
    assert after["Council votes"].path.startswith(str(moved / "data" / "imports"))
    assert dataclasses.replace(beta, path="") == dataclasses.replace(before["Beta title"],
                                                                     path="")
    article = lib.articles.get(beta.id)  # the clean-article cache moved with the data
    assert parses == [] and article.path == beta.path and "Beta body." in article.body


def test_each_info_field_comes_back_from_the_cache(place, tmp_path, parses):
    from tests.importer.exports import NEXIS_UNI  # articles with a source, author and date

    data, corpus = place / "data", place / "corpus"
    (tmp_path / "nexis.txt").write_text(NEXIS_UNI)
    Library.open(data, corpus).articles.import_paths([str(tmp_path / "nexis.txt")])
    shutil.rmtree(data / "cache")
    parsed = _by_title(Library.open(data, corpus))  # from the files
    assert parses
    parses.clear()
    lib = Library.open(data, corpus)
    cached = _by_title(lib)  # from catalog.bin
    assert parses == [] and cached == parsed
    for info in cached.values():
        art = lib.articles.get(info.id)
        assert (info.id, info.title, info.source, info.author, info.date, info.date_from,
                info.path, info.sha, info.text_hash, info.bundled, info.words) == (
            art.id, art.title, art.source, art.author, art.date, art.date_from, art.path,
            art.sha, art.text_hash, art.bundled, len(art.body.split()))
    assert any(i.author and i.source and i.date for i in cached.values())
    assert cached["Alpha title"].path == str(corpus / "a.txt")
    assert cached["Alpha title"].bundled and not cached["Council votes"].bundled


def test_the_old_json_cache_is_read_once_then_replaced(place, parses):
    data, corpus = place / "data", place / "corpus"
    lib = Library.open(data, corpus)
    infos = lib.articles.list()
    old = {}  # the layout written before catalog.bin: absolute paths, dicts
    fps = catalog_cache.load_fingerprints(data / "cache" / "catalog-fp.bin",
                                          corpus_mod.CATALOG_VERSION)
    for info in infos:
        key = lib._catalog._key(info.path, info.bundled)
        st = os.stat(info.path)
        old[info.path] = {"size": st.st_size, "mtime": st.st_mtime_ns, "articles": [
            {"info": dataclasses.asdict(info), "fp": fps[key][1][0]}]}
    (data / "cache" / "catalog.bin").unlink()
    (data / "cache" / "catalog-fp.bin").unlink()
    (data / "cache" / "catalog.json").write_text(
        json.dumps({"version": corpus_mod.CATALOG_VERSION, "entries": old}))
    again = Library.open(data, corpus)
    assert {i.id for i in again.articles.list()} == {i.id for i in infos}
    assert parses == []
    assert not (data / "cache" / "catalog.json").exists()
    assert (data / "cache" / "catalog.bin").exists()
    assert (data / "cache" / "catalog-fp.bin").exists()


@pytest.mark.parametrize("damage", ["flip", "truncate", "foreign"])
def test_a_damaged_cache_only_rescans(place, parses, damage):
    data, corpus = place / "data", place / "corpus"
    file = data / "cache" / "catalog.bin"
    raw = bytearray(file.read_bytes())
    if damage == "flip":
        raw[len(raw) // 2] ^= 0xFF
    elif damage == "truncate":
        del raw[len(raw) // 2:]
    else:
        raw = bytearray(b"\x00" * 64)
    file.write_bytes(bytes(raw))
    titles = set(_by_title(Library.open(data, corpus)))
    assert titles == {"Alpha title", "Beta title", "Council votes"}
    assert len(parses) == 3  # every file parsed again, nothing else went wrong


def test_a_stale_fingerprint_is_worked_out_again(place, tmp_path):
    data, corpus = place / "data", place / "corpus"
    lib = Library.open(data, corpus)
    (corpus / "update.txt").write_text(f"Council votes (updated)\n\n{STORY} More to come.\n")
    lib.articles.list()
    (data / "cache" / "catalog-fp.bin").write_bytes(b"lost")
    catalog = corpus_mod.Catalog(lib.paths)
    catalog.refresh()
    ids = {i.title: i.id for i in catalog.infos()}
    pairs = {(doc, match[0]) for doc, match in catalog.near_duplicates.items()}
    assert pairs == {(ids["Council votes"], ids["Council votes (updated)"])}


def test_unlisted_entries_are_reported_like_an_import(place):
    corpus = place / "corpus"
    os.mkfifo(corpus / "pipe.txt")
    (corpus / "out.txt").symlink_to(place.parent / "outside.txt")
    (place.parent / "outside.txt").write_text("Outside\n\nA file outside the corpus.\n")
    lib = Library.open(place / "data", corpus)
    assert len(lib.articles.list()) == 3
    problems = lib.articles.problems
    assert any("pipe.txt" in p and "named pipe" in p for p in problems)
    assert any("out.txt" in p and "outside the imported folder" in p for p in problems)


def test_a_file_edited_in_place_leaves_the_fingerprint_file_until_a_check(place, monkeypatch):
    """A few files parsed again do not cost reading and writing every fingerprint: the file
    keeps their stale prints (never used: each carries its file's sha) until a near-duplicate
    check works them out and saves them."""
    data, corpus = place / "data", place / "corpus"
    fp_file = data / "cache" / "catalog-fp.bin"
    before = fp_file.read_bytes()
    (corpus / "a.txt").write_text(f"Council votes again\n\n{STORY} Still debated.\n")
    catalog = corpus_mod.Catalog(Library.open(data, corpus).paths)
    catalog.refresh()
    assert fp_file.read_bytes() == before
    ids = {i.title: i.id for i in catalog.infos()}
    pairs = {(doc, match[0]) for doc, match in catalog.near_duplicates.items()}
    assert pairs == {(ids["Council votes again"], ids["Council votes"])} or \
        pairs == {(ids["Council votes"], ids["Council votes again"])}
    saved = catalog_cache.load_fingerprints(fp_file, corpus_mod.CATALOG_VERSION)
    assert saved["c:a.txt"][0] == catalog.info(ids["Council votes again"]).sha
    # A new catalogue reads them as saved (nothing worked out again) and finds the same.
    worked: list[str] = []
    real = corpus_mod.fingerprint
    monkeypatch.setattr(corpus_mod, "fingerprint", lambda body: worked.append(body) or real(body))
    again = corpus_mod.Catalog(catalog.paths)
    again.refresh()
    assert again.near_duplicates == catalog.near_duplicates
    assert worked == []
