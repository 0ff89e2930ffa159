"""A long article's policy table stays bounded (issue 17): its cost grows with the text, not
with its square, and the process stays far below 1 GB.

The long article is the bundled corpus joined over and over (the people in each copy
renamed, so that the names met so far grow with the text, as in a real long text), its
analysis joined from spaCy's analyses of the corpus articles with offsets and heads shifted:
what spaCy gives a long text read in pieces cut at paragraph breaks (`longtext.py`). It is
cached as the NLP stage caches it and read back compactly, as `reader policies` reads it; a
child process builds the table for a text and for one six times as long, reporting CPU
time and peak memory. A quadratic step (each sentence scanning all the paragraphs or all
the names before it, as before issue 17's fixes) makes the long one cost some 20 times the
short one and its memory grow by some 100 MB per MB of text; linear work costs about 6
times and 20 MB per MB. (`READER_FAULTS=full`: 1.5 MB and 9 MB.)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reader.domain import Article
from reader.extraction.nlp import analyse, full_text
from reader.extraction.nlpcache import store_parts

from .conftest import FULL

REPO = Path(__file__).resolve().parents[2]
SIZES = (1_500_000, 9_000_000) if FULL else (150_000, 900_000)  # characters

CHILD = r"""
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from reader.domain import Article
from reader.extraction.nlpcache import load_cached
from reader.extraction.policies import build_policies, load_codebook
folder, book = Path(sys.argv[2]), load_codebook(Path(sys.argv[1]) / "corpus" / "codebook.toml")
out = {}
for name in sys.argv[3:]:
    art = Article(id=name, title="", body=(folder / name).read_text(encoding="utf-8"),
                  date="2014-01-01")
    analysis = load_cached(folder / "cache", art.text_hash)
    cpu = []
    for _ in range(2):  # the faster of two: CPU time on a loaded machine is noisy
        started = time.process_time()
        table = build_policies([art], {name: analysis}, book)
        cpu.append(time.process_time() - started)
    status = Path("/proc/self/status").read_text()  # VmHWM: this process's peak, not the
    peak = int(status.split("VmHWM:")[1].split()[0]) if "VmHWM:" in status else 0  # parent's
    out[name] = {"cpu": min(cpu), "rss_mb": peak / 1024,
                 "mentions": sum(len(p.mentions) for p in table.policies),
                 "proposals": len(table.proposals), "tokens": len(analysis.tokens)}
print(json.dumps(out))
"""


def _renamed(text: str, people: list[tuple[int, int]], copy: int) -> str:
    """`text` with every letter of each person's name shifted by an amount of its own for
    this copy (same length, same case: the analysis' offsets stay true)."""
    if copy == 0:
        return text
    out = list(text)
    for s, e in people:
        for k in range(s, e):
            c = text[k]
            if c.isascii() and c.isalpha():
                base = ord("A") if c.isupper() else ord("a")
                out[k] = chr(base + (ord(c) - base + copy + (k - s) * (copy // 26)) % 26)
    return "".join(out)


def _long_article(articles, analyses, size: int, folder: Path) -> str:
    """Write a text of about `size` characters and its cached analysis; return its name."""
    parts, token_parts, sents, ents = [], [], [], []
    at = count = copy = 0
    while at < size:
        for art in articles:
            an = analyses[art.id]
            people = [(s, e) for s, e, label in an.ents if label == "PERSON"]
            text = _renamed(full_text(art), people, copy)
            tokens = [(s + at, e + at, lemma, pos, dep, h + count)
                      for s, e, lemma, pos, dep, h in an.tokens]
            token_parts.append(json.dumps(tokens, separators=(",", ":"))[1:-1])
            sents += [(s + at, e + at) for s, e in an.sents]
            ents += [(s + at, e + at, label) for s, e, label in an.ents]
            parts.append(text)
            at += len(text) + 2
            count += len(tokens)
        copy += 1
    body = "\n\n".join(parts)
    name = f"long{size}.txt"
    (folder / name).write_text(body, encoding="utf-8")
    art = Article(id=name, title="", body=body)
    store_parts(folder / "cache", art.text_hash, 0, sents, ents, token_parts)
    return name


@pytest.mark.spacy
def test_policy_table_of_a_long_article_grows_linearly(nlp, tmp_path):
    from reader.importer import parse_file

    articles = [parse_file(p, bundled=True) for p in sorted((REPO / "corpus").glob("*.txt"))]
    analyses = analyse(articles, tmp_path / "nlp", nlp=nlp)
    small, big = (_long_article(articles, analyses, size, tmp_path) for size in SIZES)
    done = subprocess.run([sys.executable, "-c", CHILD, str(REPO), str(tmp_path), small, big],
                          capture_output=True, text=True, timeout=900 if FULL else 300)
    assert done.returncode == 0, done.stderr[-2000:]
    got = json.loads(done.stdout)
    short, long = got[small], got[big]
    assert long["tokens"] > 5 * short["tokens"]
    # the work was done: the long text names the policies (and proposals) as often again
    assert long["mentions"] >= 5 * short["mentions"] > 0
    assert long["proposals"] >= 5 * short["proposals"] > 0
    # six times the text: about six times the CPU time (quadratic: over 20 times)
    assert long["cpu"] < 14 * max(short["cpu"], 0.05), got
    # memory: what the longer text adds is bounded by its size, the process far below 1 GB
    text_mb = (SIZES[1] - SIZES[0]) / 1e6
    assert long["rss_mb"] - short["rss_mb"] < 50 * text_mb + 10, got
    assert long["rss_mb"] < 1024, got
