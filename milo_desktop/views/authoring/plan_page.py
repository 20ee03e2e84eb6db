"""Step 1, Plan: start from a role template, a pasted job description or a job-posting URL
(or from scratch). The chosen plan becomes the wizard's draft; what the planner found is
listed so the recruiter sees why each question is there."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.authoring import AuthoringService, InterviewerDraft
from milo_desktop.services.authoring.validation import DESCRIPTION_MAX
from milo_desktop.views import theme
from milo_desktop.views.authoring.common import FieldError, WizardPage, hint, section_title
from milo_desktop.views.authoring.template_cards import TemplateCards
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.text_fields import CountedText


class PlanPage(WizardPage):
    """``planned(draft)`` when a plan was made; the wizard takes the draft from there."""

    planned = Signal(object)

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service: AuthoringService = ctx.workspace.authoring
        self.has_plan = False
        self.fetching = False

        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        # Templates
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search templates — forklift, nurse, sales…"))
        self.search.setClearButtonEnabled(True)
        self.cards = TemplateCards(self)
        self.no_match = QLabel(self.tr("No template matches. Try another word, or paste the "
                                       "job description instead."), self)
        self.no_match.setProperty("muted", True)
        self.no_match.hide()
        self.use_template = QPushButton(self.tr("Use this template"), self)
        self.use_template.setProperty("primary", True)
        self.scratch = QPushButton(self.tr("Start from scratch"), self)
        templates_tab = QWidget(self)
        tl = QVBoxLayout(templates_tab)
        tl.setContentsMargins(0, 10, 0, 0)
        tl.addWidget(self.search)
        tl.addWidget(self.cards, 1)
        tl.addWidget(self.no_match)
        row = QHBoxLayout()
        row.addWidget(hint(self.tr("Double-click a card, or select it and use it. Everything "
                                   "can be changed in the next steps."), self), 1)
        row.addWidget(self.scratch)
        row.addWidget(self.use_template)
        tl.addLayout(row)
        # Job description
        self.description = CountedText(DESCRIPTION_MAX, self.tr(
            "Paste the job description: title, duties and requirements. Experience (“2+ "
            "years”), licences (“forklift certification”), schedule (“weekends”) and checks "
            "become screening questions."), parent=self)
        self.description.edit.setMinimumHeight(160)
        self.description.edit.setMaximumHeight(16_777_215)  # grows with the window
        self.plan_button = QPushButton(self.tr("Plan from this description"), self)
        self.plan_button.setProperty("primary", True)
        self.description_error = FieldError(self)
        jd_tab = QWidget(self)
        jl = QVBoxLayout(jd_tab)
        jl.setContentsMargins(0, 10, 0, 0)
        jl.addWidget(self.description, 1)
        jl.addWidget(self.description_error)
        jr = QHBoxLayout()
        jr.addWidget(hint(self.tr("Planned on this computer: nothing is sent anywhere."),
                          self), 1)
        jr.addWidget(self.plan_button)
        jl.addLayout(jr)
        # URL
        self.url = QLineEdit(self)
        self.url.setPlaceholderText("https://careers.example.com/jobs/forklift-operator")
        self.fetch_button = QPushButton(self.tr("Fetch and plan"), self)
        self.fetch_button.setProperty("primary", True)
        self.spinner = QProgressBar(self)
        self.spinner.setRange(0, 0)
        self.spinner.setFixedWidth(120)
        self.spinner.hide()
        self.url_status = QLabel(self)
        self.url_status.setWordWrap(True)
        self.url_error = FieldError(self)
        url_tab = QWidget(self)
        ul = QVBoxLayout(url_tab)
        ul.setContentsMargins(0, 10, 0, 0)
        ur = QHBoxLayout()
        ur.addWidget(self.url, 1)
        ur.addWidget(self.fetch_button)
        ul.addLayout(ur)
        ul.addWidget(self.url_error)
        sr = QHBoxLayout()
        sr.addWidget(self.spinner)
        sr.addWidget(self.url_status, 1)
        ul.addLayout(sr)
        ul.addWidget(hint(self.tr("Works with most job boards (Greenhouse, Lever, Indeed, "
                                  "Workable…). Needs the internet; offline, paste the job "
                                  "description instead."), self))
        ul.addStretch(1)
        self.tabs.addTab(templates_tab, self.tr("Role template"))
        self.tabs.addTab(jd_tab, self.tr("Job description"))
        self.tabs.addTab(url_tab, self.tr("Job posting URL"))

        self.summary = QTextBrowser(self)
        self.summary.setOpenLinks(False)
        self.summary.setFixedHeight(130)
        self.summary.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(section_title(self.tr("Plan the interviewer"), self))
        layout.addWidget(hint(self.tr("Start from a role template, paste a job description, "
                                      "or fetch a job posting."), self))
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.summary)

        self.cards.set_templates(self.service.templates(), {
            t.key: self._line(t.draft()) for t in self.service.templates()})
        self.search.textChanged.connect(self._filter)
        self.cards.itemDoubleClicked.connect(lambda _i: self.choose_template())
        self.cards.currentRowChanged.connect(lambda _r: self._sync_buttons())
        self.use_template.clicked.connect(lambda: self.choose_template())
        self.scratch.clicked.connect(self.start_from_scratch)
        self.plan_button.clicked.connect(self.plan_description)
        self.description.changed.connect(lambda: self.description_error.set_error(None))
        self.fetch_button.clicked.connect(self.fetch_url)
        self.url.returnPressed.connect(self.fetch_url)
        self._sync_buttons()

    def _line(self, draft: InterviewerDraft) -> str:
        return self.tr("{flow} · {n} questions").format(flow=draft.workflow(),
                                                        n=draft.question_count())

    def _filter(self, text: str) -> None:
        shown = self.cards.filter(text, self.service.templates())
        self.no_match.setVisible(shown == 0)
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        self.use_template.setEnabled(self.cards.current_key() is not None)
        self.fetch_button.setEnabled(not self.fetching)
        self.url.setEnabled(not self.fetching)

    # ----- making a plan ------------------------------------------------------------------
    def choose_template(self, key: str | None = None) -> None:
        key = key or self.cards.current_key()
        if key is None:
            return
        self.cards.select_key(key)
        self._planned(self.service.draft_from_template(key))

    def start_from_scratch(self) -> None:
        draft = self.service.blank_draft()
        draft.plan_notes = [self.tr("Starting from scratch: name it in the next step, then "
                                    "add stages and questions.")]
        self._planned(draft)

    def plan_description(self) -> None:
        try:
            draft = self.service.draft_from_description(self.description.text())
        except EnvironmentProblem as exc:
            self.description_error.set_error(exc.message)
            return
        self._planned(draft)

    def fetch_url(self) -> None:
        if self.fetching:
            return
        url = self.url.text()
        self.fetching = True
        self.url_error.set_error(None)
        self.url_status.setStyleSheet("")
        self.url_status.setText(self.tr("Fetching the job posting…"))
        self.spinner.show()
        self._sync_buttons()
        self.ctx.spawn(self._fetch(url), "authoring.fetch_posting")

    async def _fetch(self, url: str) -> None:
        try:
            draft = await self.service.draft_from_url(url)
        except EnvironmentProblem as exc:
            self.url_error.set_error(exc.message)
            self.url_status.setText("")
            return
        finally:
            self.fetching = False
            self.spinner.hide()
            self._sync_buttons()
        self.url_status.setText(self.tr("Planned from {url}").format(url=draft.source_url))
        self._planned(draft)

    def _planned(self, draft: InterviewerDraft) -> None:
        self.has_plan = True
        self.show_plan(draft)
        self.planned.emit(draft)
        self.changed.emit()

    def show_plan(self, draft: InterviewerDraft) -> None:
        t = theme.current()
        e = html.escape
        notes = "".join(f"<li>{e(n)}</li>" for n in draft.plan_notes)
        title = draft.position_title or self.tr("(untitled)")
        self.summary.setHtml(
            f"<p style='margin:0'><b style='color:{t.success}'>✓</b> <b>{e(title)}</b>"
            f" <span style='color:{t.muted}'>— {e(self._line(draft))}</span></p>"
            f"<ul style='margin-top:4px'>{notes}</ul>")
        self.summary.show()

    # ----- the wizard's checks ------------------------------------------------------------
    def blockers(self) -> list[str]:
        if self.fetching:
            return [self.tr("Fetching the job posting…")]
        if not self.has_plan:
            return [self.tr("Choose a template, plan from a job description, or fetch a job "
                            "posting.")]
        return []

    def is_loaded(self) -> bool:
        return self.cards.count() > 0

    def focus_default(self) -> None:
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)
