"""Candidates (skeleton: being implemented)."""

from __future__ import annotations

from milo_desktop.services.database import Database
from milo_desktop.services.events import EventBus


class CandidateService:
    def __init__(self, db: Database, bus: EventBus) -> None:
        self.db = db
        self.bus = bus
