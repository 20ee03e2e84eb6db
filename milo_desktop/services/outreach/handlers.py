"""The outbox handlers for outreach: "sms" (Twilio), "email" (SMTP) and "invitation".

- SMS: reconciled after a crash by listing the Messages to the number since the row was
  created and matching body + sender (Twilio keeps every message). Once a minute the handler
  also refreshes the delivery status of recently sent SMS from the same list (delivered /
  undelivered / failed), so the contact history shows what the carrier reported.
- Email: SMTP has no lookup, so the only thing Milo can know after a crash is whether it had
  started the DATA command. It records that (with the Message-ID) on the outbox row just
  before DATA. A row left in ``sending`` without that mark was never handed over and is sent
  again; one with the mark may or may not have been accepted, so it is NOT resent (no
  duplicate in the candidate's inbox): it fails as "delivery uncertain" and says so.
- Invitation: rows written by the receptionist pipeline become the invitation's messages (see
  invitations.py) in one transaction; the rows it writes are its proof for reconciliation.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from twilio.base.exceptions import TwilioRestException

from milo_desktop.enums import Channel, Direction, MessageStatus
from milo_desktop.models import Application, Candidate, Interviewer
from milo_desktop.models.base import utcnow
from milo_desktop.models.messaging import Message, OutboxItem
from milo_desktop.services.connectors import AuthFailed, ConnectorProblem, Offline, ProviderError
from milo_desktop.services.connectors.email.smtp import (
    DeliveryUncertain,
    MessageDeferred,
    MessageRefused,
    OutgoingEmail,
    SmtpConnector,
    new_message_id,
)
from milo_desktop.services.connectors.twilio.connector import TwilioConnector
from milo_desktop.services.connectors.twilio.records import parse_time
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import ApplicationsChanged, EventBus, MessagesChanged
from milo_desktop.services.outreach.batches import load_policy
from milo_desktop.services.outreach.invitations import (
    FLOW_EXECUTION,
    invitation_key,
    queue_invitation,
)
from milo_desktop.services.sync.outbox import (
    EMAIL,
    INVITATION,
    SMS,
    MaybeSent,
    NotSent,
    OutboxHandler,
    OutboxRow,
    Refused,
    Unresolvable,
)
from milo_desktop.services.workspace_settings.branding import branded_email, read_branding

log = logging.getLogger(__name__)
RECONCILE_SKEW = dt.timedelta(minutes=10)  # clock difference tolerated between us and Twilio
REFRESH_SECONDS = 60.0
REFRESH_WINDOW = dt.timedelta(days=3)
REFRESH_RECIPIENTS = 20  # numbers looked up per refresh (the oldest unsettled first)
DELIVERY = {"delivered": MessageStatus.DELIVERED, "read": MessageStatus.DELIVERED,
            "undelivered": MessageStatus.FAILED, "failed": MessageStatus.FAILED}


# Twilio's "Attempt to send to unsubscribed recipient": the number texted STOP to ours.
UNSUBSCRIBED = "21610"
OPTED_OUT = ("Not sent: the candidate opted out of texts (replied STOP). They can text START "
             "to opt back in.")


def opted_out(s: Session, phone: str) -> bool:
    """Whether a candidate with this phone opted out of texts."""
    return s.scalar(select(Candidate.id).where(
        Candidate.phone_e164 == phone, Candidate.sms_opted_out_at.is_not(None)).limit(1)) is not None


def mark_opted_out(s: Session, phone: str) -> None:
    for c in s.scalars(select(Candidate).where(Candidate.phone_e164 == phone,
                                               Candidate.sms_opted_out_at.is_(None))):
        c.sms_opted_out_at = utcnow()


class SmsHandler:
    """Twilio SMS (``kind == "sms"``), one connector per round."""

    def __init__(self, db: Database, factory: Callable[[], Awaitable[TwilioConnector | None]],
                 *, bus: EventBus | None = None) -> None:
        self.db = db
        self.factory = factory
        self.bus = bus
        self.twilio: TwilioConnector | None = None
        self._refreshed = 0.0

    async def start_round(self) -> bool:
        self.twilio = await self.factory()
        return self.twilio is not None

    async def end_round(self) -> None:
        if self.twilio is None:
            return
        try:
            if time.monotonic() - self._refreshed >= REFRESH_SECONDS:
                self._refreshed = time.monotonic()
                await self.refresh_statuses()
        except ConnectorProblem as exc:  # offline, refused, a 429 storm, a provider error…
            # Statuses are refreshed again next minute; the sync engine reports the
            # connection's state. Never let this stop the outbox.
            log.info("sms delivery statuses not refreshed: %s", exc.message)
        finally:
            await self.twilio.aclose()
            self.twilio = None

    def _connector(self) -> TwilioConnector:
        assert self.twilio is not None, "send outside a round"
        return self.twilio

    async def send(self, row: OutboxRow) -> str:
        p = row.payload
        to = str(p["to"])
        if await self.db.read(lambda s: opted_out(s, to)):
            raise Refused(OPTED_OUT)
        try:
            msg = await self._connector().send_sms(to, p["from"], p["body"])
        except TwilioRestException as exc:  # a 5xx: sends are not retried (it may have left)
            raise MaybeSent(str(exc.msg)) from exc
        except ProviderError as exc:
            if exc.server_side:
                raise MaybeSent(exc.message) from exc
            if str(exc.code) == UNSUBSCRIBED:  # they texted STOP where we did not see it
                await self.db.write(lambda s: mark_opted_out(s, to))
                raise Refused(OPTED_OUT) from exc
            raise Refused(f"Twilio refused the message ({exc.code or exc.status}): "
                          f"{_twilio_message(exc)}") from exc
        return msg.sid

    async def find_sent(self, row: OutboxRow) -> str | None:
        p = row.payload
        twilio = self._connector()
        used = await self.db.read(lambda s: set(s.scalars(
            select(OutboxItem.provider_ref).where(OutboxItem.provider_ref.is_not(None),
                                                  OutboxItem.id != row.id))))
        floor = row.created_at - RECONCILE_SKEW
        url: str | None = None
        while True:
            page = await twilio.messages_page(None, url, to=p["to"])
            for m in page.records:  # newest first
                created = parse_time(m.get("date_created"))
                if created is not None and created < floor:
                    return None
                if (m.get("body") == p["body"] and m.get("to") == p["to"]
                        and m.get("from") in (p.get("from"), None) and m["sid"] not in used):
                    return str(m["sid"])
            url = page.next_url
            if not url:
                return None

    async def refresh_statuses(self) -> int:
        """Delivery statuses of SMS sent in the last days, from Twilio's Messages list."""
        twilio = self._connector()
        since = utcnow() - REFRESH_WINDOW

        def pending(s: Session) -> dict[str, dict[str, int]]:
            rows = s.execute(select(Message.id, Message.provider_sid, Message.to_addr).where(
                Message.channel == Channel.SMS, Message.direction == Direction.OUTBOUND,
                Message.status == MessageStatus.SENT, Message.provider_sid.is_not(None),
                Message.sent_at >= since).order_by(Message.sent_at).limit(500))
            out: dict[str, dict[str, int]] = {}
            for mid, sid, to in rows:
                if to in out or len(out) < REFRESH_RECIPIENTS:
                    out.setdefault(to, {})[sid] = mid
            return out

        wanted = await self.db.read(pending)
        found: dict[int, dict[str, Any]] = {}
        for to, sids in wanted.items():
            page = await twilio.messages_page(None, to=to)
            found.update({sids[m["sid"]]: m for m in page.records if m.get("sid") in sids})
        if not found:
            return 0

        def apply(s: Session) -> list[int]:
            changed = []
            for mid, record in found.items():
                status = DELIVERY.get(str(record.get("status")))
                msg = s.get(Message, mid)
                if status is None or msg is None or msg.status != MessageStatus.SENT:
                    continue
                msg.status = status
                if status == MessageStatus.FAILED:
                    msg.error = (f"Not delivered ({record.get('error_code') or 'no code'}): "
                                 f"{record.get('error_message') or record.get('status')}")
                if msg.candidate_id is not None:
                    changed.append(msg.candidate_id)
            return changed

        changed = await self.db.write(apply)
        if changed and self.bus is not None:
            self.bus.publish(MessagesChanged(tuple(dict.fromkeys(changed))))
        return len(changed)


