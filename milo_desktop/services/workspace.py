"""The services of one open workspace, built once by the composition root (app.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from milo_desktop.models.db import create_workspace_engine, migrate
from milo_desktop.services.analytics import AnalyticsService
from milo_desktop.services.applications.service import ApplicationsService
from milo_desktop.services.ats import AtsService
from milo_desktop.services.authoring import AuthoringService
from milo_desktop.services.candidates import CandidateService
from milo_desktop.services.candidates.duplicates import DuplicatesService
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import EventBus
from milo_desktop.services.core.tasks import TaskRegistry
from milo_desktop.services.entry.service import EntryService
from milo_desktop.services.interviewers import InterviewerService
from milo_desktop.services.notifications import NotificationService
from milo_desktop.services.outreach import OutreachService
from milo_desktop.services.outreach.waiting import WaitingService
from milo_desktop.services.pipeline import PipelineService
from milo_desktop.services.receptionists import ReceptionistService
from milo_desktop.services.review import ReviewService
from milo_desktop.services.search import SearchService
from milo_desktop.services.spend import SpendService


@dataclass
class Workspace:
    db: Database
    bus: EventBus = field(default_factory=EventBus)
    tasks: TaskRegistry = field(init=False)
    search: SearchService = field(init=False)
    interviewers: InterviewerService = field(init=False)
    candidates: CandidateService = field(init=False)
    duplicates: DuplicatesService = field(init=False)  # "Possible duplicates", merge, undo
    notifications: NotificationService = field(init=False)
    spend: SpendService = field(init=False)
    pipeline: PipelineService = field(init=False)
    receptionists: ReceptionistService = field(init=False)
    authoring: AuthoringService = field(init=False)
    review: ReviewService = field(init=False)
    applications: ApplicationsService = field(init=False)
    outreach: OutreachService = field(init=False)
    waiting: WaitingService = field(init=False)
    analytics: AnalyticsService = field(init=False)
    ats: AtsService = field(init=False)
    entry: EntryService = field(init=False)  # keywords, entry points, Settings → Account
    backup_path: str | None = None  # the copy taken before migrating, if any
    sync: Any = None  # the running SyncEngine, set by the composition root when started
    supervisor: Any = None  # the background's Supervisor (its workers' states), likewise
    outbox: Any = None  # the running OutboxWorker (Waiting to send wakes it), likewise
    integrations: Any = None  # IntegrationsService, set by app.py (it needs the OS keychain)
    resumes: Any = None  # ResumeService, set by app.py (it needs the data dir)

    def __post_init__(self) -> None:
        self.tasks = TaskRegistry(self.bus)
        self.search = SearchService(self.db)
        self.interviewers = InterviewerService(self.db, self.bus)
        self.candidates = CandidateService(self.db, self.bus)
        self.duplicates = DuplicatesService(self.db, self.bus)
        self.notifications = NotificationService(self.db, self.bus)
        self.spend = SpendService(self.db)
        self.pipeline = PipelineService(self.db, self.bus)
        # The Twilio publisher is attached when Twilio is connected (set_publisher).
        self.receptionists = ReceptionistService(self.db, self.bus)
        self.authoring = AuthoringService(self.db, self.bus)
        self.review = ReviewService(self.db, self.bus)
        # Rubric scoring until app.py installs the LLM-aware evaluator factory.
        self.applications = ApplicationsService(self.db, self.bus)
        self.outreach = OutreachService(self.db, self.bus)
        # Waiting to send: the pending outbox and why each row waits (services/outreach/waiting.py).
        self.waiting = WaitingService(self.db, self.bus, self.outreach,
                                      runtime=lambda: (self.sync, self.outbox))
        self.analytics = AnalyticsService(self.db)
        # ATS connections are attached by the composition root (keychain, background).
        self.ats = AtsService(self.db, self.bus)
        self.entry = EntryService(self.db, self.bus)
        self.ats.outreach = self.outreach

    @classmethod
    def open(cls, url: str) -> Workspace:
        """Open (creating and migrating as needed) the workspace at ``url``. Blocking: call it
        before the window exists or from a worker thread."""
        engine: Engine = create_workspace_engine(url)
        try:
            backup = migrate(engine)
        except BaseException:
            engine.dispose()
            raise
        return cls(Database(engine), backup_path=backup)

    def close(self) -> None:
        self.tasks.cancel_all()
        self.db.close()
