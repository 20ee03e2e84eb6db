"""Connectors: the app's clients for outside services (Twilio today; ATSs and email later).

What every connector shares lives here: the environment problems a sync engine understands
(``AuthFailed`` stops a service until the user fixes its credentials, ``Offline`` is a state,
not an error) and ``Quarantine``, a record the app could not accept, kept with its raw payload.
"""

from __future__ import annotations

from dataclasses import dataclass

from milo_desktop.errors import EnvironmentProblem


class ConnectorProblem(EnvironmentProblem):
    """A service answered in a way the user (not our code) has to deal with."""

    def __init__(self, service: str, message: str, *, detail: str = "") -> None:
        super().__init__(message, detail=detail)
        self.service = service


class NotFoundAtProvider(ConnectorProblem):
    """The service no longer has the resource (HTTP 404): deleted there, or never existed."""

    title = "Not found at the connected service"


class AuthFailed(ConnectorProblem):
    """The service refused our credentials (HTTP 401): stop calling it and tell the user."""

    title = "Sign-in to a connected service failed"


class Offline(ConnectorProblem):
    """The service cannot be reached (no network, DNS, refused): queued work waits."""

    title = "Offline"


class ServiceUnavailable(ConnectorProblem):
    """The service kept answering 429 / 5xx after every retry; try again next round."""

    title = "A connected service is busy"


@dataclass(frozen=True)
class Quarantine:
    """A record (or a whole page) the app could not accept."""

    service: str
    resource: str
    reason: str
    payload: str  # raw, as received
    external_id: str | None = None


__all__ = [
    "AuthFailed",
    "ConnectorProblem",
    "NotFoundAtProvider",
    "Offline",
    "Quarantine",
    "ServiceUnavailable",
]
