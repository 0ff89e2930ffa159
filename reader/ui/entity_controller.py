"""The Entities and Policies tabs and the mention list: the selected subject, its mentions,
related entities, the entity list's scope (an article's entities, hidden ones), and the user's
entity corrections, one at a time or in bulk (one undo step)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtWidgets import QDialog, QInputDialog, QMenu

from reader.domain import Changes, Entity, MentionContext, Policy, Related
from reader.ui.actions import ENTITY_MENU, add_to_menu
from reader.ui.entity_dialogs import HideManyDialog, MergeTargetDialog, choose_merge_target
from reader.ui.models import TYPE_ORDER
from reader.ui.operations import entities as ops
from reader.ui.operations.policies import load_policies

log = logging.getLogger(__name__)

EDIT_MESSAGES = {"merge": "Entities merged.", "hide": "Entity hidden.",
                 "unhide": "Entity shown again.", "split": "Entity split.",
                 "undo": "Last entity edit undone."}


class EntityController:
    """Behaviour of MainWindow `win`'s entity panel, policy panel and mention panel."""

    def __init__(self, win):
        self.win = win
        # The entity or policy selected in the sidebar: ("entity", Entity) | ("policy", Policy).
        self.subject: tuple[str, Entity | Policy] | None = None
        # Corrections applied but not yet shown: (edit, entity id to select), announced once
        # the reloaded entity list arrives.
        self._pending_edits: list[tuple[dict, str | None]] = []
        # The entity selected when the window was last closed: selected on the first load.
        self.restore_id: str | None = None
        self.show_hidden = False  # the list includes hidden entities (View > Show hidden)
        self.article_scope = False  # the list shows only the open article's entities
        self.merge_dialog: MergeTargetDialog | None = None  # the last merge-target chooser
        entity_panel, policy_panel = win.entity_panel, win.policy_panel
        entity_panel.entity_selected.connect(self._entity_selected)
        entity_panel.context_menu_requested.connect(self._entity_menu)
        entity_panel.entity_link_activated.connect(self.select_entity)
        entity_panel.model.merge_requested.connect(self.merge)
        policy_panel.set_entity_names(self._entity_name)
        policy_panel.policy_selected.connect(self._policy_selected)
        policy_panel.entity_link_activated.connect(self.select_entity)
        win.mention_panel.mention_activated.connect(self.open_mention)
        win.mention_panel.sentences_wanted.connect(self._load_sentences)
        win.article_opened.connect(lambda _doc: self._load_article_counts())
        # Back on a tab, its selection is the subject again (the mention list, F3 and the
        # highlights follow what the sidebar shows).
        win.sidebar.currentChanged.connect(self._tab_changed)
        entity_panel.tree.clicked.connect(lambda _: self._reassert("entity"))
        policy_panel.view.clicked.connect(lambda _: self._reassert("policy"))

    # -- loading -------------------------------------------------------------------------
    def load_entities(self) -> None:
        ops.load_entities(self.win.runner, self.win.library, done=self._entities_ready,
                          hidden=self.show_hidden)

    def load_policies(self) -> None:
        load_policies(self.win.runner, self.win.library, done=self._policies_ready,
                      hidden=self.win.policy_panel.show_hidden)

    def on_library_changed(self, changes: Changes) -> None:
        if changes.articles or changes.entities:
            self.load_entities()
        if changes.derived:
            self.load_policies()

    def _entities_ready(self, entities: list[Entity]) -> None:
        win = self.win
        edits, self._pending_edits = self._pending_edits, []
        keep = next((k for _, k in reversed(edits) if k is not None), None)
        if keep is None and self.restore_id and entities:
            keep, self.restore_id = self.restore_id, None
        win.entity_panel.set_entities(entities, keep)  # None: the current one stays
        self._load_article_counts()  # an edit may have changed them
        current = win.entity_panel.current()
        if edits and current is not None:
            self._entity_selected(current)  # its mentions may have changed (a merge)
        else:
            self._refresh_subject()
        win.policy_panel.show_details(win.policy_panel.current())  # actors' names
        for edit, _keep in edits:
            win.statusBar().showMessage(_describe(edit) + " Undo with Ctrl+Z.", 6000)
            win.entities_edited.emit(edit)

    def _policies_ready(self, policies: list[Policy]) -> None:
        self.win.policy_panel.set_policies(policies, self.win.articles.corpus_span)

    def _entity_name(self, entity_id: str) -> str | None:
        ent = self.win.entity_panel.model.entity(entity_id)
        return ent.name if ent is not None else None

    # -- the list's scope ----------------------------------------------------------------
    def set_article_scope(self, on: bool) -> None:
        """List only the entities of the article being read (with their mentions in it),
        following the reading pane; or (off) the whole library's."""
        self.article_scope = bool(on)
        if on:
            self.win.show_tab(0)
            self._load_article_counts()
        else:
            self.win.entity_panel.set_article_counts(None)

    def set_show_hidden(self, on: bool) -> None:
        """List the entities the user hid too (in italics), so they can be shown again."""
        self.show_hidden = bool(on)
        if on:
            self.win.show_tab(0)
        self.load_entities()

    def _load_article_counts(self) -> None:
        if not self.article_scope:
            return
        doc = self.win.current_doc
        if doc is None:
            self.win.entity_panel.set_article_counts({}, doc=None)
            return
        lib = self.win.library
        ops.load_article_entities(
            self.win.runner, lib, doc, hidden=self.show_hidden,
            done=lambda counts: self._article_counts_ready(doc, counts))

    def _article_counts_ready(self, doc: str, counts: dict[str, int]) -> None:
        if not self.article_scope or doc != self.win.current_doc:
            return  # switched off, or another article was opened meanwhile
        article = self.win.article_view.article
        title = article.title if article is not None and article.id == doc else doc
        self.win.entity_panel.set_article_counts(counts, title, doc)

    # -- the subject and its mentions ----------------------------------------------------
    def select_entity(self, ref: str) -> None:
        """Show the entity with id or name `ref` (entity: links carry either)."""
        panel = self.win.entity_panel
        self.win.show_tab(0)
        if not panel.select(ref):
            panel.filter.clear()
            if not panel.select(ref):
                self.win.statusBar().showMessage(f"No entity “{ref}” in the library.", 5000)
                return
        self._reassert("entity")  # already selected: no currentChanged

    def _tab_changed(self, index: int) -> None:
        if index == 0:
            self._reassert("entity")
        elif index == 1:
            self._reassert("policy")

    def _reassert(self, kind: str) -> None:
        """Make the `kind` tab's current entity or policy the subject, if it is not."""
        obj = (self.win.entity_panel.current() if kind == "entity"
               else self.win.policy_panel.current())
        if obj is None or (self.subject is not None and self.subject[0] == kind
                           and self.subject[1].id == obj.id):
            return
        if kind == "entity":
            self._entity_selected(obj)
        else:
            self._set_subject("policy", obj)

    def _entity_selected(self, ent: Entity | None) -> None:
        panel = self.win.entity_panel
        if ent is None:
            panel.show_details(None)
            self._drop_subject("entity")
            return
        self._set_subject("entity", ent)
        panel.show_details(ent)
        entity_id = ent.id
        ops.load_related(self.win.runner, self.win.library, entity_id,
                         done=lambda related: self._related_ready(entity_id, related))

    def _related_ready(self, entity_id: str, related: list[Related]) -> None:
        ent = self.win.entity_panel.current()
        if ent is not None and ent.id == entity_id:
            self.win.entity_panel.show_details(ent, related)

    def _policy_selected(self, pol: Policy | None) -> None:
        if pol is not None:
            self._set_subject("policy", pol)
        else:
            self._drop_subject("policy")

    def _drop_subject(self, kind: str) -> None:
        """The `kind` subject was deselected: its highlights and mention list go."""
        if self.subject is not None and self.subject[0] == kind:
            self.subject = None
            self.win.article_view.highlight_mentions([])
            self.win.mention_panel.set_contexts(None, "")

    def _set_subject(self, kind: str, obj: Entity | Policy) -> None:
        """An entity or policy became the focus: highlight it and list its mentions."""
        self.subject = (kind, obj)
        self.highlight_subject()
        name = obj.name if isinstance(obj, Entity) else obj.label
        self.win.mention_panel.show_loading(name)
        ops.load_mentions(self.win.runner, self.win.library, obj.mentions,
                          done=lambda loaded: self._mentions_ready(name, *loaded))

    def _refresh_subject(self) -> None:
        """After a reload, the selected entity may be gone (merged away, hidden)."""
        if self.subject and self.subject[0] == "entity" and \
                self.win.entity_panel.current() is None:
            self.subject = None
            self.win.article_view.highlight_mentions([])
            self.win.mention_panel.set_contexts(None, "")

    def _mentions_ready(self, name: str, contexts: Sequence[MentionContext],
                        filled: dict[int, MentionContext], docs: int) -> None:
        self.win.mention_panel.set_contexts(contexts, name, filled, docs)
        self.win.mentions_loaded.emit(len(contexts))

    def _load_sentences(self, generation: int, rows: list[int]) -> None:
        """The mention list shows rows whose sentences are not read yet: read them on the
        task runner."""
        panel = self.win.mention_panel
        ops.load_sentences(self.win.runner, self.win.library, panel.model.source(), rows,
                           done=lambda filled: panel.fill_sentences(generation, filled))

    def highlight_subject(self) -> None:
        """Mark the subject's mentions in the open article."""
        doc = self.win.current_doc
        if not doc or not self.subject:
            self.win.article_view.highlight_mentions([])
            return
        kind, obj = self.subject
        here = [m for m in obj.mentions if m.doc == doc and m.start >= 0]
        title = [(m.start, m.end) for m in here if getattr(m, "field", "body") == "title"]
        self.win.article_view.highlight_mentions(
            [(m.start, m.end) for m in here if getattr(m, "field", "body") == "body"], kind,
            title_spans=title)

    def open_mention(self, ctx: MentionContext | None) -> None:
        """Open the article of a MentionContext with the mention selected."""
        if ctx is not None and ctx.field == "title":  # in the headline, marked there
            self.win.open_article(ctx.doc)  # at the top
        elif ctx is not None:
            self.win.open_article(ctx.doc, select=(ctx.start, ctx.end))

    def step_mention(self, delta: int) -> None:
        panel = self.win.mention_panel
        wraps = panel.wraps(delta)
        ctx = panel.step(delta)
        if ctx is None:
            self.win.statusBar().showMessage("Select an entity or a policy first: F3 then "
                                             "walks through its mentions.", 5000)
            return
        if wraps:
            self.win.statusBar().showMessage(
                "Back to the first mention." if delta > 0 else "Back to the last mention.",
                5000)
        self.open_mention(ctx)

    # -- corrections (write lane; the entity list reloads on library_changed) --------------
    def _entity_menu(self, pos) -> None:
        menu = QMenu(self.win)
        add_to_menu(menu, self.win.actions_by_name, ENTITY_MENU)
        menu.popup(self.win.entity_panel.tree.viewport().mapToGlobal(pos))

    def edit(self, edit: dict, keep: str | None = None) -> None:
        """Apply one correction; `keep` (an entity id) is selected once the list reloads."""
        ops.edit_entities(self.win.runner, self.win.library, edit,
                          done=lambda changes: self._edited(changes, edit, keep),
                          failed=self.win.report_write_failure)

    def _edited(self, changes: Changes, edit: dict, keep: str | None) -> None:
        if changes.edit is None:  # an undo with nothing to undo
            self.win.statusBar().showMessage("Nothing to undo.", 4000)
            return
        self._pending_edits.append((edit, keep))
        self.win.library_changed.emit(changes)

    def merge(self, source_id: str, target_id: str) -> None:
        self.edit({"op": "merge", "source": source_id, "target": target_id}, keep=target_id)

    def edit_many(self, edits: list[dict], keep: str | None = None) -> None:
        """Apply several corrections as one undo step (the list reloads once)."""
        if len(edits) == 1:
            self.edit(edits[0], keep)
            return
        ops.edit_many_entities(self.win.runner, self.win.library, edits,
                               done=lambda changes: self._edited(changes, changes.edit, keep),
                               failed=self.win.report_write_failure)

    def merge_selected(self) -> None:
        """Several entities selected: merge them into the one the user picks (the most
        mentioned by default). One selected: pick the entity it goes into."""
        panel = self.win.entity_panel
        chosen = panel.selected()
        if len(chosen) > 1:
            target = choose_merge_target(self.win, chosen)
            if target is not None:
                self.edit_many([{"op": "merge", "source": e.id, "target": target.id}
                                for e in chosen if e.id != target.id], keep=target.id)
            return
        source = panel.current()
        if source is None:
            return
        dialog = self.merge_dialog = MergeTargetDialog(self.win, source,
                                                       panel.model.entities())
        if not dialog.model.rowCount():
            self.merge_dialog = None
            return

        def chosen() -> None:
            target = dialog.chosen()
            if target is not None:
                self.merge(source.id, target.id)

        dialog.accepted.connect(chosen)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def rename(self) -> None:
        ent = self.win.entity_panel.current()
        if ent is None:
            return
        name, ok = QInputDialog.getText(self.win, "Rename entity", "New name:", text=ent.name)
        if ok and name.strip() and name.strip() != ent.name:
            self.edit({"op": "rename", "entity": ent.id, "name": name.strip()}, keep=ent.id)

    def retype(self) -> None:
        ent = self.win.entity_panel.current()
        if ent is None:
            return
        types = list(TYPE_ORDER)
        current = types.index(ent.type) if ent.type in types else 0
        new, ok = QInputDialog.getItem(self.win, "Change entity type",
                                       f"Type of “{ent.name}”:", types, current, False)
        if ok and new and new != ent.type:
            self.edit({"op": "retype", "entity": ent.id, "type": new}, keep=ent.id)

    def _chosen(self) -> list:
        panel = self.win.entity_panel
        return panel.selected() or [e for e in [panel.current()] if e is not None]

    def hide(self) -> None:
        """Hide the selected entities (one undo step)."""
        chosen = [e for e in self._chosen() if not e.hidden]
        if chosen:
            self.edit_many([{"op": "hide", "entity": e.id} for e in chosen])

    def unhide(self) -> None:
        """Show the selected hidden entities again (one undo step)."""
        chosen = [e for e in self._chosen() if e.hidden]
        if not chosen:
            self.win.statusBar().showMessage(
                "No hidden entity is selected: View > Show hidden entities lists them.", 6000)
            return
        self.edit_many([{"op": "unhide", "entity": e.id} for e in chosen],
                       keep=chosen[0].id if self.show_hidden else None)

    def hide_many(self, by_type: bool) -> None:
        """Ask which entities to hide, by type (the current entity's) or below a number of
        mentions, counting them as the choice changes; hide them as one undo step."""
        panel = self.win.entity_panel
        entities = panel.model.entities()
        if not any(not e.hidden for e in entities):
            self.win.statusBar().showMessage("There are no entities to hide.", 5000)
            return
        current = panel.current()
        type_ = (current.type if current is not None else entities[0].type) if by_type else None
        dialog = HideManyDialog(self.win, entities, type_, None if by_type else 2)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            chosen = dialog.chosen()
            if chosen:
                self.edit_many([{"op": "hide", "entity": e.id} for e in chosen])
        dialog.deleteLater()

    def undo_edit(self) -> None:
        if self.win.sidebar.currentIndex() == 1:  # on the Policies tab: its edits
            self.win.policies.undo()
            return
        ops.undo_entity_edit(
            self.win.runner, self.win.library,
            done=lambda changes: self._edited(changes, {"op": "undo", "undone": changes.edit},
                                              None),
            failed=self.win.report_write_failure)


def _describe(edit: dict) -> str:
    op = edit.get("op")
    if op == "rename":
        return f"Renamed to “{edit.get('name', '')}”."
    if op == "retype":
        return f"Type changed to {edit.get('type', '')}."
    if op == "batch":
        inner = edit.get("edits") or []
        kinds = {e.get("op") for e in inner}
        if kinds == {"merge"}:
            return f"{len(inner) + 1} entities merged into one."
        if kinds == {"hide"}:
            return f"{len(inner)} entities hidden."
        if kinds == {"unhide"}:
            return f"{len(inner)} entities shown again."
        return f"{len(inner)} entity edits applied."
    if op == "undo" and isinstance(edit.get("undone"), dict):
        return f"Undone: {_describe(edit['undone'])}"
    return EDIT_MESSAGES.get(op, "Entity edit applied.")
