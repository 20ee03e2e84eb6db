"""The notification center's producers and switches on SQLite and PostgreSQL: applications by
email, deadlines within 7 days (once per deadline, never for closed interviewers), sync
failures (once per episode, over a real 401 from the sandbox), per-kind on/off, and subscriber
emails on completion (queued with the notification, never twice, delivered over SMTP)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from milo_desktop.enums import (
    InterviewerStatus,
    MessageStatus,
    NotificationKind,
    OutboxStatus,
    StageKind,
)
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import Interviewer, Notification
from milo_desktop.models.interviewers import InterviewerSubscriber
from milo_desktop.models.messaging import Message, OutboxItem
from milo_desktop.models.system import WorkspaceSetting
from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.connectors.twilio import ApiBases, TwilioConnector, TwilioCredentials
from milo_desktop.services.connectors.twilio.calls_job import TwilioSync
from milo_desktop.services.core.events import NotificationAdded
from milo_desktop.services.notifications.jobs import (
    EPISODES_KEY,
    DeadlineCheck,
    SyncFailureWatch,
)
from milo_desktop.services.notifications.subscriber_emails import PURPOSE
from milo_desktop.services.sync import ServiceState, SyncEngine, SyncStatus
from milo_desktop.services.workspace import Workspace
from tests.factories import NOW, make_application, make_candidate, make_interviewer
from tests.integration.test_applications_service import (
    FORKLIFT,
    LICENSE,
    NIGHTS,
    TEAM,
    add_questions,
)
from tests.integration.test_smtp import connect, worker
from tests.integration.test_sync_engine import FAST
from tests.keychains import MemoryKeychain
from tests.smtp_server import MailServer, mail_server

K = NotificationKind
DAY = dt.timedelta(days=1)
STRONG = ("I have been operating reach and sit-down forklifts for six years, certified, with a "
          "clean safety record.")


def notes(ws: Workspace, kind: NotificationKind | None = None) -> list[Notification]:
    def q(s: Any) -> list[Notification]:
        stmt = select(Notification).order_by(Notification.id)
        if kind is not None:
            stmt = stmt.where(Notification.kind == kind)
        return list(s.scalars(stmt))
    return ws.db.run_sync(q)


def added(ws: Workspace) -> list[int]:
    seen: list[int] = []
    ws.bus.subscribe(NotificationAdded, lambda e: seen.append(e.id))
    return seen


# ----- application by email -------------------------------------------------------------------
def test_email_application_points_at_the_application(workspace: Workspace, arun: Any) -> None:
    seen = added(workspace)
    iv = make_interviewer(workspace, "Forklift Operator")
    cid = make_candidate(workspace, "Dana Ruiz", "dana@example.com")
    app = make_application(workspace, cid, iv)
    nid = arun(workspace.notifications.email_application(cid, iv))
    assert nid is not None and seen == [nid]
    [row] = arun(workspace.notifications.recent())
    assert (row.kind, row.title, row.body) == (
        K.EMAIL_APPLICATION, "Dana Ruiz applied by email — Forklift Operator",
        "From dana@example.com.")
    assert (row.candidate_id, row.interviewer_id, row.application_id) == (cid, iv, app)
    assert arun(workspace.notifications.get(nid)) == row
    with pytest.raises(ValidationProblem, match="no longer exists"):
        arun(workspace.notifications.email_application(cid + 999, iv))
    assert len(notes(workspace)) == 1


# ----- per-kind switches ----------------------------------------------------------------------
def test_a_switched_off_kind_is_not_recorded_nor_announced(workspace: Workspace,
                                                           arun: Any) -> None:
    ns = workspace.notifications
    seen = added(workspace)
    assert arun(ns.kinds()) == {k: True for k in K}  # everything on by default
    switches = arun(ns.set_kinds({K.CALLER_NEEDS_REVIEW: False, K.EMAIL_APPLICATION: False}))
    assert [k for k, on in switches.items() if not on] == [K.CALLER_NEEDS_REVIEW,
                                                            K.EMAIL_APPLICATION]
    assert arun(ns.add(K.CALLER_NEEDS_REVIEW, "Dana Ruiz needs review")) is None
    iv = make_interviewer(workspace, "Forklift Operator")
    cid = make_candidate(workspace, "Dana Ruiz")
    assert arun(ns.email_application(cid, iv)) is None
    kept = arun(ns.add(K.SCORE_READY, "Voice result ready for Dana Ruiz"))
    assert [n.id for n in notes(workspace)] == [kept] and seen == [kept]
    assert arun(ns.unread_count()) == 1
    # Stored in the workspace: another service over the same database sees the same switches.
    again = type(ns)(workspace.db, workspace.bus)
    assert arun(again.kind_enabled(K.CALLER_NEEDS_REVIEW)) is False
    arun(again.set_kinds({K.CALLER_NEEDS_REVIEW: True}))
    assert arun(ns.add(K.CALLER_NEEDS_REVIEW, "Ana needs review")) is not None
    assert arun(ns.kind_enabled(K.EMAIL_APPLICATION)) is False  # untouched by that change


def test_long_titles_are_clipped_to_fit(workspace: Workspace, arun: Any) -> None:
    nid = arun(workspace.notifications.add(K.COMPLETED, "Zoë " * 120 + "\ncompleted"))
    row = arun(workspace.notifications.get(nid))
    assert row is not None and len(row.title) == 200 and row.title.endswith("…")
    assert "\n" not in row.title


# ----- deadlines ------------------------------------------------------------------------------
def test_deadline_check_once_per_deadline_and_never_for_closed_roles(
        workspace: Workspace, arun: Any) -> None:
    ws = workspace
    soon = make_interviewer(ws, "Forklift Operator", deadline=NOW + 3 * DAY + dt.timedelta(hours=2))
    later = make_interviewer(ws, "Line Cook", deadline=NOW + 10 * DAY)
    for name, status in (("Expired Role", InterviewerStatus.EXPIRED),
                         ("Archived Role", InterviewerStatus.ARCHIVED),
                         ("Draft Role", InterviewerStatus.DRAFT)):
        make_interviewer(ws, name, status=status, deadline=NOW + 2 * DAY)
    make_interviewer(ws, "Overdue Role", deadline=NOW - DAY)
    make_interviewer(ws, "Open Ended", deadline=None)
    clock = {"now": NOW}
    check = DeadlineCheck(ws.notifications, clock=lambda: clock["now"])
    seen = added(ws)

    first = arun(check.run_once())
    [note] = notes(ws, K.DEADLINE_NEAR)
    assert first == [note.id] == seen
    assert (note.interviewer_id, note.title) == (soon, "Forklift Operator closes in 3 days")
    assert "extend it" in note.body
    assert arun(check.run_once()) == []  # the next check (or the next start): nothing new

    clock["now"] = NOW + 4 * DAY  # Line Cook's deadline is now 6 days away
    [second] = arun(check.run_once())
    assert arun(check.run_once()) == []
    assert [(n.interviewer_id, n.title) for n in notes(ws, K.DEADLINE_NEAR)][1] == (
        later, "Line Cook closes in 6 days")

    # Forklift's deadline is extended by a month: its new deadline gets its own notice.
    def extend(s: Any) -> None:
        s.get(Interviewer, soon).deadline = NOW + 33 * DAY
    ws.db.run_sync(extend, write=True)
    clock["now"] = NOW + 27 * DAY + dt.timedelta(hours=12)
    [third] = arun(check.run_once())
    assert notes(ws, K.DEADLINE_NEAR)[-1].title == "Forklift Operator closes in 5 days"
    assert len(notes(ws)) == 3 and seen == [first[0], second, third]


def test_deadline_check_honours_the_switch(workspace: Workspace, arun: Any) -> None:
    iv = make_interviewer(workspace, "Forklift Operator", deadline=NOW + 12 * dt.timedelta(hours=1))
    check = DeadlineCheck(workspace.notifications, clock=lambda: NOW)
    arun(workspace.notifications.set_kinds({K.DEADLINE_NEAR: False}))
    assert arun(check.run_once()) == [] and notes(workspace) == []
    arun(workspace.notifications.set_kinds({K.DEADLINE_NEAR: True}))
    [nid] = arun(check.run_once())  # switched back on before the deadline: still told
    [note] = notes(workspace)
    assert (note.id, note.interviewer_id) == (nid, iv)
    assert note.title == "Forklift Operator closes within a day"


# ----- sync failures --------------------------------------------------------------------------
@pytest.fixture
def sandbox() -> Iterator[TwilioSandbox]:
    box = TwilioSandbox()
    with box.running():
        yield box


async def settled(ws: Workspace) -> None:
    while "notifications.sync" in ws.tasks.running:
        await asyncio.sleep(0.01)


def episodes(ws: Workspace) -> dict[str, Any]:
    row = ws.db.run_sync(lambda s: s.get(WorkspaceSetting, EPISODES_KEY))
    return dict(row.value) if row is not None else {}


def test_sync_failure_is_announced_once_per_episode(
        workspace: Workspace, arun: Any, sandbox: TwilioSandbox, tmp_path: Path) -> None:
    ws = workspace
    token = {"value": "revoked"}

    async def make() -> TwilioConnector:
        url = sandbox.base_url
        creds = TwilioCredentials.auth_token(sandbox.account.sid, token["value"])
        return TwilioConnector(creds, ApiBases(url, url), policy=FAST)

    engine = SyncEngine(ws.db, ws.bus)
    engine.register(TwilioSync(ws.db, tmp_path, make))
    watch = SyncFailureWatch(engine, ws.notifications, ws.tasks)

    async def round_() -> ServiceState:
        engine.resume("twilio")
        state = (await engine.run_once("twilio")).state
        await settled(ws)
        return state

    async def go() -> None:
        assert await round_() == ServiceState.AUTH_FAILED
        [note] = notes(ws, K.SYNC_FAILED)
        assert note.title == "Twilio sync failed"
        assert engine.status("twilio").message in note.body and "Integrations" in note.body
        # More refused rounds (and a resume in between) are the same episode.
        assert (await engine.run_once("twilio")).state == ServiceState.AUTH_FAILED
        assert await round_() == ServiceState.AUTH_FAILED
        await settled(ws)
        assert len(notes(ws, K.SYNC_FAILED)) == 1 and "twilio" in episodes(ws)
        # Fixed: a successful round ends the episode.
        token["value"] = sandbox.account.auth_token
        assert await round_() == ServiceState.IDLE
        assert episodes(ws) == {}
        assert await round_() == ServiceState.IDLE
        # Revoked again: a new episode, a new notification.
        token["value"] = "revoked-again"
        assert await round_() == ServiceState.AUTH_FAILED
        assert len(notes(ws, K.SYNC_FAILED)) == 2
        # The app restarts while the token is still wrong: nothing new.
        watch.close()
        fresh = SyncFailureWatch(engine, ws.notifications, ws.tasks)
        assert await round_() == ServiceState.AUTH_FAILED
        assert len(notes(ws, K.SYNC_FAILED)) == 2
        # Our own bug in a round is the supervisor's to report (test_supervisor.py): the
        # watch stays quiet, so the user is told once, not twice.
        fresh.observe(SyncStatus("twilio_stages", ServiceState.FAILED,
                                 message="Sync stopped because of an internal error."))
        await settled(ws)
        fresh.close()

    arun(go())
    titles = [n.title for n in notes(ws, K.SYNC_FAILED)]
    assert titles == ["Twilio sync failed"] * 2
    assert set(episodes(ws)) == {"twilio"}


# ----- completion → subscriber emails ---------------------------------------------------------
def add_subscribers(ws: Workspace, interviewer_id: int, *emails: str) -> None:
    ws.db.run_sync(lambda s: s.add_all(InterviewerSubscriber(interviewer_id=interviewer_id,
                                                             email=e) for e in emails),
                   write=True)


@pytest.fixture
def role(workspace: Workspace) -> dict[str, Any]:
    iv = make_interviewer(workspace, "Forklift Operator", stages=(StageKind.VOICE, StageKind.SMS))
    voice, (q_lic, q_fork) = add_questions(workspace, iv, 0, LICENSE, FORKLIFT)
    sms, (q_night, q_team) = add_questions(workspace, iv, 1, NIGHTS, TEAM)
    cand = make_candidate(workspace, "Dana Ruiz")
    app = make_application(workspace, cand, iv)
    add_subscribers(workspace, iv, "hm@acme.example", " HM@Acme.example ", "lead@acme.example",
                    "not an address")
    workspace.applications.clock = lambda: NOW
    return dict(iv=iv, voice=voice, sms=sms, app=app, cand=cand, q_lic=q_lic, q_fork=q_fork,
                q_night=q_night, q_team=q_team)


def complete(ws: Workspace, arun: Any, r: dict[str, Any]) -> Any:
    arun(ws.applications.complete_stage(r["app"], r["voice"], {
        r["q_lic"]: ("", "1"), r["q_fork"]: STRONG}, external_sid="FNvoice"))
    return arun(ws.applications.complete_stage(r["app"], r["sms"], {
        r["q_night"]: "yes", r["q_team"]: "I trained new teammates and led the night crew"},
        external_sid="FNsms"))


def subscriber_mail(ws: Workspace) -> list[tuple[str, str, str, str, Any, Any]]:
    def q(s: Any) -> list[tuple[str, str, str, str, Any, Any]]:
        rows = s.execute(select(OutboxItem.kind, Message.to_addr, Message.subject, Message.body,
                                Message.candidate_id, Message.application_id)
                         .join(Message, Message.id == OutboxItem.message_id)
                         .where(Message.purpose == PURPOSE).order_by(OutboxItem.id))
        return [tuple(r) for r in rows]
    return ws.db.run_sync(q)


def test_completion_emails_every_subscriber_once(workspace: Workspace, role: dict[str, Any],
                                                  arun: Any) -> None:
    ws = workspace
    done = complete(ws, arun, role)
    assert done.completed and done.score is not None
    mail = subscriber_mail(ws)
    # One per address: the duplicate (other case, spaces) and the non-address are skipped.
    assert [m[1] for m in mail] == ["hm@acme.example", "lead@acme.example"]
    kind, _to, subject, body, candidate_id, application_id = mail[0]
    assert kind == "email" and candidate_id is None and application_id == role["app"]
    assert subject == f"Dana Ruiz completed Forklift Operator — {round(done.score)}/100"
    assert body.startswith("Dana Ruiz completed the Forklift Operator interview.")
    assert f"Overall score: {round(done.score)}/100" in body
    assert "- Voice: " in body and "- Sms: " in body and "1/1 requirements met" in body
    assert "Knocked out" not in body
    [completed] = notes(ws, K.COMPLETED)
    assert completed.title == "Dana Ruiz completed Forklift Operator"
    # A replayed result stores nothing again: no notification, no email.
    again = arun(ws.applications.complete_stage(role["app"], role["sms"], {},
                                                external_sid="FNsms"))
    assert again.unchanged
    assert len(subscriber_mail(ws)) == 2 and len(notes(ws, K.COMPLETED)) == 1
    # Reported again (a second desktop, a retry): only a new subscriber gets one.
    add_subscribers(ws, role["iv"], "owner@acme.example")
    arun(ws.notifications.application_finished(role["app"], K.COMPLETED, "again", ""))
    assert [m[1] for m in subscriber_mail(ws)] == ["hm@acme.example", "lead@acme.example",
                                                   "owner@acme.example"]
    statuses = ws.db.run_sync(lambda s: set(s.scalars(
        select(Message.status).where(Message.purpose == PURPOSE))))
    assert statuses == {MessageStatus.QUEUED}


def test_knock_out_emails_where_and_why(workspace: Workspace, role: dict[str, Any],
                                         arun: Any) -> None:
    out = arun(workspace.applications.complete_stage(role["app"], role["voice"], {
        role["q_lic"]: "no, I don't have one", role["q_fork"]: "never operated one"}))
    assert out.knocked_out
    [(_k, _to, subject, body, _c, _a), _second] = subscriber_mail(workspace)
    assert subject == "Dana Ruiz was knocked out of Forklift Operator — Voice"
    assert "- Voice: knocked out" in body and "- Sms: not reached" in body
    [line] = [ln for ln in body.splitlines() if ln.startswith("Knocked out at Voice: ")]
    assert len(line) > len("Knocked out at Voice: ") + 5  # the dealbreaker's reason


def test_subscribers_are_emailed_even_with_the_kind_switched_off(
        workspace: Workspace, role: dict[str, Any], arun: Any) -> None:
    arun(workspace.notifications.set_kinds({K.COMPLETED: False}))
    assert complete(workspace, arun, role).completed
    assert notes(workspace, K.COMPLETED) == [] and len(notes(workspace, K.SCORE_READY)) == 1
    assert len(subscriber_mail(workspace)) == 2


@pytest.fixture
def server() -> Iterator[MailServer]:
    with mail_server() as srv:
        yield srv


def test_a_subscriber_receives_the_completion_email_over_smtp(
        workspace: Workspace, role: dict[str, Any], arun: Any, server: MailServer) -> None:
    email = connect(workspace, arun, server, MemoryKeychain())
    done = complete(workspace, arun, role)
    assert arun(worker(workspace, email).run_once()) == 2
    got = {r.recipients[0]: r.message for r in server.messages()}
    assert set(got) == {"hm@acme.example", "lead@acme.example"}
    msg = got["hm@acme.example"]
    assert msg["Subject"] == f"Dana Ruiz completed Forklift Operator — {round(done.score)}/100"
    assert "Overall score" in msg.get_content() and "- Voice: " in msg.get_content()
    sent = workspace.db.run_sync(lambda s: s.execute(
        select(OutboxItem.status, Message.status, func.count())
        .join(Message, Message.id == OutboxItem.message_id)
        .where(Message.purpose == PURPOSE).group_by(OutboxItem.status, Message.status)).all())
    assert [tuple(r) for r in sent] == [(OutboxStatus.DONE, MessageStatus.SENT, 2)]
    assert arun(worker(workspace, email).run_once()) == 0  # nothing sent twice
    assert len(server.messages()) == 2
