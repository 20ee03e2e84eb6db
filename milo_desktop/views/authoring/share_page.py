"""Step 6, Share: the candidate link (copy), the QR poster (preview, save as PNG or PDF) and a
summary of what Create will make. Posters render off the GUI thread."""

from __future__ import annotations

import asyncio
import html
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.enums import BudgetKind
from milo_desktop.files import write_private
from milo_desktop.services.authoring import AuthoringService, InterviewerDraft
from milo_desktop.services.authoring.share import link_for
from milo_desktop.services.readiness import Readiness
from milo_desktop.views import theme
from milo_desktop.views.authoring.common import WizardPage, hint, questions_text, section_title
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.formatting import local_date

PREVIEW_W = 250
RENDER_DELAY_MS = 300


class SharePage(WizardPage):
    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service: AuthoringService = ctx.workspace.authoring
        self.draft = InterviewerDraft()
        self.base = ""
        self.editing = False
        self.rendered_for: tuple[str, str] | None = None
        self.link = QLineEdit(self)
        self.link.setReadOnly(True)
        self.copy_button = QPushButton(self.tr("Copy link"), self)
        self.preview = QLabel(self)
        self.preview.setFixedSize(PREVIEW_W, round(PREVIEW_W * 1754 / 1240))
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet(f"border: 1px solid {theme.current().border};"
                                   " background: white; color: #6b7280;")
        self.png_button = QPushButton(self.tr("Save poster as PNG…"), self)
        self.pdf_button = QPushButton(self.tr("Save poster as PDF…"), self)
        self.saved = QLabel(self)
        self.saved.setWordWrap(True)
        self.saved.setProperty("muted", True)
        self.summary = QTextBrowser(self)
        self.summary.setOpenLinks(False)
        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        # What stops it from progressing once live, and what candidates wait for
        # (services/readiness.py); a blocking problem means Create saves it as a draft.
        self.readiness = QLabel(self)
        self.readiness.setObjectName("shareReadiness")
        self.readiness.setWordWrap(True)
        self.readiness.setTextFormat(Qt.TextFormat.RichText)
        self.readiness.hide()

        link_row = QHBoxLayout()
        link_row.addWidget(self.link, 1)
        link_row.addWidget(self.copy_button)
        poster_buttons = QVBoxLayout()
        poster_buttons.addWidget(self.png_button)
        poster_buttons.addWidget(self.pdf_button)
        poster_buttons.addWidget(self.saved)
        poster_buttons.addWidget(hint(self.tr("Print it for the front desk or a job fair: "
                                              "people scan the code to start."), self))
        poster_buttons.addStretch(1)
        poster = QHBoxLayout()
        poster.addWidget(self.preview)
        poster.addLayout(poster_buttons, 1)
        right = QVBoxLayout()
        right.addWidget(QLabel(self.tr("<b>What will be created</b>"), self))
        right.addWidget(self.summary, 1)
        right.addWidget(hint(self.tr("Connect an applicant tracking system under Integrations "
                                     "to sync candidates and results."), self))
        left = QVBoxLayout()
        left.addWidget(QLabel(self.tr("<b>Interview link</b>"), self))
        left.addLayout(link_row)
        left.addSpacing(10)
        left.addWidget(QLabel(self.tr("<b>QR poster</b>"), self))
        left.addLayout(poster)
        left.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(section_title(self.tr("Share"), self))
        layout.addWidget(hint(self.tr("The link goes live when you create the interviewer."),
                              self))
        layout.addWidget(self.notice)
        layout.addWidget(self.readiness)
        layout.addLayout(columns, 1)

        self._render_timer = QTimer(self, singleShot=True, interval=RENDER_DELAY_MS)
        self._render_timer.timeout.connect(self._render_preview)
        self.copy_button.clicked.connect(self.copy_link)
        self.png_button.clicked.connect(lambda: self._ask_and_save("png"))
        self.pdf_button.clicked.connect(lambda: self._ask_and_save("pdf"))

    def load(self, draft: InterviewerDraft, base: str, editing: bool) -> None:
        self.draft, self.base, self.editing = draft, base, editing
        self.link.setText(self.link_text())
        self.link.setCursorPosition(0)  # a long link shows its start (the address), not its end
        self.link.setToolTip(self.link_text())
        t = theme.current()
        if editing:
            self.notice.setStyleSheet(f"color: {t.warning}; font-weight: 600;")
            self.notice.setText(self.tr("Changes apply to new candidates only: candidates "
                                        "already invited keep the questions they were asked."))
        self.notice.setVisible(editing)
        self.summary.setHtml(self._summary_html())
        if self.rendered_for != (draft.position_title, self.link_text()):
            self.preview.setText(self.tr("Rendering…"))
            self._render_timer.start()

    def show_readiness(self, readiness: Readiness | None, editing: bool) -> None:
        if readiness is None or not readiness.problems:
            self.readiness.hide()
            return
        t = theme.current()

        def e(text: str) -> str:
            return html.escape(text, quote=False)

        lines = []
        if readiness.blocking:
            head = (self.tr("It can't go live yet, so Create saves it as a draft:") if not editing
                    else self.tr("It can't take candidates until this is fixed:"))
            lines.append(f"<span style='color:{t.warning}; font-weight:600'>{e(head)}</span> "
                         + " ".join(e(p.message) for p in readiness.blocking))
        for p in readiness.notices:
            lines.append(f"<span style='color:{t.muted}'>{e(p.message)}</span>")
        self.readiness.setText("<br>".join(lines))
        self.readiness.show()

    def link_text(self) -> str:
        return link_for(self.base, self.draft.slug) if self.base else ""

    def copy_link(self) -> None:
        QGuiApplication.clipboard().setText(self.link_text())
        self.saved.setText(self.tr("Link copied."))

    def _render_preview(self) -> None:
        title, link = self.draft.position_title, self.link_text()

        async def go() -> None:
            data = await self.service.render_poster(title, link, "png")
            pixmap = QPixmap()
            pixmap.loadFromData(data, "PNG")
            self.preview.setPixmap(pixmap.scaled(
                self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
            self.rendered_for = (title, link)

        self.ctx.spawn(go(), "authoring.poster_preview")

    def _ask_and_save(self, kind: str) -> None:
        name = f"{self.draft.slug or 'poster'}-poster.{kind}"
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Save poster"), str(Path.home() / name),
            "PNG image (*.png)" if kind == "png" else "PDF document (*.pdf)")
        if path:
            self.save_poster(Path(path), kind)

    def save_poster(self, path: Path, kind: str) -> asyncio.Task[None]:
        title, link = self.draft.position_title, self.link_text()

        async def go() -> None:
            data = await self.service.render_poster(title, link, kind)
            try:
                await asyncio.to_thread(write_private, path, data)
            except OSError as exc:
                self.saved.setText(self.tr("Could not save {p}: {e}").format(
                    p=path, e=exc.strerror or exc))
                return
            self.saved.setText(self.tr("Saved {p}").format(p=path))

        return self.ctx.spawn(go(), f"authoring.save_poster_{kind}")

    def _summary_html(self) -> str:
        d, e = self.draft, html.escape
        budget = {BudgetKind.NONE: self.tr("none"),
                  BudgetKind.ALL_TIME: self.tr("${a:,.2f} all-time"),
                  BudgetKind.DAILY: self.tr("${a:,.2f} a day")}[BudgetKind(d.budget_kind)]
        rows = [
            (self.tr("Interviewer"), d.name), (self.tr("Position title"), d.position_title),
            (self.tr("Workflow"), d.workflow() or "—"),
            *[(self.tr("Stage {i}").format(i=i + 1), self.tr("{name} — {n}{score}").format(
                name=st.name, n=questions_text(len(st.questions)),
                score=self.tr(", minimum score {m}").format(m=st.min_score)
                if st.min_score is not None else ""))
              for i, st in enumerate(d.stages)],
            (self.tr("Estimated cost"), self.tr("${c:,.2f} per completed interview").format(
                c=self.service.estimate(d).exact_cents / 100)),
            (self.tr("Deadline"), local_date(d.deadline) if d.deadline else
             self.tr("none — open until archived")),
            (self.tr("Days to complete"), str(d.days_to_complete)),
            (self.tr("Budget"), budget.format(a=(d.budget_cents or 0) / 100)),
            (self.tr("Subscribers"), ", ".join(d.subscribers) or "—"),
            (self.tr("Labels"), ", ".join(d.labels) or "—"),
        ]
        return "<table>" + "".join(
            f"<tr><td style='padding:2px 12px 2px 0; color:gray; white-space:nowrap'>{e(k)}"
            f"</td><td style='padding:2px 0'>{e(v)}</td></tr>" for k, v in rows) + "</table>"
