"""The Policies tab's edits and the "Who proposed what" window: promote a discovered
candidate, rename, merge, split, hide and unhide from the list's context menu (undoable like entity
corrections), and the table of who took which stance, with its CSV export."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QMenu

from reader.domain import Changes, Policy
from reader.ui.exports import save_table
from reader.ui.models.proposers import CSV_HEADER, ProposerRow, proposer_rows
from reader.ui.operations import policies as ops
from reader.ui.panels.proposers import WhoProposedWindow

UNDO_HINT = " Undo with Ctrl+Z on the Policies tab."


class PolicyController:
    """Behaviour of MainWindow `win`'s policy edits and its "Who proposed what" window (the
    list itself is loaded with the entities: `EntityController.load_policies`)."""

    def __init__(self, win):
        self.win = win
        self.who_window: WhoProposedWindow | None = None  # made on first use
        self._select_after_load: str | None = None  # a policy id to select on the next load
        panel = win.policy_panel
        panel.context_menu_requested.connect(self._menu)
        panel.policies_loaded.connect(self._policies_loaded)
        panel.who_proposed_requested.connect(self.show_who_proposed)
        self.actions = self._build_actions()

    def _build_actions(self) -> dict[str, QAction]:
        made = {}
        for name, text, slot in (
                ("promote", "&Promote to policy…", self.promote),
                ("rename", "&Rename policy…", self.rename),
                ("merge", "&Merge into…", self.merge),
                ("split", "S&plit a pattern off…", self.split),
                ("hide", "&Hide", lambda: self._edit_current("hide")),
                ("unhide", "&Show again", lambda: self._edit_current("unhide")),
                ("show_hidden", "Show hidden &policies", self.toggle_hidden),
                ("undo", "&Undo last policy edit", self.undo),
                ("who", "&Who proposed what…", self.show_who_proposed)):
            action = QAction(text, self.win)
            action.setObjectName(f"policy_{name}")
            action.triggered.connect(slot)
            made[name] = action
        made["show_hidden"].setCheckable(True)
        return made

    # -- the context menu ----------------------------------------------------------------
    def _menu(self, pos) -> None:
        menu = self.build_menu()
        menu.popup(self.win.policy_panel.view.viewport().mapToGlobal(pos))

    def build_menu(self) -> QMenu:
        """The context menu for the current policy (its actions enabled as they apply)."""
        pol = self.win.policy_panel.current()
        acts = self.actions
        acts["promote"].setVisible(pol is not None and pol.discovered)
        for name in ("rename", "merge"):
            acts[name].setEnabled(pol is not None)
        acts["split"].setVisible(pol is not None and not pol.discovered)
        acts["hide"].setVisible(pol is None or not pol.hidden)
        acts["hide"].setEnabled(pol is not None)
        acts["unhide"].setVisible(pol is not None and pol.hidden)
        acts["show_hidden"].setChecked(self.win.policy_panel.show_hidden)
        menu = QMenu(self.win)
        for name in ("promote", "rename", "merge", "split", "hide", "unhide", None, "show_hidden",
                     "undo", None, "who"):
            if name is None:
                menu.addSeparator()
            else:
                menu.addAction(acts[name])
        return menu

    # -- edits (write lane; the list reloads on library_changed) --------------------------
    def promote(self) -> None:
        pol = self.win.policy_panel.current()
        if pol is None or not pol.discovered:
            return
        label, ok = QInputDialog.getText(
            self.win, "Promote to policy",
            f"Keep “{pol.label}” as a policy of this library, named:", text=pol.label)
        if ok and label.strip():
            self._edit(lambda s: s.promote(pol.id, label.strip()),
                       f"“{label.strip()}” is now a policy.", keep_new=True)

    def rename(self) -> None:
        pol = self.win.policy_panel.current()
        if pol is None:
            return
        label, ok = QInputDialog.getText(self.win, "Rename policy", "New name:",
                                         text=pol.label)
        if ok and label.strip() and label.strip() != pol.label:
            self._edit(lambda s: s.rename(pol.id, label.strip()),
                       f"Renamed to “{label.strip()}”.", keep=pol.id)

    def merge(self) -> None:
        """Merge the current policy into one the user picks (a candidate only goes into a
        policy or another candidate; the service says so otherwise)."""
        pol = self.win.policy_panel.current()
        if pol is None:
            return
        others = sorted((p for p in self.win.policy_panel.policies() if p.id != pol.id),
                        key=lambda p: (p.discovered, p.label.casefold()))
        labels = [p.label + (" (discovered)" if p.discovered else "") for p in others]
        if not labels:
            return
        label, ok = QInputDialog.getItem(self.win, "Merge policy",
                                         f"Merge “{pol.label}” into:", labels, 0, False)
        if ok and label in labels:
            target = others[labels.index(label)]
            self._edit(lambda s: s.merge(pol.id, target.id),
                       f"Merged into “{target.label}”.", keep=target.id)

    def split(self) -> None:
        """Make one of the current policy's patterns a policy of its own."""
        pol = self.win.policy_panel.current()
        if pol is None or pol.discovered:
            return
        ops.load_patterns(self.win.runner, self.win.library, pol.id,
                          done=lambda patterns: self._split_with(pol, patterns))

    def _split_with(self, pol: Policy, patterns: list[str]) -> None:
        if len(patterns) < 2:
            self.win.statusBar().showMessage(
                f"“{pol.label}” has a single pattern: rename it instead.", 6000)
            return
        pattern, ok = QInputDialog.getItem(self.win, "Split policy",
                                           f"Make a policy of its own from this pattern of "
                                           f"“{pol.label}”:", patterns, 0, False)
        if not ok or pattern not in patterns:
            return
        label, ok = QInputDialog.getText(self.win, "Split policy", "Name of the new policy:",
                                         text=pattern)
        if ok and label.strip():
            self._edit(lambda s: s.split(pol.id, pattern, label.strip()),
                       f"“{label.strip()}” split off “{pol.label}”.", keep_new=True)

    def _edit_current(self, op: str) -> None:
        pol = self.win.policy_panel.current()
        if pol is None:
            return
        if op == "hide":
            self._edit(lambda s: s.hide(pol.id), f"“{pol.label}” hidden.")
        else:
            self._edit(lambda s: s.unhide(pol.id), f"“{pol.label}” shown again.",
                       keep=pol.id)

    def undo(self) -> None:
        ops.undo_policy_edit(self.win.runner, self.win.library,
                             done=lambda changes: self._edited(
                                 changes, "Last policy edit undone.", None, False),
                             failed=self.win.report_write_failure)

    def toggle_hidden(self) -> None:
        panel = self.win.policy_panel
        panel.show_hidden = not panel.show_hidden
        self.win.entities.load_policies()

    def _edit(self, change, message: str, keep: str | None = None,
              keep_new: bool = False) -> None:
        ops.edit_policy(self.win.runner, self.win.library, change,
                        done=lambda changes: self._edited(changes, message + UNDO_HINT, keep,
                                                          keep_new),
                        failed=self.win.report_write_failure)

    def _edited(self, changes: Changes, message: str, keep: str | None,
                keep_new: bool) -> None:
        if changes.edit is None:  # an undo with nothing to undo
            self.win.statusBar().showMessage("No policy edit to undo.", 4000)
            return
        self._select_after_load = changes.policy if keep_new else keep
        self.win.statusBar().showMessage(message, 6000)
        self.win.library_changed.emit(changes)

    def _policies_loaded(self, policies: list[Policy]) -> None:
        if self._select_after_load:
            self.win.policy_panel.select(self._select_after_load)
            self._select_after_load = None
        if self.who_window is not None:
            self._fill_who_window()

    # -- who proposed what -----------------------------------------------------------------
    def show_who_proposed(self) -> None:
        if self.who_window is None:
            self.who_window = WhoProposedWindow(self.win)
            self.who_window.row_activated.connect(self._open_row)
            self.who_window.export_requested.connect(self.export_csv)
        self._fill_who_window()
        self.who_window.show()
        self.who_window.activateWindow()

    def _fill_who_window(self) -> None:
        panel = self.win.policy_panel
        self.who_window.set_rows(proposer_rows(
            [p for p in panel.policies() if not p.hidden], panel.name_of))

    def _open_row(self, row: ProposerRow) -> None:
        self.win.open_article(row.doc, select=(row.start, row.end))

    def export_csv(self, rows: list[ProposerRow]) -> None:
        """Write the rows the window shows (filtered, in its order) as CSV, in the format
        of every export (`reader.exports`: a cell that would run as a formula is
        neutralised), on a lane of its own (File > Export's who-proposed-what runs beside
        it)."""
        if not rows:
            self.win.statusBar().showMessage("Nothing to export.", 4000)
            return
        header = tuple(CSV_HEADER)
        cells = [(r.policy, r.actor, r.stance, r.date, r.sentence, r.doc, r.start, r.end)
                 for r in rows]

        def build(lib, ctx):
            from reader.exports import Table

            return Table("who-proposed-what", header, cells)

        save_table(self.win, "Export who proposed what", "who-proposed-what", build,
                   "statements", parent=self.who_window, lane="export-who-window")
