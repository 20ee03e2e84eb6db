"""Erasure, retention and export (issue 13 point 5), on real SQLite and PostgreSQL.

The issue's test: a person with a unique name, email and phone — applications with answers
and transcripts, messages both ways and their outbox rows, a note, a call with its
recording, a kept résumé and another document, an emailed application whose raw message was
kept, a quarantined message naming them, an ATS identity, a merge — is erased after the
grace period. After a WAL checkpoint and VACUUM, none of the three strings is anywhere under
the data dir (every file read as bytes: the database and its side files, logs, exports), nor
in any table of the database (PostgreSQL keeps its files elsewhere).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select, text

from milo_desktop.app.erase_cli import erase_main
from milo_desktop.enums import Channel, Direction, MessageStatus, NotificationKind
from milo_desktop.models import (
    Answer,
    AuditEntry,
    Candidate,
    CandidateNote,
    EmailIntakeRecord,
    InboundCall,
    Message,
    Notification,
    OutboxItem,
    ParsedResumeRow,
    QuarantinedRecord,
    Receptionist,
    StageResult,
)
from milo_desktop.models.ats import ExternalIdentity, MergeLog
from milo_desktop.services.core.logs import setup_logging
from milo_desktop.services.privacy import PrivacyService
from milo_desktop.services.workspace import Workspace
from tests.factories import make_application, make_candidate, make_interviewer

NAME = "Quillon Zarvesky"
EMAIL = "quillon.zarvesky.q7@example.net"
PHONE = "+13125550187"
SECRETS = (NAME, EMAIL, PHONE)
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def _person(ws: Workspace, data: Path) -> int:
    """The person and everything about them; returns their id."""
    iid = make_interviewer(ws, "Forklift Operator")
    cid = make_candidate(ws, NAME, EMAIL, phone_e164=PHONE, created_at=T0,
                         linkedin_url="linkedin.com/in/quillon-zarvesky-q7")
    aid = make_application(ws, cid, iid, created_at=T0)
    for folder in ("recordings", "resumes", "email-intake", f"resumes/files/{aid}"):
        (data / folder).mkdir(parents=True, exist_ok=True)
    resume = data / "resumes" / f"{aid}-20260302-090000-000000-cv.txt"
    resume.write_text(f"{NAME}\n{EMAIL}\n{PHONE}\nForklift driver 2019-2025\n")
    (data / "resumes" / "files" / str(aid) / "ab12.txt").write_text(f"Cover letter, {NAME}")
    stage_rec = data / "recordings" / "RE0001.wav"
    stage_rec.write_bytes(b"RIFF" + NAME.encode())
    call_rec = data / "recordings" / "RE0002.wav"
    call_rec.write_bytes(b"RIFF" + PHONE.encode())
    raw_applied = data / "email-intake" / "m1.eml"
    raw_applied.write_text(f"From: {NAME} <{EMAIL}>\r\n\r\nMy application")
    raw_quarantined = data / "email-intake" / "m2.eml"
    raw_quarantined.write_text(f"From: <{EMAIL}>\r\n\r\nwinmail.dat only")
    stray = data / "email-intake" / "m3.eml"  # kept, pointed at by no row
    stray.write_text(f"From: <{EMAIL.upper()}>\r\n\r\nagain")

    def write(s: Any) -> int:
        results = list(s.scalars(select(StageResult).where(StageResult.application_id == aid)
                                 .order_by(StageResult.id)))
        results[0].recording_path = str(resume)
        results[0].transcript = f"{NAME} {EMAIL} {PHONE}"
        results[1].recording_path = str(stage_rec)
        results[1].transcript = f"Hi, this is {NAME}."
        s.add(Answer(stage_result_id=results[1].id, question_text="Your name?",
                     answer_text=NAME, evidence=f"I'm {NAME}"))
        s.add(ParsedResumeRow(stage_result_id=results[0].id, application_id=aid,
                              candidate_id=cid, parser_version=1, file_path=str(resume),
                              file_name="cv.txt", data={"name": NAME, "email": EMAIL}))
        s.add(CandidateNote(candidate_id=cid, body=f"Spoke to {NAME} on {PHONE}"))
        out = Message(candidate_id=cid, application_id=aid, channel=Channel.EMAIL,
                      direction=Direction.OUTBOUND, to_addr=EMAIL, subject="Invitation",
                      body=f"Dear {NAME}", status=MessageStatus.SENT)
        sms_in = Message(candidate_id=None, channel=Channel.SMS, direction=Direction.INBOUND,
                         to_addr="+12145550142", from_addr=PHONE, body="FORKLIFT",
                         status=MessageStatus.DELIVERED)
        s.add_all([out, sms_in])
        s.flush()
        s.add(OutboxItem(kind="email", payload={"to": EMAIL, "body": f"Dear {NAME}"},
                         idempotency_key="k1", message_id=out.id))
        s.add(OutboxItem(kind="invitation", payload={"candidate_id": cid,
                                                     "application_id": aid},
                         idempotency_key="k2"))
        rec = Receptionist(name="Front desk", agent_name="Ava")
        s.add(rec)
        s.flush()
        call = InboundCall(receptionist_id=rec.id, caller_name=NAME, from_e164=PHONE,
                           transcript=f"My name is {NAME}", recording_path=str(call_rec),
                           candidate_id=None)  # not yet ingested: found by number
        s.add(call)
        s.flush()
        s.add(Answer(inbound_call_id=call.id, question_text="Name?", answer_text=NAME))
        q = QuarantinedRecord(service="email", resource="message", reason="winmail.dat",
                              payload=json.dumps({"from": EMAIL}))
        s.add(q)
        s.flush()
        s.add_all([
            EmailIntakeRecord(mailbox="jobs@agency.example/INBOX", message_key="<a@x>",
                              uidvalidity=1, uid=1, outcome="applied", candidate_id=cid,
                              application_id=aid, raw_path=str(raw_applied)),
            EmailIntakeRecord(mailbox="jobs@agency.example/INBOX", message_key="<b@x>",
                              uidvalidity=1, uid=2, outcome="quarantined", quarantine_id=q.id,
                              raw_path=str(raw_quarantined)),
        ])
        s.add(ExternalIdentity(provider="greenhouse", kind="candidate", external_id="gh-77",
                               candidate_id=cid))
        s.add(MergeLog(kept_id=cid, merged_id=99999, snapshot={"merged": {"full_name": NAME}}))
        s.add(Notification(kind=NotificationKind.EMAIL_APPLICATION,
                           title=f"{NAME} applied by email", body=""))
        return cid

    return int(ws.db.run_sync(write, write=True))


def _scan_files(data: Path) -> list[str]:
    hits = []
    for path in data.rglob("*"):
        if path.is_file():
            blob = path.read_bytes().lower()
            hits += [f"{path.relative_to(data)}: {needle!r}" for needle in SECRETS
                     if needle.lower().encode() in blob]
    return hits


def _scan_tables(ws: Workspace) -> list[str]:
    hits = []
    with ws.db.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            if table.startswith("candidates_fts") or table.startswith("interviewers_fts"):
                continue  # FTS shadow tables hold blobs: the byte scan covers them
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                blob = repr(tuple(row)).lower()
                hits += [f"{table}: {needle!r}" for needle in SECRETS if needle.lower() in blob]
    return hits


@pytest.fixture
def data(tmp_path: Path) -> Iterator[Path]:
    """The data dir, with the app's log file in it (the scan reads the log too)."""
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    setup_logging(tmp_path / "logs")
    try:
        yield tmp_path
    finally:
        for handler in [h for h in root.handlers if h not in before]:
            root.removeHandler(handler)
            handler.close()
        for handler in before:
            if handler not in root.handlers:
                root.addHandler(handler)
        root.setLevel(level)


