"""One interview in the profile: interviewer, status badge, overall score, stages and answers."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.enums import StageKind, StageStatus
from milo_desktop.services.candidates import (
    AnswerView,
    InterviewView,
    StageResultView,
    WorkflowStep,
)
from milo_desktop.views.candidates.format import (
    APPLICATION_COLORS,
    APPLICATION_LABELS,
    STAGE_LABELS,
    label,
    local_date,
    score_text,
)
from milo_desktop.views.widgets.formatting import QT_TRANSLATE_NOOP
from milo_desktop.views.widgets.recording_player import RecordingPlayer

KIND_LABELS = {
    StageKind.RESUME: QT_TRANSLATE_NOOP("Candidates", "Résumé"),
    StageKind.VOICE: QT_TRANSLATE_NOOP("Candidates", "Voice"),
    StageKind.SMS: QT_TRANSLATE_NOOP("Candidates", "SMS"),
    StageKind.FORM: QT_TRANSLATE_NOOP("Candidates", "Form"),
}
STEP_MARKS = {StageStatus.COMPLETED: "✓", StageStatus.IN_PROGRESS: "●",
              StageStatus.NOT_STARTED: "○", StageStatus.KNOCKED_OUT: "✕"}


W = TypeVar("W", bound=QWidget)


def muted(widget: W) -> W:
    """Secondary text: the palette's placeholder colour, so it follows light and dark themes."""
    palette = widget.palette()
    palette.setColor(
        QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText)
    )
    widget.setPalette(palette)
    return widget


def wrapped(text: str, parent: QWidget, *, selectable: bool = True) -> QLabel:
    lbl = QLabel(text, parent)
    lbl.setWordWrap(True)
    lbl.setTextFormat(Qt.TextFormat.PlainText)  # candidate text is never markup
    if selectable:
        lbl.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return lbl


class StatusBadge(QLabel):
    def __init__(self, interview: InterviewView, parent: QWidget | None = None) -> None:
        super().__init__(label(APPLICATION_LABELS, interview.status), parent)
        fg, bg = APPLICATION_COLORS.get(interview.status, ("#374151", "#e5e7eb"))
        self.setObjectName("statusBadge")
        self.setStyleSheet(
            f"QLabel#statusBadge {{ color: {fg}; background: {bg}; border-radius: 9px;"
            " padding: 2px 9px; font-weight: 600; }"
        )
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)