class EmailHandler:
    """SMTP email (``kind == "email"``); see the module doc for reconciliation."""

    def __init__(self, db: Database, factory: Callable[[], Awaitable[SmtpConnector | None]]
                 ) -> None:
        self.db = db
        self.factory = factory
        self.smtp: SmtpConnector | None = None

    async def start_round(self) -> bool:
        self.smtp = await self.factory()
        return self.smtp is not None

    async def end_round(self) -> None:
        self.smtp = None

    async def _mark(self, row: OutboxRow, **values: Any) -> None:
        """Merge ``values`` into the row's payload (None removes a key) and note the sender
        on its message."""
        def w(s: Session) -> None:
            item = s.get(OutboxItem, row.id)
            assert item is not None
            payload = {**item.payload, **values}
            item.payload = {k: v for k, v in payload.items() if v is not None}
            msg = s.get(Message, item.message_id) if item.message_id is not None else None
            if msg is not None and self.smtp is not None:
                msg.from_addr = self.smtp.settings.from_address
        await self.db.write(w)

    async def send(self, row: OutboxRow) -> str:
        assert self.smtp is not None, "send outside a round"
        smtp = self.smtp
        p = row.payload
        message_id = p.get("message_id") or new_message_id(smtp.settings.from_address)
        # Settings → Account's company name and colour: the email's header and footer.
        text, page = branded_email(await self.db.read(read_branding), p.get("body", ""))
        mail = OutgoingEmail(p["to"], p.get("subject", ""), text, message_id, page)

        async def before_data() -> None:
            await self._mark(row, message_id=message_id, data_started_at=utcnow().isoformat())

        try:
            await smtp.send(mail, before_data=before_data)
        except MessageDeferred as exc:
            await self._mark(row, data_started_at=None)  # the server said no: not taken
            raise NotSent(exc.message) from exc
        except MessageRefused as exc:
            raise Refused(exc.message, bounced=exc.bounced) from exc
        except DeliveryUncertain as exc:
            raise MaybeSent(exc.message) from exc
        except (Offline, AuthFailed) as exc:  # before DATA: nothing was handed over
            raise NotSent(exc.message, problem=exc) from exc
        return message_id

    async def find_sent(self, row: OutboxRow) -> str | None:
        started = row.payload.get("data_started_at")
        if not started:
            return None  # never reached DATA: safe to send
        raise Unresolvable(
            "Delivery uncertain: Milo stopped while the mail server was taking this email "
            f"(Message-ID {row.payload.get('message_id', '?')}). It was not sent again so the "
            "candidate gets no duplicate; check the mail server's sent log and resend if needed.")


