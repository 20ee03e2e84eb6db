"""Step 5, Settings: deadline, days to complete, retakes, language, communication (email
template, phone number, report to candidate), budget with the live cost estimate and
capacity, email subscribers and labels; after the screening (a scheduling link sent on pass
or shortlist, a closing message) and the role details the phone and text flows read out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.enums import BudgetKind, StageKind
from milo_desktop.services.authoring import LANGUAGES, CostEstimate, InterviewerDraft
from milo_desktop.services.authoring.validation import (
    DAYS_MAX,
    DAYS_MIN,
    RETAKES_MAX,
    RETAKES_MIN,
)
from milo_desktop.services.entry.after_settings import (
    ROLE_FIELDS,
    AfterScreening,
    SendOn,
)
from milo_desktop.services.readiness import Readiness
from milo_desktop.services.receptionists import NumberChoice
from milo_desktop.views import theme
from milo_desktop.views.authoring.common import (
    FieldError,
    WizardPage,
    field_box,
    hint,
    section_title,
)
from milo_desktop.views.widgets.formatting import count_text, date_format, py_date

PHONE_HINT = "Calls and texts to candidates come from this number."
PHONE_KINDS = (StageKind.VOICE, StageKind.SMS, StageKind.FORM)  # stages that call or text
FIELDS = ("deadline", "days_to_complete", "retakes", "language", "email_template",
          "phone_number", "budget", "subscribers", "labels", "after_screening")
ROLE_PLACEHOLDERS = {"pay": "e.g. $19–$22 an hour, weekly pay",
                     "shifts": "e.g. Nights, 10 pm – 6 am, four days a week",
                     "location": "e.g. 2100 Logistics Way, Dallas TX",
                     "benefits": "e.g. Health insurance after 60 days, paid time off"}


def _dollars(cents: float) -> str:
    return f"${cents / 100:,.2f}"


def estimate_text(est: CostEstimate, draft: InterviewerDraft) -> str:
    """"≈ $0.15 per completed interview (Voice ≈ 8.5 min of call) · covers ≈ 6,666"."""
    parts = "; ".join(f"{s.name}: {s.basis}" for s in est.stages) or "no stages yet"
    text = f"≈ {_dollars(est.exact_cents)} per completed interview ({parts})"
    kind = BudgetKind(draft.budget_kind)
    if kind == BudgetKind.NONE or not draft.budget_cents:
        return text
    if est.capacity is None:
        return text + " · these stages cost nothing to run"
    per = " a day" if kind == BudgetKind.DAILY else ""
    return text + f" · the budget covers ≈ {count_text(est.capacity)} completed " \
                  f"interviews{per}"


class SettingsPage(WizardPage):
    prefixes = FIELDS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.draft = InterviewerDraft()
        self._loading = False
        self.estimator: Callable[[InterviewerDraft], CostEstimate] | None = None  # the wizard's
        self.errors = {name: FieldError(self) for name in FIELDS}
        self.deadline = QDateEdit(self)
        self.deadline.setCalendarPopup(True)
        self.deadline.setDisplayFormat(date_format())
        self.deadline.setMaximumWidth(170)
        self.no_deadline = QCheckBox(self.tr("No deadline (open until archived)"), self)
        self.days = QSpinBox(self)
        self.days.setRange(DAYS_MIN, DAYS_MAX)
        self.days.setSuffix(self.tr(" days"))
        self.days.setMaximumWidth(120)
        self.retakes = QSpinBox(self)
        self.retakes.setRange(RETAKES_MIN, RETAKES_MAX)
        self.retakes.setMaximumWidth(120)
        self.language = QComboBox(self)
        for code, name in LANGUAGES.items():
            self.language.addItem(self.tr(name), code)
        self.language.setMaximumWidth(200)
        self.email_template = QComboBox(self)
        self.email_template.addItem(self.tr("Default invitation"), None)
        self.phone = QComboBox(self)
        self.phone.setEditable(True)
        self.phone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        phone_edit = self.phone.lineEdit()
        assert phone_edit is not None  # an editable combo box has one
        phone_edit.setPlaceholderText(self.tr("+12145550100 (optional)"))
        # Under the number: what it is for, or — when a Voice / SMS / Form stage has no
        # number to call or text from — that it is needed (services/readiness.py). Two lines
        # are kept for it, so the fields below never move as it changes.
        self.phone_hint = hint(self.tr(PHONE_HINT), self)
        self.phone_hint.setWordWrap(True)
        self.phone_hint.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.phone_hint.setMinimumHeight(3 * self.phone_hint.fontMetrics().lineSpacing() + 2)
        self.phone_needed = False
        # A budget below what the interviewer has already spent (edit mode): said under the
        # budget, last in its box. {BudgetKind: cents spent in that budget's window}.
        self.spent: dict[BudgetKind, float] = {}
        self.budget_notice = QLabel(self)
        self.budget_notice.setObjectName("budgetNotice")
        self.budget_notice.setWordWrap(True)
        self.budget_notice.hide()
        self.report = QCheckBox(self.tr("Email candidates their report"), self)
        self.report.setToolTip(self.tr("Candidates get their score report by email when it "
                                       "is ready."))
        self.budget_buttons = {
            BudgetKind.NONE: QRadioButton(self.tr("No budget"), self),
            BudgetKind.ALL_TIME: QRadioButton(self.tr("All-time"), self),
            BudgetKind.DAILY: QRadioButton(self.tr("Daily"), self),
        }
        group = QButtonGroup(self)
        for b in self.budget_buttons.values():
            group.addButton(b)
        self.amount = QDoubleSpinBox(self)
        self.amount.setPrefix("$ ")
        self.amount.setRange(0, 10_000_000)
        self.amount.setDecimals(2)
        self.amount.setMaximumWidth(170)
        self.estimate = QLabel(self)
        self.estimate.setObjectName("estimate")
        self.estimate.setWordWrap(True)
        self.subscribers = QPlainTextEdit(self)
        self.subscribers.setPlaceholderText(self.tr("One email address a line"))
        self.subscribers.setFixedHeight(70)
        self.labels = QLineEdit(self)
        self.labels.setPlaceholderText(self.tr("Comma-separated, e.g. Warehouse, Dallas"))
        self.known_labels = hint("", self)
        self.send_on = QComboBox(self)
        self.send_on.addItem(self.tr("Don't send one"), SendOn.OFF.value)
        self.send_on.addItem(self.tr("When they pass the screening"), SendOn.PASS.value)
        self.send_on.addItem(self.tr("When you shortlist them"), SendOn.SHORTLIST.value)
        self.scheduling_link = QLineEdit(self)
        self.scheduling_link.setPlaceholderText(self.tr("https://calendly.com/your-team/interview"))
        self.closing = QPlainTextEdit(self)
        self.closing.setPlaceholderText(self.tr(
            "Thank you for taking the time to complete your screening. We'd like to meet you: "
            "please pick a time that suits you."))
        self.closing.setFixedHeight(64)
        self.role_edits = {name: QLineEdit(self) for name in ROLE_FIELDS}
        for name, edit in self.role_edits.items():
            edit.setPlaceholderText(self.tr(ROLE_PLACEHOLDERS[name]))

        timing = QGroupBox(self.tr("Timing"), self)
        tf = QFormLayout(timing)
        tf.addRow(self.tr("Deadline"), field_box(timing, self.deadline, self.errors["deadline"],
                                                 hint(self.tr("No new candidates after this "
                                                              "day."), timing),
                                                 self.no_deadline))
        tf.addRow(self.tr("Days to complete"), field_box(timing, self.days,
                                                         self.errors["days_to_complete"]))
        tf.addRow(self.tr("Retakes"), field_box(timing, self.retakes, self.errors["retakes"]))
        tf.addRow(self.tr("Language"), field_box(timing, self.language,
                                                 self.errors["language"]))
        comms = QGroupBox(self.tr("Communication"), self)
        cf = QFormLayout(comms)
        cf.addRow(self.tr("Email template"), field_box(comms, self.email_template,
                                                       self.errors["email_template"]))
        cf.addRow(self.tr("Phone number"), field_box(
            comms, self.phone, self.errors["phone_number"], self.phone_hint))
        cf.addRow("", self.report)
        cf.addRow(self.tr("Subscribers"), field_box(
            comms, self.subscribers, self.errors["subscribers"],
            hint(self.tr("Emailed when a candidate completes."), comms)))
        cf.addRow(self.tr("Labels"), field_box(comms, self.labels, self.errors["labels"],
                                               self.known_labels))
        after = QGroupBox(self.tr("After the screening"), self)
        af = QFormLayout(after)
        af.addRow(self.tr("Scheduling link"), field_box(
            after, self.send_on, self.errors["after_screening"],
            hint(self.tr("Sent once, by email (and text when SMS is on), with the booking page "
                         "below."), after)))
        af.addRow(self.tr("Booking page"), self.scheduling_link)
        af.addRow(self.tr("Closing message"), self.closing)
        role = QGroupBox(self.tr("Role details"), self)
        rf = QFormLayout(role)
        rf.addRow(hint(self.tr("Read out by the phone and text screenings when a candidate "
                               "asks (“what does it pay?”)."), role))
        labels = {"pay": self.tr("Pay"), "shifts": self.tr("Shifts"),
                  "location": self.tr("Location"), "benefits": self.tr("Benefits")}
        for name, edit in self.role_edits.items():
            rf.addRow(labels[name], edit)
        budget = QGroupBox(self.tr("Budget"), self)
        bf = QVBoxLayout(budget)
        kinds = QHBoxLayout()
        for b in self.budget_buttons.values():
            kinds.addWidget(b)
        kinds.addWidget(self.amount)
        kinds.addStretch(1)
        bf.addLayout(kinds)
        bf.addWidget(self.errors["budget"])
        bf.addWidget(self.estimate)
        bf.addWidget(hint(self.tr("An estimate from Twilio's list prices; the Spend column "
                                  "shows what calls and texts really cost."), budget))
        bf.addWidget(self.budget_notice)

        body = QWidget(self)
        columns = QHBoxLayout(body)
        columns.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        left.addWidget(timing)
        left.addWidget(budget)
        left.addWidget(after)
        left.addStretch(1)
        columns.addLayout(left, 1)
        right = QVBoxLayout()
        right.addWidget(comms)
        right.addWidget(role)
        right.addStretch(1)
        columns.addLayout(right, 1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(section_title(self.tr("Settings"), self))
        layout.addWidget(hint(self.tr("When it runs, how it talks to candidates, what it may "
                                      "spend and who hears about it."), self))
        layout.addWidget(scroll, 1)

        self.deadline.dateChanged.connect(self._edited)
        self.no_deadline.toggled.connect(self._edited)
        for spin in (self.days, self.retakes, self.amount):
            spin.valueChanged.connect(self._edited)
        for combo in (self.language, self.email_template):
            combo.currentIndexChanged.connect(self._edited)
        self.phone.editTextChanged.connect(self._edited)
        self.report.toggled.connect(self._edited)
        for b in self.budget_buttons.values():
            b.toggled.connect(self._edited)
        self.subscribers.textChanged.connect(self._edited)
        self.labels.textChanged.connect(self._edited)
        self.send_on.currentIndexChanged.connect(self._edited)
        self.scheduling_link.textChanged.connect(self._edited)
        self.closing.textChanged.connect(self._edited)
        for edit in self.role_edits.values():
            edit.textChanged.connect(self._edited)

    def load(self, draft: InterviewerDraft) -> None:
        self.draft = draft
        self._loading = True
        try:
            shown = draft.deadline or dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
            local = shown.astimezone().date()
            self.deadline.setDate(QDate(local.year, local.month, local.day))
            self.no_deadline.setChecked(draft.deadline is None)
            self.days.setValue(draft.days_to_complete)
            self.retakes.setValue(draft.retakes)
            self.language.setCurrentIndex(max(0, self.language.findData(draft.language)))
            self._select_template(draft.email_template)
            self.phone.setEditText(draft.phone_number or "")
            self.report.setChecked(draft.report_to_candidate)
            self.budget_buttons[BudgetKind(draft.budget_kind)].setChecked(True)
            self.amount.setValue((draft.budget_cents or 0) / 100)
            self.subscribers.setPlainText("\n".join(draft.subscribers))
            self.labels.setText(", ".join(draft.labels))
            self.send_on.setCurrentIndex(max(0, self.send_on.findData(draft.after.send_on.value)))
            self.scheduling_link.setText(draft.after.scheduling_link)
            self.closing.setPlainText(draft.after.closing_message)
            for name, edit in self.role_edits.items():
                edit.setText(draft.after.role_value(name))
        finally:
            self._loading = False
        self._sync()

    def _select_template(self, name: str | None) -> None:
        index = self.email_template.findData(name)
        if index < 0 and name:
            self.email_template.addItem(name, name)
            index = self.email_template.count() - 1
        self.email_template.setCurrentIndex(max(0, index))

    def set_templates(self, names: list[str]) -> None:
        chosen = self.draft.email_template
        self._loading = True
        try:
            self.email_template.clear()
            self.email_template.addItem(self.tr("Default invitation"), None)
            for name in names:
                self.email_template.addItem(name, name)
            self._select_template(chosen)
        finally:
            self._loading = False

    def set_numbers(self, numbers: list[NumberChoice]) -> None:
        """The Twilio account's numbers (a receptionist's are listed but disabled)."""
        text = self.phone.currentText()
        self._loading = True
        try:
            self.phone.clear()
            for n in numbers:
                self.phone.addItem(n.e164 if not n.used_by else f"{n.e164} — {n.used_by}",
                                   n.e164)
            self.phone.setEditText(text)
        finally:
            self._loading = False

    def set_known_labels(self, names: list[str]) -> None:
        self.known_labels.setText(self.tr("In use: {names}").format(names=", ".join(names))
                                  if names else "")

    def _edited(self, *_args: object) -> None:
        if self._loading:
            return
        d = self.draft
        day = py_date(self.deadline.date())
        d.deadline = None if self.no_deadline.isChecked() else \
            dt.datetime.combine(day, dt.time(23, 59)).astimezone().astimezone(dt.UTC)
        d.days_to_complete = self.days.value()
        d.retakes = self.retakes.value()
        d.language = str(self.language.currentData())
        d.email_template = self.email_template.currentData()
        d.phone_number = self.phone.currentText().split(" — ")[0].strip() or None
        d.report_to_candidate = self.report.isChecked()
        d.budget_kind = next(k for k, b in self.budget_buttons.items() if b.isChecked())
        d.budget_cents = round(self.amount.value() * 100) if d.budget_kind != BudgetKind.NONE \
            else None
        d.subscribers = [e.strip() for line in self.subscribers.toPlainText().splitlines()
                         for e in line.split(",") if e.strip()]
        d.labels = [x.strip() for x in self.labels.text().split(",") if x.strip()]
        d.after = AfterScreening(
            SendOn(str(self.send_on.currentData())), self.scheduling_link.text().strip(),
            self.closing.toPlainText(),
            tuple((name, edit.text()) for name, edit in self.role_edits.items()),
            d.after.since)
        self._sync()
        self.changed.emit()

    def _sync(self) -> None:
        sends = self.send_on.currentData() != SendOn.OFF.value
        self.scheduling_link.setEnabled(sends)
        self.closing.setEnabled(sends)
        self.amount.setEnabled(not self.budget_buttons[BudgetKind.NONE].isChecked())
        self.deadline.setEnabled(not self.no_deadline.isChecked())
        self.refresh_estimate()
        self._budget_notice()

    def show_readiness(self, readiness: Readiness | None) -> None:
        """Say under the phone number whether it is needed (a stage calls or texts and
        nothing else gives it a number) — a notice, not an error: the wizard saves such an
        interviewer as a draft."""
        needs_number = any(st.kind in PHONE_KINDS for st in self.draft.stages)
        edit = self.phone.lineEdit()
        if edit is not None:
            edit.setPlaceholderText(self.tr("+12145550100 (needed)") if needs_number
                                    else self.tr("+12145550100 (optional)"))
        blocking = [p for p in (readiness.blocking if readiness else ()) if
                    p.field == "phone_number"]
        self.phone_needed = bool(blocking)
        t = theme.current()
        if blocking:
            self.phone_hint.setStyleSheet(f"color: {t.warning};")
            self.phone_hint.setText(self.tr(
                "Needed: {stages} {does} candidates from this number (or from the default SMS "
                "sender under Outreach → Communication policy). Without one, Create saves a "
                "draft.").format(stages=", ".join(f"“{n}”" for n in blocking[0].stages),
                                 does=self.tr("calls or texts") if len(blocking[0].stages) > 1
                                 else blocking[0].does))
        else:
            self.phone_hint.setStyleSheet("")
            self.phone_hint.setText(self.tr(PHONE_HINT))

    def set_spent(self, spent: dict[BudgetKind, float]) -> None:
        """What the interviewer being edited has spent, per budget window (edit mode)."""
        self.spent = dict(spent)
        self._budget_notice()

    def _budget_notice(self) -> None:
        kind = BudgetKind(self.draft.budget_kind)
        spent = self.spent.get(kind)
        cents = self.draft.budget_cents
        if kind == BudgetKind.NONE or spent is None or cents is None or cents >= spent:
            self.budget_notice.hide()
            return
        period = self.tr("today") if kind == BudgetKind.DAILY else self.tr("so far")
        self.budget_notice.setStyleSheet(f"color: {theme.current().warning};")
        self.budget_notice.setText(self.tr(
            "Already spent {spent} {period}, more than this budget: new invitations will "
            "pause until it is raised. Saving asks you to confirm.").format(
                spent=_dollars(spent), period=period))
        self.budget_notice.show()

    def refresh_estimate(self) -> None:
        if self.estimator is not None:
            self.estimate.setText(estimate_text(self.estimator(self.draft), self.draft))
