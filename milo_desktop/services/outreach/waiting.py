"""Waiting to send: every outbox row not yet sent, who and what it is for, since when, and why
it waits — in words ("Outside business hours — until 8:00 tomorrow", "Twilio is not
connected", "Offline — …").

The reason is worked out, not stored: from the row (status, next try, last error), the outbox
worker's view of its kind in the last round (``OutboxWorker.kind_states``: not connected,
offline, refused credentials, rate limited, provider error), the sync engine's state of the
kind's service, and the communication policy (master switch, business hours). Rows are paged
in SQL by id (oldest first); the status bar's count is one COUNT on ``ix_outbox_status_next``.

Actions: ``retry`` makes rows due now and wakes the worker; ``cancel`` marks pending rows
``cancelled`` (their messages too: the contact history says "Cancelled"), and ``restore``
undoes that. A row in ``sending`` is never cancelled: it may already be on its way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from milo_desktop.enums import Channel, MessageStatus, OutboxStatus, StageKind
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import Application, Candidate, Interviewer, Stage
from milo_desktop.models.messaging import Message, OutboxItem
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import EventBus, MessagesChanged
from milo_desktop.services.core.paging import Cursor, Page, PageQuery, page_from
from milo_desktop.services.outreach.policy import LOCAL_ZONE, CommunicationPolicy
from milo_desktop.services.outreach.service import GATED_KINDS, OutreachService
from milo_desktop.services.sync.engine import ServiceState, SyncStatus
from milo_desktop.services.sync.outbox import EMAIL, INVITATION, SMS, KindState, OutboxChanged

FLOW_EXECUTION = "flow_execution"
ATS_PREFIX = "ats_result."
WAITING_STATUSES = (OutboxStatus.PENDING, OutboxStatus.SENDING)
PAGE_SIZE = 100
SERVICE_WIDE = frozenset({"offline", "not_connected", "auth_failed"})  # not per kind
MAX_IDS = 5000  # one action's ids (a selection); more are refused with a message
TITLES = {"twilio": "Twilio", "email": "Your email account", "greenhouse": "Greenhouse",
          "lever": "Lever", "workable": "Workable", "bullhorn": "Bullhorn"}
PURPOSES = {"invitation": "Invitation", "nudge": "Reminder", "final_nudge": "Final reminder",
            "report_ready": "Report", "blast": "Message", "ats_result": "Results"}
STAGE_WORDS = {StageKind.VOICE: "Screening call", StageKind.SMS: "Screening by text",
               StageKind.FORM: "Form by text"}


class WaitReason(StrEnum):
    DUE = "due"  # goes out with the worker's next round
    SENDING = "sending"  # being sent right now
    OFFLINE = "offline"
    NOT_CONNECTED = "not_connected"
    RECONNECT = "reconnect"  # the service refused the saved credentials
    BUSINESS_HOURS = "business_hours"
    SWITCHED_OFF = "switched_off"  # the policy's master switch
    RATE_LIMITED = "rate_limited"
    RETRYING = "retrying"  # after an error, with the error
    SCHEDULED = "scheduled"  # due later by design (a call's next attempt)


@dataclass(frozen=True)
class WaitingRow:
    id: int
    kind: str
    what: str  # "Invitation to Forklift Operator by SMS"
    candidate_id: int | None
    candidate_name: str  # "" when the row belongs to no candidate (a teammate's email)
    channel: Channel | None
    since: dt.datetime
    reason: WaitReason
    words: str  # why it waits, in the recruiter's words
    status: OutboxStatus
    attempts: int
    next_try_at: dt.datetime
    last_error: str | None


@dataclass(frozen=True)
class Cancelled:
    ids: tuple[int, ...]  # cancelled now (``restore`` puts them back)
    words: str  # "Cancelled the invitation to Forklift Operator by SMS for Dana Reyes."
    not_cancelled: int = 0  # being sent right now, or already gone


class _Engine(Protocol):
    @property
    def online(self) -> bool: ...

    def statuses(self) -> list[SyncStatus]: ...


class _Worker(Protocol):
    kind_states: dict[str, KindState]

    def wake(self) -> None: ...


Runtime = Callable[[], tuple[Any, Any]]  # () -> (SyncEngine | None, OutboxWorker | None)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def service_of(kind: str) -> str | None:
    """The service a kind's rows go out through (None: written locally, no network)."""
    if kind in (SMS, FLOW_EXECUTION):
        return "twilio"
    if kind == EMAIL:
        return "email"
    if kind.startswith(ATS_PREFIX):
        return kind[len(ATS_PREFIX):]
    return None


