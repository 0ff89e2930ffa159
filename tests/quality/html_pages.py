"""HTML import quality on real saved pages: body F1 against hand-cut bodies, metadata found.

The pages are Mozilla Readability's test pages (`shared/corpora/readability-test-pages.tgz`,
beside the repository); they are read at run time, never copied into the repo. Run
`python -m tests.quality.html_pages` for the per-page table; `test_html_quality.py` holds
the bar.
"""

from __future__ import annotations

import json
import re
import tarfile
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ARCHIVE = "readability-test-pages.tgz"
# Our annotation: the pages that are real publishers' news articles (39 of 130), as opposed
# to Readability's synthetic unit pages (lorem ipsum, "base-url", ...), blogs and docs.
NEWS = frozenset("""aclu aktualne ars-1 bbc-1 breitbart buzzfeed-1 citylab-1 cnet cnn engadget
folha gmw guardian-1 heise herald-sun-1 la-nacion lemonde-1 liberation-1 lwn-1 medicalnewstoday
msn nytimes-1 nytimes-2 nytimes-3 nytimes-4 nytimes-5 quanta-1 salon-1 seattletimes-1 telegraph
theverge tmz-1 wapo-1 wapo-2 yahoo-1 yahoo-2 yahoo-3 yahoo-4 qq""".split())
_WORD = re.compile(r"\w+")


def find_corpus(name: str) -> Path | None:
    """`shared/corpora/<name>` beside the repository or one of its parents, if present."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "shared" / "corpora" / name
        if candidate.is_file():
            return candidate
    return None


def tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _f1(got: Counter, want: Counter) -> tuple[float, float, float]:
    overlap = sum((got & want).values())
    if not got or not want:
        return (1.0, 1.0, 1.0) if got == want else (0.0, 0.0, 0.0)
    p, r = overlap / sum(got.values()), overlap / sum(want.values())
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def token_f1(got: str, want: str) -> tuple[float, float, float]:
    """(precision, recall, F1) of the two texts' word bags."""
    return _f1(Counter(tokens(got)), Counter(tokens(want)))


def shingle_f1(got: str, want: str, k: int = 4) -> tuple[float, float, float]:
    """(precision, recall, F1) of the texts' k-word shingles: order and boundaries count."""
    def shingles(text: str) -> Counter:
        words = tokens(text)
        return Counter(tuple(words[i:i + k]) for i in range(max(1, len(words) - k + 1)))
    return _f1(shingles(got), shingles(want))


def html_text(markup: str) -> str:
    """The visible text of an expected.html (the hand-cut article body)."""
    import lxml.html

    if not markup.strip():
        return ""
    root = lxml.html.fromstring(markup)
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    return " ".join(root.text_content().split())


@dataclass
class Page:
    name: str
    source: bytes
    expected: str
    meta: dict


def pages(archive: Path) -> Iterator[Page]:
    """Every page of the archive, unpacked into a temporary folder."""
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        for folder in sorted(p for p in Path(tmp).glob("*/*") if p.is_dir()):
            src = folder / "source.html"
            if not src.is_file():
                continue
            expected = (folder / "expected.html").read_text(encoding="utf-8", errors="replace")
            meta_file = folder / "expected-metadata.json"
            meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.is_file() else {}
            yield Page(folder.name, src.read_bytes(), html_text(expected), meta)


@dataclass
class Score:
    name: str
    precision: float
    recall: float
    f1: float
    token_f1: float
    error: str = ""
    found: dict | None = None  # metadata field -> True (found, right) / False (missed or wrong)


def _norm(text: str) -> str:
    return " ".join(tokens(text))


def _meta_found(art, meta: dict) -> dict:
    """For each field the page states: did the import find it (and agree)?"""
    found = {}
    if meta.get("title"):
        want, got = set(tokens(meta["title"])), set(tokens(art.title))
        found["title"] = bool(want) and len(want & got) >= 0.8 * len(want)
    if meta.get("byline"):
        want = set(tokens(meta["byline"])) - {"by"}
        got = set(tokens(art.author))
        found["author"] = bool(got) and bool(want & got)
    if meta.get("siteName"):
        want, got = set(tokens(meta["siteName"])), set(tokens(art.source))
        found["source"] = bool(got) and bool(want & got)
    if meta.get("publishedTime"):
        found["date"] = bool(art.date) and art.date == meta["publishedTime"][:10]
    return found


def score_pages(archive: Path, parse: Callable[[bytes, str], object],
                only: frozenset[str] | None = None) -> list[Score]:
    """Score `parse(raw, name) -> Article` on every page (or those named in `only`); a
    failure scores 0."""
    scores = []
    for page in pages(archive):
        if only is not None and page.name not in only:
            continue
        try:
            art = parse(page.source, f"{page.name}.html")
        except Exception as exc:  # noqa: BLE001 - a failing page scores zero, with its reason
            scores.append(Score(page.name, 0.0, 0.0, 0.0, 0.0, str(exc)))
            continue
        p, r, f = shingle_f1(art.body, page.expected)
        scores.append(Score(page.name, p, r, f, token_f1(art.body, page.expected)[2],
                            found=_meta_found(art, page.meta)))
    return scores


def summary(scores: list[Score]) -> dict:
    n = len(scores) or 1
    fields: dict[str, list[bool]] = {}
    for s in scores:
        for key, ok in (s.found or {}).items():
            fields.setdefault(key, []).append(ok)
    f1s = sorted(s.f1 for s in scores) or [0.0]
    return {
        "pages": len(scores),
        "f1": sum(s.f1 for s in scores) / n,
        "f1_median": (f1s[(len(f1s) - 1) // 2] + f1s[len(f1s) // 2]) / 2,
        "under_0.8": sum(1 for s in scores if s.f1 < 0.8),
        "precision": sum(s.precision for s in scores) / n,
        "recall": sum(s.recall for s in scores) / n,
        "token_f1": sum(s.token_f1 for s in scores) / n,
        "failed": sum(1 for s in scores if s.error),
        "metadata": {k: (sum(v), len(v)) for k, v in sorted(fields.items())},
    }


def reader_parse(raw: bytes, name: str):
    from reader import importer

    return importer.parse_bytes(raw, name, "page")


def main() -> None:
    archive = find_corpus(ARCHIVE)
    if archive is None:
        print(f"{ARCHIVE} not found in shared/corpora beside the repository; nothing to measure")
        return
    scores = score_pages(archive, reader_parse)
    for s in sorted(scores, key=lambda s: s.f1):
        news = "news" if s.name in NEWS else ""
        print(f"{s.f1:5.3f} p={s.precision:5.3f} r={s.recall:5.3f} {s.name} {news} {s.error}")
    print("all pages:", json.dumps(summary(scores)))
    print("news pages:", json.dumps(summary([s for s in scores if s.name in NEWS])))


if __name__ == "__main__":
    main()
