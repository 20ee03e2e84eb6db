"""The Communication card: the workspace's communication policy (master switch, nudges,
business hours and blackout dates in a time zone, SMS)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Awaitable, Callable
from dataclasses import replace

from PySide6.QtCore import QDate, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.flows.config import to_e164
from milo_desktop.services.outreach import CommunicationPolicy, OutreachService, hours_text
from milo_desktop.services.outreach.policy import MAX_COOLDOWN_HOURS, MAX_NUDGES, WEEKDAYS
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.cards import Card, MessageLine
from milo_desktop.views.widgets.formatting import date_format, local_day, py_date, py_time
from milo_desktop.views.widgets.search_picker import SearchPicker

LOCAL_ZONE = ""


class CommunicationCard(Card):
    """``saved(CommunicationPolicy)`` after a successful save; ``loaded`` after each load."""

    saved = Signal(object)
    loaded = Signal()

    def __init__(self, ctx: ViewContext, service: OutreachService,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Communication"), parent)
        self.ctx = ctx
        self.service = service
        self.policy = CommunicationPolicy()
        self._busy = False
        intro = QLabel(self.tr("When and how often Milo may contact candidates. Messages "
                               "outside business hours are kept and sent when they open."), self)
        intro.setWordWrap(True)
        intro.setProperty("muted", True)
        self.body.addWidget(intro)
        self._build()
        self.message = MessageLine(self)
        self.body.addWidget(self.message)
        self.set_status(self.tr("Loading…"))

    def _build(self) -> None:
        self.enabled_check = QCheckBox(self.tr("Send messages to candidates (master switch)"),
                                       self)
        self.cooldown_spin = QSpinBox(self)
        self.cooldown_spin.setRange(0, MAX_COOLDOWN_HOURS)
        self.cooldown_spin.setSuffix(self.tr(" hours"))
        self.max_spin = QSpinBox(self)
        self.max_spin.setRange(0, MAX_NUDGES)
        self.max_spin.setSuffix(self.tr(" reminders"))
        for spin in (self.cooldown_spin, self.max_spin):
            spin.setFixedWidth(150)
        self.hours_check = QCheckBox(self.tr("Only during business hours"), self)
        self.start_edit = QTimeEdit(self)
        self.end_edit = QTimeEdit(self)
        for edit in (self.start_edit, self.end_edit):
            edit.setDisplayFormat("HH:mm")
        hours = QHBoxLayout()
        hours.addWidget(self.hours_check)
        hours.addSpacing(8)
        hours.addWidget(self.start_edit)
        hours.addWidget(QLabel("–", self))
        hours.addWidget(self.end_edit)
        hours.addStretch(1)
        self.day_checks: list[QCheckBox] = []
        days = QHBoxLayout()
        for name in WEEKDAYS:
            box = QCheckBox(self.tr(name), self)
            self.day_checks.append(box)
            days.addWidget(box)
        days.addStretch(1)
        # ~600 zones: searched by any part of the name ("york"), never typed in free.
        self.zone_combo = SearchPicker(self, self.tr("Search time zones"))
        self.zone_combo.set_choices([(self.tr("This computer’s time zone"), LOCAL_ZONE)] + [
            (name.replace("_", " "), name) for name in sorted(zoneinfo.available_timezones())])
        self.blackout_list = QListWidget(self)
        self.blackout_list.setMaximumHeight(72)
        self.blackout_list.hide()  # shown once it holds a date
        self.blackout_date = QDateEdit(self)
        self.blackout_date.setCalendarPopup(True)
        self.blackout_date.setDisplayFormat(date_format())
        self.blackout_date.setDate(QDate.currentDate())
        self.add_blackout = QPushButton(self.tr("Add date"), self)
        self.remove_blackout = QPushButton(self.tr("Remove"), self)
        blackout_row = QHBoxLayout()
        blackout_row.addWidget(self.blackout_date)
        blackout_row.addWidget(self.add_blackout)
        blackout_row.addWidget(self.remove_blackout)
        blackout_row.addStretch(1)
        blackout = QVBoxLayout()
        blackout.addLayout(blackout_row)
        blackout.addWidget(self.blackout_list)
        self.sms_check = QCheckBox(self.tr("Also by SMS when a mobile number is known "
                                           "(through Twilio)"), self)
        # The sender is one of the connected Twilio account's numbers, picked from a list
        # (typed by hand only while the account's numbers are not known: offline, no Twilio).
        self.sms_from_edit = QComboBox(self)
        self.sms_from_edit.setEditable(True)
        self.sms_from_edit.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        sender_line = self.sms_from_edit.lineEdit()
        assert sender_line is not None  # an editable combo box has one
        sender_line.setPlaceholderText(self.tr("+15551234567 (else the interviewer's number)"))
        self.account_numbers: frozenset[str] = frozenset()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("", self.enabled_check)
        form.addRow(self.tr("Between reminders"), self.cooldown_spin)
        form.addRow(self.tr("Reminders at most"), self.max_spin)
        form.addRow(self.tr("Hours"), hours)
        form.addRow(self.tr("Days"), days)
        form.addRow(self.tr("Time zone"), self.zone_combo)
        form.addRow(self.tr("Blackout dates"), blackout)
        form.addRow(self.tr("SMS"), self.sms_check)
        form.addRow(self.tr("SMS sender"), self.sms_from_edit)
        self.body.addLayout(form)
        self.save_button = QPushButton(self.tr("Save policy"), self)
        self.save_button.setProperty("primary", True)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setProperty("muted", True)
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.save_button)
        self.body.addLayout(row)
        self.hours_check.toggled.connect(self._hours_toggled)
        self.sms_check.toggled.connect(self.sms_from_edit.setEnabled)
        self.add_blackout.clicked.connect(self._add_blackout)
        self.remove_blackout.clicked.connect(self._remove_blackout)
        self.save_button.clicked.connect(self.save)

    # ----- widgets ↔ policy ---------------------------------------------------------------
    def _hours_toggled(self, on: bool) -> None:
        self.start_edit.setEnabled(on)
        self.end_edit.setEnabled(on)

    def _add_blackout(self) -> None:
        day = py_date(self.blackout_date.date())
        if day not in self.blackout_dates():
            self._show_blackouts([*self.blackout_dates(), day])

    def _show_blackouts(self, days: list[dt.date]) -> None:
        self.blackout_list.clear()
        for day in sorted(days):  # by date: the shown text follows the locale
            item = QListWidgetItem(local_day(day))
            item.setData(Qt.ItemDataRole.UserRole, day)
            self.blackout_list.addItem(item)
        self.blackout_list.setVisible(bool(days))

    def _remove_blackout(self) -> None:
        for item in self.blackout_list.selectedItems():
            self.blackout_list.takeItem(self.blackout_list.row(item))
        self.blackout_list.setVisible(self.blackout_list.count() > 0)

    def blackout_dates(self) -> list[dt.date]:
        return [self.blackout_list.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.blackout_list.count())]

    def _zone(self) -> str:
        self.zone_combo.settle()  # a half-typed search is not a zone
        return str(self.zone_combo.value() or LOCAL_ZONE)

    def form_policy(self) -> CommunicationPolicy:
        hours = ((py_time(self.start_edit.time()), py_time(self.end_edit.time()))
                 if self.hours_check.isChecked() else None)
        return replace(
            self.policy, enabled=self.enabled_check.isChecked(),
            nudge_cooldown_hours=self.cooldown_spin.value(), max_nudges=self.max_spin.value(),
            hours=hours, days=frozenset(i for i, b in enumerate(self.day_checks) if b.isChecked()),
            blackout_dates=tuple(sorted(self.blackout_dates())), timezone=self._zone(),
            sms_enabled=self.sms_check.isChecked(), sms_from=self.sms_from_edit.currentText().strip())

    def show_policy(self, p: CommunicationPolicy) -> None:
        self.policy = p
        self.enabled_check.setChecked(p.enabled)
        self.cooldown_spin.setValue(p.nudge_cooldown_hours)
        self.max_spin.setValue(p.max_nudges)
        start, end = p.hours or (dt.time(9), dt.time(17))
        self.start_edit.setTime(QTime(start.hour, start.minute))
        self.end_edit.setTime(QTime(end.hour, end.minute))
        self.hours_check.setChecked(p.hours is not None)
        self._hours_toggled(p.hours is not None)
        for i, box in enumerate(self.day_checks):
            box.setChecked(i in p.days)
        if not self.zone_combo.select_value(p.timezone):
            self.zone_combo.setCurrentIndex(0)
        self._show_blackouts(list(p.blackout_dates))
        self.sms_check.setChecked(p.sms_enabled)
        self.sms_from_edit.setEditText(p.sms_from)
        self.sms_from_edit.setEnabled(p.sms_enabled)
        self.summary.setText(self.tr("Sending: {when}.").format(when=hours_text(p)))
        if p.enabled:
            self.set_status(self.tr("On"), "success")
        else:
            self.set_status(self.tr("Paused — nothing is sent"), "warning")

    # ----- load / save --------------------------------------------------------------------
    def is_busy(self) -> bool:
        return self._busy

    def load(self) -> None:
        async def work() -> None:
            receptionists = getattr(self.ctx.workspace, "receptionists", None)
            numbers = [] if receptionists is None else await receptionists.account_numbers()
            self.set_numbers([n.e164 for n in numbers])
            self.show_policy(await self.service.policy())
            self.loaded.emit()
        self._spawn(work, "outreach.policy.load")

    def set_numbers(self, numbers: list[str]) -> None:
        """The connected account's numbers: offered as senders, and the only ones accepted."""
        text = self.sms_from_edit.currentText()
        self.sms_from_edit.clear()
        self.sms_from_edit.addItems(numbers)
        self.sms_from_edit.setEditText(text)
        self.account_numbers = frozenset(numbers)

    def sender_problem(self, sender: str) -> str | None:
        """Why ``sender`` cannot send texts, or None (blank: each interviewer's own number)."""
        if not sender:
            return None
        e164 = to_e164(sender)
        if e164 is None:
            return self.tr("“{sender}” is not a phone number. Pick one of your Twilio "
                           "numbers.").format(sender=sender)
        if self.account_numbers and e164 not in self.account_numbers:
            return self.tr("{sender} is not a number of the connected Twilio account: pick one "
                           "of its numbers from the list.").format(sender=sender)
        return None

    def save(self) -> None:
        policy = self.form_policy()
        if (problem := self.sender_problem(policy.sms_from)) is not None:
            self.message.say(problem, "danger")
            self.sms_from_edit.setFocus()
            return

        async def work() -> None:
            saved = await self.service.save_policy(policy)
            self.show_policy(saved)
            self.message.say(self.tr("Saved."), "success")
            self.saved.emit(saved)
        self._spawn(work, "outreach.policy.save")

    def _spawn(self, work: Callable[[], Awaitable[None]], name: str) -> None:
        if self._busy:
            return
        self._busy = True
        self.save_button.setEnabled(False)

        async def guarded() -> None:
            try:
                await work()
            except EnvironmentProblem as exc:
                self.message.say(exc.message, "danger")
            finally:
                self._busy = False
                if isValid(self.save_button):  # the card may be gone (work cancelled on close)
                    self.save_button.setEnabled(True)
        self.ctx.spawn(guarded(), name)
