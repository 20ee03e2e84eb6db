"""The units of work of Shortlist / Dismiss (one chunk of applications each) and Undo.

Each application moves only if H3's status machine allows it (``review_transition``); the
others are reported with the machine's plain message. Every shortlist / dismiss is written to
the audit log per application, with the status before it and the action's batch id, so the
history of a decision survives the undo token the view keeps in memory; an undo adds one entry
naming the batch it undid and the applications it had to leave alone.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from milo_desktop.enums import ApplicationStatus
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import Application, AuditEntry, Base
from milo_desktop.services.applications.status import (
    ReviewAction,
    check_application_transition,
    review_transition,
)
from milo_desktop.services.review.rows import CHUNK, UndoToken

GONE = "This candidate is no longer in this interviewer."
CHANGED_SINCE = "Changed by someone or something else since; left as it is."

Refused = dict[str, list[int]]
APPLIED = {ReviewAction.SHORTLIST: ApplicationStatus.SHORTLISTED,
           ReviewAction.DISMISS: ApplicationStatus.DISMISSED}


def chunks(ids: Sequence[int], size: int | None = None) -> list[Sequence[int]]:
    """``ids`` in slices of ``size`` (default ``CHUNK``, read at call time)."""
    step = size or CHUNK
    return [ids[i:i + step] for i in range(0, len(ids), step)]


def decide_chunk(s: Session, interviewer_id: int, ids: Sequence[int], action: ReviewAction,
                 batch: str, now: dt.datetime,
                 ) -> tuple[dict[ApplicationStatus, list[int]], Refused]:
    """Shortlist or dismiss ``ids`` (one transaction). Returns the changed applications
    grouped by their status before, and the refused ones by reason."""
    rows = s.execute(
        select(Application.id, Application.status)
        .where(Application.id.in_(list(ids)), Application.interviewer_id == interviewer_id)
        .with_for_update()).all()
    refused: Refused = defaultdict(list)
    found = {aid for aid, _st in rows}
    refused_gone = [aid for aid in ids if aid not in found]
    if refused_gone:
        refused[GONE].extend(refused_gone)
    by_status: dict[ApplicationStatus, list[int]] = defaultdict(list)
    for aid, status in rows:
        by_status[ApplicationStatus(status)].append(aid)
    changed: dict[ApplicationStatus, list[int]] = {}
    audit: list[dict[str, object]] = []
    for status, group in by_status.items():
        try:
            if status == APPLIED[action]:
                check_application_transition(status, status)  # "already shortlisted"
            target = review_transition(status, action)
        except ValidationProblem as exc:
            refused[exc.message].extend(group)
            continue
        s.execute(update(Application).where(Application.id.in_(group),
                                            Application.status == status)
                  .values(status=target).execution_options(synchronize_session=False))
        changed[status] = group
        audit += [_audit(f"application.{action.value}", aid, status, target, batch, now)
                  for aid in group]
    if audit:
        audit_log = Base.metadata.tables[AuditEntry.__tablename__]
        s.execute(insert(audit_log), audit)  # Core: no ORM per row
    return changed, dict(refused)


def undo_all(s: Session, token: UndoToken, now: dt.datetime) -> tuple[list[int], Refused]:
    """Put every application of ``token`` back to its status before the action, in one
    transaction. One still in the status the action set is restored; one changed since is
    left alone and reported."""
    restored: list[int] = []
    refused: Refused = defaultdict(list)
    for previous, ids in token.previous.items():
        try:
            target = review_transition(token.applied, ReviewAction.UNDO, previous=previous)
        except ValidationProblem as exc:
            refused[exc.message].extend(ids)
            continue
        for part in chunks(ids):
            still = list(s.scalars(
                select(Application.id).where(Application.id.in_(list(part)),
                                             Application.interviewer_id == token.interviewer_id,
                                             Application.status == token.applied)
                .with_for_update()))
            kept = set(still)
            refused_here = [aid for aid in part if aid not in kept]
            if refused_here:
                refused[CHANGED_SINCE].extend(refused_here)
            if not still:
                continue
            s.execute(update(Application).where(Application.id.in_(still),
                                                Application.status == token.applied)
                      .values(status=target).execution_options(synchronize_session=False))
            restored += still
    if restored:
        # One entry for the whole undo: with the action's per-application entries (same
        # batch) it tells each application's story, without 10,000 more rows to write.
        left = sorted({aid for ids in refused.values() for aid in ids})
        s.add(AuditEntry(at=now, action="application.undo", entity="application_batch",
                         detail={"batch": token.batch, "undid": token.action.value,
                                 "restored": len(restored), "left_alone": left}))
    return restored, dict(refused)


def _audit(action: str, application_id: int, before: ApplicationStatus,
           after: ApplicationStatus, batch: str, now: dt.datetime) -> dict[str, object]:
    return {"at": now, "actor": "", "action": action, "entity": "application",
            "entity_id": application_id,
            "detail": {"before": before.value, "after": after.value, "batch": batch}}
