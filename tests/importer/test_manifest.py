"""A manifest applied on import (issue 14, item 5): dates, sources, authors and titles from a
CSV become the user's metadata; each bad row gets one line and the rest is applied."""

from __future__ import annotations

import json

import pytest

from reader.cli import main
from reader.library import Library

ARTICLES = {
    "a.txt": "Harbour levy\n\nThe port authority approved a levy on cruise ships.\n",
    "b.txt": "Tram line\n\nThe tram reopened after repairs to the viaduct.\n",
    "sub/c.txt": "Bridge toll\n\nThe bridge toll rises in April, the council said.\n",
}


def _folder(root, manifest: str | None = None, name: str = "reader-manifest.csv"):
    folder = root / "in"
    for rel, text in ARTICLES.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    if manifest is not None:
        (folder / name).write_text(manifest, encoding="utf-8")
    return folder


@pytest.fixture
def lib(tmp_path):
    library = Library.open(Library.create(tmp_path / "lib"))
    yield library
    library.close()


def _by_title(lib) -> dict:
    return {i.title: i for i in lib.articles.list()}


def test_a_manifest_in_the_folder_sets_metadata_and_reports_each_bad_row(lib, tmp_path):
    folder = _folder(tmp_path, (
        "Path,Date,Source,Author,Title,Notes\n"
        "a.txt,2015-03-03,Port News,Ann Lee,,checked\n"
        "b.txt,3/4/2015,City Paper,,\n"          # ambiguous date: the row is refused
        "missing.txt,2015-01-01,,,\n"            # no such file
        ",2015-01-01,,,\n"                        # no path
        "sub/c.txt,17 April 2014,,,Bridge toll to rise\n"))
    changes = lib.articles.import_paths([str(folder)])
    lines = [(o.status, o.path.removeprefix(str(folder)), o.reason) for o in changes.outcomes]
    manifest = "/reader-manifest.csv"
    assert [line for line in lines if line[1].startswith(manifest)] == [
        ("skipped", manifest, "manifest: 2 rows applied (date, source, author, title)"),
        ("skipped", manifest, "manifest columns not used: notes"),
        ("failed", f"{manifest} line 3", "date '3/4/2015' is not a date reader can read "
                                          "without guessing; give it as YYYY-MM-DD"),
        ("failed", f"{manifest} line 4", "missing.txt: no such file among the files imported"),
        ("failed", f"{manifest} line 5", "no path given"),
    ]
    assert sum(1 for s, *_ in lines if s == "imported") == 3  # the batch went on
    infos = _by_title(lib)
    a, c = infos["Harbour levy"], infos["Bridge toll to rise"]
    assert (a.date, a.source, a.author, a.user_set) == ("2015-03-03", "Port News", "Ann Lee",
                                                        ("date", "source", "author"))
    assert (c.date, c.date_from, c.user_set) == ("2014-04-17", "user", ("date", "title"))
    assert infos["Tram line"].user_set == ()
    assert changes.articles == {i.id for i in infos.values()}
    # The user's metadata, as `reader meta` sets it: undone the same way.
    lib.articles.undo_meta(a.id)
    assert lib.articles.info(a.id).date == ""


def test_an_explicit_manifest_elsewhere_with_semicolons_and_a_bom(lib, tmp_path):
    folder = _folder(tmp_path)
    sheet = tmp_path / "sheet.csv"
    sheet.write_bytes("\ufeffpath;date;source\nin/b.txt;2012-06-30;Städte Zeitung\n"
                      .encode("utf-8"))
    changes = lib.articles.import_paths([str(folder)], manifest=str(sheet))
    assert not [o for o in changes.outcomes if o.status == "failed"]
    tram = _by_title(lib)["Tram line"]
    assert (tram.date, tram.source) == ("2012-06-30", "Städte Zeitung")
    # Importing again: the files are duplicates and the values already set, so nothing new
    # is stored (one undo takes the manifest's values back).
    again = lib.articles.import_paths([str(folder)], manifest=str(sheet))
    assert {o.status for o in again.outcomes} == {"skipped"}
    assert again.articles == frozenset()
    lib.articles.undo_meta(tram.id)
    assert lib.articles.info(tram.id).user_set == ()


def test_a_manifest_given_among_the_files(lib, tmp_path):
    folder = _folder(tmp_path, "path,source\nb.txt,City Paper\n")
    given = [str(folder / "b.txt"), str(folder / "reader-manifest.csv")]
    outcomes = lib.articles.import_paths(given).outcomes
    assert [o.status for o in outcomes] == ["imported", "skipped"]
    assert _by_title(lib)["Tram line"].source == "City Paper"


def test_a_manifest_without_a_path_column_is_one_line(lib, tmp_path):
    folder = _folder(tmp_path, "file,date\na.txt,2015-03-03\n")
    outcomes = lib.articles.import_paths([str(folder)]).outcomes
    bad = [o for o in outcomes if o.status == "failed"]
    assert len(bad) == 1 and "'path' column" in bad[0].reason
    assert sum(1 for o in outcomes if o.status == "imported") == 3


def test_reader_import_manifest_from_the_command_line(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("READER_CORPUS", raising=False)
    data = Library.create(tmp_path / "lib")
    folder = _folder(tmp_path)
    sheet = tmp_path / "m.csv"
    sheet.write_text("path,author\nin/a.txt,Ann Lee\nin/zz.txt,Nobody\n", encoding="utf-8")
    code = main(["import", str(folder), "--manifest", str(sheet), "--data-dir", str(data),
                 "--no-nlp"])
    out = capsys.readouterr().out
    assert code == 0
    assert f"failed: {sheet} line 3 (zz.txt: no such file among the files imported)" in out
    assert main(["list", "--data-dir", str(data), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [a["author"] for a in listed if a["title"] == "Harbour levy"] == ["Ann Lee"]
