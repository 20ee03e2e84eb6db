"""Test call: the recruiter plays the caller against the compiled flow, before going live.

The flow runs in the simulator (nothing is published, no number is dialled): what the agent
says appears on top, the caller answers by typing speech, pressing keys, staying silent or
hanging up, and replies to the confirmation text. At the end the dialog lists what the call
captured, exactly as the pipeline would read it.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
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
from milo_desktop.views import theme
from milo_desktop.views.receptionists.wizard_common import hint, section_title

KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#")


class TestCallDialog(QDialog):
    """Play the caller of ``config``'s flow."""

    __test__ = False  # not a pytest test class, whatever its name says

    def __init__(self, config: ReceptionistConfig, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.config = config
        self.definition = compile_receptionist(config)
        self.sim: Simulation
        self.setWindowTitle(self.tr("Test call — {agent}").format(agent=config.agent_name))
        self.resize(1000, 660)

        self.agent_says = QLabel(self)
        self.agent_says.setObjectName("agentSays")
        self.agent_says.setWordWrap(True)
        self.agent_says.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.agent_says.setMinimumHeight(90)
        self.agent_says.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        # Voice: speech, keypad, silence, hang up.
        self.speech = QLineEdit(self)
        self.speech.setPlaceholderText(self.tr("Type what you say, then press Enter"))
        self.say_button = QPushButton(self.tr("Say"), self)
        self.say_button.setProperty("primary", True)
        self.digits = QLineEdit(self)
        self.digits.setPlaceholderText(self.tr("Keys"))
        self.digits.setMaximumWidth(150)
        self.press_button = QPushButton(self.tr("Press keys"), self)
        self.silent_button = QPushButton(self.tr("Stay silent"), self)
        self.hang_up_button = QPushButton(self.tr("Hang up"), self)
        self.hang_up_button.setStyleSheet(f"color: {theme.current().danger};")
        self.keypad: dict[str, QPushButton] = {}
        pad = QGridLayout()
        pad.setSpacing(4)
        for i, key in enumerate(KEYS):
            button = QPushButton(key, self)
            button.setFixedSize(48, 36)
            button.clicked.connect(lambda _c=False, k=key: self.digits.insert(k))
            self.keypad[key] = button
            pad.addWidget(button, i // 3, i % 3)
        voice = QWidget(self)
        say_row = QHBoxLayout()
        say_row.addWidget(self.speech, 1)
        say_row.addWidget(self.say_button)
        keys_row = QHBoxLayout()
        keys_row.addLayout(pad)
        keys_col = QVBoxLayout()
        keys_col.addWidget(self.digits)
        keys_col.addWidget(self.press_button)
        keys_col.addStretch(1)
        keys_row.addLayout(keys_col)
        keys_row.addStretch(1)
        other_row = QHBoxLayout()
        other_row.addWidget(self.silent_button)
        other_row.addStretch(1)
        other_row.addWidget(self.hang_up_button)
        voice_layout = QVBoxLayout(voice)
        voice_layout.setContentsMargins(0, 0, 0, 0)
        voice_layout.addLayout(say_row)
        voice_layout.addLayout(keys_row)
        voice_layout.addLayout(other_row)
        voice_layout.addStretch(1)

        # SMS: the confirmation text waits for a reply.
        sms = QWidget(self)
        self.sms_reply = QLineEdit(sms)
        self.sms_reply.setPlaceholderText(self.tr("Text back, e.g. YES"))
        self.send_sms_button = QPushButton(self.tr("Send text"), sms)
        self.send_sms_button.setProperty("primary", True)
        self.no_reply_button = QPushButton(self.tr("Don't reply"), sms)
        sms_row = QHBoxLayout()
        sms_row.addWidget(self.sms_reply, 1)
        sms_row.addWidget(self.send_sms_button)
        sms_row.addWidget(self.no_reply_button)
        sms_layout = QVBoxLayout(sms)
        sms_layout.setContentsMargins(0, 0, 0, 0)
        sms_layout.addWidget(hint(self.tr("The call has ended; the agent texted you and waits "
                                          "for your reply."), sms))
        sms_layout.addLayout(sms_row)
        sms_layout.addStretch(1)

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

        self.input = QStackedWidget(self)
        for page in (voice, sms, done):
            self.input.addWidget(page)
        self.transcript = QTextBrowser(self)
        self.transcript.setMinimumWidth(300)

        left = QVBoxLayout()
        left.addWidget(section_title(self.tr("You are the caller"), self))
        left.addWidget(hint(self.tr("A simulation of the flow as it will be published: nothing "
                                    "is dialled, texted or recorded."), self))
        left.addWidget(self.agent_says)
        left.addWidget(self.input, 1)
        right = QVBoxLayout()
        right.addWidget(QLabel(self.tr("Transcript"), self))
        right.addWidget(self.transcript, 1)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.close)
        right.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)

        # Enter in a text box answers through returnPressed; a dialog's default button would
        # answer a second time (as silence).
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)
        self.say_button.clicked.connect(self.say)
        self.speech.returnPressed.connect(self.say)
        self.press_button.clicked.connect(self.press)
        self.digits.returnPressed.connect(self.press)
        self.silent_button.clicked.connect(lambda: self._act(self.sim.stay_silent))
        self.hang_up_button.clicked.connect(lambda: self._act(self.sim.hang_up))
        self.send_sms_button.clicked.connect(self.send_sms)
        self.sms_reply.returnPressed.connect(self.send_sms)
        self.no_reply_button.clicked.connect(lambda: self._act(lambda: self.sim.reply_sms(None)))
        self.again_button.clicked.connect(self.restart)
        self.restart()

    # ----- the caller's actions -----------------------------------------------------------
    def restart(self) -> None:
        self.sim = Simulation(self.definition)
        self._refresh()

    def say(self, text: str | None = None) -> None:
        said = self.speech.text() if not isinstance(text, str) else text
        self.speech.clear()
        self._act(lambda: self.sim.answer_speech(said))

    def press(self, digits: str | None = None) -> None:
        keys = self.digits.text() if not isinstance(digits, str) else digits
        self.digits.clear()
        if keys:
            self._act(lambda: self.sim.answer_digits(keys))

    def send_sms(self, text: str | None = None) -> None:
        body = self.sms_reply.text() if not isinstance(text, str) else text
        self.sms_reply.clear()
        self._act(lambda: self.sim.reply_sms(body))

    def _act(self, action: object) -> None:
        if self.sim.finished:
            return
        action()  # type: ignore[operator]
        self._refresh()

    # ----- showing the call ---------------------------------------------------------------
    def prompt_kind(self) -> str | None:
        prompt = self.sim.current_prompt()
        return None if prompt is None else prompt.kind

    def _refresh(self) -> None:
        t = theme.current()
        prompt = self.sim.current_prompt()
        bubble = "#22263a" if t.dark else "#eef0ff"
        self.agent_says.setStyleSheet(
            f"QLabel#agentSays {{ background: {bubble}; border-radius: 10px; padding: 12px;"
            f" font-size: 15px; color: {t.text}; }}")
        if prompt is None:
            self.agent_says.setText(self.tr("The call is over."))
            self.input.setCurrentIndex(2)
            self._fill_captured()
        else:
            self.agent_says.setText(self._since_caller_spoke(prompt.text, prompt.kind))
            self.input.setCurrentIndex(1 if prompt.kind == "sms" else 0)
            (self.sms_reply if prompt.kind == "sms" else self.speech).setFocus()
        self._fill_transcript()

    def _since_caller_spoke(self, prompt_text: str, kind: str) -> str:
        # Everything the agent said since the caller's last turn: the greeting and the
        # disclosures come before the first question and matter as much.
        said: list[str] = []
        for line in self.sim.transcript:
            if line.speaker != "agent":
                said = []
            elif line.text:
                said.append(line.text)
        if prompt_text and prompt_text not in said:
            said.append(prompt_text)
        if kind == "record":
            said.append(self.tr("(Recording — say anything you want the recruiter to hear, or "
                                "stay silent.)"))
        return "\n\n".join(said)

    def _fill_transcript(self) -> None:
        t = theme.current()
        parts = []
        for line in self.sim.transcript:
            who = self.config.agent_name if line.speaker == "agent" else self.tr("You")
            color = t.accent if line.speaker == "agent" else t.success
            channel = self.tr(" (text)") if line.channel == "sms" else ""
            text = line.text or self.tr("(silence)")
            parts.append(f"<p style='margin:0 0 8px 0'><b style='color:{color}'>"
                         f"{html.escape(who + channel)}</b><br>"
                         f"{html.escape(text).replace(chr(10), '<br>')}</p>")
        self.transcript.setHtml("".join(parts))
        bar = self.transcript.verticalScrollBar()
        bar.setValue(bar.maximum())

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
