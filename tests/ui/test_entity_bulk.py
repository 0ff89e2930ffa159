"""Drive the real window's bulk clean-up of the entity list: merge or hide several entities
as one undoable step, hide by type or below N mentions (live count), show hidden entities
again, and the list of the open article's entities following the reading pane."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QInputDialog

from reader.ui.entity_dialogs import HideManyDialog
from reader.ui.panels.entities import NO_ARTICLE

from .conftest import click_article
from .test_sidebar import entity_index


def listed(win) -> dict[str, int]:
    """{name: count shown} of every entity row in the tree."""
    proxy, out = win.entity_panel.proxy, {}
    for g in range(proxy.rowCount()):
        group = proxy.index(g, 0)
        for r in range(proxy.rowCount(group)):
            out[proxy.index(r, 0, group).data()] = int(proxy.index(r, 1, group).data())
    return out


def select(win, *names) -> None:
    sel = win.entity_panel.tree.selectionModel()
    flags = QItemSelectionModel.SelectionFlag
    sel.setCurrentIndex(entity_index(win, names[0]), flags.ClearAndSelect | flags.Rows)
    for name in names[1:]:
        sel.select(entity_index(win, name), flags.Select | flags.Rows)


def when_modal(qtbot, act) -> list:
    """Run `act(dialog)` on the next modal dialog, once it is shown; returns what act saw."""
    seen = []

    def poll():
        dialog = QApplication.activeModalWidget()
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(20, poll)
            return
        seen.append(act(dialog))

    QTimer.singleShot(0, poll)
    return seen


def test_merge_several_into_the_one_chosen_and_undo_in_one_step(qtbot, window):
    before = listed(window)
    select(window, "Leeds", "Leeds City Council", "Ofsted")
    assert "3 entities selected" in window.entity_panel.details.toPlainText()
    chart = window.entity_panel.timeline
    assert chart is None or not chart.isVisible()  # one entity's chart, not three's

    def pick(dialog):
        assert isinstance(dialog, QInputDialog)
        items, default = dialog.comboBoxItems(), dialog.textValue()
        dialog.setTextValue(next(i for i in items if i.startswith("Leeds City Council")))
        dialog.accept()
        return items, default

    seen = when_modal(qtbot, pick)
    with qtbot.waitSignal(window.entities_edited, timeout=5000) as edited:
        qtbot.keyClick(window.entity_panel.tree, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    items, default = seen[0]
    assert len(items) == 3
    most = max(("Leeds", "Leeds City Council", "Ofsted"), key=before.get)
    assert default.startswith(most + " (")  # the most mentioned is offered first
    assert edited.args[0]["op"] == "batch" and len(edited.args[0]["edits"]) == 2
    after = listed(window)
    assert "Leeds" not in after and "Ofsted" not in after
    assert after["Leeds City Council"] == (before["Leeds"] + before["Leeds City Council"]
                                           + before["Ofsted"])
    assert window.entity_panel.current().name == "Leeds City Council"
    assert "3 entities merged" in window.statusBar().currentMessage()
    with qtbot.waitSignal(window.entities_edited, timeout=5000):
        window.actions_by_name["undo_entity"].trigger()  # Edit > Undo entity edit
    assert listed(window) == before


def test_hide_several_then_one_undo_brings_all_back(qtbot, window):
    before = listed(window)
    select(window, "Leeds", "Ofsted", "Eileen Munro")
    with qtbot.waitSignal(window.entities_edited, timeout=5000):
        qtbot.keyClick(window.entity_panel.tree, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert set(listed(window)) == set(before) - {"Leeds", "Ofsted", "Eileen Munro"}
    assert len(window.library.entities.edits()) == 1
    with qtbot.waitSignal(window.entities_edited, timeout=5000):
        qtbot.keyClick(window.entity_panel.tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert listed(window) == before


def test_hide_below_n_counts_live_and_hidden_ones_can_be_shown_again(qtbot, window):
    before = listed(window)
    n = sorted(set(before.values()))[1]  # hides the least mentioned, not all
    expected = {name for name, count in before.items() if count < n}
    assert expected and len(expected) < len(before)

    def choose(dialog):
        assert isinstance(dialog, HideManyDialog)
        assert dialog.below_check.isChecked() and dialog.chosen_type() is None
        dialog.below_box.setValue(max(before.values()) + 1)
        everything = dialog.count_label.text()
        dialog.below_box.setValue(n)
        text = dialog.count_label.text()
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        return everything, text

    seen = when_modal(qtbot, choose)
    with qtbot.waitSignal(window.entities_edited, timeout=5000):
        window.actions_by_name["hide_entity_below"].trigger()
    everything, text = seen[0]
    assert everything.startswith(f"{len(before)} entities of {len(before)}")
    assert text.startswith(f"{len(expected)} entit")
    assert set(listed(window)) == set(before) - expected

    # Show hidden: they are listed again (in italics) and can be shown again.
    panel = window.entity_panel
    qtbot.mouseClick(panel.hidden_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: set(listed(window)) == set(before), timeout=5000)
    assert window.actions_by_name["show_hidden_entities"].isChecked()
    hidden = sorted(expected)[0]
    index = entity_index(window, hidden)
    assert index.data(Qt.ItemDataRole.FontRole).italic()
    select(window, hidden)
    with qtbot.waitSignal(window.entities_edited, timeout=5000):
        window.actions_by_name["unhide_entity"].trigger()  # Edit > Show entity again
    assert not entity_index(window, hidden).data(Qt.ItemDataRole.FontRole)
    assert not window.library.entities.get(hidden).hidden
    # One undo takes back the unhide, the next the whole bulk hide.
    for _ in range(2):
        with qtbot.waitSignal(window.entities_edited, timeout=5000):
            window.actions_by_name["undo_entity"].trigger()
    assert not any(e.hidden for e in window.library.entities.list(include_hidden=True))


def test_hide_all_of_a_type(qtbot, window):
    select(window, "Ofsted")

    def choose(dialog):
        assert dialog.chosen_type() == "Organisation"  # the current entity's type
        assert not dialog.below_check.isChecked()
        dialog.accept()

    when_modal(qtbot, choose)
    with qtbot.waitSignal(window.entities_edited, timeout=5000):
        window.actions_by_name["hide_entity_type"].trigger()
    assert {e.type for e in window.library.entities.list()} == {"Person", "Place"}


def test_entities_in_this_article_follow_the_reading_pane(qtbot, window):
    panel = window.entity_panel
    everything = listed(window)
    qtbot.keyClick(window, Qt.Key.Key_A,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert panel.scope_button.isChecked()
    assert panel.stack.is_empty and panel.stack.label.text() == NO_ARTICLE
    assert panel.tree.hasFocus() or window.sidebar.currentIndex() == 0

    for doc in ("c-munro", "a-leeds"):
        click_article(qtbot, window, doc)
        want = {e.name: sum(1 for m in e.mentions if m.doc == doc)
                for e in window.library.entities.list() if doc in e.docs}
        qtbot.waitUntil(lambda want=want: listed(window) == want, timeout=5000)
        assert want
        assert panel.scope_label.isVisible()
        assert window.article_view.article.title in panel.scope_label.text()
    assert listed(window) != everything

    qtbot.mouseClick(panel.scope_button, Qt.MouseButton.LeftButton)  # back to the library
    assert listed(window) == everything
    assert not panel.scope_label.isVisible()


@pytest.mark.parametrize("name", ["unhide_entity", "hide_entity_type", "hide_entity_below",
                                  "entities_in_article", "show_hidden_entities"])
def test_bulk_actions_are_in_the_menus(window, name):
    action = window.actions_by_name[name]
    assert action.shortcuts()
    menus = [a.menu() for a in window.menuBar().actions() if a.menu() is not None]
    assert any(action in menu.actions() for menu in menus)


def test_merge_one_entity_through_the_filterable_chooser_by_keyboard(qtbot, window,
                                                                     qtmodeltester):
    select(window, "Leeds")
    window.actions_by_name["merge_entity"].trigger()
    dialog = window.entities.merge_dialog
    qtbot.waitExposed(dialog)
    qtmodeltester.check(dialog.model)
    rows = [dialog.proxy.index(r, 0).data() for r in range(dialog.proxy.rowCount())]
    assert not any(r.startswith("Leeds  ·") for r in rows)  # not itself
    # Organisations and people after the places (Leeds is a place); every row says its type.
    assert all("  ·  " in r for r in rows) and len(rows) == 4
    qtbot.waitUntil(dialog.filter.hasFocus, timeout=5000)  # typing goes to the filter
    qtbot.keyClicks(dialog.filter, "LEEDS")  # by name, any case
    assert [dialog.proxy.index(r, 0).data().split("  ·")[0]
            for r in range(dialog.proxy.rowCount())] == ["Leeds City Council"]
    assert dialog.count.text() == "1 of 4 entities"
    dialog.filter.clear()
    qtbot.keyClicks(dialog.filter, "gove")  # an alias, "Gove", matches too
    assert dialog.chosen().name == "Michael Gove"
    qtbot.keyClicks(dialog.filter, "x")
    assert dialog.chosen() is None and not dialog.buttons.button(
        QDialogButtonBox.StandardButton.Ok).isEnabled()
    dialog.filter.clear()
    qtbot.keyClicks(dialog.filter, "e")  # several: Down moves from the filter
    first = dialog.chosen()
    qtbot.keyClick(dialog.filter, Qt.Key.Key_Down)
    target = dialog.chosen()
    assert target is not None and target != first
    with qtbot.waitSignal(window.entities_edited, timeout=5000) as edited:
        qtbot.keyClick(dialog.filter, Qt.Key.Key_Return)
    assert edited.args[0] == {"op": "merge", "source": "leeds", "target": target.id}
    assert window.entity_panel.current().id == target.id