def test_erasure_after_the_grace_period_leaves_no_byte_of_the_person(
        workspace: Workspace, data: Path, arun: Any) -> None:
    cid = _person(workspace, data)
    other = make_candidate(workspace, "Maren Holt", "maren@example.com")
    clock = Clock(T0)
    privacy = PrivacyService(workspace.db, workspace.bus, data, clock=clock)
    exported = arun(privacy.export(cid))
    assert exported.parent == data / "exports"
    logging.getLogger("milo_desktop.test").info("erasing someone: %s %s", EMAIL, PHONE)

    pending = arun(privacy.request(cid))
    assert pending.due_at == T0 + dt.timedelta(days=60)
    clock.now = T0 + dt.timedelta(days=59, hours=23)
    assert arun(privacy.run_due()) == []  # the grace period holds
    assert workspace.db.run_sync(lambda s: s.get(Candidate, cid)) is not None

    clock.now = T0 + dt.timedelta(days=60)
    [done] = arun(privacy.run_due())
    assert (done.applications, done.recordings, done.resumes, done.calls) == (1, 2, 1, 1)
    assert done.emails == 3 and done.notes == 1 and done.messages == 2
    assert _scan_tables(workspace) == []
    for handler in logging.getLogger().handlers:
        handler.flush()
    if workspace.db.dialect == "sqlite":
        # secure_delete and the erasure's own checkpoint: gone before any VACUUM too
        assert _scan_files(data) == []
        with workspace.db.engine.connect() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            conn.execute(text("VACUUM"))
    assert _scan_files(data) == []

    def left(s: Any) -> tuple[Any, ...]:
        notes = list(s.scalars(select(AuditEntry.detail).where(
            AuditEntry.action == "candidate.erased")))
        return notes, s.get(Candidate, other) is not None, s.scalar(
            select(Candidate.id).where(Candidate.id == cid))

    notes, other_kept, gone = workspace.db.run_sync(left)
    assert gone is None and other_kept
    assert notes == [{"note": f"candidate #{cid} erased on request; 1 application, "
                              "2 recordings, 1 résumé, 2 messages, 1 note, 1 call, "
                              "3 kept emails. The ATS copy, if any, is not erased.",
                      "reason": "request"}]
    # the search finds them no more, and still finds the neighbour
    hits = arun(workspace.search.typeahead("Zarvesky"))
    assert not hits.candidates
    assert arun(workspace.search.typeahead("Maren")).candidates


