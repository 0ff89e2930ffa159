"""File > Export: each CSV export triggered from its menu action in the real window, with
the save dialog patched, written on the task runner and read back with the csv module."""

from __future__ import annotations

import csv

from PySide6.QtWidgets import QFileDialog

from .test_sidebar import select_entity


def export(qtbot, win, monkeypatch, name: str, path) -> list[dict]:
    asked = []

    def dialog(parent, title, start, filters):
        asked.append((title, start))
        return str(path), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    menu = win.menuBar().findChild(type(win.menuBar().actions()[0].menu()), "exportMenu")
    action = next(a for a in menu.actions() if a.objectName() == name)
    action.trigger()
    assert asked and asked[0][1].endswith(".csv")
    path = path if path.suffix else path.with_suffix(".csv")
    qtbot.waitUntil(lambda: path.exists() and not win.runner.busy, timeout=10_000)
    assert "exported to" in win.statusBar().currentMessage()
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_export_the_selected_entitys_mentions_and_every_entity(qtbot, window, monkeypatch,
                                                               tmp_path):
    win = window
    select_entity(qtbot, win, "Michael Gove")
    shown = win.mention_panel.model.contexts()
    rows = export(qtbot, win, monkeypatch, "export_mentions", tmp_path / "gove.csv")
    assert [(r["article"], int(r["start"]), r["mention"]) for r in rows] == [
        (c.doc, c.start, c.text) for c in shown]
    assert all(r["entity"] == "Michael Gove" and r["mention"] in r["sentence"] for r in rows)
    rows = export(qtbot, win, monkeypatch, "export_entities", tmp_path / "entities.csv")
    listed = win.library.entities.list()
    assert [(r["name"], int(r["mentions"])) for r in rows] == [(e.name, e.count)
                                                             for e in listed]


def test_export_search_results_and_who_proposed_what(qtbot, window, monkeypatch, tmp_path):
    win = window
    win.search_field.setText("council")
    rows = export(qtbot, win, monkeypatch, "export_results", tmp_path / "hits.csv")
    result = win.library.search.run("council", limit=100)
    assert [r["article"] for r in rows] == [h.id for h in result.hits] and rows
    rows = export(qtbot, win, monkeypatch, "export_who", tmp_path / "who")  # ".csv" added
    assert rows and {r["actor"] for r in rows} >= {"Eileen Munro"}


def test_export_without_a_search_or_an_entity_says_what_to_do(qtbot, window, monkeypatch):
    win = window
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a: (_ for _ in ()).throw(AssertionError("asked")))
    win.search_field.clear()
    win.actions_by_name["export_results"].trigger()
    assert "search for something first" in win.statusBar().currentMessage()
    assert win.entity_panel.current() is None  # nothing selected yet
    win.actions_by_name["export_mentions"].trigger()
    assert "Select an entity" in win.statusBar().currentMessage()


def test_who_proposed_windows_export_neutralises_formulas_beside_file_export(
        qtbot, window, monkeypatch, tmp_path):
    import dataclasses

    from PySide6.QtCore import Qt

    win = window
    win.show_tab(1)
    qtbot.mouseClick(win.policy_panel.who_button, Qt.MouseButton.LeftButton)
    who = win.policies.who_window
    qtbot.waitExposed(who)
    rows = who.shown_rows()
    assert rows
    # An article may say anything: a sentence or a name a spreadsheet would run.
    who.set_rows([dataclasses.replace(rows[0], sentence='=HYPERLINK("http://x","y")',
                                      actor="@SUM(A1)"), *rows[1:]])
    shown = tmp_path / "shown.csv"
    everything = tmp_path / "everything.csv"
    targets = iter([shown, everything])
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(next(targets)), "CSV (*.csv)"))
    qtbot.mouseClick(who.export_button, Qt.MouseButton.LeftButton)
    win.actions_by_name["export_who"].trigger()  # File > Export at once: both are written
    qtbot.waitUntil(lambda: shown.exists() and everything.exists() and not win.runner.busy,
                    timeout=10_000)
    with shown.open(encoding="utf-8-sig", newline="") as f:
        written = list(csv.DictReader(f))
    assert written[0]["sentence"] == '\'=HYPERLINK("http://x","y")'
    assert written[0]["actor"] == "'@SUM(A1)"
    assert [(r["actor"], int(r["start"])) for r in written[1:]] == [
        (r.actor, r.start) for r in rows[1:]]
    assert shown.read_bytes().startswith(b"\xef\xbb\xbf")  # the mark Excel needs
