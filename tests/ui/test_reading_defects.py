"""Drive the real window: the subject the mention list follows, its highlights, F3 at the
end, the keyboard (tabs, a caret in the reading pane) and the shortcuts dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from reader.library import Library

from .conftest import click_article, write_corpus
from .test_sidebar import select_entity

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def select_policy(qtbot, win) -> None:
    win.show_tab(1)
    view = win.policy_panel.view
    rect = view.visualRect(win.policy_panel.proxy.index(0, 0))
    with qtbot.waitSignal(win.mentions_loaded, timeout=5000):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def mention_layer(win):
    return win.article_view._layers.get("mentions", [])


# -- 2: the mention list follows the subject shown ----------------------------------------


def test_back_on_the_entities_tab_the_mentions_are_the_entity_s_again(qtbot, window):
    select_entity(qtbot, window, "Leeds")
    select_policy(qtbot, window)
    assert window.mention_panel.subject == "Munro review"
    with qtbot.waitSignal(window.mentions_loaded, timeout=5000):
        qtbot.keyClick(window, Qt.Key.Key_1, CTRL)
    assert window.mention_panel.subject == "Leeds"
    select_policy(qtbot, window)
    # An entity link (in a note, the details) naming the entity still selected.
    with qtbot.waitSignal(window.mentions_loaded, timeout=5000):
        window.entities.select_entity("Leeds")
    assert window.mention_panel.subject == "Leeds"
    assert window.entities.subject[0] == "entity"


# -- 8: highlights ---------------------------------------------------------------------------


def test_entity_policy_and_note_highlights_look_different(qtbot, window):
    win = window  # fake entities and policy, the real notes store
    click_article(qtbot, win, "c-munro")
    select_entity(qtbot, win, "Eileen Munro")
    def look(fmt: QTextCharFormat):
        return (fmt.background().color().name(), fmt.underlineStyle())

    entity = look(mention_layer(win)[0].format)
    select_policy(qtbot, win)
    policy = look(mention_layer(win)[0].format)
    body = win.article_view.article.body
    start = body.index("Critics")
    win.article_view.select_body(start, start + len("Critics"))
    with qtbot.waitSignal(win.notes_loaded, timeout=5000):
        qtbot.keyClick(win, Qt.Key.Key_N, CTRL | SHIFT)
    qtbot.waitUntil(lambda: bool(win.article_view.note_spans()), timeout=5000)
    note = look(win.article_view._layers["notes"][0].format)
    assert len({entity, policy, note}) == 3


def test_the_previous_subject_s_highlights_go_when_it_is_deselected(qtbot, window):
    click_article(qtbot, window, "a-leeds")
    select_entity(qtbot, window, "Leeds")
    assert mention_layer(window)
    qtbot.keyClicks(window.entity_panel.filter, "zzz")  # the selection goes
    assert not window.entity_panel.current()
    assert mention_layer(window) == []
    assert window.mention_panel.model.rowCount() == 0


def test_f3_says_when_it_wraps_to_the_first_mention(qtbot, window):
    select_entity(qtbot, window, "Leeds")
    total = window.mention_panel.model.total
    for _ in range(total):
        with qtbot.waitSignal(window.article_opened, timeout=5000):
            qtbot.keyClick(window, Qt.Key.Key_F3)
    assert "first" not in window.statusBar().currentMessage().lower()
    with qtbot.waitSignal(window.article_opened, timeout=5000):
        qtbot.keyClick(window, Qt.Key.Key_F3)
    assert window.mention_panel.current_row() == 0
    assert "back to the first mention" in window.statusBar().currentMessage().lower()


def test_the_shortcuts_dialog_has_a_close_button(qtbot, window):
    window.show_shortcuts()
    dialog = window.shortcuts_dialog
    qtbot.waitExposed(dialog)
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    close = buttons.button(QDialogButtonBox.StandardButton.Close)
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


# -- 5: the keyboard ---------------------------------------------------------------------------


def test_ctrl_1_2_3_put_the_focus_in_the_tab_s_list(qtbot, window):
    window.article_table.setFocus()
    for key, target in ((Qt.Key.Key_1, window.entity_panel.tree),
                        (Qt.Key.Key_2, window.policy_panel.view),
                        # No notes yet: the list is an empty state; its view menu then.
                        (Qt.Key.Key_3, window.notes_panel.view_combo)):
        qtbot.keyClick(window, key, CTRL)
        qtbot.waitUntil(lambda t=target: QApplication.focusWidget() is t, timeout=2000)
    click_article(qtbot, window, "a-leeds")
    window.library.notes.add("a-leeds", body="A note")
    with qtbot.waitSignal(window.notes_loaded, timeout=5000):
        window.load_notes()
    window.article_table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_3, CTRL)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.notes_panel.list,
                    timeout=2000)


def test_a_keyboard_only_user_selects_a_passage_and_notes_it(qtbot, make_window,
                                                            built_data_dir):
    win = make_window(built_data_dir, library_cls=Library)
    click_article(qtbot, win, "c-munro")
    view = win.article_view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Home, CTRL)
    assert view.textCursor().position() == 0
    for _ in range(10):
        if view.textCursor().position() >= view.body_start:
            break
        qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.textCursor().position() == view.body_start
    qtbot.keyClick(view, Qt.Key.Key_Right, CTRL | SHIFT)
    qtbot.keyClick(view, Qt.Key.Key_Right, CTRL | SHIFT)
    quote = view.textCursor().selectedText().strip()
    assert quote == "Professor Eileen"
    with qtbot.waitSignal(win.notes_loaded, timeout=5000):
        qtbot.keyClick(view, Qt.Key.Key_N, CTRL | SHIFT)
    assert [n.quote for n in win.library.notes.list()] == ["Professor Eileen"]


def test_space_and_ctrl_home_end_scroll_the_reading_pane(qtbot, make_window, data_dir,
                                                        tmp_path):
    long_text = "\n\n".join(f"Paragraph {n} about Ofsted and Leeds." for n in range(200))
    corpus = write_corpus(tmp_path / "long", {"long.txt": f"Long\n\n1 May 2012\n\n{long_text}\n"})
    win = make_window(data_dir, corpus=corpus, settle=False)
    qtbot.waitUntil(lambda: not win.starting and not win.runner.busy, timeout=10_000)
    click_article(qtbot, win, "long")
    view = win.article_view
    bar = view.verticalScrollBar()
    assert bar.maximum() > 0
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert bar.value() > 0
    qtbot.keyClick(view, Qt.Key.Key_End, CTRL)
    assert bar.value() == bar.maximum()
    qtbot.keyClick(view, Qt.Key.Key_Home, CTRL)
    assert bar.value() == 0
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert bar.value() > 0
