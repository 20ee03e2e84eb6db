"""What one headless sync round reports (``milo-desktop sync --once``): a line per service
and the exit status's rule."""

from __future__ import annotations

from dataclasses import dataclass

from milo_desktop.services.sync.engine import ServiceState
from milo_desktop.services.sync.round import RoundResult

STATE_WORDS = {
    ServiceState.OFFLINE: "offline",
    ServiceState.BUSY: "busy",
    ServiceState.PROVIDER_ERROR: "error",
    ServiceState.AUTH_FAILED: "sign-in refused",
    ServiceState.NOT_CONFIGURED: "not connected",
    ServiceState.FAILED: "failed",
}


@dataclass(frozen=True)
class ServiceSummary:
    service: str
    state: ServiceState
    result: RoundResult | None = None
    seconds: float = 0.0
    message: str = ""

    @property
    def synced(self) -> bool:
        return self.state == ServiceState.IDLE

    @property
    def failed(self) -> bool:
        """Connected, and it did not sync (not connected is no failure)."""
        return self.state not in (ServiceState.IDLE, ServiceState.NOT_CONFIGURED)

    def line(self) -> str:
        """"twilio: 12 calls, 3 messages, 0 quarantined, 0.8 s" (or the problem)."""
        if self.synced and self.result is not None:
            return f"{self.service}: {self.result.describe()}, {self.seconds:.1f} s"
        words = STATE_WORDS.get(self.state, self.state.value.replace("_", " "))
        return f"{self.service}: {words} - {self.message}" if self.message else \
            f"{self.service}: {words}"


@dataclass(frozen=True)
class SyncSummary:
    services: tuple[ServiceSummary, ...]
    outbox_sent: int = 0

    @property
    def connected(self) -> bool:
        return any(s.state != ServiceState.NOT_CONFIGURED for s in self.services)

    @property
    def ok(self) -> bool:
        """Every connected service synced (nothing connected is ok too): exit status 0."""
        return not any(s.failed for s in self.services)

    def lines(self) -> list[str]:
        head = [] if self.connected else ["No service is connected."]
        return head + [s.line() for s in self.services]

    def __str__(self) -> str:
        return "\n".join(self.lines())
