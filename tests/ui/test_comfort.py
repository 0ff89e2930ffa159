"""Reading comfort, driven in the real window: the reading font, the line width, the light /
dark / system theme (View menu) and the reading position kept per article, across a
restart."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from reader.ui.comfort import ReadingPositions, apply_theme

from .conftest import click_article, write_corpus

CTRL_ALT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
PARAGRAPH = ("The committee heard evidence from social workers, inspectors and families about "
             "the pressure on children's services in the north of England. ")


@pytest.fixture(autouse=True)
def system_theme_after():
    """The theme is the application's: give the next test the system one back."""
    yield
    apply_theme("system")


@pytest.fixture
def long_corpus(tmp_path):
    body = "\n\n".join(f"Paragraph {n}. " + PARAGRAPH * 3 for n in range(60))
    return write_corpus(tmp_path / "long-corpus", {
        "long.txt": f"A very long inquiry report\n\n4 April 2014\n\n{body}\n",
        "short.txt": "A short note on fostering\n\n5 April 2014\n\nFostering is changing.\n",
    })


def base_lightness() -> int:
    return QApplication.instance().palette().color(QPalette.ColorRole.Base).lightness()


def test_theme_toggles_apply_at_once_and_survive_a_restart(qtbot, make_window, data_dir):
    win = make_window(data_dir)
    click_article(qtbot, win, "b-gove")
    view = win.article_view
    light_text = view.document().toHtml()
    qtbot.keyClick(win, Qt.Key.Key_9, CTRL_ALT)  # View > Dark theme
    assert win.actions_by_name["theme_dark"].isChecked()
    assert base_lightness() < 80
    assert view.palette().color(QPalette.ColorRole.Base).lightness() < 80
    # The article is drawn again in the dark palette's colours (the meta line's grey).
    assert view.document().toHtml() != light_text
    win.close()

    again = make_window(data_dir)
    assert again.actions_by_name["theme_dark"].isChecked()
    assert base_lightness() < 80
    qtbot.keyClick(again, Qt.Key.Key_8, CTRL_ALT)  # Light
    assert base_lightness() > 200
    qtbot.keyClick(again, Qt.Key.Key_7, CTRL_ALT)  # System
    assert again.actions_by_name["theme_system"].isChecked()
    assert not again.actions_by_name["theme_dark"].isChecked()


def test_highlights_stay_visible_in_the_dark_theme(qtbot, window):
    window.comfort.set_theme("dark")
    click_article(qtbot, window, "b-gove")
    view = window.article_view
    view.highlight_mentions([(0, 5)])
    view.highlight_notes([(1, 10, 20, "a note")])
    base = view.palette().color(QPalette.ColorRole.Base)
    for sel in view.extraSelections():
        colour = sel.format.background().color()
        # Each layer's colour stands out from the dark page.
        assert abs(colour.lightness() - base.lightness()) > 25 or colour.hue() != base.hue()
        assert colour.alpha() >= 60


def test_line_width_choice_narrows_the_column_and_is_remembered(qtbot, make_window, data_dir):
    win = make_window(data_dir)
    win.resize(1400, 800)
    win.sidebar_dock.hide()
    click_article(qtbot, win, "b-gove")
    view = win.article_view
    root = view.document().rootFrame()
    assert win.actions_by_name["width_medium"].isChecked()
    medium = root.frameFormat().leftMargin()
    qtbot.keyClick(win, Qt.Key.Key_1, CTRL_ALT)  # Narrow lines
    narrow = root.frameFormat().leftMargin()
    qtbot.keyClick(win, Qt.Key.Key_3, CTRL_ALT)  # Wide lines
    wide = root.frameFormat().leftMargin()
    assert narrow > medium > wide
    column = view.viewport().width() - 2 * narrow
    chars = column / view.fontMetrics().averageCharWidth()
    assert 55 <= chars <= 65  # the narrow measure: 60 characters
    qtbot.keyClick(win, Qt.Key.Key_1, CTRL_ALT)
    win.close()
    again = make_window(data_dir)
    assert again.actions_by_name["width_narrow"].isChecked()
    assert again.article_view.line_width == 60


def test_reading_font_from_the_dialog_applies_and_survives_a_restart(qtbot, make_window,
                                                                     data_dir):
    win = make_window(data_dir)
    click_article(qtbot, win, "b-gove")
    qtbot.keyClick(win, Qt.Key.Key_F, CTRL_ALT)  # View > Reading font…
    dialog = win.comfort.font_dialog
    assert dialog.isVisible()  # opened without blocking the event loop (not exec())
    chosen = win.article_view.reading_font
    chosen.setPointSizeF(chosen.pointSizeF() + 5)
    chosen.setItalic(True)
    dialog.setCurrentFont(chosen)
    dialog.accept()
    doc_font = win.article_view.document().defaultFont()
    assert doc_font.italic() and doc_font.pointSizeF() == pytest.approx(chosen.pointSizeF())
    win.close()
    again = make_window(data_dir)
    qtbot.waitUntil(lambda: again.current_doc == "b-gove", timeout=5000)  # the last session
    font = again.article_view.document().defaultFont()
    assert font.italic() and font.pointSizeF() == pytest.approx(chosen.pointSizeF())


def test_reading_position_is_kept_per_article_and_across_a_restart(qtbot, make_window,
                                                                   data_dir, long_corpus):
    win = make_window(data_dir, corpus=long_corpus)
    click_article(qtbot, win, "long")
    view = win.article_view
    bar = view.verticalScrollBar()
    assert bar.maximum() > 1000
    bar.setValue(bar.maximum() // 2)
    left_at = view.reading_offset()
    assert left_at and left_at > 1000
    click_article(qtbot, win, "short")
    assert bar.value() == 0
    click_article(qtbot, win, "long")  # back where the user was
    assert bar.value() > 0
    assert abs(view.reading_offset() - left_at) < 400
    bar.setValue(bar.maximum() // 4)
    quarter = view.reading_offset()
    click_article(qtbot, win, "short")  # the open article at closing is "short"
    win.close()

    again = make_window(data_dir, corpus=long_corpus)
    click_article(qtbot, again, "long")
    assert again.article_view.verticalScrollBar().value() > 0
    assert abs(again.article_view.reading_offset() - quarter) < 400


def test_reading_positions_are_bounded_and_survive_bad_settings():
    positions = ReadingPositions(limit=3)
    for n in range(5):
        positions.remember(f"a{n}", 100 + n)
    positions.remember("a2", 7)  # left again: now the most recent
    assert len(positions) == 3 and positions.get("a0") is None and positions.get("a2") == 7
    positions.remember("a3", None)  # left at its top: forgotten
    assert positions.get("a3") is None
    copy = ReadingPositions(limit=3)
    copy.load(positions.dump())
    assert copy.dump() == positions.dump()
    copy.load("not json")
    assert len(copy) == 0
    copy.load('[["ok", 12], ["bad"], [3, 4], "x"]')
    assert copy.get("ok") == 12 and len(copy) == 1
