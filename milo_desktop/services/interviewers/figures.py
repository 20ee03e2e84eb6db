"""Per-interviewer figures for the table: read from ``interviewer_figures``, which the
database keeps current (models/figures.py, migration 0015).

Counting a million applications and summing the spend ledger per page took 270–730 ms; the
kept row is one primary-key read per interviewer, exact after every committed write (ours or
a teammate's on PostgreSQL), so nothing is cached here and no event has to say what changed.
Only "spend today" moves with the clock: it is summed per page over the day's spend rows
(``ix_spend_interviewer``: interviewer, then time), a handful of rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milo_desktop.models import InterviewerFigures, SpendEntry
from milo_desktop.services.interviewers.csat import Csat
from milo_desktop.services.interviewers.helpers import _local_midnight

F = InterviewerFigures


@dataclass(frozen=True)
class _Agg:
    total: int = 0
    started: int = 0
    completed: int = 0
    spend_micros: int = 0
    spend_today_micros: int = 0
    csat: Csat | None = None


def kept_figures(s: Session, ids: list[int], now: dt.datetime) -> dict[int, _Agg]:
    """The kept figures of ``ids`` (zeros for an interviewer without a row yet) with today's
    spend since local midnight."""
    midnight = _local_midnight(now)
    today = dict(s.execute(
        select(SpendEntry.interviewer_id, func.sum(SpendEntry.amount_micros))
        .where(SpendEntry.interviewer_id.in_(ids), SpendEntry.occurred_at >= midnight)
        .group_by(SpendEntry.interviewer_id)).tuples().all())
    out = {i: _Agg(spend_today_micros=int(today.get(i) or 0)) for i in ids}
    for f in s.scalars(select(F).where(F.interviewer_id.in_(ids))):
        out[f.interviewer_id] = _Agg(
            f.candidates, f.started, f.completed, f.spend_micros,
            int(today.get(f.interviewer_id) or 0),
            Csat(f.rating_sum / f.rating_count, f.rating_count) if f.rating_count else None)
    return out

