"""How a connector joins the background: a ``ConnectorPlugin`` per connector folder.

``app/background.py`` lists the plugins (one registration line each) and composes what they
contribute — sync jobs with their intervals, outbox handlers, long-running workers, start-up
chores and clean-up — for the app, demo mode and ``sync --once`` alike. A plugin also names
the environment variables a headless run reads (``sync --once --help`` lists them).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from milo_desktop.services.core.credentials import CredentialStore
from milo_desktop.services.sync.round import SyncJob

if TYPE_CHECKING:
    from milo_desktop.services.sync.outbox import OutboxHandler
    from milo_desktop.services.workspace import Workspace

Factory = Callable[[], Awaitable[Any]]  # async () -> a connector, or None when not connected
Worker = Callable[[], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class BackgroundContext:
    """What a plugin may build on."""

    workspace: Workspace
    data_dir: Path
    store: CredentialStore | None  # the keychain; None in the demo (sandbox credentials)
    env: Mapping[str, str]
    # Connector factories the app hands in (the Integrations screen's, which know the saved
    # settings); a plugin falls back to the keychain + environment without one.
    factories: Mapping[str, Factory] = field(default_factory=dict)


@dataclass
class Contribution:
    """What one connector adds to the background."""

    factory: Factory | None = None  # its connector factory (the outbox handlers use it)
    jobs: list[tuple[SyncJob, float]] = field(default_factory=list)  # with default intervals
    pinned_intervals: dict[str, float] = field(default_factory=dict)  # set by the environment
    handlers: dict[str, OutboxHandler] = field(default_factory=dict)
    workers: list[tuple[str, Worker]] = field(default_factory=list)  # supervised, run forever
    chores: list[tuple[str, Worker]] = field(default_factory=list)  # run once at start
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)


@dataclass(frozen=True)
class ConnectorPlugin:
    """A connector's entry in the background's registry."""

    service: str  # "twilio", "email", "greenhouse"…
    title: str  # "Twilio"
    contribute: Callable[[BackgroundContext], Contribution]
    env_vars: tuple[tuple[str, str], ...] = ()  # (NAME, what it sets) for headless runs


__all__ = ["BackgroundContext", "ConnectorPlugin", "Contribution", "Factory", "Worker"]
