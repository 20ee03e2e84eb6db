"""``CandidateService``: the directory, profile and notes mixins over one database and bus."""

from __future__ import annotations

from sqlalchemy.orm import configure_mappers

from milo_desktop.services.candidates.directory import DirectoryMixin
from milo_desktop.services.candidates.notes import NotesMixin
from milo_desktop.services.candidates.profile import ProfileMixin
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import EventBus


class CandidateService(DirectoryMixin, ProfileMixin, NotesMixin):
    def __init__(self, db: Database, bus: EventBus) -> None:
        self.db = db
        self.bus = bus
        # SQLAlchemy configures all mappers on first use (~80 ms): pay it here, while the
        # workspace opens, rather than inside the directory's first paint.
        configure_mappers()
