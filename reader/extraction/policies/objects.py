"""The things proposed: a proposal's object, noun-phrase keys, and roles named beside people."""

from __future__ import annotations

import re
from dataclasses import dataclass

from reader.extraction.policies.document import Document
from reader.extraction.policies.lexicon import PolicyLexicon

_MODIFIER_DEPS = ("compound", "amod", "nmod")
_PREPS = ("on", "of", "for", "to", "against")
_CLAUSE_DEPS = ("xcomp", "ccomp")
# "would see the creation of X", "pave the way for X": the proposed thing is the noun's object
_NOMINAL_ACTIONS = ("creation", "introduction", "establishment", "abolition", "end", "way")
_INTRANSITIVE = ("change",)  # "go", "end": "credit must go to", "the Show Must Go On"
# a name the model reads as one of these is not a law (it often reads a law as ORG: "the
# Sarbanes-Oxley Act")
_NAMED_BODIES = ("PERSON", "GPE", "NORP", "FAC", "WORK_OF_ART", "PRODUCT", "EVENT")
_ROLE_WORD = re.compile(r"^[A-Z][a-z]+$")


@dataclass(frozen=True)
class Thing:
    """A proposed object: its tokens in text order, its key (lemmas) and the action verb."""

    tokens: tuple[int, ...]
    key: str
    action: str


def phrase_tokens(doc: Document, head: int, lex: PolicyLexicon, prep: bool = True
                  ) -> list[int]:
    """The key tokens of the noun phrase headed by `head`: its noun/adjective modifiers (not
    vague ones), the head, and for a policy noun its "on/of/for X" ("a ban on smoking")."""
    out = []
    for c in doc.children[head]:
        if c < head and doc.dep[c] in _MODIFIER_DEPS and doc.pos[c] in ("NOUN", "PROPN", "ADJ"):
            if doc.lemma[c].lower() in lex.noise_modifiers or not doc.tok_text[c][:1].isalpha():
                continue
            out += [k for k in doc.children[c] if k < c and doc.dep[k] == "compound"]
            if c > 0 and doc.tok_text[c - 1][:1].isdigit() and (
                    doc.an.tokens[c - 1][1] == doc.an.tokens[c][0]) and c - 1 not in out:
                out.append(c - 1)  # "3G licence": the word's own digits, not "G licence"
            out.append(c)
    out.append(head)
    if prep and doc.lemma[head].lower() in lex.policy_nouns:
        for p in doc.kids(head, "prep"):
            if doc.lemma[p].lower() in _PREPS:
                for g in doc.kids(p, "pobj"):
                    if doc.pos[g] in ("NOUN", "PROPN"):
                        return out + [p] + phrase_tokens(doc, g, lex, prep=False)
    return out


def key_of(doc: Document, tokens: list[int]) -> str:
    return " ".join(doc.lemma[t].lower().strip(".'’") for t in tokens)


def surface(doc: Document, tokens: list[int]) -> str:
    start, end = doc.an.tokens[tokens[0]][0], doc.an.tokens[tokens[-1]][1]
    return " ".join(doc.text[start:end].replace("“", "").replace("”", "").split()).strip("\"'")


def _object_noun(doc: Document, verb: int) -> int | None:
    """The noun a verb acts on: its direct object, else its passive subject."""
    for deps in (("dobj",), ("nsubjpass",)):
        for c in doc.kids(verb, *deps):
            return c
    return None


