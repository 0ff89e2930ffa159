"""Mentions listed across the corpus with their article's title and date (plain data, like
the rest of `reader.domain`, which re-exports them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class MentionContext:
    """A mention with the sentence around it (for lists of mentions across the corpus).

    Plain data: `sentence` is "" until the entity service fills it
    (`fill_sentences`, run off the GUI thread); then the mention is
    sentence[start - sentence_start : end - sentence_start]. A headline mention (`field`
    "title") has offsets into the article's title, and its sentence is the title."""

    doc: str
    title: str
    date: str
    start: int
    end: int
    text: str
    sentence: str = ""
    sentence_start: int = -1
    field: str = "body"  # "body" | "title", as Mention.field

    def to_json(self) -> dict:
        out = {"doc": self.doc, "title": self.title, "date": self.date, "start": self.start,
               "end": self.end, "text": self.text, "sentence": self.sentence,
               "sentence_start": self.sentence_start}
        if self.field != "body":
            out["field"] = self.field
        return out


class MentionContexts(Sequence):
    """MentionContexts in order, each made when it is read: `mentions` (anything with doc,
    start, end, text) already in their final order, `articles` doc id -> (title, date).
    So an entity's 19k mentions are a sorted array and a page of them a slice (what the
    mention list shows first), not 19k objects made up front. Compares equal to a list of
    the same MentionContexts."""

    __slots__ = ("_articles", "_mentions")

    def __init__(self, mentions: list, articles: dict[str, tuple[str, str]]):
        self._mentions = mentions
        self._articles = articles

    def __len__(self) -> int:
        return len(self._mentions)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._make(m) for m in self._mentions[index]]
        return self._make(self._mentions[index])

    def __iter__(self):
        return map(self._make, self._mentions)

    def __eq__(self, other) -> bool:
        if isinstance(other, MentionContexts | list | tuple):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # a sequence, like list

    def __repr__(self) -> str:
        return f"MentionContexts({len(self)} mentions)"

    def _make(self, m) -> MentionContext:
        title, date = self._articles[m.doc]
        return MentionContext(m.doc, title, date, m.start, m.end, m.text,
                              field=getattr(m, "field", "body"))
