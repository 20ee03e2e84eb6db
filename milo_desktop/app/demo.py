"""Demo mode's telephony: the sandbox Twilio server in-process, the demo receptionists
published on it, and a simulated caller every minute or so, so a newcomer sees calls arrive
without any account. The only module besides tests that imports the sandbox.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import update

from milo_desktop.app.background import Background, build_background
from milo_desktop.enums import QuestionKind, ReceptionistStatus
from milo_desktop.models import Receptionist
from milo_desktop.sandbox.twilio_candidates import plausible_candidates
from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.core.logs import url_for_log
from milo_desktop.services.demo.data import APPLY_NUMBER, OUTREACH_NUMBER
from milo_desktop.services.demo.resumes import send_demo_resumes
from milo_desktop.services.flows import (
    CallerAction,
    Keys,
    QuestionSpec,
    ScriptedCaller,
    Speech,
    question_widget,
)
from milo_desktop.services.flows.naming import CALLBACK, CONFIRM_SMS, LOCATION, NAME, VOICEMAIL
from milo_desktop.services.workspace import Workspace

log = logging.getLogger(__name__)

FIRST_CALL_AFTER_S = 8.0
# Free numbers on the demo account, so a newcomer can create a receptionist of their own.
SPARE_NUMBERS = tuple(f"+1214555{n:04d}" for n in range(180, 186))
CALL_EVERY_S = (45.0, 80.0)  # "a simulated call every minute or so"
RESUME_PASS_S = 10.0  # how often invited demo candidates look for a résumé to send

_FIRST = ["Dana", "Luis", "Keisha", "Minh", "Amara", "Jorge", "Priya", "Tyrell", "Olga", "Sam"]
_LAST = ["Ruiz", "Okafor", "Nguyen", "Patel", "Brooks", "Kowalski", "Haddad", "Silva", "Reyes"]
_CITIES = ["Dallas", "Fort Worth", "Irving", "Plano", "Arlington", "Garland"]
_YES = ["yeah I do", "yes", "sure do", "absolutely", "yep, I have that"]
_NO = ["nope", "no I don't", "not really"]
_AMOUNTS = ["about three years", "two and a half years", "6 months", "over 5 years", "a year"]
_SCORED = [
    "I ran the night shift receiving dock for two years and trained new hires on the scanners.",
    "I've done some warehouse work, mostly picking, and I like staying busy.",
    "At my last job I was certified on sit-down and reach trucks and never had an incident.",
    "Not much experience yet but I learn fast and I'm always on time.",
]


def scripted_caller(rng: random.Random, questions: tuple[QuestionSpec, ...]) -> ScriptedCaller:
    """A plausible caller: a name, a callback number, a city, and an answer to every question
    (mostly good, sometimes a dealbreaker 'no', sometimes the keypad)."""
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    number = f"+1214555{rng.randrange(100, 200):04d}"
    answers: dict[str, CallerAction] = {
        NAME: Speech(f"{first} {last}"),
        CALLBACK: Keys(number[2:]),
        LOCATION: Speech(rng.choice(_CITIES)),
        VOICEMAIL: Speech("Thanks, looking forward to hearing back."),
    }
    for q in questions:
        widget = question_widget(q.id)
        if q.kind == QuestionKind.YES_NO:
            keypad = rng.random() < 0.2
            says_yes = rng.random() < 0.8
            answers[widget] = (
                Keys("1" if says_yes else "2")
                if keypad
                else Speech(rng.choice(_YES if says_yes else _NO))
            )
        elif q.kind == QuestionKind.MIN_AMOUNT:
            answers[widget] = Speech(rng.choice(_AMOUNTS))
        elif q.kind == QuestionKind.MULTIPLE_CHOICE and q.choices:
            answers[widget] = Keys(str(rng.randrange(1, len(q.choices) + 1)))
        else:
            answers[widget] = Speech(rng.choice(_SCORED))
    return ScriptedCaller(number=number, answers=answers, sms_replies={CONFIRM_SMS: "YES"})


@dataclass
class DemoTelephony:
    sandbox: TwilioSandbox
    background: Background
    lines: list[tuple[str, tuple[QuestionSpec, ...]]] = field(default_factory=list)
    calls_placed: int = 0

    async def stop(self) -> None:
        await self.background.stop()
        await asyncio.get_running_loop().run_in_executor(None, self.sandbox.stop_thread)

    async def refresh_lines(self, ws: Workspace) -> None:
        """The live receptionists now (a newcomer may have created or paused one)."""
        lines = []
        for row in (await ws.receptionists.overview("live")).rows:
            if row.phone_number and row.published:
                detail = await ws.receptionists.get(row.id)
                lines.append((row.phone_number, detail.config().questions))
        self.lines = lines

    async def place_call(self, rng: random.Random) -> str | None:
        """One simulated inbound call to a random live line (in the sandbox's thread)."""
        if not self.lines:
            return None
        number, questions = rng.choice(self.lines)
        caller = scripted_caller(rng, questions)
        loop = asyncio.get_running_loop()
        sid = await loop.run_in_executor(
            None, lambda: self.sandbox.place_inbound_call(number, caller.number, "", caller)
        )
        self.calls_placed += 1
        self.background.engine.wake("twilio")  # show it within seconds, not a poll later
        return sid

    async def applicants(self, ws: Workspace, data_dir: Path, seed: int = 11) -> None:
        """Invited demo candidates send their résumé when the role starts with the Résumé
        stage (services/demo_resumes.py); the phone or text screening follows."""
        rng = random.Random(seed)
        while True:
            await asyncio.sleep(RESUME_PASS_S)
            if ws.resumes is None:
                continue
            try:
                if await send_demo_resumes(ws.db, ws.resumes, data_dir / "demo-resumes", rng):
                    self.background.engine.wake("twilio_stages")  # queue the next stage now
            except Exception:  # a demo applicant must never take the app down
                log.exception("demo résumé failed")

    async def callers(self, ws: Workspace, seed: int = 7) -> None:
        rng = random.Random(seed)
        await asyncio.sleep(FIRST_CALL_AFTER_S)
        while True:
            try:
                await self.refresh_lines(ws)
                await self.place_call(rng)
            except Exception:  # a demo caller must never take the app down
                log.exception("demo caller failed")
            await asyncio.sleep(rng.uniform(*CALL_EVERY_S))


async def start_demo_sandbox() -> tuple[TwilioSandbox, dict[str, str]]:
    """Serve the sandbox Twilio from a background thread; returns it and the environment
    (credentials and API bases) that points a connector at it."""
    box = TwilioSandbox()
    await asyncio.get_running_loop().run_in_executor(None, box.start_in_thread)
    for number in SPARE_NUMBERS:
        box.add_number(number, "Spare demo line")
    return box, {
        "TWILIO_ACCOUNT_SID": box.account.sid,
        "TWILIO_AUTH_TOKEN": box.account.auth_token,
        "MILO_TWILIO_API_BASE": box.base_url,
        "MILO_TWILIO_STUDIO_BASE": box.studio_base_url,
    }


async def start_demo_telephony(
    ws: Workspace,
    data_dir: Path,
    box: TwilioSandbox | None = None,
    factory: Any = None,
    extra_env: dict[str, str] | None = None,
) -> DemoTelephony:
    """Publish the live demo receptionists on the sandbox, start syncing, and start the
    simulated callers (all as registered tasks of the workspace)."""
    env: dict[str, str] | None = None
    if box is None:
        box, env = await start_demo_sandbox()
    live = (await ws.receptionists.overview("live")).rows
    # The demo's flow sids are made up and this sandbox starts empty: publish afresh, before
    # the sync engine looks for executions of those flows.
    await ws.db.write(
        lambda s: s.execute(
            update(Receptionist)
            .where(Receptionist.status == ReceptionistStatus.LIVE)
            .values(flow_sid=None)
        )
    )
    # Candidates text keywords to a line no text screening uses (the SMS sender),
    # set before the background's first text-to-apply round.
    if box.state.number_for(APPLY_NUMBER) is None:
        box.add_number(APPLY_NUMBER, "Demo apply-by-text line")
    policy = await ws.outreach.policy()
    if not policy.sms_from:
        await ws.outreach.save_policy(replace(policy, sms_from=APPLY_NUMBER))
    if extra_env:
        import os

        env = {**(env if env is not None else os.environ), **extra_env}
    background = build_background(ws, data_dir, store=None, env=env,
                                  factories={"twilio": factory} if factory else None)
    background.start()
    from milo_desktop.services.connectors.twilio.publisher import TwilioPublisher

    ws.receptionists.set_publisher(TwilioPublisher(background.factory("twilio")))
    demo = DemoTelephony(box, background)
    # Invited demo candidates answer their phone and text screenings (the sandbox plays them)
    # on the demo interviewers' screening number.
    box.candidates.default = plausible_candidates()
    if box.state.number_for(OUTREACH_NUMBER) is None:
        box.add_number(OUTREACH_NUMBER, "Demo screening line")
    for row in live:
        if not row.phone_number:
            continue
        box.add_number(row.phone_number, row.name)
        await ws.receptionists.resume(row.id)
    await demo.refresh_lines(ws)
    ws.tasks.spawn(demo.callers(ws), name="demo.callers")
    ws.tasks.spawn(demo.applicants(ws, data_dir), name="demo.applicants")
    from milo_desktop.app.demo_ats import demo_applicants, running_boxes

    for ats_box in running_boxes():
        ws.tasks.spawn(demo_applicants(ats_box), name="demo.ats_applicants")
    log.info("demo telephony: %d live lines on the sandbox at %s", len(demo.lines),
             url_for_log(box.base_url))
    return demo
