"""Small, explicit builders for test data (the demo workspace is for look and scale)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from milo_desktop.enums import ApplicationStatus, InterviewerStatus, StageKind, StageStatus
from milo_desktop.models import (
    Application,
    Candidate,
    Interviewer,
    Label,
    Stage,
    StageResult,
)
from milo_desktop.services.workspace import Workspace

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


def make_interviewer(ws: Workspace, name: str = "Warehouse Associate", **kw: Any) -> int:
    stages = kw.pop("stages", (StageKind.RESUME, StageKind.VOICE))
    labels = kw.pop("labels", ())

    def write(s: Any) -> int:
        slug = kw.pop("slug", name.lower().replace(" ", "-"))
        iv = Interviewer(
            slug=slug,
            name=name,
            position_title=kw.pop("position_title", name),
            status=kw.pop("status", InterviewerStatus.ACTIVE),
            created_at=kw.pop("created_at", NOW - dt.timedelta(days=10)),
            # No deadline unless a test asks for one: a fixed date here would be read against
            # services on the machine's clock, and the role would expire on a future day.
            deadline=kw.pop("deadline", None),
            **kw,
        )
        for pos, kind in enumerate(stages):
            iv.stages.append(Stage(position=pos, kind=kind, name=kind.value.title()))
        for label in labels:
            found = s.query(Label).filter_by(name=label).one_or_none()
            iv.labels.append(found or Label(name=label))
        s.add(iv)
        s.flush()
        return iv.id

    return ws.db.run_sync(write, write=True)


def make_candidate(ws: Workspace, name: str, email: str | None = None, **kw: Any) -> int:
    def write(s: Any) -> int:
        c = Candidate(
            full_name=name,
            name_key=name.casefold(),
            email=(email or f"{name.lower().replace(' ', '.')}@example.com").lower(),
            created_at=kw.pop("created_at", NOW),
            **kw,
        )
        s.add(c)
        s.flush()
        return c.id

    return ws.db.run_sync(write, write=True)


def make_application(
    ws: Workspace,
    candidate_id: int,
    interviewer_id: int,
    status: ApplicationStatus = ApplicationStatus.PENDING,
    stage_scores: dict[int, float] | None = None,
    **kw: Any,
) -> int:
    """``stage_scores``: stage position → score; those stages are marked completed."""

    def write(s: Any) -> int:
        app = Application(
            candidate_id=candidate_id, interviewer_id=interviewer_id, status=status, **kw
        )
        s.add(app)
        s.flush()
        stages = s.query(Stage).filter_by(interviewer_id=interviewer_id).all()
        for stage in stages:
            score = (stage_scores or {}).get(stage.position)
            s.add(
                StageResult(
                    application_id=app.id,
                    stage_id=stage.id,
                    status=StageStatus.COMPLETED if score is not None else StageStatus.NOT_STARTED,
                    score=score,
                )
            )
        return app.id

    return ws.db.run_sync(write, write=True)
