"""Demo mode's Greenhouse: the sandbox Greenhouse in-process, with jobs and people, connected
through the environment (``MILO_GREENHOUSE_*``) like a headless run, so a newcomer sees From
ATS work: its jobs beside the demo's interviewers, its people imported, new applicants now
and then (invited by themselves once a job is linked with auto-invite), and the notes and
stage moves "Send results to ATS" writes landing in it.
"""

from __future__ import annotations

import asyncio
import logging
import random
from typing import TYPE_CHECKING

from milo_desktop.services.connectors.ats import credentials

if TYPE_CHECKING:
    from milo_desktop.sandbox.greenhouse import GreenhouseSandbox

log = logging.getLogger(__name__)

STAGES = ["Application Review", "Phone Screen", "Interview", "Offer"]
DEMO_JOBS = (
    ("Warehouse Associate", 14),
    ("Forklift Operator", 9),
    ("Registered Nurse – Nights", 7),
    ("Customer Service Representative", 11),
    ("Delivery Driver (CDL-A)", 6),
)
POLL_SECONDS = "20"  # the demo's ATS syncs often, so a link shows its people at once
APPLICANT_EVERY_S = (40.0, 90.0)
DEMO_AREA = 817  # not an area code seed_many or the demo's callers use: no shared numbers
_RUNNING: list[GreenhouseSandbox] = []  # kept alive for the session
_JOBS: dict[int, list[str]] = {}  # id(box) → its demo job ids


def demo_env(box: GreenhouseSandbox) -> dict[str, str]:
    from milo_desktop.services.connectors.greenhouse.spec import SPEC

    env = {credentials.env_name(SPEC.service, k): v for k, v in box.credentials().items()}
    env[credentials.env_name(SPEC.service, credentials.BASE_FIELD)] = box.base_url
    env[f"MILO_{SPEC.service.upper()}_POLL_SECONDS"] = POLL_SECONDS
    return env


async def start_demo_ats(seed: int = 11) -> tuple[GreenhouseSandbox, dict[str, str]]:
    """Serve the demo Greenhouse from a background thread; returns it and the environment
    that connects the Greenhouse connector to it."""
    from milo_desktop.sandbox.greenhouse import GreenhouseSandbox

    box = GreenhouseSandbox()
    await asyncio.get_running_loop().run_in_executor(None, box.start_in_thread)
    jobs = []
    mobiles = iter(range(100))
    for n, (title, people) in enumerate(DEMO_JOBS):
        jobs.append(box.add_job(title, STAGES))
        for cid in box.seed_many(people, [jobs[-1]], seed=seed + n):
            # The demo's interviewers text and call: each demo person has a mobile number
            # (seed_many gives one to one person in ten), fictional (555-01xx) and their own.
            box.update_candidate(cid, phone=f"+1 {DEMO_AREA}-555-01{next(mobiles):02d}")
    _JOBS[id(box)] = jobs
    _RUNNING.append(box)
    return box, demo_env(box)


async def demo_applicants(box: GreenhouseSandbox, seed: int = 5) -> None:
    """Now and then someone applies at the demo Greenhouse (as real applicants would)."""
    rng = random.Random(seed)
    jobs = _JOBS.get(id(box)) or []
    if not jobs:
        return
    while True:
        await asyncio.sleep(rng.uniform(*APPLICANT_EVERY_S))
        try:
            box.seed_many(1, [rng.choice(jobs)], seed=rng.randrange(1 << 30))
        except Exception:  # a demo applicant must never take the app down
            log.exception("demo ATS applicant failed")


def running_boxes() -> list[GreenhouseSandbox]:
    return list(_RUNNING)


def running_env() -> dict[str, str]:
    """The environment connecting the Greenhouse connector to the running demo Greenhouse."""
    return {k: v for box in _RUNNING for k, v in demo_env(box).items()}


def stop_demo_ats() -> None:
    while _RUNNING:
        box = _RUNNING.pop()
        _JOBS.pop(id(box), None)
        box.stop_thread()


__all__ = ["DEMO_JOBS", "demo_applicants", "demo_env", "running_boxes", "running_env",
           "start_demo_ats", "stop_demo_ats"]
