"""Steps 1–3 of the receptionist wizard: basic, disclosures, custom context.

Every page says what is still wrong (``problems()``) and emits ``changed`` on every edit; the
wizard enables Next only when the page has no problems.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.enums import LanguageMode
from milo_desktop.services.flows import CustomContext, Disclosures, ReceptionistConfig
from milo_desktop.services.flows.config import (
    AGENT_NAME_MAX,
    CONTEXT_FIELD_MAX,
    INTRO_MAX,
    LOCATION_MAX,
)
from milo_desktop.services.receptionists import NumberChoice, normalise_number
from milo_desktop.services.receptionists.types import NAME_MAX
from milo_desktop.views.context import ViewContext
from milo_desktop.views.receptionists.wizard_common import ProblemList, receptionist_service
from milo_desktop.views.widgets.page_header import hint, section_title
from milo_desktop.views.widgets.text_fields import CountedText

VOICES = (
    ("Polly.Joanna", "Joanna — US English, female"),
    ("Polly.Matthew", "Matthew — US English, male"),
    ("Polly.Salli", "Salli — US English, female"),
    ("Polly.Joey", "Joey — US English, male"),
    ("Polly.Lupe", "Lupe — US Spanish and English, female"),
)
NUMBER_CHECK_MS = 250


class BasicPage(QWidget):
    """Step 1: number, voice, agent name, intro, language mode, manual approval."""

    changed = Signal()

    def __init__(self, ctx: ViewContext, exclude_id: int | None, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.exclude_id = exclude_id
        self._number_problem: str | None = None
        self._checked_number: str | None = None
        self.name = QLineEdit(self)
        self.name.setPlaceholderText(self.tr("e.g. Dallas Warehouse Hiring Line"))
        self.number = QComboBox(self)
        self.number.setEditable(True)
        self.number.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        number_edit = self.number.lineEdit()
        assert number_edit is not None  # an editable combo box has one
        number_edit.setPlaceholderText(self.tr("+12145550197"))
        self.number_hint = hint(self.tr("One dedicated number per receptionist, never shared "
                                        "with an SMS screening."), self)
        self.voice = QComboBox(self)
        for key, text in VOICES:
            self.voice.addItem(self.tr(text), key)
        self.agent = QLineEdit(self)
        self.agent.setPlaceholderText(self.tr("e.g. Chloe"))
        self.intro = CountedText(INTRO_MAX, self.tr(
            "Thanks for calling ABC Staffing! I'm here to help you find the right "
            "opportunity."), height=110, parent=self)
        self.english = QRadioButton(self.tr("English only"), self)
        self.multilingual = QRadioButton(self.tr("Multilingual (the caller picks English or "
                                                 "Spanish)"), self)
        self.english.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.english)
        group.addButton(self.multilingual)
        self.manual = QCheckBox(self.tr("Manual approval — review every caller before they "
                                        "are invited to an interviewer"), self)
        self.problem_list = ProblemList(self)

        form = QFormLayout()
        form.setVerticalSpacing(10)
        form.addRow(self.tr("Receptionist name"), self.name)
        number_box = QVBoxLayout()
        number_box.setSpacing(2)
        number_box.addWidget(self.number)
        number_box.addWidget(self.number_hint)
        form.addRow(self.tr("Phone number"), number_box)
        form.addRow(self.tr("Voice"), self.voice)
        form.addRow(self.tr("Agent name"), self.agent)
        form.addRow(self.tr("Intro message"), self.intro)
        language = QHBoxLayout()
        language.addWidget(self.english)
        language.addWidget(self.multilingual)
        language.addStretch(1)
        form.addRow(self.tr("Language"), language)
        form.addRow("", self.manual)
        layout = QVBoxLayout(self)
        layout.addWidget(section_title(self.tr("Basic information"), self))
        layout.addWidget(hint(self.tr("How the agent introduces itself and where callers "
                                      "reach it."), self))
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.problem_list)

        self._number_timer = QTimer(self, singleShot=True, interval=NUMBER_CHECK_MS)
        self._number_timer.timeout.connect(self._check_number)
        self.number.editTextChanged.connect(lambda _t: self._number_edited())
        for edit in (self.name, self.agent):
            edit.textChanged.connect(lambda _t: self.changed.emit())
        self.intro.changed.connect(self.changed)
        self.manual.toggled.connect(lambda _c: self.changed.emit())
        self.changed.connect(self.refresh)

    # ----- numbers ------------------------------------------------------------------------
    def set_numbers(self, numbers: list[NumberChoice]) -> None:
        """The account's numbers; ones another receptionist or screening uses are disabled."""
        current = self.number.currentText()
        self.number.blockSignals(True)
        self.number.clear()
        for choice in numbers:
            label = choice.e164 if not choice.used_by else self.tr("{n} — in use").format(
                n=choice.e164)
            self.number.addItem(label, choice.e164)
            if choice.used_by:
                model = self.number.model()  # a QComboBox's own model is a QStandardItemModel
                item = (model.item(self.number.count() - 1)
                        if isinstance(model, QStandardItemModel) else None)
                if item is not None:
                    item.setEnabled(False)
                    item.setToolTip(choice.used_by)
        self.number.setEditText(current)
        self.number.blockSignals(False)

    def phone_number(self) -> str:
        text = self.number.currentText().strip()
        index = self.number.findText(text)
        data = self.number.itemData(index) if index >= 0 else None
        return str(data) if data else text.split(" — ")[0].strip()

    def _number_edited(self) -> None:
        self._checked_number = None
        self._number_timer.start()
        self.changed.emit()

    def _check_number(self) -> None:
        number = self.phone_number()
        if not number or normalise_number(number) is None:
            return  # the format problem is shown without asking the database

        async def check() -> None:
            problem = await receptionist_service(self.ctx).number_problem(number,
                                                                          self.exclude_id)
            if self.phone_number() == number:
                self._number_problem, self._checked_number = problem, number
                self.changed.emit()

        self.ctx.spawn(check(), "receptionists.wizard.number")

    # ----- values -------------------------------------------------------------------------
    def problems(self) -> list[str]:
        out: list[str] = []
        if not 1 <= len(self.name.text().strip()) <= NAME_MAX:
            out.append(self.tr("Name the receptionist (1–{n} characters).").format(n=NAME_MAX))
        number = self.phone_number()
        if not number:
            out.append(self.tr("Choose or type the phone number callers will dial."))
        elif normalise_number(number) is None:
            out.append(self.tr("“{n}” is not a valid phone number. Write it in international "
                               "format, e.g. +12145550197.").format(n=number))
        elif self._checked_number != number:
            out.append(self.tr("Checking that {n} is free…").format(n=number))
        elif self._number_problem:
            out.append(self._number_problem)
        if not 1 <= len(self.agent.text().strip()) <= AGENT_NAME_MAX:
            out.append(self.tr("Give the agent a name (1–{n} characters).").format(
                n=AGENT_NAME_MAX))
        if not self.intro.text().strip():
            out.append(self.tr("Write the intro message the agent opens with."))
        elif self.intro.over():
            out.append(self.tr("The intro message is {n} characters; the limit is {m}.").format(
                n=len(self.intro.text()), m=INTRO_MAX))
        return out

    def refresh(self) -> None:
        # "Checking…" is transient: not worth a red box.
        self.problem_list.show_problems([p for p in self.problems() if not p.endswith("…")])

    def language(self) -> LanguageMode:
        return LanguageMode.MULTILINGUAL if self.multilingual.isChecked() else \
            LanguageMode.ENGLISH

    def load(self, name: str, number: str, config: ReceptionistConfig) -> None:
        self.name.setText(name)
        self.number.setEditText(number)
        index = self.voice.findData(config.voice)
        if index < 0:
            self.voice.addItem(config.voice, config.voice)
            index = self.voice.count() - 1
        self.voice.setCurrentIndex(index)
        self.agent.setText(config.agent_name)
        self.intro.set_text(config.intro_message)
        self.multilingual.setChecked(config.language_mode == LanguageMode.MULTILINGUAL)
        self.english.setChecked(config.language_mode == LanguageMode.ENGLISH)
        self.manual.setChecked(config.manual_approval)