class InvitationHandler:
    """Receptionist-pipeline invitations (``kind == "invitation"``)."""

    def __init__(self, db: Database, *, bus: EventBus | None = None) -> None:
        self.db = db
        self.bus = bus

    @staticmethod
    def _written(s: Session, row: OutboxRow) -> bool:
        app_id = int(row.payload["application_id"])  # always written (pipeline/actions.py)
        prefixes = [f"{invitation_key(app_id)}:", f"{FLOW_EXECUTION}:{app_id}:"]
        clause = or_(*(OutboxItem.idempotency_key.startswith(p, autoescape=True)
                       for p in prefixes))
        return s.scalar(select(OutboxItem.id).where(clause).limit(1)) is not None

    async def send(self, row: OutboxRow) -> str:
        def w(s: Session) -> tuple[str, int]:
            app = s.get(Application, row.payload.get("application_id"))
            if app is None:
                raise Refused("The candidate's application was deleted before the "
                              "invitation went out.")
            if self._written(s, row):
                return "queued", app.candidate_id
            candidate = s.get(Candidate, app.candidate_id)
            iv = s.get(Interviewer, app.interviewer_id)
            assert candidate is not None and iv is not None
            channels = row.payload.get("channels") or [Channel.EMAIL.value, Channel.SMS.value]
            done = queue_invitation(s, app, candidate, iv, load_policy(s), utcnow(),
                                    channels=channels)
            if not (done.emails or done.sms or done.flow):
                raise Refused("Nothing to send: the candidate has no email address, and SMS "
                              "invitations are off or have no sender number.")
            return (f"queued: {done.emails} email, {done.sms} sms"
                    f"{', flow' if done.flow else ''}"), app.candidate_id

        ref, candidate_id = await self.db.write(w)
        if self.bus is not None:
            self.bus.publish(MessagesChanged((candidate_id,)))
            self.bus.publish(ApplicationsChanged((int(row.payload["application_id"]),)))
        return ref

    async def find_sent(self, row: OutboxRow) -> str | None:
        return "queued" if await self.db.read(lambda s: self._written(s, row)) else None


def outreach_handlers(db: Database, bus: EventBus | None, *,
                      twilio: Callable[[], Awaitable[TwilioConnector | None]],
                      smtp: Callable[[], Awaitable[SmtpConnector | None]]
                      ) -> Mapping[str, OutboxHandler]:
    """The handlers for the kinds outreach writes (the composition root adds others)."""
    return {INVITATION: InvitationHandler(db, bus=bus), EMAIL: EmailHandler(db, smtp),
            SMS: SmsHandler(db, twilio, bus=bus)}


def _twilio_message(exc: ProviderError) -> str:
    """Twilio's own words from an error answer ({"message": …}), else the status."""
    try:
        body = json.loads(exc.answer)
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return str(body["message"])
    return f"HTTP {exc.status}"
