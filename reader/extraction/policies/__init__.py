"""Policies: codebook matching, unfiled proposals, attribution and timelines (the public API).

Pure Python over the cached `Analysis` (reader/extraction/nlp.py): nothing here imports
spaCy, so policies rebuild in milliseconds at start-up whenever the NLP cache is current.
Offsets reported here index into `Article.body`. A mention is one sentence: its span is the
whole sentence (the sentence text is the evidence), one mention per policy per sentence.

    codebook     the codebook (a library's, in its corpus folder) and user policies; the
                 pattern language; writing a codebook file
    overlay      the user's policy edits: promote, import, remove, rename, merge, hide
    document     one article's analysis: sentences, quotes, the matcher, the parse tree
    lexicon      resources/policy_lexicon.toml: stance words, role words, proposal cues
    attribution  actor and stance of a mention
    proposals    unfiled proposals as records: object, proposer, stance, date
    objects      what a proposal proposes; noun-phrase keys; roles named beside people
    discovery    candidate policies grouped from proposals' objects; role resolution
    facts        what discovery keeps of each article, packed for the cache
    keyindex     the articles naming each noun-phrase key, by head word (cached, updated)
    table        PolicyTable, its JSON cache, timelines
    build        build_policies, fingerprint, reuse of unchanged articles' results
"""

from reader.domain import Policy, PolicyMention, Proposal
from reader.extraction.policies.build import build_policies, fingerprint
from reader.extraction.policies.codebook import (
    CODEBOOK_FILE,
    Pattern,
    compile_pattern,
    dump_codebook,
    library_codebook,
    load_codebook,
    promote,
    validate_policies,
)
from reader.extraction.policies.lexicon import PolicyLexicon
from reader.extraction.policies.table import POLICY_VERSION, STANCES, PolicyTable

__all__ = [
    "CODEBOOK_FILE", "POLICY_VERSION", "STANCES", "Pattern", "Policy", "PolicyLexicon",
    "PolicyMention", "PolicyTable", "Proposal", "build_policies", "compile_pattern",
    "dump_codebook", "fingerprint", "library_codebook", "load_codebook", "promote",
    "validate_policies",
]
