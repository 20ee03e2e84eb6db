"""The Sync card: one row per service with its state, last sync ("2m ago"), progress, the
message that matters (offline, sign-in refused), Reconnect, and its Sync issues count."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QPushButton, QWidget

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.connectors.twilio.integration import IntegrationsService, TwilioState
from milo_desktop.services.sync import (
    RoundResult,
    ServiceState,
    SyncEngine,
    SyncIssue,
    SyncStatus,
)
from milo_desktop.services.sync.names import service_name
from milo_desktop.views import theme
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.cards import Card, MessageLine
from milo_desktop.views.widgets.formatting import ago_text, local_datetime

# The poll intervals offered (seconds); the default 10 s puts a caller on screen within ~10 s.
INTERVAL_CHOICES = (5.0, 10.0, 30.0, 60.0, 300.0, 900.0)


def interval_text(seconds: float) -> str:
    return f"{seconds:g} s" if seconds < 60 else f"{seconds / 60:g} min"


TONES = {ServiceState.IDLE: "success", ServiceState.SYNCING: "accent",
         ServiceState.OFFLINE: "warning", ServiceState.BUSY: "warning",
         ServiceState.PROVIDER_ERROR: "warning",
         ServiceState.AUTH_FAILED: "danger", ServiceState.FAILED: "danger",
         ServiceState.NOT_CONFIGURED: "muted"}


class ServiceRow:
    """The widgets of one service's row in the card's grid."""

    def __init__(self, parent: QWidget) -> None:
        self.name = QLabel(parent)
        font = self.name.font()
        font.setBold(True)
        self.name.setFont(font)
        self.state = QLabel(parent)
        self.last_sync = QLabel(parent)
        self.progress = QLabel(parent)
        self.progress.setProperty("muted", True)
        self.message = QLabel(parent)
        self.message.setWordWrap(True)
        self.reconnect = QPushButton(parent)
        self.issues = QPushButton(parent)
        self.interval = QComboBox(parent)
        self.interval.setAccessibleName("Sync interval")


class SyncCard(Card):
    """Follows the engine's SyncStatusChanged / SyncProgress; ``issuesRequested(service)``."""

    issuesRequested = Signal(str)

    def __init__(self, ctx: ViewContext, engine: SyncEngine,
                 integrations: IntegrationsService | None = None,
                 parent: QWidget | None = None,
                 clock: Callable[[], dt.datetime] | None = None) -> None:
        super().__init__(self.tr("Sync"), parent)
        self.ctx = ctx
        self.engine = engine
        self.integrations = integrations
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.rows: dict[str, ServiceRow] = {}
        self.issue_counts: dict[str, int] = {}
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(18)
        self.grid.setVerticalSpacing(6)
        for col, title in enumerate((self.tr("Service"), self.tr("State"),
                                     self.tr("Last sync"), self.tr("Checks every"),
                                     self.tr("Progress"))):
            head = QLabel(title, self)
            head.setProperty("muted", True)
            self.grid.addWidget(head, 0, col)
        self.grid.setColumnStretch(4, 1)
        self.empty = QLabel(self.tr("No services sync yet. Connect Twilio above."), self)
        self.empty.setProperty("muted", True)
        self.note = MessageLine(self)
        self.body.addLayout(self.grid)
        self.body.addWidget(self.empty)
        self.body.addWidget(self.note)
        # "2m ago" ages; a status burst (progress every page) repaints at most every 200 ms.
        self._tick = QTimer(self, interval=30_000)
        self._tick.timeout.connect(self.show_statuses)
        self._soon = QTimer(self, singleShot=True, interval=200)
        self._soon.timeout.connect(self.show_statuses)
        self._issues_soon = QTimer(self, singleShot=True, interval=500)
        self._issues_soon.timeout.connect(self.reload_issues)
        self.show_statuses()

    def start(self) -> None:
        self._tick.start()
        self.reload_issues()

    def stop(self) -> None:
        for timer in (self._tick, self._soon, self._issues_soon):
            timer.stop()

    def status_changed(self) -> None:
        self._soon.start()
        self._issues_soon.start()

    # ----- rows ---------------------------------------------------------------------------
    def _row(self, service: str) -> ServiceRow:
        row = self.rows.get(service)
        if row is None:
            row = ServiceRow(self)
            n = len(self.rows) * 2 + 1
            self.grid.addWidget(row.name, n, 0)
            self.grid.addWidget(row.state, n, 1)
            self.grid.addWidget(row.last_sync, n, 2)
            self.grid.addWidget(row.interval, n, 3)
            self.grid.addWidget(row.progress, n, 4)
            self.grid.addWidget(row.reconnect, n, 5)
            self.grid.addWidget(row.issues, n, 6)
            self.grid.addWidget(row.message, n + 1, 1, 1, 6)
            row.reconnect.setText(self.tr("Reconnect"))
            row.reconnect.clicked.connect(lambda _c=False, s=service: self.reconnect(s))
            row.issues.clicked.connect(lambda _c=False, s=service: self.issuesRequested.emit(s))
            row.interval.activated.connect(
                lambda index, s=service, r=row: self.choose_interval(s, r.interval.itemData(index)))
            self.rows[service] = row
        return row

    def show_statuses(self) -> None:  # not "render": QWidget.render()
        statuses = self.engine.statuses()
        self.empty.setVisible(not statuses)
        for status in statuses:
            self._render(status)

    def _render(self, status: SyncStatus) -> None:
        row = self._row(status.service)
        t = theme.current()
        row.name.setText(service_name(status.service))
        color = getattr(t, TONES.get(status.state, "muted"))
        row.state.setText(f"<span style='color:{color}'>●</span>&nbsp;{self.state_text(status)}")
        row.last_sync.setText(ago_text(status.last_sync_at, self.clock())
                              if status.last_sync_at else self.tr("Never"))
        if status.last_sync_at:
            row.last_sync.setToolTip(local_datetime(status.last_sync_at))
        row.progress.setText(self.progress_text(status))
        self._render_interval(row, status)
        row.message.setText(status.message)
        row.message.setStyleSheet(f"color: {color};")
        row.message.setVisible(bool(status.message) and status.state != ServiceState.IDLE)
        row.reconnect.setVisible(status.state == ServiceState.AUTH_FAILED)
        count = self.issue_counts.get(status.service, 0)
        row.issues.setText(self.tr("Sync issues ({n})").format(n=count))
        row.issues.setEnabled(True)

    def _render_interval(self, row: ServiceRow, status: SyncStatus) -> None:
        box = row.interval
        choices = sorted({*INTERVAL_CHOICES, status.interval_s})
        if [box.itemData(i) for i in range(box.count())] != choices:
            box.clear()
            for seconds in choices:
                box.addItem(interval_text(seconds), seconds)
        box.setCurrentIndex(choices.index(status.interval_s))
        pinned = self.engine.interval_pinned(status.service)
        box.setEnabled(not pinned)
        box.setToolTip(self.tr("Set by MILO_TWILIO_POLL_SECONDS for this session") if pinned
                       else self.tr("How often new calls and messages are collected"))

    def choose_interval(self, service: str, seconds: float) -> None:
        async def go() -> None:
            try:
                await self.engine.set_interval(service, seconds)
            except EnvironmentProblem as exc:
                self.note.say(exc.message, "danger")
                return
            self.note.say(self.tr("{service} now checks every {every}.").format(
                service=service_name(service), every=interval_text(seconds)), "success")

        self.ctx.spawn(go(), "integrations.sync.interval")

    def state_text(self, status: SyncStatus) -> str:
        return {
            ServiceState.IDLE: self.tr("Up to date") if status.last_sync_at
            else self.tr("Waiting for the first sync"),
            ServiceState.SYNCING: self.tr("Syncing…"),
            ServiceState.OFFLINE: self.tr("Offline — retrying"),
            ServiceState.BUSY: self.tr("Busy — retrying"),
            ServiceState.PROVIDER_ERROR: self.tr("Service error — retrying"),
            ServiceState.AUTH_FAILED: self.tr("Sign-in refused — paused"),
            ServiceState.NOT_CONFIGURED: self.tr("Not connected"),
            ServiceState.FAILED: self.tr("Stopped (internal error)"),
        }[status.state]

    def progress_text(self, status: SyncStatus) -> str:
        if status.state == ServiceState.SYNCING:
            return self.tr("{n} records so far").format(n=status.done)
        result: RoundResult | None = status.last_round
        if result is None:
            return ""
        text = self.tr("Last round: {figures}").format(figures=result.describe())
        if status.last_round_s is not None:
            text += self.tr(" in {s:.1f} s").format(s=status.last_round_s)
        return text

    # ----- issues and reconnect -------------------------------------------------------------
    def reload_issues(self) -> None:
        self.ctx.spawn(self._load_issues(), "integrations.sync.issues_count", owner=self)

    async def _load_issues(self) -> None:
        try:
            issues: list[SyncIssue] = await self.engine.sync_issues()
        except EnvironmentProblem as exc:
            self.note.say(exc.message, "danger")
            return
        counts: dict[str, int] = {}
        for issue in issues:
            counts[issue.service] = counts.get(issue.service, 0) + 1
        self.issue_counts = counts
        self.show_statuses()

    def reconnect(self, service: str) -> None:
        """After the user fixed the credentials: check them, then resume the service."""
        async def go() -> None:
            if self.integrations is not None and service == "twilio":
                status = await self.integrations.test_twilio()
                if status.state == TwilioState.AUTH_FAILED:
                    self.note.say(self.tr("Twilio still refuses the credentials. Enter them "
                                          "again in the Twilio card above."), "danger")
                    return
                if status.state == TwilioState.NOT_CONNECTED:
                    self.note.say(self.tr("Connect Twilio above first."), "danger")
                    return
            self.engine.resume(service)
            self.note.say(self.tr("{service} sync resumed.").format(
                service=service_name(service)), "success")
            self.show_statuses()

        self.note.say(self.tr("Checking the credentials…"), "muted")
        self.ctx.spawn(go(), "integrations.sync.reconnect")
