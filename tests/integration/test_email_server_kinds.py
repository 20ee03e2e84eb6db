"""Apply via Email against mail servers that differ the way providers do, each a real pymap
server on 127.0.0.1 configured so (``LocalMailbox``'s options): one that signs in with an OAuth2
access token (AUTHENTICATE XOAUTH2, as Gmail and Microsoft 365), one without MOVE, one that
refuses to create the processed folder, and a processed folder deleted while a round runs.

Where the folder cannot be used the messages are flagged ``$MiloProcessed`` in the inbox, and
a later round never reads a flagged message again (nor makes a second candidate of it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete

from milo_desktop.models import Application, Candidate
from milo_desktop.models.email import EmailIntakeRecord
from milo_desktop.models.system import SyncCursor
from milo_desktop.sandbox.mailbox import LocalMailbox
from milo_desktop.services.connectors import Offline
from milo_desktop.services.connectors.email.imap import PROCESSED_FLAG, ImapAuth, ImapConnector
from milo_desktop.services.connectors.twilio.integration import DatabaseSettings
from milo_desktop.services.core.credentials import CredentialStore
from milo_desktop.services.email_intake.intake import EmailIntake
from milo_desktop.services.email_intake.mailbox import MailboxIntegration, MailboxState
from milo_desktop.services.resume import ResumeService
from milo_desktop.services.sync.engine import ServiceState, SyncEngine
from milo_desktop.services.sync.summary import ServiceSummary
from milo_desktop.services.workspace import Workspace
from tests.integration.test_email_intake import (
    ADDRESS,
    count,
    dana,
    imap_settings,
    make_intake,
    setup_workspace,
)

TOKEN = "ya29.a0-local-access-token"  # what an OAuth2 sign-in hands the app


# ----- XOAUTH2 -------------------------------------------------------------------------------
@pytest.fixture
def oauth_box() -> Any:
    with LocalMailbox(access_token=TOKEN) as mailbox:
        yield mailbox


def test_an_access_token_signs_in_with_xoauth2_and_a_wrong_one_is_refused(
        sqlite_workspace: Workspace, oauth_box: LocalMailbox, arun: Any) -> None:
    """The token is no password: only AUTHENTICATE XOAUTH2 takes it (LOGIN with it is
    refused), so a connected mailbox proves the XOAUTH2 exchange."""
    oauth_box.append(dana(1))
    service = MailboxIntegration(None, DatabaseSettings(sqlite_workspace.db))
    oauth = imap_settings(oauth_box, auth=ImapAuth.OAUTH2)
    status = arun(service.test(oauth, TOKEN))
    assert status.state == MailboxState.CONNECTED and status.waiting == 1
    assert arun(service.test(imap_settings(oauth_box), TOKEN)).state == \
        MailboxState.AUTH_FAILED  # the same token as a password: LOGIN refuses it
    refused = arun(service.test(oauth, "ya29.expired"))
    assert refused.state == MailboxState.AUTH_FAILED
    assert refused.message == (f"The mail server 127.0.0.1:{oauth_box.port} refused the "
                               "sign-in for jobs. Check the password or token.")
    assert "ya29" not in refused.message


def test_a_mailbox_connected_with_a_token_is_ingested_and_a_revoked_token_is_sign_in_refused(
        sqlite_workspace: Workspace, oauth_box: LocalMailbox, tmp_path: Path,
        arun: Any) -> None:
    ws = sqlite_workspace
    setup_workspace(ws)
    store = CredentialStore()
    mailbox = MailboxIntegration(store, DatabaseSettings(ws.db))
    oauth = imap_settings(oauth_box, auth=ImapAuth.OAUTH2)
    assert arun(mailbox.connect(oauth, TOKEN, ADDRESS)).state == MailboxState.CONNECTED
    oauth_box.append(dana(1))
    intake = EmailIntake(ws.db, mailbox.make_connector, mailbox.settings, tmp_path,
                         resumes=ResumeService(ws.db, ws.bus, tmp_path, ws.applications),
                         notifications=ws.notifications, bus=ws.bus)
    engine = SyncEngine(ws.db, ws.bus)
    engine.register(intake)
    assert arun(engine.run_once("email")).state == ServiceState.IDLE
    assert count(ws, Candidate) == 1 and count(ws, Application) == 1

    arun(store.set("imap:secret", "ya29.revoked"))  # the provider revoked the token
    oauth_box.append(dana(2))
    status = arun(engine.run_once("email"))  # a state, never a traceback
    assert status.state == ServiceState.AUTH_FAILED
    line = ServiceSummary("email", status.state, message=status.message).line()
    assert line == (f"email: sign-in refused - The mail server 127.0.0.1:{oauth_box.port} "
                    "refused the sign-in for jobs. Check the password or token.")
    assert count(ws, Candidate) == 1


# ----- where the processed folder cannot be used --------------------------------------------
def _flagged(box: LocalMailbox) -> list[int]:
    return sorted(u for u, flags in box.flags().items() if PROCESSED_FLAG.encode() in flags)


def _downloads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The UIDs whose whole message is downloaded."""
    fetched: list[int] = []
    original = ImapConnector.fetch_raw

    async def spy(self: ImapConnector, uids: Any) -> Any:
        fetched.extend(uids)
        return await original(self, uids)
    monkeypatch.setattr(ImapConnector, "fetch_raw", spy)
    return fetched


