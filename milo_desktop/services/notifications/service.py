"""The notification center's data: what happened, unread counts, marking read, the per-kind
switches, and the producers that need more than a title (applications by email, finished
interviews with their subscriber emails).

Kinds and where their producers live (product.md "Notifications"):

- completed / score ready — ``ApplicationsService`` after a stage result is stored (a finished
  interview goes through ``application_finished``, which also emails the subscribers);
  receptionist calls that were approved or rejected are "completed" too (``CallEvaluator``);
- caller needs review — ``CallEvaluator``;
- application by email — ``email_application`` (called by the Apply-via-Email job);
- deadline near, sync failed — ``services/notification_jobs.py``.

Per-kind on/off, decided here: the switches are workspace settings (``notifications.kinds``:
{kind: bool}, a kind not listed is on), shared by a team like the list itself. A switched-off
kind is **not recorded**: no row in the bell's list, no unread count, no desktop notification
and no sound; switching it back on applies from then on. Two things a switch does not stop:
subscriber emails (their own setting is the interviewer's subscriber list) and the sync-failure
bookkeeping (so switching on again does not announce an old failure). Whether this computer
shows desktop notifications and plays the chime is a per-computer preference of the view.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, func, select, update
from sqlalchemy.orm import Session

from milo_desktop.enums import NotificationKind
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import Application, Candidate, Interviewer, Notification
from milo_desktop.models.base import utcnow
from milo_desktop.models.system import WorkspaceSetting
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import EventBus, NotificationAdded, NotificationsRead
from milo_desktop.services.notifications.subscriber_emails import queue_subscriber_reports

KINDS_KEY = "notifications.kinds"
TITLE_MAX = 200  # notifications.title is String(200)


@dataclass(frozen=True)
class NotificationRow:
    id: int
    kind: NotificationKind
    title: str
    body: str
    created_at: dt.datetime
    read: bool
    candidate_id: int | None
    interviewer_id: int | None
    inbound_call_id: int | None
    #: The candidate's application with that interviewer, when both are set (a click opens
    #: the profile on that interview).
    application_id: int | None = None


def _row(n: Notification, application_id: int | None) -> NotificationRow:
    return NotificationRow(n.id, n.kind, n.title, n.body, n.created_at, n.read_at is not None,
                           n.candidate_id, n.interviewer_id, n.inbound_call_id, application_id)


def _with_application() -> Select[tuple[Notification, int | None]]:
    stmt = select(Notification, Application.id).outerjoin(Application, and_(
        Application.candidate_id == Notification.candidate_id,
        Application.interviewer_id == Notification.interviewer_id))
    # SQLAlchemy's stubs type an outer-joined column as its mapped type (int), never Optional.
    return stmt  # type: ignore[return-value]


# ----- inside a caller's transaction ------------------------------------------------------------
def kind_switches(s: Session) -> dict[NotificationKind, bool]:
    """Every kind → on/off (a kind never switched is on)."""
    row = s.get(WorkspaceSetting, KINDS_KEY)
    saved: Mapping[str, Any] = row.value if row is not None and isinstance(row.value, dict) \
        else {}
    return {k: saved.get(k.value) is not False for k in NotificationKind}


def clip(text: str, limit: int = TITLE_MAX) -> str:
    """``text`` on one line, cut with an ellipsis to fit ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def record(s: Session, kind: NotificationKind, title: str, body: str = "", *,
           candidate_id: int | None = None, interviewer_id: int | None = None,
           inbound_call_id: int | None = None, now: dt.datetime | None = None) -> int | None:
    """Store a notification in the caller's transaction; None when its kind is switched off.
    The caller publishes ``NotificationAdded`` after the commit (``NotificationService.publish``)."""
    if not kind_switches(s)[kind]:
        return None
    n = Notification(kind=kind, title=clip(title), body=body, candidate_id=candidate_id,
                     interviewer_id=interviewer_id, inbound_call_id=inbound_call_id,
                     created_at=now or utcnow())
    s.add(n)
    s.flush()
    return n.id


