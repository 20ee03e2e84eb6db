"""What each number's Studio flow should be, and publishing it (number_flow.py compiles it).

A number gets a flow when it carries a keyword of an interviewer taking candidates, had a
router before (it then answers every text politely), or a text stage of a non-archived
interviewer sends from it — unless a receptionist answers on it (its own flow reads the
callers' texts). The text-to-apply job (texts_job.py) publishes every number's flow each
round; the stage runner (stages/runner.py) publishes one number's before it starts a text
screening there. Both go through ``publish_number``, one at a time per number, and publish
only when the definition changed (its hash is kept in ``entry_routers``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.enums import InterviewerStatus, StageKind
from milo_desktop.models import EntryKeyword, EntryRouter, Interviewer, Receptionist, Stage
from milo_desktop.models.base import utcnow
from milo_desktop.services.accepting import accepting_clause
from milo_desktop.services.connectors import NotFoundAtProvider
from milo_desktop.services.connectors.twilio.connector import TwilioConnector
from milo_desktop.services.connectors.twilio.publisher import same_number
from milo_desktop.services.core.database import Database
from milo_desktop.services.email_intake.addresses import apply_address
from milo_desktop.services.entry import after_settings
from milo_desktop.services.entry.number_flow import compile_number_flow
from milo_desktop.services.entry.points import TEXT_KINDS, default_number, number_key, stage_number
from milo_desktop.services.entry.router import RouterEntry, definition_hash, friendly_name
from milo_desktop.services.flows.checks import MAX_STATES, check_definition
from milo_desktop.services.links import account_settings
from milo_desktop.services.stages.compiler import compile_stage
from milo_desktop.services.stages.config import load_stage

log = logging.getLogger(__name__)
TOO_MANY = ("{number} carries more text screenings than one Twilio flow can hold: give the "
            "“{stage}” stage (or its interviewer) a number of its own.")


@dataclass(frozen=True)
class NumberPlan:
    number: str
    definition: dict[str, object]
    digest: str
    flow_sid: str | None
    published_hash: str | None
    stage_ids: tuple[int, ...] = ()  # the text stages the flow runs
    left_out: dict[int, str] = field(default_factory=dict)  # stage id → why not in it

    @property
    def current(self) -> bool:
        return bool(self.flow_sid) and self.published_hash == self.digest


def welcome_words(kind: StageKind | None, title: str, apply_to: str | None = None) -> str:
    """What the router texts back at once, by how the interviewer's first stage starts."""
    title = title.strip() or "this role"
    if kind == StageKind.VOICE:
        return (f"Thanks for your interest in {title}! We'll call you from this number in a "
                "few minutes for a short screening.")
    if kind == StageKind.RESUME:
        if apply_to:
            return (f"Thanks for your interest in {title}! To start, email your résumé to "
                    f"{apply_to}.")
        return (f"Thanks for your interest in {title}! We have your number and will be in "
                "touch about the next step.")
    return (f"Thanks for your interest in {title}! Your screening starts in a moment: we'll "
            "text you a few short questions from this number. Reply to each one.")


def receptionist_numbers(s: Session) -> set[str]:
    """The numbers (``number_key``) a receptionist answers on."""
    return {number_key(str(n)) for n in s.scalars(select(Receptionist.phone_number).where(
        Receptionist.phone_number.is_not(None)))}


def _keyword_entries(s: Session, now: dt.datetime) -> dict[str, list[RouterEntry]]:
    about = str(account_settings(s).get("company_info") or "")
    rows = s.execute(select(EntryKeyword, Interviewer).join(
        Interviewer, Interviewer.id == EntryKeyword.interviewer_id)
        .where(accepting_clause(now)).order_by(EntryKeyword.keyword)).all()
    out: dict[str, list[RouterEntry]] = {}
    for kw, iv in rows:
        first = s.scalar(select(Stage.kind).where(Stage.interviewer_id == iv.id)
                         .order_by(Stage.position, Stage.id).limit(1))
        info = after_settings.role_text(after_settings.read(iv.settings), about)
        out.setdefault(number_key(kw.phone_number), []).append(
            RouterEntry(iv.id, kw.keyword, iv.position_title,
                        welcome_words(first, iv.position_title, apply_address(s, iv.slug)),
                        info))
    return out


def _text_stages(s: Session) -> dict[str, list[tuple[str, Stage, Interviewer]]]:
    """number_key → (the number as written, stage, interviewer) of every text stage of a
    non-archived interviewer, in interviewer and stage order."""
    fallback = default_number(s)
    out: dict[str, list[tuple[str, Stage, Interviewer]]] = {}
    for stage, iv in s.execute(
            select(Stage, Interviewer).join(Interviewer, Interviewer.id == Stage.interviewer_id)
            .where(Stage.kind.in_(TEXT_KINDS), Interviewer.status != InterviewerStatus.ARCHIVED)
            .order_by(Interviewer.id, Stage.position, Stage.id)).tuples():
        number = stage_number(stage, iv) or fallback
        if number:
            out.setdefault(number_key(number), []).append((number, stage, iv))
    return out


