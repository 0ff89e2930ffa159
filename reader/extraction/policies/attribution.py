"""Who a policy mention is credited to (actor) and how they stand on it (stance).

Works sentence by sentence over a `Document`, keeping the context that pronouns and
"the report" refer back to. The words it looks for are in resources/policy_lexicon.toml.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from reader.extraction.policies.codebook import QUOTES
from reader.extraction.policies.document import Document, Unit
from reader.extraction.policies.lexicon import PolicyLexicon

# Which stance wins between cues equally near the policy's words (lowest first).
_PRIORITY = {"sceptical": 0, "opposes": 1, "supports": 2, "proposes": 3}
_ACTOR_LABELS = {"PERSON", "ORG", "NORP", "GPE"}  # entity labels that can name an actor
_WRITER_TITLE = re.compile(r"^((?:[A-Z][\w'’.-]+\s+){1,3}?[A-Z][\w'’-]+)"
                           r"(?:\s+(?:MP|MEP|MSP|AM))?\s*:\s")


@dataclass
class Actor:
    """Someone credited with a statement, as named in the text."""

    name: str
    person: bool = False


class Attributor:
    """Walks one article's sentences in order, keeping the context pronouns and reports
    refer back to (last speaker, last person, who published the report...)."""

    def __init__(self, doc: Document, lex: PolicyLexicon):
        self.doc = doc
        self.lex = lex
        self.writer = self._writer()
        self.full_names = _Names()
        self.last_person: Actor | None = None
        self.last_speaker: Actor | None = None  # a named person who said something
        self.last_actor: Actor | None = None  # anyone credited with a statement
        self.doc_owner: Actor | None = None
        self.last_role: str | None = None  # "India's finance minister, lashed out ..."
        self.last_body: Actor | None = None  # the last country/organisation as a subject
        self.para_speaker: dict[int, Actor] = {}
        self.unit_speaker: dict[int, Actor | None] = {}
        self.unit_actor: dict[int, tuple[Actor | None, int | None]] = {}
        self.context: dict[int, tuple] = {}
        for ui in range(len(doc.units)):
            self._read(ui)

    def _writer(self) -> str | None:
        """Who "we" and "I" are outside quotes: the byline, else an opinion piece's
        "Tim Loughton MP: ..." title when the model reads that name as a person."""
        art = self.doc.article
        if art.author:
            return art.author
        m = _WRITER_TITLE.match(art.title)
        if m and any(s == 0 and e >= len(m[1]) and label == "PERSON"
                     for s, e, label in self.doc.an.ents):
            return self._clean(m[1])
        return None

    # names -------------------------------------------------------------------------------
    def _clean(self, name: str) -> str:
        name = name.translate(QUOTES).strip(" -,")
        name = re.sub(r"'s?$", "", name).strip()
        words = name.split()
        while len(words) > 1 and words[0].lower().strip(".") in self.lex.titles:
            words.pop(0)
        name = " ".join(words)
        if len(words) == 1:
            full = self.full_names.last_ending(name)
            if full is not None:
                return full
        return name

    def name_of(self, i: int, quoted: bool) -> Actor | None:
        """The actor a subject/possessor token stands for, or None when it names nobody."""
        d = self.doc
        low = d.tok_text[i].lower()
        lemma = d.lemma[i].lower()
        if d.pos[i] == "PRON":
            if low in self.lex.first_person:
                if quoted:
                    return None  # the quote's speaker: the caller knows
                return Actor(self.writer, True) if self.writer else None
            if low in ("he", "she", "him", "her", "his"):
                role = Actor(self.last_role) if self.last_role else None
                return self.last_speaker or self.last_person or role
            return None
        if lemma in self.lex.spokes or low in self.lex.spokes:
            for c in d.children[i]:
                if d.dep[c] in ("compound", "poss") and d.pos[c] == "PROPN":
                    return self._named(c)
                if d.dep[c] == "prep" and d.lemma[c] in ("from", "for", "at", "of"):
                    for g in d.kids(c, "pobj"):
                        return self._named(g)
            return None
        if low in self.lex.generic or lemma in self.lex.generic:
            # "Polish ministers", "the Indian government": kept as written with their nation
            mods = [c for c in d.children[i] if c < i and d.dep[c] in ("amod", "compound")
                    and d.ent_of.get(c, ("", "", ""))[2] in ("NORP", "GPE")]
            if mods:
                return Actor(" ".join(d.tok_text[k] for k in [*mods, i]))
            if self.last_body is not None and any(
                    d.lemma[c].lower() in ("its", "their") for c in d.kids(i, "poss")):
                return self.last_body  # "Poland requested ... Its ministers want ..."
            return Actor(self.lex.generic.get(low) or self.lex.generic[lemma])
        named = self._named(i)
        if named is None and d.pos[i] == "NOUN":
            # "the charity's chief executive, Peter Wanless" / "its chair Jane Doe"
            for c in d.kids(i, "appos", "compound"):
                if d.pos[c] == "PROPN":
                    return self._named(c)
        return named

    def _named(self, i: int) -> Actor | None:
        d = self.doc
        ent = d.ent_of.get(i)
        if ent and ent[2] in _ACTOR_LABELS:
            name = self._clean(d.text[ent[0]:ent[1]])
            if name and name.lower() not in self.lex.generic:
                return self._remember(Actor(name, ent[2] == "PERSON"))
        if d.pos[i] != "PROPN":
            return None
        lo = i
        while lo - 1 >= 0 and d.pos[lo - 1] == "PROPN" and d.head[lo - 1] in range(lo, i + 1):
            lo -= 1
        name = self._clean(" ".join(d.tok_text[k] for k in range(lo, i + 1)))
        if not name or name.lower() in self.lex.generic:
            return None
        return self._remember(Actor(name, bool(ent and ent[2] == "PERSON")))

    def _remember(self, actor: Actor) -> Actor:
        if actor.person and len(actor.name.split()) > 1 and actor.name not in self.full_names:
            self.full_names.append(actor.name)
        return actor

    # agents of cues ----------------------------------------------------------------------
    def subject(self, v: int, quoted: bool) -> Actor | None:
        """Who does verb/adjective/noun `v`: its subject, possessor or "by" agent."""
        d = self.doc
        for _ in range(4):
            for c in d.kids(v, "nsubj"):
                return self._agent_of(c, quoted)
            for c in d.kids(v, "nsubjpass"):  # "The directive is intended to ...": its owner
                if d.lemma[c].lower() in self.lex.doc_nouns - {"it"}:
                    return self._agent_of(c, quoted)
            for c in d.kids(v, "agent"):
                for g in d.kids(c, "pobj"):
                    return self._agent_of(g, quoted)
            if d.pos[v] in ("NOUN", "PROPN"):
                for c in d.kids(v, "poss", "compound", "amod"):
                    if d.pos[c] in ("PROPN", "PRON") or d.lemma[c].lower() in self.lex.generic or (
                            d.ent_of.get(c, ("", "", ""))[2] in ("NORP", "ORG", "PERSON")):
                        return self.name_of(c, quoted)
                for c in d.kids(v, "acl", "relcl"):
                    for a in d.kids(c, "agent"):
                        for g in d.kids(a, "pobj"):
                            return self._agent_of(g, quoted)
                # "Under the plans ...": the plans last spoken of in this article.
                if not quoted and d.lemma[v].lower() in self.lex.doc_nouns and any(
                        d.lemma[c].lower() in ("the", "this", "these")
                        for c in d.kids(v, "det")):
                    return self.doc_owner or self.last_actor
                return None
            if d.dep[v] in ("conj", "xcomp", "acomp", "advcl") and d.head[v] != v:
                v = d.head[v]
                continue
            return None
        return None

    def _agent_of(self, c: int, quoted: bool) -> Actor | None:
        d = self.doc
        lemma = d.lemma[c].lower()
        if lemma in ("it", "they"):
            # "The government says it wants ...": the subject of the verb reporting it.
            verb = d.head[c]
            if d.dep[verb] in ("ccomp", "xcomp", "advcl") and d.head[verb] != verb:
                for s in d.kids(d.head[verb], "nsubj", "nsubjpass"):
                    if d.pos[s] != "PRON":
                        return self._agent_of(s, quoted)
            if lemma == "they":
                return None
        if lemma in self.lex.doc_nouns:
            owner = None
            for p in d.kids(c, "poss"):
                owner = self.name_of(p, quoted)
            if owner is None and not quoted:
                owner = self.doc_owner or self.last_actor
            return owner
        return self.name_of(c, quoted)

    # one sentence at a time --------------------------------------------------------------
    def _read(self, ui: int) -> None:
        d = self.doc
        unit = d.units[ui]
        self.context[ui] = self._snapshot()
        outside = [i for i in unit.tokens if not d.in_quote(d.an.tokens[i][0])]
        # The sentence's own speaker: the shallowest speech/stance verb outside quotes
        # with a subject that names someone.
        best: tuple[int, Actor, int] | None = None
        for i in outside:
            lemma = d.lemma[i].lower()
            verbish = d.pos[i] in ("VERB", "AUX", "ADJ")
            if not verbish or (lemma not in self.lex.speech and lemma not in self.lex.stance_of):
                continue
            actor = self.subject(i, quoted=False)
            if actor and (best is None or d.depth(i) < best[0]):
                best = (d.depth(i), actor, i)
        if best is None:
            for i in outside:
                if d.lemma[i].lower() == "accord":
                    for c in d.kids(i, "prep"):
                        for g in d.kids(c, "pobj"):
                            actor = self.name_of(g, quoted=False)
                            if actor:
                                best = (0, actor, i)
        if best is None and d.quoted_share(unit.start, unit.end) > 0:
            best = self._speech_tag(outside)
        if best is None:
            # "the LGA is sceptical ...", "Munro's report is ..."
            for i in outside:
                if d.lemma[i] == "be" and d.dep[i] == "ROOT" and any(
                        d.lemma[k].lower() in self.lex.stance_of and d.pos[k] == "ADJ"
                        for k in unit.tokens):
                    for c in d.kids(i, "nsubj"):
                        actor = self._agent_of(c, quoted=False)
                        if actor:
                            best = (0, actor, i)
        own = best[1] if best else None
        if best and d.lemma[best[2]] == "publish":
            self.doc_owner = best[1]
        for i in outside:  # "the Conservatives' new policy paper": who owns reports
            if d.lemma[i].lower() in self.lex.doc_nouns - {"it"}:
                for p in d.kids(i, "poss"):
                    if d.pos[p] == "PROPN":
                        self.doc_owner = self.name_of(p, quoted=False) or self.doc_owner
                    elif own is not None and d.lemma[p].lower() in ("its", "their", "it"):
                        self.doc_owner = own  # "The TUC said in its submission ..."
            if d.dep[i] == "nsubj" and d.pos[i] == "NOUN" and d.head[i] == d.head[d.head[i]] \
                    and d.lemma[i].lower() in self.lex.public_actors and d.kids(i, "poss"):
                mods = [c for c in d.kids(i, "compound") if c < i]
                self.last_role = " ".join(d.tok_text[k].lower() for k in [*mods, i])
        self.unit_actor[ui] = (own, best[2] if best else None)
        # Quotes: the speaker is this sentence's own speaker, else the paragraph's, else the
        # previous paragraph's when this one opens with a quote (a quote continued).
        speaker = None
        if unit.quoted:
            speaker = own or self.para_speaker.get(unit.para)
            if speaker is None:
                later = ui + 1  # (a paragraph's units are consecutive)
                while later < len(d.units) and d.units[later].para == unit.para:
                    later += 1
                for u in range(ui + 1, later):
                    speaker = self._peek_speaker(u)
                    if speaker:
                        break
            if speaker is None:
                speaker = self.para_speaker.get(unit.para - 1)
        self.unit_speaker[ui] = speaker
        for who in (own, speaker):
            if who is not None:
                self.para_speaker.setdefault(unit.para, who)
        if own is not None:
            self.para_speaker[unit.para] = own
            self.last_actor = own
            if own.person:
                self.last_speaker = own
        elif speaker is not None:
            self.para_speaker[unit.para] = speaker
        for i in outside:
            ent = d.ent_of.get(i)
            if ent and ent[2] == "PERSON" and d.an.tokens[i][1] == ent[1]:
                person = self._named(i)
                if person:
                    self.last_person = person
            if ent and ent[2] in ("GPE", "ORG", "NORP") and d.dep[i] == "nsubj":
                self.last_body = self._named(i) or self.last_body

    def _speech_tag(self, outside: list[int]) -> tuple[int, Actor, int] | None:
        """The speech tag next to a quote when the parser missed the verb (the model reads
        "..., the consultation document states." as a noun phrase): the word before a
        lower-case "says"/"states"/... is its subject ("said Mr X" order too)."""
        d = self.doc
        for n, i in enumerate(outside):
            if d.tok_text[i] not in self.lex.speech_forms:
                continue
            if n and d.pos[outside[n - 1]] in ("NOUN", "PROPN", "PRON"):
                actor = self._agent_of(outside[n - 1], quoted=False)
            elif n + 1 < len(outside) and d.pos[outside[n + 1]] == "PROPN":
                actor = self._named(outside[n + 1])
            else:
                actor = None
            if actor:
                return (0, actor, i)
        return None

    def _peek_speaker(self, ui: int) -> Actor | None:
        """A following sentence's "..., she said" (without moving the context on)."""
        d = self.doc
        for i in d.units[ui].tokens:
            if d.in_quote(d.an.tokens[i][0]) or d.lemma[i].lower() not in self.lex.saying:
                continue
            actor = self.subject(i, quoted=False)
            if actor:
                return actor
        return None

    def _snapshot(self) -> tuple:
        return (self.last_person, self.last_speaker, self.last_actor, self.doc_owner,
                self.full_names.copy(), self.last_role, self.last_body)

    # stance and actor of a mention -------------------------------------------------------
    def attribute(self, ui: int, matched: Sequence[int]) -> tuple[Actor | None, str]:
        """(actor, stance) of a policy matched at tokens `matched` in sentence `ui`, with
        the context (last speaker, report owner...) as it stood when the sentence began."""
        saved = self._snapshot()
        (self.last_person, self.last_speaker, self.last_actor, self.doc_owner,
         self.full_names, self.last_role, self.last_body) = self.context[ui]
        try:
            return self._attribute(ui, matched)
        finally:
            (self.last_person, self.last_speaker, self.last_actor, self.doc_owner,
             self.full_names, self.last_role, self.last_body) = saved

    def agent(self, ui: int, verb: int) -> Actor | None:
        """Who does `verb` of sentence `ui` (its subject, "by" agent...), with the context
        as it stood when the sentence began; None inside a quote (the speaker's words)."""
        if self.doc.units[ui].quoted:
            return None
        saved = self._snapshot()
        (self.last_person, self.last_speaker, self.last_actor, self.doc_owner,
         self.full_names, self.last_role, self.last_body) = self.context[ui]
        try:
            return self.subject(verb, quoted=False)
        finally:
            (self.last_person, self.last_speaker, self.last_actor, self.doc_owner,
             self.full_names, self.last_role, self.last_body) = saved

    def _attribute(self, ui: int, matched: Sequence[int]) -> tuple[Actor | None, str]:
        d = self.doc
        unit = d.units[ui]
        quoted = unit.quoted
        cues = []
        for i in unit.tokens:
            lemma = d.lemma[i].lower()
            stance = self.lex.stance_of.get(lemma)
            if stance is None or not self._is_cue(i):
                continue
            negated = bool(d.kids(i, "neg"))
            if stance in ("supports", "proposes") and negated:
                stance = "opposes"
            dist = min(d.distance(m, i) for m in matched)
            noun = d.pos[i] == "NOUN"
            cues.append((negated, noun, dist, _PRIORITY[stance], i, stance))
        # A verb or adjective beats a noun ("Labour attacked government plans to ..."), an
        # affirmative cue a negated one (an inference, not a plain statement: "we are not
        # backing ContactPoint, which we have pledged to scrap"); then the cue nearest the
        # policy's words in the parse wins.
        cues.sort()
        verb_cue = next((st for neg, noun, *_, st in cues if not noun), None)
        cues = [(i, st) for *_, i, st in cues]
        actor: Actor | None = None
        stance = "unknown"
        if quoted:
            actor = self.unit_speaker.get(ui)
            if cues:
                stance = cues[0][1]
        else:
            for i, st in cues:
                who = self.subject(i, quoted=False)
                if who is not None:
                    actor, stance = who, st
                    break
            if actor is None:
                actor, verb = self.unit_actor.get(ui, (None, None))
                if actor is not None and cues:
                    stance = cues[0][1]
                elif actor is not None and verb is not None:
                    stance = self.lex.stance_of.get(d.lemma[verb].lower(), "unknown")
        if actor is None and not quoted:
            # "the Department for Education's innovation programme": whose it is.
            for m in matched:
                for c in d.kids(m, "poss"):
                    if d.pos[c] == "PROPN":
                        actor = self.name_of(c, quoted=False)
        if actor is not None and stance == "unknown" and (quoted or self._saying(ui)):
            if self._modal(unit) and not unit.question:
                stance = "proposes"
        if actor is None:
            # Nobody named: keep a stance only when a verb states it ("Critics reject ...").
            stance = verb_cue or "unknown"
        return actor, stance

    def _is_cue(self, i: int) -> bool:
        """A stance word used as one: verbs and adjectives, and a few nouns ("proposals",
        "a plea") but not as a modifier ("family support services")."""
        d = self.doc
        lemma = d.lemma[i].lower()
        if lemma == "call" and not any(d.lemma[c] in ("for", "on") for c in d.children[i]):
            return False
        if d.pos[i] in ("VERB", "AUX", "ADJ"):
            return True
        return (d.pos[i] == "NOUN" and lemma in self.lex.cue_nouns
                and d.dep[i] not in ("compound", "amod"))

    def _saying(self, ui: int) -> bool:
        """Is the sentence someone's statement ("X said ...", "according to X, ...")?"""
        verb = self.unit_actor.get(ui, (None, None))[1]
        return verb is not None and self.doc.lemma[verb].lower() in self.lex.saying | {"accord"}

    def _modal(self, unit: Unit) -> bool:
        """A plainly stated proposal: "should", "must", "we will", "need to", "be forced to"
        ("will" only as first-person intent: "it will not improve" is a prediction)."""
        d = self.doc
        for i in unit.tokens:
            lemma = d.lemma[i].lower()
            if d.pos[i] == "AUX" and lemma in self.lex.modals:
                if lemma not in ("will", "shall"):
                    return True
                verb = d.head[i]
                if not d.kids(verb, "neg") and any(
                        d.tok_text[c].lower() in ("we", "i") for c in d.kids(verb, "nsubj")):
                    return True
            if lemma in ("need", "have") and d.pos[i] == "VERB" and any(
                    d.dep[c] == "xcomp" for c in d.children[i]):
                return True
            if lemma in ("force", "oblige", "require") and d.kids(i, "auxpass"):
                return True
        return False


