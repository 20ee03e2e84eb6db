"""Per-interviewer figures (application counts, completion, spend): the cache kept between
pages and the grouped queries that fill it."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from milo_desktop.services.figures import application_figures, spend_by_interviewer
from milo_desktop.services.interviewers.helpers import _local_midnight


@dataclass(frozen=True)
class _Agg:
    total: int
    started: int
    completed: int
    spend_micros: int
    spend_today_micros: int


class _AggregateCache:
    """Per-interviewer counts and spend kept between pages.

    Counting a million applications and summing the spend ledger takes a few hundred ms on a
    laptop; the table needs those figures on every page, tab switch, sort and search. Entries
    are dropped when the bus says candidates, interviewers or spend changed, and expire after
    ``MAX_AGE`` seconds so that teammates' changes (shared PostgreSQL) still show up. A
    generation number stops a load that raced with a drop from storing stale figures.
    """

    MAX_AGE = 60.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[int, tuple[float, dt.datetime, _Agg]] = {}
        self._generation = 0

    def lookup(self, ids: Iterable[int], day: dt.datetime
               ) -> tuple[dict[int, _Agg], list[int], int]:
        now, found, missing = time.monotonic(), {}, []
        with self._lock:
            for i in ids:
                entry = self._entries.get(i)
                if entry and entry[1] == day and now - entry[0] < self.MAX_AGE:
                    found[i] = entry[2]
                else:
                    missing.append(i)
            return found, missing, self._generation

    def store(self, fresh: dict[int, _Agg], day: dt.datetime, generation: int) -> None:
        now = time.monotonic()
        with self._lock:
            if generation == self._generation:
                self._entries.update({i: (now, day, agg) for i, agg in fresh.items()})

    def drop(self, ids: Iterable[int] = ()) -> None:
        """Forget these interviewers (all of them when ``ids`` is empty)."""
        wanted = tuple(ids)
        with self._lock:
            self._generation += 1
            if not wanted:
                self._entries.clear()
            for i in wanted:
                self._entries.pop(i, None)


class FiguresMixin:
    """Reads figures through the service's ``_cache``."""

    _cache: _AggregateCache

    def _aggregates(self, s: Session, ids: list[int], now: dt.datetime) -> dict[int, _Agg]:
        """Application counts and spend per interviewer, from the cache or (for the ids it
        lacks) from the shared figures (services/figures.py: the same definitions the
        Analytics screens use)."""
        midnight = _local_midnight(now)
        found, missing, generation = self._cache.lookup(ids, midnight)
        if not missing:
            return found
        counts = application_figures(s, missing)
        spend = spend_by_interviewer(s, missing, today=midnight)
        fresh = {i: _Agg(counts[i].candidates, counts[i].started, counts[i].completed,
                         *spend[i]) for i in missing}
        self._cache.store(fresh, midnight, generation)
        return found | fresh
