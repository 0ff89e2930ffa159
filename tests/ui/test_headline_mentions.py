"""Drive the real window: an entity named in a headline lists that mention, and jumping to it
opens the article at the top with the name marked in the title heading, never body text."""

from __future__ import annotations

import dataclasses
import re

import pytest
from PySide6.QtCore import Qt

from reader.domain import Mention

from .conftest import click_article
from .fakes import ContractLibrary, FakeEntities
from .test_sidebar import select_entity


class HeadlineEntities(FakeEntities):
    """The fake entities, with their mentions in the articles' titles too."""

    def build(self):
        if self._entities is None:
            ents = super().build()
            for info in self._lib.articles.list():
                for ent_id, e in ents.items():
                    heads = tuple(Mention(info.id, m.start(), m.end(), m[0], field="title")
                                  for m in re.finditer(rf"\b{re.escape(e.name)}\b",
                                                       info.title))
                    ents[ent_id] = dataclasses.replace(e, mentions=heads + e.mentions)
        return self._entities


class HeadlineLibrary(ContractLibrary):
    def __init__(self, paths):
        super().__init__(paths)
        self.entities = HeadlineEntities(self)


@pytest.fixture
def window(make_window, built_data_dir):
    return make_window(built_data_dir, library_cls=HeadlineLibrary)


def marked_texts(view) -> list[str]:
    text = view.document().toPlainText()
    return [text[s:e] for s, e in view.mention_selections()]


def test_a_headline_mention_is_listed_and_jumps_to_the_title(qtbot, window):
    click_article(qtbot, window, "c-munro")
    select_entity(qtbot, window, "Ofsted")
    model = window.mention_panel.model
    contexts = model.contexts()
    heads = [c for c in contexts if c.field == "title"]
    assert [c.text for c in heads] == ["Ofsted"]  # only a-leeds' headline names it
    head = heads[0]
    assert head.sentence == head.title == "Leeds praised by Ofsted"
    assert head.sentence[head.start - head.sentence_start:head.end - head.sentence_start] \
        == "Ofsted"
    row = contexts.index(head)
    html = model.index(row, 2).data(Qt.ItemDataRole.UserRole + 3)
    assert "Headline:" in html and "<b>Ofsted</b>" in html

    view = window.article_view
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    window.mention_panel.view.setCurrentIndex(model.index(row, 0))
    with qtbot.waitSignal(window.article_opened, timeout=5000):
        qtbot.keyClick(window.mention_panel.view, Qt.Key.Key_Return)
    assert view.article.id == head.doc
    assert view.verticalScrollBar().value() == 0  # at the top, where the title is
    assert not view.textCursor().hasSelection()  # no body text selected in its place
    # The title heading's "Ofsted" and the body's are marked; nothing else is.
    marks = view.mention_selections()
    assert marked_texts(view) == ["Ofsted"] * len(marks) and len(marks) == 2
    assert marks[0] == (view.title_pos(head.start), view.title_pos(head.end))
    assert marks[0][1] < view.body_start  # in the heading, before the body
