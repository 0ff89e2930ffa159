"""Libraries in the desktop app: the sample library on a fresh machine, File > New library…,
Open library…, Open recent, Remove sample articles (issue 14, item 6)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from reader.paths import includes_sample
from reader.ui.app import open_session
from tests.importer.conftest import PARAS, make_docx, make_pdf

INDEX_MS = 120_000


@pytest.fixture
def fresh_machine(tmp_path, monkeypatch):
    """No library and no settings yet: the platform folders point into tmp_path."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    monkeypatch.delenv("READER_DATA_DIR", raising=False)
    monkeypatch.delenv("READER_CORPUS", raising=False)
    return tmp_path


@pytest.fixture
def start_app(qtbot):
    """`reader` with no arguments, as `run` starts it (no NLP: spaCy is not the point)."""
    sessions = []

    def start():
        session = open_session(SimpleNamespace(data_dir=None, corpus=None), nlp=False)
        assert session is not None
        sessions.append(session)
        return session

    yield start
    for session in sessions:
        if session.window is not None:
            session.window.close()
        session.close()


def _indexed(qtbot, win):
    qtbot.waitUntil(lambda: win.indexing.task is None and not win.starting, timeout=INDEX_MS)


def _ids(win) -> set[str]:
    return set(win.article_model.ids())


def _choose_folder(monkeypatch, folder) -> None:
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        lambda *args, **kwargs: str(folder))


def _mixed_folder(root):
    """A researcher's folder: text, a saved web page, Word, PDF, and a file reader cannot
    read."""
    folder = root / "my articles"
    folder.mkdir()
    (folder / "brief.txt").write_text(
        "Harbour levy approved\n\nBy Ann Lee\n\n3 March 2015\n\nThe port authority approved "
        "a harbour levy on cruise ships after a long public inquiry.", encoding="utf-8")
    (folder / "page.html").write_text(
        "<html><head><title>Tram line reopens</title></head><body><nav>Home | News</nav>"
        "<article><h1>Tram line reopens</h1><p>The city's tram line reopened on Sunday after "
        "two years of repairs to the viaduct.</p><p>Engineers said the new rails would last "
        "forty years.</p></article></body></html>", encoding="utf-8")
    (folder / "report.docx").write_bytes(make_docx(PARAS, title="Trust for children"))
    (folder / "minutes.pdf").write_bytes(make_pdf([PARAS[::-1]], title="Council minutes"))
    (folder / "photo.heic").write_bytes(b"\x00\x01not an article")
    return folder


def test_a_new_library_from_the_gui_imports_a_mixed_folder_and_never_shows_a_bundled_article(
        qtbot, fresh_machine, start_app, monkeypatch):
    session = start_app()
    first = session.window
    _indexed(qtbot, first)
    # No library yet: the sample library opens, with the bundled articles.
    sample = _ids(first)
    assert len(sample) == 5
    assert all(first.library.articles.info(i).bundled for i in sample)
    assert first.actions_by_name["remove_sample"].isEnabled()
    default = first.library.paths.data_dir
    assert default == (fresh_machine / "share" / "reader").resolve()
    titles = [first.library.articles.info(i).title for i in sample]

    # File > New library… in a folder of its own.
    target = fresh_machine / "My library"
    _choose_folder(monkeypatch, target)
    with qtbot.waitSignal(session.window_opened, timeout=10_000):
        first.actions_by_name["new_library"].trigger()
    win = session.window
    assert win is not first and not first.isVisible()
    assert win.library.paths.data_dir == target.resolve()
    assert not includes_sample(target)
    _indexed(qtbot, win)
    # The empty state tells the user to import a folder.
    assert win.article_model.rowCount() == 0
    assert win.article_stack.is_empty
    assert "Import a folder" in win.article_stack.label.text()
    assert not win.actions_by_name["remove_sample"].isEnabled()
    # The sample library is one click away in Open recent.
    recent = [a.data() for a in win.libraries.recent_menu.actions()]
    assert recent == [str(default)]

    # File > Import folder… with a folder of mixed files.
    _choose_folder(monkeypatch, _mixed_folder(fresh_machine))
    with qtbot.waitSignal(win.import_finished, timeout=INDEX_MS) as done:
        win.actions_by_name["import_folder"].trigger()
    outcomes = {o.path.rsplit("/", 1)[-1]: o for o in done.args[0]}
    assert {n for n, o in outcomes.items() if o.status == "imported"} == {
        "brief.txt", "page.html", "report.docx", "minutes.pdf"}
    assert outcomes["photo.heic"].status == "failed"
    _indexed(qtbot, win)
    shown = _ids(win)
    assert len(shown) == 4 and not shown & sample
    assert not any(info.bundled for info in win.library.articles.list())
    # A search for words of the sample articles finds none of them.
    with qtbot.waitSignal(win.search_finished, timeout=INDEX_MS) as found:
        qtbot.keyClicks(win.search_field, "children OR council OR Ofsted")
    hits = {hit.id for hit in found.args[0].hits}
    assert hits and not hits & sample
    assert not any(t in win.windowTitle() for t in titles)
    win.import_report.close()

    # Next start: the library used last opens, still without the sample.
    win.close()
    session.close()
    again = start_app().window
    assert again.library.paths.data_dir == target.resolve()
    _indexed(qtbot, again)
    assert _ids(again) == shown


def test_the_sample_can_be_removed_and_another_library_opened(qtbot, fresh_machine, start_app,
                                                              monkeypatch):
    session = start_app()
    win = session.window
    _indexed(qtbot, win)
    data_dir = win.library.paths.data_dir
    # Open library… refuses a folder that is not a library, with one line.
    plain = fresh_machine / "plain"
    plain.mkdir()
    _choose_folder(monkeypatch, plain)
    win.actions_by_name["open_library"].trigger()
    box = win.findChild(QMessageBox, "libraryMessage")
    assert box is not None and "is not a reader library" in box.text()
    box.close()

    # Remove sample articles…, confirmed.
    win.actions_by_name["remove_sample"].trigger()
    ask = win.findChild(QMessageBox, "removeSampleBox")
    assert ask is not None
    remove = next(b for b in ask.buttons() if b.text() == "Remove")
    with qtbot.waitSignal(session.window_opened, timeout=10_000):
        remove.click()
    win = session.window
    assert win.library.paths.data_dir == data_dir
    assert not includes_sample(data_dir)
    _indexed(qtbot, win)
    assert win.article_model.rowCount() == 0
    assert win.library.search.run("Ofsted").hits == []
    assert not win.actions_by_name["remove_sample"].isEnabled()
    QApplication.processEvents()
