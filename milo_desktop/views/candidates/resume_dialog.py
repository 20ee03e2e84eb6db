"""Attach résumé…: pick a PDF / DOCX / text file, watch it being read and scored, see the result
("Résumé 74% • 2/3" and each requirement with its verdict) or a clear message for a bad file.

Open it from anywhere with ``ResumeDialog(ctx, application_id, parent).open()``; it needs
``ctx.workspace.resumes`` (the ``ResumeService`` app.py installs).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.resume import ResumeOutcome
from milo_desktop.views import theme
from milo_desktop.views.candidates.format import score_text
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.cards import MessageLine


class ResumeDialog(QDialog):
    """Emits ``attached(application_id)`` once a résumé was scored and stored."""

    attached = Signal(int)

    def __init__(self, ctx: ViewContext, application_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.application_id = application_id
        self.outcome: ResumeOutcome | None = None
        self._busy = False
        self.setWindowTitle(self.tr("Attach résumé"))
        self.setMinimumWidth(520)

        intro = QLabel(self.tr("Choose the candidate's résumé (PDF, DOCX or text, up to 10 MB). "
                               "Milo keeps a copy, reads it and scores the Résumé stage's "
                               "requirements."), self)
        intro.setWordWrap(True)
        intro.setProperty("muted", True)
        self.choose_button = QPushButton(self.tr("Attach résumé…"), self)
        self.choose_button.setProperty("primary", True)
        self.file_label = QLabel(self)
        self.file_label.setProperty("muted", True)
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(self.choose_button)
        row.addWidget(self.file_label, 1)

        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)  # reading + scoring has no meaningful percentage
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(6)
        self.progress.hide()
        self.message = MessageLine(self)

        self.headline = QLabel(self)
        font = self.headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.headline.setFont(font)
        self.headline.hide()
        self.details = QLabel(self)
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.details)
        scroll.setMinimumHeight(160)
        self.scroll_area = scroll
        scroll.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(12)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.headline)
        layout.addWidget(scroll, 100)  # the results take the room once shown…
        layout.addStretch(1)  # …before that, nothing spreads out
        layout.addWidget(self.buttons)

        self.choose_button.clicked.connect(self.choose_file)
        self.buttons.rejected.connect(self.reject)
        if ctx.workspace.resumes is None:
            self.choose_button.setEnabled(False)
            self.message.say(self.tr("Résumés cannot be attached in this session."), "danger")

    def is_busy(self) -> bool:
        return self._busy

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a résumé"), "",
                                              self.tr("Résumés (*.pdf *.docx *.txt);;All "
                                                      "files (*)"))
        if path:
            self.attach_file(path)

    def attach_file(self, path: str) -> None:
        """Read, score and store ``path`` in the background."""
        if self._busy or self.ctx.workspace.resumes is None:
            return
        self._set_busy(True)
        self.file_label.setText(path.replace("\\", "/").rsplit("/", 1)[-1])
        self.headline.hide()
        self.scroll_area.hide()
        self.message.say(self.tr("Reading and scoring the résumé…"), "muted")
        self.ctx.spawn(self._attach(path), "resume.attach")

    async def _attach(self, path: str) -> None:
        try:
            outcome = await self.ctx.workspace.resumes.attach_detailed(self.application_id, path)
        except EnvironmentProblem as exc:
            self.message.say(exc.message, "danger")
            return
        finally:
            self._set_busy(False)
        self.outcome = outcome
        self.message.clear_message()
        self.show_outcome(outcome)
        self.attached.emit(self.application_id)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.progress.setVisible(busy)
        self.choose_button.setEnabled(not busy)

    def show_outcome(self, outcome: ResumeOutcome) -> None:
        ev = outcome.evaluation
        parts = [self.tr("Résumé")]
        if ev.score is not None:
            parts.append(f"{score_text(ev.score)}%")
        if ev.structured_total:
            parts.append(("• " if ev.score is not None else "")
                         + f"{ev.structured_passed}/{ev.structured_total}")
        self.headline.setText(" ".join(parts))
        self.headline.show()
        self.details.setText(self.details_html(outcome))
        self.scroll_area.show()

    def details_html(self, outcome: ResumeOutcome) -> str:
        t = theme.current()
        ev = outcome.evaluation
        lines: list[str] = []
        if ev.knocked_out:
            lines.append(f"<p style='color:{t.danger}'><b>{_esc(self.tr('Knocked out'))}</b>: "
                         f"{_esc(ev.knockout_reason)}</p>")
        if ev.below_min_score and ev.min_score is not None:
            lines.append(f"<p style='color:{t.warning}'>"
                         + _esc(self.tr("Below the stage minimum of {n}").format(n=ev.min_score))
                         + "</p>")
        rows = []
        for record in ev.answers:
            e = record.evaluation
            if e.score is not None:
                mark, color = f"{e.score}/5", t.text
            elif e.passed:
                mark, color = "✓", t.success
            elif e.passed is False:
                mark, color = "✗", t.danger
            else:
                mark, color = "?", t.warning
            evidence = (f"<br><span style='color:{t.muted}'>“{_esc(e.evidence)}”</span>"
                        if e.evidence else "")
            rows.append(f"<tr><td style='color:{color}; padding-right:10px' valign='top'>"
                        f"<b>{_esc(mark)}</b></td><td><b>{_esc(record.prompt)}</b><br>"
                        f"{_esc(e.summary)}{evidence}</td></tr>")
        if rows:
            lines.append("<table cellspacing='6'>" + "".join(rows) + "</table>")
        lines.append(f"<p style='color:{t.muted}'>"
                     + _esc(self.tr("Scored by {name}").format(name=ev.evaluator)) + "</p>")
        return "".join(lines)


def _esc(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\n", "<br>"))
