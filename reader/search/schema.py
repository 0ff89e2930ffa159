"""The index's fields and analysis: the stemming analyzer (no stop list), common-grams bigrams."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from whoosh.analysis import Filter  # imported only when the index is opened (see __init__)

from reader.search.doc import STAMP_SEP, IndexDoc

# A stem is "common" when at least this share of the first build's articles hold it; a
# phrase of two common stems is then one posting list of the bigram field (common-grams).
COMMON_SHARE = 0.05
COMMON_SAMPLE = 2000  # articles looked at to choose the common stems


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


class CommonBigramFilter(Filter):
    """Joins two consecutive stems into one token "a b" (at the first one's position) when
    both are common stems. Pickled with the schema, so the set is fixed for the index's life."""

    def __init__(self, common: Iterable[str] = ()):
        self.common = frozenset(common)

    def __call__(self, tokens):
        common = self.common
        prev = prev_pos = None
        for token in tokens:
            text, pos = token.text, token.pos if token.positions else None
            if prev is not None and prev in common and text in common:
                token.text = f"{prev} {text}"
                if token.positions:
                    token.pos = prev_pos
                yield token
            prev, prev_pos = text, pos


def common_of(schema) -> frozenset[str]:
    """The common stems the schema's bigram fields were built with."""
    for item in getattr(schema["body_bi"].analyzer, "items", ()):
        if isinstance(item, CommonBigramFilter):
            return item.common
    return frozenset()


def common_stems(docs: list[IndexDoc]) -> frozenset[str]:
    """Stems held by at least COMMON_SHARE of (a sample of) the articles, and by two or more."""
    sample = docs[:COMMON_SAMPLE]
    ana = analyzer()
    df: Counter[str] = Counter()
    for doc in sample:
        df.update({t.text for t in ana(f"{doc.title}\n{doc.body}")})
    least = max(2, COMMON_SHARE * len(sample))
    return frozenset(w for w, n in df.items() if n >= least)


def schema(common: Iterable[str] = ()):
    from whoosh import fields
    from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer
    from whoosh.support.charset import accent_map

    stem = analyzer()
    bigram = analyzer() | CommonBigramFilter(common)
    plain = RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(stored=True, analyzer=stem, field_boost=2.0),
        body=fields.TEXT(stored=True, analyzer=stem),
        # Only for phrase search (reader.search.evaluate): never queried by the parser.
        title_bi=fields.TEXT(analyzer=bigram),
        body_bi=fields.TEXT(analyzer=bigram),
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


def fields_of(doc: IndexDoc) -> dict:
    """The Whoosh document for one article."""
    out = {
        "id": doc.id,
        "title": doc.title,
        "body": doc.body,
        "title_bi": doc.title,
        "body_bi": doc.body,
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
