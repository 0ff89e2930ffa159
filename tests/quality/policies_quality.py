"""Policy quality on real news nobody tuned reader for (issue 13, item 6).

Reads reader's policy table for an analysed data dir holding the BBC News 2004-05 sample
(`/work/shared/corpora/bbc-news-2004-05-four-sections.tgz`) and prints:

- proposal precision: of the judged proposals reader lists, those judged real proposals
  (a measure proposed, planned or called for; not an opinion, a prediction, a firm's plan),
- proposer accuracy: of the real ones, those whose proposer is judged right,
- discovered policies: for the ten most covered policies of the business section (annotated
  by hand: a label, the articles that name it, who proposes it), whether a discovered
  candidate has an article set with F1 >= 0.6 against the annotation, and whether that
  candidate's main proposer is one of the annotated proposers.

Only judgments live in the repo, never article text: `policy_proposals_bbc.json` (doc id,
offsets, verdicts, the proposer judged) and `policies_bbc_business.json` (policies: label,
doc ids, proposers). They are measurement data: reader's code never reads them. A proposal
reader lists that nobody has judged, or whose proposer changed since it was judged, is
printed as "unjudged" (read it in context, judge it and add it to the JSON).

    python tests/quality/policies_quality.py --data-dir /tmp/polqual-data   # analysed data dir
    python tests/quality/policies_quality.py --data-dir D --timing          # + discovery's cost

`--timing` builds the policy table in-process twice from the NLP cache (no cache reuse),
with and without discovery, and prints the share discovery adds.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script: `tests.quality` importable
    sys.path.insert(0, str(ROOT))

from tests.quality.entities_quality import CORPUS, load_corpus  # noqa: E402 (after the path)

PROPOSALS = Path(__file__).with_name("policy_proposals_bbc.json")
POLICIES = Path(__file__).with_name("policies_bbc_business.json")
MIN_F1 = 0.6
SECTION = "business/"


def _reader(*args: str) -> str:
    cmd = [sys.executable, "-m", "reader", *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT).stdout


def tables_from_data_dir(data_dir: Path) -> tuple[list[dict], list[dict]]:
    """(`reader policies --json`, `reader policies proposals --json`) of a data dir."""
    pols = json.loads(_reader("--data-dir", str(data_dir), "policies", "--json"))
    props = json.loads(_reader("--data-dir", str(data_dir), "policies", "proposals", "--json"))
    return pols, props


def _pct(n: int, d: int) -> str:
    return f"{100 * n / d:.1f} % ({n}/{d})" if d else "n/a"


# ---------------------------------------------------------------- proposals


def judge_proposals(props: list[dict], judgments: list[dict]) -> dict:
    """Precision and proposer accuracy over the listed proposals that are judged.

    A judgment holds `proposer` (the proposer listed when it was judged) and
    `proposer_right`; `right` lists other proposers judged right. A listed proposal whose
    proposer is neither is counted for precision but left out of proposer accuracy."""
    by_span = {(j["doc"], j["start"]): j for j in judgments}
    judged = real = right = 0
    unjudged, rejudge, wrong, not_props = [], [], [], []
    for p in props:
        j = by_span.get((p["doc"], p["start"]))
        if j is None:
            unjudged.append(p)
            continue
        judged += 1
        if not j["proposal"]:
            not_props.append(p)
            continue
        real += 1
        if p["proposer"] in j.get("right", ()):
            ok = True
        elif p["proposer"] == j.get("proposer", p["proposer"]):
            ok = bool(j["proposer_right"])
        else:
            rejudge.append(p)
            continue
        right += ok
        if not ok:
            wrong.append(p)
    scored = real - len(rejudge)
    return {"listed": len(props), "judged": judged, "real": real, "right": right,
            "scored": scored, "unjudged": unjudged, "rejudge": rejudge, "wrong": wrong,
            "not_proposals": not_props}


# ---------------------------------------------------------------- discovery


def _norm(name: str | None) -> str:
    """"person:george-w-bush" / "George W Bush" -> "george w bush"."""
    name = (name or "").split(":", 1)[-1]
    return " ".join(re.sub(r"[^a-z0-9]+", " ", name.lower()).split())


def main_proposer(candidate: dict) -> str | None:
    """The actor of most of the candidate's proposes/supports mentions, else of any."""
    for stances in (("proposes", "supports"), None):
        counts: dict[str, int] = {}
        for m in candidate["mentions"]:
            if m.get("actor") and (stances is None or m["stance"] in stances):
                counts[m["actor"]] = counts.get(m["actor"], 0) + 1
        if counts:
            return max(sorted(counts), key=counts.get)
    return None


def proposer_matches(actor: str | None, proposers: list[str]) -> bool:
    got = _norm(actor)
    if not got:
        return False
    for name in proposers:
        want = _norm(name)
        if got == want or got.endswith(" " + want) or want.endswith(" " + got):
            return True
    return False


def f1(found: set[str], truth: set[str]) -> float:
    hit = len(found & truth)
    return 2 * hit / (len(found) + len(truth)) if hit else 0.0


