"""Drive the real window: the first start while the language model loads, an import while
reading, what a restart restores, and the citation of a comment-dated article."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from reader.domain import IndexReport
from reader.library import Library
from reader.services.indexing import IndexingService

from .conftest import click_article, settle_window, write_corpus
from .test_sidebar import select_entity

# -- 4: the first start ----------------------------------------------------------------------


def test_the_first_start_says_the_language_model_is_loading(qtbot, make_window, data_dir,
                                                           monkeypatch):
    release = threading.Event()

    def first_index(self, rebuild=False, progress=None, cancelled=None, nlp=True, cluster=None):
        progress("extract", 0, 5)  # what the extraction reports while spaCy loads
        release.wait(10)
        progress("extract", 5, 5)
        return IndexReport(total=5)

    monkeypatch.setattr(IndexingService, "update", first_index)
    win = make_window(data_dir, settle=False)
    qtbot.waitUntil(lambda: win.progress.isVisible(), timeout=5000)
    assert "Loading the language model" in win.progress.format() + \
        win.statusBar().currentMessage()
    assert "Extracting 0/5" not in win.progress.format()
    empty = win.entity_panel.stack.label.text()
    assert "Reindex" not in empty and "automatically" in empty
    with qtbot.waitSignal(win.index_finished, timeout=5000):
        release.set()


# -- 7: an import while reading ----------------------------------------------------------------


def test_an_import_keeps_the_article_being_read_and_lists_the_new_ones_at_once(
        qtbot, window, tmp_path, monkeypatch):
    click_article(qtbot, window, "a-leeds")
    good = tmp_path / "new.txt"
    good.write_text("Fostering review launched\n\n3 June 2014\n\nA review of fostering began.\n")
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG")
    release = threading.Event()
    real_update = IndexingService.update

    def slow_update(self, *args, **kwargs):
        release.wait(10)
        return real_update(self, *args, **kwargs)

    monkeypatch.setattr(IndexingService, "update", slow_update)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        lambda *a, **k: ([str(good), str(bad)], ""))
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    # Listed while the index is still being brought up to date.
    qtbot.waitUntil(lambda: window.article_model.rowCount() == 4, timeout=5000)
    with qtbot.waitSignal(window.import_finished, timeout=10_000):
        release.set()
    settle_window(qtbot, window)
    assert window.current_doc == "a-leeds"
    report = window.import_report.view.toPlainText()
    assert report.startswith("1 imported, 0 skipped, 1 failed")
    assert report.index("broken.png") < report.index("new.txt")  # failures first


# -- 8: restart; the citation of a comment-dated article --------------------------------------


def test_restart_restores_the_notes_filter_and_the_selected_entity(qtbot, make_window,
                                                                  built_data_dir):
    win = make_window(built_data_dir)
    select_entity(qtbot, win, "Leeds")
    win.show_tab(2)
    win.notes_panel.set_view("all")
    win.close()

    again = make_window(built_data_dir)
    qtbot.waitUntil(lambda: again.entity_panel.current() is not None, timeout=5000)
    assert again.entity_panel.current().name == "Leeds"
    assert again.mention_panel.subject == "Leeds"
    assert again.notes_panel.view_combo.currentData() == "all"


def test_the_markdown_export_says_a_date_comes_from_a_reader_comment(
        qtbot, make_window, data_dir, tmp_path, monkeypatch):
    corpus = write_corpus(tmp_path / "comment-dated", {
        "undated.txt": "Council budget cut\n\nThe council cut its budget for children's "
                       "services.\n\n2 Comments\n\n1. Reader May 11, 2013 at 9:00 am #\n"
                       "A sad day.\n"})
    win = make_window(data_dir, corpus=corpus, library_cls=Library, settle=False)
    qtbot.waitUntil(lambda: not win.starting and not win.runner.busy, timeout=10_000)
    info = win.library.articles.info("undated")
    assert info.date_from == "comment" and info.date  # the importer's fallback
    win.library.notes.add("undated", body="Check the date")
    out = tmp_path / "notes.md"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    with qtbot.waitSignal(win.statusBar().messageChanged, timeout=5000,
                          check_params_cb=lambda m: "exported" in m):
        qtbot.keyClick(win, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.ShiftModifier)
    text = out.read_text(encoding="utf-8")
    assert f"{info.date} (date from a reader comment)" in text
