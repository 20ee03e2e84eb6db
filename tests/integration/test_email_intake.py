"""Apply via Email against a real IMAP server (pymap on 127.0.0.1, over a socket), on SQLite
and PostgreSQL: connect and test; incremental ingest; re-runs ingest nothing twice; a crash
between the commit and the move; a UIDVALIDITY change; every quarantine reason with nothing
lost; Retry from quarantine; IDLE wakes the job; a DSN marks our message Bounced."""

from __future__ import annotations

import asyncio
import json
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from milo_desktop.enums import (
    CandidateSource,
    Channel,
    Direction,
    MessageStatus,
    NotificationKind,
    QuestionKind,
    StageKind,
    StageStatus,
)
from milo_desktop.models import Application, Candidate, QuarantinedRecord, StageResult
from milo_desktop.models.email import EmailIntakeRecord
from milo_desktop.models.messaging import Message
from milo_desktop.models.system import Notification, WorkspaceSetting
from milo_desktop.sandbox.mailbox import LocalMailbox
from milo_desktop.services.connectors import AuthFailed, Offline
from milo_desktop.services.connectors.email.imap import ImapConnector, ImapSecurity, ImapSettings
from milo_desktop.services.connectors.twilio.integration import DatabaseSettings
from milo_desktop.services.email_intake import store
from milo_desktop.services.email_intake.addresses import MAILBOX_KEY
from milo_desktop.services.email_intake.idle import idle_worker
from milo_desktop.services.email_intake.intake import EmailIntake
from milo_desktop.services.email_intake.mailbox import MailboxIntegration, MailboxState
from milo_desktop.services.resume import ResumeService
from milo_desktop.services.workspace import Workspace
from tests.factories import make_interviewer
from tests.integration.test_applications_service import add_questions
from tests.unit.test_email_parse import application, dsn, hostile_corpus, pdf_bytes

ADDRESS = "jobs@agency.example"
SIGNATURE = "Hello,\n\nPlease find my résumé attached.\n\n--\nDana Lopez\nCell: 214-555-01{n:02d}\n"


@pytest.fixture
def box() -> Iterator[LocalMailbox]:
    with LocalMailbox() as mailbox:
        yield mailbox


def imap_settings(box: LocalMailbox, **kw: Any) -> ImapSettings:
    return ImapSettings(box.host, box.port, ImapSecurity.NONE, box.user, **kw)


def setup_workspace(ws: Workspace, *, address: str = ADDRESS) -> int:
    # Résumé then Form: ready to invite with no phone number to call from
    iv = make_interviewer(ws, "Forklift Operator", slug="forklift",
                          stages=(StageKind.RESUME,))
    add_questions(ws, iv, 0, dict(kind=QuestionKind.YES_NO, prompt="Has a forklift "
                                  "certification", expected_yes=True))

    def w(s: Any) -> None:
        s.add(WorkspaceSetting(key=MAILBOX_KEY, value={"address": address, "mode": "plus",
                                                       "aliases": {}}))
    ws.db.run_sync(w, write=True)
    return iv


def make_intake(ws: Workspace, box: LocalMailbox, data: Path, *, secret: str | None = None,
                **kw: Any) -> EmailIntake:
    mailbox = MailboxIntegration(None, DatabaseSettings(ws.db),
                                 env={"MILO_IMAP_URL": box.url.replace(
                                     box.password, secret or box.password),
                                      "MILO_IMAP_ADDRESS": ADDRESS})
    resumes = ResumeService(ws.db, ws.bus, data, ws.applications)
    return EmailIntake(ws.db, mailbox.make_connector, mailbox.settings, data, resumes=resumes,
                       notifications=ws.notifications, bus=ws.bus, **kw)


def count(ws: Workspace, model: Any, *where: Any) -> int:
    return int(ws.db.run_sync(lambda s: s.scalar(select(func.count()).select_from(model)
                                                 .where(*where))))


def dana(n: int = 1, **kw: Any) -> bytes:
    kw.setdefault("attachments", [("Dana Lopez CV.pdf", "application/pdf", pdf_bytes())])
    return application(f"Dana Lopez <dana{n}@example.com>", message_id=f"<dana-{n}@example.com>",
                       body=SIGNATURE.format(n=40 + n), **kw)


