"""Entity quality on real news nobody tuned reader for (issue 12, item 6).

Reads the BBC News 2004-05 sample (`/work/shared/corpora/bbc-news-2004-05-four-sections.tgz`)
at run time, takes reader's entity table for it and prints:

- precision of the top 50 entities (each judged real / junk),
- typed-right % (of the real ones: the type reader gives equals the judged type),
- merged-right % (of the real ones: every alias judged to name the same thing, and the
  entity not judged split from another top-50 entity),
- mention recall / precision for the five most mentioned people, against their surname
  occurrences in the raw texts (a fixed sample of occurrences, each judged in context).

Only judgments live in the repo (`entities_judgments_bbc.json`: entity names -> verdict,
type, alias verdicts; mention keys "doc@offset" -> refers to the person or not), never
article text. The judgments are measurement data: reader's code never reads them. What the
current output shows and nobody has judged yet is printed as "unjudged" (judge it and add
it to the JSON; the figures are computed over judged items only and say how many).

    python tests/quality/entities_quality.py --data-dir /tmp/entq2-bench   # analysed data dir
    python tests/quality/entities_quality.py --from-scratch               # import + spaCy (slow)
    python tests/quality/entities_quality.py --table out.json             # a saved table

`--from-scratch` imports every article of the archive into a fresh data dir and runs
`reader index` (spaCy, tens of minutes): CI never runs it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path("/work/shared/corpora/bbc-news-2004-05-four-sections.tgz")
JUDGMENTS = Path(__file__).with_name("entities_judgments_bbc.json")
TOP = 50
PEOPLE = 5
SAMPLE = 20  # surname occurrences judged per person


@dataclass(frozen=True)
class Doc:
    member: str  # e.g. "sport/424.txt"
    title: str
    body: str  # as reader keeps it: the text after the first line, stripped


def load_corpus(tgz: Path = CORPUS) -> dict[str, Doc]:
    """{reader's article id: Doc}; reader names an imported file `<stem>-<sha256[:8]>`."""
    docs: dict[str, Doc] = {}
    with tarfile.open(tgz) as tf:
        for m in tf.getmembers():
            if not (m.isfile() and m.name.endswith(".txt")) or "README" in m.name:
                continue
            raw = tf.extractfile(m).read()
            stem = Path(m.name).stem
            doc_id = f"{stem}-{hashlib.sha256(raw).hexdigest()[:8]}"
            text = raw.decode("utf-8", errors="replace")
            title, _, body = text.partition("\n")
            docs[doc_id] = Doc(m.name.removeprefix("./"), title.strip(), body.strip())
    return docs


def _reader(*args: str) -> str:
    cmd = [sys.executable, "-m", "reader", *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def table_from_data_dir(data_dir: Path) -> list[dict]:
    return json.loads(_reader("--data-dir", str(data_dir), "entities", "--json"))


def table_from_scratch(tgz: Path = CORPUS) -> list[dict]:
    """Import the whole archive into a fresh data dir and analyse it (slow: spaCy)."""
    with tempfile.TemporaryDirectory(prefix="entq-") as tmp:
        src, data = Path(tmp, "src"), Path(tmp, "data")
        with tarfile.open(tgz) as tf:
            tf.extractall(src, filter="data")
        for readme in src.rglob("README*"):
            readme.unlink()
        _reader("--data-dir", str(data), "import", str(src))
        _reader("--data-dir", str(data), "index")
        return table_from_data_dir(data)


# ---------------------------------------------------------------- figures


def _pct(n: int, d: int) -> str:
    return f"{100 * n / d:.1f} % ({n}/{d})" if d else "n/a"


def top_entities(table: list[dict], n: int = TOP) -> list[dict]:
    shown = [e for e in table if not e.get("hidden")]
    return sorted(shown, key=lambda e: (-e["count"], e["name"].lower()))[:n]


def judge_top(top: list[dict], judged: dict) -> dict:
    real = junk = typed = merged = 0
    unjudged, wrong_type, wrong_merge, junk_names = [], [], [], []
    for e in top:
        j = judged.get(e["name"])
        if j is None:
            unjudged.append(e["name"])
            continue
        if j["verdict"] != "real":
            junk += 1
            junk_names.append(e["name"])
            continue
        real += 1
        if j["type"] == e["type"]:
            typed += 1
        else:
            wrong_type.append(f"{e['name']} ({e['type']}, is {j['type']})")
        verdicts = j.get("aliases", {})
        new = [a for a in e["aliases"] if a not in verdicts]
        if new:
            unjudged.extend(f"{e['name']} alias {a!r}" for a in new)
        bad = [a for a in e["aliases"] if verdicts.get(a) is False]
        if bad or j.get("split"):
            wrong_merge.append(f"{e['name']}: " + ", ".join(
                [f"wrong alias {a!r}" for a in bad] + ([f"split: {j['split']}"]
                                                        if j.get("split") else [])))
        else:
            merged += 1
    return {"judged": real + junk, "real": real, "typed": typed, "merged": merged,
            "unjudged": unjudged, "wrong_type": wrong_type, "wrong_merge": wrong_merge,
            "junk": junk_names}


def top_people(top_table: list[dict], judged: dict, n: int = PEOPLE) -> list[dict]:
    """The n most mentioned entities judged real people (whatever type reader gave)."""
    people = [e for e in top_entities(top_table, len(top_table))
              if judged.get(e["name"], {}).get("type") == "Person"
              and judged[e["name"]]["verdict"] == "real"]
    return people[:n]


def surname_sample(person: dict, docs: dict[str, Doc], k: int = SAMPLE) -> tuple[list, int]:
    """Every occurrence of the person's surname in the bodies, a fixed sample of k of them
    (ordered by a hash of doc@offset: stable as the table changes), and the total count."""
    surname = person["name"].split()[-1]
    pat = re.compile(rf"\b{re.escape(surname)}\b")
    occ = [(doc_id, m.start(), m.end()) for doc_id, d in docs.items()
           for m in pat.finditer(d.body)]
    occ.sort(key=lambda o: hashlib.sha256(f"{o[0]}@{o[1]}".encode()).hexdigest())
    return occ[:k], len(occ)


def judge_mentions(person: dict, docs: dict[str, Doc], judged: dict) -> dict:
    sample, total = surname_sample(person, docs)
    spans = {(m["doc"], m["start"], m["end"]) for m in person["mentions"]}
    by_doc: dict[str, list] = {}
    for d, s, e in spans:
        by_doc.setdefault(d, []).append((s, e))
    verdicts = judged.get(person["name"], {}).get("mentions", {})
    tp = fn = fp = 0
    unjudged = []
    for d, s, e in sample:
        key = f"{d}@{s}"
        if key not in verdicts:
            unjudged.append(key)
            continue
        covered = any(ms <= s and e <= me for ms, me in by_doc.get(d, ()))
        if verdicts[key] and covered:
            tp += 1
        elif verdicts[key]:
            fn += 1
        elif covered:
            fp += 1
    return {"name": person["name"], "occurrences": total, "sampled": len(sample),
            "mentions": len(spans), "tp": tp, "fn": fn, "fp": fp, "unjudged": unjudged}


def context(docs: dict[str, Doc], key: str, width: int = 70) -> str:
    d, s = key.split("@")
    body = docs[d].body
    s = int(s)
    return " ".join(body[max(0, s - width):s + width].split())


def report(table: list[dict], docs: dict[str, Doc], judgments: dict,
           show_contexts: bool = False) -> dict:
    top = top_entities(table)
    ents = judgments["entities"]
    t = judge_top(top, ents)
    print(f"Top {len(top)} entities of {len(table)} ({len(docs)} articles in the archive)")
    print(f"  real:         {_pct(t['real'], t['judged'])}")
    print(f"  typed right:  {_pct(t['typed'], t['real'])}")
    print(f"  merged right: {_pct(t['merged'], t['real'])}")
    for label in ("junk", "wrong_type", "wrong_merge", "unjudged"):
        for item in t[label]:
            print(f"    {label}: {item}")
    people = top_people(table, ents)
    rows = []
    tp = fn = fp = 0
    for p in people:
        r = judge_mentions(p, docs, judgments.get("people", {}))
        rows.append(r)
        tp, fn, fp = tp + r["tp"], fn + r["fn"], fp + r["fp"]
        print(f"  {r['name']}: {r['mentions']} mentions, {r['occurrences']} surname "
              f"occurrences, {r['sampled']} sampled: recall {_pct(r['tp'], r['tp'] + r['fn'])}, "
              f"precision {_pct(r['tp'], r['tp'] + r['fp'])}"
              + (f", {len(r['unjudged'])} unjudged" if r["unjudged"] else ""))
        for key in r["unjudged"]:
            print(f"    unjudged {key}" + (f": {context(docs, key)}" if show_contexts else ""))
    print(f"  five people: mention recall {_pct(tp, tp + fn)}, precision {_pct(tp, tp + fp)}")
    return {"top": t, "people": rows, "recall": (tp, tp + fn), "precision": (tp, tp + fp)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--data-dir", type=Path, help="an analysed reader data dir")
    src.add_argument("--table", type=Path, help="a saved `reader entities --json` output")
    src.add_argument("--from-scratch", action="store_true", help="import + index (slow)")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--contexts", action="store_true", help="print unjudged contexts")
    args = ap.parse_args(argv)
    if not args.corpus.exists():
        print(f"{args.corpus} is absent: nothing to measure")
        return 0
    if args.table:
        table = json.loads(args.table.read_text(encoding="utf-8"))
    elif args.data_dir:
        table = table_from_data_dir(args.data_dir)
    else:
        table = table_from_scratch(args.corpus)
    report(table, load_corpus(args.corpus), json.loads(JUDGMENTS.read_text(encoding="utf-8")),
           args.contexts)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
