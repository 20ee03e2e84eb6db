"""The "Apply by email" group of the interviewer's Integrations tab: the interviewer's own
address (``addresses.apply_address``, the one function the wizard's Share step and the
poster use too) with Copy, what happens to mail sent there, and — in demo mode — "Send a
test application…", which drops an email with a generated résumé in the demo mailbox."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.email_intake.service import ApplyAddress, ApplyByEmail
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.cards import MessageLine


class ApplyByEmailGroup(QGroupBox):
    """``loaded`` fires after each load; ``sent(name)`` after a demo application went out."""

    loaded = Signal()
    sent = Signal(str)

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Apply by email"), parent)
        self.ctx = ctx
        env = getattr(ctx.workspace.integrations, "env", None) or {}
        self.service = ApplyByEmail(ctx.workspace.db, env)
        self.interviewer_id: int | None = None
        self.current: ApplyAddress | None = None
        self._generation = 0

        self.explain = QLabel(self.tr(
            "Candidates who email this address become candidates of this interviewer: their "
            "résumé is read and scored on the Résumé stage, and they are invited as your "
            "outreach settings say."), self)
        self.explain.setWordWrap(True)
        self.explain.setProperty("muted", True)
        self.address_label = QLabel(self)
        self.address_label.setObjectName("applyAddress")
        self.address_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.address_label.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.copy_button = QPushButton(self.tr("Copy"), self)
        self.copy_button.setToolTip(self.tr("Copy the address to paste it in a job ad"))
        self.demo_button = QPushButton(self.tr("Send a test application…"), self)
        self.demo_button.setToolTip(self.tr(
            "Demo: someone applies to this address with a PDF résumé. They appear in this "
            "interviewer within a few seconds."))
        row = QHBoxLayout()
        row.addWidget(self.address_label, 1)
        row.addWidget(self.copy_button)
        row.addWidget(self.demo_button)
        self.message = MessageLine(self)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(self.explain)
        layout.addLayout(row)
        layout.addWidget(self.message)
        self.copy_button.clicked.connect(self.copy)
        self.demo_button.clicked.connect(self.send_test)
        self.demo_button.setVisible(self.service.demo)
        self.copy_button.setEnabled(False)
        self.address_label.setText(self.tr("Loading…"))

    def load(self, interviewer_id: int) -> None:
        self.interviewer_id = interviewer_id
        self._generation += 1
        generation = self._generation

        async def work() -> None:
            try:
                found = await self.service.address_of(interviewer_id)
            except EnvironmentProblem as exc:
                if isValid(self):
                    self.message.say(exc.message, "danger")
                return
            if isValid(self) and generation == self._generation:
                self.show_address(found)

        self.ctx.spawn(work(), "interviewers.apply_email.load", owner=self)

    def show_address(self, found: ApplyAddress) -> None:
        self.current = found
        if found.address:
            self.address_label.setText(found.address)
            self.address_label.setProperty("muted", False)
        else:
            self.address_label.setText(self.tr("No apply address yet"))
            self.address_label.setProperty("muted", True)
            self.message.say(self.tr(
                "Connect the mailbox under Integrations → Email → Mailbox (apply by email) to "
                "give every interviewer its own address."), "muted")
        self.address_label.style().unpolish(self.address_label)
        self.address_label.style().polish(self.address_label)
        self.copy_button.setEnabled(bool(found.address))
        self.demo_button.setEnabled(bool(found.address))
        self.loaded.emit()

    def copy(self) -> None:
        if self.current is None or not self.current.address:
            return
        QApplication.clipboard().setText(self.current.address)
        self.message.say(self.tr("Copied {address}.").format(address=self.current.address),
                         "success")

    def send_test(self) -> None:
        iid = self.interviewer_id
        if iid is None:
            return
        self.demo_button.setEnabled(False)
        self.message.say(self.tr("Sending a test application…"), "muted")

        async def work() -> None:
            try:
                name = await self.service.send_test_application(iid)
            except EnvironmentProblem as exc:
                if isValid(self):
                    self.message.say(exc.message, "danger")
                    self.demo_button.setEnabled(True)
                return
            if isValid(self):
                self.demo_button.setEnabled(True)
                self.message.say(self.tr(
                    "{name} applied by email with a PDF résumé. They appear on the "
                    "Candidates tab in a few seconds, with the Résumé stage scored."
                ).format(name=name), "success")
                self.sent.emit(name)

        self.ctx.spawn(work(), "interviewers.apply_email.demo", owner=self)


__all__ = ["ApplyByEmailGroup"]
