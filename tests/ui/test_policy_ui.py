"""The Policies tab over the real Library on a library with no codebook: discovered
candidates listed and marked, promote / split / merge / hide / undo from the context menu,
and the "Who proposed what" window (sort, filter, open the sentence, CSV export).

spaCy runs once per session to build a template data dir, copied per test."""

from __future__ import annotations

import csv
import shutil
from dataclasses import replace

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog

from reader.library import Library
from reader.ui.models.proposers import ProposerModel

from .conftest import write_corpus

pytestmark = pytest.mark.spacy

ARTICLES = {
    "a1.txt": ("Clarke sets out identity card plans\n\nHome Secretary Charles Clarke said the "
               "government plans to introduce identity cards by 2008.\n\nThe Liberal Democrats "
               "oppose identity cards. Students marched against tuition fees in London.\n"),
    "a2.txt": ("Ministers press on with ID cards\n\n3 March 2005\n\nMinisters want to "
               "introduce ID cards within five years, the Home Office said.\n\nCritics said "
               "identity cards would cost too much. The Conservatives want to cut council tax "
               "for pensioners.\n"),
    "a3.txt": ("Opponents attack identity cards\n\n9 March 2005\n\nOpponents say identity cards "
               "will not stop terrorism.\n\nMichael Howard said the Conservatives would cut "
               "council tax. The NUS wants to scrap tuition fees.\n"),
    "a4.txt": ("Council tax bills rise again\n\n1 April 2005\n\nCouncil tax bills rose again "
               "this year. Labour said council tax would rise by less than inflation.\n\n"
               "Charles Kennedy said the Liberal Democrats would abolish tuition fees.\n"),
}


@pytest.fixture(scope="session")
def policy_corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("policy-corpus"), ARTICLES)


@pytest.fixture(scope="session")
def policy_template(tmp_path_factory, policy_corpus):
    folder = tmp_path_factory.mktemp("policy-template")
    lib = Library.open(folder, policy_corpus)
    lib.indexing.update()
    lib.close()
    return folder


@pytest.fixture
def win(make_window, data_dir, policy_template, policy_corpus):
    shutil.copytree(policy_template, data_dir, dirs_exist_ok=True)
    window = make_window(data_dir, library_cls=Library, corpus=policy_corpus, nlp=True)
    window.show_tab(1)
    return window


def labels(win) -> list[str]:
    proxy = win.policy_panel.proxy
    return [proxy.index(r, 0).data() for r in range(proxy.rowCount())]


def select(win, label: str) -> None:
    panel = win.policy_panel
    row = next(r for r in range(panel.proxy.rowCount())
               if panel.proxy.index(r, 0).data().split(" · ")[0] == label)
    panel.view.setCurrentIndex(panel.proxy.index(row, 0))
    assert panel.current().label == label


def edit(qtbot, win, name: str) -> None:
    """Trigger a policy action from the context menu and wait for the list to reload."""
    menu = win.policies.build_menu()
    action = win.policies.actions[name]
    assert action in menu.actions() and action.isVisible() and action.isEnabled()
    with qtbot.waitSignal(win.policy_panel.policies_loaded, timeout=20_000):
        action.trigger()


