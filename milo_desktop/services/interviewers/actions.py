"""The interviewers table's actions: expire, archive, unarchive, extend deadline, budget and
clone. Each writes an audit entry and publishes InterviewersChanged."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.enums import BudgetKind, InterviewerStatus
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import (
    AuditEntry,
    Interviewer,
    InterviewerSubscriber,
    Question,
    Stage,
)
from milo_desktop.services.budget_check import check_not_below_spent
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import EventBus, InterviewersChanged
from milo_desktop.services.interviewers.helpers import _overdue
from milo_desktop.services.interviewers.rows import MAX_BUDGET_CENTS, InterviewerNotFound
from milo_desktop.services.readiness import interviewer_readiness


def _audit(s: Session, action: str, ids: Iterable[int], **detail: Any) -> None:
    for iid in ids:
        s.add(AuditEntry(action=action, entity="interviewer", entity_id=iid, detail=detail))


def _unique_slug(s: Session, base: str) -> str:
    base = base[:70]
    taken = set(s.scalars(select(Interviewer.slug).where(Interviewer.slug.like(f"{base}-copy%"))))
    slug, n = f"{base}-copy", 2
    while slug in taken:
        slug, n = f"{base}-copy-{n}", n + 1
    return slug


def _copy_columns(obj: Any, skip: set[str]) -> dict[str, Any]:
    table = obj.__table__
    # deepcopy: JSON values (settings, choices) must not be shared between two rows
    return {c.key: copy.deepcopy(getattr(obj, c.key)) for c in table.columns if c.key not in skip}


class ActionsMixin:
    """Writes on interviewers (the service's ``db``, ``bus`` and ``clock``)."""

    db: Database
    bus: EventBus
    clock: Callable[[], dt.datetime]

    async def _write(self, fn: Callable[[Session], list[int]]) -> list[int]:
        changed = await self.db.write(fn)
        if changed:
            self.bus.publish(InterviewersChanged(tuple(changed)))
        return changed

    async def expire_overdue(self) -> list[int]:
        """Mark active interviewers whose deadline passed as expired; returns their ids."""
        now = self.clock()

        def w(s: Session) -> list[int]:
            ids = list(s.scalars(select(Interviewer.id).where(_overdue(now))))
            for iv in s.scalars(select(Interviewer).where(Interviewer.id.in_(ids))):
                iv.status = InterviewerStatus.EXPIRED
            _audit(s, "interviewer.expire", ids)
            return ids

        return await self._write(w)

    async def archive(self, ids: Iterable[int]) -> list[int]:
        """Archive interviewers: their link stops, their data stays."""
        wanted, now = tuple(ids), self.clock()

        def w(s: Session) -> list[int]:
            changed = []
            for iv in s.scalars(select(Interviewer).where(Interviewer.id.in_(wanted))):
                if iv.status != InterviewerStatus.ARCHIVED:
                    iv.status, iv.archived_at = InterviewerStatus.ARCHIVED, now
                    changed.append(iv.id)
            _audit(s, "interviewer.archive", changed)
            return changed

        return await self._write(w)

    async def unarchive(self, ids: Iterable[int]) -> list[int]:
        """Bring archived interviewers back: active, or expired when the deadline has passed,
        or draft when they were never activated."""
        wanted, now = tuple(ids), self.clock()

        def w(s: Session) -> list[int]:
            changed = []
            for iv in s.scalars(select(Interviewer).where(Interviewer.id.in_(wanted))):
                if iv.status != InterviewerStatus.ARCHIVED:
                    continue
                if iv.activated_at is None:
                    iv.status = InterviewerStatus.DRAFT
                elif iv.deadline is not None and iv.deadline < now:
                    iv.status = InterviewerStatus.EXPIRED
                else:
                    iv.status = InterviewerStatus.ACTIVE
                iv.archived_at = None
                changed.append(iv.id)
            _audit(s, "interviewer.unarchive", changed)
            return changed

        return await self._write(w)

    async def extend_deadline(
        self, interviewer_id: int, *, days: int | None = None, until: dt.datetime | None = None
    ) -> dt.datetime:
        """Push the deadline ``days`` past the later of now and the current deadline, or to
        ``until``; an expired interviewer becomes active again. Returns the new deadline."""
        now = self.clock()
        if (days is None) == (until is None):
            raise ValueError("give either days or until")
        if days is not None and days <= 0:
            raise ValidationProblem("Extend the deadline by at least one day.")
        if until is not None and (until.tzinfo is None or until <= now):
            raise ValidationProblem("The new deadline must be in the future.")

        new_deadline: list[dt.datetime] = []

        def w(s: Session) -> list[int]:
            iv = s.get(Interviewer, interviewer_id)
            if iv is None:
                raise InterviewerNotFound("This interviewer no longer exists.")
            start = max(now, iv.deadline) if iv.deadline is not None else now
            iv.deadline = until if until is not None else start + dt.timedelta(days=days or 0)
            # Drafts stay drafts and archived stays archived; only expiry is undone.
            if iv.status == InterviewerStatus.EXPIRED:
                iv.status = InterviewerStatus.ACTIVE
            _audit(s, "interviewer.extend_deadline", [iv.id], deadline=iv.deadline.isoformat())
            new_deadline.append(iv.deadline)
            return [iv.id]

        await self._write(w)
        return new_deadline[0]

    async def set_budget(self, interviewer_id: int, kind: BudgetKind | str,
                         cents: int | None, *, confirmed: bool = False) -> None:
        """Set the budget: none, all-time or daily, in integer cents. A budget below what is
        already spent in its window raises BudgetBelowSpent (saying that new invitations will
        pause) unless ``confirmed``."""
        try:
            kind = BudgetKind(kind)
        except ValueError:
            raise ValidationProblem(f"Unknown budget kind {kind!r}.") from None
        if kind == BudgetKind.NONE:
            cents = None
        elif cents is None:
            which = "a daily" if kind == BudgetKind.DAILY else "an all-time"
            raise ValidationProblem(f"Enter an amount for {which} budget.")
        elif not isinstance(cents, int) or isinstance(cents, bool):
            raise ValidationProblem("The budget must be a whole number of cents.")
        elif cents < 0:
            raise ValidationProblem("A budget can't be negative.")
        elif cents > MAX_BUDGET_CENTS:
            raise ValidationProblem("That budget is too large (at most $10,000,000).")
        now = self.clock()

        def w(s: Session) -> list[int]:
            iv = s.get(Interviewer, interviewer_id)
            if iv is None:
                raise InterviewerNotFound("This interviewer no longer exists.")
            check_not_below_spent(s, iv.id, iv.name, kind, cents, now, currency=iv.currency,
                                  confirmed=confirmed)
            iv.budget_kind, iv.budget_cents = kind, cents
            _audit(s, "interviewer.set_budget", [iv.id], kind=kind.value, cents=cents)
            return [iv.id]

        await self._write(w)

    async def activate(self, interviewer_id: int) -> bool:
        """A draft goes live (active from now on). Refused with the reason while its
        screening cannot progress (services/readiness.py: the decision the wizard, the
        interviewer's page and invitations use) or its deadline has passed. False when it was
        not a draft."""
        now = self.clock()

        def w(s: Session) -> list[int]:
            iv = s.get(Interviewer, interviewer_id)
            if iv is None:
                raise InterviewerNotFound("This interviewer no longer exists.")
            if iv.status != InterviewerStatus.DRAFT:
                return []
            readiness = interviewer_readiness(s, iv)
            if not readiness.ready:
                raise ValidationProblem(f"“{iv.name}” can't go live yet: {readiness.reason()}")
            if iv.deadline is not None and iv.deadline < now:
                raise ValidationProblem(f"The deadline of “{iv.name}” has passed: extend it "
                                        "first, then activate.")
            iv.status, iv.activated_at = InterviewerStatus.ACTIVE, now
            _audit(s, "interviewer.activate", [iv.id])
            return [iv.id]

        return bool(await self._write(w))

    async def clone(self, interviewer_id: int) -> int:
        """Copy an interviewer's stages, questions, settings, labels and subscribers into a new
        draft named "… (copy)" with a free "-copy" slug. No candidates, spend or ATS job link
        are copied; a deadline already passed becomes a month from now."""
        now = self.clock()

        def w(s: Session) -> list[int]:
            src = s.get(Interviewer, interviewer_id)
            if src is None:
                raise InterviewerNotFound("This interviewer no longer exists.")
            suffix = " (copy)"
            values = _copy_columns(src, {
                "id", "slug", "name", "status", "created_at", "activated_at", "archived_at",
                "ats_job_id", "ats_synced_at", "deadline",
            })
            new = Interviewer(
                **values, slug=_unique_slug(s, src.slug),
                name=src.name[: 120 - len(suffix)] + suffix, status=InterviewerStatus.DRAFT,
                created_at=now,
                deadline=(src.deadline if src.deadline is None or src.deadline > now
                          else now + dt.timedelta(days=30)),
            )
            for st in src.stages:
                stage = Stage(**_copy_columns(st, {"id", "interviewer_id", "flow_sid"}))
                for qq in st.questions:
                    stage.questions.append(
                        Question(**_copy_columns(qq, {"id", "stage_id", "receptionist_id"})))
                new.stages.append(stage)
            new.labels = list(src.labels)
            new.subscribers = [InterviewerSubscriber(email=x.email) for x in src.subscribers]
            s.add(new)
            s.flush()
            _audit(s, "interviewer.clone", [new.id], source=src.id)
            return [new.id]

        return (await self._write(w))[0]