def test_a_folder_the_server_will_not_create_means_flagged_never_read_again(
        workspace: Workspace, tmp_path: Path, arun: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    ws = workspace
    setup_workspace(ws)
    with LocalMailbox(can_create=False) as box:
        first = box.append(dana(1), dana(2))
        fails = [1]

        def crash(uids: list[int]) -> None:  # once: stored, and stopped before the flag
            if fails:
                fails.pop()
                raise Offline("email", "the connection dropped before the flag")
        intake = make_intake(ws, box, tmp_path, before_move=crash)
        with pytest.raises(Offline):
            arun(intake.run(lambda n: None))
        assert count(ws, Candidate) == 2 and _flagged(box) == []
        assert arun(intake.run(lambda n: None)).count("applications") == 0  # only flagged
        assert _flagged(box) == first and box.uids() == first  # still in the inbox
        c = box.client()
        assert not c.folder_exists("Milo/Processed")
        c.logout()

        # The cursor lost (a workspace restored from a backup): the inbox is read from its
        # first message, and the flagged ones are passed over without downloading them.
        ws.db.run_sync(lambda s: s.execute(delete(SyncCursor)), write=True)
        later = box.append(dana(3))
        downloads = _downloads(monkeypatch)
        result = arun(intake.run(lambda n: None))
        assert downloads == later
        assert result.count("emails") == 1 and result.count("applications") == 1
        assert count(ws, Candidate) == 3 and count(ws, EmailIntakeRecord) == 3
        assert _flagged(box) == first + later


def test_a_mailbox_that_will_not_create_the_folder_still_connects(
        sqlite_workspace: Workspace, arun: Any) -> None:
    with LocalMailbox(can_create=False) as box:
        box.append(dana(1))
        mailbox = MailboxIntegration(CredentialStore(), DatabaseSettings(sqlite_workspace.db))
        status = arun(mailbox.connect(imap_settings(box), box.password, ADDRESS))
        assert status.state == MailboxState.CONNECTED
        assert status.message == (
            "Connected. 1 message waiting in INBOX. The mail server will not create the "
            "folder “Milo/Processed”, so processed messages stay in INBOX, flagged "
            "$MiloProcessed; choose a folder that exists to move them there.")
        assert arun(mailbox.make_connector()) is not None  # saved


def test_a_server_without_move_copies_and_expunges(sqlite_workspace: Workspace,
                                                  tmp_path: Path, arun: Any) -> None:
    setup_workspace(sqlite_workspace)
    with LocalMailbox(offer_move=False) as box:
        c = box.client()
        assert b"MOVE" not in c.capabilities()
        c.logout()
        box.append(dana(1), dana(2))
        assert arun(make_intake(sqlite_workspace, box, tmp_path).run(
            lambda n: None)).count("applications") == 2
        assert box.uids() == [] and len(box.uids("Milo/Processed")) == 2


def test_a_processed_folder_deleted_during_the_round_means_flagged(
        sqlite_workspace: Workspace, tmp_path: Path, arun: Any) -> None:
    ws = sqlite_workspace
    setup_workspace(ws)
    with LocalMailbox() as box:
        _deleted_during_the_round(ws, box, tmp_path, arun)


def _deleted_during_the_round(ws: Workspace, box: LocalMailbox, tmp_path: Path,
                              arun: Any) -> None:
    uids = box.append(dana(1))

    def delete_folder(_uids: list[int]) -> None:  # someone tidies the mailbox meanwhile
        c = box.client()
        try:
            if c.folder_exists("Milo/Processed"):
                c.delete_folder("Milo/Processed")
        finally:
            c.logout()
    intake = make_intake(ws, box, tmp_path, before_move=delete_folder)
    result = arun(intake.run(lambda n: None))
    assert result.count("applications") == 1
    assert _flagged(box) == uids and box.uids() == uids
    assert ws.db.run_sync(lambda s: s.query(EmailIntakeRecord.processed_at).scalar()) \
        is not None
    again = arun(make_intake(ws, box, tmp_path).run(lambda n: None))
    assert again.count("emails") == 0 and count(ws, Candidate) == 1
