"""Building an entity table: article by article, reusing each unchanged article's results
from the previous table's cache, then the corpus-wide passes; and the cache fingerprint."""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from reader.domain import Article, ArticleInfo, Entity
from reader.extraction.entities.candidates import ArticleResult, read_article
from reader.extraction.entities.channels import Trace
from reader.extraction.entities.grouping import Corpus, entities
from reader.extraction.entities.links import Fallback, first_of_units, links
from reader.extraction.entities.matching import find_more
from reader.extraction.entities.rules import apply as apply_rules
from reader.extraction.entities.rules import corpus_cands, fill_names
from reader.extraction.entities.splice import splice
from reader.extraction.entities.state import DAMAGED, Memo, Reuse, gc_paused, record, unpack
from reader.extraction.entities.surnames import resolve_surnames
from reader.extraction.entities.table import CACHE_FORMAT, EntityTable
from reader.extraction.names import Lexicon
from reader.extraction.nlp import CACHE_VERSION, MODEL_VERSION, Analysis

log = logging.getLogger(__name__)

ENTITIES_VERSION = 5  # bump when the rules change, so cached tables are rebuilt (4: headlines;
# 5: half a bracket trimmed off a name; a person's name ending in an initialism)


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
            own results from there instead of being read and analysed again, and the
            corpus-wide scans re-scan only the articles whose answers could differ
            (state.Memo). The corpus rules always run over every candidate; the passes
            after them re-run on the groups the changes reach and the previous table
            keeps the rest (splice.py), else on every group: the table equals a build from
            scratch either way.
        load: article id -> Article; with it, `articles` may be catalogue entries
            (ArticleInfo: `.id` and `.text_hash` are read) and only the articles whose
            results are not reusable are loaded.
    """
    with gc_paused():
        if previous:
            articles = list(articles)
            try:
                return _build(articles, analyses, resources_dir, edits, previous, load)
            except DAMAGED as exc:  # a damaged earlier state: start over without it
                log.info("earlier entity results damaged (%r); reading every article", exc)
        return _build(articles, analyses, resources_dir, edits, None, load)


def _build(articles: Iterable[Article | ArticleInfo], analyses: Mapping[str, Analysis],
           resources_dir: Path | None, edits: Sequence[dict], previous: Mapping | None,
           load: Callable[[str], Article] | None) -> EntityTable:
    lex = Lexicon.load(resources_dir)
    rules = _rules(lex)
    reuse = Reuse(previous, rules, CACHE_FORMAT)
    keys: list[ArticleInfo] = []
    sentences: dict[str, list[tuple[int, int]]] = {}
    own: dict[str, tuple] = {}
    reused: dict[str, tuple] = {}
    results: list[ArticleResult] = []
    for item in articles:
        if item.id not in analyses:
            log.info("No NLP analysis for %s; its entities are left out", item.id)
            continue
        taken = reuse.take(item.id, item.text_hash)
        if taken is not None:
            result, own[item.id] = taken
            reused[item.id] = reuse.scans(item.id)
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
            own[art.id] = record(art.text_hash, result)
        results.append(result)
        sentences[item.id] = result.sentences
        keys.append(ArticleInfo(id=item.id, title="", text_hash=item.text_hash))
    log.debug("entities: %d articles read, %d reused", len(keys) - len(reused), len(reused))
    memo = Memo(reuse.memo, reused)
    if len(own) != len(keys):
        memo.forget()  # two articles share an id: one answer per id would not do
    corpus = Corpus(lex, memo)
    for result in results:
        corpus.add(result, words=False, cands=False)
    corpus.lower_words = memo.lower_words(results, reused, reuse.docs)
    old_keys = reuse.links.get("keys") if memo.exact else None
    units, ruled = apply_rules(corpus, results, reuse.rules, old_keys if isinstance(
        old_keys, dict) else None, reused, reuse.docs)
    done = None
    if reuse.links and previous and memo.exact:
        try:
            done = splice(corpus, results, units, reused, reuse.docs, reuse.links,
                          unpack(previous["table"])[0])
            log.debug("entities: spliced")
        except Fallback as exc:
            log.debug("entities: full passes (%s)", exc)
        except (AttributeError, KeyError, IndexError, TypeError, ValueError) as exc:
            log.info("entities: previous links not usable (%r); full passes", exc)
    if done is None:
        done = (*_run(corpus, results, units), None)
    extracted, kept, rows = done
    state = {"docs": {d: (rec, *memo.of_doc(d)) for d, rec in own.items()},
             "memo": memo.to_state(), "links": kept, "rules": ruled}
    return EntityTable(extracted, sentences, edits, fingerprint(keys, resources_dir), rules,
                       state, rows)


def _run(corpus: Corpus, results: list[ArticleResult], keys: dict[str, tuple],
         trace: Trace | None = None) -> tuple[list[Entity], dict]:
    """Steps 3-4 on every group (the corpus rules run): grouping and merging, mentions found
    again, entities; and what the next build's splice reads of them (links.links)."""
    if corpus.cands is None:
        corpus.cands = corpus_cands(results, keys)
    for c in corpus.cands:  # keys as the corpus rules named them (a splice tried moves them)
        if c.unit:
            c.key = c.unit
    fill_names(corpus, corpus.cands)
    first_cands = first_of_units(corpus.cands)
    corpus.trace = trace = trace or Trace(corpus.lex, corpus.acronym_defs, corpus.memo)
    groups = corpus.merged(corpus.cands)
    never = corpus.lower_words | {w.lower() for w in corpus.groupish}  # never looked for
    scan = find_more(groups, corpus.docs, corpus.lex, never, corpus.memo, trace)
    trace.matched(groups)
    firsts = resolve_surnames(corpus, groups)
    trace.surnamed(groups)
    corpus.trace = None
    out = entities(groups, corpus.lex.words, corpus.memo)
    return out, links(corpus, results, keys, trace, groups, scan, firsts, first_cands)


def _rules(lex: Lexicon) -> str:
    """What every article's own results and the memoised answers (state.Memo) depend on
    besides its text: the lexicon, the NLP model and the code of the rules themselves (so
    an edit to a rule never reuses an answer the old rule gave, version bump or not)."""
    key = (f"entities-v{ENTITIES_VERSION}-nlp{CACHE_VERSION}-{MODEL_VERSION}-{lex.digest}-"
           f"{_code_digest()}")
    return hashlib.sha256(key.encode()).hexdigest()[:24]


@functools.cache
def _code_digest() -> str:
    """A digest of the modules that decide entities: every module of this package and the
    name rules it uses (their source files; their names only when unreadable)."""
    from reader import textutil
    from reader.extraction import lexicon, names

    files = [Path(m.__file__ or m.__name__) for m in (textutil, lexicon, names)]
    files += sorted(Path(__file__).parent.glob("*.py"))
    h = hashlib.sha256()
    for path in files:
        try:
            h.update(path.read_bytes())
        except OSError:
            h.update(path.name.encode())
    return h.hexdigest()[:16]
