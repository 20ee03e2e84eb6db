"""OutreachService (``workspace.outreach``): invitations, nudges and blasts through the outbox,
the communication policy and the message templates.

Every send writes its Message rows (contact history, queued) and outbox rows in the same
transaction as the application it belongs to; the outbox worker sends them. Big selections are
written in chunks of ``CHUNK`` ids, one transaction each, so a 10,000-candidate invite never
holds the single writer for long; each candidate's application + messages + outbox rows are
always in one chunk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.enums import CandidateSource, Channel
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import Application, Candidate, Interviewer
from milo_desktop.models.messaging import MessageTemplate
from milo_desktop.models.system import WorkspaceSetting
from milo_desktop.services.accepting import accepting_clause
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import (
    ApplicationsChanged,
    CandidatesChanged,
    EventBus,
    InterviewersChanged,
    MessagesChanged,
)
from milo_desktop.services.links import link_for
from milo_desktop.services.outreach.batches import (
    BlastText,
    Touched,
    blast_batch,
    invite_batch,
    load_policy,
    nudge_batch,
)
from milo_desktop.services.outreach.invitations import message_values
from milo_desktop.services.outreach.policy import (
    SETTING_KEY,
    CommunicationPolicy,
    check_policy,
)
from milo_desktop.services.outreach.report import OutreachReport, ReportBuilder
from milo_desktop.services.outreach.templates import (
    DEFAULTS,
    SMS_BODY_MAX,
    TemplateKind,
    TemplateRow,
    TemplateText,
    check_text,
    ensure_defaults,
    load_template,
    placeholder_values,
    render,
    template_rows,
)
from milo_desktop.services.readiness import Readiness, interviewer_readiness
from milo_desktop.services.sync.outbox import EMAIL, INVITATION, SMS

CHUNK = 500
BLAST_EMAIL_BODY_MAX = 2000
GATED_KINDS = (EMAIL, SMS, INVITATION, "flow_execution")  # what the policy holds back
MASTER_OFF_RECHECK = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class InterviewerChoice:
    """An interviewer offered in the Invite dialog."""

    id: int
    name: str
    position_title: str
    slug: str


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class OutreachService:
    def __init__(self, db: Database, bus: EventBus,
                 clock: Callable[[], dt.datetime] = _utcnow) -> None:
        self.db = db
        self.bus = bus
        self.clock = clock

    # ----- policy -------------------------------------------------------------------------
    async def policy(self) -> CommunicationPolicy:
        return await self.db.read(load_policy)

    async def save_policy(self, policy: CommunicationPolicy) -> CommunicationPolicy:
        checked = check_policy(policy)
        checked.next_open(self.clock())  # refuses a policy that leaves no time to send

        def w(s: Session) -> None:
            row = s.get(WorkspaceSetting, SETTING_KEY)
            if row is None:
                s.add(WorkspaceSetting(key=SETTING_KEY, value=checked.to_json()))
            else:
                row.value = checked.to_json()

        await self.db.write(w)
        return checked

    async def gate(self, kind: str, now: dt.datetime) -> dt.datetime | None:
        """For the outbox worker: when rows of ``kind`` may go (None: now)."""
        if kind not in GATED_KINDS:
            return None
        policy = await self.policy()
        if not policy.enabled:
            return now + MASTER_OFF_RECHECK
        when = policy.next_open(now)
        return when if when > now else None

    # ----- templates ----------------------------------------------------------------------
    async def templates(self) -> list[TemplateRow]:
        """Every template, the defaults added first where missing."""
        def w(s: Session) -> list[TemplateRow]:
            ensure_defaults(s)
            return template_rows(s)
        return await self.db.write(w)

    async def save_template(self, template_id: int, subject: str, body: str) -> TemplateRow:
        def w(s: Session) -> TemplateRow:
            t = s.get(MessageTemplate, template_id)
            if t is None:
                raise ValidationProblem("This template no longer exists.")
            check_text(subject, body, t.channel)
            t.subject = " ".join(subject.split()) if t.channel == Channel.EMAIL else ""
            t.body = body
            s.flush()
            return next(r for r in template_rows(s) if r.id == template_id)
        return await self.db.write(w)

    async def reset_template(self, template_id: int) -> TemplateRow:
        """Back to the built-in text of the template's kind and channel."""
        def read(s: Session) -> tuple[str, Channel] | None:
            t = s.get(MessageTemplate, template_id)
            return (t.kind, t.channel) if t is not None else None
        found = await self.db.read(read)
        if found is None:
            raise ValidationProblem("This template no longer exists.")
        default = DEFAULTS[(TemplateKind(found[0]), found[1])]
        return await self.save_template(template_id, default.subject, default.body)

    async def preview(self, kind: TemplateKind, interviewer_id: int,
                      candidate_id: int | None = None) -> dict[Channel, TemplateText]:
        """The rendered email and SMS of ``kind`` for a candidate (an example name when none)."""
        def q(s: Session) -> dict[Channel, TemplateText]:
            iv = s.get(Interviewer, interviewer_id)
            if iv is None:
                raise ValidationProblem("This interviewer no longer exists.")
            c = s.get(Candidate, candidate_id) if candidate_id is not None else None
            out = {}
            for channel in (Channel.EMAIL, Channel.SMS):
                values = message_values(s, iv, c.full_name if c else "Alex Example",
                                        c.phone_e164 if c else None, channel, self.clock())
                preferred = iv.email_template if channel == Channel.EMAIL else None
                t = load_template(s, kind, channel, preferred)
                out[channel] = TemplateText(render(t.subject, values), render(t.body, values))
            return out
        return await self.db.read(q)

    async def placeholders_for(self, application_id: int | None) -> dict[str, str]:
        """The placeholder values of one application's candidate (an example when None), for
        previews rendered as the recipient will read them."""
        def q(s: Session) -> dict[str, str]:
            app = s.get(Application, application_id) if application_id is not None else None
            iv = s.get(Interviewer, app.interviewer_id) if app is not None else None
            if app is None or iv is None:
                return placeholder_values("Alex Example", "Warehouse Associate",
                                          link_for(s, "warehouse-associate"))
            return message_values(s, iv, app.candidate.full_name, app.candidate.phone_e164,
                                  Channel.EMAIL, self.clock(), application_id=app.id)
        return await self.db.read(q)

    # ----- whom to invite where -----------------------------------------------------------
    async def invitable_interviewers(self) -> list[InterviewerChoice]:
        """Active interviewers whose deadline has not passed, by name."""
        now = self.clock()

        def q(s: Session) -> list[InterviewerChoice]:
            rows = s.scalars(select(Interviewer).where(accepting_clause(now))
                             .order_by(Interviewer.name))
            return [InterviewerChoice(i.id, i.name, i.position_title, i.slug) for i in rows]
        return await self.db.read(q)

    async def readiness(self, interviewer_id: int) -> Readiness:
        """What stops the interviewer's screening from progressing (services/readiness.py):
        the Invite dialog and the interviewer's page show it; ``invite`` refuses on it."""
        return await self.db.read(lambda s: interviewer_readiness(s, interviewer_id))

    # ----- sending ------------------------------------------------------------------------
    async def _refuse_when_off(self) -> None:
        if not (await self.policy()).enabled:
            raise ValidationProblem("Outreach is switched off in the communication policy "
                                    "(Outreach → Communication policy). Switch it on to send.")

    async def invite(self, candidate_ids: Sequence[int], interviewer_id: int, *,
                     source: CandidateSource = CandidateSource.DIRECTORY) -> OutreachReport:
        """Invite candidates to an interviewer (see module doc). Raises ValidationProblem when
        the interviewer takes no one new or outreach is switched off."""
        await self._refuse_when_off()
        out = ReportBuilder()
        touched: list[Touched] = []
        ids = list(dict.fromkeys(candidate_ids))
        for start in range(0, max(len(ids), 1), CHUNK):
            chunk = ids[start:start + CHUNK]
            now = self.clock()
            touched.append(await self.db.write(partial(
                invite_batch, candidate_ids=chunk, interviewer_id=interviewer_id, source=source,
                now=now, out=out)))
        self._publish(touched, interviewer_id)
        return out.build()

    async def nudge(self, application_ids: Sequence[int]) -> OutreachReport:
        """Remind candidates who have not finished; honours the cooldown and the maximum, and
        uses the final-nudge template for the last one."""
        await self._refuse_when_off()
        out = ReportBuilder()
        touched: list[Touched] = []
        ids = list(dict.fromkeys(application_ids))
        for start in range(0, len(ids), CHUNK):
            chunk, now = ids[start:start + CHUNK], self.clock()
            touched.append(await self.db.write(partial(
                nudge_batch, application_ids=chunk, now=now, out=out)))
        self._publish(touched)
        return out.build()

    async def blast(self, application_ids: Sequence[int], *, email_subject: str | None,
                    email_body: str | None, sms_body: str | None) -> OutreachReport:
        """One message to many (email subject ≤ 200, body ≤ 2,000; SMS ≤ 2,000), at most one
        per candidate per hour: the others are reported as rate-limited."""
        text = check_blast(email_subject, email_body, sms_body)
        await self._refuse_when_off()
        out = ReportBuilder()
        touched: list[Touched] = []
        ids = list(dict.fromkeys(application_ids))
        for start in range(0, len(ids), CHUNK):
            chunk, now = ids[start:start + CHUNK], self.clock()
            touched.append(await self.db.write(partial(
                blast_batch, application_ids=chunk, text=text, now=now, out=out)))
        self._publish(touched)
        return out.build()

    def _publish(self, touched: list[Touched], interviewer_id: int | None = None) -> None:
        candidates = tuple(dict.fromkeys(c for t in touched for c in t.candidate_ids))
        applications = tuple(a for t in touched for a in t.application_ids)
        if not candidates:
            return
        self.bus.publish(MessagesChanged(candidates))
        self.bus.publish(ApplicationsChanged(applications))
        if interviewer_id is not None:  # new applications: directory and figures change
            self.bus.publish(CandidatesChanged(candidates))
            self.bus.publish(InterviewersChanged((interviewer_id,)))


def check_blast(email_subject: str | None, email_body: str | None,
                sms_body: str | None) -> BlastText:
    """The blast's text, or ValidationProblem naming every problem."""
    subject = (email_subject or "").strip()
    body = (email_body or "").strip()
    sms = (sms_body or "").strip()
    if not (subject or body or sms):
        raise ValidationProblem("Write an email (subject and message) or an SMS to send.")
    problems = []
    if subject or body:
        try:
            check_text(subject, body, Channel.EMAIL, body_max=BLAST_EMAIL_BODY_MAX)
        except ValidationProblem as exc:
            problems.append(f"Email: {exc.message}")
    if sms:
        try:
            check_text("", sms, Channel.SMS, body_max=SMS_BODY_MAX)
        except ValidationProblem as exc:
            problems.append(f"SMS: {exc.message}")
    if problems:
        raise ValidationProblem(" ".join(problems))
    return BlastText(subject or None, body or None, sms or None)
