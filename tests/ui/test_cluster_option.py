"""File > Indexing options: the Dask scheduler that runs the NLP stage, kept per library;
an unreachable cluster is a message that offers to index on this computer instead."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QInputDialog, QMessageBox

from reader.ui.index_controller import CLUSTER_KEY


def test_indexing_options_stores_a_scheduler_address(window, monkeypatch):
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("tcp://10.0.0.5:8786", True))
    window.actions_by_name["indexing_options"].trigger()
    assert window.indexing.cluster() == "tcp://10.0.0.5:8786"
    assert "cluster at tcp://10.0.0.5:8786" in window.statusBar().currentMessage()

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", True))
    window.actions_by_name["indexing_options"].trigger()
    assert window.indexing.cluster() is None
    assert "on this computer" in window.statusBar().currentMessage()


def test_a_bad_address_is_refused_and_the_setting_kept(window, monkeypatch):
    window.settings.setValue(CLUSTER_KEY, "tcp://10.0.0.5:8786")
    warned: list[str] = []
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("my cluster", True))
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warned.append(text))
    window.actions_by_name["indexing_options"].trigger()
    assert warned and "not a scheduler address" in warned[0]
    assert window.indexing.cluster() == "tcp://10.0.0.5:8786"


def test_an_unreachable_cluster_is_a_message_not_a_traceback(make_window, data_dir, qtbot,
                                                               monkeypatch):
    from reader.extraction import cluster as dask_cluster

    monkeypatch.setattr(dask_cluster, "CONNECT_SECONDS", 1)
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = QSettings(str(data_dir / "ui.ini"), QSettings.Format.IniFormat)
    settings.setValue(CLUSTER_KEY, "tcp://127.0.0.1:9")
    settings.sync()
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    win = make_window(data_dir, nlp=True, settle=False)  # nothing analysed: NLP is needed
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in shown[0]
    assert "Indexing failed" in win.statusBar().currentMessage()
    assert win.indexing.cluster() == "tcp://127.0.0.1:9"  # kept: the user chose Cancel
