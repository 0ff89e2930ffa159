"""The index's fields and analysis: the stemming analyzer (no stop list), common-grams bigrams."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from whoosh.analysis import Token, Tokenizer  # imported only with the index (see index.py)

from reader.search.doc import STAMP_SEP, IndexDoc
from reader.search.stems import FastStems

# A stem is "common" when at least this share of the first build's articles hold it; a
# phrase of two common stems is then one posting list of the bigram field (common-grams).
COMMON_SHARE = 0.05
COMMON_SAMPLE = 500  # articles looked at to choose them (any choice gives exact results)


def analyzer():
    """Words -> lower-case, accent-folded Porter stems. No stop list: "US", "May", "IT" and
    "Who" are names as often as not, and a dropped word made `"US troops"` match every
    "troops". Single letters are still dropped (minsize=2), as before."""
    from whoosh.analysis import (
        CharsetFilter,
        LowercaseFilter,
        RegexTokenizer,
        StemFilter,
        StopFilter,
    )
    from whoosh.support.charset import accent_map

    # CharsetFilter before StemFilter: the stemmer must see folded accents.
    return (RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
            | StopFilter(stoplist=(), minsize=2) | StemFilter(cachesize=50000))


class CommonBigrams(Tokenizer):
    """The analyzer of a common-grams field (title_bi, body_bi). A pair of consecutive stems
    that are both common is one token "a b" at the first one's position, so a phrase of
    common words is one posting list. The field is given `slots(stems)`, the pairs already
    made from the stems the main field's analysis gives (no second analysis of the text).
    Pickled with the schema, so the common stems are fixed for the index's life."""

    def __init__(self, common: Iterable[str] = ()):
        self.common = frozenset(common)

    def slots(self, stems: list[str]) -> str:
        """One slot per position: "a|b" for a pair of common stems, else "-"."""
        common = self.common
        return " ".join(f"{a}|{b}" if a in common and b in common else "-"
                        for a, b in zip(stems, stems[1:], strict=False))

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, slot in enumerate(value.split(" ") if value else ()):
            if slot == "-":
                continue
            token.text = slot.replace("|", " ")
            token.boost, token.stopped = 1.0, False
            if keeporiginal:
                token.original = token.text
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = token.endchar = start_char
            yield token


def common_of(schema) -> frozenset[str]:
    """The common stems the schema's bigram fields were built with."""
    return getattr(schema["body_bi"].analyzer, "common", frozenset())


def common_stems(docs: list[IndexDoc]) -> frozenset[str]:
    """Stems held by at least COMMON_SHARE of (a sample of) the articles, and by two or more."""
    sample = docs[:COMMON_SAMPLE]
    stems = FastStems(analyzer())
    df: Counter[str] = Counter()
    for doc in sample:
        df.update(set(stems.stems(doc.title)) | set(stems.stems(doc.body)))
    least = max(2, COMMON_SHARE * len(sample))
    return frozenset(w for w, n in df.items() if n >= least)


def schema(common: Iterable[str] = ()):
    from whoosh import fields
    from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer
    from whoosh.support.charset import accent_map

    stem = analyzer()
    bigram = CommonBigrams(common)
    plain = RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(stored=True, analyzer=stem, field_boost=2.0),
        body=fields.TEXT(stored=True, analyzer=stem),
        # Only for phrase search (reader.search.evaluate): never queried by the parser.
        title_bi=fields.TEXT(analyzer=bigram, phrase=False),
        body_bi=fields.TEXT(analyzer=bigram, phrase=False),
        # Unstemmed words of title and body, only for "did you mean" (Whoosh's own
        # spelling=True breaks fuzzy queries on a stemmed field: terms_within then reads the
        # unstemmed spelling words but is given a stemmed term).
        words=fields.TEXT(analyzer=plain, phrase=False),
        source=fields.TEXT(stored=True, analyzer=plain),
        site=fields.ID(stored=True),
        author=fields.TEXT(stored=True, analyzer=plain),
        date=fields.DATETIME(stored=True),
        year=fields.ID(stored=True),
        entity=fields.KEYWORD(commas=True, lowercase=True, scorable=True, stored=True),
        policy=fields.KEYWORD(commas=True, lowercase=True, scorable=True, stored=True),
        stampkey=fields.ID(),  # "id\x1fstamp": listing the lexicon gives every stamp cheaply
    )


class DocumentFields:
    """IndexDoc -> the Whoosh document, for one index's schema."""

    def __init__(self, schema):
        self._bigrams = schema["body_bi"].analyzer
        self._stems = FastStems(schema["body"].analyzer)

    def __call__(self, doc: IndexDoc) -> dict:
        slots, stems = self._bigrams.slots, self._stems.stems
        out = {
            "id": doc.id,
            "title": doc.title,
            "body": doc.body,
            "title_bi": slots(stems(doc.title)),
            "body_bi": slots(stems(doc.body)),
            "words": f"{doc.title}\n{doc.body}",
            "source": doc.source,
            "site": doc.source,
            "author": doc.author,
            "entity": ",".join(e.replace(",", " ") for e in doc.entities),
            "policy": ",".join(p.replace(",", " ") for p in doc.policies),
            "stampkey": f"{doc.id}{STAMP_SEP}{doc.stamp}",
        }
        if doc.date:
            try:
                d = dt.date.fromisoformat(doc.date)
                out["date"] = dt.datetime(d.year, d.month, d.day)
                out["year"] = str(d.year)
            except ValueError:
                pass
        return out
