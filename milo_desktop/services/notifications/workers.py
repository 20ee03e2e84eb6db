"""What the user learns when a supervised background worker fails (once per episode).

``record_worker_failure`` is the supervisor's default ``on_episode``
(``services/core/supervisor.py``): one sync issue (a quarantine row with
``resource="worker"``, the reason in plain words and the redacted error as its payload) and
one "sync failed" notification, so the Sync issues panel and the bell each show the failure
once, however many times the worker is restarted in that episode. Neither holds personal data:
the error's text is scrubbed of secrets, emails and phone numbers first.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from milo_desktop.enums import NotificationKind
from milo_desktop.errors import EnvironmentProblem
from milo_desktop.models.system import QuarantinedRecord
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.supervisor import error_text, scrub, worker_title
from milo_desktop.services.notifications.service import NotificationService, record

WORKER_RESOURCE = "worker"
SERVICE_MAX = 40  # quarantine.service is String(40)


def failure_reason(name: str, exc: BaseException) -> str:
    """"Sending messages stopped after an internal error and is being restarted (KeyError)"."""
    title = worker_title(name)
    if isinstance(exc, EnvironmentProblem):
        said = scrub(exc.message).rstrip(".")
        return f"{title} stopped: {said}. It is being restarted ({type(exc).__name__})"
    return (f"{title} stopped after an internal error and is being restarted "
            f"({type(exc).__name__})")


async def record_worker_failure(db: Database, notifications: NotificationService, name: str,
                                exc: BaseException) -> None:
    """One sync issue and one notification for the first failure of an episode."""
    title = worker_title(name)
    reason = failure_reason(name, exc)
    payload = error_text(exc)
    now = notifications.clock()
    if isinstance(exc, EnvironmentProblem):
        body = (f"{scrub(exc.message).rstrip('.')}. Milo keeps trying again by itself, waiting a "
                "little longer each time.")
    else:
        body = ("Milo restarted it and keeps doing so, waiting a little longer each time. The "
                "error is listed under Settings → Integrations → Sync issues; the log has the "
                "details.")

    def write(s: Session) -> int | None:
        s.add(QuarantinedRecord(service=name[:SERVICE_MAX], resource=WORKER_RESOURCE,
                                reason=reason, payload=payload, received_at=now))
        return record(s, NotificationKind.SYNC_FAILED, f"{title} stopped after an error", body,
                      now=now)

    notifications.publish([await db.write(write)])