class _Names:
    """The full names met so far, as a list that is copied for each sentence's context:
    all copies share one append-only list and keep their length of it (plus what was
    added to a copy alone), so a copy costs nothing and a lookup no scan of the list."""

    __slots__ = ("_all", "_at", "_by_last", "_n", "_extra")

    def __init__(self) -> None:
        self._all: list[str] = []
        self._at: dict[str, int] = {}  # name -> its position in `_all`
        self._by_last: dict[str, list[int]] = {}  # last word -> positions in `_all`
        self._n = 0
        self._extra: list[str] = []

    def copy(self) -> _Names:
        other = _Names.__new__(_Names)
        other._all, other._at, other._by_last = self._all, self._at, self._by_last
        other._n, other._extra = self._n, list(self._extra)
        return other

    def __contains__(self, name: str) -> bool:
        return self._at.get(name, self._n) < self._n or name in self._extra

    def append(self, name: str) -> None:
        if self._n == len(self._all) and not self._extra and name not in self._at:
            self._at[name] = self._n
            self._by_last.setdefault(name.split()[-1], []).append(self._n)
            self._all.append(name)
            self._n += 1
        else:
            self._extra.append(name)

    def last_ending(self, word: str) -> str | None:
        """The latest name whose last word is `word`."""
        for full in reversed(self._extra):
            if full.split()[-1] == word:
                return full
        at = self._by_last.get(word, ())
        k = bisect_left(at, self._n) - 1
        return self._all[at[k]] if k >= 0 else None
