"""One interviewer's funnel: how many candidates reached, started and finished each stage.

Every figure is counted by the database (grouped aggregates and one ordered probe per stage for
the SQLite median): a popular role holds tens of thousands of applications and hundreds of
thousands of stage results, which must never be loaded into Python to be counted.

Definitions (the Analytics tab shows exactly these):

* **invited** — the interviewer's applications (an application is created by an invitation, an
  email application, a receptionist's ingest, the kiosk...).
* **started** (a stage result) — ``started_at`` is set, or its status is in_progress,
  completed or knocked_out (a résumé attached or a finished execution seen by sync finishes a
  stage in one step, without a start time).
* **invited to a stage** — the first stage: every application. A later stage: its stage
  results that were started, plus those not started whose application completed *every*
  earlier stage (the candidate is waiting at this stage). An invitation creates a result for
  each stage at once, so a not-started result alone does not mean the candidate got there;
  a knock-out or an unfinished earlier stage keeps the candidate out of the later stages.
  Counting started results too keeps ``invited >= started`` when stages ran out of order (a
  résumé emailed before the voice screen).
* **completed / knocked_out** (a stage) — stage results in that status.
* **drop-off rate** (a stage) — ``1 − completed / started``: knock-outs and candidates still in
  the stage count as not (yet) completed; None when nobody started the stage.
* **median time in stage** — the median of ``completed_at − started_at`` in seconds over the
  stage's completed results that have both times (even counts: the mean of the two middle
  values); None when there are none. PostgreSQL: ``percentile_cont(0.5)``; SQLite has no
  percentile function, so one ``ORDER BY … LIMIT 1|2 OFFSET (n − 1) / 2`` query per stage.
* **responded** — applications with at least one started stage: ``Application.started_at``,
  which every path that starts or finishes a stage sets (the tests check it against the stage
  results on the demo workspace); **response rate** = responded / invited.
* **completed** (an application) — it started, went through every stage and was scored:
  status completed, or shortlisted / dismissed after completing (``completed_at`` set and no
  knock-out stage; a knock-out overruled by a shortlist stays a knock-out, a candidate
  dismissed before finishing is not a completion); evaluating is not yet completed.
  **completion rate** = completed / responded (started). Both are the shared definitions of
  ``services/figures.py``, so the Interviewers table and the Analytics section agree.
* **sources** — applications per ``Application.source`` (every CandidateSource, zeros kept).

Rates are None when their denominator is 0. Two covering indexes (migration 0003) let the
database count from the index alone: ``ix_applications_funnel`` and ``ix_stage_results_funnel``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from milo_desktop.enums import CandidateSource, StageKind, StageStatus
from milo_desktop.models import Application, Stage, StageResult
from milo_desktop.services.figures import (
    COMPLETED_APPLICATION as COMPLETED_APPLICATION,
)
from milo_desktop.services.figures import (
    completed_application,
    completion_rate,
    spend_micros,
    started_application,
)

STARTED_STATUSES = (StageStatus.IN_PROGRESS, StageStatus.COMPLETED, StageStatus.KNOCKED_OUT)


@dataclass(frozen=True)
class StageFunnel:
    stage_id: int
    position: int
    name: str
    kind: StageKind
    invited: int
    started: int
    completed: int
    knocked_out: int
    median_seconds: float | None
    drop_off_rate: float | None


@dataclass(frozen=True)
class InterviewerFunnel:
    interviewer_id: int
    invited: int
    responded: int
    completed: int
    response_rate: float | None
    completion_rate: float | None
    stages: tuple[StageFunnel, ...]
    sources: dict[str, int]
    spend_micros: int = 0  # in total (services/figures.spend_micros), as on the Interviewers table

    @property
    def empty(self) -> bool:
        """Nobody invited yet: the tab shows its empty state."""
        return self.invited == 0


def _started() -> ColumnElement[bool]:
    r = StageResult
    return or_(r.started_at.is_not(None), r.status.in_(STARTED_STATUSES))


def _timed() -> ColumnElement[bool]:
    """Completed stage results with both times: the ones a time in stage is measured on."""
    r = StageResult
    return and_(r.status == StageStatus.COMPLETED, r.started_at.is_not(None),
                r.completed_at.is_not(None))


def _duration(dialect: str) -> ColumnElement[Any]:
    """``completed_at − started_at`` in seconds, computed by the database."""
    r = StageResult
    if dialect == "postgresql":
        return func.extract("epoch", r.completed_at - r.started_at)
    # SQLite stores UTC text ("2026-11-22 12:00:00.000000"); julianday is a float of days
    # (the median is rounded to the millisecond to drop its binary noise).
    return (func.julianday(r.completed_at) - func.julianday(r.started_at)) * 86400.0


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def funnel_of(s: Session, interviewer_id: int, now: dt.datetime) -> InterviewerFunnel:
    """The funnel of ``interviewer_id`` (see the module doc for every definition).

    ``now`` is the service clock's reading, part of the agreed signature; the figures are
    all-time counts of what is stored, so they do not depend on it. An unknown interviewer
    gives the empty funnel.
    """
    dialect = s.get_bind().dialect.name
    stages = s.execute(
        select(Stage.id, Stage.position, Stage.name, Stage.kind)
        .where(Stage.interviewer_id == interviewer_id).order_by(Stage.position, Stage.id)
    ).all()
    stage_ids = [row.id for row in stages]
    invited, responded, completed, sources = _application_counts(s, interviewer_id)
    per_stage = _stage_counts(s, stage_ids, dialect) if stage_ids else {}
    out: list[StageFunnel] = []
    for i, stage in enumerate(stages):
        row = per_stage.get(stage.id)
        started, done, knocked, timed = (
            (int(row.started), int(row.completed), int(row.knocked), int(row.timed))
            if row is not None else (0, 0, 0, 0))
        if row is None or not timed:
            median = None
        elif dialect == "postgresql":
            median = float(row.median)
        else:
            median = _sqlite_median(s, stage.id, timed)
        out.append(StageFunnel(
            stage_id=stage.id, position=stage.position, name=stage.name,
            kind=StageKind(stage.kind),
            invited=invited if i == 0 else started + _waiting(s, stage.id, stage_ids[:i]),
            started=started, completed=done, knocked_out=knocked, median_seconds=median,
            drop_off_rate=1.0 - done / started if started else None,
        ))
    return InterviewerFunnel(
        interviewer_id=interviewer_id, invited=invited, responded=responded, completed=completed,
        response_rate=_rate(responded, invited),
        completion_rate=completion_rate(completed, responded),
        stages=tuple(out), sources=sources,
        spend_micros=spend_micros(s, interviewer_id=interviewer_id),
    )


def _application_counts(s: Session, interviewer_id: int
                        ) -> tuple[int, int, int, dict[str, int]]:
    """Invited, responded, completed and applications per source: one grouped query, with
    the shared definitions (services/figures.py)."""
    a = Application
    completed = case((and_(started_application(), completed_application()), 1), else_=0)
    responded = case((started_application(), 1), else_=0)
    sources = {src.value: 0 for src in CandidateSource}
    totals = [0, 0, 0]
    for source, n, began, done in s.execute(
        select(a.source, func.count(), func.sum(responded), func.sum(completed))
        .where(a.interviewer_id == interviewer_id).group_by(a.source)
    ):
        sources[CandidateSource(source).value] = n
        for k, value in enumerate((n, began, done)):
            totals[k] += int(value or 0)
    return totals[0], totals[1], totals[2], sources


def _stage_counts(s: Session, stage_ids: list[int], dialect: str) -> dict[int, Any]:
    """Per stage: started, completed, knocked (out), timed (completed with both times) and,
    on PostgreSQL, the median duration — one grouped query over the stages' results."""
    r = StageResult
    columns = [
        r.stage_id,
        func.sum(case((_started(), 1), else_=0)).label("started"),
        func.sum(case((r.status == StageStatus.COMPLETED, 1), else_=0)).label("completed"),
        func.sum(case((r.status == StageStatus.KNOCKED_OUT, 1), else_=0)).label("knocked"),
        func.sum(case((_timed(), 1), else_=0)).label("timed"),
    ]
    if dialect == "postgresql":
        # percentile_cont skips NULLs: only timed rows give a duration.
        columns.append(func.percentile_cont(0.5).within_group(
            case((_timed(), _duration(dialect)))).label("median"))
    return {row.stage_id: row for row in s.execute(
        select(*columns).where(r.stage_id.in_(stage_ids)).group_by(r.stage_id))}


