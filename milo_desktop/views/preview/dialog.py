"""Preview: run any stage as a candidate would, then see the evaluation they would get.

Voice and SMS stages play in the flow simulator on the compiled definition (the recruiter types
what the candidate says, presses keys, texts back); a Form stage runs in the kiosk widget, in a
window and marked as a preview; a Résumé stage reads a file the recruiter picks. Nothing is
stored, dialled, texted or copied.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.enums import StageKind
from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.kiosk import KioskPerson, check_person
from milo_desktop.services.preview import (
    PreviewService,
    PreviewStage,
    answers_from_context,
    stage_from_draft,
)
from milo_desktop.services.scoring.text import format_number
from milo_desktop.views import theme
from milo_desktop.views.context import ViewContext
from milo_desktop.views.preview.result import ResultView
from milo_desktop.views.widgets.kiosk_form import KioskWidget
from milo_desktop.views.widgets.kiosk_style import kiosk_stylesheet
from milo_desktop.views.widgets.simulator_panel import SimulatorPanel

LOADING, PROBLEMS, SIMULATED, FORM, RESUME = range(5)
TEXT_SHOWN = 20_000  # characters of the résumé shown beside its evaluation


class PreviewBackend:
    """The kiosk's backend in a preview: details checked on the spot, answers evaluated and
    never stored."""

    def __init__(self, service: PreviewService) -> None:
        self.service = service
        self.stage: PreviewStage | None = None

    async def check_in(self, person: KioskPerson) -> None:
        check_person(person)

    async def submit(self, person: KioskPerson, answers: dict[str, str],
                     rating: int | None = None) -> Any:
        # The rating is part of what the candidate sees; a preview stores nothing of it.
        assert self.stage is not None
        return await self.service.evaluate(self.stage, answers)


def _label(text: str, parent: QWidget, *, muted: bool = False, bold: float = 0) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    if muted:
        label.setProperty("muted", True)
    if bold:
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * bold)
        font.setBold(True)
        label.setFont(font)
    return label


class PreviewDialog(QDialog):
    """``stage``: a stored stage's id, a ``PreviewStage``, or the wizard's ``StageDraft``
    (with its ``InterviewerDraft`` as ``interviewer`` for the title and language)."""

    def __init__(self, ctx: ViewContext, stage: int | PreviewStage | Any,
                 parent: QWidget | None = None, *, interviewer: Any | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = PreviewService(ctx.workspace.db, ctx.workspace.applications)
        self.stage: PreviewStage | None = None
        self.setWindowTitle(self.tr("Preview"))
        self.resize(1360, 860)

        banner = QFrame(self)
        banner.setObjectName("previewBanner")
        banner.setStyleSheet(kiosk_stylesheet())
        banner.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.banner_text = QLabel(self.tr("PREVIEW — nothing is saved, sent, dialled or "
                                          "recorded"), banner)
        row = QHBoxLayout(banner)
        row.setContentsMargins(16, 8, 16, 8)
        row.addWidget(self.banner_text)
        row.addStretch(1)

        self.title = _label(self.tr("Loading the stage…"), self)
        self.title.setObjectName("pageTitle")
        self.subtitle = _label("", self, muted=True)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(_label(self.tr("Loading…"), self, muted=True))
        self.problems = _label("", self)
        self.problems.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.pages.addWidget(self.problems)
        self._build_simulated()
        self._build_form()
        self._build_resume()
        close = QPushButton(self.tr("Close"), self)
        close.setAutoDefault(False)
        close.clicked.connect(self.close)
        body = QVBoxLayout()
        body.setContentsMargins(16, 12, 16, 12)
        body.addWidget(self.title)
        body.addWidget(self.subtitle)
        body.addSpacing(10)
        body.addWidget(self.pages, 1)
        body.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(banner)
        layout.addLayout(body, 1)

        if isinstance(stage, int):
            self._load(stage)
        else:
            self.show_stage(stage if isinstance(stage, PreviewStage)
                            else stage_from_draft(stage, interviewer))

    # ----- pages ------------------------------------------------------------------------------
    def _build_simulated(self) -> None:
        self.sim_result = ResultView(self)
        self.sim_result.again.clicked.connect(self.restart)
        self.role_title = _label(self.tr("You are the candidate"), self, bold=1.25)
        self.role_hint = _label("", self, muted=True)
        self.panel = SimulatorPanel(self.tr("Interviewer"), [self.role_title, self.role_hint],
                                    self.sim_result, self)
        self.panel.ended.connect(self._simulation_ended)
        self.pages.addWidget(self.panel)

    def _build_form(self) -> None:
        self.backend = PreviewBackend(self.service)
        self.kiosk = KioskWidget(self.ctx.spawn, self.backend, self, thanks_ms=None)
        self.form_result = ResultView(self)
        self.form_result.again.clicked.connect(self.restart)
        self.form_result.hide()
        self.kiosk.submitted.connect(self._form_submitted)
        self.kiosk.reset_done.connect(self.form_result.hide)  # "Done": the next candidate
        page = QWidget(self)
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.kiosk, 5)
        row.addWidget(self.form_result, 4)
        self.pages.addWidget(page)

    def _build_resume(self) -> None:
        page = QWidget(self)
        self.pick = QPushButton(self.tr("Choose a résumé…"), page)
        self.pick.setProperty("primary", True)
        self.pick.setAutoDefault(False)
        self.pick.clicked.connect(self._choose_file)
        self.file_label = _label(self.tr("PDF, DOCX or text. The file is only read: it is not "
                                         "copied or kept."), page, muted=True)
        self.resume_problem = _label("", page)
        self.resume_problem.setObjectName("resumeProblem")
        self.resume_problem.hide()
        self.resume_text = QPlainTextEdit(page)
        self.resume_text.setReadOnly(True)
        self.resume_text.setPlaceholderText(self.tr("The text read from the résumé appears here."))
        self.resume_result = ResultView(page)
        self.resume_result.again.setText(self.tr("Choose another…"))
        self.resume_result.again.clicked.connect(self._choose_file)
        left = QVBoxLayout()
        pick_row = QHBoxLayout()
        pick_row.addWidget(self.pick)
        pick_row.addWidget(self.file_label, 1)
        left.addLayout(pick_row)
        left.addWidget(self.resume_problem)
        left.addWidget(self.resume_text, 1)
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(left, 1)
        row.addWidget(self.resume_result, 1)
        self.pages.addWidget(page)

    # ----- the stage ----------------------------------------------------------------------------
    def _load(self, stage_id: int) -> None:
        async def go() -> None:
            try:
                stage = await self.service.stage(stage_id)
            except EnvironmentProblem as exc:
                self._show_problems([exc.message])
                return
            self.show_stage(stage)

        self.ctx.spawn(go(), "preview.load", owner=self)

    def show_stage(self, stage: PreviewStage) -> None:
        self.stage = stage
        kind = {StageKind.VOICE: self.tr("Voice interview"), StageKind.SMS: self.tr("SMS"),
                StageKind.FORM: self.tr("Form"), StageKind.RESUME: self.tr("Résumé")}[stage.kind]
        self.title.setText(f"{stage.name} · {stage.position_title}")
        minimum = self.tr(" · minimum score {n}").format(n=stage.min_score) \
            if stage.min_score is not None else ""
        self.subtitle.setText(self.tr("{kind} stage · {n} questions").format(
            kind=kind, n=len(stage.questions)) + minimum)
        problems = stage.problems()
        if problems:
            self._show_problems(problems)
            return
        self.restart()

    def _show_problems(self, problems: list[str]) -> None:
        self.problems.setText(self.tr("This stage cannot be previewed yet:") + "\n\n"
                              + "\n".join(f"• {p}" for p in problems))
        self.pages.setCurrentIndex(PROBLEMS)

    def restart(self) -> None:
        """Start the preview over, as a new candidate."""
        stage = self.stage
        if stage is None:
            return
        if stage.simulated:
            self.role_hint.setText(self.tr(
                "The phone call, exactly as it will be placed: type what the candidate says, "
                "or press keys.") if stage.kind == StageKind.VOICE else self.tr(
                "The text screening, exactly as it will be sent: reply to each text as the "
                "candidate would."))
            self.panel.sms_hint.setText(self.tr("Reply as the candidate would."))
            self.panel.over_text = self.tr("The call is over.") \
                if stage.kind == StageKind.VOICE else self.tr("The screening is over.")
            self.sim_result.show_waiting()
            self.panel.start(stage.simulation())
            self.pages.setCurrentIndex(SIMULATED)
        elif stage.kind == StageKind.FORM:
            self.backend.stage = stage
            self.form_result.hide()
            if self.kiosk.form is None:
                self.kiosk.set_form(stage.kiosk_form())
            else:
                self.kiosk.reset()
            self.pages.setCurrentIndex(FORM)
        else:
            self.pages.setCurrentIndex(RESUME)

    # ----- results --------------------------------------------------------------------------------
    def _simulation_ended(self) -> None:
        stage, sim = self.stage, self.panel.sim
        assert stage is not None and sim is not None
        answers = answers_from_context(sim.result().context, stage.questions)
        self.sim_result.show_waiting(self.tr("Scoring the answers…"))

        async def go() -> None:
            ev = await self.service.evaluate(stage, answers)
            if self.panel.sim is sim:  # not restarted meanwhile
                self.sim_result.show_evaluation(ev)

        self.ctx.spawn(go(), "preview.evaluate", owner=self)

    def _form_submitted(self, ev: Any) -> None:
        self.form_result.show_evaluation(ev)
        self.form_result.show()

    def _choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Choose a résumé"), "",
            self.tr("Résumés (*.pdf *.docx *.txt *.md *.rtf);;All files (*)"))
        if path:
            self.evaluate_file(path)

    def evaluate_file(self, path: str) -> None:
        """Read ``path`` and show what the résumé scorer finds in it (nothing is kept)."""
        stage = self.stage
        assert stage is not None
        self.resume_problem.hide()
        self.file_label.setText(self.tr("Reading {name}…").format(name=Path(path).name))
        self.resume_result.show_waiting(self.tr("Reading and scoring the résumé…"))
        self.pick.setEnabled(False)

        async def go() -> None:
            try:
                found, ev = await self.service.evaluate_resume(stage, path)
            except EnvironmentProblem as exc:
                self.resume_problem.setText(exc.message)
                self.resume_problem.setStyleSheet(f"color: {theme.current().danger};")
                self.resume_problem.show()
                self.file_label.setText(self.tr("Choose a PDF, DOCX or text file."))
                self.resume_result.show_waiting()
                self.resume_text.clear()
                return
            finally:
                self.pick.setEnabled(True)
            pages = self.tr(", {n} pages").format(n=found.pages) if found.pages else ""
            self.file_label.setText(self.tr("{name} — {kind}{pages}, {chars} characters").format(
                name=Path(path).name, kind=found.kind.upper(), pages=pages,
                chars=format_number(len(found.text))))
            self.resume_text.setPlainText(found.text[:TEXT_SHOWN])
            self.resume_result.show_evaluation(ev)

        self.ctx.spawn(go(), "preview.resume", owner=self)
