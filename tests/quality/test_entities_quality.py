"""The entity quality harness (entities_quality.py) on the BBC News archive.

Fast: the judgments load and the harness's figures come out of a table. With an analysed
data dir in READER_ENTQ_DATA, the whole report runs on it; the from-scratch path (import +
spaCy over 1,800 articles) only runs with READER_ENTQ_SLOW=1, never in CI."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.quality import entities_quality as eq

pytestmark = pytest.mark.skipif(not eq.CORPUS.exists(),
                                reason=f"{eq.CORPUS} absent (/work/shared not mounted): "
                                       "entity quality not measured")


def _judgments() -> dict:
    return json.loads(eq.JUDGMENTS.read_text(encoding="utf-8"))


def test_judgments_name_real_articles_and_offsets():
    docs = eq.load_corpus()
    judged = _judgments()
    for name, person in judged["people"].items():
        surname = name.split()[-1]
        for key in person["mentions"]:
            doc, start = key.split("@")
            body = docs[doc].body
            assert body[int(start):int(start) + len(surname)] == surname, key


def test_figures_from_a_table():
    docs = eq.load_corpus()
    judged = _judgments()
    doc, start = next(iter(judged["people"]["Andy Roddick"]["mentions"])).split("@")
    table = [
        {"name": "US", "type": "Place", "aliases": [], "count": 9, "mentions": [], "docs": []},
        {"name": "Yukos", "type": "Person", "aliases": [], "count": 8, "mentions": [],
         "docs": []},
        {"name": "Nintendo", "type": "Organisation", "aliases": ["Market leader Nintendo"],
         "count": 7, "mentions": [], "docs": []},
        {"name": "Andy Roddick", "type": "Person", "aliases": ["Roddick"], "count": 6,
         "docs": [doc], "mentions": [{"doc": doc, "start": int(start),
                                      "end": int(start) + 7, "text": "Roddick"}]},
    ]
    out = eq.report(table, docs, judged)
    top = out["top"]
    assert (top["judged"], top["real"], top["typed"], top["merged"]) == (4, 4, 3, 3)
    assert [r["name"] for r in out["people"]] == ["Andy Roddick"]
    assert out["people"][0]["tp"] == 1 and out["people"][0]["fp"] == 0


@pytest.mark.skipif(not os.environ.get("READER_ENTQ_DATA"),
                    reason="set READER_ENTQ_DATA to an analysed data dir to run the report")
def test_report_on_an_analysed_data_dir():
    table = eq.table_from_data_dir(Path(os.environ["READER_ENTQ_DATA"]))
    out = eq.report(table, eq.load_corpus(), _judgments())
    assert out["top"]["judged"] >= 1


@pytest.mark.spacy
@pytest.mark.skipif(not os.environ.get("READER_ENTQ_SLOW"),
                    reason="from scratch: import + spaCy on 1,800 articles (READER_ENTQ_SLOW=1)")
def test_report_from_scratch():
    out = eq.report(eq.table_from_scratch(), eq.load_corpus(), _judgments())
    assert out["top"]["judged"] >= 1
