"""The "Who proposed what" rows and model: actors named, unnamed mentions left out, sorting
keys Qt can compare."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel

from reader.domain import Policy, PolicyMention
from reader.ui.models import OBJECT_ROLE, SORT_ROLE
from reader.ui.models.proposers import ProposerModel, proposer_rows

POLICIES = [
    Policy("p", "Academies", "", [
        PolicyMention("a", 0, 9, "We back\nthem.", "org:con", "supports", "2005-02-01",
                      "the Tories"),
        PolicyMention("b", 3, 9, "Nobody said.", None, "unknown", "2005-01-01"),
        PolicyMention("c", 5, 9, "No to it.", "Unison", "opposes", "", "Unison")]),
    Policy("discovered-id-card", "ID cards", "", [
        PolicyMention("d", 1, 4, "Yes.", "person:clarke", "proposes", "2004-12-01",
                      "Clarke")], discovered=True),
]


def test_rows_name_actors_and_skip_the_unnamed():
    rows = proposer_rows(POLICIES, {"org:con": "Conservative Party"}.get)
    assert [(r.policy, r.actor, r.stance, r.sentence) for r in rows] == [
        ("Academies", "Conservative Party", "supports", "We back them."),
        ("Academies", "Unison", "opposes", "No to it."),
        ("ID cards", "Clarke", "proposes", "Yes.")]
    assert rows[2].discovered and rows[2].csv_row()[5:] == ["d", "1", "4"]


def test_model_sorts_by_each_column(qtmodeltester):
    model = ProposerModel()
    model.set_rows(proposer_rows(POLICIES))
    qtmodeltester.check(model)
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)

    def order(col):
        proxy.sort(col)
        return [proxy.index(r, 0).data(OBJECT_ROLE).doc for r in range(proxy.rowCount())]

    assert order(ProposerModel.DATE) == ["d", "a", "c"]  # undated last
    assert order(ProposerModel.STANCE) == ["d", "a", "c"]  # proposes, supports, opposes
    assert order(ProposerModel.ACTOR) == ["d", "a", "c"]  # Clarke, the Tories, Unison
    assert order(ProposerModel.POLICY) == ["a", "c", "d"]
    assert model.index(0, ProposerModel.DATE).data() == "2005-02-01"
    assert model.index(1, ProposerModel.DATE).data() == "undated"
