"""Drive the real main window's sidebar: entities and their mentions, corrections, policies."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import QInputDialog

from reader.library import Library

from .conftest import click_article


def entity_index(win, name: str) -> QModelIndex:
    proxy = win.entity_panel.proxy
    for g in range(proxy.rowCount()):
        group = proxy.index(g, 0)
        for r in range(proxy.rowCount(group)):
            index = proxy.index(r, 0, group)
            if index.data() == name:
                return index
    raise AssertionError(f"{name} not in the entity tree")


def select_entity(qtbot, win, name: str) -> None:
    index = entity_index(win, name)
    rect = win.entity_panel.tree.visualRect(index)
    with qtbot.waitSignal(win.mentions_loaded, timeout=5000):
        qtbot.mouseClick(win.entity_panel.tree.viewport(), Qt.MouseButton.LeftButton,
                         pos=rect.center())


def selected_body_text(win) -> str:
    span = win.article_view.selected_body_range()
    assert span is not None
    return win.article_view.article.body[span[0]:span[1]]


# -- entities and mentions ---------------------------------------------------------------


def test_entity_selection_lists_mentions_and_activation_selects_the_text(qtbot, window):
    click_article(qtbot, window, "a-leeds")
    select_entity(qtbot, window, "Michael Gove")
    mentions = window.mention_panel.model
    contexts = mentions.contexts()
    assert len(contexts) == 3  # "Michael Gove" in a and b, "Gove" in b
    assert [c.date for c in contexts] == sorted(c.date for c in contexts)
    html = mentions.index(0, 2).data(Qt.ItemDataRole.UserRole + 3)
    assert "<b>Michael Gove</b>" in html
    # The open article highlights the entity's mentions in it.
    view = window.article_view
    assert len(view._layers["mentions"]) == 1
    details = window.entity_panel.details
    qtbot.waitUntil(lambda: "Related" in details.toPlainText(), timeout=5000)
    assert "Also written Gove" in details.toPlainText()
    assert "Ofsted" in details.toPlainText()  # related: mentioned in the same articles
    # Activate the last mention (in another article): it opens with the mention selected.
    target = contexts[-1]
    index = mentions.index(len(contexts) - 1, 0)
    window.mention_panel.view.setCurrentIndex(index)
    with qtbot.waitSignal(window.article_opened, timeout=5000):
        qtbot.keyClick(window.mention_panel.view, Qt.Key.Key_Return)
    assert view.article.id == target.doc
    assert view.textCursor().selectedText() == target.text
    assert selected_body_text(window) == view.article.body[target.start:target.end]


def test_f3_walks_mentions_across_articles(qtbot, window):
    select_entity(qtbot, window, "Ofsted")
    contexts = window.mention_panel.model.contexts()
    assert len({c.doc for c in contexts}) == 3
    seen = []
    for ctx in contexts:
        with qtbot.waitSignal(window.article_opened, timeout=5000):
            qtbot.keyClick(window, Qt.Key.Key_F3)
        seen.append((window.article_view.article.id, selected_body_text(window)))
        assert seen[-1] == (ctx.doc, "Ofsted")
    assert [d for d, _ in seen] == [c.doc for c in contexts]
    with qtbot.waitSignal(window.article_opened, timeout=5000):
        qtbot.keyClick(window, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert window.article_view.article.id == contexts[-2].doc


def test_drag_merge_updates_the_sidebar_and_undo_restores(qtbot, window):
    panel = window.entity_panel
    source, target = entity_index(window, "Leeds"), entity_index(window, "Leeds City Council")
    before = int(panel.proxy.index(target.row(), 1, target.parent()).data())
    data = panel.proxy.mimeData([source])
    with qtbot.waitSignal(window.entities_edited, timeout=5000) as edited:
        panel.proxy.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, target)
    assert edited.args[0] == {"op": "merge", "source": "leeds", "target": "leeds-city-council"}
    with pytest.raises(AssertionError):
        entity_index(window, "Leeds")
    merged = entity_index(window, "Leeds City Council")
    assert int(panel.proxy.index(merged.row(), 1, merged.parent()).data()) > before
    assert panel.current_id() == "leeds-city-council"  # the target stays selected
    qtbot.waitUntil(lambda: window.mention_panel.model.rowCount() > before, timeout=5000)
    with qtbot.waitSignal(window.entities_edited, timeout=5000):
        qtbot.keyClick(panel.tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert entity_index(window, "Leeds").isValid()


def test_merge_rename_retype_and_hide_from_actions(qtbot, window, monkeypatch):
    panel = window.entity_panel
    sel = panel.tree.selectionModel()
    flags = QItemSelectionModel.SelectionFlag
    sel.setCurrentIndex(entity_index(window, "Michael Gove"), flags.ClearAndSelect | flags.Rows)
    sel.select(entity_index(window, "Eileen Munro"), flags.Select | flags.Rows)
    # Two selected: asked which one to keep, the most mentioned offered first.
    monkeypatch.setattr(QInputDialog, "getItem",
                        lambda _parent, _title, _label, items, current, _edit: (items[current],
                                                                              True))
    with qtbot.waitSignal(window.entities_edited, timeout=5000) as edited:
        window.actions_by_name["merge_entity"].trigger()
    assert edited.args[0]["target"] == "michael-gove"
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Gove", True))
    with qtbot.waitSignal(window.entities_edited, timeout=5000):
        qtbot.keyClick(panel.tree, Qt.Key.Key_F2)
    assert panel.current().name == "Gove"
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("Organisation", True))
    with qtbot.waitSignal(window.entities_edited, timeout=5000):
        window.actions_by_name["retype_entity"].trigger()
    assert panel.current().type == "Organisation"
    with qtbot.waitSignal(window.entities_edited, timeout=5000):
        window.actions_by_name["hide_entity"].trigger()
    assert all(e.name != "Gove" for e in window.library.entities.list())


def test_policy_selection_lists_mentions_with_actors(qtbot, window):
    window.show_tab(1)
    view = window.policy_panel.view
    index = window.policy_panel.proxy.index(0, 0)
    with qtbot.waitSignal(window.mentions_loaded, timeout=5000) as loaded:
        view.setCurrentIndex(index)
    assert loaded.args == [2]
    details = window.policy_panel.details
    assert "Eileen Munro — 2 mentions (supports 2)" in details.toPlainText()
    from PySide6.QtCore import QUrl

    details.anchorClicked.emit(QUrl("entity:eileen-munro"))  # the actor is a link
    assert window.entity_panel.current_id() == "eileen-munro"


def test_before_extraction_the_panels_show_what_to_do(qtbot, make_window, built_data_dir):
    win = make_window(built_data_dir, library_cls=Library)  # indexed without NLP
    assert win.entity_panel.stack.is_empty
    assert "No entities yet" in win.entity_panel.stack.label.text()
    assert win.notes_panel.stack.is_empty
    click_article(qtbot, win, "c-munro")
    assert win.article_model.is_read("c-munro")
    qtbot.keyClick(win, Qt.Key.Key_F3)  # nothing selected: a hint, no crash
    assert "Select an entity" in win.statusBar().currentMessage()