class AnswerBlock(QFrame):
    def __init__(self, answer: AnswerView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("answerBlock")
        self.setStyleSheet(
            "QFrame#answerBlock { background: palette(base); border: 1px solid palette(mid);"
            " border-radius: 6px; }"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(3)
        top = QHBoxLayout()
        question = wrapped(answer.question, self)
        bold = QFont(question.font())
        bold.setBold(True)
        question.setFont(bold)
        top.addWidget(question, 1)
        verdict = QLabel(self._verdict(answer), self)
        verdict.setFont(bold)
        verdict.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        if answer.passed is False:
            verdict.setStyleSheet("color: #b91c1c;")
        elif answer.passed is True:
            verdict.setStyleSheet("color: #15803d;")
        top.addWidget(verdict, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        if answer.answer:
            layout.addWidget(wrapped(answer.answer, self))
        if answer.summary:
            layout.addWidget(
                muted(wrapped(self.tr("Summary: {text}").format(text=answer.summary), self))
            )
        if answer.evidence:
            evidence = muted(wrapped(f"“{answer.evidence}”", self))
            italic = QFont(evidence.font())
            italic.setItalic(True)
            evidence.setFont(italic)
            evidence.setToolTip(self.tr("Evidence: the words the score is based on"))
            layout.addWidget(evidence)
        if answer.evaluator:
            verdict.setToolTip(self.tr("Evaluated by {who}").format(who=answer.evaluator))
            layout.addWidget(muted(wrapped(
                self.tr("Evaluated by {who}").format(who=answer.evaluator), self,
                selectable=False)))

    def _verdict(self, answer: AnswerView) -> str:
        if answer.score is not None:
            return self.tr("{score} / 5").format(score=f"{answer.score:g}")
        if answer.passed is True:
            return self.tr("Pass")
        if answer.passed is False:
            return self.tr("Fail")
        return self.tr("Not evaluated")


class StageBlock(QWidget):
    """A stage's result line, and its answers behind a Show/Hide toggle."""

    def __init__(self, stage: StageResultView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stage = stage
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        line = QGridLayout()
        line.setColumnStretch(4, 1)
        line.setHorizontalSpacing(10)
        # Fixed widths, so the columns of every stage line up under each other.
        name = QLabel(self)
        name.setTextFormat(Qt.TextFormat.PlainText)
        name.setFixedWidth(150)
        name.setText(
            name.fontMetrics().elidedText(stage.stage_name, Qt.TextElideMode.ElideRight, 150)
        )
        name.setToolTip(stage.stage_name)
        line.addWidget(name, 0, 0)
        status = muted(QLabel(label(STAGE_LABELS, stage.status), self))
        status.setFixedWidth(90)
        line.addWidget(status, 0, 1)
        shown = score_text(stage.score)
        score = QLabel(self.tr("{score}%").format(score=shown) if shown else "—", self)
        score.setFixedWidth(52)
        score.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        score.setToolTip(self.tr("Stage score, out of 100"))
        line.addWidget(score, 0, 2)
        details = []
        if stage.structured_total:
            details.append(
                self.tr("{passed}/{total} requirements met").format(
                    passed=stage.structured_passed, total=stage.structured_total
                )
            )
        if stage.evaluator:
            details.append(self.tr("scored by {evaluator}").format(evaluator=stage.evaluator))
        if stage.rating is not None:  # their rating of the screening (CSAT), not a score
            details.append(self.tr("rated it {n}/5").format(n=stage.rating))
        line.addWidget(muted(QLabel(" · ".join(details), self)), 0, 3)
        self.toggle = QToolButton(self)
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setAutoRaise(True)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        # A Résumé stage keeps its file in the same column: a recording only for a call.
        recording = stage.recording_path if stage.stage_kind == StageKind.VOICE else None
        has_media = bool(stage.transcript.strip() or recording)
        self.toggle.setText(self.tr("Answers ({n})").format(n=len(stage.answers))
                            if stage.answers else self.tr("Transcript"))
        self.toggle.setVisible(bool(stage.answers) or has_media)
        line.addWidget(self.toggle, 0, 5)
        layout.addLayout(line)
        self.answers = QWidget(self)
        answers_layout = QVBoxLayout(self.answers)
        answers_layout.setContentsMargins(16, 2, 0, 6)
        answers_layout.setSpacing(8)
        for answer in stage.answers:
            answers_layout.addWidget(AnswerBlock(answer, self.answers))
        self.player: QWidget | None = None
        if recording:
            player = RecordingPlayer(self.answers)
            player.set_recording(recording, stage.recording_exists, None)
            answers_layout.addWidget(player)
            self.player = player
        self.transcript: QPlainTextEdit | None = None
        if stage.transcript.strip():
            answers_layout.addWidget(muted(QLabel(self.tr("Transcript"), self.answers)))
            self.transcript = QPlainTextEdit(stage.transcript, self.answers)
            self.transcript.setReadOnly(True)
            self.transcript.setFixedHeight(140)
            answers_layout.addWidget(self.transcript)
        self.answers.hide()
        layout.addWidget(self.answers)
        self.toggle.toggled.connect(self.set_expanded)

    def set_expanded(self, expanded: bool) -> None:
        self.toggle.setChecked(expanded)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.answers.setVisible(expanded)


def workflow_text(steps: tuple[WorkflowStep, ...]) -> str:
    """"Résumé ✓ 74% → Voice ● in progress → SMS ○": every stage, where the candidate is."""
    parts = []
    for step in steps:
        kind = label(KIND_LABELS, step.kind)
        name = step.name if step.name.casefold() not in (kind.casefold(), step.kind.value) else kind
        text = f"{name} {STEP_MARKS[step.status]}"
        if step.status == StageStatus.COMPLETED and step.score is not None:
            text += f" {score_text(step.score)}%"
        elif step.status != StageStatus.COMPLETED:
            text += f" {label(STAGE_LABELS, step.status).lower()}"
        parts.append(text)
    return "  →  ".join(parts)


class InterviewCard(QFrame):
    def __init__(self, interview: InterviewView, parent: QWidget | None = None, *,
                 current: bool = False) -> None:
        super().__init__(parent)
        self.interview = interview
        self.current = current
        self.setObjectName("interviewCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        if current:  # the interview the profile was opened from (its Candidates tab)
            self.setStyleSheet("QFrame#interviewCard { border: 2px solid palette(highlight);"
                               " border-radius: 6px; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(8)
        top = QHBoxLayout()
        name = wrapped(interview.interviewer_name, self, selectable=False)
        name.setToolTip(self.tr("Interviewer #{id}").format(id=interview.interviewer_id))
        name.setObjectName("interviewerName")
        name.setStyleSheet("QLabel#interviewerName { font-size: 15px; font-weight: 700; }")
        top.addWidget(name, 1)  # long role names wrap instead of pushing the score away
        top.addSpacing(8)
        self.badge = StatusBadge(interview, self)
        top.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        top.addSpacing(8)
        overall = QLabel(self)
        if interview.score is None:
            overall.setText(self.tr("Not scored yet"))
            muted(overall)
        else:
            overall.setText(
                self.tr("Overall {score} / 100").format(score=score_text(interview.score))
            )
            overall.setObjectName("overallScore")
            overall.setStyleSheet("QLabel#overallScore { font-size: 15px; font-weight: 700; }")
        self.overall = overall
        top.addWidget(overall, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        dates = [self.tr("Invited {date}").format(date=local_date(interview.invited_at))]
        if interview.started_at:
            dates.append(self.tr("Started {date}").format(date=local_date(interview.started_at)))
        if interview.completed_at:
            dates.append(
                self.tr("Completed {date}").format(date=local_date(interview.completed_at))
            )
        layout.addWidget(muted(QLabel(" · ".join(dates), self)))
        self.workflow = wrapped(workflow_text(interview.workflow), self, selectable=False)
        self.workflow.setObjectName("workflowLine")
        self.workflow.setToolTip(self.tr("The interviewer's stages, in order"))
        self.workflow.setVisible(bool(interview.workflow))
        layout.addWidget(self.workflow)
        self.stages = [StageBlock(stage, self) for stage in interview.stages]
        for block in self.stages:
            layout.addWidget(block)
        if not self.stages:
            layout.addWidget(muted(QLabel(self.tr("No stage results yet."), self)))
