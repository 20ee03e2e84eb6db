"""The sync engine (scheduler, cursors saved with their pages, quarantine, states) and the
outbox worker, plus ``run_sync_once`` for the headless ``sync --once`` command."""

from milo_desktop.services.connectors.twilio.calls_job import RoundCounts, TwilioSync
from milo_desktop.services.sync.cursors import SyncIssue
from milo_desktop.services.sync.engine import (
    ServiceState,
    SyncEngine,
    SyncStatus,
    SyncStatusChanged,
)
from milo_desktop.services.sync.once import ServiceSummary, SyncSummary, run_sync_once
from milo_desktop.services.sync.outbox import OutboxWorker, enqueue, enqueue_sms

__all__ = [
    "OutboxWorker",
    "RoundCounts",
    "ServiceState",
    "ServiceSummary",
    "SyncEngine",
    "SyncIssue",
    "SyncStatus",
    "SyncStatusChanged",
    "SyncSummary",
    "TwilioSync",
    "enqueue",
    "enqueue_sms",
    "run_sync_once",
]
