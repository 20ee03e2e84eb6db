"""The Sync issues panel: records a sync could not accept (quarantined), with their reason,
and the raw payload as received, read-only. At most a few hundred rows: one read."""

from __future__ import annotations

import json

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSettings,
    Qt,
    Signal,
)
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.core.supervisor import worker_title
from milo_desktop.services.email_intake.intake import intake_for_retry
from milo_desktop.services.email_intake.store import RESOURCE as EMAIL_RESOURCE
from milo_desktop.services.email_intake.store import SERVICE as EMAIL_SERVICE
from milo_desktop.services.sync import SyncEngine, SyncIssue
from milo_desktop.services.sync.names import service_name
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.cards import MessageLine
from milo_desktop.views.widgets.data_table import DataTable
from milo_desktop.views.widgets.formatting import local_datetime
from milo_desktop.views.widgets.rows_model import RowsTableModel

KEY = "integrations/syncIssues"
WORKER_RESOURCE = "worker"  # a supervised worker's failure (services/notifications/workers.py)
Index = QModelIndex | QPersistentModelIndex
COLUMNS = (("service", "Service", 90), ("resource", "Resource", 130),
           ("reason", "Reason", 420), ("received", "Received", 170),
           ("external_id", "Record", 260))



def pretty_payload(payload: str) -> str:
    """JSON indented for reading; anything else exactly as received."""
    try:
        return json.dumps(json.loads(payload), indent=2, ensure_ascii=False, sort_keys=True)
    except ValueError:
        return payload


class SyncIssuesModel(RowsTableModel[SyncIssue]):
    COLUMNS = COLUMNS

    def cell(self, issue: SyncIssue, key: str) -> str:
        service = (worker_title(issue.service) if issue.resource == WORKER_RESOURCE
                   else service_name(issue.service))
        return {"service": service, "resource": issue.resource,
                "reason": issue.reason, "received": local_datetime(issue.received_at),
                "external_id": issue.external_id or "—"}[key]

    def tooltip(self, issue: SyncIssue, key: str) -> str | None:
        return issue.reason if key == "reason" else None


