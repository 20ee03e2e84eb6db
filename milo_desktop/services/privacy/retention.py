"""The retention rule: people without activity for N months, listed before anyone is erased.

Activity is anything that happened with the person: joining, an application invited /
started / completed / engaged, a message either way, a note, a call. A person is inactive
when none of these is newer than the cutoff. People with a pending erasure request are left
to it. The dry run lists the first ``limit`` (oldest activity first) with the total.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlalchemy.orm import Session

from milo_desktop.models import Application, Candidate, CandidateNote, InboundCall, Message


@dataclass(frozen=True)
class Inactive:
    candidate_id: int
    full_name: str
    last_activity: dt.datetime


@dataclass(frozen=True)
class DryRun:
    months: int
    cutoff: dt.datetime
    total: int
    people: tuple[Inactive, ...]  # the first ``limit``, oldest activity first


def months_before(now: dt.datetime, months: int) -> dt.datetime:
    """The same day and time ``months`` calendar months earlier (clamped to a month's end)."""
    year, month = divmod(now.year * 12 + now.month - 1 - months, 12)
    day = min(now.day, calendar.monthrange(year, month + 1)[1])
    return now.replace(year=year, month=month + 1, day=day)


def _inactive_since(cutoff: dt.datetime) -> list[ColumnElement[bool]]:
    c = Candidate.id
    return [
        Candidate.erase_requested_at.is_(None),
        Candidate.created_at < cutoff,
        ~exists().where(Application.candidate_id == c, or_(
            Application.created_at >= cutoff, Application.started_at >= cutoff,
            Application.completed_at >= cutoff, Application.last_engaged_at >= cutoff)),
        ~exists().where(Message.candidate_id == c, Message.created_at >= cutoff),
        ~exists().where(CandidateNote.candidate_id == c, CandidateNote.created_at >= cutoff),
        ~exists().where(InboundCall.candidate_id == c, InboundCall.started_at >= cutoff),
    ]


def inactive_ids(s: Session, cutoff: dt.datetime) -> list[int]:
    return [int(i) for i in s.scalars(select(Candidate.id).where(*_inactive_since(cutoff))
                                      .order_by(Candidate.id))]


def _last_activity(s: Session, ids: list[int]) -> dict[int, dt.datetime]:
    last: dict[int, dt.datetime] = {}

    def see(rows: object) -> None:
        for cid, when in rows:  # type: ignore[attr-defined]
            if when is not None and (cid not in last or when > last[cid]):
                last[cid] = when

    see(s.execute(select(Candidate.id, Candidate.created_at).where(Candidate.id.in_(ids))))
    for col in (Application.created_at, Application.started_at, Application.completed_at,
                Application.last_engaged_at):
        see(s.execute(select(Application.candidate_id, func.max(col))
                      .where(Application.candidate_id.in_(ids))
                      .group_by(Application.candidate_id)))
    for owner, col in ((Message.candidate_id, Message.created_at),
                       (CandidateNote.candidate_id, CandidateNote.created_at),
                       (InboundCall.candidate_id, InboundCall.started_at)):
        see(s.execute(select(owner, func.max(col)).where(owner.in_(ids)).group_by(owner)))
    return last


def dry_run(s: Session, months: int, now: dt.datetime, limit: int = 500) -> DryRun:
    cutoff = months_before(now, months)
    ids = inactive_ids(s, cutoff)
    names = dict(s.execute(select(Candidate.id, Candidate.full_name)
                           .where(Candidate.id.in_(ids[:5000]))).tuples().all())
    last = _last_activity(s, list(names))
    people = sorted((Inactive(cid, names[cid], last[cid]) for cid in names),
                    key=lambda p: (p.last_activity, p.candidate_id))
    return DryRun(months, cutoff, len(ids), tuple(people[:limit]))
