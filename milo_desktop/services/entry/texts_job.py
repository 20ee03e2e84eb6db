"""The text-to-apply job (service ``twilio_entry``, every 30 s by the sync engine).

Each round:

1. **Routers.** For every number that carries keywords of interviewers taking candidates, the
   router flow (``router.compile_router``) is published when its definition changed since the
   last publish (hash in ``entry_routers``), and the number's SmsUrl is pointed at it (its
   VoiceUrl — a receptionist's — is kept). A number whose keywords all went away keeps its
   router, which then answers every text with the polite "not taking applications" words.
   Never on a number a text stage sends from (``points.text_stage_numbers``): Studio hands a
   candidate's reply only to the flow the SmsUrl points at, so that number belongs to the
   stage's flow (``StageRunner.route_replies``); a router already there is released.
2. **Texts.** The router flows' executions created since the last round (a few minutes of
   overlap) are read; each ended one is taken once (``intake.take_execution``): the candidate
   and the application are created and the interviewer's first stage starts as an invitation
   starts it. A context the app cannot read is quarantined with its reason.

Everything is idempotent (the hash, the execution's ``external_ids`` row, keyed outbox rows),
so a crash anywhere in a round is repaired by the next.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from milo_desktop.enums import StageKind
from milo_desktop.models import (
    EntryKeyword,
    EntryRouter,
    Interviewer,
    Receptionist,
    Stage,
    SyncCursor,
)
from milo_desktop.models.base import utcnow
from milo_desktop.services.accepting import accepting_clause
from milo_desktop.services.connectors import MalformedRecord, NotFoundAtProvider
from milo_desktop.services.connectors.twilio.calls_job import NOT_CONNECTED
from milo_desktop.services.connectors.twilio.connector import TwilioConnector
from milo_desktop.services.connectors.twilio.publisher import same_number
from milo_desktop.services.connectors.twilio.retry import SERVICE as TWILIO
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import (
    ApplicationsChanged,
    CandidatesChanged,
    Event,
    EventBus,
)
from milo_desktop.services.email_intake.addresses import apply_address
from milo_desktop.services.entry import after_settings
from milo_desktop.services.entry.intake import take_execution
from milo_desktop.services.entry.points import ensure_keyword, number_key, text_stage_numbers
from milo_desktop.services.entry.router import (
    RouterEntry,
    compile_router,
    definition_hash,
    friendly_name,
)
from milo_desktop.services.flows.checks import check_definition
from milo_desktop.services.links import account_settings
from milo_desktop.services.stages.runner import ConnectorFactory, release_router
from milo_desktop.services.stages.studio import executions_since
from milo_desktop.services.sync.round import Progress, RoundResult, open_connector

log = logging.getLogger(__name__)
SERVICE = "twilio_entry"
RESOURCE = "router_executions"
OVERLAP = dt.timedelta(minutes=10)  # executions may be dated a little before we saw them
FIRST_LOOK = dt.timedelta(days=2)  # how far back a new router's executions are read
SEEN_MAX = 10_000  # executions remembered as read in this session


@dataclass(frozen=True)
class RouterPlan:
    number: str
    definition: dict[str, object]
    digest: str
    flow_sid: str | None
    published_hash: str | None


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


def plans(s: Session, now: dt.datetime) -> list[RouterPlan]:
    """The router every keyword number should have now."""
    account = account_settings(s)
    company = str(account.get("company_name") or "")
    about = str(account.get("company_info") or "")
    rows = s.execute(select(EntryKeyword, Interviewer).join(
        Interviewer, Interviewer.id == EntryKeyword.interviewer_id)
        .where(accepting_clause(now)).order_by(EntryKeyword.keyword)).all()
    numbers: dict[str, list[RouterEntry]] = {}
    for kw, iv in rows:
        first = s.scalar(select(Stage.kind).where(Stage.interviewer_id == iv.id)
                         .order_by(Stage.position, Stage.id).limit(1))
        info = after_settings.role_text(after_settings.read(iv.settings), about)
        numbers.setdefault(kw.phone_number, []).append(
            RouterEntry(iv.id, kw.keyword, iv.position_title,
                        welcome_words(first, iv.position_title, apply_address(s, iv.slug)),
                        info))
    for existing in s.scalars(select(EntryRouter)):
        numbers.setdefault(existing.phone_number, [])
    # A receptionist's number keeps its texts (its flow reads the callers' replies).
    for taken in s.scalars(select(Receptionist.phone_number).where(
            Receptionist.phone_number.is_not(None))):
        numbers.pop(str(taken), None)
    # A text stage's number keeps its texts for the stage's flow (see module doc).
    blocked = text_stage_numbers(s)
    for number in [n for n in numbers if number_key(n) in blocked]:
        numbers.pop(number)
    out = []
    for number, entries in sorted(numbers.items()):
        definition = compile_router(number, entries, company)
        problems = check_definition(definition)
        if problems:  # the compiler wrote a broken flow: our bug
            raise AssertionError(f"router of {number} compiled to a broken flow: {problems}")
        router = s.scalar(select(EntryRouter).where(EntryRouter.phone_number == number))
        out.append(RouterPlan(number, definition, definition_hash(definition),
                              router.flow_sid if router is not None else None,
                              router.definition_hash if router is not None else None))
    return out


def ensure_keywords(s: Session, now: dt.datetime) -> int:
    """Give every interviewer taking candidates that has a number but no keyword yet its
    default keyword (``points.ensure_keyword``), move a keyword off a number a text stage
    now uses, and release the routers on such numbers (``release_router``); returns how
    many keywords were given or moved."""
    blocked = text_stage_numbers(s)
    for router in list(s.scalars(select(EntryRouter))):
        if number_key(router.phone_number) in blocked:
            release_router(s, router.phone_number)
    missing = list(s.scalars(select(Interviewer).where(
        accepting_clause(now), ~exists().where(EntryKeyword.interviewer_id == Interviewer.id))))
    moved = [iv for kw, iv in s.execute(select(EntryKeyword, Interviewer).join(
        Interviewer, Interviewer.id == EntryKeyword.interviewer_id)
        .where(accepting_clause(now))).tuples() if number_key(kw.phone_number) in blocked]
    return sum(ensure_keyword(s, iv, blocked) is not None for iv in missing + moved)


def _store_router(s: Session, number: str, flow_sid: str, webhook: str, digest: str) -> None:
    router = s.scalar(select(EntryRouter).where(EntryRouter.phone_number == number))
    if router is None:
        router = EntryRouter(phone_number=number)
        s.add(router)
    router.flow_sid, router.webhook_url, router.definition_hash = flow_sid, webhook, digest
    router.published_at = utcnow()


def _since(s: Session, flow_sid: str, now: dt.datetime) -> dt.datetime:
    row = s.get(SyncCursor, (SERVICE, f"{RESOURCE}:{flow_sid}"))
    if row is None or not row.cursor:
        return now - FIRST_LOOK
    try:
        return dt.datetime.fromisoformat(row.cursor) - OVERLAP
    except ValueError:
        return now - FIRST_LOOK


def _save_since(s: Session, flow_sid: str, when: dt.datetime) -> None:
    key = (SERVICE, f"{RESOURCE}:{flow_sid}")
    row = s.get(SyncCursor, key)
    if row is None:
        row = SyncCursor(service=SERVICE, resource=key[1])
        s.add(row)
    row.cursor = when.isoformat()
    row.last_success_at = utcnow()


class TextEntrySync:
    """Publishes the routers and turns keyword texts into screenings (see module doc)."""

    service = SERVICE
    default_interval = 30.0

    def __init__(self, db: Database, connector: ConnectorFactory, *,
                 bus: EventBus | None = None,
                 clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.db = db
        self.connector = connector
        self.bus = bus
        self.clock = clock
        # Executions already read this session: the overlap lists them again, and their
        # contexts need not be fetched again (a keyword's is also kept in external_ids).
        self._seen: dict[str, None] = {}

    async def run(self, progress: Progress) -> RoundResult:
        async with open_connector(self.connector, TWILIO, NOT_CONNECTED) as twilio:
            return await self.round(twilio, progress)

    async def round(self, twilio: TwilioConnector,
                    progress: Progress = lambda _n: None) -> RoundResult:
        now = self.clock()
        await self.db.write(lambda s: ensure_keywords(s, now))
        wanted = await self.db.read(lambda s: plans(s, now))
        published = 0
        for plan in wanted:
            if plan.flow_sid and plan.published_hash == plan.digest:
                continue
            published += await self.publish(twilio, plan) is not None
        routers = await self.db.read(_router_flows)
        started = quarantined = texts = 0
        candidates: set[int] = set()
        for flow_sid in routers:
            since = await self.db.read(functools.partial(_since, flow_sid=flow_sid, now=now))
            try:
                records = await executions_since(twilio, flow_sid, since)
            except NotFoundAtProvider:  # deleted in the console: published again next round
                await self.db.write(functools.partial(_forget, flow_sid=flow_sid))
                continue
            for record in sorted(records, key=lambda r: str(r.get("date_created") or "")):
                if record.get("status") != "ended":
                    continue
                sid = str(record["sid"])
                if sid in self._seen:
                    continue
                try:
                    context = await twilio.execution_context(flow_sid, sid)
                except MalformedRecord as exc:
                    context = {"unreadable": str(exc)}
                taken = await self.db.write(functools.partial(
                    take_execution, execution_sid=sid, context=context, now=self.clock()))
                self._remember(sid)
                texts += taken.outcome != "already"
                started += taken.outcome == "started"
                quarantined += taken.outcome == "quarantined"
                if taken.application_id is not None and taken.outcome == "started":
                    candidates.add(taken.application_id)
                progress(texts)
            # Read from this round's start (less the overlap) next time.
            await self.db.write(functools.partial(_save_since, flow_sid=flow_sid, when=now))
        if started:
            log.info("text to apply: %d screening(s) started", started)
        events: tuple[Event, ...] = ()
        if started:
            events = (ApplicationsChanged(tuple(sorted(candidates))), CandidatesChanged(()))
        return RoundResult({"texts": texts, "screenings started": started,
                            "routers published": published}, quarantined,
                           events)

    def _remember(self, sid: str) -> None:
        self._seen[sid] = None
        while len(self._seen) > SEEN_MAX:  # the oldest go first (dicts keep insertion order)
            del self._seen[next(iter(self._seen))]

    async def publish(self, twilio: TwilioConnector, plan: RouterPlan) -> str | None:
        """Publish one router (create, or a new revision) and point its number's texts at it;
        None when the number is not the connected account's (nothing is created then: the
        interviewer's page says which number candidates text)."""
        numbers = await twilio.list_numbers()
        found = next((n for n in numbers if same_number(n.phone_number, plan.number)), None)
        if found is None:
            log.info("a keyword number is not in the connected Twilio account; no router")
            return None
        name = friendly_name(plan.number)
        flow = None
        if plan.flow_sid:
            try:
                flow = await twilio.update_flow(plan.flow_sid, plan.definition)
            except NotFoundAtProvider:
                flow = None
        if flow is None:
            flow = await twilio.create_flow(name, plan.definition)
        if found.sms_url != flow.webhook_url:
            await twilio.point_number(found.sid, found.voice_url, flow.webhook_url)
        await self.db.write(lambda s: _store_router(s, plan.number, flow.sid, flow.webhook_url,
                                                    plan.digest))
        return flow.sid


def _router_flows(s: Session) -> list[str]:
    return [r.flow_sid for r in s.scalars(select(EntryRouter).order_by(EntryRouter.id))
            if r.flow_sid]


def _forget(s: Session, flow_sid: str) -> None:
    for router in s.scalars(select(EntryRouter).where(EntryRouter.flow_sid == flow_sid)):
        router.flow_sid, router.definition_hash = None, None
