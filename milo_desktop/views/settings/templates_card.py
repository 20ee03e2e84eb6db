"""The Templates card: edit the invitation, nudge, final nudge and report-ready messages (email
and SMS), with placeholder chips, counters and a live preview using an example candidate."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)
from shiboken6 import isValid

from milo_desktop.enums import Channel
from milo_desktop.errors import EnvironmentProblem, ValidationProblem
from milo_desktop.services.outreach import (
    SMS_BODY_MAX,
    SUBJECT_MAX,
    CommunicationPolicy,
    OutreachService,
    TemplateRow,
)
from milo_desktop.services.outreach.templates import (
    EMAIL_BODY_MAX,
    LINK,
    check_text,
    offered_placeholders,
    placeholder_values,
    render,
)
from milo_desktop.views import theme
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.cards import Card, MessageLine
from milo_desktop.views.widgets.text_fields import CountedLine, CountedText, PlaceholderChips

EXAMPLE_CANDIDATE = "Alex Example"
EXAMPLE_TITLE = "Warehouse Associate"
EXAMPLE_SLUG = "warehouse-associate"


class TemplatesCard(Card):
    loaded = Signal()

    def __init__(self, ctx: ViewContext, service: OutreachService,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Message templates"), parent)
        self.ctx = ctx
        self.service = service
        self.rows: list[TemplateRow] = []
        self.policy = CommunicationPolicy()
        self.values: dict[str, str] = {}  # the example's placeholder values ({{link}} or not)
        self._busy = False
        intro = QLabel(self.tr("What candidates receive. Placeholders are filled in for each "
                               "candidate."), self)
        intro.setWordWrap(True)
        intro.setProperty("muted", True)
        self.body.addWidget(intro)
        self.choice = QComboBox(self)
        self.subject = CountedLine(SUBJECT_MAX, self.tr("Subject"), self)
        self.text = CountedText(EMAIL_BODY_MAX, self.tr("Message"), self)
        self.text.setMinimumHeight(150)
        self.chips = PlaceholderChips(self)
        self.chips.follow(self.subject.edit, self.text.edit)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.addRow(self.tr("Template"), self.choice)
        self.form.addRow(self.tr("Subject"), self.subject)
        self.form.addRow(self.tr("Message"), self.text)
        self.form.addRow("", self.chips)
        self.body.addLayout(self.form)
        self.preview_title = QLabel(self.tr("Preview"), self)
        self.preview_title.setProperty("muted", True)
        self.preview = QLabel(self)
        self.preview.setWordWrap(True)
        self.preview.setObjectName("templatePreview")
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.addWidget(self.preview_title)
        self.body.addWidget(self.preview)
        self.reset_button = QPushButton(self.tr("Reset to default"), self)
        self.save_button = QPushButton(self.tr("Save template"), self)
        self.save_button.setProperty("primary", True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.save_button)
        self.body.addLayout(buttons)
        self.message = MessageLine(self)
        self.body.addWidget(self.message)
        self.choice.currentIndexChanged.connect(self._show_current)
        self.subject.changed.connect(self._update_preview)
        self.text.changed.connect(self._update_preview)
        self.save_button.clicked.connect(self.save)
        self.reset_button.clicked.connect(self.reset)

    # ----- showing ------------------------------------------------------------------------
    def current(self) -> TemplateRow | None:
        i = self.choice.currentIndex()
        return self.rows[i] if 0 <= i < len(self.rows) else None

    def select(self, name: str) -> None:
        i = self.choice.findText(name)
        if i >= 0:
            self.choice.setCurrentIndex(i)

    def _show_current(self, _index: int = 0) -> None:
        row = self.current()
        if row is None:
            return
        email = row.channel == Channel.EMAIL
        self.form.setRowVisible(self.subject, email)
        self.subject.set_text(row.subject)
        self.text.counter.limit = EMAIL_BODY_MAX if email else SMS_BODY_MAX
        self.text.set_text(row.body)
        self.message.clear_message()
        self._update_preview()

    def _update_preview(self) -> None:
        row = self.current()
        if row is None:
            return
        values = self.values or placeholder_values(EXAMPLE_CANDIDATE, EXAMPLE_TITLE, None)
        try:
            check_text(self.subject.text() if row.channel == Channel.EMAIL else "",
                       self.text.text(), row.channel)
            # {{link}} without a candidate page is flagged here, before anything is sent.
            body = render(self.text.text(), values)
            subject = render(self.subject.text(), values)
        except ValidationProblem as exc:
            self._show_preview(exc.message, "danger")
            return
        if row.channel == Channel.EMAIL:
            body = self.tr("Subject: {subject}").format(subject=subject) + "\n\n" + body
        self._show_preview(body, "text")

    def _show_preview(self, text: str, tone: str) -> None:
        t = theme.current()
        self.preview.setText(text)
        self.preview.setStyleSheet(f"QLabel {{ color: {getattr(t, tone)}; background: "
                                   f"{t.alt_base}; border: 1px solid {t.border}; "
                                   "border-radius: 6px; padding: 8px; }")

    def show_rows(self, rows: list[TemplateRow], keep: int | None = None) -> None:
        self.rows = rows
        self.choice.blockSignals(True)
        self.choice.clear()
        for row in rows:
            self.choice.addItem(row.name, row.id)
        index = next((i for i, r in enumerate(rows) if r.id == keep), 0)
        self.choice.setCurrentIndex(index)
        self.choice.blockSignals(False)
        self._show_current()
        self.set_status(self.tr("{n} templates").format(n=len(rows)))

    # ----- load / save --------------------------------------------------------------------
    def is_busy(self) -> bool:
        return self._busy

    def load(self) -> None:
        async def work() -> None:
            self.policy = await self.service.policy()
            self.values = await self.service.placeholders_for(None)
            self.chips.offer(offered_placeholders(LINK in self.values))
            self.show_rows(await self.service.templates())
            self.loaded.emit()
        self._run(work, "outreach.templates.load")

    def save(self) -> None:
        row = self.current()
        if row is None:
            return
        subject, body = self.subject.text(), self.text.text()

        async def work() -> None:
            saved = await self.service.save_template(row.id, subject, body)
            self.show_rows(await self.service.templates(), keep=saved.id)
            self.message.say(self.tr("Saved “{name}”.").format(name=saved.name), "success")
        self._run(work, "outreach.templates.save")

    def reset(self) -> None:
        row = self.current()
        if row is None:
            return

        async def work() -> None:
            saved = await self.service.reset_template(row.id)
            self.show_rows(await self.service.templates(), keep=saved.id)
            self.message.say(self.tr("“{name}” is back to the default text.").format(
                name=saved.name), "muted")
        self._run(work, "outreach.templates.reset")

    def _run(self, work: Callable[[], Awaitable[None]], name: str) -> None:
        if self._busy:
            return
        self._busy = True
        for b in (self.save_button, self.reset_button):
            b.setEnabled(False)

        async def guarded() -> None:
            try:
                await work()
            except EnvironmentProblem as exc:
                self.message.say(exc.message, "danger")
            finally:
                self._busy = False
                # The card may be gone (its window closed while the work was cancelled).
                for b in (self.save_button, self.reset_button):
                    if isValid(b):
                        b.setEnabled(True)
        self.ctx.spawn(guarded(), name)
