"""The status bar shows a supervised worker that is restarting after an error (with its
words and, in the tooltip, the error), and says nothing about one that runs."""

from __future__ import annotations

import asyncio
import random

import pytest

from milo_desktop.services.core.supervisor import Supervisor
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.main_window import MainWindow


def _window(qtbot, ctx) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitExposed(window)
    return window


@pytest.mark.expect_log_warnings
def test_status_bar_shows_a_restarting_worker_and_nothing_while_it_runs(
        qtbot, make_ctx, sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    ctx = make_ctx(ws)
    window = _window(qtbot, ctx)  # no supervisor yet: nothing to show, nothing breaks
    assert ws.supervisor is None and window.sync_label.text() == ""

    release = asyncio.Event()
    delays: list[float] = []

    async def hold(seconds: float) -> None:
        delays.append(seconds)
        await release.wait()

    ws.supervisor = Supervisor(ws.tasks, ws.bus, base_delay=8.0, sleep=hold,
                               rng=random.Random(3))
    broken = [True]

    async def outbox() -> None:
        if broken:
            broken.clear()
            raise RuntimeError("injected")
        await asyncio.Event().wait()  # runs until stopped

    ws.supervisor.supervise("outbox", outbox)
    qtbot.waitUntil(lambda: bool(window.sync_label.text()), timeout=5000)
    assert window.sync_label.text() == ("Sending messages stopped after an internal error; "
                                        f"restarting in {round(delays[0])} s.")
    assert "(RuntimeError: injected)" in window.sync_label.toolTip()
    release.set()
    qtbot.waitUntil(lambda: window.sync_label.text() == "", timeout=5000)
    assert window.sync_label.toolTip() == ""