class NotificationService:
    def __init__(self, db: Database, bus: EventBus, *,
                 clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.db = db
        self.bus = bus
        self.clock = clock

    def publish(self, ids: Iterable[int | None]) -> None:
        """Announce notifications stored by ``record`` once their transaction committed."""
        for nid in ids:
            if nid is not None:
                self.bus.publish(NotificationAdded(nid))

    # ----- reading ------------------------------------------------------------------------
    async def unread_count(self) -> int:
        def q(s: Session) -> int:
            stmt = (
                select(func.count()).select_from(Notification).where(Notification.read_at.is_(None))
            )
            return int(s.scalar(stmt) or 0)

        return await self.db.read(q)

    async def get(self, notification_id: int) -> NotificationRow | None:
        def q(s: Session) -> NotificationRow | None:
            found = s.execute(_with_application().where(Notification.id == notification_id)
                              .limit(1)).first()
            return None if found is None else _row(found[0], found[1])

        return await self.db.read(q)

    async def recent(self, limit: int = 50) -> list[NotificationRow]:
        """Newest first."""

        def q(s: Session) -> list[NotificationRow]:
            stmt = _with_application().order_by(
                Notification.created_at.desc(), Notification.id.desc()
            )
            return [_row(n, app_id) for n, app_id in s.execute(stmt.limit(limit))]

        return await self.db.read(q)

    # ----- producing ----------------------------------------------------------------------
    async def add(
        self,
        kind: NotificationKind,
        title: str,
        body: str = "",
        *,
        candidate_id: int | None = None,
        interviewer_id: int | None = None,
        inbound_call_id: int | None = None,
    ) -> int | None:
        """Store and announce one notification; None (nothing stored) when its kind is off."""
        now = self.clock()
        nid = await self.db.write(lambda s: record(
            s, kind, title, body, candidate_id=candidate_id, interviewer_id=interviewer_id,
            inbound_call_id=inbound_call_id, now=now))
        self.publish([nid])
        return nid

    async def email_application(self, candidate_id: int, interviewer_id: int) -> int | None:
        """"An application arrived by email": the Apply-via-Email job (IMAP, a later issue)
        calls this once it has stored the candidate and their application. A click opens the
        candidate's profile on that application. None when the kind is switched off."""
        now = self.clock()

        def w(s: Session) -> int | None:
            candidate = s.get(Candidate, candidate_id)
            interviewer = s.get(Interviewer, interviewer_id)
            if candidate is None or interviewer is None:
                raise ValidationProblem("The candidate or the role of this email application "
                                        "no longer exists.")
            body = f"From {candidate.email}." if candidate.email else ""
            return record(s, NotificationKind.EMAIL_APPLICATION,
                          f"{candidate.full_name} applied by email — {interviewer.name}", body,
                          candidate_id=candidate_id, interviewer_id=interviewer_id, now=now)

        nid = await self.db.write(w)
        self.publish([nid])
        return nid

    async def application_finished(self, application_id: int, kind: NotificationKind,
                                   title: str, body: str, *, knockout: str = "") -> int | None:
        """A candidate finished an interview (completed every stage, or was knocked out): the
        notification and one email per subscriber of the interviewer (``subscriber_emails``),
        in one transaction. The emails are queued even when the kind is switched off, and at
        most once per (application, subscriber address)."""
        now = self.clock()

        def w(s: Session) -> int | None:
            app = s.get(Application, application_id)
            if app is None:
                return None  # deleted meanwhile: nothing to announce or report
            queue_subscriber_reports(s, application_id, knockout=knockout, now=now)
            return record(s, kind, title, body, candidate_id=app.candidate_id,
                          interviewer_id=app.interviewer_id, now=now)

        nid = await self.db.write(w)
        self.publish([nid])
        return nid

    # ----- the per-kind switches ----------------------------------------------------------
    async def kinds(self) -> dict[NotificationKind, bool]:
        return await self.db.read(kind_switches)

    async def kind_enabled(self, kind: NotificationKind) -> bool:
        return (await self.kinds())[kind]

    async def set_kinds(self, changes: Mapping[NotificationKind, bool]
                        ) -> dict[NotificationKind, bool]:
        """Switch kinds on or off (the others keep their setting); returns every switch."""
        def w(s: Session) -> dict[NotificationKind, bool]:
            row = s.get(WorkspaceSetting, KINDS_KEY)
            value = dict(row.value) if row is not None and isinstance(row.value, dict) else {}
            value.update({NotificationKind(k).value: bool(on) for k, on in changes.items()})
            if row is None:
                s.add(WorkspaceSetting(key=KINDS_KEY, value=value))
            else:
                row.value = value
            s.flush()
            return kind_switches(s)

        return await self.db.write(w)

    # ----- reading state ------------------------------------------------------------------
    async def mark_read(self, notification_id: int) -> None:
        def w(s: Session) -> None:
            s.execute(
                update(Notification)
                .where(Notification.id == notification_id, Notification.read_at.is_(None))
                .values(read_at=utcnow())
            )

        await self.db.write(w)
        self.bus.publish(NotificationsRead())

    async def mark_all_read(self) -> int:
        def w(s: Session) -> int:
            result = s.execute(
                update(Notification).where(Notification.read_at.is_(None)).values(read_at=utcnow())
            )
            # SQLAlchemy's stubs type Session.execute as Result; an UPDATE gives a CursorResult.
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

        changed = await self.db.write(w)
        self.bus.publish(NotificationsRead())
        return changed
