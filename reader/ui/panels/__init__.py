"""Sidebar and bottom panels, one per module; this package re-exports them.

Search results, entities, policies and the mention list. Panels own their views and models
and report what the user did through signals; the main window does the fetching (through
the task runner) and hands data back with `set_*`.
"""

from reader.ui.panels.entities import EntityPanel
from reader.ui.panels.mentions import MentionPanel
from reader.ui.panels.policies import PolicyPanel
from reader.ui.panels.search import SearchPanel

__all__ = ["EntityPanel", "MentionPanel", "PolicyPanel", "SearchPanel"]
