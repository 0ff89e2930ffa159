"""`python -m tests.bench.incremental DATA_DIR`: entity table built from scratch vs after one
article changed (reusing every other article's results from the previous cache).

DATA_DIR is an indexed library (`reader import ... --data-dir DATA_DIR`, NLP included); it is
copied to a temporary folder first and never written. One article's text is changed in
memory (a sentence appended, analysed with spaCy outside the timings); the incremental build
is timed from reading the previous entities cache to the finished table, and checked equal
to a full build of the changed corpus. Run by hand; prints one line per figure.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reader-bench-") as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(args.data_dir, data, ignore=shutil.ignore_patterns("index"))
        _run(data, args.repeat)


def _run(data: Path, repeat: int) -> None:
    from reader.domain import Article
    from reader.extraction import entities as ent
    from reader.extraction import nlp
    from reader.library import Library

    lib = Library.open(data_dir=data)
    infos = lib.articles()
    res = lib.paths.resources_dir
    cache = lib.paths.cache_dir
    analyses = nlp.CachedAnalyses(cache, {i.id: i.text_hash for i in infos})
    infos = [i for i in infos if i.id in analyses]
    print(f"articles: {len(infos)}")

    def best(fn):
        times, out = [], None
        for _ in range(repeat):
            t0 = time.perf_counter()
            out = fn()
            times.append(time.perf_counter() - t0)
        return min(times), out

    full_s, table = best(lambda: ent.build_entities(infos, analyses, res, (),
                                                    load=lib.article))
    cache_file = Path(tempfile.mkdtemp(dir=data)) / "entities.json"
    t0 = time.perf_counter()
    cache_file.write_text(json.dumps(table.to_cache(), separators=(",", ":")),
                          encoding="utf-8")
    write_s = time.perf_counter() - t0
    print(f"full build: {full_s:.3f} s ({len(table.entities)} entities); "
          f"to_cache + write: {write_s:.3f} s; cache file: "
          f"{cache_file.stat().st_size / 1e6:.1f} MB")

    # One article changed: a sentence appended, analysed here (not timed: that is NLP).
    victim = infos[len(infos) // 2]
    old = lib.article(victim.id)
    new = replace(old, body=old.body + "\n\nMichael Gove met the LGA in Leeds on Monday.")
    new_analysis = nlp.analyse([new], cache, n_process=1)[new.id]
    changed = [replace(i, text_hash=new.text_hash) if i.id == new.id else i for i in infos]
    lazy = nlp.CachedAnalyses(cache, {i.id: i.text_hash for i in changed})
    assert lazy[new.id].text_hash == new_analysis.text_hash

    def load(doc_id: str) -> Article:
        return new if doc_id == new.id else lib.article(doc_id)

    def incremental():
        previous = json.loads(cache_file.read_text(encoding="utf-8"))
        return ent.build_entities(changed, lazy, res, (), previous=previous, load=load)

    inc_s, inc = best(incremental)
    print(f"one article changed ({victim.id}), from the previous cache: {inc_s:.3f} s "
          f"= {100 * inc_s / full_s:.1f} % of the full build")
    full_changed = ent.build_entities(changed, lazy, res, (), load=load)
    same = inc.to_cache() == full_changed.to_cache()
    print(f"incremental == full build of the changed corpus: {same}")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
