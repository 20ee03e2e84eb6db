"""Steps 1–3 of the receptionist wizard: basic, disclosures, custom context.

Every page says what is still wrong (``problems()``) and emits ``changed`` on every edit; the
wizard enables Next only when the page has no problems.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from milo_desktop.enums import LanguageMode
from milo_desktop.services.flows import CustomContext, Disclosures, ReceptionistConfig
from milo_desktop.services.flows.config import (
    AGENT_NAME_MAX,
    CONTEXT_FIELD_MAX,
    INTRO_MAX,
    LOCATION_MAX,
)
from milo_desktop.services.receptionists import AccountNumbers, NumbersState
from milo_desktop.services.receptionists.types import NAME_MAX
from milo_desktop.views import theme
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
FIELD_ERROR_WIDTH = 230  # the column beside each field where what is missing is said


def field_error(parent: QWidget) -> QLabel:
    """What is wrong with the field beside it; its room is kept while hidden, so nothing
    moves under the mouse when it appears or goes."""
    label = QLabel(parent)
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.setFixedWidth(FIELD_ERROR_WIDTH)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    policy = label.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    label.setSizePolicy(policy)
    label.hide()
    return label


def with_error(field: QWidget | QLayout, error: QLabel, *, top: bool = False) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setSpacing(10)
    if isinstance(field, QLayout):
        row.addLayout(field, 1)
    else:
        row.addWidget(field, 1)
    row.addWidget(error, 0, Qt.AlignmentFlag.AlignTop if top else Qt.AlignmentFlag.AlignVCenter)
    return row


class BasicPage(QWidget):
    """Step 1: number, voice, agent name, intro, language mode, manual approval.

    The number is picked from the connected Twilio account's numbers (``number_options``),
    never typed: the picker says when Twilio is not connected, cannot be reached or has no
    numbers, and what to do. ``show_missing()`` (Next on a page with problems) says beside
    each field what is missing and focuses the first."""

    changed = Signal()

    def __init__(self, ctx: ViewContext, exclude_id: int | None, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.exclude_id = exclude_id
        self.options: AccountNumbers | None = None  # None: still loading
        self._stored_number = ""  # an edited receptionist's number
        self.explaining = False  # Next was pressed with problems: say them beside the fields
        self.name = QLineEdit(self)
        self.name.setPlaceholderText(self.tr("e.g. Dallas Warehouse Hiring Line"))
        self.number = QComboBox(self)
        self.number.setPlaceholderText(self.tr("Choose one of your Twilio numbers"))
        self.number.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.number.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.number_hint = hint(self.tr("Loading the phone numbers of your Twilio account…"),
                                self)
        self.number_hint.setObjectName("numberState")
        self.reload_numbers = QPushButton(self.tr("Check again"), self)
        self.reload_numbers.setToolTip(self.tr("Load the numbers of the Twilio account again"))
        self.reload_numbers.hide()
        self.errors = {key: field_error(self) for key in ("name", "number", "agent", "intro")}
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
        form.addRow(self.tr("Receptionist name"), with_error(self.name, self.errors["name"]))
        number_box = QVBoxLayout()
        number_box.setSpacing(2)
        number_row = QHBoxLayout()
        number_row.addWidget(self.number, 1)
        number_row.addWidget(self.reload_numbers)
        number_box.addLayout(number_row)
        number_box.addWidget(self.number_hint)
        form.addRow(self.tr("Phone number"), with_error(number_box, self.errors["number"],
                                                        top=True))
        form.addRow(self.tr("Voice"), with_error(self.voice, field_error(self)))
        form.addRow(self.tr("Agent name"), with_error(self.agent, self.errors["agent"]))
        form.addRow(self.tr("Intro message"), with_error(self.intro, self.errors["intro"],
                                                         top=True))
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

        self.number.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.reload_numbers.clicked.connect(self.load_numbers)
        for edit in (self.name, self.agent):
            edit.textChanged.connect(lambda _t: self.changed.emit())
        self.intro.changed.connect(self.changed)
        self.manual.toggled.connect(lambda _c: self.changed.emit())
        self.changed.connect(self.refresh)
        self.refresh()  # the error labels get their text (hidden) now: their room never changes

    # ----- numbers ------------------------------------------------------------------------
    def load_numbers(self) -> None:
        """Ask the connected account for its numbers (again)."""
        self.options = None
        self.reload_numbers.hide()
        self._set_number_state(self.tr("Loading the phone numbers of your Twilio account…"))
        self.changed.emit()

        async def load() -> None:
            options = await receptionist_service(self.ctx).number_options(self.exclude_id)
            if isValid(self):
                self.set_numbers(options)

        self.ctx.spawn(load(), "receptionists.wizard.numbers")

    def set_numbers(self, options: AccountNumbers) -> None:
        """Fill the picker: the account's numbers, ones another receptionist or screening
        uses disabled (saying which); an edited receptionist's own number always listed."""
        current = self.phone_number() or self._stored_number
        self.options = options
        self.number.blockSignals(True)
        self.number.clear()
        listed = {c.e164 for c in options.numbers}
        for choice in options.numbers:
            label = choice.e164 if not choice.used_by else self.tr("{n} — in use").format(
                n=choice.e164)
            self._add_number(label, choice.e164, enabled=not choice.used_by,
                             tip=choice.used_by or "")
        if self._stored_number and self._stored_number not in listed:
            label = (self.tr("{n} — not in the connected Twilio account") if options.state ==
                     NumbersState.READY else self._stored_number)
            self._add_number(label.format(n=self._stored_number), self._stored_number)
        self.number.setCurrentIndex(self.number.findData(current) if current else -1)
        self.number.blockSignals(False)
        free = [c for c in options.numbers if not c.used_by]
        warn = True
        if options.state == NumbersState.NOT_CONNECTED:
            text = options.message
        elif options.state == NumbersState.UNAVAILABLE:
            text = self.tr("Your Twilio numbers could not be loaded: {why}").format(
                why=options.message)
        elif not options.numbers:
            text = self.tr("Your Twilio account has no phone numbers yet. Buy one in the "
                           "Twilio console (Phone Numbers → Buy a number), then check again.")
        elif not free and not self._stored_number:
            text = self.tr("Every number of your Twilio account is already in use (hover one "
                           "to see by what). Buy another in the Twilio console, then check "
                           "again.")
        else:
            warn = False
            text = self.tr("The numbers of your Twilio account (Settings → Integrations → "
                           "Twilio). One dedicated number per receptionist, never shared with "
                           "an SMS screening.")
        self._set_number_state(text, warn)
        self.reload_numbers.setVisible(warn)
        self.number.setPlaceholderText(self.tr("Choose one of your Twilio numbers") if free
                                       else self.tr("No number to choose yet"))
        self.changed.emit()

    def _add_number(self, label: str, e164: str, *, enabled: bool = True, tip: str = "") -> None:
        self.number.addItem(label, e164)
        model = self.number.model()  # a QComboBox's own model is a QStandardItemModel
        item = (model.item(self.number.count() - 1)
                if isinstance(model, QStandardItemModel) else None)
        if item is not None:
            item.setEnabled(enabled)
            item.setToolTip(tip)

    def _set_number_state(self, text: str, warn: bool = False) -> None:
        self.number_hint.setText(text)
        self.number_hint.setProperty("muted", not warn)
        self.number_hint.setStyleSheet(f"color: {theme.current().warning};" if warn else "")
        style = self.number_hint.style()
        style.unpolish(self.number_hint)  # the "muted" property changed: restyle
        style.polish(self.number_hint)

    def choose_number(self, e164: str) -> bool:
        """Pick ``e164`` if the picker offers it enabled (tests and keyboard users alike)."""
        index = self.number.findData(e164)
        model = self.number.model()
        item = model.item(index) if index >= 0 and isinstance(model, QStandardItemModel) \
            else None
        if item is None or not item.isEnabled():
            return False
        self.number.setCurrentIndex(index)
        return True

    def phone_number(self) -> str:
        data = self.number.currentData()
        return str(data) if data else ""

    # ----- values -------------------------------------------------------------------------
    def field_problems(self) -> dict[str, str]:
        """What is wrong, by field: name, number, agent, intro. A number still loading ends
        with "…" (transient: Next waits for it)."""
        out: dict[str, str] = {}
        if not 1 <= len(self.name.text().strip()) <= NAME_MAX:
            out["name"] = self.tr("Name the receptionist (1–{n} characters).").format(n=NAME_MAX)
        out.update(self._number_problem())
        if not 1 <= len(self.agent.text().strip()) <= AGENT_NAME_MAX:
            out["agent"] = self.tr("Give the agent a name (1–{n} characters).").format(
                n=AGENT_NAME_MAX)
        if not self.intro.text().strip():
            out["intro"] = self.tr("Write the intro message the agent opens with.")
        elif self.intro.over():
            out["intro"] = self.tr("The intro message is {n} characters; the limit is {m}."
                                   ).format(n=len(self.intro.text()), m=INTRO_MAX)
        return out

    def _number_problem(self) -> dict[str, str]:
        number, options = self.phone_number(), self.options
        if options is None:
            return {"number": self.tr("Loading the phone numbers of your Twilio account…")}
        if number and number == self._stored_number and options.state != NumbersState.READY:
            return {}  # an edit while Twilio is away: the stored number stays
        if not number:
            if options.state != NumbersState.READY:
                return {"number": self.tr("Connect Twilio first: the number callers dial is "
                                          "one of its numbers.")}
            if not any(not c.used_by for c in options.numbers):
                return {"number": self.tr("Your Twilio account has no free number yet.")}
            return {"number": self.tr("Choose the phone number callers will dial.")}
        if number not in {c.e164 for c in options.numbers}:
            return {"number": self.tr("{n} is not a phone number of the connected Twilio "
                                      "account. Choose one of its numbers.").format(n=number)}
        return {}

    def problems(self) -> list[str]:
        return list(self.field_problems().values())

    def show_missing(self) -> None:
        """Say beside each field what is missing, and put the cursor in the first."""
        self.explaining = True
        self.refresh()
        widgets = {"name": self.name, "number": self.number, "agent": self.agent,
                   "intro": self.intro.edit}
        for key in ("name", "number", "agent", "intro"):
            if key in self.field_problems():
                widgets[key].setFocus(Qt.FocusReason.OtherFocusReason)
                break

    def missing_labels(self) -> list[str]:
        """The labels of the fields with a problem, in order (the wizard's status line)."""
        names = {"name": self.tr("Receptionist name"), "number": self.tr("Phone number"),
                 "agent": self.tr("Agent name"), "intro": self.tr("Intro message")}
        return [names[k] for k in names if k in self.field_problems()]

    def refresh(self) -> None:
        problems = self.field_problems()
        color = theme.current().danger
        for key, label in self.errors.items():
            text = problems.get(key, "")
            if text and not text.endswith("…"):
                label.setText(text)  # a fixed field keeps its last text, hidden: same room
            label.setStyleSheet(f"QLabel#fieldError {{ color: {color}; }}")
            label.setVisible(self.explaining and bool(text) and not text.endswith("…"))
        # Until Next is pressed only what is plainly wrong is listed (too long, a number not
        # in the account), never "empty" before the user had a chance; after it, each
        # problem stands beside its field.
        early = [problems[k] for k in ("number", "intro") if k in problems and (
            self.intro.over() if k == "intro" else
            bool(self.phone_number()) and not problems[k].endswith("…"))]
        self.problem_list.show_problems([] if self.explaining else early)

    def language(self) -> LanguageMode:
        return LanguageMode.MULTILINGUAL if self.multilingual.isChecked() else \
            LanguageMode.ENGLISH

    def load(self, name: str, number: str, config: ReceptionistConfig) -> None:
        self.name.setText(name)
        self._stored_number = number
        if self.options is not None:
            self.set_numbers(self.options)
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
