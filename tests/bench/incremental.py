"""`python -m tests.bench.incremental DATA_DIR`: re-indexing after one article changed vs
building from scratch, (1) the entity table alone and (2) the whole `Library.indexing.update()`
the user sees (entity and policy tables, search index), spaCy on that article timed apart.

DATA_DIR is an indexed library (`reader import ... --data-dir DATA_DIR`, NLP included); it is
copied to a temporary folder first and never written. (1) changes one article in memory (a
sentence appended, analysed with spaCy outside the timings), times the incremental build from
reading the previous entities cache to the finished table, and checks it equal to a full
build of the changed corpus (the table and everything the next build reads). The path each
incremental build took (splice.py: "spliced" with its closure, or the full passes and why)
is printed with it. (2) appends the sentence to the article's file and times
`update()` in a fresh Library, against the same `update()` with the table caches deleted.
Wall and CPU (this process) seconds: CPU is steadier when other jobs share the machine.
(3) chains `--random N` random changes (a paragraph of another article appended, the last
paragraph cut, an article removed or put back, a second full name given to a person's
surname, an acronym defined for another expansion, a two-word name written in lower case
so that it is no name anywhere, a word never written in lower case before; `--kinds` to
choose), each built incrementally from the previous build's cache and compared with a full
build. (4) `--channels N`: the groups'
channels (reader.extraction.entities.channels) traced in a full build; for the bench's
article and N random ones, the units an edit there could reach (their closure) and a check
that the merging passes re-run on the closure's candidates alone give the closure's groups
exactly as the full run does (the premise of a per-group splice). Run by hand; prints one
line per figure. Then the same for every pass up to the entities (the scan's matches taken
from the full run), timed: what a splice would re-run.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

SENTENCE = "\n\nMichael Gove met the LGA in Leeds on Monday."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument("--random", type=int, default=6, metavar="N",
                        help="chained random changes checked against full builds (default 6)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--channels", type=int, default=12, metavar="N",
                        help="random articles whose channel closure is checked (default 12)")
    parser.add_argument("--kinds", nargs="+", choices=sorted(set(KINDS)),
                        help="the kinds of random change to draw from (default: all)")
    parser.add_argument("--only", type=int, nargs="+", choices=(1, 2, 3, 4),
                        help="run these parts only (default: all)")
    args = parser.parse_args()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="reader-bench-") as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(args.data_dir, data)
        parts = set(args.only or (1, 2, 3, 4))
        if 1 in parts:
            _tables(data, args.repeat)
        if 2 in parts:
            _reindex(data, args.repeat)
        if 3 in parts:
            _random_changes(data, args.random, args.seed, args.kinds or KINDS)
        if 4 in parts:
            _channels(data, args.channels, args.seed)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def _best(fn, repeat: int):
    """(best wall s, best CPU s, last result) of `repeat` runs."""
    walls, cpus, out = [], [], None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return min(walls), min(cpus), out


def _tables(data: Path, repeat: int) -> None:
    from reader.domain import Article
    from reader.extraction import entities as ent
    from reader.extraction import nlp
    from reader.library import Library
    from reader.services.derived import dump_cache, read_cache

    lib = Library.open(data_dir=data)
    infos = lib.articles.list()
    res, cache = lib.paths.resources_dir, lib.paths.cache_dir
    analyses = nlp.CachedAnalyses(cache, {i.id: i.text_hash for i in infos})
    infos = [i for i in infos if i.id in analyses]
    print(f"articles: {len(infos)}")
    full_w, full_c, table = _best(
        lambda: ent.build_entities(infos, analyses, res, (), load=lib.articles.get), repeat)
    cache_file = Path(tempfile.mkdtemp(dir=data)) / "entities.json"
    t0 = time.perf_counter()
    dump_cache(cache_file, table.to_cache())
    write_s = time.perf_counter() - t0
    print(f"entity table, full build: {full_w:.3f} s wall, {full_c:.3f} s CPU "
          f"({len(table.entities)} entities); to_cache + write: {write_s:.3f} s; cache file: "
          f"{sum(p.stat().st_size for p in cache_file.parent.iterdir()) / 1e6:.1f} MB")

    # One article changed: a sentence appended, analysed here (not timed: that is NLP).
    victim = infos[len(infos) // 2]
    old = lib.articles.get(victim.id)
    new = replace(old, body=old.body + SENTENCE)
    nlp.analyse([new], cache, n_process=1)
    changed = [replace(i, text_hash=new.text_hash) if i.id == new.id else i for i in infos]
    lazy = nlp.CachedAnalyses(cache, {i.id: i.text_hash for i in changed})

    def load(doc_id: str) -> Article:
        return new if doc_id == new.id else lib.articles.get(doc_id)

    def incremental():
        previous = read_cache(cache_file)
        return ent.build_entities(changed, lazy, res, (), previous=previous, load=load)

    paths = _Paths()
    inc_w, inc_c, inc = _best(incremental, repeat)
    print(f"path: {paths.take()}")
    print(f"entity table, one article changed ({victim.id}), from the previous cache: "
          f"{inc_w:.3f} s wall = {100 * inc_w / full_w:.1f} %, {inc_c:.3f} s CPU = "
          f"{100 * inc_c / full_c:.1f} % of the full build")

    same = _unpacked(inc) == _unpacked(ent.build_entities(changed, lazy, res, (), load=load))
    print(f"incremental == full build of the changed corpus: {same}")
    if not same:
        raise SystemExit(1)


def _reindex(data: Path, repeat: int) -> None:
    from reader.library import Library

    cache = data / "cache"
    Library.open(data_dir=data).indexing.update()  # current tables in this code's format

    def fresh_update():
        lib = Library.open(data_dir=data)
        lib.indexing.update()
        lib.close()

    def full():
        for name in ("entities.json", "policies.json"):
            (cache / name).unlink(missing_ok=True)
        fresh_update()

    full_w, full_c, _ = _best(full, repeat)
    print(f"update(), table caches deleted (full table build, index unchanged): "
          f"{full_w:.3f} s wall, {full_c:.3f} s CPU")
    lib = Library.open(data_dir=data)
    info = lib.articles.list()[len(lib.articles.list()) // 3]
    path = next(p for p in (data / "imports").iterdir() if p.stem == info.id)
    lib.close()
    walls, cpus, nlps = [], [], []
    for n in range(repeat):  # each run changes the article again: one changed article each
        with path.open("a", encoding="utf-8") as f:
            f.write(SENTENCE.replace("Monday", f"day {n}"))
        lib = Library.open(data_dir=data)
        analyse = lib.indexing._analyse
        spent = []

        def timed(*a, _analyse=analyse, _spent=spent, **k):
            w, c = time.perf_counter(), time.process_time()
            out = _analyse(*a, **k)
            _spent.append((time.perf_counter() - w, time.process_time() - c))
            return out

        lib.indexing._analyse = timed
        w, c = time.perf_counter(), time.process_time()
        report = lib.indexing.update()
        w, c = time.perf_counter() - w, time.process_time() - c
        lib.close()
        assert report.analysed == 1 and report.updated >= 1, report
        walls.append(w - spent[0][0])
        cpus.append(c - spent[0][1])
        nlps.append(spent[0][0])
    print(f"update() after one article changed ({info.id}), spaCy excluded: "
          f"{min(walls):.3f} s wall = {100 * min(walls) / full_w:.1f} %, {min(cpus):.3f} s "
          f"CPU = {100 * min(cpus) / full_c:.1f} % of the full table build; spaCy on that "
          f"article (model load included): {min(nlps):.1f} s wall")


def _unpacked(table) -> dict:
    """A table's cache with its packed parts unpacked (equal values may pack differently)."""
    from reader.extraction.entities.links import unbucketed
    from reader.extraction.entities.state import sig_of, unpack

    data = table.to_cache()
    state = unpack(data["state"])
    state["docs"] = {d: (rec, hits, (sig_of(m), m[1]) if m else m)  # spans packed apart
                     for d, (rec, hits, m) in state["docs"].items()}
    for name in ("units", "holders", "forms", "forms_by"):  # packed in parts (links.bucketed)
        if name in state.get("links", {}):
            state["links"][name] = unbucketed(state["links"][name])
    return {**data, "table": unpack(data["table"]), "state": state}


