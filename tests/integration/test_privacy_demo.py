"""Nothing readable by others, no personal data in logs, end to end (issue 9, deliverable 5).

The demo workspace runs as the app runs it — data dir prepared, logging set up into it at
INFO, the sandbox Twilio in-process, email through a real SMTP server (aiosmtpd) — with sync
and outreach: demo candidates invited by SMS and email (both really sent), their phone
screenings answered and synced with recordings, an inbound call to a demo receptionist
evaluated with its recording, a demo applicant's résumé kept, the UI state saved. Then every
file under the data dir outside the database is scanned for the Twilio auth token, the SMTP
password and the candidates' phone numbers and emails (taken from the database), and every
mode is checked: folders 0700, files 0600, under the common umask 0o022.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import random
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from milo_desktop.app.config import DEFAULT_DEMO_CANDIDATES, Paths
from milo_desktop.app.demo import start_demo_telephony
from milo_desktop.app.main import close_ui_settings, open_ui_settings, prepare_data_dirs
from milo_desktop.enums import (
    CallStatus,
    Channel,
    Direction,
    MessageStatus,
    OutboxStatus,
    StageKind,
    StageStatus,
)
from milo_desktop.models import Candidate, InboundCall, StageResult
from milo_desktop.models.messaging import Message, OutboxItem
from milo_desktop.services.connectors.email.smtp import SmtpSecurity, SmtpSettings
from milo_desktop.services.connectors.twilio.integration import IntegrationsService
from milo_desktop.services.connectors.twilio.stages_job import StageSync
from milo_desktop.services.core.credentials import CredentialStore
from milo_desktop.services.core.logs import setup_logging
from milo_desktop.services.demo import build_demo
from milo_desktop.services.demo.data import OUTREACH_NUMBER
from milo_desktop.services.demo.resumes import send_demo_resumes
from milo_desktop.services.outreach import CommunicationPolicy, SmsHandler
from milo_desktop.services.resume import ResumeService
from milo_desktop.services.workspace import Workspace
from tests.integration.test_resume_service import REQUIREMENTS
from tests.keychains import MemoryKeychain
from tests.smtp_server import PASSWORD, USER, mail_server
from tests.stage_runs import LICENCE, STORY, YEARS, make_screening

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX (the ACL of "
                                "the user profile protects the files on Windows)")

INVITED = 4  # demo candidates invited to the phone screening (SMS + email + a call each)
FINISHED = (StageStatus.COMPLETED, StageStatus.KNOCKED_OUT)
# Holding personal data is their purpose: checked for modes, not scanned for content.
DATABASE_SUFFIXES = ("", "-wal", "-shm", "-journal")
DOCUMENT_FOLDERS = ("resumes", "demo-resumes")  # a résumé carries its owner's contact details


@pytest.fixture
def app_like_logging(tmp_path: Path) -> Iterator[Paths]:
    """The data dir as an older version left it (0755), prepared and logged into as the app
    does it, under the common umask; all restored afterwards."""
    old_umask = os.umask(0o022)
    root = logging.getLogger()
    old_level = root.level
    # aiosmtpd stands in for the remote mail server; its own log is not the app's
    peer_log = logging.getLogger("mail.log")
    old_peer_level = peer_log.level
    peer_log.setLevel(logging.WARNING)
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o755)
    paths = Paths.resolve(str(data_dir))
    try:
        prepare_data_dirs(paths)
        setup_logging(paths.log_dir)
        yield paths
    finally:
        for handler in list(root.handlers):
            if getattr(handler, "_milo", False):
                handler.close()
                root.removeHandler(handler)
        root.setLevel(old_level)
        peer_log.setLevel(old_peer_level)
        os.umask(old_umask)


def _candidates_to_invite(s: Any, count: int, skip: int = 0) -> list[int]:
    return list(s.scalars(
        select(Candidate.id).where(Candidate.phone_e164.is_not(None),
                                   Candidate.email.is_not(None))
        .order_by(Candidate.id).offset(skip).limit(count)))


def _personal_data(s: Any) -> tuple[set[str], set[str]]:
    """Every phone number and email the workspace holds about candidates and callers."""
    phones = {p for p in s.scalars(select(Candidate.phone_e164)) if p}
    phones |= {p for p in s.scalars(select(InboundCall.from_e164)) if p}
    emails = {e for e in s.scalars(select(Candidate.email)) if e}
    emails |= {e for e in s.scalars(select(InboundCall.email)) if e}
    return phones, emails


def _needles(phones: set[str], emails: set[str]) -> dict[str, str]:
    """What to look for → what it is: each number and address in the forms a log or a URL
    would carry them."""
    found: dict[str, str] = {}
    for phone in phones:
        forms = {phone, phone.replace("+", "%2B")}
        if phone.startswith("+1") and len(phone) == 12:
            n = phone[2:]
            forms |= {n, f"{n[:3]}-{n[3:6]}-{n[6:]}", f"({n[:3]}) {n[3:6]}-{n[6:]}"}
        found.update((form, f"the phone number {phone}") for form in forms)
    for email in emails:
        for form in {email, email.lower(), email.replace("@", "%40")}:
            found[form] = f"the email {email}"
    return found


def _is_database(path: Path, db: Path) -> bool:
    return any(path.name == db.name + suffix for suffix in DATABASE_SUFFIXES)


async def _wait_for(what: str, check: Any, nudge: Any = None, tries: int = 600) -> Any:
    for _ in range(tries):
        got = await check()
        if got:
            return got
        if nudge is not None:
            nudge()
        await asyncio.sleep(0.1)
    raise AssertionError(f"never happened: {what}")


def test_demo_with_sync_and_outreach_leaves_nothing_readable_or_personal(
        app_like_logging: Paths, arun: Any) -> None:
    paths = app_like_logging
    data_dir = paths.data_dir
    db_path = paths.workspace_db(DEFAULT_DEMO_CANDIDATES)
    ws = Workspace.open(f"sqlite:///{db_path}")
    secrets: dict[str, str] = {PASSWORD: "the SMTP password"}
    try:
        build_demo(ws.db, candidates=200)
        screening = make_screening(ws, [(StageKind.VOICE, [LICENCE, STORY]),
                                        (StageKind.SMS, [YEARS])],
                                   phone_number=OUTREACH_NUMBER)
        resume_role = make_screening(ws, [(StageKind.RESUME, list(REQUIREMENTS)),
                                          (StageKind.VOICE, [LICENCE])],
                                     phone_number=OUTREACH_NUMBER)
        invited = ws.db.run_sync(lambda s: _candidates_to_invite(s, INVITED))
        applicants = ws.db.run_sync(lambda s: _candidates_to_invite(s, 2, skip=INVITED))

        with mail_server() as smtp:

            async def scenario() -> None:
                ws.bus.bind_loop(asyncio.get_running_loop())
                integrations = IntegrationsService(CredentialStore(MemoryKeychain()), ws.db,
                                                   bus=ws.bus)
                ws.integrations = integrations
                await integrations.email.connect(
                    SmtpSettings("127.0.0.1", smtp.port, SmtpSecurity.NONE, USER, USER,
                                 "Acme Staffing"), PASSWORD)
                ws.resumes = ResumeService(ws.db, ws.bus, data_dir, ws.applications)
                await ws.outreach.save_policy(
                    CommunicationPolicy(sms_enabled=True, sms_from=OUTREACH_NUMBER))
                demo = await start_demo_telephony(ws, data_dir)
                secrets[demo.sandbox.account.auth_token] = "the Twilio auth token"
                try:
                    await _run_the_demo(ws, demo, screening, resume_role, invited, applicants,
                                        data_dir)
                finally:
                    await demo.stop()
                    await ws.tasks.drain()

            arun(scenario(), timeout=150)
            assert len(smtp.messages()) >= INVITED + len(applicants)
        phones, emails = ws.db.run_sync(_personal_data)
    finally:
        ws.close()
    settings = open_ui_settings(paths.ui_settings)  # as the window saves its layout
    settings.setValue("window/section", 2)
    close_ui_settings(settings, paths.ui_settings)
    for handler in logging.getLogger().handlers:
        handler.flush()

    # ----- the scan ------------------------------------------------------------------------------
    needles = {**_needles(phones, emails), **secrets}
    assert len(phones) >= 200 and len(emails) >= 200  # the demo's people, and the callers
    files = sorted(p for p in data_dir.rglob("*") if p.is_file())
    folders = sorted([data_dir, *(p for p in data_dir.rglob("*") if p.is_dir())])
    names = {p.relative_to(data_dir).as_posix() for p in files}
    assert {"logs/milo-desktop.log", "ui-state.ini", db_path.name} <= names
    assert any(n.startswith("recordings/") for n in names)
    assert any(n.startswith("resumes/") for n in names)
    assert any(n.startswith("demo-resumes/") for n in names)
    log_text = (paths.log_dir / "milo-desktop.log").read_text()
    assert "demo telephony:" in log_text  # the log was written while all this ran

    leaks = []
    for path in files:
        relative = path.relative_to(data_dir)
        if _is_database(path, db_path) or relative.parts[0] in DOCUMENT_FOLDERS:
            continue
        content = path.read_bytes()
        leaks += [f"{relative}: {what}" for needle, what in needles.items()
                  if needle.encode() in content]
    assert leaks == [], "personal data or secrets outside the database:\n" + "\n".join(leaks)

    wide = [f"{p.relative_to(data_dir)}: {stat.filemode(p.stat().st_mode)}" for p in files
            if stat.S_IMODE(p.stat().st_mode) != 0o600]
    wide += [f"{p.relative_to(data_dir.parent)}/: {stat.filemode(p.stat().st_mode)}"
             for p in folders if stat.S_IMODE(p.stat().st_mode) != 0o700]
    assert wide == [], "readable by others:\n" + "\n".join(wide)


async def _run_the_demo(ws: Workspace, demo: Any, screening: Any, resume_role: Any,
                        invited: list[int], applicants: list[int], data_dir: Path) -> None:
    engine = demo.background.engine
    before = await ws.db.read(lambda s: s.scalar(select(func.max(Message.id)))) or 0
    report = await ws.outreach.invite(invited, screening.interviewer_id)
    assert report.queued == INVITED, report.summary()
    report = await ws.outreach.invite(applicants, resume_role.interviewer_id)
    assert report.queued == len(applicants), report.summary()
    # An inbound call to a demo receptionist, collected with its recording and evaluated.
    call_sid = await demo.place_call(random.Random(3))

    async def call_landed() -> bool:
        row = await ws.db.read(lambda s: s.execute(
            select(InboundCall.status, InboundCall.recording_path)
            .where(InboundCall.execution_sid == call_sid)).one_or_none())
        return row is not None and row.status == CallStatus.EVALUATED and bool(row.recording_path)

    await _wait_for("the inbound call evaluated with its recording", call_landed)

    # Every invitation's SMS and email really sent.
    async def messages_sent() -> bool:
        rows = await ws.db.read(lambda s: s.execute(
            select(OutboxItem.kind, OutboxItem.status)
            .where(OutboxItem.kind.in_(("sms", "email")))).all())
        return len(rows) >= 2 * (INVITED + len(applicants)) and all(
            status == OutboxStatus.DONE for _kind, status in rows)

    await _wait_for("every invitation sent by SMS and email", messages_sent)

    # Their delivery statuses read back from Twilio (Messages.json?To=<the candidate's number>),
    # as the outbox's SMS round does every minute (here at once: a fresh handler's first round).
    refresh = SmsHandler(ws.db, demo.background.factory("twilio"), bus=ws.bus)
    if await refresh.start_round():
        await refresh.end_round()

    async def sms_delivered() -> bool:
        statuses = await ws.db.read(lambda s: list(s.scalars(
            select(Message.status).where(Message.channel == Channel.SMS,
                                         Message.direction == Direction.OUTBOUND,
                                         Message.id > before))))
        return len(statuses) == INVITED + len(applicants) and all(
            status == MessageStatus.DELIVERED for status in statuses)

    await _wait_for("the SMS delivery statuses refreshed", sms_delivered)

    # The phone screenings answered (the sandbox plays the demo candidates) and synced, with
    # the recording of the call.
    first = screening.stage_ids[0]

    async def screened() -> bool:
        done = await ws.db.read(lambda s: list(s.scalars(
            select(StageResult.status).where(StageResult.stage_id == first))))
        return any(status in FINISHED for status in done)

    await _wait_for("a phone screening answered and scored", screened,
                    nudge=lambda: engine.wake(StageSync.service))
    # A demo applicant sends a résumé (what demo mode's applicants do every few seconds).
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
    sent = await send_demo_resumes(ws.db, ws.resumes, data_dir / "demo-resumes",
                                   random.Random(5), now=later)
    assert sent == len(applicants)
    recordings = data_dir / "recordings"
    await _wait_for("two recordings kept", _count_at_least(recordings, 2),
                    nudge=lambda: engine.wake(StageSync.service))


def _count_at_least(folder: Path, n: int) -> Any:
    async def check() -> bool:
        return folder.is_dir() and len(list(folder.glob("*.wav"))) >= n
    return check