# ----- connect and test ----------------------------------------------------------------------
def test_test_connection_counts_what_waits(sqlite_workspace: Workspace, box: LocalMailbox,
                                           arun: Any) -> None:
    box.append(dana(1), dana(2))
    service = MailboxIntegration(None, DatabaseSettings(sqlite_workspace.db))
    status = arun(service.test(imap_settings(box), box.password))
    assert status.state == MailboxState.CONNECTED
    assert status.waiting == 2 and "2 messages waiting in INBOX" in status.message
    refused = arun(service.test(imap_settings(box), "wrong"))
    assert refused.state == MailboxState.AUTH_FAILED and "refused the sign-in" in refused.message
    with LocalMailbox() as other:
        port = other.port
    gone = arun(service.test(ImapSettings("127.0.0.1", port, ImapSecurity.NONE, "jobs"), "x"))
    assert gone.state == MailboxState.OFFLINE


def test_connect_keeps_the_secret_in_the_keychain_and_creates_the_folder(
        sqlite_workspace: Workspace, box: LocalMailbox, arun: Any) -> None:
    from milo_desktop.services.core.credentials import CredentialStore

    store = CredentialStore()
    service = MailboxIntegration(store, DatabaseSettings(sqlite_workspace.db))
    status = arun(service.connect(imap_settings(box), box.password, "Jobs@Agency.example"))
    assert status.state == MailboxState.CONNECTED
    saved = sqlite_workspace.db.run_sync(lambda s: s.get(WorkspaceSetting, MAILBOX_KEY).value)
    assert saved["address"] == "jobs@agency.example" and saved["imap"]["port"] == box.port
    assert box.password not in json.dumps(saved)  # the secret is only in the keychain
    assert arun(store.get("imap:secret")) == box.password
    assert box.uids("Milo/Processed") == []  # created, empty
    c = box.client()
    assert c.folder_exists("Milo/Processed")
    c.logout()
    assert arun(service.make_connector()) is not None
    arun(service.disconnect())
    assert arun(service.make_connector()) is None


def test_wrong_password_is_auth_failed(sqlite_workspace: Workspace, box: LocalMailbox,
                                       tmp_path: Path, arun: Any) -> None:
    setup_workspace(sqlite_workspace)
    intake = make_intake(sqlite_workspace, box, tmp_path, secret="nope")
    with pytest.raises(AuthFailed):
        arun(intake.run(lambda n: None))


# ----- ingest --------------------------------------------------------------------------------
def test_an_emailed_application_becomes_a_scored_candidate(workspace: Workspace,
                                                           box: LocalMailbox, tmp_path: Path,
                                                           arun: Any) -> None:
    iv = setup_workspace(workspace)
    box.append(dana(1))
    intake = make_intake(workspace, box, tmp_path)
    result = arun(intake.run(lambda n: None))
    assert result.count("applications") == 1 and result.quarantined == 0

    def read(s: Any) -> Any:
        c = s.scalar(select(Candidate))
        app = s.scalar(select(Application))
        stage = s.scalars(select(StageResult).where(StageResult.application_id == app.id)
                          .order_by(StageResult.stage_id)).first()
        return c, app, stage
    c, app, stage = workspace.db.run_sync(read)
    assert (c.full_name, c.email, c.phone_e164, c.source) == (
        "Dana Lopez", "dana1@example.com", "+12145550141", CandidateSource.EMAIL)
    assert (app.interviewer_id, app.source) == (iv, CandidateSource.EMAIL)
    assert stage.status == StageStatus.COMPLETED
    assert (stage.structured_passed, stage.structured_total) == (1, 1)  # read and scored
    assert stage.recording_path and Path(stage.recording_path).exists()
    assert count(workspace, Notification,
                 Notification.kind == NotificationKind.EMAIL_APPLICATION) == 1
    # invited as the outreach rules say: the invitation waits in the outbox
    assert count(workspace, Message, Message.purpose == "invitation") == 1
    # moved only after the commit
    assert box.uids() == [] and len(box.uids("Milo/Processed")) == 1


def test_incremental_and_rerun_ingest_nothing_twice(sqlite_workspace: Workspace,
                                                    box: LocalMailbox, tmp_path: Path,
                                                    arun: Any) -> None:
    ws = sqlite_workspace
    setup_workspace(ws)
    box.append(dana(1), dana(2))
    intake = make_intake(ws, box, tmp_path)
    assert arun(intake.run(lambda n: None)).count("emails") == 2
    assert arun(intake.run(lambda n: None)).count("emails") == 0
    box.append(dana(3))
    assert arun(intake.run(lambda n: None)).count("emails") == 1
    assert count(ws, Candidate) == 3 and count(ws, Application) == 3
    # the same message appended again (a mail client re-sending it): known by Message-ID
    box.append(dana(3))
    assert arun(intake.run(lambda n: None)).count("applications") == 0
    assert count(ws, Candidate) == 3 and count(ws, EmailIntakeRecord) == 3


