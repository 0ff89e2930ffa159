"""The policy quality harness (policies_quality.py) on the BBC News archive.

Fast: the judgments are checked against the archive and the figures come out of small
tables. With an analysed data dir in READER_POLQ_DATA, the whole report runs on it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.quality import policies_quality as pq

pytestmark = pytest.mark.skipif(not pq.CORPUS.exists(),
                                reason=f"{pq.CORPUS} absent (/work/shared not mounted): "
                                       "policy quality not measured")


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_judgments_name_real_articles():
    docs = pq.load_corpus()
    for j in _load(pq.PROPOSALS)["judgments"]:
        body = docs[j["doc"]].body
        assert 0 <= j["start"] < j["end"] <= len(body), j
        assert body[j["start"]:j["end"]].strip(), j
    policies = _load(pq.POLICIES)["policies"]
    assert len(policies) == 10
    section = pq.section_docs()
    for pol in policies:
        assert pol["docs"] and set(pol["docs"]) <= section, pol["label"]
        assert pol["proposers"], pol["label"]


def test_figures_from_small_tables():
    props_j = _load(pq.PROPOSALS)
    pols_j = _load(pq.POLICIES)
    real = next(j for j in props_j["judgments"] if j["proposal"] and j["proposer_right"])
    fake = next(j for j in props_j["judgments"] if not j["proposal"])
    props = [{"doc": j["doc"], "start": j["start"], "end": j["end"], "text": "",
              "proposer": j.get("proposer"), "object": "x"} for j in (real, fake)]
    props.append({"doc": "nowhere", "start": 0, "end": 1, "text": "", "proposer": None,
                  "object": "y"})
    first = pols_j["policies"][0]
    docs = first["docs"]
    cand = {"id": "discovered-x", "label": "X", "discovered": True, "docs": docs[:-1],
            "mentions": [{"doc": d, "actor": "organisation:" + first["proposers"][0].lower()
                          .replace(" ", "-"), "stance": "proposes"} for d in docs[:3]]}
    out = pq.report([cand], props, props_j, {"policies": [first]}, pq.section_docs())
    p = out["proposals"]
    assert (p["judged"], p["real"], p["right"], len(p["unjudged"])) == (2, 1, 1, 1)
    row = out["discovery"]["rows"][0]
    assert row["found"] and row["proposer_right"]
    assert row["f1"] == pytest.approx(2 * (len(docs) - 1) / (2 * len(docs) - 1))


def test_proposer_names_match_entity_ids():
    assert pq.proposer_matches("person:george-w-bush", ["Bush"])
    assert pq.proposer_matches("organisation:federal-reserve", ["Federal Reserve"])
    assert not pq.proposer_matches("person:gordon-brown", ["Bush"])
    assert not pq.proposer_matches(None, ["Bush"])


@pytest.mark.skipif(not os.environ.get("READER_POLQ_DATA"),
                    reason="set READER_POLQ_DATA to an analysed data dir to run the report")
def test_report_on_an_analysed_data_dir():
    pols, props = pq.tables_from_data_dir(Path(os.environ["READER_POLQ_DATA"]))
    out = pq.report(pols, props, _load(pq.PROPOSALS), _load(pq.POLICIES), pq.section_docs())
    assert out["proposals"]["judged"] >= 1
