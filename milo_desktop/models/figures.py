"""Per-interviewer figures kept current by the database (migration 0015).

``InterviewerFigures`` holds, for each interviewer with any application, rating or spend, the
figures the Interviewers table shows on every page: its candidates (applications) by status,
how many started and completed (``services/figures.py`` defines both), the sum and count of
its CSAT ratings and its spend in total. Triggers on ``applications``, ``stage_results``,
``stages`` and ``spend`` update the row in the same statement as the write that changes a
figure, whichever code path makes it (ORM, Core, bulk COPY, cascades), so a page reads one
row per interviewer instead of counting a million applications. ``ApplicationDay`` and
``CompletionDay`` are the global Analytics series per UTC day, kept by the same triggers. No
application code writes these tables.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from milo_desktop.models.base import Base

# The application statuses with a count of their own, as stored (enums.ApplicationStatus).
FIGURE_STATUSES = ("pending", "in_progress", "evaluating", "completed", "shortlisted",
                   "dismissed", "knocked_out")


class InterviewerFigures(Base):
    __tablename__ = "interviewer_figures"
    interviewer_id: Mapped[int] = mapped_column(
        ForeignKey("interviewers.id", ondelete="CASCADE"), primary_key=True)
    candidates: Mapped[int] = mapped_column(Integer, default=0)
    started: Mapped[int] = mapped_column(Integer, default=0)
    completed: Mapped[int] = mapped_column(Integer, default=0)
    status_pending: Mapped[int] = mapped_column(Integer, default=0)
    status_in_progress: Mapped[int] = mapped_column(Integer, default=0)
    status_evaluating: Mapped[int] = mapped_column(Integer, default=0)
    status_completed: Mapped[int] = mapped_column(Integer, default=0)
    status_shortlisted: Mapped[int] = mapped_column(Integer, default=0)
    status_dismissed: Mapped[int] = mapped_column(Integer, default=0)
    status_knocked_out: Mapped[int] = mapped_column(Integer, default=0)
    rating_count: Mapped[int] = mapped_column(Integer, default=0)
    rating_sum: Mapped[int] = mapped_column(BigInteger, default=0)
    spend_micros: Mapped[int] = mapped_column(BigInteger, default=0)


# A completion that never started is kept under this started day (a key cannot be NULL).
NEVER_STARTED = dt.date(1, 1, 1)


class ApplicationDay(Base):
    """Per UTC day, over all interviewers: applications created (invited) and started that
    day. The global Analytics series read whole days here (migration 0015)."""

    __tablename__ = "application_days"
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    invited: Mapped[int] = mapped_column(Integer, default=0)
    started: Mapped[int] = mapped_column(Integer, default=0)


class CompletionDay(Base):
    """Completions (services/figures.py's test) per UTC day completed and day started: the
    started day answers "of those completed, how many started in the range"."""

    __tablename__ = "completion_days"
    completed_day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    started_day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)
