"""Entity edits (undo/redo), user policies and read state in the store."""

from __future__ import annotations

import pytest

from reader.errors import BadInput, NotFound


def test_entity_edits_undo_and_redo(store):
    merge = {"op": "merge", "source": "e1", "target": "e2"}
    hide = {"op": "hide", "id": "e3"}
    first = store.add_entity_edit(merge)
    assert store.add_entity_edit(hide) > first
    assert store.entity_edits() == [merge, hide]
    assert store.undo_entity_edit() == hide
    assert store.entity_edits() == [merge]
    assert store.redo_entity_edit() == hide
    assert store.entity_edits() == [merge, hide]
    assert store.undo_entity_edit() == hide
    rename = {"op": "rename", "id": "e1", "name": "Ofsted"}
    store.add_entity_edit(rename)  # a new edit drops the redo history
    assert store.redo_entity_edit() is None
    assert store.entity_edits() == [merge, rename]
    assert store.undo_entity_edit() == rename and store.undo_entity_edit() == merge
    assert store.undo_entity_edit() is None
    with pytest.raises(BadInput, match="op"):
        store.add_entity_edit({"source": "x"})
    with pytest.raises(BadInput, match="JSON"):
        store.add_entity_edit({"op": "merge", "when": object()})


def test_user_policies_and_read_state(store):
    pid = store.add_user_policy("Family hubs", ["family hub", " family hubs ", ""], "DfE plan")
    assert store.user_policies() == [{"id": pid, "label": "Family hubs", "description": "DfE plan",
                                      "patterns": ["family hub", "family hubs"],
                                      "created": store.user_policies()[0]["created"]}]
    with pytest.raises(BadInput, match="phrase"):
        store.add_user_policy("Empty", [])
    with pytest.raises(BadInput, match="name"):
        store.add_user_policy(" ", ["x"])
    store.delete_user_policy(pid)
    assert store.user_policies() == []
    with pytest.raises(NotFound):
        store.delete_user_policy(pid)

    store.set_read("doc1")
    store.set_read("doc2", True)
    store.set_read("doc2", False)
    assert store.read_docs() == {"doc1"}


def test_policy_edits_share_the_table_but_not_the_undo_history(store):
    ent = {"op": "hide", "entity": "person:x"}
    pol = {"op": "hide", "policy": "discovered-id-card"}
    store.add_entity_edit(ent)
    store.add_policy_edit(pol)
    assert store.entity_edits() == [ent] and store.policy_edits() == [pol]
    assert store.reader().policy_edits() == [pol]
    assert store.undo_entity_edit() == ent  # not the newer policy edit
    assert store.policy_edits() == [pol]
    store.add_policy_edit({"op": "rename", "policy": "p", "label": "P"})
    assert store.redo_entity_edit() == ent  # a policy edit keeps the entities' redo
    assert store.undo_policy_edit()["op"] == "rename"
    assert store.undo_policy_edit() == pol and store.undo_policy_edit() is None
    assert store.entity_edits() == [ent]
