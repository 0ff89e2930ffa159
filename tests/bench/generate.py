"""Deterministic synthetic news archive for the benchmarks, built from the bundled articles.

Sentences of the bundled bodies are recombined; about half their content words are replaced by
words drawn with Zipf frequencies from a large vocabulary (Debian's `wbritish` word list when
installed, else a vocabulary derived from the corpus itself), and multi-word names by people
and organisations drawn from name pools, so term and entity statistics look like a real
archive rather than five articles repeated. Each article gets a title, a dateline (2008-2014),
a byline and page chrome (site name, navigation, share buttons, comments) in .txt, .html or
.md, so the importer does real work.

Article `i` depends only on (seed, i): a 1k corpus is the first 1k articles of the 10k one.
Self-contained (stdlib + reader) so tests can load it by path.
"""

from __future__ import annotations

import datetime as dt
import html
import random
import re
from bisect import bisect
from itertools import accumulate
from pathlib import Path

SEED = 20140417
WORDLIST = Path("/usr/share/dict/british-english")
BUNDLED = Path(__file__).resolve().parents[2] / "corpus"
REPLACE = 0.5  # share of content words replaced by a vocabulary draw
ZIPF_S = 1.07  # exponent of the Zipf-Mandelbrot law for word draws ...
ZIPF_Q = 2.7  # ... and its rank offset (news text: s close to 1)

_STOP = set("""about above after again against also among another because been before being
below between both could does doing down during each even ever every from further have having
here into itself just more most much must only other over same should since some such than
that their them then there these they this those through under until very were what when
where which while whom will with would your said says""".split())
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]
_SITES = ["Community Care", "Children & Young People Now", "Local Government Chronicle",
          "The Northern Echo", "Conservative Home", "Public Finance", "The Guardian",
          "Social Work Today", "Evening Courier", "Western Daily News", "Care Professional"]
_ORG_KINDS = ["Council", "Borough Council", "County Council", "Trust", "NHS Trust",
              "Foundation", "Partnership", "Agency", "Institute", "University",
              "Safeguarding Children Board", "Children's Services", "Commission", "Group"]
_ROLES = ["director of children's services", "chief executive", "a spokesperson",
          "a senior social worker", "the council leader", "the shadow minister",
          "the chair", "a researcher", "the head of policy", "a councillor"]
_TAIL_CHROME = ["Share this article", "Advertisement", "Did you enjoy this article?",
                "AddToAny", "Top", "Back to top", "Related stories", "Print", "Email",
                "blog comments powered by Disqus", "Read more"]
_SENT = re.compile(r"(?<=[.!?])[\"”’]?\s+(?=[“\"‘A-Z0-9])")
_NAME_RUN = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z’']+(?: (?:of |for |and |the )?[A-Z][a-z’']+)+")
_WORD = re.compile(r"\b[a-z]{4,}\b")


def _body_texts(corpus_dir: Path) -> list[tuple[str, str]]:
    """(title, body) of every article in `corpus_dir`, through the real importer."""
    from reader import importer
    from reader.errors import BadInput

    out = []
    for path in sorted(corpus_dir.glob("*")):
        if path.suffix.lower() not in importer.SUFFIXES:
            continue
        try:
            art = importer.parse_file(path)
        except (BadInput, OSError):
            continue
        out.append((art.title, art.body))
    return out


def _zipf_cum(n: int) -> list[float]:
    return list(accumulate(1.0 / (r + ZIPF_Q) ** ZIPF_S for r in range(n)))