def test_a_spent_budget_holds_the_invitation_not_the_application(
        sqlite_workspace: Workspace, box: LocalMailbox, tmp_path: Path, arun: Any) -> None:
    from milo_desktop.enums import BudgetKind

    ws = sqlite_workspace
    setup_workspace(ws)
    make_interviewer(ws, "Night Picker", slug="night-picker", stages=(StageKind.RESUME,),
                     budget_kind=BudgetKind.ALL_TIME, budget_cents=0)
    box.append(dana(1, to="jobs+night-picker@agency.example"), dana(2))
    result = arun(make_intake(ws, box, tmp_path).run(lambda n: None))
    assert result.count("applications") == 2 and result.count("invited") == 1
    assert count(ws, Message, Message.purpose == "invitation") == 1  # forklift's only


def test_same_email_other_name_is_a_possible_duplicate(sqlite_workspace: Workspace,
                                                       box: LocalMailbox, tmp_path: Path,
                                                       arun: Any) -> None:
    from milo_desktop.models import PossibleDuplicate

    ws = sqlite_workspace
    setup_workspace(ws)
    box.append(dana(1), application("Robert Smith <dana1@example.com>",
                                    message_id="<bob@example.com>"))
    arun(make_intake(ws, box, tmp_path).run(lambda n: None))
    assert count(ws, Candidate) == 2 and count(ws, PossibleDuplicate) == 1


def test_crash_between_commit_and_move_creates_no_second_candidate(
        workspace: Workspace, box: LocalMailbox, tmp_path: Path, arun: Any) -> None:
    setup_workspace(workspace)
    box.append(dana(1))
    fails = [1]

    def crash(uids: list[int]) -> None:
        if fails:
            fails.pop()
            raise Offline("email", "the connection dropped before the move")
    intake = make_intake(workspace, box, tmp_path, before_move=crash)
    with pytest.raises(Offline):
        arun(intake.run(lambda n: None))
    assert count(workspace, Candidate) == 1 and len(box.uids()) == 1  # stored, not moved
    result = arun(intake.run(lambda n: None))
    assert result.count("applications") == 0
    assert count(workspace, Candidate) == 1 and count(workspace, Application) == 1
    assert box.uids() == [] and len(box.uids("Milo/Processed")) == 1


def test_a_resume_left_unscored_by_a_stop_is_scored_by_the_next_round(
        sqlite_workspace: Workspace, box: LocalMailbox, tmp_path: Path, arun: Any) -> None:
    """The app stopped after the commit, before the résumé was scored (here: a round with no
    résumé service): the raw message is kept (0600) until the next round scores it, once."""
    ws = sqlite_workspace
    setup_workspace(ws)
    box.append(dana(1))
    first = make_intake(ws, box, tmp_path)
    first.resumes = None  # stops before scoring
    arun(first.run(lambda n: None))
    kept = ws.db.run_sync(lambda s: store.resumes_to_score(s))
    assert len(kept) == 1 and Path(kept[0][1]).exists()
    assert Path(kept[0][1]).stat().st_mode & 0o077 == 0
    unscored = ws.db.run_sync(lambda s: s.scalar(select(StageResult.status)))
    assert unscored == StageStatus.NOT_STARTED
    arun(make_intake(ws, box, tmp_path).run(lambda n: None))
    assert ws.db.run_sync(lambda s: s.scalar(select(StageResult.status))) == \
        StageStatus.COMPLETED
    assert ws.db.run_sync(lambda s: store.resumes_to_score(s)) == []
    assert not Path(kept[0][1]).exists()
    assert count(ws, Candidate) == 1 and count(ws, Application) == 1


def test_uidvalidity_change_rereads_without_doubles(sqlite_workspace: Workspace,
                                                     box: LocalMailbox, tmp_path: Path,
                                                     arun: Any) -> None:
    ws = sqlite_workspace
    setup_workspace(ws)
    box.append(dana(1), dana(2))
    move_fails = [1]

    def crash(uids: list[int]) -> None:
        if move_fails:
            move_fails.pop()
            raise Offline("email", "dropped")
    intake = make_intake(ws, box, tmp_path, before_move=crash)
    with pytest.raises(Offline):
        arun(intake.run(lambda n: None))
    box.recreate("INBOX")  # new UIDs for the same messages (the server was rebuilt)
    box.append(dana(3))
    result = arun(intake.run(lambda n: None))
    assert result.count("emails") == 3 and result.count("applications") == 1
    assert count(ws, Candidate) == 3 and count(ws, EmailIntakeRecord) == 3
    assert box.uids() == [] and len(box.uids("Milo/Processed")) == 3