def _waiting(s: Session, stage_id: int, earlier: list[int]) -> int:
    """Not-started results of ``stage_id`` whose application completed every earlier stage.

    One probe of ``uq_stage_results_application_id_stage_id`` per not-started row of the
    stage, i.e. per candidate who has not started it yet.
    """
    r, p = StageResult.__table__.alias("r"), StageResult.__table__.alias("p")
    earlier_done = (
        select(func.count()).select_from(p)
        .where(p.c.application_id == r.c.application_id, p.c.stage_id.in_(earlier),
               p.c.status == StageStatus.COMPLETED)
        .scalar_subquery()
    )
    return s.scalar(
        select(func.count()).select_from(r)
        .where(r.c.stage_id == stage_id, r.c.status == StageStatus.NOT_STARTED,
               r.c.started_at.is_(None), earlier_done == len(earlier))
    ) or 0


def _sqlite_median(s: Session, stage_id: int, n: int) -> float:
    """The median duration of the stage's ``n`` timed results: the middle one (odd ``n``) or
    the mean of the middle two (even ``n``), picked by the database with LIMIT/OFFSET."""
    d = _duration("sqlite").label("d")
    middle = (select(d).where(StageResult.stage_id == stage_id, _timed())
              .order_by(d).limit(2 - n % 2).offset((n - 1) // 2).subquery())
    return float(s.execute(select(func.round(func.avg(middle.c.d), 3))).scalar_one())
