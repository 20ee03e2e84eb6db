"""``ReceptionistService``: list, create, edit, publish, pause and resume AI receptionists.

Create checks everything it can before writing (the draft, the number's owner in the
workspace, and that the number is one of the connected Twilio account's), then saves and
publishes; when publishing fails the new receptionist is removed again (``NotCreated``), so a
failed Create leaves nothing half-made behind and the wizard keeps what the recruiter wrote.
An edit is saved first and published second (``PublishProblem``: saved, left inactive).
Without a publisher (Twilio not connected) a receptionist is saved Inactive with a note saying
so — never silently pretending to be live.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from milo_desktop.enums import ReceptionistStatus
from milo_desktop.errors import EnvironmentProblem, ValidationProblem
from milo_desktop.models import (
    AuditEntry,
    InboundCall,
    Interviewer,
    Question,
    Receptionist,
    ReceptionistInterviewer,
)
from milo_desktop.services.accepting import accepting_clause, closed_word
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import EventBus
from milo_desktop.services.figures import spend_by_receptionist
from milo_desktop.services.flows import check_definition, compile_receptionist
from milo_desktop.services.receptionists import convert, rules
from milo_desktop.services.receptionists.types import (
    AccountNumbers,
    DraftProblems,
    FlowPublisher,
    InterviewerChoice,
    NotCreated,
    NumberChoice,
    NumberSource,
    NumbersState,
    PublishProblem,
    ReceptionistDetail,
    ReceptionistDraft,
    ReceptionistList,
    ReceptionistRow,
    ReceptionistsChanged,
)

log = logging.getLogger(__name__)


class ReceptionistGone(ValidationProblem):
    def __init__(self, receptionist_id: int) -> None:
        super().__init__("This receptionist no longer exists.")
        self.receptionist_id = receptionist_id


def _row(s: Session, rid: int) -> Receptionist:
    r = s.get(Receptionist, rid)
    if r is None:
        raise ReceptionistGone(rid)
    return r


def _audit(s: Session, action: str, rid: int, **detail: Any) -> None:
    s.add(AuditEntry(action=action, entity="receptionist", entity_id=rid, detail=detail))


class ReceptionistService:
    """Receptionists over one database and bus; ``publisher`` talks to Twilio (or None)."""

    def __init__(self, db: Database, bus: EventBus, publisher: FlowPublisher | None = None,
                 clock: Callable[[], dt.datetime] | None = None) -> None:
        self.db = db
        self.bus = bus
        self.publisher = publisher
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))

    def set_publisher(self, publisher: FlowPublisher | None) -> None:
        """Twilio was connected (or disconnected) after the service was built."""
        self.publisher = publisher

    # ----- reading ------------------------------------------------------------------------
    async def overview(self, tab: str = "all") -> ReceptionistList:
        """The rows of ``tab`` ("all", "live", "inactive"), newest first, and every tab's
        count. Receptionists are few (one per phone number), so no paging."""

        def read(s: Session) -> ReceptionistList:
            questions = dict(s.execute(
                select(Question.receptionist_id, func.count())
                .where(Question.receptionist_id.is_not(None))
                .group_by(Question.receptionist_id)).tuples().all())
            calls = dict(s.execute(
                select(InboundCall.receptionist_id, func.count())
                .group_by(InboundCall.receptionist_id)).tuples().all())
            # What the provider charged for this line's calls and texts (micro-units).
            spend = spend_by_receptionist(s)
            rows = [
                ReceptionistRow(
                    id=r.id, name=r.name, agent_name=r.agent_name, phone_number=r.phone_number,
                    status=r.status, language_mode=r.language_mode,
                    questions=questions.get(r.id, 0), calls=calls.get(r.id, 0),
                    spend_micros=int(spend.get(r.id) or 0),
                    published=r.flow_sid is not None, created_at=r.created_at,
                )
                for r in s.scalars(select(Receptionist)
                                   .order_by(Receptionist.created_at.desc(),
                                             Receptionist.id.desc()))
            ]
            counts = {"all": len(rows),
                      "live": sum(r.status == ReceptionistStatus.LIVE for r in rows)}
            counts["inactive"] = counts["all"] - counts["live"]
            shown = tuple(r for r in rows if tab == "all" or r.status == tab)
            return ReceptionistList(shown, counts)

        return await self.db.read(read)

    async def get(self, receptionist_id: int) -> ReceptionistDetail:
        """One receptionist with its config; ``ReceptionistGone`` when it was deleted."""
        return await self.db.read(lambda s: convert.detail_of(s, _row(s, receptionist_id)))

    async def interviewer_choices(self, keep: Iterable[int] = ()) -> list[InterviewerChoice]:
        """Interviewers callers may be routed to — those that accept candidates
        (``services/accepting.py``) — by name; plus the ``keep`` ids (an edited receptionist's
        current routes) even when they no longer accept, marked ``closed``."""
        now, kept = self.clock(), tuple(keep)

        def read(s: Session) -> list[InterviewerChoice]:
            wanted = accepting_clause(now)
            if kept:
                wanted = or_(wanted, Interviewer.id.in_(kept))
            rows = s.execute(select(Interviewer.id, Interviewer.name, Interviewer.status,
                                    Interviewer.deadline)
                             .where(wanted).order_by(Interviewer.name, Interviewer.id)).all()
            return [InterviewerChoice(i, n, closed_word(st, dl, now)) for i, n, st, dl in rows]

        return await self.db.read(read)

    async def account_numbers(self, exclude_id: int | None = None) -> list[NumberChoice]:
        """The connected account's numbers, each with what already uses it; empty when they
        cannot be listed (no Twilio, offline: the wizard then lets the user type one)."""
        return list((await self.number_options(exclude_id)).numbers)

    async def number_options(self, exclude_id: int | None = None) -> AccountNumbers:
        """The wizard's number picker: the connected account's numbers, each with what already
        uses it in this workspace; or NOT_CONNECTED / UNAVAILABLE with what to do."""
        if not isinstance(self.publisher, NumberSource):
            return AccountNumbers(NumbersState.NOT_CONNECTED, message=NO_TWILIO)
        try:
            numbers = await self.publisher.list_numbers()
        except EnvironmentProblem as exc:  # offline, refused credentials, disconnected
            log.info("the account's numbers are not available: %s", exc.title)
            return AccountNumbers(NumbersState.UNAVAILABLE, message=exc.message)

        def read(s: Session) -> AccountNumbers:
            return AccountNumbers(NumbersState.READY, tuple(
                NumberChoice(n, rules.number_conflict(s, n, exclude_id)) for n in numbers))

        return await self.db.read(read)

    async def _check_in_account(self, e164: str) -> None:
        """DraftProblems unless ``e164`` is one of the connected account's numbers (checked
        before anything is saved); NotCreated when the account cannot be asked. Nothing to
        check without a publisher that lists numbers."""
        if not isinstance(self.publisher, NumberSource):
            return
        try:
            numbers = await self.publisher.list_numbers()
        except EnvironmentProblem as exc:
            raise NotCreated(f"Nothing was saved: the Twilio account's numbers could not be "
                             f"checked. {exc.message}") from exc
        if not any(rules.normalise_number(n) == e164 for n in numbers):
            raise DraftProblems([
                f"{e164} is not a phone number of the connected Twilio account. Choose one of "
                "its numbers, or buy or port this one in the Twilio console first."])

    async def number_problem(self, raw: str, exclude_id: int | None = None) -> str | None:
        """Why ``raw`` cannot be this receptionist's number (format or conflict), or None."""
        e164 = rules.normalise_number(raw)
        if e164 is None:
            return (f"“{raw.strip()}” is not a valid phone number. Write it in international "
                    "format, e.g. +12145550197.") if raw.strip() else \
                "Choose the phone number callers will dial."
        return await self.db.read(lambda s: rules.number_conflict(s, e164, exclude_id))

    # ----- writing ------------------------------------------------------------------------
    def _checked(self, s: Session, draft: ReceptionistDraft, exclude_id: int | None) -> str:
        problems = rules.static_problems(draft)
        e164 = rules.normalise_number(draft.phone_number)
        if e164 is not None:
            conflict = rules.number_conflict(s, e164, exclude_id)
            if conflict:
                problems.append(conflict)
        problems += rules.routing_problems(s, draft, exclude_id, self.clock())
        if problems:
            raise DraftProblems(problems)
        assert e164 is not None
        return e164

    def _store(self, s: Session, r: Receptionist, draft: ReceptionistDraft, e164: str) -> None:
        r.name = draft.name.strip()
        r.phone_number = e164
        r.default_interviewer_id = draft.default_interviewer_id
        convert.apply_config(r, draft.config)
        s.flush()
        convert.sync_questions(s, r.id, draft.config.questions)
        links = set(draft.interviewer_ids)
        if draft.default_interviewer_id is not None:
            links.add(draft.default_interviewer_id)
        convert.sync_links(s, r.id, sorted(links))

    async def create(self, draft: ReceptionistDraft) -> ReceptionistDetail:
        """Validate, save and publish ``draft``; returns it as stored (Live, or Inactive with
        its note when Twilio is not connected).

        Nothing is left behind by a failure: ``DraftProblems`` lists every problem found before
        saving (a number that is not the connected account's among them); ``NotCreated`` says
        why Twilio failed after saving — the new receptionist was removed again, and the same
        draft can be created once the problem is fixed.
        """
        e164 = await self.db.read(lambda s: self._checked(s, draft, None))
        await self._check_in_account(e164)

        def write(s: Session) -> int:
            checked = self._checked(s, draft, None)  # again: another desktop may have raced
            r = Receptionist(status=ReceptionistStatus.INACTIVE)
            s.add(r)
            self._store(s, r, draft, checked)
            _audit(s, "receptionist.create", r.id, phone_number=checked)
            return r.id

        rid = await self.db.write(write)
        try:
            detail = await self._publish(rid)
        except (PublishProblem, ValidationProblem) as exc:
            await self._discard(rid)
            raise NotCreated(
                f"“{draft.name.strip()}” was not created: {_cause(exc)} Nothing was saved; "
                "fix the problem and create it again.") from exc
        self.bus.publish(ReceptionistsChanged((rid,)))
        return detail

    async def _discard(self, rid: int) -> None:
        """Undo a create whose publishing failed: the row, its questions and its routes."""

        def write(s: Session) -> None:
            s.execute(delete(ReceptionistInterviewer)
                      .where(ReceptionistInterviewer.receptionist_id == rid))
            s.execute(delete(Question).where(Question.receptionist_id == rid))
            s.execute(delete(Receptionist).where(Receptionist.id == rid))
            _audit(s, "receptionist.create_undone", rid)

        await self.db.write(write)

    async def update(self, receptionist_id: int, draft: ReceptionistDraft) -> ReceptionistDetail:
        """Save an edit; a live receptionist's flow is republished and its number re-pointed
        (the old number unpointed when it changed). An inactive one is published on resume."""

        before = await self.get(receptionist_id)
        if before.status == ReceptionistStatus.LIVE:
            # Refuse before saving: a live flow must never silently differ from what is stored.
            self._require_publisher("republish the changes")
        e164 = await self.db.read(lambda s: self._checked(s, draft, receptionist_id))
        if e164 != before.phone_number:
            await self._check_in_account(e164)

        def write(s: Session) -> tuple[str | None, str, ReceptionistStatus]:
            r = _row(s, receptionist_id)
            e164 = self._checked(s, draft, receptionist_id)
            old = r.phone_number
            self._store(s, r, draft, e164)
            _audit(s, "receptionist.update", r.id, phone_number=e164)
            return old, e164, r.status

        old, new, status = await self.db.write(write)
        self.bus.publish(ReceptionistsChanged((receptionist_id,)))
        if status != ReceptionistStatus.LIVE:
            return await self.get(receptionist_id)
        publisher = self._require_publisher("republish the changes")
        if old and old != new:
            await self._unpoint(publisher, receptionist_id, old)
        return await self._publish(receptionist_id)

    async def pause(self, receptionist_id: int) -> ReceptionistDetail:
        """Stop answering: the number is unpointed (no VoiceUrl / SmsUrl), status Inactive."""
        detail = await self.get(receptionist_id)
        if detail.flow_sid is not None and detail.phone_number:
            publisher = self._require_publisher("stop the number from answering")
            await self._unpoint(publisher, receptionist_id, detail.phone_number)
        return await self._set_status(receptionist_id, ReceptionistStatus.INACTIVE, None)

    async def resume(self, receptionist_id: int) -> ReceptionistDetail:
        """Publish the current configuration again and point the number at it: Live."""
        self._require_publisher("publish it")
        return await self._publish(receptionist_id)

    # ----- publishing ---------------------------------------------------------------------
    def _require_publisher(self, to_do: str) -> FlowPublisher:
        if self.publisher is None:
            raise ValidationProblem(f"Connect Twilio (Integrations → Twilio) to {to_do}.")
        return self.publisher

    async def _unpoint(self, publisher: FlowPublisher, rid: int, e164: str) -> None:
        try:
            await publisher.point_number(e164, None)
        except EnvironmentProblem as exc:
            raise PublishProblem(
                f"Could not stop {e164} from answering: {exc.message}", rid) from exc

    async def _publish(self, rid: int) -> ReceptionistDetail:
        detail = await self.get(rid)
        if self.publisher is None:
            return detail  # saved Inactive; its note says "not published: connect Twilio"
        definition = compile_receptionist(dataclasses.replace(detail.config(), from_number=None))
        problems = check_definition(definition)
        if problems:
            raise ValidationProblem("The compiled flow is not valid: " + "; ".join(problems))
        assert detail.phone_number is not None
        try:
            kwargs = {"flow_sid": detail.flow_sid} if detail.flow_sid else {}
            flow_sid, webhook_url = await self.publisher.publish_flow(
                f"Milo receptionist: {detail.name}", definition, **kwargs)
        except EnvironmentProblem as exc:
            raise PublishProblem(
                f"“{detail.name}” is saved but could not be published: {exc.message} "
                "It stays inactive; resume it to try again.", rid) from exc
        # Keep the flow before pointing: a retry then updates it instead of making another.
        await self._set_status(rid, ReceptionistStatus.INACTIVE, flow_sid, notify=False)
        try:
            await self.publisher.point_number(detail.phone_number, webhook_url)
        except EnvironmentProblem as exc:
            raise PublishProblem(
                f"“{detail.name}” is published but {detail.phone_number} could not be pointed "
                f"at it: {exc.message} It stays inactive; resume it to try again.", rid
            ) from exc
        return await self._set_status(rid, ReceptionistStatus.LIVE, flow_sid)

    async def _set_status(self, rid: int, status: ReceptionistStatus, flow_sid: str | None,
                          *, notify: bool = True) -> ReceptionistDetail:
        def write(s: Session) -> ReceptionistDetail:
            r = _row(s, rid)
            r.status = status
            if flow_sid is not None:
                r.flow_sid = flow_sid
            _audit(s, f"receptionist.{status.value}", rid, flow_sid=r.flow_sid)
            s.flush()
            return convert.detail_of(s, r)

        detail = await self.db.write(write)
        if notify:
            self.bus.publish(ReceptionistsChanged((rid,)))
        return detail


NO_TWILIO = ("Twilio is not connected. Connect it in Settings → Integrations → Twilio; the "
             "receptionist answers on one of its phone numbers.")


def _cause(exc: EnvironmentProblem) -> str:
    """What Twilio said (a PublishProblem's cause), without the "saved… stays inactive" an
    edit is told."""
    cause = exc.__cause__
    return cause.message if isinstance(cause, EnvironmentProblem) else exc.message
