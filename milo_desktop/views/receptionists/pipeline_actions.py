"""The pipeline's row actions: the Ingest chooser and its outcome, the contact buttons (copy,
tel:, mailto:) and the row menu (a mixin of PipelineSection)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget
from shiboken6 import isValid

from milo_desktop.enums import CallReview
from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.candidates import format_phone
from milo_desktop.services.pipeline import CallDetail, CallRow, PipelineService
from milo_desktop.views.context import ViewContext
from milo_desktop.views.receptionists import pipeline_format as fmt
from milo_desktop.views.receptionists.call_details import CallDetailsDialog
from milo_desktop.views.receptionists.ingest_dialog import IngestDialog
from milo_desktop.views.receptionists.review_actions import ActionBanner, decide
from milo_desktop.views.widgets.banner import Banner

if TYPE_CHECKING:
    _Base = QWidget  # the section is one: for the type checker, so is this mixin of it
else:
    _Base = object


class PipelineActions(_Base):
    """Needs the section's ``ctx``, ``service``, ``banner``, ``open_url``, ``open_call``,
    ``ingest_row`` and ``_run``; keeps the last ``ingest_dialog`` for tests."""

    # Provided by PipelineSection.
    ctx: ViewContext
    service: PipelineService
    banner: Banner
    ingest_dialog: IngestDialog | None
    open_url: Callable[[QUrl], object]
    confirm: Callable[[str, str], bool]
    open_call: Callable[[int], CallDetailsDialog]
    ingest_row: Callable[[CallRow], None]
    _run: Callable[[Coroutine[Any, Any, Any], str], None]

    def open_ingest_dialog(self, detail: CallDetail, banner: Banner) -> IngestDialog:
        """The interviewer chooser; the outcome ("Invited" / "Already invited") goes to
        ``banner`` (this screen's, or the details window's). For a caller whose number is
        unverified the dialog says what inviting would do and asks for confirmation."""
        name = detail.row.caller_name or self.tr("this caller")
        possible = detail.possible_match.full_name if detail.possible_match else None
        dialog = IngestDialog(name, detail.interviewers, self.window(),
                              unverified=detail.number_warning, possible=possible)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def chosen(interviewer_id: int) -> None:
            confirmed, use_match = dialog.confirmed, dialog.use_possible_match
            who = possible if use_match and possible else name

            async def go() -> None:
                try:
                    result = await self.service.ingest(detail.row.id, interviewer_id,
                                                       confirm_unverified=confirmed,
                                                       use_possible_match=use_match)
                except EnvironmentProblem as exc:
                    if isValid(banner):
                        banner.say(exc.message, problem=True)
                    return
                if result.already_invited:
                    text = self.tr("Already invited: {name} is in “{iv}”; approved, not invited "
                                   "again.")
                else:
                    text = (self.tr("Invited {name} to “{iv}” and added them to your "
                                    "directory.") if result.candidate_created
                            else self.tr("Invited {name} to “{iv}”."))
                    text += " " + (self.tr("The invitation email is queued — connect an "
                                           "email account under Integrations → Email to "
                                           "send it.") if result.email_waiting
                                   else self.tr("The invitation is on its way."))
                if isValid(banner):
                    banner.say(text.format(name=who, iv=result.interviewer_name))

            self.ctx.spawn(go(), "pipeline.ingest")

        dialog.chosen.connect(chosen)
        self.ingest_dialog = dialog
        dialog.open()
        return dialog

    def decide(self, row: CallRow, review: CallReview) -> None:
        """Approve / Reject from the row menu; the banner says so, with Undo."""
        banner = self.banner
        if isinstance(banner, ActionBanner):
            decide(self.ctx, self.service, row.id, row.caller_name, review, banner)

    def contact_action(self, key: str, row: CallRow) -> None:
        """copy_phone, call (tel:), copy_email, mail (mailto:). An unverified number is
        copied as the caller gave it, and dialled only after the user confirms."""
        clipboard = QGuiApplication.clipboard()
        if key == "copy_phone" and (row.from_e164 or row.number_raw):
            copied = (row.number_raw if row.number_unverified else None) or row.from_e164 or ""
            clipboard.setText(copied)
            self.banner.say(self.tr("Copied {phone}.").format(
                phone=fmt.phone_cell_text(row.phone_display, row.number_unverified)))
        elif key == "copy_email" and row.email:
            clipboard.setText(row.email)
            self.banner.say(self.tr("Copied {email}.").format(email=row.email))
        elif key == "call" and row.dial_number:
            if row.number_unverified and not self.confirm(
                    self.tr("Call an unverified number?"),
                    fmt.confirm_call_text(row.phone_display, format_phone(row.dial_number))):
                return
            self.open_url(QUrl(f"tel:{row.dial_number}"))
        elif key == "mail" and row.email:
            self.open_url(QUrl(f"mailto:{row.email}"))

    def ask_user(self, title: str, question: str) -> bool:
        """Yes / No (No by default) before dialling or texting an unverified number."""
        answer = QMessageBox.question(
            self, title, question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def row_menu(self, row: CallRow) -> QMenu:
        menu = QMenu(self)

        def add(text: str, slot: Any, enabled: bool = True) -> None:
            action = menu.addAction(text)
            action.setEnabled(enabled)
            action.triggered.connect(slot)

        add(self.tr("View details"), lambda: self.open_call(row.id))
        add(self.tr("Ingest…"), lambda: self.ingest_row(row))
        menu.addSeparator()
        add(self.tr("Approve"), lambda: self.decide(row, CallReview.APPROVED))
        add(self.tr("Reject"), lambda: self.decide(row, CallReview.REJECTED))
        menu.addSeparator()
        for key, text, ok in (("copy_phone", self.tr("Copy phone"),
                               row.from_e164 or row.number_raw),
                              ("call", self.tr("Call"), row.dial_number),
                              ("copy_email", self.tr("Copy email"), row.email),
                              ("mail", self.tr("Send email"), row.email)):
            add(text, lambda _c=False, k=key: self.contact_action(k, row), bool(ok))
        return menu
