"""``ReviewService`` (``workspace.review``): the Candidates tab's actions on one or many
applications — shortlist, dismiss, undo, export, score report — and the resolution of a
selection ("these rows" or "all N matching the filters") into application ids in SQL.

Bulk writes: one transaction per chunk of ``CHUNK`` (500) applications on the writer thread,
with progress after each chunk. Why not one transaction for 10,000: the single writer thread
is shared with sync and the outbox, and SQLite has one write lock; short chunks let their
writes in between (a long one would stall an arriving call's row for the whole action), and
each application's decision stands on its own, so a half-done bulk action is a true state the
outcome and its undo token describe. Undo is the exception, one transaction, as the recruiter
expects "Undo" to be all or nothing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milo_desktop.enums import ApplicationStatus
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import Application, Interviewer, Stage
from milo_desktop.models.base import utcnow
from milo_desktop.services.applications.status import ReviewAction
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import ApplicationsChanged, EventBus, InterviewersChanged
from milo_desktop.services.interviewers.candidates_tab import sort_key, tab_select
from milo_desktop.services.interviewers.helpers import _order
from milo_desktop.services.review import decisions
from milo_desktop.services.review.export import ExportWriter, os_errors, render_page
from milo_desktop.services.review.records import load_records
from milo_desktop.services.review.rows import (
    ApplicationRecord,
    ExportFormat,
    ExportResult,
    ReportResult,
    ReviewOutcome,
    ReviewSelection,
    UndoToken,
)

Progress = Callable[[int, int], None]  # (done, total), called on the event loop's thread
MAX_REPORT_CANDIDATES = 500  # one PDF; larger sets are what CSV / JSON exports are for


class ReviewService:
    def __init__(self, db: Database, bus: EventBus,
                 clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.db = db
        self.bus = bus
        self.clock = clock

    # ----- selection ---------------------------------------------------------------------------
    async def resolve(self, selection: ReviewSelection) -> tuple[int, ...]:
        """The application ids of ``selection``, in the tab's order for "all matching", in the
        given order for explicit ids; ids of other interviewers or gone are dropped."""
        dialect = self.db.dialect
        sel = selection

        def q(s: Session) -> tuple[int, ...]:
            if sel.ids is not None:
                kept: list[int] = []
                for part in decisions.chunks(sel.ids, 5000):
                    found = set(s.scalars(select(Application.id).where(
                        Application.id.in_(list(part)),
                        Application.interviewer_id == sel.interviewer_id)))
                    kept += [aid for aid in part if aid in found]
                return tuple(dict.fromkeys(kept))
            key = sort_key(sel.sort)
            stmt = (tab_select(dialect, sel.interviewer_id, sel.filters, Application.id)
                    .order_by(*_order(key, Application.id, sel.descending)))
            return tuple(s.scalars(stmt))

        return await self.db.read(q)

    async def count(self, selection: ReviewSelection) -> int:
        """How many applications ``selection`` holds ("Select all N matching")."""
        if selection.ids is not None:
            return len(await self.resolve(selection))
        dialect = self.db.dialect
        sel = selection

        def q(s: Session) -> int:
            stmt = tab_select(dialect, sel.interviewer_id, sel.filters, func.count())
            return int(s.scalar(stmt) or 0)

        return await self.db.read(q)

    # ----- decisions ---------------------------------------------------------------------------
    async def shortlist(self, selection: ReviewSelection, *,
                        progress: Progress | None = None) -> ReviewOutcome:
        """Shortlist the selection's finished applications (completed, knocked out — the
        recruiter may overrule a knock-out — or dismissed); the others are refused with the
        status machine's reason."""
        return await self._decide(selection, ReviewAction.SHORTLIST, progress)

    async def dismiss(self, selection: ReviewSelection, *,
                      progress: Progress | None = None) -> ReviewOutcome:
        """Dismiss the selection (allowed from any status but dismissed itself)."""
        return await self._decide(selection, ReviewAction.DISMISS, progress)

    async def _decide(self, selection: ReviewSelection, action: ReviewAction,
                      progress: Progress | None) -> ReviewOutcome:
        ids = await self.resolve(selection)
        applied = decisions.APPLIED[action]
        batch = uuid.uuid4().hex
        previous: dict[ApplicationStatus, list[int]] = defaultdict(list)
        refused: dict[str, list[int]] = defaultdict(list)
        changed: list[int] = []
        iid = selection.interviewer_id
        done = 0
        try:
            for part in decisions.chunks(ids):
                now = self.clock()
                moved, no = await self.db.write(partial(
                    decisions.decide_chunk, interviewer_id=iid, ids=part, action=action,
                    batch=batch, now=now))
                for status, group in moved.items():
                    previous[status] += group
                    changed += group
                for reason, group in no.items():
                    refused[reason] += group
                done += len(part)
                if progress is not None:
                    progress(done, len(ids))
        finally:
            # Published even when a later chunk failed: the chunks before it are written.
            self._changed(iid, changed)
        token = UndoToken(action, iid, applied,
                          {st: tuple(g) for st, g in previous.items()}, batch) if changed else None
        return ReviewOutcome(action, tuple(changed),
                             {k: tuple(v) for k, v in refused.items()}, token)

    async def undo(self, token: UndoToken) -> ReviewOutcome:
        """Put the applications of ``token`` back as they were, in one write; those changed
        since the action are left alone and reported."""
        now = self.clock()
        restored, refused = await self.db.write(lambda s: decisions.undo_all(s, token, now))
        self._changed(token.interviewer_id, restored)
        return ReviewOutcome(ReviewAction.UNDO, tuple(restored),
                             {k: tuple(v) for k, v in refused.items()})

    def _changed(self, interviewer_id: int, ids: Sequence[int]) -> None:
        if ids:
            self.bus.publish(ApplicationsChanged(tuple(ids)))
            # Finished counts and completion on the Interviewers list change too.
            self.bus.publish(InterviewersChanged((interviewer_id,)))

    # ----- records, exports, reports -------------------------------------------------------------
    async def records(self, selection: ReviewSelection, *,
                      answers: bool = True, notes: bool = True) -> list[ApplicationRecord]:
        """The selection's applications in full (stages, answers, notes), in order. For
        small selections (a report, a test); exports page through ``export``."""
        ids = await self.resolve(selection)
        iid = selection.interviewer_id
        out: list[ApplicationRecord] = []
        for part in decisions.chunks(ids):
            out += await self.db.read(partial(
                load_records, interviewer_id=iid, ids=part, answers=answers, notes=notes))
        return out

    async def export(self, selection: ReviewSelection, path: Path, fmt: ExportFormat, *,
                     progress: Progress | None = None,
                     cancelled: Callable[[], bool] | None = None) -> ExportResult:
        """Write the selection to ``path`` as CSV (stage cells as columns) or JSON (with
        every stage's answers), a page of ``CHUNK`` records at a time: each page is read on a
        reader thread and written on a worker thread, so memory stays flat and the GUI free.
        ``cancelled()`` is asked between pages; a cancelled or failed export leaves no file.
        Raises EnvironmentProblem / DiskFull when the file cannot be written."""
        ids = await self.resolve(selection)
        iid = selection.interviewer_id
        interviewer, stage_names = await self.db.read(lambda s: _interviewer_head(s, iid))
        writer = ExportWriter(Path(path), ExportFormat(fmt), interviewer, stage_names)
        kind = ExportFormat(fmt)
        written = 0
        await asyncio.to_thread(writer.open)
        try:
            for part in decisions.chunks(ids):
                if cancelled is not None and cancelled():
                    await asyncio.to_thread(writer.discard)
                    return ExportResult(Path(path), written, cancelled=True)

                def page(s: Session, part: Sequence[int] = part,
                         first: bool = written == 0) -> tuple[int, str]:
                    records = load_records(s, iid, part, answers=kind == ExportFormat.JSON)
                    return len(records), render_page(kind, records, first)

                n, text = await self.db.read(page)
                await asyncio.to_thread(writer.write, text)
                written += n
                if progress is not None:
                    progress(written, len(ids))
            await asyncio.to_thread(writer.finish)
        except BaseException:
            writer.discard()
            raise
        return ExportResult(Path(path), written)

    async def score_report(self, selection: ReviewSelection, path: Path) -> ReportResult:
        """One PDF at ``path`` with a section per candidate of the selection (at most
        ``MAX_REPORT_CANDIDATES``; more is refused with a ValidationProblem)."""
        ids = await self.resolve(selection)
        if not ids:
            raise ValidationProblem("Choose at least one candidate for the score report.")
        if len(ids) > MAX_REPORT_CANDIDATES:
            raise ValidationProblem(
                f"A score report holds at most {MAX_REPORT_CANDIDATES} candidates; "
                f"{len(ids):,} are selected. Narrow the selection, or export CSV or JSON.")
        records = await self.records(ReviewSelection(selection.interviewer_id, ids))
        target = Path(path)
        part = target.with_name(f".{target.name}.part")
        now = self.clock()
        try:
            with os_errors(target):
                # Imported here: fpdf2 costs ~0.6 s, and start-up never needs it.
                from milo_desktop.services.review.report import render_report

                pages = await asyncio.to_thread(render_report, records, part, now)
                await asyncio.to_thread(part.replace, target)
        except BaseException:
            part.unlink(missing_ok=True)
            raise
        return ReportResult(target, len(records), pages)


def _interviewer_head(s: Session, interviewer_id: int) -> tuple[dict[str, Any], list[str]]:
    """The export's header: the interviewer and its stage names in order."""
    iv = s.get(Interviewer, interviewer_id)
    if iv is None:
        raise ValidationProblem("This interviewer no longer exists.")
    stages = list(s.scalars(select(Stage.name).where(Stage.interviewer_id == interviewer_id)
                            .order_by(Stage.position, Stage.id)))
    return ({"id": iv.id, "name": iv.name, "slug": iv.slug, "position_title": iv.position_title},
            stages)
