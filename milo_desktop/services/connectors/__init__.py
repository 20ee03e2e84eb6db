"""Connectors: the app's clients for outside services, one folder each (twilio/, email/, …).

What every connector shares lives here: the problems a sync engine understands (errors.py:
``AuthFailed`` stops a service until the user fixes its credentials, ``Offline`` is a state,
not an error…), ``Quarantine``, a record the app could not accept, kept with its raw payload,
and ``Page``, the shape of a list page that ``services/sync/pull.py`` walks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

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
from milo_desktop.services.connectors.payloads import dump_payload, safe_text


@dataclass(frozen=True)
class Quarantine:
    """A record (or a whole page) the app could not accept.

    Whatever it is given is made storable on creation: NUL and lone surrogates in the reason,
    the payload or the id are escapes (``payloads.safe_text``), the id and the names are cut to
    their columns. Build the payload of a parsed record with ``payloads.dump_payload``.
    """

    service: str
    resource: str
    reason: str
    payload: str  # raw, as received (escaped where a database could not store it)
    external_id: str | None = None

    def __post_init__(self) -> None:
        clean = {"service": safe_text(self.service)[:40],
                 "resource": safe_text(self.resource)[:60],
                 "reason": safe_text(self.reason), "payload": safe_text(self.payload),
                 "external_id": None if self.external_id is None
                 else safe_text(self.external_id)[:80]}
        for name, value in clean.items():
            object.__setattr__(self, name, value)

    @classmethod
    def of(cls, service: str, resource: str, reason: str, record: Any,
           external_id: Any = None) -> Quarantine:
        """A parsed record set aside: its payload as safe JSON, its id when it has a text one."""
        return cls(service, resource, reason, dump_payload(record),
                   external_id if isinstance(external_id, str) and external_id else None)


class MalformedRecord(ValueError):
    """A provider answered a record the app cannot convert (not the network's fault, not the
    credentials'): the caller keeps ``quarantine`` aside and goes on with the rest."""

    def __init__(self, quarantine: Quarantine) -> None:
        super().__init__(quarantine.reason)
        self.quarantine = quarantine


class Page(Protocol):
    """One page of a provider's list, as ``services/sync/pull.py`` walks it: the records the
    connector accepted (raw, as received), those it set aside, and where the next page is.
    ``broken``: the page as a whole could not be read (kept in quarantine; the walk stops)."""

    @property
    def resource(self) -> str: ...
    @property
    def records(self) -> Sequence[Mapping[str, Any]]: ...
    @property
    def quarantined(self) -> Sequence[Quarantine]: ...
    @property
    def next_url(self) -> str | None: ...
    @property
    def broken(self) -> bool: ...


__all__ = [
    "AuthFailed",
    "ConnectorProblem",
    "MalformedRecord",
    "NotConfigured",
    "NotFoundAtProvider",
    "Offline",
    "Page",
    "ProviderError",
    "Quarantine",
    "RateLimited",
    "ServiceUnavailable",
]
