"""The clean-up dialogs of the entity list: which entity one is merged into (a filterable
list: a library has thousands), which entity several are merged into, and which entities
to hide by type or by number of mentions (with a live count)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QSpinBox,
    QVBoxLayout,
)

from reader.domain import Entity
from reader.ui.models import OBJECT_ROLE, TYPE_ORDER
from reader.ui.models.entities import NAMES_ROLE, MergeTargetModel
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


class MergeTargetDialog(QDialog):
    """Choose the entity `source` is merged into, from `entities`: type to filter by name
    or alias, Up/Down (from the filter too) to move, Enter or a double click to merge.
    Entities of the source's type come first (in bold), each group most mentioned first;
    every row says its type."""

    def __init__(self, parent, source: Entity, entities: list[Entity]):
        super().__init__(parent)
        self.setObjectName("mergeTargetDialog")
        self.setWindowTitle("Merge entity")
        self.source = source
        self.model = MergeTargetModel(self)
        self.model.set_entities(entities, source)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(NAMES_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter = QLineEdit()
        self.filter.setObjectName("mergeFilter")
        self.filter.setPlaceholderText("Type a name or an alias…")
        self.filter.setClearButtonEnabled(True)
        self.filter.installEventFilter(self)
        self.view = QListView()
        self.view.setObjectName("mergeTargets")
        self.view.setModel(self.proxy)
        self.view.setUniformItemSizes(True)  # thousands of rows: one height for all
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.doubleClicked.connect(lambda _index: self._accept_current())
        self.view.activated.connect(lambda _index: self._accept_current())
        self.count = QLabel()
        self.count.setObjectName("mergeCount")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Merge")
        self.buttons.accepted.connect(self._accept_current)
        self.buttons.rejected.connect(self.reject)
        prompt = QLabel(f"Merge “{source.name}” ({source.type}) into the entity below. "
                        f"Its mentions and names go to that one.")
        prompt.setWordWrap(True)
        prompt.setBuddy(self.filter)
        layout = QVBoxLayout(self)
        layout.addWidget(prompt)
        layout.addWidget(self.filter)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count)
        layout.addWidget(self.buttons)
        self.resize(460, 420)
        self.filter.textChanged.connect(self._filter_changed)
        self.view.selectionModel().currentChanged.connect(lambda *_: self._update())
        self._filter_changed("")
        self.filter.setFocus()

    def chosen(self) -> Entity | None:
        """The entity of the current row (None when the filter leaves none)."""
        index = self.view.currentIndex()
        return index.data(OBJECT_ROLE) if index.isValid() else None

    def _filter_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(" ".join(text.split()))
        if self.proxy.rowCount():
            self.view.setCurrentIndex(self.proxy.index(0, 0))
        self._update()

    def _update(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        entities = f"{total} {'entity' if total == 1 else 'entities'}"
        self.count.setText(f"{shown} of {entities}" if shown != total else entities)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        target = self.chosen()
        ok.setEnabled(target is not None)
        ok.setToolTip(f"Merge into {target.name}" if target is not None else "")

    def _accept_current(self) -> None:
        if self.chosen() is not None:
            self.accept()

    def eventFilter(self, obj, event):
        # Up, Down, Page Up, Page Down typed in the filter move the list's current row.
        if obj is self.filter and event.type() == QEvent.Type.KeyPress:
            page = max(1, self.view.viewport().height()
                       // max(1, self.view.sizeHintForRow(0)) - 1)
            step = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_PageUp: -page,
                    Qt.Key.Key_PageDown: page}.get(event.key())
            rows = self.proxy.rowCount()
            if step is not None and rows:
                row = max(0, min(rows - 1, self.view.currentIndex().row() + step))
                self.view.setCurrentIndex(self.proxy.index(row, 0))
                return True
        return super().eventFilter(obj, event)


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