def proposal_object(doc: Document, cue: list[int], lex: PolicyLexicon) -> Thing | None:
    """What the cue tokens propose, when it is a measure: the object of the enacting verb
    ("plans to introduce identity cards"), of "for" ("calls for a ban on X") or the cue's
    own object ("proposed a points system"). None for an opinion, a prediction or a plan of
    another kind (no object, or neither a policy action nor a policy noun)."""
    starts = []
    for t in cue:
        if doc.pos[t] == "AUX" and doc.lemma[doc.head[t]].lower() == "help":
            return None  # "should help cut costs": a prediction
        if doc.pos[t] == "AUX" and doc.head[t] != t:
            starts.append(doc.head[t])  # "should be banned", "must introduce"
        elif doc.pos[t] in ("VERB", "NOUN", "ADJ", "ADP"):
            starts.append(t)
    for start in starts:
        if any(doc.lemma[m].lower() == "if" for m in doc.kids(start, "mark")):
            return None  # "if a club want to sell you": a condition, not a plan
        verb, seen = start, set()
        while verb not in seen:
            seen.add(verb)
            nxt = next((c for c in doc.children[verb] if doc.dep[c] in _CLAUSE_DEPS
                        and doc.pos[c] in ("VERB", "AUX")), None)
            if nxt is None:
                break
            verb = nxt
        noun = _object_noun(doc, verb)
        if noun is None:
            for p in doc.kids(verb, "prep"):  # "calls for X", "the creation of X"
                if doc.lemma[p].lower() in ("for", "on"):
                    noun = next(iter(doc.kids(p, "pobj")), None)
        action = doc.lemma[verb].lower() if doc.pos[verb] == "VERB" else ""
        if noun is None and action in _INTRANSITIVE:
            # "the current model has to change": the subject is what is to change
            subj = next((c for v in (verb, start) for c in doc.kids(v, "nsubj")), None)
            if subj is not None and doc.pos[subj] == "NOUN":
                noun, action = subj, "reform"
        if noun is None:
            continue
        # "would see the creation of X", "pave the way for X": the noun's own object
        if doc.lemma[noun].lower() in _NOMINAL_ACTIONS:
            for p in doc.kids(noun, "prep"):
                for g in doc.kids(p, "pobj"):
                    action, noun = doc.lemma[noun].lower(), g
        head_lemma = doc.lemma[noun].lower()
        if (doc.pos[noun] not in ("NOUN", "PROPN") or head_lemma in lex.vague_heads
                or len(head_lemma) < 3 or not head_lemma.isalpha()):
            return None
        policy_noun = head_lemma in lex.policy_nouns
        if not (action in lex.actions or action in _NOMINAL_ACTIONS or (
                policy_noun and (not action or action in lex.soft_actions))):
            return None
        tokens = phrase_tokens(doc, noun, lex)
        if doc.pos[noun] == "PROPN" and all(doc.pos[t] == "PROPN" for t in tokens):
            if head_lemma not in lex.policy_nouns:
                return None  # a name ("plans to buy Glazer"), not a measure
        return Thing(tuple(tokens), key_of(doc, tokens), action)
    return None


def noun_phrase_keys(doc: Document, ui: int, lex: PolicyLexicon) -> set[str]:
    """Keys of the noun phrases of one sentence, the inner compound too ("id card scheme"
    also names "id card"), for finding every sentence that names a proposed object."""
    keys = set()
    d = doc
    for t in d.units[ui].tokens:
        if d.dep[t] == "compound" or not (d.pos[t] == "NOUN" or (
                d.pos[t] == "PROPN" and d.lemma[t].lower() in lex.law_names)):
            continue  # a noun, or the name of a law ("the Sarbanes-Oxley Act")
        tokens = phrase_tokens(d, t, lex)
        keys.add(key_of(d, tokens))
        mods = [k for k in tokens if k < t]
        if len(mods) >= 2 and d.pos[mods[-1]] == "NOUN":
            keys.add(key_of(d, mods))
        if tokens[-1] != t:  # "quotas on asylum" also names "quotas"
            keys.add(key_of(d, [k for k in tokens if k <= t]))
    return keys


def acted_keys(doc: Document, ui: int, lex: PolicyLexicon,
               enacting: list[int] | None = None) -> set[str]:
    """Keys of the measures one sentence acts on or takes a stance on, whoever does it:
    the object of an enacting verb ("the Fed raised interest rates", "to settle a tax bill"),
    of a stance verb, or of a verb of a measure in force ("meet his golden rule"), its head
    a policy noun; and a measure named by itself: the name of a law ("the Sarbanes-Oxley
    Act") or the noun of an enacting verb ("privatisation"). What discovery grows
    candidates from besides proposals: news reports measures taken, not only proposed.
    `enacting`, when given, receives the enacting verbs found (whose subject enacts it)."""
    d = doc
    out: set[str] = set()
    for t in d.units[ui].tokens:  # policy nouns are few: start from them, not from verbs
        pos = d.pos[t]
        if (pos != "NOUN" and pos != "PROPN") or d.dep[t] == "compound":
            continue
        lemma = d.lemma[t].lower()
        if pos == "PROPN" and lemma in lex.law_names:
            if (len(phrase_tokens(d, t, lex, prep=False)) > 1
                    and d.ent_of.get(t, ("", "", ""))[2] not in _NAMED_BODIES):
                out |= _with_head_alone(d, t, lex)
            continue
        if lemma not in lex.policy_nouns:
            continue
        verb = _acted_on(d, t, lex)
        if pos == "NOUN" and nominal_action(lemma, lex) or verb is not None:
            out |= _with_head_alone(d, t, lex)
        if enacting is not None and verb is not None and d.lemma[verb].lower() in lex.actions:
            enacting.append(verb)
    return out