def test_a_cancelled_request_never_runs(workspace: Workspace, data: Path, arun: Any) -> None:
    cid = make_candidate(workspace, NAME, EMAIL, phone_e164=PHONE)
    clock = Clock(T0)
    privacy = PrivacyService(workspace.db, workspace.bus, data, clock=clock)
    arun(privacy.request(cid))
    assert [p.candidate_id for p in arun(privacy.pending())] == [cid]
    assert arun(privacy.cancel(cid)) is True
    assert arun(privacy.pending()) == []
    clock.now = T0 + dt.timedelta(days=400)
    assert arun(privacy.run_due()) == []
    c = workspace.db.run_sync(lambda s: s.get(Candidate, cid))
    assert c is not None and c.erase_requested_at is None
    assert arun(privacy.cancel(cid)) is False


def test_the_grace_period_is_the_workspace_setting(workspace: Workspace, data: Path,
                                                   arun: Any) -> None:
    from dataclasses import replace

    from milo_desktop.errors import ValidationProblem

    privacy = PrivacyService(workspace.db, workspace.bus, data, clock=Clock(T0))
    settings = arun(privacy.settings())
    assert settings.grace_days == 60 and settings.retention_on is False
    for bad in (29, 181):
        with pytest.raises(ValidationProblem):
            arun(privacy.save(replace(settings, grace_days=bad)))
    arun(privacy.save(replace(settings, grace_days=30)))
    cid = make_candidate(workspace, NAME, EMAIL)
    assert arun(privacy.request(cid)).due_at == T0 + dt.timedelta(days=30)


def test_retention_dry_run_lists_the_inactive_and_the_rule_erases_them(
        workspace: Workspace, data: Path, arun: Any) -> None:
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    iid = make_interviewer(workspace)
    old = make_candidate(workspace, "Old Quiet", created_at=now - dt.timedelta(days=800))
    old_app = make_candidate(workspace, "Old Applied", created_at=now - dt.timedelta(days=900))
    make_application(workspace, old_app, iid, created_at=now - dt.timedelta(days=850),
                     completed_at=now - dt.timedelta(days=840))
    revived = make_candidate(workspace, "Old Revived", created_at=now - dt.timedelta(days=900))
    make_application(workspace, revived, iid, created_at=now - dt.timedelta(days=900),
                     last_engaged_at=now - dt.timedelta(days=10))
    noted = make_candidate(workspace, "Old Noted", created_at=now - dt.timedelta(days=900))
    workspace.db.run_sync(lambda s: s.add(CandidateNote(
        candidate_id=noted, body="called", created_at=now - dt.timedelta(days=5))), write=True)
    make_candidate(workspace, "New Person", created_at=now - dt.timedelta(days=20))
    privacy = PrivacyService(workspace.db, workspace.bus, data, clock=Clock(now))

    run = arun(privacy.dry_run(24))
    assert run.total == 2
    assert [(p.candidate_id, p.last_activity) for p in run.people] == [
        (old_app, now - dt.timedelta(days=840)), (old, now - dt.timedelta(days=800))]
    assert arun(privacy.run_due()) == []  # off by default: the dry run erased nobody
    arun(privacy.set_retention(True, 24))
    erased = arun(privacy.run_due())
    assert sorted(e.candidate_id for e in erased) == sorted([old, old_app])
    assert {e.reason for e in erased} == {"retention"}
    assert arun(privacy.dry_run(24)).total == 0


