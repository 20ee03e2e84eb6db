"""The Invite and Blast dialogs, the Directory's "Invite to interviewer…", and the Email,
Communication and Templates cards, driven like a user over a real SQLite workspace (the mail
server is aiosmtpd on 127.0.0.1, the keychain an in-memory keyring backend)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from milo_desktop.enums import InterviewerStatus, StageKind
from milo_desktop.models import Application, Candidate, WorkspaceSetting
from milo_desktop.models.messaging import Message
from milo_desktop.services.connectors.email.smtp import KEY_PASSWORD
from milo_desktop.services.connectors.twilio.integration import IntegrationsService
from milo_desktop.services.core.credentials import SERVICE, CredentialStore
from milo_desktop.services.links import set_account
from milo_desktop.services.outreach import CommunicationPolicy
from milo_desktop.services.outreach.batches import load_policy
from milo_desktop.services.outreach.templates import template_rows
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.candidates import DirectorySection
from milo_desktop.views.outreach import BlastDialog, InviteDialog, OutreachSection
from milo_desktop.views.settings import IntegrationsSection
from milo_desktop.views.settings.policy_card import CommunicationCard
from milo_desktop.views.settings.templates_card import TemplatesCard
from tests.factories import make_application, make_candidate, make_interviewer
from tests.keychains import MemoryKeychain
from tests.smtp_server import PASSWORD, USER, MailServer, mail_server


@pytest.fixture
def server() -> Iterator[MailServer]:
    with mail_server() as srv:
        yield srv


def seed(ws: Workspace) -> dict[str, Any]:
    active = make_interviewer(ws, "Forklift Operator", slug="forklift", deadline=None,
                              phone_number="+15550100009")
    make_interviewer(ws, "Old Role", slug="old", status=InterviewerStatus.ARCHIVED)
    make_interviewer(ws, "Past Role", slug="past",
                     deadline=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    people = [make_candidate(ws, name) for name in ("Ada Lovelace", "Grace Hopper")]
    no_mail = make_candidate(ws, "Alan Turing")
    ws.db.run_sync(lambda s: setattr(s.get(Candidate, no_mail), "email", None), write=True)
    return {"iv": active, "people": people, "no_mail": no_mail}


def open_invite(qtbot: Any, ctx: Any, ids: list[int]) -> InviteDialog:
    dialog = InviteDialog(ctx, ids)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.is_ready)
    return dialog


def test_invite_dialog_offers_active_interviewers_previews_and_reports(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    data = seed(ws)
    ctx = make_ctx(ws)
    dialog = open_invite(qtbot, ctx, [*data["people"], data["no_mail"]])
    assert [dialog.combo.itemText(i) for i in range(dialog.combo.count())] == [
        "Forklift Operator"]  # archived and expired interviewers are not offered
    assert dialog.intro.text() == "Invite 3 candidates to a screening interview."
    assert dialog.channels.text().startswith("Email (always). SMS invitations are off")
    preview = dialog.preview.toPlainText()
    assert preview.startswith("Subject: Your interview for Forklift Operator")
    # No candidate page: the invitation says how the next stage (a résumé) starts.
    assert "Hi Ada Lovelace," in preview and "résumé attached" in preview
    assert "http" not in preview
    qtbot.mouseClick(dialog.invite_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report is not None)
    # No email account is connected: nothing goes out yet, and the dialog says why.
    assert dialog.message.text() == ("2 queued — connect an email account to send; "
                                     "skipped 1 without an email address.")
    assert dialog.message.tone == "warning" and dialog.invite_button.text() == "Close"
    apps = ws.db.run_sync(lambda s: sorted(s.scalars(select(Application.candidate_id))))
    assert apps == sorted(data["people"])
    # Again: nobody is invited twice.
    again = open_invite(qtbot, ctx, data["people"][:1])
    assert again.intro.text() == "Invite Ada Lovelace to a screening interview."
    qtbot.mouseClick(again.invite_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: again.report is not None)
    assert again.message.text() == "Skipped 1 already invited."
    assert again.message.tone == "danger"


def connect_email(ws: Workspace) -> None:
    """What Integrations → Email stores once an account is connected (settings only)."""
    ws.db.run_sync(lambda s: s.add(WorkspaceSetting(key="smtp.settings", value={
        "host": "smtp.agency.example", "port": 587, "security": "starttls", "username": "",
        "from_address": "jobs@agency.example", "from_name": ""})), write=True)


def test_invite_dialog_reports_sending_when_an_email_account_is_connected(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    data = seed(ws)
    connect_email(ws)
    dialog = open_invite(qtbot, make_ctx(ws), [*data["people"], data["no_mail"]])
    # Nothing blocks; the Résumé stage's one source is said up front, calmly.
    assert dialog.readiness.tone == "muted" and dialog.invite_button.isEnabled()
    assert dialog.readiness.text().startswith("Résumés are attached by hand")
    assert "email account" not in dialog.readiness.text()
    qtbot.mouseClick(dialog.invite_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report is not None)
    assert dialog.message.text() == "Sending to 2; skipped 1 without an email address."


def test_invite_dialog_refuses_an_sms_screening_without_a_phone_number(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    iv = make_interviewer(ws, "Line Cook", slug="line-cook", deadline=None,
                          stages=(StageKind.SMS,))
    people = [make_candidate(ws, "Ana Text", phone_e164="+15550100222")]
    dialog = open_invite(qtbot, make_ctx(ws), people)
    dialog.choose(iv)
    qtbot.waitUntil(lambda: dialog.readiness.isVisible())
    assert dialog.readiness.tone == "danger"
    assert dialog.readiness.text().startswith(
        "This interviewer cannot take candidates yet: The “Sms” stage texts candidates, but "
        "there is no phone number to text from")
    assert "No email account is connected" not in dialog.readiness.text()
    assert not dialog.invite_button.isEnabled()
    dialog.resize(620, dialog.sizeHint().height())
    dialog.invite()  # Enter on the dialog: still nothing
    assert dialog.report is None
    assert ws.db.run_sync(lambda s: s.scalar(select(func.count()).select_from(Message))) == 0


def test_invite_dialog_without_active_interviewers_says_so(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    make_interviewer(ws, "Old Role", slug="old", status=InterviewerStatus.ARCHIVED)
    dialog = open_invite(qtbot, make_ctx(ws), [make_candidate(ws, "Solo Person")])
    assert dialog.combo.count() == 0 and not dialog.invite_button.isEnabled()
    assert "No active interviewer takes new candidates" in dialog.message.text()


def test_directory_invites_the_selected_candidates(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    data = seed(ws)
    section = DirectorySection(make_ctx(ws))
    qtbot.addWidget(section)
    section.resize(1200, 700)
    section.show()
    qtbot.waitUntil(section.is_loaded)
    assert not section.invite_button.isEnabled()
    selection = section.table.selectionModel()
    flags = (QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    for row in range(2):
        selection.select(section.model.index(row, 0), flags)
    assert section.invite_button.isEnabled()
    chosen = set(section.selected_candidate_ids())
    assert len(chosen) == 2
    menu = section.row_menu(section.model.rows()[0])
    assert "Invite 2 candidates to interviewer…" in [a.text() for a in menu.actions()]
    menu.deleteLater()
    qtbot.mouseClick(section.invite_button, Qt.MouseButton.LeftButton)
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, InviteDialog)
               and w.isVisible()]
    assert len(dialogs) == 1 and set(dialogs[0].candidate_ids) == chosen
    qtbot.waitUntil(dialogs[0].is_ready)
    dialogs[0].choose(data["iv"])
    dialogs[0].reject()


def test_blast_dialog_counts_limits_previews_and_reports_rate_limited(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    # {{link}} is offered only with a candidate page the agency hosts (Settings → Account).
    ws.db.run_sync(lambda s: set_account(s, candidate_page="https://jobs.agency.example/apply"),
                   write=True)
    iv = make_interviewer(ws, "Line Cook", slug="line-cook", deadline=None)
    other = make_interviewer(ws, "Prep Cook", slug="prep-cook", deadline=None)
    eve = make_candidate(ws, "Eve Adams")
    apps = [make_application(ws, eve, iv), make_application(ws, make_candidate(ws, "Fay B"), iv),
            make_application(ws, eve, other)]
    dialog = BlastDialog(make_ctx(ws), apps)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.is_ready)
    assert dialog.windowTitle() == "Blast to 3 candidates"
    assert not dialog.sms_body.isEnabled() and "SMS is off" in dialog.sms_note.text()
    assert not dialog.send_button.isEnabled()  # nothing written yet
    qtbot.keyClicks(dialog.subject.edit, "x" * 201)
    assert dialog.subject.counter.text() == "201 / 200" and dialog.subject.counter.over()
    dialog.email_body.set_text("Hi {{candidate_name}}, new shifts at {{link}}")
    assert not dialog.send_button.isEnabled()
    dialog.subject.set_text("Shifts for {{job_title}}")
    dialog.update_preview()
    assert dialog.send_button.isEnabled()
    assert dialog.preview.toPlainText() == (
        "Subject: Shifts for Line Cook\n\nHi Eve Adams, new shifts at "
        "https://jobs.agency.example/apply/line-cook")
    dialog.email_body.set_text("Hi {{nickname}}")
    dialog.update_preview()
    assert "Unknown placeholder {{nickname}}" in dialog.preview.toPlainText()
    dialog.email_body.set_text("Hi {{candidate_name}}")
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report is not None)
    assert dialog.message.text() == ("2 queued — connect an email account to send; "
                                     "1 rate-limited (one per hour).")
    assert dialog.send_button.text() == "Close"
    bodies = ws.db.run_sync(lambda s: list(s.scalars(select(Message.body).where(
        Message.purpose == "blast"))))
    assert sorted(bodies) == ["Hi Eve Adams", "Hi Fay B"]


# ----- Integrations: Email, Communication, Templates ---------------------------------------------
def section(qtbot: Any, make_ctx: Any, ws: Workspace, chain: MemoryKeychain
            ) -> IntegrationsSection:
    service = IntegrationsService(CredentialStore(chain), ws.db, bus=ws.bus, env={})
    widget = IntegrationsSection(make_ctx(ws), service)
    qtbot.addWidget(widget)
    widget.resize(1300, 900)
    widget.show()
    qtbot.waitUntil(widget.is_loaded)
    qtbot.waitUntil(lambda: not widget.email.is_busy())
    return widget


def outreach(qtbot: Any, make_ctx: Any, ws: Workspace, tab: str) -> OutreachSection:
    """Outreach on ``tab`` ("policy", "templates"), with the Settings cards the main window
    hands it, once that card has loaded."""
    ctx = make_ctx(ws)
    widget = OutreachSection(ctx, templates=TemplatesCard(ctx, ws.outreach),
                             policy=CommunicationCard(ctx, ws.outreach))
    qtbot.addWidget(widget)
    widget.resize(1300, 900)
    widget.show()
    widget.show_tab(tab)
    card: Any = widget.communication if tab == "policy" else widget.templates
    qtbot.waitUntil(lambda: not card.is_busy() and (
        card.status.text() != "" if tab == "policy" else card.choice.count() > 0))
    return widget


def fill_email(qtbot: Any, widget: IntegrationsSection, srv: MailServer, password: str) -> None:
    card = widget.email
    card.host_edit.setText("127.0.0.1")
    card.security_combo.setCurrentIndex(card.security_combo.findText("None (local relay only)"))
    card.port_spin.setValue(srv.port)
    card.username_edit.setText(USER)
    card.password_edit.setText(password)
    card.from_edit.setText(USER)
    card.name_edit.setText("Acme Staffing")


def click(qtbot: Any, widget: IntegrationsSection, button: Any) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not widget.email.is_busy(), timeout=10_000)


def test_email_card_tests_saves_and_reloads_the_connection(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace, server: MailServer) -> None:
    chain = MemoryKeychain()
    widget = section(qtbot, make_ctx, sqlite_workspace, chain)
    card = widget.email
    assert "Not connected" in card.status.text() and not card.disconnect_button.isVisible()
    assert card.password_edit.echoMode() == card.password_edit.EchoMode.Password
    card.host_edit.setText("not a host!")
    click(qtbot, widget, card.test_button)
    assert "mail server's host name" in card.message.text() and card.message.tone == "danger"
    fill_email(qtbot, widget, server, "wrong")
    click(qtbot, widget, card.save_button)
    assert "refused the username or password" in card.message.text()
    assert chain.items == {}
    card.password_edit.setText(PASSWORD)
    click(qtbot, widget, card.test_button)
    assert card.message.text().startswith("The mail server accepted these settings")
    assert chain.items == {}  # testing stores nothing
    click(qtbot, widget, card.save_button)
    assert "Connected" in card.status.text(), card.message.text()
    assert chain.items == {(SERVICE, KEY_PASSWORD): PASSWORD}
    assert card.password_edit.text() == ""
    assert card.sending_label.text() == (f"Sending as Acme Staffing <{USER}> via "
                                         f"127.0.0.1:{server.port}.")
    again = section(qtbot, make_ctx, sqlite_workspace, chain)  # the next launch
    assert "Connected" in again.email.status.text()
    assert again.email.port_spin.value() == server.port and again.email.from_edit.text() == USER
    click(qtbot, again, again.email.disconnect_button)
    assert "Not connected" in again.email.status.text() and chain.items == {}


def test_communication_card_saves_business_hours_in_a_time_zone(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    widget = outreach(qtbot, make_ctx, ws, "policy")
    card = widget.communication
    assert card.enabled_check.isChecked() and "On" in card.status.text()
    assert not card.start_edit.isEnabled()
    card.hours_check.setChecked(True)
    card.start_edit.setTime(card.start_edit.time().fromString("17:00", "HH:mm"))
    card.end_edit.setTime(card.end_edit.time().fromString("09:00", "HH:mm"))
    qtbot.mouseClick(card.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: card.message.text() != "" and not card.is_busy())
    assert "end after they start" in card.message.text() and card.message.tone == "danger"
    card.start_edit.setTime(card.start_edit.time().fromString("08:30", "HH:mm"))
    card.end_edit.setTime(card.end_edit.time().fromString("18:00", "HH:mm"))
    card.day_checks[5].setChecked(False)
    card.day_checks[6].setChecked(False)
    card.zone_combo.setCurrentIndex(card.zone_combo.findData("America/Chicago"))
    card.max_spin.setValue(2)
    card.blackout_date.setDate(card.blackout_date.date().fromString("2026-12-25", "yyyy-MM-dd"))
    qtbot.mouseClick(card.add_blackout, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(card.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: card.message.text() == "Saved.")
    saved = ws.db.run_sync(load_policy)
    assert saved == CommunicationPolicy(
        max_nudges=2, hours=(dt.time(8, 30), dt.time(18)), days=frozenset(range(5)),
        blackout_dates=(dt.date(2026, 12, 25),), timezone="America/Chicago")
    assert card.summary.text() == "Sending: Mon, Tue, Wed, Thu, Fri 08:30–18:00 (America/Chicago)."


def test_templates_card_checks_placeholders_and_saves(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    widget = outreach(qtbot, make_ctx, ws, "templates")
    card = widget.templates
    assert card.choice.count() == 8 and card.choice.currentText() == "Invitation (email)"
    assert card.preview.text().startswith("Subject: Your interview for Warehouse Associate")
    card.select("Nudge (SMS)")
    assert not card.subject.isVisible()
    card.text.set_text("Hi {{first_name}}!")
    assert card.preview.text().startswith("Unknown placeholder {{first_name}}")
    qtbot.mouseClick(card.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: card.message.text() != "" and not card.is_busy())
    assert card.message.tone == "danger"
    card.text.set_text("Hi ")
    card.text.edit.moveCursor(card.text.edit.textCursor().MoveOperation.End)
    card.chips.insert("candidate_name")
    assert card.text.text() == "Hi {{candidate_name}}"
    assert card.preview.text() == "Hi Alex Example"
    qtbot.mouseClick(card.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: card.message.text().startswith("Saved"))
    stored = [t for t in ws.db.run_sync(template_rows) if t.name == "Nudge (SMS)"]
    assert stored[0].body == "Hi {{candidate_name}}"
    assert card.choice.currentText() == "Nudge (SMS)"


def test_the_sms_sender_is_picked_from_the_accounts_numbers(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    """Issue 10: pickers, not free text, where the choice comes from a known list — the SMS
    sender is one of the connected Twilio account's numbers."""
    from milo_desktop.services.receptionists import ReceptionistService
    from tests.publishers import account_sandbox, sandbox_publisher

    ws: Any = sqlite_workspace
    with account_sandbox("+12145550197") as box:
        ws.receptionists = ReceptionistService(ws.db, ws.bus, sandbox_publisher(box))
        widget = outreach(qtbot, make_ctx, ws, "policy")
        card = widget.communication
        qtbot.waitUntil(lambda: card.account_numbers == {"+12145550197"}, timeout=10_000)
        assert [card.sms_from_edit.itemText(i) for i in range(card.sms_from_edit.count())] \
            == ["+12145550197"]
        card.sms_check.setChecked(True)
        card.sms_from_edit.setEditText("+1 214 555 0111")  # not the account's
        qtbot.mouseClick(card.save_button, Qt.MouseButton.LeftButton)
        assert card.message.tone == "danger"
        assert "not a number of the connected Twilio account" in card.message.text()
        assert ws.db.run_sync(load_policy).sms_from == ""  # nothing saved
        card.sms_from_edit.setCurrentIndex(0)
        qtbot.mouseClick(card.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: card.message.text() == "Saved.", timeout=10_000)
        assert ws.db.run_sync(load_policy).sms_from == "+12145550197"
