"""What every screen is handed: the workspace's services, the event bridge, the UI settings,
and the other screens' windows it may open (views/windows.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QSettings

from milo_desktop.services.workspace import Workspace
from milo_desktop.views.bridge import EventBridge
from milo_desktop.views.windows import Windows


@dataclass
class ViewContext:
    workspace: Workspace
    bridge: EventBridge
    settings: QSettings  # window geometry, splitters, column layouts (not workspace data)
    windows: Windows  # views/screen_windows.py: ScreenWindows

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str,
              owner: QObject | None = None) -> Any:
        """Run a coroutine in the background, registered (kept referenced, cancelled on quit).

        ``owner``: a widget whose work this only is (loading what it shows): the task is
        cancelled when the widget is destroyed, so a dialog closed while it loads never has
        its deleted labels touched. Not for work that must finish (saving, sending)."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            try:
                if asyncio.get_event_loop().is_closed():
                    raise RuntimeError("closed")
            except RuntimeError:
                # The loop has stopped: the app is quitting and a last timer fired. Nothing
                # can run any more; drop the work instead of raising in Qt's event loop.
                coro.close()
                return None
        task = self.workspace.tasks.spawn(coro, name=name)
        if owner is not None:
            owner.destroyed.connect(lambda *_a: task.cancel())
        return task