def _through_file(data: dict) -> dict:
    """A table cache written and read back as the reader does (JSON, bytes beside it)."""
    from reader.services.derived import dump_cache, read_cache

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "entities.json"
        dump_cache(path, data)
        return read_cache(path)


class _Paths(logging.Handler):
    """The path each entity build took (splice or full passes, and why)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.seen: list[str] = []
        for name in ("reader.extraction.entities.build", "reader.extraction.entities.splice"):
            logger = logging.getLogger(name)
            logger.setLevel(logging.DEBUG)
            logger.addHandler(self)

    def emit(self, record):
        msg = record.getMessage()
        if msg.startswith(("entities: spliced", "entities: full passes", "entities: splice",
                           "entities: previous links")):
            self.seen.append(msg)

    def take(self) -> str:
        out, self.seen = "; ".join(self.seen), []
        return out


KINDS = ("append", "append", "cut", "remove", "restore", "surname", "acronym", "common",
         "words")


def _random_changes(data: Path, steps: int, seed: int, kinds=KINDS) -> None:
    """Chained random changes, each incremental build checked against a full build."""
    from reader.extraction import entities as ent
    from reader.extraction import nlp
    from reader.library import Library

    lib = Library.open(data_dir=data)
    res, cache = lib.paths.resources_dir, lib.paths.cache_dir
    listed = lib.articles.list()
    analysed = nlp.CachedAnalyses(cache, {i.id: i.text_hash for i in listed})
    order = [i.id for i in listed if i.id in analysed]
    entries = {i.id: i for i in listed}
    texts: dict = {}  # id -> the changed Article

    def load(doc_id: str):
        return texts.get(doc_id) or lib.articles.get(doc_id)

    def build(current, previous=None):
        lazy = nlp.CachedAnalyses(cache, {i.id: i.text_hash for i in current})
        return ent.build_entities(current, lazy, res, (), previous=previous, load=load)

    rng = random.Random(seed)
    paths = _Paths()
    present = list(order)
    removed: list[str] = []
    previous = _through_file(build([entries[d] for d in present]).to_cache())
    for step in range(1, steps + 1):
        kind = rng.choice(kinds)
        doc = rng.choice(present)
        if kind == "remove" and len(present) > 2:
            present.remove(doc)
            removed.append(doc)
        elif kind == "restore" and removed:
            doc = removed.pop(rng.randrange(len(removed)))
            present.insert(min(order.index(doc), len(present)), doc)
        else:
            old = load(doc)
            paras = old.body.split("\n\n")
            named = _sentence(kind, previous, rng)
            if named:
                body = old.body + "\n\n" + named
            elif kind == "cut" and len(paras) > 1:
                body = "\n\n".join(paras[:-1])
            else:
                kind = "append"
                other = load(rng.choice(present)).body.split("\n\n")
                body = old.body + "\n\n" + rng.choice(other)
            texts[doc] = replace(old, body=body)
            entries[doc] = replace(entries[doc], text_hash=texts[doc].text_hash)
            nlp.analyse([texts[doc]], cache, n_process=1)
        current = [entries[d] for d in present]
        paths.take()
        c = time.process_time()
        inc = build(current, previous)
        spent = time.process_time() - c
        path = paths.take()
        same = _unpacked(inc) == _unpacked(build(current))
        print(f"random change {step}/{steps} ({kind} {doc}): incremental == full build: "
              f"{same} ({spent:.3f} s CPU; {path})")
        if not same:
            raise SystemExit(1)
        previous = _through_file(inc.to_cache())
    lib.close()


def _channels(data: Path, samples: int, seed: int) -> None:
    """Part (4): closures of the units of single articles, and the restricted re-run."""
    from reader.extraction import entities as ent
    from reader.extraction import nlp
    from reader.extraction.entities import build
    from reader.extraction.entities.channels import (
        Trace,
        closure,
        holders_of,
        same_entities,
        same_merges,
    )
    from reader.library import Library

    lib = Library.open(data_dir=data)
    infos = lib.articles.list()
    res, cache = lib.paths.resources_dir, lib.paths.cache_dir
    analyses = nlp.CachedAnalyses(cache, {i.id: i.text_hash for i in infos})
    infos = [i for i in infos if i.id in analyses]
    seen = []
    run = build._run

    def traced(corpus, results, keys, trace=None):
        trace = Trace(corpus.lex, corpus.acronym_defs, corpus.memo)
        out = run(corpus, results, keys, trace)
        seen.append((corpus, trace, out[0]))
        return out

    build._run = traced
    try:
        c = time.process_time()
        ent.build_entities(infos, analyses, res, (), load=lib.articles.get)
        print(f"channels: traced full build {time.process_time() - c:.3f} s CPU")
    finally:
        build._run = run
    corpus, trace, extracted = seen[0]
    holders = holders_of(trace.units)
    units_of: dict[str, set[str]] = {}
    per_unit: dict[str, int] = {}
    for cand in corpus.cands:
        units_of.setdefault(cand.doc.id, set()).add(cand.unit)
        per_unit[cand.unit] = per_unit.get(cand.unit, 0) + 1
    docs = sorted(units_of)
    picked = [infos[len(infos) // 2].id, *random.Random(seed).sample(docs, samples)]
    total = len(corpus.cands)
    ok = True
    for doc in picked:
        reach = closure(units_of.get(doc, ()), trace.units, holders)
        n = sum(per_unit.get(u, 0) for u in reach)
        same = same_merges(corpus, reach)
        c = time.process_time()
        same_out = same_entities(corpus, trace, extracted, reach)
        spent = time.process_time() - c
        ok &= same and same_out
        print(f"channels: {doc}: {len(units_of.get(doc, ()))} units -> closure {len(reach)} "
              f"of {len(trace.units)} units, {n} of {total} candidates "
              f"({100 * n / max(total, 1):.1f} %); restricted merges == full: {same}; "
              f"restricted passes to entities == full: {same_out} ({spent:.3f} s CPU)")
    lib.close()
    if not ok:
        raise SystemExit(1)


def _sentence(kind: str, previous: dict, rng: random.Random) -> str:
    """A sentence that moves corpus-wide decisions, made from the previous table's names:
    "surname": a second full name for a person's surname (bare and titled surnames
    elsewhere may change hands); "acronym": an organisation's initials defined as another
    name (its acronym elsewhere may merge elsewhere); "common": a two-word name written in
    lower case (the corpus's common phrases); "words": a new lower-case word (the corpus's
    lower-case word set). "" for other kinds."""
    from reader.extraction import names as N
    from reader.extraction.entities.state import unpack

    table = unpack(previous["table"])[0]
    if kind == "surname":
        people = [name for _, name, type_, _, _ in table
                  if type_ == N.PERSON and len(name.split()) == 2]
        if people:
            surname = rng.choice(people).split()[-1]
            return f"Alexandra {surname} spoke on Monday. Mrs {surname} said so."
    elif kind == "common":  # a multi-word name written in lower case: no name anywhere now
        names = [name for _, name, type_, _, _ in table
                 if type_ in (N.ORGANISATION, N.OTHER) and len(name.split()) == 2
                 and all(w.isalpha() for w in name.split())]
        if names:
            return f"They spoke of the {rng.choice(names).lower()} at length."
    elif kind == "words":  # words no body wrote in lower case before (the corpus-wide set)
        return f"It was {''.join(rng.choice('bcdfgklmnprstvz') for _ in range(9))}ish."
    elif kind == "acronym":
        acronyms = [N.initials(name) for _, name, type_, _, _ in table
                    if type_ == N.ORGANISATION and len(name.split()) > 2]
        acronyms = [a for a in acronyms if 3 <= len(a) <= 6 and a.isalpha()]
        if acronyms:
            acr = rng.choice(acronyms)
            return (f"The {' '.join(c + 'estbury' for c in acr.title())} ({acr}) said so. "
                    f"The {acr} met on Monday.")
    return ""


if __name__ == "__main__":
    main()
