"""Settings → Privacy: the erasure grace period and the requests waiting it out (Cancel), the
retention rule (Dry run first, then Turn on), and the exports folder.

The Settings section hosts ``PrivacyPanel(ctx, parent)``; the panel loads when first shown
and again when candidates change while it is shown.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.privacy import (
    MAX_GRACE_DAYS,
    MIN_GRACE_DAYS,
    DryRun,
    PendingErasure,
    PrivacyService,
    PrivacySettings,
)
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.cards import Card, MessageLine
from milo_desktop.views.widgets.formatting import local_date


def _table(parent: QWidget, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    table.setMinimumHeight(120)
    table.setMaximumHeight(220)
    return table


class PrivacyPanel(QWidget):
    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.privacy = PrivacyService.for_workspace(ctx.workspace)
        self.settings: PrivacySettings | None = None
        self.dry: DryRun | None = None
        self._loaded = False
        layout = QVBoxLayout(self)
        layout.setSpacing(16)
        layout.addWidget(self._erasure_card())
        layout.addWidget(self._retention_card())
        layout.addWidget(self._exports_card())
        layout.addStretch(1)
        ctx.bridge.candidatesChanged.connect(self._candidates_changed)

    # ----- layout -----------------------------------------------------------------------------
    def _erasure_card(self) -> Card:
        card = Card(self.tr("Erasure requests"), self)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Erase a person's data"), card))
        self.grace = QSpinBox(card)
        self.grace.setRange(MIN_GRACE_DAYS, MAX_GRACE_DAYS)
        self.grace.setSuffix(self.tr(" days"))
        row.addWidget(self.grace)
        row.addWidget(QLabel(self.tr("after it is requested (the grace period)."), card))
        row.addStretch(1)
        self.save_grace = QPushButton(self.tr("Save"), card)
        self.save_grace.clicked.connect(self._save_grace)
        row.addWidget(self.save_grace)
        card.body.addLayout(row)
        self.pending_table = _table(card, [self.tr("Candidate"), self.tr("Requested"),
                                           self.tr("Runs on"), ""])
        card.body.addWidget(self.pending_table)
        self.pending_empty = QLabel(self.tr("No erasure is waiting."), card)
        card.body.addWidget(self.pending_empty)
        note = QLabel(self.tr("Erasure removes the person from every table, the search index, "
                              "recordings, résumés, kept emails and the exports Milo wrote, "
                              "leaving one audit note without personal data. The copy an ATS "
                              "holds is not erased."), card)
        note.setWordWrap(True)
        card.body.addWidget(note)
        self.erasure_message = MessageLine(card)
        card.body.addWidget(self.erasure_message)
        return card

    def _retention_card(self) -> Card:
        card = Card(self.tr("Retention"), self)
        self.retention_card = card
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Erase candidates without activity for"), card))
        self.months = QSpinBox(card)
        self.months.setRange(1, 120)
        self.months.setSuffix(self.tr(" months"))
        self.months.valueChanged.connect(self._months_changed)
        row.addWidget(self.months)
        row.addStretch(1)
        self.dry_run_button = QPushButton(self.tr("Dry run"), card)
        self.dry_run_button.clicked.connect(self._dry_run)
        self.turn_on = QPushButton(self.tr("Turn on"), card)
        self.turn_on.clicked.connect(self._toggle)
        row.addWidget(self.dry_run_button)
        row.addWidget(self.turn_on)
        card.body.addLayout(row)
        self.retention_hint = QLabel(card)
        self.retention_hint.setWordWrap(True)
        card.body.addWidget(self.retention_hint)
        self.dry_table = _table(card, [self.tr("Candidate"), self.tr("Last activity")])
        self.dry_table.hide()
        card.body.addWidget(self.dry_table)
        self.retention_message = MessageLine(card)
        card.body.addWidget(self.retention_message)
        return card

    def _exports_card(self) -> Card:
        card = Card(self.tr("Exports"), self)
        hint = QLabel(self.tr("\"Export data…\" on a candidate's profile writes everything held "
                              "about them (JSON and their files, zipped, readable only by you) "
                              "to this folder."), card)
        hint.setWordWrap(True)
        card.body.addWidget(hint)
        row = QHBoxLayout()
        self.exports_path = QLabel(card)
        self.exports_path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.exports_path, 1)
        self.change_exports = QPushButton(self.tr("Change…"), card)
        self.change_exports.clicked.connect(self._change_exports)
        self.open_exports = QPushButton(self.tr("Open folder"), card)
        self.open_exports.clicked.connect(self._open_exports)
        row.addWidget(self.change_exports)
        row.addWidget(self.open_exports)
        card.body.addLayout(row)
        self.exports_message = MessageLine(card)
        card.body.addWidget(self.exports_message)
        return card

    # ----- loading ----------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._loaded:
            self._loaded = True
            self.reload()

    def reload(self) -> None:
        self.ctx.spawn(self._load(), "privacy.panel", owner=self)

    def _candidates_changed(self, _ids: tuple[int, ...]) -> None:
        if self._loaded and self.isVisible():
            self.reload()

    async def _load(self) -> None:
        settings = await self.privacy.settings()
        pending = await self.privacy.pending()
        self._show_settings(settings)
        self._show_pending(pending)

    def _show_settings(self, settings: PrivacySettings) -> None:
        self.settings = settings
        self.grace.setValue(settings.grace_days)
        self.months.blockSignals(True)
        self.months.setValue(settings.retention_months)
        self.months.blockSignals(False)
        self.exports_path.setText(str(self.privacy.exports_dir(settings)))
        self._show_retention()

    def _show_pending(self, pending: list[PendingErasure]) -> None:
        self.pending_table.setRowCount(len(pending))
        for row, p in enumerate(pending):
            for col, value in enumerate((p.full_name, local_date(p.requested_at),
                                         local_date(p.due_at))):
                self.pending_table.setItem(row, col, QTableWidgetItem(value))
            cancel = QPushButton(self.tr("Cancel"), self.pending_table)
            cancel.clicked.connect(lambda _=False, cid=p.candidate_id: self._cancel(cid))
            self.pending_table.setCellWidget(row, 3, cancel)
        self.pending_table.setVisible(bool(pending))
        self.pending_empty.setVisible(not pending)

    def _show_retention(self) -> None:
        s = self.settings
        if s is None:
            return
        if s.retention_on:
            self.retention_card.set_status(self.tr("On"), "success")
            self.retention_hint.setText(self.tr(
                "On: every day, candidates without activity for %1 months are erased (no grace "
                "period).").replace("%1", str(s.retention_months)))
            self.turn_on.setText(self.tr("Turn off"))
            self.turn_on.setEnabled(True)
        else:
            self.retention_card.set_status(self.tr("Off"))
            tried = self.dry is not None and self.dry.months == self.months.value()
            self.retention_hint.setText(self.tr(
                "Off. Run a dry run to see who would be erased, then turn it on.") if not tried
                else self.tr("Turning it on erases these people today, and others as they "
                             "reach %1 months without activity.").replace(
                    "%1", str(self.months.value())))
            self.turn_on.setText(self.tr("Turn on"))
            self.turn_on.setEnabled(tried)

    def _show_dry_run(self, dry: DryRun) -> None:
        self.dry = dry
        self.dry_table.setRowCount(len(dry.people))
        for row, p in enumerate(dry.people):
            self.dry_table.setItem(row, 0, QTableWidgetItem(p.full_name))
            self.dry_table.setItem(row, 1, QTableWidgetItem(local_date(p.last_activity)))
        self.dry_table.setVisible(bool(dry.people))
        if dry.total == 0:
            text = self.tr("Nobody has been inactive for %1 months.").replace(
                "%1", str(dry.months))
        elif dry.total > len(dry.people):
            text = self.tr("%1 people would be erased (the first %2 are listed).").replace(
                "%1", f"{dry.total:,}").replace("%2", str(len(dry.people)))
        else:
            text = self.tr("%1 would be erased.").replace(
                "%1", self.tr("1 person") if dry.total == 1 else f"{dry.total:,} people")
        self.retention_message.say(text, "warning" if dry.total else "muted")
        self._show_retention()

    # ----- actions ----------------------------------------------------------------------------
    def _run(self, work: Awaitable[Any], line: MessageLine, name: str) -> None:
        async def guarded() -> None:
            try:
                await work
            except EnvironmentProblem as exc:
                line.say(exc.message, "danger")

        self.ctx.spawn(guarded(), name)

    def _save_grace(self) -> None:
        if self.settings is None:
            return
        days = self.grace.value()

        async def save() -> None:
            assert self.settings is not None
            self._show_settings(await self.privacy.save(replace(self.settings,
                                                                grace_days=days)))
            self._show_pending(await self.privacy.pending())
            self.erasure_message.say(self.tr("Saved: erasures run %1 days after the request.")
                                     .replace("%1", str(days)), "success")

        self._run(save(), self.erasure_message, "privacy.grace")

    def _cancel(self, candidate_id: int) -> None:
        async def cancel() -> None:
            await self.privacy.cancel(candidate_id)
            self._show_pending(await self.privacy.pending())
            self.erasure_message.say(self.tr("Request cancelled: nothing will be erased."),
                                     "success")

        self._run(cancel(), self.erasure_message, "privacy.cancel")

    def _months_changed(self, _value: int) -> None:
        self.dry_table.hide()
        self.retention_message.clear_message()
        self._show_retention()

    def _dry_run(self) -> None:
        months = self.months.value()

        async def run() -> None:
            self.retention_message.say(self.tr("Looking for inactive candidates…"))
            self._show_dry_run(await self.privacy.dry_run(months))

        self._run(run(), self.retention_message, "privacy.dry_run")

    def _toggle(self) -> None:
        on = not (self.settings is not None and self.settings.retention_on)
        months = self.months.value()

        async def toggle() -> None:
            self._show_settings(await self.privacy.set_retention(on, months))
            self.retention_message.say(self.tr("Retention is on; it applies daily.") if on
                                       else self.tr("Retention is off."), "success")

        self._run(toggle(), self.retention_message, "privacy.retention")

    def _change_exports(self) -> None:
        if self.settings is None:
            return
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Exports folder"),
                                                  self.exports_path.text())
        if not chosen:
            return

        async def save() -> None:
            assert self.settings is not None
            self._show_settings(await self.privacy.save(replace(self.settings,
                                                                exports_dir=chosen)))

        self._run(save(), self.exports_message, "privacy.exports_dir")

    def _open_exports(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(self.exports_path.text()))