def test_candidates_are_listed_marked_and_edited_from_the_context_menu(qtbot, win,
                                                                        monkeypatch):
    panel = win.policy_panel
    assert labels(win) and all(label.endswith("· discovered") for label in labels(win))
    select(win, "ID cards")
    assert "Discovered in the articles" in panel.details.toPlainText()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Identity cards", True))
    edit(qtbot, win, "promote")
    assert "Identity cards" in labels(win) and panel.current().label == "Identity cards"
    assert not panel.current().discovered
    assert "ID cards · discovered" not in labels(win)

    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("id cards", True))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Short form", True))
    edit(qtbot, win, "split")
    assert panel.current().label == "Short form" and panel.current().docs == ["a2"]
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Short cards", True))
    edit(qtbot, win, "rename")
    assert panel.current().label == "Short cards" and "Short form" not in labels(win)

    select(win, "Council tax")
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("Identity cards", True))
    edit(qtbot, win, "merge")
    assert "Council tax · discovered" not in labels(win)
    assert panel.current().label == "Identity cards" and len(panel.current().docs) == 4

    select(win, "Tuition fees")
    edit(qtbot, win, "hide")
    assert "Tuition fees · discovered" not in labels(win)
    edit(qtbot, win, "show_hidden")
    assert "Tuition fees · discovered · hidden" in labels(win)

    with qtbot.waitSignal(panel.policies_loaded, timeout=20_000):  # Ctrl+Z on the tab
        qtbot.keyClick(panel.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "Tuition fees · discovered" in labels(win)
    assert [e["op"] for e in win.library.policies.edits()] == ["promote", "split", "rename",
                                                                "merge"]


def test_who_proposed_what_sorts_filters_opens_and_exports(qtbot, win, monkeypatch,
                                                           tmp_path):
    qtbot.mouseClick(win.policy_panel.who_button, Qt.MouseButton.LeftButton)
    who = win.policies.who_window
    qtbot.waitExposed(who)
    rows = who.shown_rows()
    assert len(rows) >= 5 and {r.policy for r in rows} >= {"ID cards", "Council tax"}
    assert all(r.actor for r in rows)
    assert not who.view.isColumnHidden(ProposerModel.DATE)  # dated articles here
    who.set_rows([replace(r, date="") for r in rows])
    assert who.view.isColumnHidden(ProposerModel.DATE)  # a column of "undated" says nothing
    who.set_rows(rows)

    header = who.view.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(
        header.sectionViewportPosition(ProposerModel.ACTOR) + 5, header.height() // 2))
    actors = [r.actor.casefold() for r in who.shown_rows()]
    assert actors in (sorted(actors), sorted(actors, reverse=True)) and len(set(actors)) > 1

    qtbot.keyClicks(who.filter, "clarke")
    shown = who.shown_rows()
    assert shown and all("clarke" in " ".join([r.actor, r.sentence]).lower() for r in shown)
    assert who.count.text().startswith(f"{len(shown)} of ")

    who.view.setCurrentIndex(who.proxy.index(0, 0))
    with qtbot.waitSignal(win.article_opened, timeout=5000):
        qtbot.keyClick(who.view, Qt.Key.Key_Return)
    row = shown[0]
    view = win.article_view
    assert view.article.id == row.doc
    assert " ".join(view.textCursor().selectedText().split()) == row.sentence

    out = tmp_path / "who.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    qtbot.mouseClick(who.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(out.exists, timeout=5000)
    with out.open(encoding="utf-8-sig", newline="") as f:
        written = list(csv.reader(f))
    assert written[0][:5] == ["policy", "actor", "stance", "date", "sentence"]
    assert [r[1] for r in written[1:]] == [r.actor for r in shown]  # filtered, in order


def test_a_library_with_no_policies_shows_an_empty_state(qtbot, make_window, built_data_dir):
    win = make_window(built_data_dir, library_cls=Library)  # no codebook, not analysed
    win.show_tab(1)
    panel = win.policy_panel
    assert panel.stack.is_empty and "No policies yet" in panel.stack.label.text()
    qtbot.mouseClick(panel.who_button, Qt.MouseButton.LeftButton)
    who = win.policies.who_window
    assert who.stack.is_empty and not who.export_button.isEnabled()


def test_the_timeline_column_shows_only_when_a_policy_is_dated(qtbot):
    from reader.domain import Policy, PolicyMention
    from reader.ui.models.policies import PolicyModel
    from reader.ui.panels.policies import PolicyPanel

    panel = PolicyPanel()
    qtbot.addWidget(panel)

    def policy(date: str) -> Policy:
        return Policy("p", "Tax cuts", "", [PolicyMention("a", 0, 8, "Tax cuts", None,
                                                          "unknown", date)])

    panel.set_policies([policy("")])
    assert panel.view.isColumnHidden(PolicyModel.TIMELINE)
    panel.set_policies([policy("2005-03-01")])
    assert not panel.view.isColumnHidden(PolicyModel.TIMELINE)
