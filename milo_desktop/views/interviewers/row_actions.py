"""The Interviewers table's row actions: the context menu, archive / unarchive, clone,
extend deadline and the in-place budget editor (a mixin of the list page)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMenu, QWidget

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.budget_check import BudgetBelowSpent
from milo_desktop.services.interviewers import InterviewerRow, InterviewerService
from milo_desktop.views.context import ViewContext
from milo_desktop.views.interviewers.dialogs import BudgetEditor, ExtendDeadlineDialog
from milo_desktop.views.interviewers.list_model import InterviewersModel
from milo_desktop.views.widgets.banner import Banner
from milo_desktop.views.widgets.data_table import DataTable

if TYPE_CHECKING:
    _Base = QWidget  # the list page is one: for the type checker, so is this mixin of it
else:
    _Base = object


class RowActions(_Base):
    """Needs the page's ``ctx``, ``service``, ``model``, ``table``, ``banner`` and
    ``current_tab()``; keeps the last ``budget_editor`` / ``extend_dialog`` for tests."""

    # Provided by InterviewersListPage.
    ctx: ViewContext
    service: InterviewerService
    model: InterviewersModel
    table: DataTable
    banner: Banner
    openInterviewer: SignalInstance
    current_tab: Callable[[], str]
    _run: Callable[[Coroutine[Any, Any, Any], str], None]

    budget_editor: BudgetEditor | None = None
    extend_dialog: ExtendDeadlineDialog | None = None

    def context_menu(self, rows: list[InterviewerRow]) -> QMenu:
        """The row menu for ``rows`` (actions on several rows where that makes sense)."""
        menu = QMenu(self)
        ids = [r.id for r in rows]
        single = rows[0] if len(rows) == 1 else None

        def add(name: str, text: str, slot: Any, enabled: bool = True) -> QAction:
            action = menu.addAction(text)
            action.setObjectName(name)
            action.setEnabled(enabled)
            action.triggered.connect(slot)
            return action

        if single is not None:
            add("open", self.tr("Open"), lambda: self.openInterviewer.emit(single.id))
            menu.addSeparator()
        if self.current_tab() == "archived":
            add("unarchive", self.tr("Unarchive"), lambda: self.unarchive(ids), bool(ids))
        else:
            add("archive", self.tr("Archive"), lambda: self.archive(ids), bool(ids))
        if single is not None:
            add("edit", self.tr("Edit…"), lambda: self.edit_interviewer(single))
            add("clone", self.tr("Clone"), lambda: self.clone(single))
            add("extend", self.tr("Extend deadline…"), lambda: self.extend_deadline(single),
                self.current_tab() != "archived")
            add("budget", self.tr("Edit budget…"),
                lambda: self.edit_budget(self.model.index_of_key(single.id)))
        return menu

    def archive(self, ids: list[int]) -> None:
        async def go() -> None:
            done = await self.service.archive(ids)
            self.banner.say(self.tr("Archived %n interviewer(s).", "", len(done)))

        self._run(go(), "interviewers.archive")

    def unarchive(self, ids: list[int]) -> None:
        async def go() -> None:
            done = await self.service.unarchive(ids)
            self.banner.say(self.tr("Restored %n interviewer(s).", "", len(done)))

        self._run(go(), "interviewers.unarchive")

    def edit_interviewer(self, row: InterviewerRow) -> QDialog:
        """The wizard in edit mode; saving applies to new candidates only."""
        return self.ctx.windows.edit_interviewer(
            self.ctx, row.id, self, on_saved=lambda _id: self.banner.say(self.tr(
                "Saved “{name}”. The changes apply to new candidates only.").format(
                    name=row.name)))

    def clone(self, row: InterviewerRow) -> None:
        async def go() -> None:
            await self.service.clone(row.id)
            self.banner.say(self.tr("Created a draft copy of “{name}”.").format(name=row.name))

        self._run(go(), "interviewers.clone")

    def extend_deadline(self, row: InterviewerRow) -> ExtendDeadlineDialog:
        dialog = ExtendDeadlineDialog(row.name, row.deadline, self.service.clock(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def chosen(days: int | None, until: Any) -> None:
            async def go() -> None:
                await self.service.extend_deadline(row.id, days=days, until=until)
                self.banner.say(self.tr("Extended the deadline of “{name}”.").format(
                    name=row.name))

            self._run(go(), "interviewers.extend_deadline")

        dialog.chosen.connect(chosen)
        self.extend_dialog = dialog
        dialog.open()
        return dialog

    def edit_budget(self, row_index: int) -> BudgetEditor | None:
        row = self.model.row_at(row_index)
        if row is None:
            return None
        if self.budget_editor is not None:
            self.budget_editor.close()
        editor = BudgetEditor(row.budget_kind, row.budget_cents, self)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.destroyed.connect(lambda: setattr(self, "budget_editor", None))
        rect = self.table.visualRect(self.model.index(row_index, self.model.column_index("spend")))
        editor.move(self.table.viewport().mapToGlobal(rect.bottomLeft()))

        def submitted(kind: str, cents: int | None) -> None:
            async def go() -> None:
                try:
                    await self.service.set_budget(row.id, kind, cents,
                                                  confirmed=editor.confirmed)
                except BudgetBelowSpent as exc:
                    editor.ask_to_confirm(exc.message)
                    return
                except EnvironmentProblem as exc:
                    editor.show_error(exc.message)
                    return
                self.model.replace_rows(await self.service.rows([row.id]))
                editor.close()

            self.ctx.spawn(go(), "interviewers.set_budget")

        editor.submitted.connect(submitted)
        self.budget_editor = editor
        editor.show()
        editor.amount.setFocus()
        return editor
