"""UI test fixtures: a tiny corpus written for the tests, an index built once per session and
copied per test, and a factory for the real main window over it."""

from __future__ import annotations

import shutil

import pytest

from reader.library import Library
from reader.paths import Paths

from .fakes import ContractLibrary

ARTICLES = {
    "a-leeds.txt": """Leeds praised by Ofsted

By Anna Smith

1 March 2012

Ofsted praised Leeds for its children's services. Inspectors said Leeds City Council had \
turned a corner.

Michael Gove visited Leeds in the spring. The inspection found fewer children waiting.
""",
    "b-gove.txt": """Gove announces social work reform

By Ben Jones

10 May 2013

Education secretary Michael Gove announced a reform of social work today. Gove said Ofsted \
would inspect less often.

Leeds City Council welcomed the plan. The Munro review had asked for fewer targets and more \
trust in professionals.

2 Comments

1. Reader May 11, 2013 at 9:00 am #
Good news for social workers.
""",
    "c-munro.txt": """Munro review published

2 May 2011

Professor Eileen Munro published her review of child protection. The Munro review asks \
inspectors to inspect less and trust professionals more.

Ofsted said it would study the findings. Critics said the review avoided hard choices.
""",
}


def write_corpus(folder, articles=ARTICLES):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def ui_corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("ui-corpus"))


@pytest.fixture(scope="session")
def built_template(tmp_path_factory, ui_corpus):
    """A data dir with the index built (no NLP), made once and copied per test."""
    folder = tmp_path_factory.mktemp("ui-template")
    lib = Library.open(folder, ui_corpus)
    lib.indexing.update(nlp=False)
    lib.close()
    return folder


@pytest.fixture
def built_data_dir(data_dir, built_template):
    shutil.copytree(built_template, data_dir, dirs_exist_ok=True)
    return data_dir


@pytest.fixture
def make_window(qtbot, ui_corpus):
    """make_window(data_dir, library_cls=ContractLibrary, corpus=None) -> a shown, settled
    MainWindow. Windows are closed (state saved, threads joined) and libraries closed after
    the test."""
    from reader.ui.app import create_window

    made = []

    def make(data_dir, library_cls=ContractLibrary, corpus=None, settle=True, **options):
        lib = library_cls(Paths.resolve(data_dir, corpus or ui_corpus))
        options.setdefault("nlp", False)
        win = create_window(lib, **options)
        made.append((win, lib))
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        if settle:
            settle_window(qtbot, win)
        return win

    yield make
    for win, lib in made:
        win.close()
        lib.close()


def settle_window(qtbot, win, timeout=10_000):
    """Wait until every background task of the window has been delivered."""
    qtbot.waitUntil(lambda: not win.starting and not win.runner.busy, timeout=timeout)


@pytest.fixture
def window(make_window, built_data_dir):
    """The main window over the test corpus, with fake entities/policies/notes."""
    return make_window(built_data_dir)


def click_article(qtbot, win, doc_id: str) -> None:
    """Click an article in the list, as a user would, and wait until it is shown."""
    from PySide6.QtCore import Qt

    from reader.ui.models import ID_ROLE, ArticleModel

    proxy = win.article_proxy
    row = next(r for r in range(proxy.rowCount()) if proxy.index(r, 0).data(ID_ROLE) == doc_id)
    rect = win.article_table.visualRect(proxy.index(row, ArticleModel.TITLE))
    with qtbot.waitSignal(win.article_opened, timeout=5000) as blocker:
        qtbot.mouseClick(win.article_table.viewport(), Qt.MouseButton.LeftButton,
                         pos=rect.center())
    assert blocker.args == [doc_id]
