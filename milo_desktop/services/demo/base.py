"""What the demo's parts share, so that they import this and ``data`` and never each other's
builder: the ``Writer`` the builder hands them (``builder._Builder`` is the one implementation)
and the outline of the interviewers that ``roles`` writes and ``people`` draws candidates for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from random import Random
from typing import Any, Protocol

#: Called with (step, done, total) as the build goes.
Progress = Callable[[str, int, int], None]


class Writer(Protocol):
    """One build's rng, clock, progress and table writers (all in one transaction)."""

    rng: Random
    now_t: float  # the demo's "now", POSIX seconds
    report: Progress
    ids: dict[str, int]  # last id handed out per table, where shared between parts

    def at(self, t: float) -> dt.datetime:
        """An aware datetime for a POSIX time."""
        ...

    def ago(self, days_lo: float, days_hi: float) -> float:
        """A POSIX time between ``days_hi`` and ``days_lo`` days before now."""
        ...

    def core(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Insert dict rows through SQLAlchemy Core (small tables)."""
        ...

    def bulk(self, table: str, cols: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        """Insert tuples in ``cols`` order; ``*_at`` columns hold POSIX seconds (or None)."""
        ...

    def index_candidates(self, first_id: int, last_id: int) -> None:
        """Add a batch of candidates to the search index (SQLite; in the background)."""
        ...


@dataclass(slots=True, eq=False)
class StageInfo:
    id: int
    kind: str
    questions: list[dict[str, Any]]
    n_structured: int
    n_soft: int  # structured questions that are not dealbreakers
    flow: bool  # voice or SMS: runs as a Studio flow execution with its own sid


@dataclass(slots=True, eq=False)
class IvInfo:
    """What the candidate generator needs to know about an interviewer."""

    id: int
    name: str
    slug: str
    title: str
    status: str
    family: str
    open_t: float  # applications arrive between open_t and close_t
    close_t: float
    deadline_t: float | None
    days: int  # days to complete
    stages: list[StageInfo]
    ko_positions: list[int]  # stages holding a dealbreaker (where knock-outs happen)
    messaging: bool  # has a voice or SMS stage, so invitations also go by SMS
    # The mean its candidates' 1–5 ratings are drawn around; None: its stages don't ask for a
    # rating (turned off), so its CSAT shows "—". Never stored: CSAT is counted from ratings.
    csat_target: float | None = None
