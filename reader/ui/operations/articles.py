"""Article operations: open an article, the read state, imports, the details the user sets."""

from __future__ import annotations

from reader.errors import ReaderError
from reader.ui.tasks import WRITE


def load_article(runner, lib, doc_id: str, *, done, failed=None):
    """The full Article (latest wins: opening another drops this one)."""
    return runner.submit("article", lambda ctx: lib.articles.get(doc_id),
                         done=done, failed=failed)


def list_articles(runner, lib, *, done, failed=None):
    """(every ArticleInfo, ids of the articles read, the message about the user-data store
    or ""): the list with its read state, so that it is drawn once."""
    def work(ctx):
        infos = lib.articles.list()
        try:
            read = lib.articles.read_docs()
        except ReaderError:  # the store's own message follows
            read = set()
        return infos, read, lib.user_data_message
    return runner.submit("articles", work, done=done, failed=failed)


def load_read_state(runner, lib, *, done):
    """(ids of the articles read, the message about the user-data store or "")."""
    return runner.submit("read_state",
                         lambda ctx: (lib.articles.read_docs(), lib.user_data_message),
                         done=done)


def set_read(runner, lib, doc_id: str, read: bool, *, done=None):
    """Mark an article read or unread; reports the Changes."""
    return runner.submit(WRITE, lambda ctx: lib.articles.set_read(doc_id, read), done=done)


def import_paths(runner, lib, paths: list[str], *, done, failed=None):
    """Copy files/folders into the library (quick: the articles can be listed at once);
    reports the Changes with the outcomes. `index_import` then makes them searchable."""
    return runner.submit(WRITE, lambda ctx: lib.articles.import_paths(paths),
                         done=done, failed=failed)


def index_import(runner, lib, changes, *, nlp: bool, done, failed=None, progress=None,
                 cluster: str | None = None):
    """Index what an import brought (`changes`); reports (changes, IndexReport or None
    when nothing was imported)."""
    def work(ctx):
        if not changes.articles:
            return changes, None
        if nlp:
            report = lib.indexing.apply(changes, progress=ctx.progress,
                                        cancelled=ctx.cancelled, cluster=cluster)
        else:  # the window runs without spaCy (tests, --no-nlp): index the text only
            report = lib.indexing.update(progress=ctx.progress, cancelled=ctx.cancelled,
                                         nlp=False)
        return changes, report

    return runner.submit(WRITE, work, done=done, failed=failed, progress=progress)


def _follow(lib, changes, nlp: bool, ctx) -> None:
    if not changes.articles:
        return
    if nlp:
        lib.indexing.apply(changes, cancelled=ctx.cancelled)
    else:  # without spaCy (tests, --no-nlp): the index's text and metadata only
        lib.indexing.update(cancelled=ctx.cancelled, nlp=False)


def set_meta(runner, lib, doc_id: str, values: dict, *, nlp: bool, done, failed=None):
    """Store the details the user set on an article and bring the index, tables and
    timelines up to date; reports the Changes."""
    def work(ctx):
        changes = lib.articles.set_meta(doc_id, values)
        _follow(lib, changes, nlp, ctx)
        return changes

    return runner.submit(WRITE, work, done=done, failed=failed)


def undo_meta(runner, lib, doc_id: str, *, nlp: bool, done, failed=None):
    """Take back the user's last change of an article's details; reports the Changes
    (empty when there was nothing to undo)."""
    def work(ctx):
        changes = lib.articles.undo_meta(doc_id)
        _follow(lib, changes, nlp, ctx)
        return changes

    return runner.submit(WRITE, work, done=done, failed=failed)


def set_star(runner, lib, doc_id: str, starred: bool, *, done, failed=None):
    """Star or unstar an article; reports the Changes (`marks`)."""
    return runner.submit(WRITE, lambda ctx: lib.articles.star(doc_id, starred),
                         done=done, failed=failed)


def set_tags(runner, lib, doc_id: str, tags: list[str], *, done, failed=None):
    """Make an article's tags exactly `tags`; reports the Changes (`marks`)."""
    return runner.submit(WRITE, lambda ctx: lib.articles.set_tags(doc_id, tags),
                         done=done, failed=failed)


def load_tags(runner, lib, *, done):
    """(tag, articles) for every article tag (for completion)."""
    return runner.submit("article_tags", lambda ctx: lib.articles.tags(), done=done)
