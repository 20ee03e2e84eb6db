"""Hand-made workflows for the funnel's tests: applications with stage results in chosen
statuses and times, written as the services would leave them (``Application.started_at`` set
once any stage started, ``completed_at`` once finished)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milo_desktop.enums import ApplicationStatus as A
from milo_desktop.enums import CandidateSource, StageKind
from milo_desktop.enums import StageStatus as S
from milo_desktop.models import Application, Candidate, Stage, StageResult
from milo_desktop.services.workspace import Workspace
from tests.factories import NOW, make_candidate, make_interviewer

H = 3600.0
D = 86400.0
T0 = NOW - dt.timedelta(days=5)


@dataclass
class R:
    """One stage result: status, and its start / end as seconds after T0 (None: not set)."""

    status: S
    start: float | None = None
    end: float | None = None


NS = R(S.NOT_STARTED)


def done(hours: float, *, timed: bool = True) -> R:
    return R(S.COMPLETED, 0.0 if timed else None, hours * H)


@dataclass
class App:
    status: A
    source: CandidateSource
    results: tuple[R, ...] | None  # None: an application without stage results
    completed: bool = False  # completed_at set
    ko_stage: int | None = None  # position of the knock-out stage


ATS, EMAIL, PHONE, DIRECTORY, MANUAL = (CandidateSource.ATS, CandidateSource.EMAIL,
                                        CandidateSource.PHONE, CandidateSource.DIRECTORY,
                                        CandidateSource.MANUAL)
def add_role(ws: Workspace, name: str, apps: tuple[App, ...],
             kinds: tuple[StageKind, ...] = (StageKind.RESUME, StageKind.VOICE, StageKind.FORM)
             ) -> tuple[int, list[int]]:
    """A new interviewer with ``kinds`` stages and ``apps``; returns its id and stage ids."""
    iid = make_interviewer(ws, name, stages=kinds)
    add_applications(ws, iid, apps)
    return iid, ws.db.run_sync(lambda s: list(s.scalars(
        select(Stage.id).where(Stage.interviewer_id == iid).order_by(Stage.position))))


def add_applications(ws: Workspace, iid: int, apps: tuple[App, ...]) -> list[int]:
    """New candidates applying to ``iid`` as ``apps`` describe; returns the application ids."""
    first = ws.db.run_sync(lambda s: s.scalar(select(func.count()).select_from(Candidate)))
    cids = [make_candidate(ws, f"Person {n}", f"person{n}@example.com")
            for n in range(first, first + len(apps))]

    def write(s: Session) -> list[int]:
        stages = s.query(Stage).filter_by(interviewer_id=iid).order_by(Stage.position).all()
        ids = []
        for cid, spec in zip(cids, apps, strict=True):
            began = any(r.start is not None or r.status != S.NOT_STARTED
                        for r in spec.results or ())
            app = Application(
                candidate_id=cid, interviewer_id=iid, status=spec.status, source=spec.source,
                created_at=T0, started_at=T0 if began else None,
                completed_at=NOW if spec.completed else None,
                knocked_out_stage_id=None if spec.ko_stage is None else stages[spec.ko_stage].id,
            )
            s.add(app)
            s.flush()
            ids.append(app.id)
            for stage, res in zip(stages, spec.results or (), strict=False):
                s.add(StageResult(
                    application_id=app.id, stage_id=stage.id, status=res.status,
                    started_at=None if res.start is None else T0 + dt.timedelta(seconds=res.start),
                    completed_at=None if res.end is None else T0 + dt.timedelta(seconds=res.end),
                ))
        return ids

    return ws.db.run_sync(write, write=True)
