"""Step 6, Share: how candidates start (text a keyword, call the receptionist, email the apply
address, and the candidate page only when the workspace hosts one), each with Copy; the QR
poster of those (preview, save as PNG or PDF); in demo mode "Simulate a text…"; and a summary
of what Create will make. Posters render and the candidate page is checked off the GUI
thread."""

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
from milo_desktop.errors import EnvironmentProblem
from milo_desktop.files import write_private
from milo_desktop.services.authoring import AuthoringService, InterviewerDraft
from milo_desktop.services.entry.points import EntryKind, EntryPoints
from milo_desktop.services.readiness import Readiness
from milo_desktop.views import theme
from milo_desktop.views.authoring.common import WizardPage, hint, questions_text, section_title
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.formatting import local_date

PREVIEW_W = 250
RENDER_DELAY_MS = 300
KIND_WORDS = {EntryKind.TEXT: "Text", EntryKind.CALL: "Call", EntryKind.EMAIL: "Email",
              EntryKind.LINK: "Web page"}


class SharePage(WizardPage):
    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service: AuthoringService = ctx.workspace.authoring
        self.draft = InterviewerDraft()
        self.base: str | None = None
        self.editing = False
        self.interviewer_id: int | None = None
        self.points: EntryPoints | None = None
        self.rendered_for: tuple[str, tuple[str, ...]] | None = None
        # How candidates start: one row per entry point (built when the points arrive).
        self.ways = QVBoxLayout()
        self.ways.setSpacing(6)
        self.ways_state = QLabel(self.tr("Loading how candidates start…"), self)
        self.ways_state.setWordWrap(True)
        self.ways_state.setProperty("muted", True)
        self.keyword_hint = hint("", self)
        self.keyword_hint.setWordWrap(True)
        # The keyword, editable once the interviewer is saved (unique on its number).
        self.keyword_edit = QLineEdit(self)
        self.keyword_edit.setMaxLength(20)
        self.keyword_edit.setMaximumWidth(180)
        self.keyword_edit.setPlaceholderText(self.tr("e.g. FORKLIFT"))
        self.keyword_button = QPushButton(self.tr("Change keyword"), self)
        self.keyword_row = QWidget(self)
        keyword_box = QHBoxLayout(self.keyword_row)
        keyword_box.setContentsMargins(0, 0, 0, 0)
        keyword_label = QLabel(self.tr("Keyword"), self.keyword_row)
        keyword_label.setProperty("muted", True)
        keyword_label.setFixedWidth(70)
        keyword_box.addWidget(keyword_label)
        keyword_box.addWidget(self.keyword_edit)
        keyword_box.addWidget(self.keyword_button)
        keyword_box.addStretch(1)
        self.keyword_row.hide()
        self.page_state = QLabel(self)
        self.page_state.setObjectName("pageState")
        self.page_state.setWordWrap(True)
        self.simulate_button = QPushButton(self.tr("Simulate a text…"), self)
        self.simulate_button.setToolTip(self.tr("Demo mode: text the keyword to the number, as "
                                                "a candidate scanning the poster would."))
        self.simulate_button.hide()
        self.copied: dict[str, str] = {}  # the button's text → what it copies (tests read it)
        self.way_edits: dict[EntryKind, QLineEdit] = {}  # each way in's words, by kind
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
        left.addWidget(QLabel(self.tr("<b>How candidates start</b>"), self))
        left.addWidget(self.ways_state)
        left.addLayout(self.ways)
        left.addWidget(self.keyword_row)
        left.addWidget(self.keyword_hint)
        left.addWidget(self.page_state)
        left.addWidget(self.simulate_button, 0, Qt.AlignmentFlag.AlignLeft)
        left.addSpacing(10)
        left.addWidget(QLabel(self.tr("<b>QR poster</b>"), self))
        left.addLayout(poster)
        left.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(section_title(self.tr("Share"), self))
        layout.addWidget(hint(self.tr("Candidates can start as soon as you create the "
                                      "interviewer: no web page needed."), self))
        layout.addWidget(self.notice)
        layout.addWidget(self.readiness)
        layout.addLayout(columns, 1)

        self._render_timer = QTimer(self, singleShot=True, interval=RENDER_DELAY_MS)
        self._render_timer.timeout.connect(self._render_preview)
        self.simulate_button.clicked.connect(self.simulate_text)
        self.keyword_button.clicked.connect(self.change_keyword)
        self.keyword_edit.returnPressed.connect(self.change_keyword)
        self.png_button.clicked.connect(lambda: self._ask_and_save("png"))
        self.pdf_button.clicked.connect(lambda: self._ask_and_save("pdf"))

    def load(self, draft: InterviewerDraft, base: str | None, editing: bool,
             interviewer_id: int | None = None) -> None:
        self.draft, self.base, self.editing = draft, base, editing
        self.interviewer_id = interviewer_id
        t = theme.current()
        if editing:
            self.notice.setStyleSheet(f"color: {t.warning}; font-weight: 600;")
            self.notice.setText(self.tr("Changes apply to new candidates only: candidates "
                                        "already invited keep the questions they were asked."))
        self.notice.setVisible(editing)
        self.summary.setHtml(self._summary_html())
        self.ctx.spawn(self._load_points(draft), "authoring.share_points", owner=self)
        self._check_page()

    async def _load_points(self, draft: InterviewerDraft) -> None:
        points = await self.service.entry_points(draft, self.interviewer_id)
        self.show_points(points)

    def show_points(self, points: EntryPoints) -> None:
        self.points = points
        while self.ways.count():
            item = self.ways.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.copied.clear()
        self.way_edits.clear()
        t = theme.current()
        said = [w for w in (points.problem, points.note) if w]
        if said:
            self.ways_state.setStyleSheet(f"color: {t.warning};")
            self.ways_state.setText("\n".join(said))
            self.ways_state.show()
        else:
            self.ways_state.hide()
        for point in points.points:
            self.ways.addWidget(self._way_row(point.kind, point.words, point.target))
        editable = points.keyword is not None and self.interviewer_id is not None
        self.keyword_row.setVisible(editable)
        if points.keyword:
            self.keyword_edit.setText(points.keyword)
            self.keyword_hint.setStyleSheet("")
            self.keyword_hint.setText(self.tr(
                "A text starting with {kw} reaches this screening, in any case. Other "
                "interviewers can share the number with their own keywords.").format(
                    kw=points.keyword) if editable else self.tr(
                "{kw} will be this interviewer's keyword; you can change it once it is "
                "created.").format(kw=points.keyword))
        else:
            self.keyword_hint.setText("")
        self.simulate_button.setVisible(
            self.ctx.workspace.entry.can_simulate and self.interviewer_id is not None
            and points.of(EntryKind.TEXT) is not None)
        key = (self.draft.position_title, tuple(p.uri for p in points.points))
        if self.rendered_for != key:
            self.preview.setText(self.tr("Rendering…"))
            self._render_timer.start()

    def _way_row(self, kind: EntryKind, words: str, target: str) -> QWidget:
        row = QWidget(self)
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        label = QLabel(self.tr(KIND_WORDS[kind]), row)
        label.setProperty("muted", True)
        label.setFixedWidth(70)
        text = QLineEdit(words, row)
        text.setReadOnly(True)
        text.setCursorPosition(0)
        text.setToolTip(words)
        self.way_edits[kind] = text
        copy = QPushButton(self.tr("Copy"), row)
        copy.setObjectName(f"copy_{kind.value}")
        copy.clicked.connect(lambda _c=False, v=target: self.copy(v))
        self.copied[copy.objectName()] = target
        box.addWidget(label)
        box.addWidget(text, 1)
        box.addWidget(copy)
        return row

    def change_keyword(self) -> asyncio.Task[None] | None:
        """Save the typed keyword (validated and unique on the number by the service)."""
        if self.interviewer_id is None:
            return None
        iid, word = self.interviewer_id, self.keyword_edit.text()

        async def go() -> None:
            try:
                saved = await self.ctx.workspace.entry.set_keyword(iid, word)
            except EnvironmentProblem as exc:
                self.keyword_hint.setStyleSheet(f"color: {theme.current().warning};")
                self.keyword_hint.setText(exc.message)
                return
            self.show_points(await self.ctx.workspace.entry.points(iid))
            self.saved.setText(self.tr("The keyword is now {kw}.").format(kw=saved))

        task: asyncio.Task[None] | None = self.ctx.spawn(go(), "authoring.change_keyword")
        return task

    def _check_page(self) -> None:
        t = theme.current()
        if not self.base:
            self.page_state.setStyleSheet(f"color: {t.muted};")
            self.page_state.setText(self.tr(
                "No candidate web page: messages say how to start instead. If you host one, "
                "add its address in Settings → Account."))
            return
        self.page_state.setStyleSheet(f"color: {t.muted};")
        self.page_state.setText(self.tr("Checking {a}…").format(a=self.base))
        base = self.base

        async def go() -> None:
            problem = await self.ctx.workspace.entry.page_problem(base)
            if base != self.base:
                return
            tone = theme.current()
            self.page_state.setStyleSheet(f"color: {tone.warning if problem else tone.muted};")
            self.page_state.setText(problem or self.tr("{a} answers.").format(a=base))

        self.ctx.spawn(go(), "authoring.share_page_check", owner=self)

    def link_text(self) -> str:
        """The candidate page link, "" when the workspace hosts none."""
        point = self.points.of(EntryKind.LINK) if self.points else None
        return point.target if point else ""

    def copy(self, value: str) -> None:
        QGuiApplication.clipboard().setText(value)
        self.saved.setText(self.tr("Copied {v}.").format(v=value))

    def simulate_text(self) -> asyncio.Task[None] | None:
        points = self.points
        if points is None:
            return None

        async def go() -> None:
            try:
                said = await self.ctx.workspace.entry.simulate_text(points)
            except EnvironmentProblem as exc:
                said = exc.message
            self.saved.setText(said)

        task: asyncio.Task[None] | None = self.ctx.spawn(go(), "authoring.simulate_text")
        return task

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

    def _render_preview(self) -> None:
        points = self.points
        if points is None:
            return
        title = self.draft.position_title

        async def go() -> None:
            data = await self.service.render_poster(title, points, "png")
            pixmap = QPixmap()
            pixmap.loadFromData(data, "PNG")
            self.preview.setPixmap(pixmap.scaled(
                self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
            self.rendered_for = (title, tuple(p.uri for p in points.points))

        self.ctx.spawn(go(), "authoring.poster_preview", owner=self)  # cancelled on close

    def _ask_and_save(self, kind: str) -> None:
        name = f"{self.draft.slug or 'poster'}-poster.{kind}"
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Save poster"), str(Path.home() / name),
            "PNG image (*.png)" if kind == "png" else "PDF document (*.pdf)")
        if path:
            self.save_poster(Path(path), kind)

    def save_poster(self, path: Path, kind: str) -> asyncio.Task[None]:
        title, points = self.draft.position_title, self.points

        async def go() -> None:
            if points is None:
                self.saved.setText(self.tr("Still loading how candidates start; try again in "
                                           "a moment."))
                return
            data = await self.service.render_poster(title, points, kind)
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