def _acted_on(doc: Document, noun: int, lex: PolicyLexicon) -> int | None:
    """The enacting, stance or in-force verb `noun` is the object of ("raised interest
    rates", "rates were raised", "calls for a ban", "comply with the Act"), or None."""
    d = doc
    dep, verb = d.dep[noun], d.head[noun]
    if dep == "pobj" and d.lemma[verb].lower() in ("for", "on", "against", "with"):
        verb = d.head[verb]
    elif dep != "dobj" and dep != "nsubjpass":
        return None
    lemma = d.lemma[verb].lower()
    if d.pos[verb] == "VERB" and (lemma in lex.actions or lemma in lex.soft_actions
                                  or lemma in lex.stance_of or lemma in lex.in_force):
        return verb
    return None


def _with_head_alone(doc: Document, head: int, lex: PolicyLexicon) -> set[str]:
    """The phrase's key, and without its "of/on/for X" tail: the privatisation of the
    railway and of the post office are both privatisation."""
    tokens = phrase_tokens(doc, head, lex)
    return {key_of(doc, tokens), key_of(doc, [k for k in tokens if k <= head])}


def nominal_action(lemma: str, lex: PolicyLexicon) -> bool:
    """"privatisation", "deregulation": the noun of an enacting verb ("privatise")."""
    for suffix, verb_end in (("isation", "ise"), ("ization", "ize"), ("ation", "ate")):
        if lemma.endswith(suffix) and lemma[: -len(suffix)] + verb_end in lex.actions:
            return True
    return False


def role_pairs(doc: Document, lex: PolicyLexicon) -> list[tuple[str, str]]:
    """(role, person) pairs the article states: "Home Secretary Charles Clarke",
    "the chancellor, Gordon Brown" -> ("home secretary", "Charles Clarke")."""
    out = []
    d = doc
    starts = {e[0]: e for e in d.an.ents if e[2] == "PERSON"}
    for i, tok in enumerate(d.an.tokens):
        ent = starts.get(tok[0])
        if ent is None:
            continue
        name = " ".join(d.text[ent[0]:ent[1]].split())
        words, k = [], i - 1
        while k >= 0 and d.pos[k] in ("PROPN", "NOUN") and _ROLE_WORD.match(d.tok_text[k]) \
                and d.tok_text[k].lower() not in lex.titles:
            words.insert(0, d.tok_text[k].lower())
            k -= 1
        if not words:  # "the chancellor, Gordon Brown": an apposition
            head = d.head[i]
            last = i
            while last + 1 < len(d.an.tokens) and d.an.tokens[last + 1][1] <= ent[1]:
                last += 1
            for t in (last, i):
                if d.dep[t] == "appos" and d.pos[d.head[t]] == "NOUN":
                    head = d.head[t]
                    words = [d.tok_text[c].lower() for c in d.kids(head, "compound")
                             if c < head] + [d.tok_text[head].lower()]
                    break
            for t in (last, i):  # "Ola Nordmann, Norway's trade minister,": the reverse
                role = next((c for c in d.kids(t, "appos") if d.pos[c] == "NOUN"
                             and d.tok_text[c].islower()), None)
                if not words and role is not None:
                    words = [d.tok_text[c].lower() for c in d.kids(role, "compound")
                             if c < role] + [d.tok_text[role].lower()]
        if words and len(name.split()) > 1:
            out.append((" ".join(words), name))
    return out
