"""Connectors: the app's clients for outside services (Twilio today; ATSs and email later).

What every connector shares lives here: the environment problems a sync engine understands
(``AuthFailed`` stops a service until the user fixes its credentials, ``Offline`` is a state,
not an error) and ``Quarantine``, a record the app could not accept, kept with its raw payload.
"""

from __future__ import annotations

from dataclasses import dataclass

from milo_desktop.services.connectors.errors import (
    AuthFailed,
    ConnectorProblem,
    NotConfigured,
    NotFoundAtProvider,
    Offline,
    ProviderError,
    RateLimited,
    ServiceUnavailable,
)


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
    "NotConfigured",
    "NotFoundAtProvider",
    "Offline",
    "ProviderError",
    "Quarantine",
    "RateLimited",
    "ServiceUnavailable",
]
