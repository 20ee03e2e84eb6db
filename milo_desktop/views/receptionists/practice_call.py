"""Test call: the recruiter plays the caller against the compiled flow, before going live.

The flow runs in the simulator (nothing is published, no number is dialled): what the agent
says appears on top, the caller answers by typing speech, pressing keys, staying silent or
hanging up, and replies to the confirmation text. At the end the dialog lists what the call
captured, exactly as the pipeline would read it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.services.flows import (
    AnswerKey,
    CapturedAnswer,
    ReceptionistConfig,
    Simulation,
    compile_receptionist,
    extract_answers,
)
from milo_desktop.views.widgets.page_header import hint, section_title
from milo_desktop.views.widgets.simulator_panel import SimulatorPanel


class PracticeCallDialog(QDialog):
    """Play the caller of ``config``'s flow."""

    __test__ = False  # not a pytest test class, whatever its name says

    def __init__(self, config: ReceptionistConfig, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.config = config
        self.definition = compile_receptionist(config)
        self.setWindowTitle(self.tr("Test call — {agent}").format(agent=config.agent_name))
        self.resize(1000, 660)

        # Done: what was captured.
        done = QWidget(self)
        self.outcome = QLabel(done)
        self.captured = QTableWidget(0, 3, done)
        self.captured.setHorizontalHeaderLabels([self.tr("Asked"), self.tr("Answer"),
                                                 self.tr("Read as")])
        self.captured.verticalHeader().setVisible(False)
        self.captured.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.captured.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.captured.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.captured.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.ResizeToContents)
        self.again_button = QPushButton(self.tr("Call again"), done)
        done_layout = QVBoxLayout(done)
        done_layout.setContentsMargins(0, 0, 0, 0)
        done_row = QHBoxLayout()
        done_row.addWidget(self.outcome, 1)
        done_row.addWidget(self.again_button)
        done_layout.addLayout(done_row)
        done_layout.addWidget(self.captured, 1)

        header = [section_title(self.tr("You are the caller"), self),
                  hint(self.tr("A simulation of the flow as it will be published: nothing "
                               "is dialled, texted or recorded."), self)]
        self.panel = SimulatorPanel(config.agent_name, header, done, self)
        close = QPushButton(self.tr("Close"), self)
        close.setAutoDefault(False)
        close.clicked.connect(self.close)
        self.panel.side.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        layout = QHBoxLayout(self)
        layout.addWidget(self.panel)
        self.again_button.setAutoDefault(False)

        # The panel's parts, under the names this dialog has always had.
        p = self.panel
        self.agent_says, self.input, self.transcript = p.agent_says, p.input, p.transcript
        self.speech, self.say_button = p.speech, p.say_button
        self.digits, self.press_button, self.keypad = p.digits, p.press_button, p.keypad
        self.silent_button, self.hang_up_button = p.silent_button, p.hang_up_button
        self.sms_reply, self.send_sms_button = p.sms_reply, p.send_sms_button
        self.no_reply_button = p.no_reply_button
        self.panel.ended.connect(self._fill_captured)
        self.again_button.clicked.connect(self.restart)
        self.restart()

    @property
    def sim(self) -> Simulation:
        assert self.panel.sim is not None
        return self.panel.sim

    # ----- the caller's actions -----------------------------------------------------------
    def restart(self) -> None:
        self.panel.start(Simulation(self.definition))

    def say(self, text: str | None = None) -> None:
        self.panel.say(text)

    def press(self, digits: str | None = None) -> None:
        self.panel.press(digits)

    def send_sms(self, text: str | None = None) -> None:
        self.panel.send_sms(text)

    def prompt_kind(self) -> str | None:
        return self.panel.prompt_kind()

    # ----- what the call captured ---------------------------------------------------------
    def answers(self) -> list[CapturedAnswer]:
        """What the call captured so far (as the pipeline would read it)."""
        return extract_answers(self.sim.result().context, self.config)

    def _fill_captured(self) -> None:
        outcome = self.sim.result().outcome
        self.outcome.setText({
            "completed": self.tr("The call completed. This is what it captured:"),
            "hung_up": self.tr("You hung up. This is what was captured before that:"),
        }.get(outcome, outcome))
        prompts = {q.id: q.prompt for q in self.config.questions}
        labels = {AnswerKey.NAME: self.tr("Name"), AnswerKey.CALLBACK: self.tr("Callback number"),
                  AnswerKey.LOCATION: self.tr("Location"),
                  AnswerKey.RECORDING: self.tr("Voicemail recording"),
                  AnswerKey.CONFIRMATION: self.tr("Reply to the confirmation text")}
        answers = self.answers()
        self.captured.setRowCount(len(answers))
        for row, a in enumerate(answers):
            asked = prompts.get(a.question_id or "", "") if a.key == AnswerKey.QUESTION \
                else labels.get(a.key, a.key.value)
            answer = a.text or self.tr("— not answered —")
            if a.digits and a.key == AnswerKey.QUESTION:
                answer = self.tr("[keypad] {d}").format(d=a.digits)
            for col, text in enumerate((asked, answer, a.value or "")):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.captured.setItem(row, col, item)
