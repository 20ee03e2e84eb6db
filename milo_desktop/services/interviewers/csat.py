"""CSAT: how candidates rated their screening, per interviewer — the one place it is counted.

Voice, SMS and Form stages end with an optional 1–5 question (services/flows/rating.py);
the answer is kept on the stage result (``StageResult.rating``), skipped ones as NULL. An
interviewer's CSAT is the plain mean of its results' ratings, with how many there are, counted
by the database over ``ix_stage_results_rating`` (the rated results only). Every screen that
shows CSAT reads it from ``csat_by_interviewer``; the demo stores ratings, never a CSAT.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milo_desktop.models import Stage, StageResult


@dataclass(frozen=True)
class Csat:
    """The mean rating (1–5) and how many ratings it is the mean of (at least one)."""

    mean: float
    count: int


def csat_by_interviewer(s: Session, interviewer_ids: Iterable[int]) -> dict[int, Csat]:
    """CSAT of each of ``interviewer_ids`` that has at least one rating (absent: none)."""
    ids = list(dict.fromkeys(interviewer_ids))
    if not ids:
        return {}
    rows = s.execute(
        select(Stage.interviewer_id, func.avg(StageResult.rating), func.count(StageResult.rating))
        .join(StageResult, StageResult.stage_id == Stage.id)
        .where(Stage.interviewer_id.in_(ids), StageResult.rating.is_not(None))
        .group_by(Stage.interviewer_id)
    ).all()
    return {int(iid): Csat(float(mean), int(n)) for iid, mean, n in rows if n}

