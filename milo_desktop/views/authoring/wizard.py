"""The Create Interviewer wizard: Plan → Configure → Stages → Questions & scoring → Settings →
Share (and Create).

One ``InterviewerDraft`` is edited in place by every page. After each edit the wizard asks
``AuthoringService.static_problems`` what is wrong and hands each page its problems, which
appear under their fields; the slug's uniqueness is checked in the background as it is typed.
Next (and Create) stay disabled while the step (or anything) has problems. Create re-validates
against the database and saves in the background; a refusal is shown here, not lost.

Edit mode (``interviewer_id`` given) loads the stored draft, skips Plan and saves with
``update``: changes apply to new candidates only.
"""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QMessageBox,
    QWidget,
)

from milo_desktop.enums import BudgetKind
from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.authoring import (
    AuthoringService,
    FieldProblem,
    InterviewerDraft,
)
from milo_desktop.services.budget_check import BudgetBelowSpent
from milo_desktop.services.flows.config import to_e164
from milo_desktop.services.readiness import Means, Readiness
from milo_desktop.views import theme
from milo_desktop.views.authoring.common import WizardPage
from milo_desktop.views.authoring.configure_page import ConfigurePage
from milo_desktop.views.authoring.plan_page import PlanPage
from milo_desktop.views.authoring.questions_page import QuestionsPage
from milo_desktop.views.authoring.settings_page import SettingsPage
from milo_desktop.views.authoring.share_page import SharePage
from milo_desktop.views.authoring.stages_page import StagesPage
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.step_frame import StepWizard

CHECKING = "Checking that the link name is free…"


