"""Entity operations: the entity list, one article's entities, related entities, a subject's
mentions with their sentences, and the user's corrections (edit, bulk edit, undo)."""

from __future__ import annotations

from reader.ui.tasks import WRITE

FIRST_ROWS = 40  # sentences read with the list: about what the mention panel shows at once


def load_entities(runner, lib, *, done, hidden: bool = False):
    """Every visible entity (and the hidden ones with `hidden`), most mentioned first (empty
    before the first extraction)."""
    return runner.submit("entities", lambda ctx: lib.entities.list(include_hidden=hidden),
                         done=done)


def load_article_entities(runner, lib, doc: str, *, done, hidden: bool = False):
    """{entity id: its mentions in article `doc`} for the entities named in it."""
    def work(ctx):
        return {e.id: sum(1 for m in e.mentions if m.doc == doc)
                for e in lib.entities.list(doc=doc, include_hidden=hidden)}

    return runner.submit("article-entities", work, done=done)


def load_related(runner, lib, entity_id: str, *, done):
    """Entities that co-occur with `entity_id`, best first."""
    return runner.submit("related", lambda ctx: lib.entities.related(entity_id), done=done)


def load_mentions(runner, lib, mentions, *, done):
    """(MentionContexts of `mentions` (an entity's or a policy's): lazy, no sentence read;
    {row: context with its sentence} for the first FIRST_ROWS; the number of articles).

    Only the first rows' sentences are read here: the others when the list shows them
    (`load_sentences`), so an entity with thousands of mentions lists at once."""
    def work(ctx):
        contexts = lib.entities.contexts(list(mentions))
        docs = len({c.doc for c in contexts})
        first = lib.entities.fill_sentences(contexts[:FIRST_ROWS])
        return contexts, dict(enumerate(first)), docs

    return runner.submit("mentions", work, done=done)


def load_sentences(runner, lib, contexts, rows: list[int], *, done):
    """{row: context with its sentence} for `rows` of `contexts` (the rows a list shows;
    latest wins: scrolling on drops an older request, whose rows the newer one asks for
    again if they are still in view)."""
    def work(ctx):
        picked = [contexts[row] for row in rows]
        return dict(zip(rows, lib.entities.fill_sentences(picked), strict=True))

    return runner.submit("mention-sentences", work, done=done)


def edit_entities(runner, lib, edit: dict, *, done, failed=None):
    """Store one correction and bring the derived data up to date; reports the Changes."""
    def work(ctx):
        changes = lib.entities.edit(edit)
        lib.indexing.apply(changes)
        return changes

    return runner.submit(WRITE, work, done=done, failed=failed)


def edit_many_entities(runner, lib, edits: list[dict], *, done, failed=None):
    """Store several corrections as one undo step; the derived data follows once."""
    def work(ctx):
        changes = lib.entities.edit_many(edits)
        lib.indexing.apply(changes)
        return changes

    return runner.submit(WRITE, work, done=done, failed=failed)


def undo_entity_edit(runner, lib, *, done, failed=None):
    """Take back the last correction; reports the Changes (`edit` None: nothing to undo)."""
    def work(ctx):
        changes = lib.entities.undo()
        lib.indexing.apply(changes)
        return changes

    return runner.submit(WRITE, work, done=done, failed=failed)