def judge_discovery(pols: list[dict], annotated: list[dict], section: set[str]) -> dict:
    """For each annotated policy: the discovered candidate with the best F1 (articles of the
    section only; annotated articles missing from the table do not count)."""
    cands = [p for p in pols if p.get("discovered")]
    analysed = section & {d for p in pols for d in p.get("docs", ())}
    analysed |= section & {m["doc"] for p in pols for m in p["mentions"]}
    rows = []
    for pol in annotated:
        truth = set(pol["docs"]) & section
        best, score = None, 0.0
        for c in cands:
            s = f1(set(c["docs"]) & section, truth)
            if s > score:
                best, score = c, s
        proposer = main_proposer(best) if best else None
        rows.append({"label": pol["label"], "articles": len(truth),
                     "candidate": best["label"] if best else None,
                     "candidate_articles": len(set(best["docs"]) & section) if best else 0,
                     "f1": score, "found": score >= MIN_F1, "proposer": proposer,
                     "proposer_right": score >= MIN_F1 and proposer_matches(
                         proposer, pol["proposers"])})
    return {"rows": rows, "candidates": len(cands), "analysed": len(analysed)}


# ---------------------------------------------------------------- the report


def report(pols: list[dict], props: list[dict], proposal_judgments: dict,
           policy_judgments: dict, section: set[str], show: bool = False,
           archive: set[str] | None = None) -> dict:
    if archive is not None:  # the archive's articles, not others in the data dir
        props = [x for x in props if x["doc"] in archive]
    p = judge_proposals(props, proposal_judgments["judgments"])
    print(f"Proposals listed: {p['listed']}, judged {p['judged']}")
    print(f"  precision:       {_pct(p['real'], p['judged'])}")
    print(f"  proposer right:  {_pct(p['right'], p['scored'])}")
    for label, items in (("not a proposal", p["not_proposals"]), ("wrong proposer", p["wrong"]),
                         ("proposer changed, re-judge", p["rejudge"]),
                         ("unjudged", p["unjudged"])):
        for item in items:
            line = f"    {label}: {item['doc']}@{item['start']}-{item['end']} " \
                   f"proposer={item['proposer']} object={item['object']!r}"
            print(line + (f"\n      {item['text']}" if show else ""))
    d = judge_discovery(pols, policy_judgments["policies"], section)
    found = sum(r["found"] for r in d["rows"])
    right = sum(r["proposer_right"] for r in d["rows"])
    print(f"Discovered policies ({d['candidates']} candidates; {len(section)} articles in "
          f"the section):")
    for r in d["rows"]:
        print(f"  {'found' if r['found'] else 'MISSED':6} F1 {r['f1']:.2f} "
              f"{r['label']!r} ({r['articles']} articles) <- {r['candidate']!r} "
              f"({r['candidate_articles']}); proposer {r['proposer']} "
              f"{'right' if r['proposer_right'] else 'wrong'}")
    print(f"  found (F1 >= {MIN_F1}): {found}/{len(d['rows'])}; proposer right: "
          f"{right}/{len(d['rows'])}")
    return {"proposals": p, "discovery": d, "found": found, "proposer_right": right}


def section_docs(prefix: str = SECTION) -> set[str]:
    return {doc_id for doc_id, d in load_corpus().items() if d.member.startswith(prefix)}


# ---------------------------------------------------------------- discovery's cost


def time_discovery(data_dir: Path, rounds: int = 2) -> dict:
    """CPU seconds of this process to build the policy table from the NLP cache with and
    without discovery (the per-article facts and the grouping), best of `rounds` each;
    in-process, no cache reuse, actors resolved against the entity table as the app does.
    CPU time rather than wall time: the machines measured are shared and loaded."""
    from reader.extraction import nlp
    from reader.extraction import policies as pol
    from reader.extraction.policies import build
    from reader.extraction.policies.discovery import DocFacts
    from reader.library import Library

    lib = Library.open(data_dir)
    try:
        tables = lib._tables  # noqa: SLF001 (a measurement reaches past the facade)
        infos = tables._infos()  # noqa: SLF001
        entities = tables.entities()
        codebook = pol.load_codebook(lib.paths.resources_dir / "codebook.toml")

        def resolve(name):
            found = entities.find(name)
            return found.id if found is not None else None

        def one() -> float:
            analyses = nlp.CachedAnalyses(lib.paths.cache_dir, {i.id: i.text_hash for i in infos})
            start = time.process_time()
            build.build_policies(infos, analyses, codebook, (), resolve,
                                 load=lib._catalog.load,  # noqa: SLF001
                                 resources_dir=lib.paths.resources_dir)
            return time.process_time() - start

        saved = build.doc_facts, build.discover
        out = {}
        for name in ("without", "with") * rounds:
            if name == "without":
                build.doc_facts = lambda *a, **k: DocFacts()
                build.discover = lambda *a, **k: []
            try:
                out.setdefault(name, []).append(one())
            finally:
                build.doc_facts, build.discover = saved
        best = {k: min(v) for k, v in out.items()}
        best["added"] = best["with"] / best["without"] - 1
        best["articles"] = len(infos)
        return best
    finally:
        lib.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, required=True, help="an analysed data dir")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--show", action="store_true", help="print the sentences")
    ap.add_argument("--timing", action="store_true", help="measure discovery's cost")
    args = ap.parse_args(argv)
    if not args.corpus.exists():
        print(f"{args.corpus} is absent: nothing to measure")
        return 0
    pols, props = tables_from_data_dir(args.data_dir)
    report(pols, props, json.loads(PROPOSALS.read_text(encoding="utf-8")),
           json.loads(POLICIES.read_text(encoding="utf-8")), section_docs(), args.show,
           set(load_corpus(args.corpus)))
    if args.timing:
        t = time_discovery(args.data_dir)
        print(f"Policy table of {t['articles']} articles from the NLP cache: "
              f"{t['with']:.1f} s CPU with discovery, {t['without']:.1f} s without: "
              f"discovery adds {100 * t['added']:.0f} %")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
