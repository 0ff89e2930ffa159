"""Policy operations: the policy list."""

from __future__ import annotations


def load_policies(runner, lib, *, done):
    """Every policy with its mentions (empty until the first index with extraction)."""
    return runner.submit("policies", lambda ctx: lib.policies.list(), done=done)
