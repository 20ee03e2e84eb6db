"""Whether an interviewer accepts candidates: the one rule every routing target obeys (a
receptionist's default and other interviewers, the pipeline's Ingest, the evaluator's
automatic invitation).

An interviewer accepts candidates when it is active and its deadline, if any, has not passed.
A draft has not been launched, an expired one closed, an archived one was put away; none of
them takes new candidates. ``accepting_clause`` is the same rule in SQL.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, and_, or_

from milo_desktop.enums import InterviewerStatus
from milo_desktop.models import Interviewer


def accepts_candidates(status: InterviewerStatus | str, deadline: dt.datetime | None,
                       now: dt.datetime) -> bool:
    """Active, and the deadline (if any) not passed at ``now``."""
    return (InterviewerStatus(status) == InterviewerStatus.ACTIVE
            and (deadline is None or deadline >= now))


def interviewer_accepts(iv: Interviewer, now: dt.datetime) -> bool:
    return accepts_candidates(iv.status, iv.deadline, now)


def closed_word(status: InterviewerStatus | str, deadline: dt.datetime | None,
                now: dt.datetime) -> str | None:
    """One word for why it takes no candidates ("draft", "expired", "archived"), or None."""
    status = InterviewerStatus(status)
    if status == InterviewerStatus.ARCHIVED:
        return "archived"
    if status == InterviewerStatus.DRAFT:
        return "draft"
    if status == InterviewerStatus.EXPIRED or (deadline is not None and deadline < now):
        return "expired"
    return None


def refusal(name: str, status: InterviewerStatus | str, deadline: dt.datetime | None,
            now: dt.datetime) -> str | None:
    """Why ``name`` takes no new candidates and what to do, or None when it does."""
    word = closed_word(status, deadline, now)
    if word == "archived":
        return f"“{name}” is archived. Unarchive it or choose another interviewer."
    if word == "draft":
        return f"“{name}” is still a draft. Activate it or choose another interviewer."
    if word == "expired":
        return (f"“{name}” has expired and takes no new candidates. Extend its deadline or "
                "choose another interviewer.")
    return None


def accepting_clause(now: dt.datetime) -> ColumnElement[bool]:
    """``accepts_candidates`` as a WHERE clause on ``Interviewer``."""
    return and_(Interviewer.status == InterviewerStatus.ACTIVE,
                or_(Interviewer.deadline.is_(None), Interviewer.deadline >= now))