class AuthoringWizard(StepWizard):
    """``created(id)`` after Create; ``saved(id)`` after saving an edit."""

    created = Signal(int)
    saved = Signal(int)

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None,
                 interviewer_id: int | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service: AuthoringService = ctx.workspace.authoring
        self.editing_id = interviewer_id
        self.draft: InterviewerDraft = self.service.blank_draft()
        self.base: str | None = None  # the candidate page address, when one is hosted
        self._slug_check: tuple[str, str | None] | None = None  # (slug, problem) last checked
        self._pending_loads = 1
        self.problems: list[FieldProblem] = []
        # What the workspace gives every interviewer (default sender, email account), read
        # once; with the draft it decides readiness as the user edits (services/readiness).
        self.means: Means | None = None
        # The connected Twilio account's numbers (empty: not known, e.g. offline or no Twilio,
        # and then any well-formed number is taken).
        self.account_numbers: frozenset[str] = frozenset()
        self.readiness: Readiness | None = None
        self.budget_question: QMessageBox | None = None  # open while a budget awaits a yes
        self._budget_confirmed = False
        self.setWindowTitle(self.tr("Edit interviewer") if interviewer_id else
                            self.tr("Create interviewer"))
        self.resize(1120, 780)

        self.plan = PlanPage(ctx, self)
        self.configure = ConfigurePage(self)
        self.stages = StagesPage(self)
        self.questions = QuestionsPage(ctx, self)
        self.settings = SettingsPage(self)
        self.share = SharePage(ctx, self)
        self.settings.estimator = self.service.estimate
        self.pages: list[QWidget] = [self.plan, self.configure, self.stages, self.questions,
                                     self.settings, self.share]
        self.build_steps((self.tr("1  Plan"), self.tr("2  Configure"),
                                self.tr("3  Stages"), self.tr("4  Questions & scoring"),
                                self.tr("5  Settings"), self.tr("6  Share")), self.pages)
        t = theme.current()
        # Next / Create must look disabled while something is wrong (the theme's primary
        # style alone looks the same either way).
        self.setStyleSheet(f'QPushButton[primary="true"]:disabled {{ background: {t.border};'
                           f" color: {t.muted}; border-color: {t.border}; }}")

        for page in (self.plan, self.configure, self.stages, self.questions, self.settings):
            page.changed.connect(self._changed)
        self.plan.planned.connect(self._take_draft)
        self.configure.slugEdited.connect(self._check_slug)
        if interviewer_id is not None:
            self.steps.item(0).setFlags(Qt.ItemFlag.NoItemFlags)  # re-planning would replace it
            self._pending_loads += 1
            self.status.setText(self.tr("Loading the interviewer…"))
        self._show(1 if interviewer_id is not None else 0)
        ctx.spawn(self._load(), "authoring.wizard.load", owner=self)

    # ----- loading ------------------------------------------------------------------------
    async def _load(self) -> None:
        ws = self.ctx.workspace
        try:
            if self.editing_id is not None:
                draft = await self.service.load_draft(self.editing_id)
                self._take_draft(draft)
                self._pending_loads -= 1
                self.status.setText("")
            self.base = await self.service.link_base()
            self.configure.set_link_base(self.base or "")
            self.settings.set_templates(await self.service.email_templates())
            self.settings.set_known_labels(await self.service.label_names())
            self.means = await self.service.workspace_means()
            if self.editing_id is not None:
                self.settings.set_spent({kind: await self.service.spent_cents(
                    self.editing_id, kind) for kind in (BudgetKind.ALL_TIME, BudgetKind.DAILY)})
            numbers = await ws.receptionists.account_numbers()
            self.settings.set_numbers(numbers)
            self.account_numbers = frozenset(n.e164 for n in numbers)
            self._changed()
        except EnvironmentProblem as exc:
            self.show_error(exc.message)
        except asyncio.CancelledError:
            raise  # closed meanwhile (or the app quits): its widgets may be gone
        self._pending_loads = 0
        self._update_buttons()

    def is_loaded(self) -> bool:
        return self._pending_loads == 0 and self.plan.is_loaded()

    def _take_draft(self, draft: InterviewerDraft) -> None:
        """Make ``draft`` the one every page edits (a new plan, or the stored interviewer)."""
        self.draft = draft
        editing = self.editing_id is not None
        self.configure.load(draft, self.base or "", editing)
        self.stages.load(draft)
        self.questions.load(draft)
        self.settings.load(draft)
        self._changed()

    # ----- checks -------------------------------------------------------------------------
    def _check_slug(self, slug: str) -> None:
        async def check() -> None:
            problem = await self.service.slug_problem(slug, self.editing_id)
            if self.draft.slug == slug:
                self._slug_check = (slug, problem)
                self.configure.set_slug_status(self.tr("✓ Available") if problem is None
                                               else "", problem is None or None)
                self._changed()

        self.ctx.spawn(check(), "authoring.wizard.slug", owner=self)

    def _all_problems(self) -> list[FieldProblem]:
        problems = self.service.static_problems(self.draft)
        if not any(p.field == "slug" for p in problems):
            if self._slug_check is None or self._slug_check[0] != self.draft.slug:
                problems.append(FieldProblem("slug", self.tr(CHECKING)))
            elif self._slug_check[1]:
                problems.append(FieldProblem("slug", self._slug_check[1]))
        number = self.draft.phone_number
        if (number and self.account_numbers and not any(p.field == "phone_number"
                                                        for p in problems)
                and to_e164(number) not in self.account_numbers):
            problems.append(FieldProblem("phone_number", self.tr(
                "{number} is not a number of the connected Twilio account: pick one of its "
                "numbers from the list.").format(number=number)))
        return problems

    def _changed(self) -> None:
        self.problems = self._all_problems()
        shown = [p for p in self.problems if p.message != self.tr(CHECKING)]
        for page in (self.configure, self.stages, self.questions, self.settings):
            page.show_problems(shown)
        self.readiness = (self.service.readiness(self.draft, self.means)
                          if self.means is not None else None)
        self.settings.show_readiness(self.readiness)
        self.share.show_readiness(self.readiness, self.editing_id is not None)
        self.settings.refresh_estimate()
        self._update_buttons()

    def page_problems(self, index: int) -> list[str]:
        page = self.pages[index]
        if page is self.plan:
            return self.plan.blockers()
        if page is self.share:
            return [m for i in range(self.first_step(), len(self.pages) - 1)
                    for m in self.page_problems(i)]
        assert isinstance(page, WizardPage)
        return [p.message for p in page.mine(self.problems)]

    # ----- navigation ---------------------------------------------------------------------
    def first_step(self) -> int:
        return 1 if self.editing_id is not None else 0  # re-planning would replace it

    def prepare_page(self, index: int) -> None:
        page = self.pages[index]
        if page is self.questions:
            self.questions.load(self.draft)
        elif page is self.stages:
            self.stages.load(self.draft)
        elif page is self.share:
            self.share.load(self.draft, self.base, self.editing_id is not None,
                            self.editing_id)

    def page_shown(self, index: int) -> None:
        self._changed()

    def submit_text(self) -> str:
        if self.editing_id is not None:
            return self.tr("Save changes")
        if self.readiness is not None and not self.readiness.ready:
            return self.tr("Save as draft")  # it cannot progress yet (the Share step says why)
        return self.tr("Create interviewer")

    def next_blocked(self) -> bool:
        return self._pending_loads > 1

    # ----- create / save ------------------------------------------------------------------
    def submit(self) -> None:
        if self._busy or self.page_problems(self.pages.index(self.share)):
            return
        self._set_busy(True, self.tr("Saving…"))
        self.ctx.spawn(self._submit(), "authoring.wizard.submit")

    async def _submit(self) -> None:
        saved_id: int | None = None
        error = ""
        try:
            problems = await self.service.validate(self.draft, self.editing_id)
            if problems:
                self.problems = problems
                for page in (self.configure, self.stages, self.questions, self.settings):
                    page.show_problems(problems)
                error = self.tr("Please fix: {p}").format(p=" ".join(p.message
                                                                    for p in problems))
            elif self.editing_id is not None:
                confirmed, self._budget_confirmed = self._budget_confirmed, False
                try:
                    await self.service.update(self.editing_id, self.draft,
                                              confirm_budget=confirmed)
                except BudgetBelowSpent as exc:
                    self._set_busy(False)
                    self.ask_budget(exc.message)
                    return
                saved_id = self.editing_id
            else:
                saved_id = await self.service.create(self.draft)
        except EnvironmentProblem as exc:
            error = exc.message
        finally:
            self._set_busy(False)
        if saved_id is None:
            self.show_error(error)
            return
        if self.editing_id is not None:
            self.saved.emit(saved_id)
        else:
            self.created.emit(saved_id)
        self.accept()

    def ask_budget(self, message: str) -> QMessageBox:
        """The edited budget is below what is already spent: say what that does and save
        only on "Save anyway" (window-modal, no nested event loop)."""
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Budget below what is spent"),
                          message, parent=self)
        box.setInformativeText(self.tr("Save this budget anyway?"))
        keep = box.addButton(self.tr("Save anyway"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(_result: int) -> None:
            self.budget_question = None
            if box.clickedButton() is keep:
                self._budget_confirmed = True
                self.submit()
            else:
                self.show_error(message)

        box.finished.connect(answered)
        self.budget_question = box
        box.open()
        return box

    def done(self, result: Any) -> None:
        if self._busy:
            return  # closing mid-save would hide its outcome
        super().done(result)
