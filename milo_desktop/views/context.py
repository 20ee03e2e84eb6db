"""What every screen is handed: the workspace's services, the event bridge, the UI settings."""

from __future__ import annotations

from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSettings

from milo_desktop.services.workspace import Workspace
from milo_desktop.views.bridge import EventBridge


@dataclass
class ViewContext:
    workspace: Workspace
    bridge: EventBridge
    settings: QSettings  # window geometry, splitters, column layouts (not workspace data)

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> Any:
        """Run a coroutine in the background, registered (kept referenced, cancelled on quit)."""
        return self.workspace.tasks.spawn(coro, name=name)
