"""Entities across the corpus: spaCy's spans cleaned, typed, merged by rule, corrected by
the user's edits, with mentions, co-occurrence and a JSON cache.

Pure Python over the cached `Analysis` (reader.extraction.nlp): nothing here imports spaCy,
so the app can load an `EntityTable` from its cache at start-up.

Pipeline (`build_entities`, build.py):
 1. candidates per article (candidates.py): NER spans cleaned (articles, possessives,
    punctuation, titles moved into aliases; headline spans cut to names), plus rule spans
    ("Sir X", "Lord X", "X (ACR)", quoted titles); cached per article, so an unchanged
    article is not read again;
 2. corpus rules (grouping.py): drop spans that are not names (phrases the corpus writes in
    lower case, chrome, shapes), fix types from resources/gazetteer.toml and
    resources/aliases.toml;
 3. group by name (case and punctuation folded), vote the type, merge acronyms with their
    expansion (defined in the text, or the one name their initials spell that they meet
    in an article), find further mentions of known names in bodies and headlines
    (matching.py), resolve surnames to full names;
 4. user edits (reader.extraction.overlay) on top: the table (table.py) keeps the extracted
    entities, so a new edit list applies without re-running anything.
The table's cache also keeps what the next build reuses (state.py): every article's own
results, a memo of the corpus-wide scans (common phrases, names found again), and what
couples the groups across the passes (channels.py traces it in every build). After a change
the corpus rules run over every candidate, then the later passes re-run only on the groups
the change reaches and their entities replace those of the previous table (splice.py); a
change whose reach cannot be bounded takes the full passes. Either way the table equals a
build from scratch (tests.bench.incremental part 3 checks it over chained random changes).
Every mention's offsets index `Article.body` (body[start:end] == text), or, for a mention
in the headline (`Mention.field` "title"), `Article.title`. The word lists the
rules read are resources/entity_lexicon.toml (reader.extraction.lexicon).
"""

from reader.domain import Entity, Evidence, Mention, Related
from reader.extraction.entities.build import ENTITIES_VERSION, build_entities, fingerprint
from reader.extraction.entities.cooccurrence import SENTENCE_WEIGHT
from reader.extraction.entities.table import CACHE_FORMAT, EntityTable
from reader.extraction.lexicon import TYPES, entity_type

__all__ = ["CACHE_FORMAT", "ENTITIES_VERSION", "SENTENCE_WEIGHT", "TYPES", "Entity",
           "EntityTable", "Evidence", "Mention", "Related", "build_entities", "entity_type",
           "fingerprint"]
