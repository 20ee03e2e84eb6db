"""``InterviewerService``: the listing, Candidates tab and actions mixins over one database,
bus, clock and figures cache."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from milo_desktop.models.base import utcnow
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import (
    ApplicationsChanged,
    CandidatesChanged,
    EventBus,
    InterviewersChanged,
    SpendChanged,
)
from milo_desktop.services.interviewers.actions import ActionsMixin
from milo_desktop.services.interviewers.candidates_tab import CandidatesTabMixin
from milo_desktop.services.interviewers.figures import _AggregateCache
from milo_desktop.services.interviewers.listing import ListingMixin


class InterviewerService(ListingMixin, CandidatesTabMixin, ActionsMixin):
    """Interviewers: listing, counting and the table's actions."""

    def __init__(self, db: Database, bus: EventBus) -> None:
        self.db = db
        self.bus = bus
        self.clock: Callable[[], dt.datetime] = utcnow  # tests pin time here
        self._cache = _AggregateCache()
        # Candidate events don't say which interviewers they touch: drop everything.
        bus.subscribe(CandidatesChanged, lambda e: self._cache.drop())
        # A stage finished by sync, a review decision: started and completed counts move.
        bus.subscribe(ApplicationsChanged, lambda e: self._cache.drop())
        bus.subscribe(SpendChanged, lambda e: self._cache.drop())
        bus.subscribe(InterviewersChanged, lambda e: self._cache.drop(e.ids))

    def forget_aggregates(self) -> None:
        """Drop cached counts and spend (after bulk imports that publish no events)."""
        self._cache.drop()