class SyncIssuesPanel(QDialog):
    """Non-modal: the user can keep it open while fixing things elsewhere."""

    loaded = Signal()

    def __init__(self, ctx: ViewContext, engine: SyncEngine,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.engine = engine
        self._loaded = False
        self.setWindowTitle(self.tr("Sync issues"))
        self.resize(1100, 620)
        intro = QLabel(self.tr(
            "Records a sync could not accept are kept here with the reason, exactly as they "
            "were received. Everything else on their page was synced."), self)
        intro.setWordWrap(True)
        intro.setProperty("muted", True)
        self.message = MessageLine(self)
        self.model = SyncIssuesModel(self)
        self.table = DataTable(self)
        self.table.setSortingEnabled(False)  # newest first, as the service returns them
        self.table.setSelectionMode(DataTable.SelectionMode.ExtendedSelection)
        self.table.setModel(self.model)
        for i, (_k, _t, width) in enumerate(COLUMNS):
            self.table.setColumnWidth(i, width)
        self.payload = QPlainTextEdit(self)
        self.payload.setReadOnly(True)
        self.payload.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.payload.setPlaceholderText(self.tr("Choose an issue to see what was received."))
        self.payload.hide()
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.payload)
        self.splitter.setSizes([360, 220])
        self.payload_button = QPushButton(self.tr("Show raw payload"), self)
        self.payload_button.setCheckable(True)
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.retry_button = QPushButton(self.tr("Retry"), self)
        self.retry_button.setToolTip(self.tr(
            "Read the selected emails again from the kept copies (after creating the "
            "interviewer they were for, for example)."))
        self.resolve_button = QPushButton(self.tr("Mark as reviewed"), self)
        self.resolve_button.setToolTip(self.tr(
            "Hide the selected issues from this list. The records stay stored as received."))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        bar = QHBoxLayout()
        bar.addWidget(self.payload_button)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.retry_button)
        bar.addWidget(self.resolve_button)
        bar.addStretch(1)
        bar.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.message)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(bar)

        self.payload_button.toggled.connect(self.show_payload)
        self.refresh_button.clicked.connect(self.reload)
        self.resolve_button.clicked.connect(self.resolve_selected)
        self.retry_button.clicked.connect(self.retry_selected)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._fill_payload())
        self.table.doubleClicked.connect(lambda _i: self.payload_button.setChecked(True))
        self._sync_buttons()

    # ----- loading ------------------------------------------------------------------------
    def reload(self) -> None:
        self.ctx.spawn(self._load(), "integrations.sync_issues.load")

    async def _load(self) -> None:
        self.table.overlay.show_message(*self.table.loading_text)
        try:
            issues = await self.engine.sync_issues()
        except EnvironmentProblem as exc:
            self.message.say(exc.message, "danger")
            return
        self.message.clear_message()
        selected = self.current_issue()
        self.model.set_rows(issues)
        if issues:
            self.table.overlay.hide()
            again = [n for n, i in enumerate(issues) if selected and i.id == selected.id]
            self.table.selectRow(again[0] if again else 0)
        else:
            self.table.overlay.show_message(
                self.tr("No sync issues"),
                self.tr("Every record the last syncs received was accepted."))
        self._sync_buttons()
        if not self._loaded:
            self._loaded = True
            self.loaded.emit()

    def is_loaded(self) -> bool:
        return self._loaded

    # ----- payload ------------------------------------------------------------------------
    def current_issue(self) -> SyncIssue | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def show_payload(self, visible: bool = True) -> None:
        """Show (or hide) the raw payload of the selected issue, read-only."""
        if self.payload_button.isChecked() != visible:
            self.payload_button.setChecked(visible)  # re-enters through toggled
            return
        self.payload_button.setText(self.tr("Hide raw payload") if visible
                                    else self.tr("Show raw payload"))
        self.payload.setVisible(visible)
        self._fill_payload()

    def _fill_payload(self) -> None:
        issue = self.current_issue()
        self.payload.setPlainText(pretty_payload(issue.payload) if issue else "")
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        self.payload_button.setEnabled(self.current_issue() is not None)
        self.resolve_button.setEnabled(self.current_issue() is not None)
        self.retry_button.setEnabled(bool(self._retryable()))

    def _retryable(self) -> list[SyncIssue]:
        """Selected issues that can be read again: emails kept by the mailbox intake."""
        return [i for i in self.selected_issues()
                if i.service == EMAIL_SERVICE and i.resource == EMAIL_RESOURCE]

    def selected_issues(self) -> list[SyncIssue]:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [issue for r in rows if (issue := self.model.row_at(r)) is not None]

    def resolve_selected(self) -> None:
        issues = self.selected_issues()
        if not issues:
            return

        async def go() -> None:
            try:
                n = await self.engine.resolve_issues([i.id for i in issues])
            except EnvironmentProblem as exc:
                self.message.say(exc.message, "danger")
                return
            await self._load()
            self.message.say(self.tr("{n} issue(s) marked as reviewed; the records are kept.")
                             .format(n=n), "success")

        self.ctx.spawn(go(), "integrations.sync_issues.resolve")

    def retry_selected(self) -> None:
        issues = self._retryable()
        if not issues:
            return
        env = getattr(self.ctx.workspace.integrations, "env", None)
        intake = intake_for_retry(self.ctx.workspace, env)

        async def go() -> None:
            try:
                report = await intake.retry([i.id for i in issues])
            except EnvironmentProblem as exc:
                self.message.say(exc.message, "danger")
                return
            await self._load()
            words = [self.tr("{n} became an application.").format(n=report.applied)
                     if report.applied else ""]
            if report.still_quarantined:
                words.append(self.tr("{n} still kept aside: {why}").format(
                    n=report.still_quarantined, why=report.reasons[0]))
            if report.not_retryable:
                words.append(self.tr("{n} cannot be read again (too large to download, or "
                                     "the kept copy is gone).").format(n=report.not_retryable))
            self.message.say(" ".join(w for w in words if w),
                             "warning" if report.still_quarantined else "success")

        self.ctx.spawn(go(), "integrations.sync_issues.retry")

    # ----- state --------------------------------------------------------------------------
    def save_state(self, settings: QSettings) -> None:
        self.table.save_layout(settings, f"{KEY}/table")
        settings.setValue(f"{KEY}/splitter", self.splitter.saveState())

    def restore_state(self, settings: QSettings) -> None:
        self.table.restore_layout(settings, f"{KEY}/table")
        state = settings.value(f"{KEY}/splitter")
        if state:
            self.splitter.restoreState(state)
