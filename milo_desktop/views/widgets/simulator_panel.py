"""Play the person on the other end of a Studio flow in the simulator: what the agent says in a
bubble, the answer typed as speech, keys pressed on a keypad, silence, hanging up, replies to
texts, and the transcript beside it.

Shared by the receptionist's Test call and the interviewer stage Preview; each host supplies
the header above the bubble and the page shown when the execution ends (``ended``).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.services.flows import Simulation
from milo_desktop.views import theme

KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#")
VOICE_PAGE, SMS_PAGE, DONE_PAGE = 0, 1, 2


class SimulatorPanel(QWidget):
    """The two columns of a simulated call or text exchange; ``start`` a Simulation on it."""

    ended = Signal()  # the execution finished (the done page is showing)

    def __init__(self, agent_name: str, header: Sequence[QWidget], done_page: QWidget,
                 parent: QWidget | None = None, *, sms_hint: str | None = None,
                 over_text: str | None = None) -> None:
        super().__init__(parent)
        self.agent_name = agent_name
        self.over_text = over_text or self.tr("The call is over.")
        self.sim: Simulation | None = None

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

        # SMS: a text that waits for a reply.
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
        self.sms_hint = QLabel(sms_hint if sms_hint is not None else self.tr(
            "The call has ended; the agent texted you and waits for your reply."), sms)
        self.sms_hint.setProperty("muted", True)
        self.sms_hint.setWordWrap(True)
        sms_layout.addWidget(self.sms_hint)
        sms_layout.addLayout(sms_row)
        sms_layout.addStretch(1)

        self.input = QStackedWidget(self)
        for page in (voice, sms, done_page):
            self.input.addWidget(page)
        self.transcript = QTextBrowser(self)
        self.transcript.setMinimumWidth(300)

        left = QVBoxLayout()
        for widget in header:
            left.addWidget(widget)
        left.addWidget(self.agent_says)
        left.addWidget(self.input, 1)
        #: The right column: the transcript; hosts add their own buttons under it.
        self.side = QVBoxLayout()
        self.side.addWidget(QLabel(self.tr("Transcript"), self))
        self.side.addWidget(self.transcript, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(left, 3)
        layout.addLayout(self.side, 2)

        # Enter in a text box answers through returnPressed; a dialog's default button would
        # answer a second time (as silence).
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)
        self.say_button.clicked.connect(self.say)
        self.speech.returnPressed.connect(self.say)
        self.press_button.clicked.connect(self.press)
        self.digits.returnPressed.connect(self.press)
        self.silent_button.clicked.connect(lambda: self._act(lambda sim: sim.stay_silent()))
        self.hang_up_button.clicked.connect(lambda: self._act(lambda sim: sim.hang_up()))
        self.send_sms_button.clicked.connect(self.send_sms)
        self.sms_reply.returnPressed.connect(self.send_sms)
        self.no_reply_button.clicked.connect(lambda: self._act(lambda sim: sim.reply_sms(None)))

    # ----- the person's actions -------------------------------------------------------------
    def start(self, sim: Simulation) -> None:
        """Play ``sim`` from where it waits (its start, for a new one)."""
        self.sim = sim
        self._refresh()

    def say(self, text: str | None = None) -> None:
        said = self.speech.text() if not isinstance(text, str) else text
        self.speech.clear()
        self._act(lambda sim: sim.answer_speech(said))

    def press(self, digits: str | None = None) -> None:
        keys = self.digits.text() if not isinstance(digits, str) else digits
        self.digits.clear()
        if keys:
            self._act(lambda sim: sim.answer_digits(keys))

    def send_sms(self, text: str | None = None) -> None:
        body = self.sms_reply.text() if not isinstance(text, str) else text
        self.sms_reply.clear()
        self._act(lambda sim: sim.reply_sms(body))

    def _act(self, action: Callable[[Simulation], None]) -> None:
        if self.sim is None or self.sim.finished:
            return
        action(self.sim)
        self._refresh()

    # ----- showing the exchange -------------------------------------------------------------
    def prompt_kind(self) -> str | None:
        prompt = None if self.sim is None else self.sim.current_prompt()
        return None if prompt is None else prompt.kind

    def _refresh(self) -> None:
        assert self.sim is not None
        t = theme.current()
        prompt = self.sim.current_prompt()
        bubble = "#22263a" if t.dark else "#eef0ff"
        self.agent_says.setStyleSheet(
            f"QLabel#agentSays {{ background: {bubble}; border-radius: 10px; padding: 12px;"
            f" font-size: 15px; color: {t.text}; }}")
        if prompt is None:
            self.agent_says.setText(self.over_text)
            self.input.setCurrentIndex(DONE_PAGE)
        else:
            self.agent_says.setText(self._since_person_spoke(prompt.text, prompt.kind))
            self.input.setCurrentIndex(SMS_PAGE if prompt.kind == "sms" else VOICE_PAGE)
            (self.sms_reply if prompt.kind == "sms" else self.speech).setFocus()
        self._fill_transcript()
        if prompt is None:
            self.ended.emit()

    def _since_person_spoke(self, prompt_text: str, kind: str) -> str:
        # Everything the agent said since the person's last turn: the greeting and the
        # disclosures come before the first question and matter as much.
        assert self.sim is not None
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
        assert self.sim is not None
        t = theme.current()
        parts = []
        for line in self.sim.transcript:
            who = self.agent_name if line.speaker == "agent" else self.tr("You")
            color = t.accent if line.speaker == "agent" else t.success
            channel = self.tr(" (text)") if line.channel == "sms" else ""
            text = line.text or self.tr("(silence)")
            parts.append(f"<p style='margin:0 0 8px 0'><b style='color:{color}'>"
                         f"{html.escape(who + channel)}</b><br>"
                         f"{html.escape(text).replace(chr(10), '<br>')}</p>")
        self.transcript.setHtml("".join(parts))
        bar = self.transcript.verticalScrollBar()
        bar.setValue(bar.maximum())
