"""Settings → Account's candidate page card (moved here from Integrations): the candidate page
address (only when the agency hosts one: without it no message, poster or screen offers a link)
and the company information the phone and text
screenings read out when a candidate asks. Saving checks, in the background, that the address
answers, and the card says so when it does not."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.services.entry.service import COMPANY_MAX, AccountSettings, EntryService
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.cards import ActionCard, MessageLine


class AccountCard(ActionCard):

    def __init__(self, ctx: ViewContext, service: EntryService,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Candidate page and company information"), parent)
        self.ctx = ctx
        self.service = service
        self.current: AccountSettings | None = None
        self.ready = False  # what is saved has been shown
        self.page_edit = QLineEdit(self)
        self.page_edit.setPlaceholderText(self.tr("https://jobs.youragency.com/apply"))
        page_hint = QLabel(self.tr(
            "Only if you host a candidate web page yourself. Leave it empty and candidates "
            "start by texting a keyword, calling or emailing: messages then say how, and "
            "{{link}} is not offered."), self)
        page_hint.setWordWrap(True)
        page_hint.setProperty("muted", True)
        self.page_state = QLabel(self)
        self.page_state.setObjectName("pageState")
        self.page_state.setWordWrap(True)
        self.page_state.hide()
        self.company_edit = QPlainTextEdit(self)
        self.company_edit.setPlaceholderText(self.tr(
            "e.g. Northwind Staffing places warehouse and kitchen staff across Dallas–Fort "
            "Worth since 2009. Weekly pay, free parking at every site."))
        self.company_edit.setFixedHeight(84)
        company_hint = QLabel(self.tr(
            "Read out by the phone and text screenings when a candidate asks about you."), self)
        company_hint.setWordWrap(True)
        company_hint.setProperty("muted", True)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        page_box = QVBoxLayout()
        page_box.setSpacing(4)
        page_box.addWidget(self.page_edit)
        page_box.addWidget(page_hint)
        page_box.addWidget(self.page_state)
        company_box = QVBoxLayout()
        company_box.setSpacing(4)
        company_box.addWidget(self.company_edit)
        company_box.addWidget(company_hint)
        form.addRow(self.tr("Candidate page address"), page_box)
        form.addRow(self.tr("Company information"), company_box)
        self.check_button = QPushButton(self.tr("Check address"), self)
        self.save_button = QPushButton(self.tr("Save"), self)
        self.save_button.setProperty("primary", True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.save_button)
        self.message = MessageLine(self)
        self.body.addLayout(form)
        self.body.addLayout(buttons)
        self.body.addWidget(self.message)
        self.set_status(self.tr("Loading…"))

        self.save_button.clicked.connect(self.save)
        self.check_button.clicked.connect(self.check)

    def action_buttons(self) -> tuple[QWidget, ...]:
        return (self.check_button, self.save_button)

    def show_account(self, account: AccountSettings) -> None:
        self.current = account
        self.page_edit.setText(account.candidate_page)
        self.company_edit.setPlainText(account.company_info)
        if account.candidate_page:
            self.set_status(self.tr("Candidate page set"), "success")
        else:
            self.set_status(self.tr("No candidate page — text, call and email only"))

    def show_page_problem(self, address: str, problem: str | None) -> None:
        """Whether the saved address answers (problem None: it does)."""
        if not address:
            self.page_state.hide()
            return
        if problem:
            self.page_state.setText(problem)
            self.page_state.setStyleSheet(f"color: {self._tone('warning')};")
            self.set_status(self.tr("Candidate page does not answer"), "warning")
        else:
            self.page_state.setText(self.tr("{a} answers.").format(a=address))
            self.page_state.setStyleSheet(f"color: {self._tone('success')};")
        self.page_state.show()

    @staticmethod
    def _tone(name: str) -> str:
        from milo_desktop.views import theme

        t = theme.current()
        return str(getattr(t, name, t.muted))

    def refresh(self) -> None:
        """Load what is saved, then check the address; this card's only work (cancelled if
        it is destroyed)."""
        async def work() -> None:
            account = await self.service.account()
            self.show_account(account)
            self.ready = True
            if account.candidate_page:
                self.show_page_problem(account.candidate_page,
                                       await self.service.page_problem(account.candidate_page))

        self.ctx.spawn(work(), "settings.account.load", owner=self)

    def save(self) -> None:
        page, company = self.page_edit.text(), self.company_edit.toPlainText()
        if len(company) > COMPANY_MAX:
            self.message.say(self.tr("The company information is {n:,} characters; the limit "
                                     "is {m:,}.").format(n=len(company), m=COMPANY_MAX),
                             "danger")
            return

        async def work() -> None:
            saved = await self.service.save_account(page, company)
            self.show_account(saved)
            self.message.say(self.tr("Saved."), "success")
            self.show_page_problem(saved.candidate_page,
                                   await self.service.page_problem(saved.candidate_page)
                                   if saved.candidate_page else None)

        self._run(self.tr("Saving…"), work, "settings.account.save")

    def check(self) -> None:
        address = self.page_edit.text().strip()
        if not address:
            self.message.say(self.tr("Enter an address to check."), "muted")
            return

        async def work() -> None:
            problem = await self.service.page_problem(address)
            self.show_page_problem(address, problem)
            self.message.clear_message()

        self._run(self.tr("Checking {a}…").format(a=address), work, "settings.account.check")
