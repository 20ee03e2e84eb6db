"""One call's details: every answer with its evaluation and evidence, the transcript, the
recording, the caller's place in the directory, and Approve / Reject / Ingest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from milo_desktop.enums import CallReview
from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.pipeline import AnswerDetail, CallDetail, PipelineService
from milo_desktop.views import theme
from milo_desktop.views.context import ViewContext
from milo_desktop.views.receptionists import pipeline_format as fmt
from milo_desktop.views.receptionists.review_actions import ActionBanner, decide
from milo_desktop.views.widgets.banner import Banner
from milo_desktop.views.widgets.formatting import local_datetime
from milo_desktop.views.widgets.recording_player import RecordingPlayer


def _label(text: str, parent: QWidget, *, bold: bool = False, muted: bool = False,
           scale: float = 1.0, name: str = "") -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    font = QFont(label.font())
    font.setBold(bold)
    if scale != 1.0 and font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * scale)
    elif scale != 1.0 and font.pixelSize() > 0:  # the theme's stylesheet sizes fonts in px
        font.setPixelSize(round(font.pixelSize() * scale))
    label.setFont(font)
    if muted:
        label.setStyleSheet("color: palette(placeholder-text);")
    if name:
        label.setObjectName(name)
    return label


def verdict_text(answer: AnswerDetail) -> tuple[str, str]:
    """("Passed", colour role) for structured answers, ("Score 4 / 5", …) for scored ones."""
    if answer.passed is True:
        return fmt.tr("✓ Passed"), "success"
    if answer.passed is False:
        return fmt.tr("✗ Did not pass"), "danger"
    if answer.score is not None:
        return fmt.tr("Score {score} / 5").format(score=f"{answer.score:g}"), "accent"
    return fmt.tr("Not evaluated"), "muted"


class AnswerCard(QFrame):
    def __init__(self, n: int, answer: AnswerDetail, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("answerCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        t = theme.current()
        verdict, role = verdict_text(answer)
        layout = QVBoxLayout(self)
        layout.setSpacing(4)
        head = QHBoxLayout()
        head.addWidget(_label(f"{n}. {answer.question}", self, bold=True), 1)
        badge = _label(verdict, self, bold=True)
        badge.setWordWrap(False)
        badge.setStyleSheet(f"color: {getattr(t, role)};")
        head.addWidget(badge, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(head)
        layout.addWidget(_label(answer.answer or fmt.tr("(no answer)"), self))
        if answer.summary:
            layout.addWidget(_label(answer.summary, self, muted=True))
        if answer.evidence:
            evidence = _label(fmt.tr("Evidence: “{text}”").format(text=answer.evidence), self,
                              muted=True, scale=0.92)
            evidence.setObjectName("evidence")
            layout.addWidget(evidence)
        if answer.evaluator:
            layout.addWidget(_label(fmt.tr("Evaluated by {who}").format(who=answer.evaluator),
                                    self, muted=True, scale=0.85))


class CallDetailsDialog(QDialog):
    """Loads ``call_id`` off the GUI thread; ``loaded`` fires each time details arrive.

    ``ingest(detail)`` is supplied by the section so the row's Ingest and this one behave
    the same."""

    loaded = Signal()

    def __init__(self, ctx: ViewContext, service: PipelineService,
                 ingest: Callable[[CallDetail, Banner], Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.service, self._ingest = ctx, service, ingest
        self.call_id: int | None = None
        self.detail: CallDetail | None = None
        self.setWindowTitle(self.tr("Call details"))
        self.resize(860, 720)
        self.title = _label("", self, bold=True, scale=1.4, name="callTitle")
        self.subtitle = _label("", self, muted=True)
        self.status_line = _label("", self)
        self.candidate_line = _label("", self, muted=True)
        # An unverified caller number: what the caller gave, and what inviting would do.
        self.number_line = _label("", self, name="unverifiedNumber")
        self.number_line.hide()
        self.approve_button = QPushButton(self.tr("Approve"), self)
        self.reject_button = QPushButton(self.tr("Reject"), self)
        self.ingest_button = QPushButton(self.tr("Ingest…"), self)
        self.ingest_button.setDefault(True)
        self.banner = ActionBanner(self)  # Approve / Reject say so here, with Undo
        self.player = RecordingPlayer(self)
        self.tabs = QTabWidget(self)
        self.answers_area = QScrollArea(self.tabs)
        self.answers_area.setWidgetResizable(True)
        self.answers_area.setFrameShape(QFrame.Shape.NoFrame)
        self.transcript = QPlainTextEdit(self.tabs)
        self.transcript.setReadOnly(True)
        self.tabs.addTab(self.answers_area, self.tr("Answers"))
        self.tabs.addTab(self.transcript, self.tr("Transcript"))

        head = QHBoxLayout()
        texts = QVBoxLayout()
        for w in (self.title, self.subtitle, self.number_line, self.status_line,
                  self.candidate_line):
            texts.addWidget(w)
        head.addLayout(texts, 1)
        buttons = QVBoxLayout()
        row = QHBoxLayout()
        for b in (self.approve_button, self.reject_button, self.ingest_button):
            row.addWidget(b)
        buttons.addLayout(row)
        buttons.addStretch(1)
        head.addLayout(buttons)
        recording = QHBoxLayout()
        recording.addWidget(_label(self.tr("Recording"), self, bold=True), 0)
        recording.addWidget(self.player, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 16)
        layout.setSpacing(10)
        layout.addLayout(head)
        layout.addWidget(self.banner)
        layout.addLayout(recording)
        layout.addWidget(self.tabs, 1)

        self.approve_button.clicked.connect(lambda: self._decide(CallReview.APPROVED))
        self.reject_button.clicked.connect(lambda: self._decide(CallReview.REJECTED))
        self.ingest_button.clicked.connect(self.open_ingest)
        for b in (self.approve_button, self.reject_button, self.ingest_button):
            b.setEnabled(False)
        ctx.bridge.callUpdated.connect(self._call_updated)

    # ----- loading ---------------------------------------------------------------------------
    def load(self, call_id: int) -> None:
        if call_id != self.call_id:
            self.banner.hide()
        self.call_id = call_id
        self.ctx.spawn(self._load(call_id), "pipeline.details")

    async def _load(self, call_id: int) -> None:
        try:
            detail = await self.service.details(call_id)
        except EnvironmentProblem as exc:
            if isValid(self):
                self.banner.say(exc.message, problem=True)
            return
        if not isValid(self) or call_id != self.call_id:
            return
        first = self.detail is None or self.detail.row.id != call_id
        self.detail = detail
        self._show(detail, reset_player=first)
        if detail.row.unread:
            await self.service.mark_read([call_id])
        self.loaded.emit()

    def _call_updated(self, call_id: int) -> None:
        if call_id == self.call_id and self.isVisible():
            self.ctx.spawn(self._load(call_id), "pipeline.details.refresh")

    def _show(self, d: CallDetail, *, reset_player: bool) -> None:
        row = d.row
        self.setWindowTitle(self.tr("Call from {name}").format(
            name=row.caller_name or self.tr("an unknown caller")))
        self.title.setText(row.caller_name or self.tr("Unknown caller"))
        contact = [row.receptionist_name,
                   fmt.phone_cell_text(row.phone_display, row.number_unverified),
                   row.email or "", row.location or ""]
        self.subtitle.setText(" · ".join(x for x in contact if x))
        self.number_line.setVisible(row.number_unverified)
        if row.number_unverified:
            self.number_line.setStyleSheet(f"color: {theme.current().warning};")
            self.number_line.setText(self.tr("⚠ Unverified number: {what} Nothing calls or "
                                             "texts it without asking you.").format(
                what=d.number_warning or fmt.unverified_tooltip(None)))
        status = [fmt.status_text(row.status), fmt.review_text(row.review)]
        if row.score is not None:
            status.append(self.tr("score {score}").format(score=fmt.score_text(row.score)))
        status += [local_datetime(row.started_at),
                   fmt.call_info_text(row.duration_s, row.evaluations, row.has_recording)]
        self.status_line.setText(" · ".join(status))
        c = d.candidate
        self.candidate_line.setStyleSheet(
            f"color: {theme.current().warning};" if c is None and d.possible_match
            else "color: palette(placeholder-text);")
        if c is None and d.possible_match is not None:
            # Same phone or email, another name: never taken for the same person without asking.
            self.candidate_line.setText(self.tr(
                "Possible match: {name} (same phone or email). Ingest asks whether this caller is "
                "{name} or someone new.").format(name=d.possible_match.full_name))
        elif c is None:
            self.candidate_line.setText(self.tr("Not in your directory yet: Ingest adds them."))
        elif c.linked:
            self.candidate_line.setText(self.tr("In your directory as {name}.").format(
                name=c.full_name))
        else:
            self.candidate_line.setText(self.tr(
                "Matches {name} in your directory (same phone or email); Ingest links them "
                "rather than adding a duplicate.").format(name=c.full_name))
        self.approve_button.setEnabled(row.review != CallReview.APPROVED)
        self.reject_button.setEnabled(row.review != CallReview.REJECTED)
        self.ingest_button.setEnabled(True)
        if reset_player:
            self.player.set_recording(d.recording_path, d.recording_exists, d.recording_sid)
        self._show_answers(d)
        self.transcript.setPlainText(d.transcript or self.tr("No transcript for this call."))

    def _show_answers(self, d: CallDetail) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setSpacing(8)
        for n, answer in enumerate(d.answers, 1):
            layout.addWidget(AnswerCard(n, answer, page))
        if not d.answers:
            empty = _label(self.tr("No answers evaluated yet. They appear once the call is "
                                   "evaluated."), page, muted=True)
            empty.setObjectName("noAnswers")
            layout.addWidget(empty)
        layout.addStretch(1)
        old = self.answers_area.takeWidget()
        if old is not None:
            old.deleteLater()
        self.answers_area.setWidget(page)
        self.tabs.setTabText(0, self.tr("Answers ({n})").format(n=len(d.answers)))

    def answer_cards(self) -> list[AnswerCard]:
        page = self.answers_area.widget()
        return page.findChildren(AnswerCard) if page is not None else []

    # ----- actions ---------------------------------------------------------------------------
    def _decide(self, review: CallReview) -> None:
        if self.call_id is None:
            return
        caller = self.detail.row.caller_name if self.detail is not None else ""
        decide(self.ctx, self.service, self.call_id, caller, review, self.banner)

    def open_ingest(self) -> Any:
        if self.detail is not None:
            return self._ingest(self.detail, self.banner)
        return None

    def done(self, result: int) -> None:
        self.player.stop()
        super().done(result)