# ----- quarantine ----------------------------------------------------------------------------
def test_every_quarantine_reason_with_nothing_lost(workspace: Workspace, box: LocalMailbox,
                                                   tmp_path: Path, arun: Any) -> None:
    setup_workspace(workspace)
    make_interviewer(workspace, "Old Role", slug="old-role", status="archived")
    corpus = {name: raw for name, (raw, _code) in hostile_corpus().items()}
    corpus["unknown_interviewer"] = application(to="jobs+nobody@agency.example",
                                                message_id="<unknown@x>")
    corpus["bare_address"] = application(to=ADDRESS, message_id="<bare@x>")
    corpus["closed_interviewer"] = application(to="jobs+old-role@agency.example",
                                               message_id="<closed@x>")
    corpus["bounce_unknown"] = dsn("<never-sent@agency.example>")
    corpus["oversized"] = application(
        attachments=[("big.pdf", "application/pdf", b"%PDF-1.4\n" + b"0" * (2 * 1048576))],
        message_id="<big@x>")
    names = sorted(corpus)
    box.append(*(corpus[n] for n in names))
    # a 1 MB limit makes the 2 MB message "oversized" without a 25 MB fixture
    workspace.db.run_sync(lambda s: s.get(WorkspaceSetting, MAILBOX_KEY).value.update(
        max_mb=1) or s.merge(WorkspaceSetting(key=MAILBOX_KEY, value={
            "address": ADDRESS, "mode": "plus", "aliases": {}, "max_mb": 1})), write=True)
    fetched: list[list[int]] = []
    intake = make_intake(workspace, box, tmp_path)
    original = ImapConnector.fetch_raw

    async def spy(self: ImapConnector, uids: Any) -> Any:
        fetched.append(list(uids))
        return await original(self, uids)
    ImapConnector.fetch_raw = spy  # type: ignore[method-assign]
    try:
        result = arun(intake.run(lambda n: None))
    finally:
        ImapConnector.fetch_raw = original  # type: ignore[method-assign]
    assert result.quarantined == len(names) and result.count("applications") == 0
    assert count(workspace, Candidate) == 0

    rows = workspace.db.run_sync(lambda s: [(r.reason, json.loads(r.payload)) for r in
                                            s.scalars(select(QuarantinedRecord))])
    assert len(rows) == len(names)
    reasons = " | ".join(r for r, _p in rows)
    for words in ("no sender", "automatic reply", "spam", "winmail.dat", "encrypted",
                  "password-protected", "damaged", "zip bomb", "998", "no interviewer has",
                  "no interviewer's apply address", "archived", "did not send", "1 MB limit"):
        assert words in reasons, words
    oversized_uid = box.uids("Milo/Processed")[names.index("oversized")]
    assert all(oversized_uid not in batch for batch in fetched)  # never downloaded
    for _reason, payload in rows:  # the raw message kept, owner-only
        kept = Path(payload["raw_file"])
        assert kept.exists() and stat.S_IMODE(kept.stat().st_mode) == 0o600
        if not kept.name.endswith("-header.txt"):
            assert kept.read_bytes() in corpus.values()
    assert box.uids() == [] and len(box.uids("Milo/Processed")) == len(names)


def test_retry_from_quarantine_ingests_the_kept_message(sqlite_workspace: Workspace,
                                                       box: LocalMailbox, tmp_path: Path,
                                                       arun: Any) -> None:
    ws = sqlite_workspace
    setup_workspace(ws)
    box.append(dana(1, to="jobs+night-shift@agency.example"))
    intake = make_intake(ws, box, tmp_path)
    assert arun(intake.run(lambda n: None)).quarantined == 1
    qid = ws.db.run_sync(lambda s: s.scalar(select(QuarantinedRecord.id)))
    report = arun(intake.retry([qid]))  # still no such interviewer
    assert (report.applied, report.still_quarantined) == (0, 1)
    assert "night-shift" in report.reasons[0]
    make_interviewer(ws, "Night Shift", slug="night-shift", stages=(StageKind.RESUME,))
    open_ids = ws.db.run_sync(lambda s: list(s.scalars(select(QuarantinedRecord.id).where(
        QuarantinedRecord.resolved_at.is_(None)))))
    report = arun(intake.retry(open_ids))
    assert (report.applied, report.still_quarantined) == (1, 0)
    assert count(ws, Candidate) == 1
    assert count(ws, QuarantinedRecord, QuarantinedRecord.resolved_at.is_(None)) == 0
    assert count(ws, QuarantinedRecord) == 2  # both decisions kept, reviewed