def plans(s: Session, now: dt.datetime, only: Iterable[str] | None = None) -> list[NumberPlan]:
    """The flow every number should have now (``only``: just these numbers)."""
    company = str(account_settings(s).get("company_name") or "")
    entries = _keyword_entries(s, now)
    stages = _text_stages(s)
    written: dict[str, str] = {}
    for kw in s.scalars(select(EntryKeyword)):
        written.setdefault(number_key(kw.phone_number), kw.phone_number)
    for router in s.scalars(select(EntryRouter)):
        written.setdefault(number_key(router.phone_number), router.phone_number)
    for key, rows in stages.items():
        written.setdefault(key, rows[0][0])
    wanted = set(entries) | set(stages) | {number_key(r.phone_number)
                                           for r in s.scalars(select(EntryRouter))}
    wanted -= receptionist_numbers(s)
    if only is not None:
        wanted &= {number_key(n) for n in only}
    routers = {number_key(r.phone_number): r for r in s.scalars(select(EntryRouter))}
    out = []
    for key in sorted(wanted):
        number = written[key]
        compiled: list[tuple[int, dict[str, object]]] = []
        left_out: dict[int, str] = {}
        titles: list[str] = []
        size = 12 + 3 * len(entries.get(key, []))  # the router's own states, roughly
        for _, stage, iv in stages.get(key, []):
            config = load_stage(s, stage.id)
            if config is None or config.problems():
                continue  # not runnable: starting it says why (stages/runner.py)
            definition = compile_stage(config)
            states = len(definition["states"])
            if size + states > MAX_STATES:
                left_out[stage.id] = TOO_MANY.format(number=number, stage=stage.name)
                continue
            size += states
            compiled.append((stage.id, definition))
            titles.append(iv.position_title)
        definition = compile_number_flow(number, entries.get(key, []), company, compiled,
                                         titles)
        problems = check_definition(definition)
        if problems:  # the compiler wrote a broken flow: our bug
            raise AssertionError(f"the flow of {number} compiled broken: {problems}")
        row = routers.get(key)
        out.append(NumberPlan(number, definition, definition_hash(definition),
                              row.flow_sid if row is not None else None,
                              row.definition_hash if row is not None else None,
                              tuple(i for i, _ in compiled), left_out))
    return out


def store_published(s: Session, plan: NumberPlan, flow_sid: str, webhook: str) -> None:
    """The number's flow is ``flow_sid``: kept on its ``entry_routers`` row and on each text
    stage it runs (the stage sync reads their executions there)."""
    router = next((r for r in s.scalars(select(EntryRouter))
                   if same_number(r.phone_number, plan.number)), None)
    if router is None:
        router = EntryRouter(phone_number=plan.number)
        s.add(router)
    if (router.flow_sid, router.webhook_url, router.definition_hash) != (
            flow_sid, webhook, plan.digest):
        router.flow_sid, router.webhook_url = flow_sid, webhook
        router.definition_hash = plan.digest
        router.published_at = utcnow()
    for stage_id in plan.stage_ids:
        stage = s.get(Stage, stage_id)
        if stage is not None and stage.flow_sid != flow_sid:
            stage.flow_sid = flow_sid


def forget_flow(s: Session, flow_sid: str) -> None:
    """The flow is gone on Twilio (deleted in the console): published again next time."""
    for router in s.scalars(select(EntryRouter).where(EntryRouter.flow_sid == flow_sid)):
        router.flow_sid, router.definition_hash = None, None


_LOCKS: dict[tuple[int, str], asyncio.Lock] = {}


def _lock(number: str) -> asyncio.Lock:
    """One publish at a time per number in this process (the runner and the job share it)."""
    key = (id(asyncio.get_running_loop()), number_key(number))
    return _LOCKS.setdefault(key, asyncio.Lock())


async def publish_number(db: Database, twilio: TwilioConnector, number: str,
                         now: dt.datetime) -> NumberPlan | None:
    """Publish ``number``'s flow when it changed (create, or a new revision: executions
    under way finish on the revision they started with) and point the number's texts at it
    (its VoiceUrl is kept). Returns the plan as published, or None when the number has no
    flow to have or is not the connected account's (nothing is created then)."""
    async with _lock(number):
        found_plans = await db.read(lambda s: plans(s, now, only=[number]))
        if not found_plans:
            return None
        plan = found_plans[0]
        numbers = await twilio.list_numbers()
        found = next((n for n in numbers if same_number(n.phone_number, plan.number)), None)
        if found is None:
            log.info("a texted number is not in the connected Twilio account; no flow")
            return None
        if plan.current:
            stored = await db.read(lambda s: _webhook(s, plan.number))
            if stored and found.sms_url == stored:
                await db.write(lambda s: store_published(s, plan, str(plan.flow_sid), stored))
                return plan
        flow = None
        if plan.flow_sid:
            try:
                flow = await twilio.update_flow(plan.flow_sid, plan.definition)
            except NotFoundAtProvider:
                flow = None
        if flow is None:
            flow = await twilio.create_flow(friendly_name(plan.number), plan.definition)
        if found.sms_url != flow.webhook_url:
            await twilio.point_number(found.sid, found.voice_url, flow.webhook_url)
        await db.write(lambda s: store_published(s, plan, flow.sid, flow.webhook_url))
        log.info("the flow of a texted number is published (%d screening(s))",
                 len(plan.stage_ids))
        return NumberPlan(plan.number, plan.definition, plan.digest, flow.sid, plan.digest,
                          plan.stage_ids, plan.left_out)


def _webhook(s: Session, number: str) -> str | None:
    router = next((r for r in s.scalars(select(EntryRouter))
                   if same_number(r.phone_number, number)), None)
    return router.webhook_url if router is not None else None