def _mid(title: str) -> str:
    """A title inside a sentence: "Your email account" → "your email account" (names such
    as Twilio keep their capital)."""
    return "your" + title[4:] if title.startswith("Your ") else title


def title_of(service: str) -> str:
    return TITLES.get(service, service.replace("_", " ").title())


def _clock(moment: dt.datetime, tz: dt.tzinfo) -> str:
    local = moment.astimezone(tz)
    return f"{local.hour}:{local.minute:02d}"


def when_words(moment: dt.datetime, now: dt.datetime, tz: dt.tzinfo) -> str:
    """"8:00", "8:00 tomorrow", "8:00 Monday", "8:00 on 24 Dec" (in ``tz``, from ``now``)."""
    local, today = moment.astimezone(tz), now.astimezone(tz).date()
    days = (local.date() - today).days
    clock = _clock(moment, tz)
    if days <= 0:
        return clock
    if days == 1:
        return f"{clock} tomorrow"
    if days < 7:
        return f"{clock} {local.strftime('%A')}"
    return f"{clock} on {local.day} {local.strftime('%b')}"


def _short(error: str, limit: int = 160) -> str:
    text = " ".join(error.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def explain(*, kind: str, status: OutboxStatus, next_try_at: dt.datetime,
            last_error: str | None, now: dt.datetime, policy: CommunicationPolicy,
            kind_state: KindState | None, engine_status: SyncStatus | None,
            online: bool = True) -> tuple[WaitReason, str]:
    """Why one row waits (see the module doc), most telling reason first."""
    service = service_of(kind)
    title = title_of(service) if service else ""
    if status == OutboxStatus.SENDING and not last_error and next_try_at > now:
        return WaitReason.SENDING, "Being sent now"
    problem, message = (kind_state.problem, kind_state.message) if kind_state else ("", "")
    if not problem and service and engine_status is not None:
        problem = {ServiceState.OFFLINE: "offline", ServiceState.AUTH_FAILED: "auth_failed",
                   ServiceState.NOT_CONFIGURED: "not_connected",
                   ServiceState.BUSY: "rate_limited"}.get(engine_status.state, "")
        message = engine_status.message
    if not problem and service and not online:
        problem = "offline"
    if problem == "offline":
        return WaitReason.OFFLINE, (f"Offline — goes out when {_mid(title)} can be reached again"
                                    if title else "Offline — goes out when you are back online")
    if problem == "not_connected":
        if service == "email":
            return WaitReason.NOT_CONNECTED, ("No email account is connected — connect one "
                                              "under Integrations → Email")
        return WaitReason.NOT_CONNECTED, (f"{title} is not connected — connect it under "
                                          "Integrations")
    if problem == "auth_failed":
        return WaitReason.RECONNECT, (f"{title} refused the saved sign-in — reconnect it "
                                      "under Integrations")
    if problem == "rate_limited":
        return WaitReason.RATE_LIMITED, (f"{title} asked Milo to slow down (rate limit) — "
                                         f"trying again at {_clock(next_try_at, LOCAL_ZONE)}"
                                         if next_try_at > now else
                                         f"{title} asked Milo to slow down (rate limit) — "
                                         "trying again shortly")
    if kind in GATED_KINDS:
        if not policy.enabled:
            return WaitReason.SWITCHED_OFF, ("Outreach is switched off in the communication "
                                             "policy — switch it on to send")
        opens = policy.next_open(now)
        if opens > now:
            return WaitReason.BUSINESS_HOURS, ("Outside business hours — until "
                                               f"{when_words(opens, now, policy.zone())}")
    if problem == "provider_error":
        return WaitReason.RETRYING, f"Retrying after an error: {_short(message)}"
    if last_error and next_try_at > now:
        return WaitReason.RETRYING, (f"Retrying at {_clock(next_try_at, LOCAL_ZONE)} after "
                                     f"an error: {_short(last_error)}")
    if last_error:
        return WaitReason.RETRYING, f"Retrying now after an error: {_short(last_error)}"
    if next_try_at > now:
        return WaitReason.SCHEDULED, (
            f"Scheduled for {when_words(next_try_at, now, LOCAL_ZONE)}")
    return WaitReason.DUE, "Goes out in a moment"


def _service_state(states: dict[str, KindState], service: str | None) -> KindState | None:
    """A kind that has not had its round yet (a stage start) shares its service's state when
    another kind of that service found it offline, not connected or refusing the sign-in."""
    if service is None:
        return None
    for kind, state in states.items():
        if service_of(kind) == service and state.problem in SERVICE_WIDE:
            return state
    return None


def _what(kind: str, purpose: str, channel: Channel | None, title: str,
          stage: StageKind | None, subject: str) -> str:
    """"Invitation to Forklift Operator by SMS", "Screening call for Forklift Operator"."""
    role = f" to {title}" if title else ""
    if kind == FLOW_EXECUTION:
        words = STAGE_WORDS.get(stage, "Screening") if stage else "Screening"
        return f"{words} for {title}" if title else words
    if kind == INVITATION:
        return f"Invitation{role} (email and SMS as the settings say)"
    if kind.startswith(ATS_PREFIX):
        return subject or f"Results to {title_of(kind[len(ATS_PREFIX):])}"
    word = PURPOSES.get(purpose, purpose.replace("_", " ").capitalize() if purpose else "")
    by = {Channel.SMS: "by SMS", Channel.EMAIL: "by email"}.get(channel) if channel else None
    by = by or ("by SMS" if kind == SMS else "by email" if kind == EMAIL else "")
    if not word:
        return "Email" if kind == EMAIL else "Text message" if kind == SMS else kind
    return " ".join(p for p in (f"{word}{role}", by) if p)


def _rows(s: Session, *, after: int | None, limit: int, ids: Sequence[int] | None = None
          ) -> list[dict[str, Any]]:
    """The outbox rows waiting (or ``ids`` whatever their status), with what they belong to."""
    stmt = (select(OutboxItem, Message.channel, Message.purpose, Message.candidate_id,
                   Message.application_id, Message.subject)
            .outerjoin(Message, Message.id == OutboxItem.message_id))
    if ids is not None:
        stmt = stmt.where(OutboxItem.id.in_(list(ids)))
    else:
        stmt = stmt.where(OutboxItem.status.in_(WAITING_STATUSES))
    if after is not None:
        stmt = stmt.where(OutboxItem.id > after)
    found = s.execute(stmt.order_by(OutboxItem.id).limit(limit)).all()
    app_ids = set()
    for item, _ch, _p, _c, app_id, _subj in found:
        raw = app_id if app_id is not None else item.payload.get("application_id")
        if isinstance(raw, int):
            app_ids.add(raw)
    apps: dict[int, tuple[int, str, str]] = {}
    if app_ids:
        for aid, cid, name, title in s.execute(
                select(Application.id, Application.candidate_id, Candidate.full_name,
                       Interviewer.position_title)
                .join(Candidate, Candidate.id == Application.candidate_id)
                .join(Interviewer, Interviewer.id == Application.interviewer_id)
                .where(Application.id.in_(sorted(app_ids)))):
            apps[aid] = (cid, name, title)
    stage_ids = {i.payload.get("stage_id") for i, *_ in found if i.kind == FLOW_EXECUTION}
    stages: dict[int, StageKind] = {}
    if stage_ids:
        stages = {sid: kind for sid, kind in s.execute(select(Stage.id, Stage.kind).where(
            Stage.id.in_([x for x in stage_ids if isinstance(x, int)])))}
    cand_ids = {c for _i, _ch, _p, c, app_id, _s in found if c is not None and app_id is None}
    names: dict[int, str] = {}
    if cand_ids:
        names = {cid: name for cid, name in s.execute(select(
            Candidate.id, Candidate.full_name).where(Candidate.id.in_(sorted(cand_ids))))}
    out = []
    for item, channel, purpose, cand_id, app_id, subject in found:
        raw = app_id if app_id is not None else item.payload.get("application_id")
        app = apps.get(raw) if isinstance(raw, int) else None
        cid = app[0] if app else cand_id
        out.append({
            "id": item.id, "kind": item.kind, "status": item.status, "attempts": item.attempts,
            "next_try_at": item.next_try_at, "last_error": item.last_error,
            "since": item.created_at, "channel": channel, "candidate_id": cid,
            "name": app[1] if app else names.get(cand_id, "") if cand_id else "",
            "what": _what(item.kind, purpose or "", channel, app[2] if app else "",
                          stages.get(item.payload.get("stage_id")), subject or ""),
        })
    return out


class WaitingService:
    """``workspace.waiting``: the Waiting to send list, its count, Retry now and Cancel."""

    def __init__(self, db: Database, bus: EventBus, outreach: OutreachService, *,
                 runtime: Runtime = lambda: (None, None),
                 clock: Callable[[], dt.datetime] = _utcnow) -> None:
        self.db = db
        self.bus = bus
        self.outreach = outreach
        self.runtime = runtime
        self.clock = clock

    async def count(self) -> int:
        """How many rows wait (pending or sending): one COUNT on the status index."""
        return await self.db.read(lambda s: int(s.scalar(
            select(func.count()).select_from(OutboxItem).where(
                OutboxItem.status.in_(WAITING_STATUSES))) or 0))

    async def page(self, query: PageQuery | None = None, cursor: Cursor | None = None
                   ) -> Page[WaitingRow]:
        """A page of waiting rows, oldest first (keyset on the id: ``cursor`` is the last
        row's ``(id,)``), each with why it waits. ``query.limit`` caps the page."""
        limit = max(1, min(query.limit if query is not None else PAGE_SIZE, 500))
        after = int(cursor[0]) if cursor else None
        found = await self.db.read(lambda s: _rows(s, after=after, limit=limit + 1))
        policy = await self.outreach.policy()
        rows = [self._explained(r, policy) for r in found]
        return page_from(rows, limit, lambda r: (r.id,))

    def _explained(self, r: dict[str, Any], policy: CommunicationPolicy) -> WaitingRow:
        engine, worker = self.runtime()
        service = service_of(r["kind"])
        statuses = {st.service: st for st in engine.statuses()} if engine is not None else {}
        states = getattr(worker, "kind_states", {}) if worker is not None else {}
        reason, words = explain(
            kind=r["kind"], status=r["status"], next_try_at=r["next_try_at"],
            last_error=r["last_error"], now=self.clock(), policy=policy,
            kind_state=states.get(r["kind"]) or _service_state(states, service),
            engine_status=statuses.get(service) if service else None,
            online=engine.online if engine is not None else True)
        return WaitingRow(r["id"], r["kind"], r["what"], r["candidate_id"], r["name"],
                          r["channel"], r["since"], reason, words, r["status"], r["attempts"],
                          r["next_try_at"], r["last_error"])

    async def retry(self, ids: Sequence[int] | None = None) -> int:
        """Make these rows (every waiting row when None) due now and wake the outbox; a row
        being sent right now is left to its worker. Returns how many were moved."""
        now = self.clock()
        chosen = self._checked(ids)

        def w(s: Session) -> int:
            stmt = update(OutboxItem).where(
                OutboxItem.next_try_at > now,
                (OutboxItem.status == OutboxStatus.PENDING)
                | ((OutboxItem.status == OutboxStatus.SENDING)
                   & OutboxItem.last_error.is_not(None)))
            if chosen is not None:
                stmt = stmt.where(OutboxItem.id.in_(chosen))
            done = s.execute(stmt.values(next_try_at=now, updated_at=now))
            return int(getattr(done, "rowcount", 0) or 0)

        moved = await self.db.write(w)
        _engine, worker = self.runtime()
        if worker is not None:
            worker.wake()
        self.bus.publish(OutboxChanged())
        return moved

    async def cancel(self, ids: Sequence[int]) -> Cancelled:
        """Cancel pending rows (and their messages); says what was cancelled."""
        chosen = self._checked(ids) or []
        now = self.clock()

        def w(s: Session) -> tuple[list[dict[str, Any]], list[int], int]:
            rows = _rows(s, after=None, limit=len(chosen) or 1, ids=chosen)
            pending = [r["id"] for r in rows if r["status"] == OutboxStatus.PENDING]
            if pending:
                s.execute(update(OutboxItem).where(
                    OutboxItem.id.in_(pending), OutboxItem.status == OutboxStatus.PENDING)
                    .values(status=OutboxStatus.CANCELLED, updated_at=now))
                candidates = self._set_messages(s, pending, MessageStatus.QUEUED,
                                                MessageStatus.CANCELLED)
            else:
                candidates = []
            done = [r for r in rows if r["id"] in set(pending)]
            return done, candidates, len(chosen) - len(done)

        done, candidates, refused = await self.db.write(w)
        self._published(candidates)
        return Cancelled(tuple(r["id"] for r in done), _cancel_words(done, refused), refused)

    async def restore(self, ids: Sequence[int]) -> int:
        """Undo a cancel: the rows wait again, due now, and their messages are queued."""
        chosen = self._checked(ids) or []
        now = self.clock()

        def w(s: Session) -> tuple[int, list[int]]:
            back = list(s.scalars(select(OutboxItem.id).where(
                OutboxItem.id.in_(chosen), OutboxItem.status == OutboxStatus.CANCELLED)))
            if not back:
                return 0, []
            s.execute(update(OutboxItem).where(OutboxItem.id.in_(back)).values(
                status=OutboxStatus.PENDING, next_try_at=now, updated_at=now))
            return len(back), self._set_messages(s, back, MessageStatus.CANCELLED,
                                                 MessageStatus.QUEUED)

        restored, candidates = await self.db.write(w)
        self._published(candidates)
        _engine, worker = self.runtime()
        if worker is not None and restored:
            worker.wake()
        return restored

    @staticmethod
    def _set_messages(s: Session, outbox_ids: list[int], old: MessageStatus,
                      new: MessageStatus) -> list[int]:
        message_ids = [m for m in s.scalars(select(OutboxItem.message_id).where(
            OutboxItem.id.in_(outbox_ids))) if m is not None]
        if not message_ids:
            return []
        s.execute(update(Message).where(Message.id.in_(message_ids), Message.status == old)
                  .values(status=new))
        return sorted({c for c in s.scalars(select(Message.candidate_id).where(
            Message.id.in_(message_ids))) if c is not None})

    def _published(self, candidates: list[int]) -> None:
        if candidates:
            self.bus.publish(MessagesChanged(tuple(candidates)))
        self.bus.publish(OutboxChanged())

    @staticmethod
    def _checked(ids: Sequence[int] | None) -> list[int] | None:
        if ids is None:
            return None
        chosen = sorted({int(i) for i in ids})
        if len(chosen) > MAX_IDS:
            raise ValidationProblem(f"Choose at most {MAX_IDS:,} messages at a time.")
        return chosen


def _cancel_words(done: list[dict[str, Any]], refused: int) -> str:
    if not done:
        text = "Nothing was cancelled"
    elif len(done) == 1:
        r = done[0]
        what = r["what"][0].lower() + r["what"][1:]
        text = f"Cancelled the {what}" + (f" for {r['name']}" if r["name"] else "")
    else:
        text = f"Cancelled {len(done):,} messages"
    if refused == 1:
        text += " (1 is being sent right now or has already gone, so it was kept)"
    elif refused:
        text += (f" ({refused:,} are being sent right now or have already gone, so they "
                 "were kept)")
    return text + "."
