"""How a service's sync state reads in the status bar."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from milo_desktop.services.core.supervisor import WorkerState, WorkerStatus, worker_title
from milo_desktop.services.sync.engine import ServiceState, SyncStatus
from milo_desktop.services.sync.names import service_name
from milo_desktop.views.widgets.formatting import ago_text


def _tr(text: str) -> str:
    return QCoreApplication.translate("SyncStatus", text)


def sync_status_text(status: SyncStatus) -> str:
    name = service_name(status.service)
    state = status.state
    if state == ServiceState.SYNCING:
        detail = _tr("syncing… %n").replace("%n", str(status.done)) if status.done else _tr("syncing…")
    elif state == ServiceState.NOT_CONFIGURED:
        detail = _tr("not connected")
    elif state == ServiceState.AUTH_FAILED:
        detail = _tr("sign-in failed — reconnect in Integrations")
    elif state == ServiceState.OFFLINE:
        detail = _tr("offline, will retry")
    elif state == ServiceState.BUSY:
        detail = _tr("busy, will retry")
    elif state == ServiceState.PROVIDER_ERROR:
        detail = _tr("answered an error, will retry")
    elif state == ServiceState.FAILED:
        detail = _tr("sync stopped by an internal error — restarting")
    elif status.last_sync_at is not None:
        detail = _tr("synced %1").replace("%1", ago_text(status.last_sync_at))
    else:
        detail = _tr("waiting for the first sync")
    return f"{name}: {detail}"


def worker_status_text(status: WorkerStatus) -> str:
    """A supervised worker in the status bar: its message while it is restarting ("Sending
    messages stopped after an internal error; restarting in 8 s."); nothing while it runs."""
    if status.state != WorkerState.RESTARTING:
        return ""
    return status.message or _tr("%1 is restarting after an error").replace(
        "%1", worker_title(status.name))