class Generator:
    """Makes article files; `vocab_source` says where the vocabulary came from."""

    def __init__(self, seed: int = SEED, corpus_dir: Path = BUNDLED,
                 wordlist: Path | None = WORDLIST):
        self.seed = seed
        texts = _body_texts(Path(corpus_dir))
        if not texts:
            raise ValueError(f"no readable articles in {corpus_dir} to build a corpus from")
        self.sentences = [s.strip() for _, body in texts for para in body.split("\n\n")
                          for s in _SENT.split(para) if len(s.split()) >= 5]
        # Topical words first (the corpus's own content words by frequency), then the long tail.
        counts: dict[str, int] = {}
        for _, body in texts:
            for w in _WORD.findall(body):
                if w not in _STOP:
                    counts[w] = counts.get(w, 0) + 1
        topical = sorted(counts, key=lambda w: (-counts[w], w))
        rng = random.Random(f"{seed}/vocab")
        words, names, self.vocab_source = _wordlist(wordlist)
        if not words:
            words, names = _derived(topical, rng)
            self.vocab_source = "derived from the corpus (word list missing)"
        known = set(topical)
        tail = sorted(w for w in set(words) if w not in known)
        rng.shuffle(tail)
        self.vocab = topical + tail
        self._vocab_cum = _zipf_cum(len(self.vocab))
        names = sorted(set(names))
        rng.shuffle(names)
        self.persons = [f"{names[rng.randrange(len(names))]} {names[rng.randrange(len(names))]}"
                        for _ in range(4000)]
        self.orgs = [f"{names[rng.randrange(len(names))]} {rng.choice(_ORG_KINDS)}"
                     for _ in range(800)]
        self._person_cum = _zipf_cum(len(self.persons))
        self._org_cum = _zipf_cum(len(self.orgs))

    # -- drawing -------------------------------------------------------------------------
    def _draw(self, rng: random.Random, items: list[str], cum: list[float]) -> str:
        return items[min(bisect(cum, rng.random() * cum[-1]), len(items) - 1)]

    def _word(self, rng):
        return self._draw(rng, self.vocab, self._vocab_cum)

    def _person(self, rng):
        return self._draw(rng, self.persons, self._person_cum)

    def _org(self, rng):
        return self._draw(rng, self.orgs, self._org_cum)

    def _rewrite(self, rng: random.Random, sentence: str) -> str:
        def name(m):
            if rng.random() < 0.2:
                return m[0]
            return self._person(rng) if len(m[0].split()) == 2 else self._org(rng)

        def word(m):
            w = m[0]
            if w in _STOP or rng.random() >= REPLACE:
                return w
            return self._word(rng)

        return _WORD.sub(word, _NAME_RUN.sub(name, sentence))

    # -- one article ---------------------------------------------------------------------
    def article(self, i: int) -> tuple[str, str]:
        """(file name, file text) of article `i`."""
        rng = random.Random(f"{self.seed}/{i}")
        date = dt.date(2008, 1, 1) + dt.timedelta(days=rng.randrange(7 * 365 + 2))
        author = self._person(rng)
        site = rng.choice(_SITES)
        words_wanted = min(3000, max(80, int(rng.lognormvariate(6.1, 0.5))))
        sentences: list[str] = []
        n_words = 0
        while n_words < words_wanted:
            s = self._rewrite(rng, rng.choice(self.sentences))
            if rng.random() < 0.12:  # a quote attributed to someone: entity-rich
                s = (f"“{s.rstrip('.')},” said {self._person(rng)}, {rng.choice(_ROLES)} "
                     f"at {self._org(rng)}.")
            sentences.append(s)
            n_words += len(s.split())
        paras, k = [], 0
        while k < len(sentences):
            step = rng.randint(1, 4)
            paras.append(" ".join(sentences[k:k + step]))
            k += step
        lead = self._rewrite(rng, rng.choice(self.sentences)).rstrip(".!?")
        title = " ".join(lead.split()[: rng.randint(6, 12)]).rstrip(",;:—–-")
        if rng.random() < 0.15:
            title = f"{self._person(rng)}: {title}"
        title = title[0].upper() + title[1:]
        kind = rng.random()
        stem = f"a{i:06d}"
        if kind < 0.10:
            return f"{stem}.html", self._html(rng, title, date, author, site, paras)
        if kind < 0.15:
            return f"{stem}.md", self._markdown(title, date, author, paras)
        return f"{stem}.txt", self._text(rng, title, date, author, site, paras)

    def _dateline(self, rng: random.Random, date: dt.date) -> str:
        style = rng.random()
        month = _MONTHS[date.month - 1]
        if style < 0.6:
            return f"{date.day} {month} {date.year}"
        if style < 0.75:
            return f"| {date.day} {month} {date.year}"
        if style < 0.9:
            return f"{date.day} {month[:3]} {date.year % 100:02d}"
        return f"{date.strftime('%A')} {date.day} {month} {date.year}"

    def _text(self, rng, title, date, author, site, paras) -> str:
        lines: list[str] = []
        if rng.random() < 0.3:
            prev = self._rewrite(rng, rng.choice(self.sentences))[:60]
            lines += [site, f"« {prev} | Main | {self._person(rng)}: on the record »"]
        lines.append(title)
        meta = [f"By {author}", self._dateline(rng, date)]
        if rng.random() < 0.5:
            meta.reverse()
        lines += meta
        if rng.random() < 0.2:
            lines.append(paras[0])  # a standfirst the page repeats as the first paragraph
        lines += paras
        lines += rng.sample(_TAIL_CHROME, rng.randint(1, 4))
        if rng.random() < 0.25:
            n = rng.randint(1, 5)
            lines.append(f"{n} Responses to {title}")
            for j in range(n):
                month = _MONTHS[rng.randrange(12)]
                lines.append(f"{j + 1}. {self._person(rng)} {month} {rng.randint(1, 28)}, "
                             f"{date.year} at {rng.randint(1, 12)}:{rng.randint(0, 59):02d} pm #")
                lines.append(self._rewrite(rng, rng.choice(self.sentences)))
        return "\n\n".join(lines) + "\n"

    def _html(self, rng, title, date, author, site, paras) -> str:
        body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paras)
        return (f"<!doctype html><html><head><title>{html.escape(title)} | {site}</title>"
                f'<meta property="og:site_name" content="{html.escape(site)}">'
                f'<meta name="author" content="{html.escape(author)}">'
                f'<meta property="article:published_time" content="{date.isoformat()}">'
                "<style>body{font-family:serif}</style></head><body>"
                f"<header><a href='/'>{html.escape(site)}</a> Home News Jobs</header>"
                "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
                f"<article><h1>{html.escape(title)}</h1>"
                f"<time datetime='{date.isoformat()}'>{self._dateline(rng, date)}</time>\n"
                f"{body}</article><aside>Most read: {html.escape(self._person(rng))}</aside>"
                "<footer>© Publisher. All rights reserved.</footer>"
                "<script>var tracking = 1;</script></body></html>\n")

    def _markdown(self, title, date, author, paras) -> str:
        front = f"---\ntitle: {title}\ndate: {date.isoformat()}\nauthor: {author}\n---\n\n"
        return front + "\n\n".join(paras) + "\n"

    def write(self, folder: Path, n: int, start: int = 0) -> list[Path]:
        """Write articles start..start+n-1 into `folder` (created); returns their paths."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for i in range(start, start + n):
            name, text = self.article(i)
            path = folder / name
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        return paths


def _wordlist(path: Path | None) -> tuple[list[str], list[str], str]:
    """(lower-case words, capitalised names, description) from a word list, or empties."""
    if path is None:
        return [], [], ""
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").split()
    except OSError:
        return [], [], ""
    words = [w for w in lines if re.fullmatch(r"[a-z]{3,14}", w)]
    names = [w for w in lines if re.fullmatch(r"[A-Z][a-z]{2,12}", w)]
    if len(words) < 1000 or len(names) < 100:
        return [], [], ""
    return words, names, f"{path} ({len(words)} words, {len(names)} names)"


def _derived(topical: list[str], rng: random.Random) -> tuple[list[str], list[str]]:
    """A vocabulary and name pool made from the corpus's own words (no word list here).

    Stems of corpus words with common English affixes give a long tail of plausible words;
    names are syllable pairs of corpus words."""
    stems = sorted({re.sub(r"(ing|ed|es|s|ly|er|ion|ment)$", "", w) for w in topical})
    stems = [s for s in stems if len(s) >= 3]
    prefixes = ["", "re", "un", "pre", "co", "over", "sub", "inter", "counter", "mis"]
    suffixes = ["", "s", "ed", "ing", "er", "ers", "ly", "ness", "ment", "ist", "ism", "able"]
    words = [p + s + x for s in stems for p in prefixes for x in suffixes]
    halves = sorted({w[:3] for w in topical} | {w[-4:] for w in topical if len(w) > 5})
    names = [(a + b).capitalize() for a in halves[:120] for b in halves[-120:]]
    rng.shuffle(names)
    return words, names[:5000]
