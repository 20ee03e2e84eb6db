"""SQL pieces shared by the interviewers listing and the Candidates tab: tab clauses,
filters, sort order and the effective status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, not_, or_, select

from milo_desktop.enums import InterviewerStatus
from milo_desktop.models import Interviewer, InterviewerLabel
from milo_desktop.services.search import interviewer_match_clause

# Sentinels keep NULLs out of keyset comparisons: no deadline sorts after every deadline.
_FAR_FUTURE = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _overdue(now: dt.datetime) -> ColumnElement[bool]:
    return and_(
        Interviewer.status == InterviewerStatus.ACTIVE,
        Interviewer.deadline.is_not(None),
        Interviewer.deadline < now,
    )


def _tab_clause(tab: str, now: dt.datetime) -> ColumnElement[bool]:
    if tab == "active":
        live = (InterviewerStatus.DRAFT, InterviewerStatus.ACTIVE)
        return and_(Interviewer.status.in_(live), not_(_overdue(now)))
    if tab == "expired":
        return or_(Interviewer.status == InterviewerStatus.EXPIRED, _overdue(now))
    if tab == "archived":
        return Interviewer.status == InterviewerStatus.ARCHIVED
    raise ValueError(f"unknown interviewers tab {tab!r}")


def _filters(dialect: str, search: str, label_ids: Iterable[int]) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    text = (search or "").strip()
    if text:
        match = interviewer_match_clause(dialect, text)
        if match is not None:
            clauses.append(match)
    labels = tuple(label_ids or ())
    if labels:
        clauses.append(
            Interviewer.id.in_(
                select(InterviewerLabel.interviewer_id).where(InterviewerLabel.label_id.in_(labels))
            )
        )
    return clauses


def _effective_status(status: InterviewerStatus, deadline: dt.datetime | None,
                      now: dt.datetime) -> InterviewerStatus:
    if status == InterviewerStatus.ACTIVE and deadline is not None and deadline < now:
        return InterviewerStatus.EXPIRED
    return status


def _local_midnight(now: dt.datetime) -> dt.datetime:
    local = now.astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(dt.UTC)


def _order(
    key: SQLColumnExpression[Any], pk: SQLColumnExpression[int], descending: bool
) -> tuple[ColumnElement[Any], ColumnElement[int]]:
    return (key.desc(), pk.desc()) if descending else (key.asc(), pk.asc())
