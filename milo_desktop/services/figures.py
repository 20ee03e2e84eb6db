"""One definition per figure, counted by the database.

Every screen that shows spend, a completion rate or a count of candidates reads it through
these functions: the top bar's spend chip (``SpendService``), the Interviewers table
(``InterviewerService``), an interviewer's Analytics tab (``analytics/funnel.py``), the
Analytics section (``analytics/queries.py``) and the Candidates tab's counts. A screen that
shows a figure over a period says which in its label ("Last 30 days", "today", "in total").

- **spend**: what the providers reported (``spend.amount_micros``, micro-units of the
  currency), summed over ``[since, until)`` (open ends: no bound). The workspace's spend
  includes the receptionists' calls; an interviewer's is only its own.
- **candidates** of an interviewer: its applications (one per person: a unique constraint).
- **started**: applications with ``started_at`` set (every path that starts or finishes a
  stage sets it).
- **completed**: the candidate went through every stage and was scored: status completed,
  or shortlisted / dismissed after completing (``completed_at`` set, no knock-out stage). A
  knock-out is not a completion, nor is a dismissal before the end.
- **completion rate**: of the started interviews, the share completed (over a period: of
  those started in it, the share completed in it); None when nobody started.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from milo_desktop.enums import ApplicationStatus
from milo_desktop.models import Application, SpendEntry

A = Application
# Statuses that may follow a completion (the funnel's "completed" test).
COMPLETED_APPLICATION = (ApplicationStatus.COMPLETED, ApplicationStatus.SHORTLISTED,
                         ApplicationStatus.DISMISSED)


def completed_application() -> ColumnElement[bool]:
    """The "completed" test on ``applications`` (see the module doc). Written as plain
    comparisons, which SQLite evaluates faster per row than an IN list."""
    later = [st for st in COMPLETED_APPLICATION if st != ApplicationStatus.COMPLETED]
    return or_(A.status == ApplicationStatus.COMPLETED,
               and_(or_(*(A.status == st for st in later)), A.completed_at.is_not(None),
                    A.knocked_out_stage_id.is_(None)))


def started_application() -> ColumnElement[bool]:
    return A.started_at.is_not(None)


def completion_rate(completed: int, started: int) -> float | None:
    """The completion rate from its two counts (the only place it is divided)."""
    return completed / started if started else None


@dataclass(frozen=True)
class ApplicationFigures:
    """One interviewer's counts: its candidates, how many started, how many of those
    completed (the completion rate's numerator)."""

    candidates: int = 0
    started: int = 0
    completed: int = 0

    @property
    def completion_rate(self) -> float | None:
        return completion_rate(self.completed, self.started)


def application_figures(s: Session, interviewer_ids: Iterable[int]
                        ) -> dict[int, ApplicationFigures]:
    """Candidates, started and completed per interviewer: one grouped query (the
    ``ix_applications_funnel`` index covers it). Interviewers without applications get
    zeros."""
    ids = list(dict.fromkeys(interviewer_ids))
    out = {i: ApplicationFigures() for i in ids}
    if not ids:
        return out
    started = case((started_application(), 1), else_=0)
    completed = case((and_(started_application(), completed_application()), 1), else_=0)
    for iid, n, began, done in s.execute(
        select(A.interviewer_id, func.count(), func.sum(started), func.sum(completed))
        .where(A.interviewer_id.in_(ids)).group_by(A.interviewer_id)
    ):
        out[iid] = ApplicationFigures(int(n), int(began or 0), int(done or 0))
    return out


def status_counts(s: Session, interviewer_id: int) -> dict[str, int]:
    """One interviewer's applications per status (every status, zeros included) plus
    ``"all"``: its candidates, the same count as ``application_figures``."""
    counts = {st.value: 0 for st in ApplicationStatus}
    for status, n in s.execute(
        select(A.status, func.count()).where(A.interviewer_id == interviewer_id)
        .group_by(A.status)
    ):
        counts[ApplicationStatus(status).value] = int(n)
    counts["all"] = sum(counts.values())
    return counts


def spend_micros(s: Session, *, interviewer_id: int | None = None,
                 since: dt.datetime | None = None, until: dt.datetime | None = None) -> int:
    """The spend of the workspace (``interviewer_id`` None: receptionists' calls included)
    or of one interviewer, over ``[since, until)``."""
    stmt = select(func.coalesce(func.sum(SpendEntry.amount_micros), 0))
    if interviewer_id is not None:
        stmt = stmt.where(SpendEntry.interviewer_id == interviewer_id)
    if since is not None:
        stmt = stmt.where(SpendEntry.occurred_at >= since)
    if until is not None:
        stmt = stmt.where(SpendEntry.occurred_at < until)
    return int(s.scalar(stmt) or 0)


def spend_by_interviewer(s: Session, interviewer_ids: Iterable[int], *,
                         today: dt.datetime) -> dict[int, tuple[int, int]]:
    """Per interviewer: (spend in total, spend since ``today``, the day's start) — the same
    sums as ``spend_micros`` for each, in one grouped query. Missing interviewers: (0, 0)."""
    ids = list(dict.fromkeys(interviewer_ids))
    out = dict.fromkeys(ids, (0, 0))
    if not ids:
        return out
    for iid, total, since_today in s.execute(
        select(SpendEntry.interviewer_id, func.sum(SpendEntry.amount_micros),
               func.sum(case((SpendEntry.occurred_at >= today, SpendEntry.amount_micros),
                             else_=0)))
        .where(SpendEntry.interviewer_id.in_(ids)).group_by(SpendEntry.interviewer_id)
    ):
        out[iid] = (int(total or 0), int(since_today or 0))
    return out


def spend_by_receptionist(s: Session) -> dict[int, int]:
    """Per receptionist: what the provider charged for its line's calls and texts, in total
    (the same sums as ``spend_micros``, grouped by receptionist)."""
    return {int(rid): int(total or 0) for rid, total in s.execute(
        select(SpendEntry.receptionist_id, func.sum(SpendEntry.amount_micros))
        .where(SpendEntry.receptionist_id.is_not(None))
        .group_by(SpendEntry.receptionist_id))}

