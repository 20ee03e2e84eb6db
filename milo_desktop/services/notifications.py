"""The notification center's data: what happened, unread counts, marking read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from milo_desktop.enums import NotificationKind
from milo_desktop.models import Notification
from milo_desktop.models.base import utcnow
from milo_desktop.services.database import Database
from milo_desktop.services.events import EventBus, NotificationAdded, NotificationsRead


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


def _row(n: Notification) -> NotificationRow:
    return NotificationRow(
        n.id,
        n.kind,
        n.title,
        n.body,
        n.created_at,
        n.read_at is not None,
        n.candidate_id,
        n.interviewer_id,
        n.inbound_call_id,
    )


class NotificationService:
    def __init__(self, db: Database, bus: EventBus) -> None:
        self.db = db
        self.bus = bus

    async def unread_count(self) -> int:
        def q(s: Session) -> int:
            stmt = (
                select(func.count()).select_from(Notification).where(Notification.read_at.is_(None))
            )
            return int(s.scalar(stmt) or 0)

        return await self.db.read(q)

    async def get(self, notification_id: int) -> NotificationRow | None:
        def q(s: Session) -> NotificationRow | None:
            n = s.get(Notification, notification_id)
            return None if n is None else _row(n)

        return await self.db.read(q)

    async def recent(self, limit: int = 50) -> list[NotificationRow]:
        """Newest first."""

        def q(s: Session) -> list[NotificationRow]:
            stmt = select(Notification).order_by(
                Notification.created_at.desc(), Notification.id.desc()
            )
            return [_row(n) for n in s.scalars(stmt.limit(limit))]

        return await self.db.read(q)

    async def add(
        self,
        kind: NotificationKind,
        title: str,
        body: str = "",
        *,
        candidate_id: int | None = None,
        interviewer_id: int | None = None,
        inbound_call_id: int | None = None,
    ) -> int:
        def w(s: Session) -> int:
            n = Notification(
                kind=kind,
                title=title,
                body=body,
                candidate_id=candidate_id,
                interviewer_id=interviewer_id,
                inbound_call_id=inbound_call_id,
            )
            s.add(n)
            s.flush()
            return n.id

        nid = await self.db.write(w)
        self.bus.publish(NotificationAdded(nid))
        return nid

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
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

        changed = await self.db.write(w)
        self.bus.publish(NotificationsRead())
        return changed
