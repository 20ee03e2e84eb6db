"""Starting the next stage when the one before it finished, whoever finished it.

The stage sync queues the next stage right after a screening's result is stored; a résumé
attached by hand, or a crash between storing a result and queueing, leaves an application
in progress whose next phone or text stage has not been queued. ``queue_next_stages`` finds
those and queues them (keyed, so a stage is never queued twice).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.enums import ApplicationStatus, StageStatus
from milo_desktop.models import Application, Candidate, Stage, StageResult
from milo_desktop.services.stages.config import RUNNABLE
from milo_desktop.services.stages.handler import enqueue_execution

BATCH = 500


def queue_next_stages(s: Session, now: dt.datetime) -> int:
    """Queue the first unfinished stage of applications in progress when it runs by phone
    or text, has not started, and every stage before it is completed; returns how many."""
    waiting = s.execute(
        select(StageResult.application_id, StageResult.stage_id, Stage.position,
               Candidate.phone_e164)
        .join(Stage, StageResult.stage_id == Stage.id)
        .join(Application, StageResult.application_id == Application.id)
        .join(Candidate, Application.candidate_id == Candidate.id)
        .where(Application.status == ApplicationStatus.IN_PROGRESS,
               StageResult.status == StageStatus.NOT_STARTED,
               StageResult.external_sid.is_(None),
               Stage.kind.in_(RUNNABLE), Candidate.phone_e164.is_not(None))
        .order_by(StageResult.application_id, Stage.position).limit(BATCH)).all()
    queued = 0
    seen: set[int] = set()
    for app_id, stage_id, position, phone in waiting:
        if app_id in seen:
            continue  # only an application's first waiting stage
        seen.add(app_id)
        before = s.scalars(
            select(StageResult.status).join(Stage, StageResult.stage_id == Stage.id)
            .where(StageResult.application_id == app_id,
                   (Stage.position < position)
                   | ((Stage.position == position) & (Stage.id < stage_id)))).all()
        if all(status == StageStatus.COMPLETED for status in before) and before:
            queued += enqueue_execution(s, app_id, stage_id, phone, not_before=now, now=now) is not None
    return queued
