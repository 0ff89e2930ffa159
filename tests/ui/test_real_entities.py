"""The window over the real Library with real extraction (spaCy runs once per session to
build a template data dir, copied per test)."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt

from reader.library import Library

from .test_sidebar import entity_index, select_entity

pytestmark = pytest.mark.spacy


@pytest.fixture(scope="session")
def nlp_template(tmp_path_factory, ui_corpus):
    folder = tmp_path_factory.mktemp("ui-nlp-template")
    lib = Library.open(folder, ui_corpus)
    lib.indexing.update()
    lib.close()
    return folder


@pytest.fixture
def real_window(make_window, data_dir, nlp_template):
    shutil.copytree(nlp_template, data_dir, dirs_exist_ok=True)
    return make_window(data_dir, library_cls=Library, nlp=True)


def test_real_entity_mentions_open_with_the_exact_text_selected(qtbot, real_window):
    win = real_window
    assert not win.entity_panel.stack.is_empty
    select_entity(qtbot, win, "Ofsted")
    contexts = win.mention_panel.model.contexts()
    assert len({c.doc for c in contexts}) == 3
    for row, ctx in enumerate(contexts):
        assert ctx.sentence[ctx.start - ctx.sentence_start:][:len(ctx.text)] == ctx.text
        win.mention_panel.set_current_row(row)
        with qtbot.waitSignal(win.article_opened, timeout=5000):
            qtbot.keyClick(win.mention_panel.view, Qt.Key.Key_Return)
        view = win.article_view
        assert view.article.id == ctx.doc
        if ctx.field == "title":  # a headline mention: the article opens at its title
            assert view.article.title[ctx.start:ctx.end] == ctx.text
            assert not view.textCursor().hasSelection()
            continue
        assert view.article.body[ctx.start:ctx.end] == view.textCursor().selectedText()


def test_real_merge_from_the_sidebar_and_undo(qtbot, real_window):
    win = real_window
    panel = win.entity_panel
    source, target = entity_index(win, "Leeds"), entity_index(win, "Leeds City Council")
    with qtbot.waitSignal(win.entities_edited, timeout=10_000):
        panel.proxy.dropMimeData(panel.proxy.mimeData([source]), Qt.DropAction.MoveAction,
                                 -1, -1, target)
    with pytest.raises(AssertionError):
        entity_index(win, "Leeds")
    merged = panel.current()
    assert merged.name == "Leeds City Council" and "Leeds" in merged.aliases
    with qtbot.waitSignal(win.entities_edited, timeout=10_000):
        win.actions_by_name["undo_entity"].trigger()
    assert entity_index(win, "Leeds").isValid()
