"""The problems every connector reports, whatever the provider (Twilio, an ATS, a mailbox).

The sync engine, the outbox and the Integrations screen understand exactly these; a connector
turns each answer it gets into one of them (or into records):

* ``NotConfigured`` - no credentials: a state ("Not connected"), never an error loop;
* ``AuthFailed`` - HTTP 401 / 403: that service stops until the user fixes its credentials;
* ``Offline`` - the service cannot be reached: queued work waits and resumes by itself;
* ``NotFoundAtProvider`` - HTTP 404: deleted there, or never existed;
* ``RateLimited`` - 408 / 429 still answered after every retry (Retry-After honoured);
* ``ProviderError`` - the service answered an error of its own: a 5xx after every retry, or a
  4xx that is none of the above (a 400 for an expired page token, a 422). It carries the
  request (method and path, no query string: queries hold phone numbers) and the answer.

``RateLimited`` and ``ProviderError`` share the base ``ServiceUnavailable``: "try again next
round". Nothing here imports the app beyond ``milo_desktop.errors``.
"""

from __future__ import annotations

from milo_desktop.errors import EnvironmentProblem

ANSWER_EXCERPT = 500  # characters of an error answer kept with the problem


class ConnectorProblem(EnvironmentProblem):
    """A service answered in a way the user (not our code) has to deal with."""

    def __init__(self, service: str, message: str, *, detail: str = "") -> None:
        super().__init__(message, detail=detail)
        self.service = service


class NotConfigured(ConnectorProblem):
    """No credentials for the service: it shows as not connected."""

    title = "Not connected"


class AuthFailed(ConnectorProblem):
    """The service refused our credentials (HTTP 401 / 403): stop calling it, tell the user."""

    title = "Sign-in to a connected service failed"


class Offline(ConnectorProblem):
    """The service cannot be reached (no network, DNS, refused, cut): queued work waits."""

    title = "Offline"


class NotFoundAtProvider(ConnectorProblem):
    """The service no longer has the resource (HTTP 404): deleted there, or never existed."""

    title = "Not found at the connected service"


class ServiceUnavailable(ConnectorProblem):
    """The service could not serve us this time; the next round tries again."""

    title = "A connected service is unavailable"


class RateLimited(ServiceUnavailable):
    """HTTP 408 / 429 after every retry (each wait honoured the service's Retry-After)."""

    title = "A connected service is busy"

    def __init__(self, service: str, message: str, *, detail: str = "",
                 retry_after: float | None = None) -> None:
        super().__init__(service, message, detail=detail)
        self.retry_after = retry_after


class ProviderError(ServiceUnavailable):
    """The service answered an error of its own (5xx after retries, or an unexpected 4xx)."""

    title = "A connected service answered with an error"

    def __init__(self, service: str, message: str, *, status: int, request: str = "",
                 answer: str = "", detail: str = "", code: int | None = None) -> None:
        super().__init__(service, message,
                         detail=detail or f"{request}: HTTP {status}".strip(": "))
        self.status = status
        self.code = code  # the provider's own error code (Twilio's 21211…), when it gave one
        self.request = request  # "GET /2010-04-01/Accounts/AC…/Calls.json" (no query string)
        self.answer = answer[:ANSWER_EXCERPT]

    @property
    def server_side(self) -> bool:
        """A 5xx: the service's own trouble (the request itself may be fine)."""
        return self.status >= 500


__all__ = [
    "AuthFailed",
    "ConnectorProblem",
    "NotConfigured",
    "NotFoundAtProvider",
    "Offline",
    "ProviderError",
    "RateLimited",
    "ServiceUnavailable",
]
