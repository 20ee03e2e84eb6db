"""The provider-neutral sync core: the engine (scheduler and states), the round result and
job protocol, pulling pages with cursors saved in their page's transaction, quarantine, the
outbox worker, connector plugins and the headless summary. Nothing here knows a provider."""

from milo_desktop.services.sync.cursors import SyncIssue
from milo_desktop.services.sync.engine import (
    ServiceState,
    SyncEngine,
    SyncStatus,
    SyncStatusChanged,
)
from milo_desktop.services.sync.outbox import OutboxWorker, enqueue, enqueue_sms
from milo_desktop.services.sync.round import RoundResult, SyncJob, open_connector
from milo_desktop.services.sync.summary import ServiceSummary, SyncSummary

__all__ = [
    "OutboxWorker",
    "RoundResult",
    "ServiceState",
    "ServiceSummary",
    "SyncEngine",
    "SyncIssue",
    "SyncJob",
    "SyncStatus",
    "SyncStatusChanged",
    "SyncSummary",
    "enqueue",
    "enqueue_sms",
    "open_connector",
]
