"""Building an entity table: article by article, reusing each unchanged article's results
from the previous table's cache, then the corpus-wide passes; and the cache fingerprint."""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from reader.domain import Article, ArticleInfo, Entity
from reader.extraction.entities.candidates import ArticleResult, Cand, Doc, read_article
from reader.extraction.entities.grouping import Corpus, entities
from reader.extraction.entities.matching import find_more
from reader.extraction.entities.table import CACHE_FORMAT, EntityTable
from reader.extraction.names import Lexicon
from reader.extraction.nlp import CACHE_VERSION, MODEL_VERSION, Analysis

log = logging.getLogger(__name__)

ENTITIES_VERSION = 1  # bump when the rules change, so cached tables are rebuilt


def fingerprint(articles: Sequence[Article | ArticleInfo], resources_dir: Path | None) -> str:
    """What an extraction depends on: article texts, the resource files and the rules'
    version. A cached table whose fingerprint differs must be rebuilt. Only `.id` and
    `.text_hash` are read, so catalogue entries (ArticleInfo) do: no article is loaded."""
    h = hashlib.sha256(f"entities-v{ENTITIES_VERSION}".encode())
    h.update(Lexicon.load(resources_dir).digest.encode())
    for art in sorted(articles, key=lambda a: a.id):
        h.update(f"\x1f{art.id}\x1e{art.text_hash}".encode())
    return h.hexdigest()[:24]


def build_entities(articles: Iterable[Article | ArticleInfo], analyses: Mapping[str, Analysis],
                   resources_dir: Path | None, edits: Sequence[dict] = (),
                   previous: Mapping | None = None,
                   load: Callable[[str], Article] | None = None) -> EntityTable:
    """Extract, clean, type and merge entities over all articles, then apply `edits`.

    Article by article: `articles` may be a generator and `analyses` a lazy mapping
    (`nlp.CachedAnalyses`); each article and its analysis are dropped once its candidates
    are found, and only compressed text, token spans and candidates are kept for the
    corpus-wide passes (a few KB an article, not its token list).

    Args:
        articles: in the order to process them (the result depends on it); articles
            without an analysis (or with one for another text) are skipped with a log line.
        analyses: {article id: Analysis}.
        previous: an earlier table's `to_cache()` (stale, None or garbage all do): an
            article whose text is unchanged, under the same rules and resources, takes its
            own results from there instead of being read and analysed again. The corpus-wide
            passes always run, so the table equals a build from scratch.
        load: article id -> Article; with it, `articles` may be catalogue entries
            (ArticleInfo: `.id` and `.text_hash` are read) and only the articles whose
            results are not reusable are loaded.
    """
    lex = Lexicon.load(resources_dir)
    rules = _rules(lex)
    reuse = _Reuse(previous, rules)
    corpus = Corpus(lex)
    keys: list[ArticleInfo] = []
    sentences: dict[str, list[tuple[int, int]]] = {}
    docs: dict[str, dict] = {}
    fresh = 0
    for item in articles:
        if item.id not in analyses:
            log.info("No NLP analysis for %s; its entities are left out", item.id)
            continue
        taken = reuse.take(item.id, item.text_hash)
        if taken is not None:
            result, docs[item.id] = taken
        else:
            art = load(item.id) if load is not None else item
            an = analyses.get(art.id)
            if an is None:
                log.info("No NLP analysis for %s; its entities are left out", art.id)
                continue
            if an.text_hash != art.text_hash:
                log.warning("NLP analysis of %s is for another text; its entities are left "
                            "out", art.id)
                continue
            result = read_article(art, an, lex)
            docs[art.id] = _record(art.text_hash, result)
            fresh += 1
        corpus.add(result)
        sentences[item.id] = result.sentences
        keys.append(ArticleInfo(id=item.id, title="", text_hash=item.text_hash))
    log.debug("entities: %d articles read, %d reused", fresh, len(keys) - fresh)
    extracted = _run(corpus)
    return EntityTable(extracted, sentences, edits, fingerprint(keys, resources_dir), rules,
                       docs)


def _run(corpus: Corpus) -> list[Entity]:
    """Steps 2-4: corpus rules, grouping and merging, mentions found again, entities."""
    groups = corpus.grouped()
    find_more(groups, corpus.docs, corpus.lex, corpus.lower_words)
    corpus.resolve_surnames(groups)
    return entities(groups, corpus.lex.words)


def _rules(lex: Lexicon) -> str:
    """What every article's own results depend on besides its text."""
    key = f"entities-v{ENTITIES_VERSION}-nlp{CACHE_VERSION}-{MODEL_VERSION}-{lex.digest}"
    return hashlib.sha256(key.encode()).hexdigest()[:24]


# -- per-article results in the cache ----------------------------------------------------------
def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _record(text_hash: str, res: ArticleResult) -> dict:
    """One article's results, JSON-ready (the table's cache keeps them under "docs")."""
    text_z, spans_z = res.doc.packed
    return {
        "hash": text_hash, "off": res.doc.off,
        "text": _b64(text_z), "spans": _b64(spans_z), "lower": _b64(res.lower),
        "cands": [[c.start, c.end, c.text, c.label, c.source, int(c.strong), c.form, c.also]
                  for c in res.cands],
        "acronyms": [[k, x] for k, x in res.acronyms],
    }


class _Reuse:
    """An earlier table's per-article results, for articles whose text is unchanged."""

    def __init__(self, previous: Mapping | None, rules: str):
        self.docs: Mapping = {}
        self.sentences: Mapping = {}
        try:
            if (not previous or previous.get("format") != CACHE_FORMAT
                    or previous.get("rules") != rules):
                return
            docs, sentences = previous["docs"], previous["sentences"]
            if isinstance(docs, Mapping) and isinstance(sentences, Mapping):
                self.docs, self.sentences = docs, sentences
        except (AttributeError, KeyError, TypeError) as exc:
            log.info("earlier entity results not reusable (%r); reading every article", exc)

    def take(self, doc_id: str, text_hash: str) -> tuple[ArticleResult, dict] | None:
        """(results, their record) of `doc_id` when its text is unchanged, else None."""
        rec = self.docs.get(doc_id)
        if not isinstance(rec, dict) or rec.get("hash") != text_hash:
            return None
        try:
            doc = Doc(doc_id, int(rec["off"]),
                      packed=(base64.b64decode(rec["text"]), base64.b64decode(rec["spans"])))
            lower = base64.b64decode(rec["lower"])
            for blob in (*doc.packed, lower):
                zlib.decompress(blob)  # a damaged record is read again, never a crash later
            cands = [Cand(doc, int(s), int(e), str(t), str(label), str(source), bool(strong),
                          str(form), str(also))
                     for s, e, t, label, source, strong, form, also in rec["cands"]]
            acronyms = [(str(k), str(x)) for k, x in rec["acronyms"]]
            sentences = [(int(s), int(e)) for s, e in self.sentences[doc_id]]
        except (KeyError, TypeError, ValueError, binascii.Error, zlib.error) as exc:
            log.info("earlier entity results of %s not reusable (%r)", doc_id, exc)
            return None
        return ArticleResult(doc, cands, acronyms, lower, sentences), rec