class DisclosuresPage(QWidget):
    """Step 2: what the greeting discloses and whether location is collected and enforced."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ai = QCheckBox(self.tr("Disclose AI nature — tell callers they are speaking "
                                    "with an AI assistant"), self)
        self.recording = QCheckBox(self.tr("Disclose recording — tell callers the call is "
                                           "recorded"), self)
        self.e_verify = QCheckBox(self.tr("Disclose E-Verify — mention your E-Verify "
                                          "participation"), self)
        self.location = QCheckBox(self.tr("Collect location — ask callers for their city"), self)
        self.enforce = QCheckBox(self.tr("Enforce job-location match — only suggest jobs near "
                                         "the caller"), self)
        self.ai.setChecked(True)
        self.recording.setChecked(True)
        self.places = QPlainTextEdit(self)
        self.places.setPlaceholderText(self.tr("Job locations, one a line (e.g. Dallas, TX)"))
        self.places.setFixedHeight(90)
        self.problem_list = ProblemList(self)
        layout = QVBoxLayout(self)
        layout.addWidget(section_title(self.tr("Disclosures and call handling"), self))
        layout.addWidget(hint(self.tr("Each disclosure adds one sentence to the greeting."), self))
        for box in (self.ai, self.recording, self.e_verify, self.location, self.enforce):
            layout.addWidget(box)
            box.toggled.connect(lambda _c: self.changed.emit())
        layout.addWidget(self.places)
        layout.addStretch(1)
        layout.addWidget(self.problem_list)
        self.places.textChanged.connect(self.changed)
        self.changed.connect(self.refresh)
        self.refresh()

    def job_locations(self) -> tuple[str, ...]:
        return tuple(p.strip() for p in self.places.toPlainText().splitlines() if p.strip())

    def disclosures(self) -> Disclosures:
        return Disclosures(ai_nature=self.ai.isChecked(), recording=self.recording.isChecked(),
                           e_verify=self.e_verify.isChecked())

    def problems(self) -> list[str]:
        out: list[str] = []
        if self.enforce.isChecked():
            if not self.location.isChecked():
                out.append(self.tr("To enforce the job-location match, also collect the "
                                   "caller's location."))
            if not self.job_locations():
                out.append(self.tr("List the job locations to match callers against."))
        if any(len(p) > LOCATION_MAX for p in self.job_locations()):
            out.append(self.tr("Each job location must be at most {n} characters.").format(
                n=LOCATION_MAX))
        return out

    def refresh(self) -> None:
        self.places.setEnabled(self.enforce.isChecked())
        self.problem_list.show_problems(self.problems())

    def load(self, config: ReceptionistConfig) -> None:
        self.ai.setChecked(config.disclosures.ai_nature)
        self.recording.setChecked(config.disclosures.recording)
        self.e_verify.setChecked(config.disclosures.e_verify)
        self.location.setChecked(config.collect_location)
        self.enforce.setChecked(config.enforce_job_location_match)
        self.places.setPlainText("\n".join(config.job_locations))


CONTEXT_FIELDS = (
    ("open_positions", "Open positions", "Forklift Operator, Warehouse Associate…"),
    ("shifts", "Shifts", "Days 6am–2:30pm, nights 10pm–6:30am"),
    ("pay", "Pay", "$18–$22/hour, weekly pay"),
    ("directions", "Directions", "Enter by the north lobby; free parking."),
    ("company_background", "Company background", "Placing local workers since 2009."),
    ("edge_cases", "Edge cases", "Already applied — expect a reply in 3 days."),
)


class ContextPage(QWidget):
    """Step 3: what the agent can tell callers (each field ≤ 800 characters)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields: dict[str, CountedText] = {}
        self.problem_list = ProblemList(self)
        form = QFormLayout()
        form.setVerticalSpacing(6)
        for key, label, example in CONTEXT_FIELDS:
            box = CountedText(CONTEXT_FIELD_MAX, self.tr(example), height=52, parent=self)
            box.changed.connect(self.changed)
            self.fields[key] = box
            form.addRow(QLabel(self.tr(label), self), box)
        layout = QVBoxLayout(self)
        layout.addWidget(section_title(self.tr("Custom context"), self))
        layout.addWidget(hint(self.tr("The agent announces the open positions and reads the "
                                      "rest when a caller asks. Edge cases guide your "
                                      "recruiters."), self))
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.problem_list)
        self.changed.connect(self.refresh)

    def context(self) -> CustomContext:
        return CustomContext(**{k: box.text().strip() for k, box in self.fields.items()})

    def problems(self) -> list[str]:
        labels = {k: label for k, label, _e in CONTEXT_FIELDS}
        return [self.tr("{f} is longer than {n} characters.").format(
                    f=self.tr(labels[k]), n=CONTEXT_FIELD_MAX)
                for k, box in self.fields.items() if box.over()]

    def refresh(self) -> None:
        self.problem_list.show_problems(self.problems())

    def load(self, context: CustomContext) -> None:
        for key, box in self.fields.items():
            box.set_text(getattr(context, key))