def test_export_holds_their_data_and_files(workspace: Workspace, data: Path,
                                           arun: Any) -> None:
    cid = _person(workspace, data)
    privacy = PrivacyService(workspace.db, workspace.bus, data, clock=Clock(T0))
    path = arun(privacy.export(cid))
    assert path.name == f"candidate-{cid}-20260302-090000.zip"
    assert (path.stat().st_mode & 0o777) == 0o600
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        body = json.loads(zf.read("candidate.json"))
    assert body["candidate"]["email"] == EMAIL and body["candidate"]["phone_e164"] == PHONE
    assert len(body["applications"]) == 1 and body["notes"][0]["body"].startswith("Spoke")
    assert [m["body"] for m in body["messages"]] == [f"Dear {NAME}"]
    assert body["calls"][0]["caller_name"] == NAME
    assert {"files/RE0001.wav", "files/RE0002.wav", "files/ab12.txt"} <= names
    assert any(n.endswith("-cv.txt") for n in names)
    assert body["files_missing"] == []


def _cli(argv: list[str]) -> int:
    """``milo-desktop erase`` in this process; its log handler closed after, as at exit."""
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    try:
        return erase_main(argv)
    finally:
        for handler in [h for h in root.handlers if h not in before]:
            root.removeHandler(handler)
            handler.close()
        for handler in before:
            if handler not in root.handlers:
                root.addHandler(handler)
        root.setLevel(level)


def test_the_cli_requests_and_erases_now(tmp_path: Path, capsys: Any) -> None:
    url = f"sqlite:///{tmp_path / 'workspace.db'}"
    ws = Workspace.open(url)
    try:
        cid = make_candidate(ws, NAME, EMAIL, phone_e164=PHONE)
    finally:
        ws.close()
    args = ["--email", EMAIL.upper(), "--data-dir", str(tmp_path)]
    assert _cli(["--help"]) == 0
    assert "--yes-erase-now" in capsys.readouterr().out
    assert _cli([*args, "--now"]) == 64  # the confirmation flag is required
    assert _cli(args) == 0
    assert f"candidate #{cid}: erasure requested" in capsys.readouterr().out
    assert _cli(["--email", "nobody@example.org", "--data-dir", str(tmp_path)]) == 1
    assert _cli([*args, "--now", "--yes-erase-now"]) == 0
    assert capsys.readouterr().out.startswith(f"candidate #{cid} erased on request")
    ws = Workspace.open(url)
    try:
        assert ws.db.run_sync(lambda s: s.get(Candidate, cid)) is None
    finally:
        ws.close()
    assert _scan_files(tmp_path) == []


class _Stop(Exception):
    pass


def test_the_background_runs_due_erasures_daily(workspace: Workspace, data: Path,
                                                arun: Any) -> None:
    """The worker ``build_background`` registers runs what is due at start, then sleeps a
    day; a request still in its grace period is left alone."""
    from milo_desktop.app.background import build_background
    from milo_desktop.services.privacy import PRIVACY_WORKER, PrivacyJob

    due = make_candidate(workspace, NAME, EMAIL, phone_e164=PHONE)
    waiting = make_candidate(workspace, "Maren Holt", "maren@example.com")
    clock = Clock(T0)
    privacy = PrivacyService(workspace.db, workspace.bus, data, clock=clock)
    arun(privacy.request(due))
    clock.now = T0 + dt.timedelta(days=45)
    arun(privacy.request(waiting))
    clock.now = T0 + dt.timedelta(days=61)
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        raise _Stop

    with pytest.raises(_Stop):
        arun(PrivacyJob(privacy, sleep=sleep).run_forever())
    assert slept == [24 * 3600.0]
    assert workspace.db.run_sync(lambda s: s.get(Candidate, due)) is None
    assert [p.candidate_id for p in arun(privacy.pending())] == [waiting]

    background = build_background(workspace, data, store=None, env={})
    assert PRIVACY_WORKER in [name for name, _worker in background.workers]
