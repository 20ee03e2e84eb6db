"""Sync cursors and quarantine rows: the bookkeeping a page's transaction writes with it.

A cursor is JSON in ``SyncCursor.cursor``: ``since`` (the watermark the next walk starts
from), ``next`` (the next page's URL while a walk is under way), ``high`` (the newest record
seen in this walk) and ``hold`` (the oldest record still waiting for a price, which the
watermark must not pass). Lists come newest first, so the watermark only moves once a walk
reaches its last page.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.models.base import utcnow
from milo_desktop.models.system import QuarantinedRecord, SyncCursor
from milo_desktop.services.connectors import Quarantine


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _time(value: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) and value else None


@dataclass(frozen=True)
class Cursor:
    since: dt.datetime | None = None
    next: str | None = None
    high: dt.datetime | None = None
    hold: dt.datetime | None = None

    def dumps(self) -> str:
        return json.dumps({"since": _iso(self.since), "next": self.next,
                           "high": _iso(self.high), "hold": _iso(self.hold)})

    @classmethod
    def loads(cls, text: str) -> Cursor:
        try:
            raw = json.loads(text) if text else {}
        except ValueError:
            raw = {}
        if not isinstance(raw, dict):
            raw = {}
        return cls(_time(raw.get("since")), raw.get("next") or None,
                   _time(raw.get("high")), _time(raw.get("hold")))

    def after_page(self, dates: list[dt.datetime], unsettled: list[dt.datetime],
                   next_url: str | None) -> Cursor:
        """The cursor once a page (its record dates, those still unpriced) is stored."""
        high = max([d for d in (self.high, *dates) if d is not None], default=None)
        hold = min([d for d in (self.hold, *unsettled) if d is not None], default=None)
        if next_url:
            return replace(self, next=next_url, high=high, hold=hold)
        # Walk complete: the watermark moves to the newest record, but never past one whose
        # price has yet to settle (it must be read again).
        since = high if hold is None or high is None else min(high, hold)
        return Cursor(since=since or self.since)


def load_cursor(s: Session, service: str, resource: str) -> Cursor:
    row = s.get(SyncCursor, (service, resource))
    return Cursor.loads(row.cursor) if row is not None else Cursor()


def save_cursor(s: Session, service: str, resource: str, cursor: Cursor, *,
                complete: bool) -> None:
    """Upsert the cursor (call inside the page's transaction)."""
    row = s.get(SyncCursor, (service, resource))
    if row is None:
        row = SyncCursor(service=service, resource=resource)
        s.add(row)
    row.cursor = cursor.dumps()
    row.last_error = None
    if complete:
        row.last_success_at = utcnow()


def add_quarantine(s: Session, items: list[Quarantine]) -> int:
    """Store quarantined records, skipping ones already held unresolved; returns how many
    were new."""
    added = 0
    for q in items:
        exists = s.scalar(
            select(QuarantinedRecord.id).where(
                QuarantinedRecord.service == q.service,
                QuarantinedRecord.resource == q.resource,
                QuarantinedRecord.reason == q.reason,
                QuarantinedRecord.payload == q.payload,
                QuarantinedRecord.resolved_at.is_(None),
            ).limit(1)
        )
        if exists is None:
            s.add(QuarantinedRecord(service=q.service, resource=q.resource[:60],
                                    external_id=q.external_id, reason=q.reason,
                                    payload=q.payload))
            added += 1
    return added


@dataclass(frozen=True)
class SyncIssue:
    """A quarantined record as the Sync issues panel lists it."""

    id: int
    service: str
    resource: str
    external_id: str | None
    reason: str
    payload: str
    received_at: dt.datetime
    resolved_at: dt.datetime | None


def list_issues(s: Session, *, include_resolved: bool = False,
                limit: int = 500) -> list[SyncIssue]:
    q = select(QuarantinedRecord).order_by(QuarantinedRecord.received_at.desc(),
                                           QuarantinedRecord.id.desc()).limit(limit)
    if not include_resolved:
        q = q.where(QuarantinedRecord.resolved_at.is_(None))
    return [SyncIssue(r.id, r.service, r.resource, r.external_id, r.reason, r.payload,
                      r.received_at, r.resolved_at) for r in s.scalars(q)]


def resolve_issues(s: Session, ids: list[int], now: dt.datetime) -> int:
    """Mark quarantined records as reviewed: they leave the list but are kept (payload and
    reason), so nothing received is ever lost. Returns how many changed."""
    rows = s.scalars(select(QuarantinedRecord).where(
        QuarantinedRecord.id.in_(ids), QuarantinedRecord.resolved_at.is_(None))).all()
    for row in rows:
        row.resolved_at = now
    return len(rows)
