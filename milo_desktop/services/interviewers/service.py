"""``InterviewerService``: the listing, Candidates tab and actions mixins over one database,
bus and clock. The table's figures are kept by the database (interviewers/figures.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from milo_desktop.models.base import utcnow
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import EventBus
from milo_desktop.services.interviewers.actions import ActionsMixin
from milo_desktop.services.interviewers.candidates_tab import CandidatesTabMixin
from milo_desktop.services.interviewers.listing import ListingMixin


class InterviewerService(ListingMixin, CandidatesTabMixin, ActionsMixin):
    """Interviewers: listing, counting and the table's actions."""

    def __init__(self, db: Database, bus: EventBus) -> None:
        self.db = db
        self.bus = bus
        self.clock: Callable[[], dt.datetime] = utcnow  # tests pin time here
