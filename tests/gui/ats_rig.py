"""What the ATS screen tests share: the Greenhouse connector attached to a workspace with an
in-memory keychain, and jobs and people imported from the Greenhouse sandbox (a real server on
127.0.0.1) through the same sync job as the app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from milo_desktop.sandbox.greenhouse import GreenhouseSandbox
from milo_desktop.services.ats.sync import AtsSync
from milo_desktop.services.connectors.ats.http import RetryPolicy
from milo_desktop.services.connectors.greenhouse.spec import SPEC as GREENHOUSE
from milo_desktop.services.core.credentials import CredentialStore
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.context import ViewContext
from tests.keychains import MemoryKeychain

FAST = RetryPolicy(attempts=2, base_delay=0.0, max_delay=0.0, network_attempts=1)
SHOTS = Path("/work/shots-ats")
PEOPLE = [("Ana", "Lopez"), ("Ben", "Cho"), ("Carla", "Diaz")]


def attach(ws: Workspace, env: dict[str, str] | None = None) -> MemoryKeychain:
    """Greenhouse as the workspace's one ATS connector (as the composition root would)."""
    chain = MemoryKeychain()
    ws.ats.attach([GREENHOUSE], store=CredentialStore(chain), env=env or {})
    return chain


def run(qtbot: Any, ctx: ViewContext, coro: Any) -> Any:
    """Run a coroutine on the app's loop (as a view would) and wait for its result."""
    task = ctx.spawn(coro, "test.ats")
    qtbot.waitUntil(task.done, timeout=20_000)
    return task.result()


def seed(box: GreenhouseSandbox, title: str = "Forklift Operator",
         people: list[tuple[str, str]] = PEOPLE) -> str:
    job = box.add_job(title, ["Application Review", "Phone Screen", "Offer"])
    for i, (first, last) in enumerate(people):
        box.add_candidate(first, last, f"{first.lower()}.{last.lower()}@example.com",
                          f"+1214555{200 + i:04d}", job)
    return job


def import_jobs(qtbot: Any, ctx: ViewContext, box: GreenhouseSandbox) -> None:
    """One sync round from the sandbox into the workspace (jobs, people, applications), its
    events published as the sync engine publishes them (AtsChanged…)."""
    ws = ctx.workspace

    async def client() -> Any:
        made = await GREENHOUSE.make_client(box.credentials(), box.base_url, _keep)
        made.http.policy = FAST
        return made

    sync = AtsSync(ws.db, "greenhouse", "Greenhouse", client, bus=ws.bus)
    result = run(qtbot, ctx, sync.run(lambda _n: None))
    for event in result.events:
        ws.bus.publish(event)


async def _keep(_field: str, _value: str) -> None:
    return None


def save_shot(widget: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / name
    assert widget.grab().save(str(path))
    return path
