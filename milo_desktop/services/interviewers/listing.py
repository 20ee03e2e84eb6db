"""The Interviewers table: tab counts, keyset pages, fresh rows, labels and one interviewer's
page."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import SQLColumnExpression, case, func, literal, select
from sqlalchemy.orm import Session

from milo_desktop.enums import StageKind
from milo_desktop.models import (
    Interviewer,
    InterviewerFigures,
    InterviewerLabel,
    InterviewerSubscriber,
    Label,
    Stage,
)
from milo_desktop.models.base import UTCDateTime
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.paging import Cursor, Page, PageQuery, keyset_after, page_from
from milo_desktop.services.interviewers.figures import kept_figures
from milo_desktop.services.interviewers.helpers import (
    _FAR_FUTURE,
    _effective_status,
    _filters,
    _order,
    _tab_clause,
)
from milo_desktop.services.interviewers.rows import (
    SORTS,
    TABS,
    InterviewerDetail,
    InterviewerNotFound,
    InterviewerRow,
    LabelRow,
    QuestionDetail,
    StageDetail,
)


class ListingMixin:
    """Listing and reading interviewers (the service's ``db`` and ``clock``)."""

    db: Database
    clock: Callable[[], dt.datetime]

    async def tab_counts(self, search: str = "", label_ids: Iterable[int] = ()) -> dict[str, int]:
        """How many interviewers each tab holds under the same search and label filter."""
        now, labels = self.clock(), tuple(label_ids)

        def q(s: Session) -> dict[str, int]:
            cols = [func.sum(case((_tab_clause(t, now), 1), else_=0)) for t in TABS]
            stmt = select(*cols).select_from(Interviewer)
            where = _filters(self.db.dialect, search, labels)
            if where:
                stmt = stmt.where(*where)
            values = s.execute(stmt).one()
            return {t: int(v or 0) for t, v in zip(TABS, values, strict=True)}

        return await self.db.read(q)

    async def page(self, query: PageQuery, after: Cursor | None) -> Page[InterviewerRow]:
        """One keyset page of the table. Filters: ``tab`` (active/expired/archived, default
        active), ``search`` (text), ``labels`` (ids, any of). Sorts: see ``SORTS``."""
        now = self.clock()
        if query.sort not in SORTS:
            raise ValueError(f"unknown interviewers sort {query.sort!r}")

        def q(s: Session) -> Page[InterviewerRow]:
            filters = query.filters
            stmt = select(Interviewer.id).where(_tab_clause(filters.get("tab", "active"), now))
            where = _filters(self.db.dialect, filters.get("search", ""), filters.get("labels", ()))
            if where:
                stmt = stmt.where(*where)
            key: SQLColumnExpression[Any]
            if query.sort == "candidates":  # the kept count (models/figures.py)
                stmt = stmt.outerjoin(InterviewerFigures,
                                      InterviewerFigures.interviewer_id == Interviewer.id)
                key = func.coalesce(InterviewerFigures.candidates, 0)
            elif query.sort == "recent":
                key = Interviewer.created_at
            elif query.sort == "name":
                key = func.lower(Interviewer.name)
            else:
                key = func.coalesce(
                    Interviewer.deadline, literal(_FAR_FUTURE, UTCDateTime()), type_=UTCDateTime()
                )
            stmt = stmt.add_columns(key.label("sort_key"))
            if after is not None:
                stmt = stmt.where(keyset_after([key, Interviewer.id], after,
                                               descending=query.descending))
            stmt = stmt.order_by(*_order(key, Interviewer.id, query.descending))
            raw = s.execute(stmt.limit(query.limit + 1)).all()
            paged = page_from(raw, query.limit, lambda r: (r.sort_key, r.id))
            rows = self._rows(s, [r.id for r in paged.rows], now)
            return Page(tuple(rows[r.id] for r in paged.rows if r.id in rows), paged.next_cursor)

        return await self.db.read(q)

    async def rows(self, ids: Iterable[int]) -> list[InterviewerRow]:
        """Fresh table rows for these ids (to repaint rows after an action)."""
        wanted, now = tuple(ids), self.clock()

        def q(s: Session) -> list[InterviewerRow]:
            rows = self._rows(s, list(wanted), now)
            return [rows[i] for i in wanted if i in rows]

        return await self.db.read(q)

    def _rows(self, s: Session, ids: list[int], now: dt.datetime) -> dict[int, InterviewerRow]:
        """Build rows with their aggregates: a handful of grouped queries over ``ids`` only."""
        if not ids:
            return {}
        workflow: dict[int, list[StageKind]] = defaultdict(list)
        for iid, kind in s.execute(
            select(Stage.interviewer_id, Stage.kind)
            .where(Stage.interviewer_id.in_(ids))
            .order_by(Stage.interviewer_id, Stage.position)
        ):
            workflow[iid].append(kind)
        aggs = kept_figures(s, ids, now)
        labels: dict[int, list[LabelRow]] = defaultdict(list)
        for iid, lid, name, color, kind in s.execute(
            select(InterviewerLabel.interviewer_id, Label.id, Label.name, Label.color, Label.kind)
            .join(Label, Label.id == InterviewerLabel.label_id)
            .where(InterviewerLabel.interviewer_id.in_(ids))
            .order_by(Label.name)
        ):
            labels[iid].append(LabelRow(lid, name, color, kind))
        subs: dict[int, int] = {
            iid: n for iid, n in s.execute(
                select(InterviewerSubscriber.interviewer_id, func.count())
                .where(InterviewerSubscriber.interviewer_id.in_(ids))
                .group_by(InterviewerSubscriber.interviewer_id)
            )
        }
        out: dict[int, InterviewerRow] = {}
        for iv in s.execute(select(Interviewer).where(Interviewer.id.in_(ids))).scalars():
            agg = aggs[iv.id]
            out[iv.id] = InterviewerRow(
                id=iv.id, name=iv.name, slug=iv.slug,
                status=_effective_status(iv.status, iv.deadline, now),
                workflow=tuple(workflow[iv.id]), candidates=agg.total,
                started=agg.started, completed=agg.completed, ats_provider=iv.ats_provider,
                ats_synced_at=iv.ats_synced_at,
                csat=agg.csat.mean if agg.csat else None,
                csat_count=agg.csat.count if agg.csat else 0,
                spend_micros=agg.spend_micros,
                spend_today_micros=agg.spend_today_micros, budget_kind=iv.budget_kind,
                budget_cents=iv.budget_cents, currency=iv.currency,
                labels=tuple(labels[iv.id]), subscribers=int(subs.get(iv.id, 0)),
                deadline=iv.deadline, created_at=iv.created_at, activated_at=iv.activated_at,
            )
        return out

    async def labels(self) -> list[LabelRow]:
        """Every label, by name (the table's label filter)."""

        def q(s: Session) -> list[LabelRow]:
            return [LabelRow(x.id, x.name, x.color, x.kind)
                    for x in s.scalars(select(Label).order_by(Label.name))]

        return await self.db.read(q)

    async def id_for_slug(self, slug: str) -> int | None:
        """The interviewer with this URL name, or None."""

        def q(s: Session) -> int | None:
            return s.scalar(select(Interviewer.id).where(Interviewer.slug == slug))

        return await self.db.read(q)

    async def get(self, interviewer_id: int) -> InterviewerDetail:
        """One interviewer with its stages and questions (the interviewer page)."""
        now = self.clock()

        def q(s: Session) -> InterviewerDetail:
            iv = s.get(Interviewer, interviewer_id)
            if iv is None:
                raise InterviewerNotFound("This interviewer no longer exists.")
            stages = tuple(
                StageDetail(st.id, st.position, st.kind, st.name, st.min_score, tuple(
                    QuestionDetail(qq.id, qq.kind, qq.prompt, qq.weight, qq.dealbreaker)
                    for qq in st.questions))
                for st in iv.stages
            )
            return InterviewerDetail(
                id=iv.id, name=iv.name, slug=iv.slug, position_title=iv.position_title,
                status=_effective_status(iv.status, iv.deadline, now), deadline=iv.deadline,
                created_at=iv.created_at, activated_at=iv.activated_at, language=iv.language,
                days_to_complete=iv.days_to_complete, retakes=iv.retakes,
                budget_kind=iv.budget_kind, budget_cents=iv.budget_cents,
                ats_provider=iv.ats_provider, stages=stages,
                labels=tuple(LabelRow(x.id, x.name, x.color, x.kind)
                             for x in sorted(iv.labels, key=lambda x: x.name)),
                subscribers=tuple(sub.email for sub in iv.subscribers),
            )

        return await self.db.read(q)
