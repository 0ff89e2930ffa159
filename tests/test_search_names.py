"""Words that are names as often as not ("US", "May", "Who", "IT") are searchable: no stop list."""

from __future__ import annotations

import json

import pytest

from reader.cli import main

ARTICLES = {
    "us-troops.txt": ("US troops leave the base",
                      "The US said its troops would leave by spring. Officials confirmed it."),
    "theresa-may.txt": ("Theresa May visits a school",
                        "Theresa May said that teachers deserve more support this year."),
    "may-day.txt": ("Rain in the spring",
                    "It may rain in May. Farmers said the troops of volunteers would help."),
    "who-report.txt": ("WHO report on vaccines",
                       "The Who played a concert. The WHO published a report on vaccines."),
    "it-budget.txt": ("IT budget grows", "The council's IT department will get a new budget."),
    "plain.txt": ("Council budget news", "The council agreed a budget for roads and schools."),
}


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, (title, body) in ARTICLES.items():
        (folder / name).write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    monkeypatch.setenv("READER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("READER_CORPUS", str(folder))
    return folder


def search(capsys, query: str) -> dict:
    assert main(["search", query, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def titles(result: dict) -> set[str]:
    return {h["title"] for h in result["hits"]}


def test_us_finds_the_us_article(corpus, capsys):
    assert titles(search(capsys, "US")) == {"US troops leave the base"}


def test_theresa_may_phrase(corpus, capsys):
    result = search(capsys, '"Theresa May"')
    assert titles(result) == {"Theresa May visits a school"}
    assert "<b>Theresa</b> <b>May</b>" in result["hits"][0]["snippet"]


def test_us_troops_is_not_just_troops(corpus, capsys):
    assert titles(search(capsys, '"US troops"')) == {"US troops leave the base"}


def test_may_who_it(corpus, capsys):
    assert titles(search(capsys, "May")) == {"Theresa May visits a school",
                                             "Rain in the spring"}
    assert titles(search(capsys, "who")) == {"WHO report on vaccines"}
    assert titles(search(capsys, "IT")) == {"IT budget grows", "Rain in the spring",
                                            "US troops leave the base"}