# ----- bounces -------------------------------------------------------------------------------
def test_a_dsn_marks_our_message_bounced(workspace: Workspace, box: LocalMailbox,
                                         tmp_path: Path, arun: Any) -> None:
    setup_workspace(workspace)
    mid = "<invite-42.1765100000@agency.example>"

    def w(s: Any) -> int:
        c = Candidate(full_name="Dana Lopez", name_key="dana lopez", email="dana@example.com")
        s.add(c)
        s.flush()
        s.add(Message(candidate_id=c.id, channel=Channel.EMAIL, direction=Direction.OUTBOUND,
                      purpose="invitation", to_addr="dana@example.com", subject="Invitation",
                      status=MessageStatus.SENT, provider_sid=mid))
        return int(c.id)
    workspace.db.run_sync(w, write=True)
    box.append(dsn(mid))
    result = arun(make_intake(workspace, box, tmp_path).run(lambda n: None))
    assert result.count("bounces") == 1 and result.quarantined == 0
    msg = workspace.db.run_sync(lambda s: s.scalar(select(Message)))
    assert msg.status == MessageStatus.BOUNCED and "5.1.1" in (msg.error or "")


# ----- IDLE ----------------------------------------------------------------------------------
def test_idle_wakes_the_job(sqlite_workspace: Workspace, box: LocalMailbox, arun: Any) -> None:
    mailbox = MailboxIntegration(None, DatabaseSettings(sqlite_workspace.db),
                                 env={"MILO_IMAP_URL": box.url})

    async def go() -> None:
        woke = asyncio.Event()
        idling = asyncio.Event()
        task = asyncio.ensure_future(idle_worker(mailbox.make_connector, woke.set,
                                                 ready=idling.set))
        try:
            await asyncio.wait_for(idling.wait(), 20)
            assert not woke.is_set()
            await asyncio.to_thread(box.append, dana(1))
            await asyncio.wait_for(woke.wait(), 20)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    arun(go(), timeout=60)


# ----- STARTTLS ------------------------------------------------------------------------------
def _self_signed(folder: Path) -> tuple[str, str]:
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + dt.timedelta(days=365 * 30))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_path), str(key_path)


def test_starttls_upgrades_and_refuses_an_untrusted_certificate(tmp_path: Path,
                                                                 arun: Any) -> None:

    cert, key = _self_signed(tmp_path)
    with LocalMailbox(cert_file=cert, key_file=key) as box:
        box.append(dana(1))
        settings = ImapSettings(box.host, box.port, ImapSecurity.STARTTLS, box.user)
        _trusts_only_its_certificate(settings, box.password, cert, arun)


def _trusts_only_its_certificate(settings: ImapSettings, password: str, cert: str,
                                 arun: Any) -> None:
    """Signs in when the certificate is trusted; refused, with words about the certificate,
    when it is not."""
    import ssl

    imap = ImapConnector(settings, password, timeout=10,
                         tls_context=ssl.create_default_context(cafile=cert))
    try:
        assert arun(imap.test()).exists == 1
    finally:
        arun(imap.aclose())
    untrusted = ImapConnector(settings, password, timeout=10,
                              tls_context=ssl.create_default_context())
    try:
        with pytest.raises(Offline, match="certificate"):
            arun(untrusted.test())
    finally:
        arun(untrusted.aclose())


class _TlsFront:
    """TLS from the first byte in front of the plain local mailbox (pymap offers STARTTLS
    only), as a port-993 server is: each connection is wrapped and piped both ways."""

    def __init__(self, target: tuple[str, int], cert: str, key: str) -> None:
        import socket
        import ssl
        import threading

        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, key)
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import socket
        import ssl
        import threading

        while self.open:
            try:
                raw, _ = self.listener.accept()
            except OSError:
                return
            try:
                client = self.context.wrap_socket(raw, server_side=True)
            except (ssl.SSLError, OSError):  # the client refused our certificate
                raw.close()
                continue
            upstream = socket.create_connection(self.target)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a: Any, b: Any) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (a, b):
                try:
                    sock.close()
                except OSError:
                    pass

    def close(self) -> None:
        self.open = False
        self.listener.close()


def test_implicit_tls_from_the_first_byte_and_its_certificate_checked(
        tmp_path: Path, box: LocalMailbox, arun: Any) -> None:
    """``imaps://`` (port 993 style): TLS before the greeting; an untrusted certificate is
    refused with words about the certificate."""
    cert, key = _self_signed(tmp_path)
    box.append(dana(1))
    front = _TlsFront((box.host, box.port), cert, key)
    try:
        settings = ImapSettings("127.0.0.1", front.port, ImapSecurity.TLS, box.user)
        _trusts_only_its_certificate(settings, box.password, cert, arun)
    finally:
        front.close()
