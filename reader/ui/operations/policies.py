"""Policy operations: the policy list (with the discovered candidates) and the user's policy
edits (promote, rename, merge, hide, unhide, undo). (The CSV export of who proposed what
goes through `reader.ui.exports`.)"""

from __future__ import annotations

from collections.abc import Callable

from reader.ui.tasks import WRITE


def load_policies(runner, lib, *, done, hidden: bool = False):
    """Every policy with its mentions, then the discovered candidates (empty until the first
    index with extraction); with `hidden`, those the user hid too."""
    return runner.submit("policies",
                         lambda ctx: lib.policies.list(discovered=True, hidden=hidden),
                         done=done)


def load_patterns(runner, lib, policy_id: str, *, done):
    """The patterns one policy is matched by (for splitting one off)."""
    return runner.submit("policy-patterns", lambda ctx: lib.policies.patterns(policy_id),
                         done=done)


def edit_policy(runner, lib, change: Callable, *, done, failed=None):
    """Run `change(lib.policies)` (one edit: `lambda s: s.hide(pid)`...) and bring the
    derived data up to date; reports the Changes."""
    def work(ctx):
        changes = change(lib.policies)
        lib.indexing.apply(changes)
        return changes

    return runner.submit(WRITE, work, done=done, failed=failed)


def undo_policy_edit(runner, lib, *, done, failed=None):
    """Take back the last policy edit; reports the Changes (`edit` None: nothing to undo)."""
    return edit_policy(runner, lib, lambda service: service.undo(), done=done, failed=failed)
