"""Start-up with a built index: the window is usable within a second and spaCy stays unloaded.

Runs the app's own start-up path (`create_window` with the default nlp=True) in a fresh
interpreter, so nothing imported by other tests can hide an import of spaCy.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reader.library import Library

from .conftest import settle_window

REPO = Path(__file__).resolve().parents[2]

PROBE = textwrap.dedent("""
    import time
    started = time.perf_counter()
    import json, sys
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication
    from reader.library import Library
    from reader.ui.app import create_window

    app = QApplication([])
    lib = Library.open(sys.argv[1], sys.argv[2])
    win = create_window(lib, nlp=sys.argv[3] == "nlp")
    win.show()
    app.processEvents()
    shown = time.perf_counter() - started
    shown_cpu = time.process_time()
    reports = []
    win.index_finished.connect(reports.append)

    def wait(done, ms=20000):
        loop, check = QEventLoop(), QTimer()
        check.timeout.connect(lambda: done() and loop.quit())
        check.start(5)
        QTimer.singleShot(ms, loop.quit)
        if not done():
            loop.exec()
        check.stop()

    wait(win.article_model.rowCount)  # the list arrives after the window shows
    rows = win.article_model.rowCount()
    listed = time.perf_counter() - started
    wait(lambda: reports)
    checked = time.perf_counter() - started
    out = {"shown": shown, "shown_cpu": shown_cpu, "listed": listed, "checked": checked,
           "rows": rows,
           "analysed": getattr(reports[0], "analysed", None) if reports else None,
           "spacy": sorted(m for m in sys.modules if m == "spacy" or m.startswith("spacy."))}
    win.close()
    lib.close()
    print(json.dumps(out))
""")


def _start(data: Path, corpus: Path, mode: str) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("READER_DATA_DIR", None)
    proc = subprocess.run([sys.executable, "-c", PROBE, str(data), str(corpus), mode],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"window shown after {out['shown']:.3f} s ({out['shown_cpu']:.3f} s CPU), "
          f"listed after {out['listed']:.3f} s, index checked after {out['checked']:.3f} s")
    return out


def test_the_window_itself_imports_no_spacy(built_data_dir, ui_corpus):
    out = _start(built_data_dir, ui_corpus, "no-nlp")
    assert out["rows"] == 3
    assert out["spacy"] == []


@pytest.mark.spacy
def test_start_with_a_built_index_is_fast_and_never_imports_spacy(tmp_path, ui_corpus):
    data = tmp_path / "data"
    lib = Library.open(data, ui_corpus)
    lib.indexing.update()  # as the app builds it: with extraction
    lib.close()
    out = _start(data, ui_corpus, "nlp")
    assert out["rows"] == 3
    assert out["spacy"] == []
    assert out["analysed"] in (0, None)
    # The target is 1.0 s (measured in the bench). Here the bound is on the process's CPU
    # time, which a loaded machine does not inflate the way it does wall-clock time.
    assert out["shown_cpu"] < 2.5


def test_the_window_shows_before_the_list_and_says_it_is_loading(qtbot, make_window,
                                                                 built_data_dir):
    import threading

    from .fakes import ContractLibrary

    gate = threading.Event()

    class SlowCatalogue(ContractLibrary):
        def __init__(self, paths):
            super().__init__(paths)
            real = self.articles.list

            def slow_list():  # a big library's catalogue, still being read
                gate.wait(10)
                return real()
            self.articles.list = slow_list

    win = make_window(built_data_dir, library_cls=SlowCatalogue, settle=False)
    try:
        assert win.isVisible()
        assert win.article_stack.is_empty
        assert win.article_stack.label.text() == "Loading articles…"
        qtbot.keyClicks(win.article_filter, "leeds")  # the GUI thread is not waiting
        assert win.article_filter.text() == "leeds"
        with qtbot.waitSignal(win.articles_listed, timeout=5000) as listed:
            gate.set()
    finally:
        gate.set()
    assert listed.args == [3]
    assert not win.article_stack.is_empty
    assert win.article_proxy.rowCount() == 1  # the filter typed meanwhile applies
    settle_window(qtbot, win)


def test_a_list_that_cannot_be_read_says_so_and_the_rest_still_loads(qtbot, make_window,
                                                                     built_data_dir):
    from reader.errors import ReaderError

    from .fakes import ContractLibrary

    class Unreadable(ContractLibrary):
        def __init__(self, paths):
            super().__init__(paths)

            def broken():
                raise ReaderError("The corpus folder cannot be read.")
            self.articles.list = broken

    win = make_window(built_data_dir, library_cls=Unreadable)  # settles: the rest loaded
    assert win.article_model.rowCount() == 0
    assert win.article_stack.label.text() == ("The articles could not be listed: The corpus "
                                              "folder cannot be read.")
    assert not win.starting  # settled: the index check ran after it
