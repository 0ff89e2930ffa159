"""The bulk clean-up dialogs of the entity list: which entity several are merged into, and
which entities to hide by type or by number of mentions (with a live count)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QSpinBox,
    QVBoxLayout,
)

from reader.domain import Entity
from reader.ui.models import TYPE_ORDER
from reader.ui.panels.common import plural

ANY_TYPE = "Any type"


def choose_merge_target(parent, entities: list[Entity]) -> Entity | None:
    """Ask which of `entities` the others are merged into (the most mentioned one first and
    chosen by default); None when the user cancels."""
    ranked = sorted(entities, key=lambda e: (-e.count, e.name.casefold()))
    labels = [f"{e.name} ({e.type}, {plural(e.count, 'mention')})" for e in ranked]
    label, ok = QInputDialog.getItem(
        parent, "Merge entities",
        f"Merge these {len(ranked)} entities into one. Keep the name of:", labels, 0, False)
    return ranked[labels.index(label)] if ok and label in labels else None


def matching(entities: list[Entity], type_: str | None, below: int | None) -> list[Entity]:
    """The visible entities of `type_` (any: None) with fewer than `below` mentions (any
    count: None): the rule of `EntityService.matching`, over the list the window holds."""
    return [e for e in entities if not e.hidden and (type_ is None or e.type == type_)
            and (below is None or e.count < below)]


class HideManyDialog(QDialog):
    """Hide every entity of a type and/or with fewer than N mentions; the dialog counts, as
    the choice changes, how many would go."""

    def __init__(self, parent, entities: list[Entity], type_: str | None = None,
                 below: int | None = None):
        super().__init__(parent)
        self.setObjectName("hideManyDialog")
        self.setWindowTitle("Hide entities")
        self._entities = entities
        present = {e.type for e in entities}
        types = [t for t in TYPE_ORDER if t in present] + sorted(present - set(TYPE_ORDER))
        self.type_box = QComboBox()
        self.type_box.setObjectName("hideType")
        self.type_box.addItems([ANY_TYPE, *types])
        if type_ in types:
            self.type_box.setCurrentText(type_)
        self.below_check = QCheckBox("Only those with fewer than")
        self.below_check.setObjectName("hideBelowCheck")
        self.below_box = QSpinBox()
        self.below_box.setObjectName("hideBelow")
        self.below_box.setRange(2, 1_000_000)
        self.below_box.setSuffix(" mentions")
        self.below_box.setValue(below if below is not None and below >= 2 else 2)
        self.below_check.setChecked(below is not None)
        self.count_label = QLabel()
        self.count_label.setObjectName("hideCount")
        self.count_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Type:", self.type_box)
        form.addRow(self.below_check, self.below_box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.count_label)
        layout.addWidget(QLabel("Hidden entities can be shown again (View > Show hidden "
                                "entities), and one undo (Ctrl+Z) brings them all back."))
        layout.addWidget(self.buttons)
        for changed in (self.type_box.currentIndexChanged, self.below_check.toggled,
                        self.below_box.valueChanged):
            changed.connect(self._update)
        self._update()

    def chosen_type(self) -> str | None:
        text = self.type_box.currentText()
        return None if text == ANY_TYPE else text

    def chosen_below(self) -> int | None:
        return self.below_box.value() if self.below_check.isChecked() else None

    def chosen(self) -> list[Entity]:
        """The entities the current choice would hide."""
        type_, below = self.chosen_type(), self.chosen_below()
        if type_ is None and below is None:
            return []  # "everything" is not a clean-up
        return matching(self._entities, type_, below)

    def _update(self) -> None:
        self.below_box.setEnabled(self.below_check.isChecked())
        n = len(self.chosen())
        if self.chosen_type() is None and self.chosen_below() is None:
            text = "Choose a type or a number of mentions."
        else:
            visible = sum(1 for e in self._entities if not e.hidden)
            text = f"{n} {'entity' if n == 1 else 'entities'} of {visible} will be hidden."
        self.count_label.setText(text)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(f"Hide {n}" if n else "Hide")
        ok.setEnabled(n > 0)
