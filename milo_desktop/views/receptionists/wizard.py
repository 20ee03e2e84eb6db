"""The receptionist wizard: Basic → Disclosures → Custom context → Questions → Review & Create.

On step 1 Next says what is missing — beside each field, naming them in the status line —
and puts the cursor in the first; on the later steps Next stays disabled while the problems
listed on the step remain. Review compiles the flow and checks it; Create (or Save) runs in
the background with progress text, and any problem — a refused value, Twilio unreachable — is
shown here rather than lost. A Create that fails leaves nothing saved (``NotCreated``).
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.flows import ReceptionistConfig, check_definition, compile_receptionist
from milo_desktop.services.receptionists import (
    DraftProblems,
    NotCreated,
    PublishProblem,
    ReceptionistDetail,
    ReceptionistDraft,
    normalise_number,
    static_problems,
)
from milo_desktop.views.context import ViewContext
from milo_desktop.views.receptionists.practice_call import PracticeCallDialog
from milo_desktop.views.receptionists.wizard_common import ProblemList, receptionist_service
from milo_desktop.views.receptionists.wizard_pages import BasicPage, ContextPage, DisclosuresPage
from milo_desktop.views.receptionists.wizard_questions import KINDS, QuestionsPage
from milo_desktop.views.receptionists.wizard_questions import _tr as kind_tr
from milo_desktop.views.widgets.field_errors import keep_error_room
from milo_desktop.views.widgets.page_header import hint, section_title
from milo_desktop.views.widgets.step_frame import StepWizard


class ReviewPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QTextBrowser(self)
        self.summary.setOpenLinks(False)
        self.problem_list = ProblemList(self)
        self.test_call_button = QPushButton(self.tr("Test call…"), self)
        self.test_call_button.setToolTip(self.tr("Play the caller and hear what the agent says, "
                                                 "before going live"))
        bar = QHBoxLayout()
        bar.addWidget(hint(self.tr("Check everything, try a test call, then create. Creating "
                                   "publishes the flow and points the number at it."), self), 1)
        bar.addWidget(self.test_call_button)
        layout = QVBoxLayout(self)
        layout.addWidget(section_title(self.tr("Review & create"), self))
        layout.addLayout(bar)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.problem_list)


class ReceptionistWizard(StepWizard):
    """Create a receptionist, or edit ``detail`` when given. ``saved(detail)`` on success."""

    saved = Signal(object)

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None,
                 detail: ReceptionistDetail | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = receptionist_service(ctx)
        self.detail = detail
        self._saved_id: int | None = None  # saved but not published (retry = resume)
        self.test_call: PracticeCallDialog | None = None
        self.setWindowTitle(self.tr("Edit receptionist") if detail else
                            self.tr("New receptionist"))
        self.resize(1100, 760)

        self.basic = BasicPage(ctx, detail.id if detail else None, self)
        self.disclosures = DisclosuresPage(self)
        self.context_page = ContextPage(self)
        self.questions = QuestionsPage(self.basic.manual.isChecked, self)
        self.review = ReviewPage(self)
        self.pages: list[QWidget] = [self.basic, self.disclosures, self.context_page, self.questions,
                                     self.review]
        self.build_steps((self.tr("1  Basic information"), self.tr("2  Disclosures"),
                                self.tr("3  Custom context"), self.tr("4  Screening questions"),
                                self.tr("Review & create")), self.pages)

        for page in (self.basic, self.disclosures, self.context_page, self.questions):
            page.changed.connect(self._update_buttons)
        self.basic.manual.toggled.connect(lambda _c: self.questions.refresh())
        self.review.test_call_button.clicked.connect(self.open_test_call)
        if detail is not None:
            cfg = detail.config()
            self.basic.load(detail.name, detail.phone_number or "", cfg)
            self.disclosures.load(cfg)
            self.context_page.load(cfg.custom_context)
            self.questions.load(cfg.questions, cfg.routing_threshold,
                                detail.default_interviewer_id, detail.interviewer_ids)
        self._show(0)
        ctx.spawn(self._load_choices(), "receptionists.wizard.choices")

    async def _load_choices(self) -> None:
        self.basic.load_numbers()
        keep: tuple[int, ...] = ()
        if self.detail is not None:  # its current routes, shown even if they have closed
            keep = tuple(self.detail.interviewer_ids) + (
                (self.detail.default_interviewer_id,)
                if self.detail.default_interviewer_id is not None else ())
        self.questions.set_interviewers(await self.service.interviewer_choices(keep))

    # ----- Next on step 1: say what is missing ------------------------------------------
    def go_next(self) -> None:
        if self.current_step() == 0 and not self._busy and self.basic.problems():
            if any(p.endswith("…") for p in self.basic.problems()):
                return  # still loading the numbers: Next is disabled meanwhile
            self.basic.show_missing()
            self.show_error(self.tr("Fill in what is marked: {fields}.").format(
                fields=", ".join(self.basic.missing_labels())))
            return
        super().go_next()

    def _update_buttons(self) -> None:
        super()._update_buttons()
        if self.current_step() == 0 and not self._busy:
            problems = self.basic.problems()
            # Enabled with problems, so that pressing it explains them; only a number still
            # loading holds it back.
            self.next_button.setEnabled(not any(p.endswith("…") for p in problems))
            if not problems and self.basic.explaining:
                keep_error_room(self.status)
                self.status.setText("")

    # ----- navigation ---------------------------------------------------------------------
    def prepare_page(self, index: int) -> None:
        if self.pages[index] is self.review:
            self._fill_review()

    def page_problems(self, index: int) -> list[str]:
        forms = (self.basic, self.disclosures, self.context_page, self.questions)
        page = self.pages[index]
        for form in forms:
            if page is form:
                return form.problems()
        return self.review_problems()

    def submit_text(self) -> str:
        if self._saved_id is not None:
            return self.tr("Try publishing again")
        return self.tr("Save changes") if self.detail else self.tr("Create receptionist")

    # ----- values -------------------------------------------------------------------------
    def config(self) -> ReceptionistConfig:
        b = self.basic
        return ReceptionistConfig(
            agent_name=b.agent.text().strip(), intro_message=b.intro.text().strip(),
            questions=self.questions.specs(), voice=str(b.voice.currentData()),
            language_mode=b.language(), disclosures=self.disclosures.disclosures(),
            collect_location=self.disclosures.location.isChecked(),
            enforce_job_location_match=self.disclosures.enforce.isChecked(),
            job_locations=self.disclosures.job_locations(),
            custom_context=self.context_page.context(), manual_approval=b.manual.isChecked(),
            routing_threshold=self.questions.threshold.value(),
        )

    def draft(self) -> ReceptionistDraft:
        number = self.basic.phone_number()
        return ReceptionistDraft(
            name=self.basic.name.text().strip(), phone_number=normalise_number(number) or number,
            config=self.config(), default_interviewer_id=self.questions.default_id(),
            interviewer_ids=self.questions.routed_ids(),
        )

    def review_problems(self) -> list[str]:
        problems = [p for i in range(4) for p in self.page_problems(i)]
        if problems:
            return problems
        problems = static_problems(self.draft())
        if not problems:
            problems = check_definition(compile_receptionist(self.config()))
        return problems

    def _fill_review(self) -> None:
        problems = self.review_problems()
        self.review.problem_list.show_problems(problems)
        self.review.test_call_button.setEnabled(not any(
            self.page_problems(i) for i in range(4)))
        self.review.summary.setHtml(self._summary_html())

    def _summary_html(self) -> str:
        cfg, d, e = self.config(), self.draft(), html.escape
        yes, no = self.tr("Yes"), self.tr("No")
        names = {self.questions.default_interviewer.itemData(i):
                 self.questions.default_interviewer.itemText(i)
                 for i in range(self.questions.default_interviewer.count())}
        rows = [
            (self.tr("Name"), d.name), (self.tr("Phone number"), d.phone_number),
            (self.tr("Agent"), f"{cfg.agent_name} · {self.basic.voice.currentText()}"),
            (self.tr("Language"), self.basic.english.text() if self.basic.english.isChecked()
             else self.tr("Multilingual")),
            (self.tr("Manual approval"), yes if cfg.manual_approval else no),
            (self.tr("Intro message"), cfg.intro_message),
            (self.tr("Disclosures"), ", ".join(filter(None, (
                self.tr("AI nature") if cfg.disclosures.ai_nature else "",
                self.tr("recording") if cfg.disclosures.recording else "",
                self.tr("E-Verify") if cfg.disclosures.e_verify else ""))) or self.tr("none")),
            (self.tr("Location"), (self.tr("collected") if cfg.collect_location else
                                   self.tr("not asked")) + (
                self.tr("; must match: {p}").format(p="; ".join(cfg.job_locations))
                if cfg.enforce_job_location_match else "")),
            (self.tr("Routing"), self.tr("approve at {t}/100 → {i}; may route to {n} "
                                         "interviewer(s)").format(
                t=cfg.routing_threshold, i=names.get(d.default_interviewer_id, "—"),
                n=len(set(d.interviewer_ids) | ({d.default_interviewer_id} - {None})))),
        ]
        for key, label, _x in (("open_positions", "Open positions", ""), ("shifts", "Shifts", ""),
                               ("pay", "Pay", ""), ("directions", "Directions", ""),
                               ("company_background", "Company background", ""),
                               ("edge_cases", "Edge cases", "")):
            value = getattr(cfg.custom_context, key)
            if value:
                rows.append((self.tr(label), value))
        table = "".join(
            f"<tr><td style='padding:3px 14px 3px 0; color:gray; white-space:nowrap'>"
            f"{e(k)}</td><td style='padding:3px 0'>{e(v)}</td></tr>" for k, v in rows)
        kinds = dict(KINDS)
        items = "".join(
            f"<li>{e(q.prompt)} <span style='color:gray'>— {e(kind_tr(kinds[q.kind]))}"
            f"{e(self.tr(', dealbreaker')) if q.dealbreaker else ''}</span></li>"
            for q in cfg.questions)
        return (f"<table>{table}</table><p><b>{e(self.tr('Screening questions'))}</b></p>"
                f"<ol>{items}</ol>")

    # ----- test call and create -----------------------------------------------------------
    def open_test_call(self) -> None:
        self.test_call = PracticeCallDialog(self.config(), self)
        self.test_call.open()

    def submit(self) -> None:
        """Create (or save) in the background; the window stays responsive."""
        if self._busy or self.review_problems():
            return
        self._set_busy(True, self.tr("Saving and publishing to Twilio…"))
        self.ctx.spawn(self._submit(), "receptionists.wizard.submit")

    async def _submit(self) -> None:
        detail: ReceptionistDetail | None = None
        error = ""
        try:
            if self._saved_id is not None:
                detail = await self.service.resume(self._saved_id)
            elif self.detail is not None:
                detail = await self.service.update(self.detail.id, self.draft())
            else:
                detail = await self.service.create(self.draft())
        except PublishProblem as exc:
            self._saved_id = exc.receptionist_id
            error = exc.message
        except NotCreated as exc:  # nothing was saved: Create again once it is fixed
            error = exc.message
        except DraftProblems as exc:
            error = self.tr("Please fix: {p}").format(p=" ".join(exc.problems))
            self.review.problem_list.show_problems(list(exc.problems))
        except EnvironmentProblem as exc:
            error = exc.message
        finally:
            self._set_busy(False)
        if detail is None:
            self.show_error(error)
            return
        self.saved.emit(detail)
        self.accept()

    def done(self, result: Any) -> None:
        if self._busy:
            return  # closing mid-publish would hide its outcome
        if self.test_call is not None:
            self.test_call.close()
        super().done(result)
