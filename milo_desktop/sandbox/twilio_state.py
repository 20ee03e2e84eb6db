"""The sandbox's in-memory Twilio account data, shaped like the REST resources.

Records keep their API fields in `data` (2010 resources are stored exactly as they are
answered; Studio resources get their absolute `url` / `links` added when answered, from the
host the request came to). Every mutation and every request holds `state.lock`, so tests can
seed from their own thread while the server runs in another.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import count
from typing import Any

from milo_desktop.sandbox.twilio_util import (
    CALL_PRICE_PER_MINUTE,
    RECORDING_PRICE_PER_MINUTE,
    SMS_PRICE_PER_SEGMENT,
    WEBHOOK_URL,
    later,
    minutes,
    new_sid,
    price,
    rfc2822,
    sms_segments,
    utcnow,
)

API = "/2010-04-01"


@dataclass
class Rec:
    """One stored resource: its API fields plus what the sandbox needs internally."""

    sid: str
    account_sid: str
    created: datetime
    seq: int
    data: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Account:
    """A sandbox account: AccountSid + AuthToken."""

    sid: str
    auth_token: str


def _uri(account: str, collection: str, sid: str) -> str:
    return f"{API}/Accounts/{account}/{collection}/{sid}.json"


class SandboxState:
    """All accounts and their resources; see the module docstring for the locking rule."""

    def __init__(self, clock: Callable[[], datetime] = utcnow, settle_seconds: float = 0.0):
        self.lock = threading.RLock()
        self.clock = clock
        # Outbound messages and API-created calls answer "queued" with no price, and show their
        # final status and price from `settle_seconds` later on (Twilio fills prices in later).
        self.settle_seconds = settle_seconds
        self._seq = count()
        self.accounts: dict[str, Account] = {}
        self.api_keys: dict[str, tuple[str, str]] = {}  # SK -> (secret, account sid)
        self.calls: dict[str, Rec] = {}
        self.recordings: dict[str, Rec] = {}
        # call sid → its recordings' sids: listing one call's recordings must not scan every
        # recording of the account (a 10,000-call backfill asks once per call).
        self.recordings_by_call: dict[str, list[str]] = {}
        # Messages and API calls still queued (settle_at set): settling runs before every
        # request, so it must look at these only, not at every record ever made.
        self.unsettled: dict[str, Rec] = {}
        self.messages: dict[str, Rec] = {}
        self.numbers: dict[str, Rec] = {}
        self.flows: dict[str, Rec] = {}
        self.executions: dict[str, Rec] = {}
        self.steps: dict[str, list[Rec]] = {}  # execution sid -> steps, oldest first
        self.contexts: dict[str, dict[str, Any]] = {}  # execution sid -> context

    def _rec(self, prefix: str, account: str, when: datetime | None, data: dict[str, Any]) -> Rec:
        sid = data.get("sid") or new_sid(prefix)
        data["sid"] = sid
        return Rec(sid, account, when or self.clock(), next(self._seq), data)

    # -- accounts ------------------------------------------------------------------------
    def add_account(self, sid: str | None = None, auth_token: str | None = None) -> Account:
        """Create an account (random AC sid and token unless given)."""
        with self.lock:
            account = Account(sid or new_sid("AC"), auth_token or secrets.token_hex(16))
            self.accounts[account.sid] = account
            return account

    def add_api_key(self, account_sid: str) -> tuple[str, str]:
        """Create an API key for the account; returns (SK sid, secret)."""
        with self.lock:
            key, secret = new_sid("SK"), secrets.token_urlsafe(24)
            self.api_keys[key] = (secret, account_sid)
            return key, secret

    def authenticate(self, user: str, password: str) -> str | None:
        """The account sid the Basic credentials belong to, or None."""
        with self.lock:
            account = self.accounts.get(user)
            if account is not None and secrets.compare_digest(account.auth_token, password):
                return account.sid
            key = self.api_keys.get(user)
            if key is not None and secrets.compare_digest(key[0], password):
                return key[1]
            return None

    # -- 2010 resources ------------------------------------------------------------------
    def add_number(
        self,
        account_sid: str,
        phone_number: str,
        friendly_name: str | None = None,
        voice_url: str = "",
        sms_url: str = "",
    ) -> Rec:
        """Seed an IncomingPhoneNumber (voice + SMS capable)."""
        with self.lock:
            now = self.clock()
            data: dict[str, Any] = {
                "account_sid": account_sid, "address_sid": None, "address_requirements": "none",
                "api_version": "2010-04-01", "beta": False,
                "capabilities": {"voice": True, "sms": True, "mms": True, "fax": False},
                "date_created": rfc2822(now), "date_updated": rfc2822(now),
                "friendly_name": friendly_name or phone_number, "identity_sid": None,
                "phone_number": phone_number, "origin": "twilio", "sid": None,
                "sms_application_sid": None, "sms_fallback_method": "POST", "sms_fallback_url": "",
                "sms_method": "POST", "sms_url": sms_url, "status_callback": "",
                "status_callback_method": "POST", "trunk_sid": None, "uri": "",
                "voice_receive_mode": "voice", "voice_application_sid": None,
                "voice_caller_id_lookup": False, "voice_fallback_method": "POST",
                "voice_fallback_url": "", "voice_method": "POST", "voice_url": voice_url,
                "emergency_status": "Inactive", "emergency_address_sid": None,
                "emergency_address_status": "unregistered", "bundle_sid": None,
                "status": "in-use", "type": "local",
            }
            rec = self._rec("PN", account_sid, now, data)
            data["uri"] = _uri(account_sid, "IncomingPhoneNumbers", rec.sid)
            self.numbers[rec.sid] = rec
            return rec

    def number_for(self, phone_number: str) -> Rec | None:
        """The IncomingPhoneNumber with this E.164 number, in any account."""
        with self.lock:
            return next(
                (r for r in self.numbers.values() if r.data["phone_number"] == phone_number), None
            )

    def add_call(
        self,
        account_sid: str,
        *,
        to: str,
        from_: str,
        direction: str,
        start: datetime,
        duration: int | None,
        caller_name: str | None = None,
        phone_number_sid: str | None = None,
        status: str = "completed",
        sid: str | None = None,
    ) -> Rec:
        """A Call. With a duration it has ended (end_time, price); without, it is live."""
        with self.lock:
            ended = duration is not None and status == "completed"
            data: dict[str, Any] = {
                "sid": sid, "date_created": rfc2822(start), "date_updated": rfc2822(start),
                "parent_call_sid": None, "account_sid": account_sid,
                "to": to, "to_formatted": to, "from": from_, "from_formatted": from_,
                "phone_number_sid": phone_number_sid, "status": status,
                "start_time": rfc2822(start) if status != "queued" else None,
                "end_time": rfc2822(later(start, duration or 0)) if ended else None,
                "duration": str(duration) if ended else None,
                "price": price(minutes(duration or 0) * CALL_PRICE_PER_MINUTE) if ended else None,
                "price_unit": "USD", "direction": direction, "answered_by": None,
                "api_version": "2010-04-01", "forwarded_from": None, "group_sid": None,
                "caller_name": caller_name, "queue_time": "0", "trunk_sid": None, "uri": "",
            }
            rec = self._rec("CA", account_sid, start, data)
            if ended:
                data["date_updated"] = rfc2822(later(start, duration or 0))
            base = f"{API}/Accounts/{account_sid}/Calls/{rec.sid}"
            data["uri"] = base + ".json"
            data["subresource_uris"] = {
                name: f"{base}/{sub}.json"
                for name, sub in (
                    ("notifications", "Notifications"), ("recordings", "Recordings"),
                    ("payments", "Payments"), ("events", "Events"), ("siprec", "Siprec"),
                    ("streams", "Streams"), ("transcriptions", "Transcriptions"),
                    ("user_defined_message_subscriptions", "UserDefinedMessageSubscriptions"),
                    ("user_defined_messages", "UserDefinedMessages"),
                )
            }
            rec.extra["start"] = start
            self.calls[rec.sid] = rec
            return rec

    def add_recording(self, account_sid: str, call_sid: str, start: datetime, duration: int) -> Rec:
        """A completed RecordVerb recording of `duration` seconds (its media is a real WAV)."""
        with self.lock:
            done = later(start, duration)
            data: dict[str, Any] = {
                "account_sid": account_sid, "api_version": "2010-04-01", "call_sid": call_sid,
                "conference_sid": None, "date_created": rfc2822(done),
                "date_updated": rfc2822(done), "start_time": rfc2822(start),
                "duration": str(duration), "sid": None,
                "price": price(minutes(duration) * RECORDING_PRICE_PER_MINUTE),
                "price_unit": "USD", "status": "completed", "channels": 1,
                "source": "RecordVerb", "error_code": None, "uri": "",
                "encryption_details": None, "media_url": "",
            }
            rec = self._rec("RE", account_sid, done, data)
            base = f"{API}/Accounts/{account_sid}/Recordings/{rec.sid}"
            data["uri"] = base + ".json"
            data["subresource_uris"] = {
                "add_on_results": f"{base}/AddOnResults.json",
                "transcriptions": f"{base}/Transcriptions.json",
            }
            rec.extra["media_path"] = base  # answered as an absolute URL on this host
            self.recordings[rec.sid] = rec
            self.recordings_by_call.setdefault(call_sid, []).append(rec.sid)
            return rec

    def add_message(
        self,
        account_sid: str,
        *,
        to: str,
        from_: str,
        body: str,
        direction: str,
        when: datetime | None = None,
        media_urls: tuple[str, ...] = (),
        messaging_service_sid: str | None = None,
        settled: bool = True,
    ) -> Rec:
        """A Message. Inbound ones are 'received'; outbound ones 'delivered' when settled, else
        'queued' (no price) until `settle_seconds` have passed."""
        with self.lock:
            when = when or self.clock()
            segments = sms_segments(body)
            data: dict[str, Any] = {
                "body": body, "num_segments": str(segments), "direction": direction,
                "from": from_, "to": to, "date_updated": rfc2822(when), "price": None,
                "error_message": None, "uri": "", "account_sid": account_sid,
                "num_media": str(len(media_urls)), "status": "queued",
                "messaging_service_sid": messaging_service_sid, "sid": None,
                "date_sent": None, "date_created": rfc2822(when), "error_code": None,
                "price_unit": "USD", "api_version": "2010-04-01",
            }
            rec = self._rec("MM" if media_urls else "SM", account_sid, when, data)
            base = f"{API}/Accounts/{account_sid}/Messages/{rec.sid}"
            data["uri"] = base + ".json"
            data["subresource_uris"] = {"media": f"{base}/Media.json", "feedback": f"{base}/Feedback.json"}
            rec.extra.update(segments=segments, settle_at=later(when, self.settle_seconds))
            self.unsettled[rec.sid] = rec
            if direction == "inbound" or settled:
                self._settle_message(rec, when)
            self.messages[rec.sid] = rec
            return rec

    def _settle_message(self, rec: Rec, when: datetime) -> None:
        inbound = rec.data["direction"] == "inbound"
        rec.data.update(
            status="received" if inbound else "delivered",
            date_sent=rfc2822(when),
            date_updated=rfc2822(when),
            price=price(rec.extra["segments"] * SMS_PRICE_PER_SEGMENT),
        )
        rec.extra["settle_at"] = None
        rec.extra["sent"] = when

    def schedule_settle(self, rec: Rec, at: datetime) -> None:
        """``rec`` (a queued message or API call) reaches its final state at ``at``."""
        with self.lock:
            rec.extra["settle_at"] = at
            self.unsettled[rec.sid] = rec

    def settle(self) -> None:
        """Move queued outbound messages and API calls whose time has come to their final state."""
        with self.lock:
            now = self.clock()
            for sid, rec in list(self.unsettled.items()):
                due = rec.extra.get("settle_at")
                if due is None:
                    del self.unsettled[sid]
                elif due <= now:
                    del self.unsettled[sid]
                    if sid in self.messages:
                        self._settle_message(rec, due)
                        continue
                    rec.extra["settle_at"] = None
                    rec.data.update(
                        status="completed", start_time=rfc2822(due), end_time=rfc2822(due),
                        duration="0", price=price(0), date_updated=rfc2822(due),
                    )

    # -- Studio --------------------------------------------------------------------------
    def add_flow(
        self,
        account_sid: str,
        *,
        friendly_name: str,
        status: str,
        definition: dict[str, Any],
        commit_message: str | None,
        errors: list[dict[str, Any]],
    ) -> Rec:
        """A Studio Flow at revision 1 (valid when `errors` is empty)."""
        with self.lock:
            now = self.clock()
            data: dict[str, Any] = {
                "sid": None, "account_sid": account_sid, "author_sid": new_sid("US"),
                "friendly_name": friendly_name, "definition": definition, "status": status,
                "revision": 1, "commit_message": commit_message, "valid": not errors,
                "errors": errors, "warnings": [], "date_created": now, "date_updated": None,
                "webhook_url": "",
            }
            rec = self._rec("FW", account_sid, now, data)
            data["webhook_url"] = WEBHOOK_URL.format(account=account_sid, flow=rec.sid)
            rec.extra["revisions"] = [json.dumps(definition)]
            self.flows[rec.sid] = rec
            return rec

    def add_execution(
        self,
        flow: Rec,
        *,
        contact: str,
        initiated_by: str,
        when: datetime,
        context: dict[str, Any],
        status: str = "active",
    ) -> Rec:
        """A Studio Execution of `flow`, with its context (steps are added separately)."""
        with self.lock:
            data: dict[str, Any] = {
                "sid": None, "account_sid": flow.account_sid, "flow_sid": flow.sid,
                "contact_channel_address": contact, "contact_sid": new_sid("FC"),
                "flow_version": flow.data["revision"], "context": {}, "status": status,
                "date_created": when, "date_updated": when, "initiated_by": initiated_by,
            }
            rec = self._rec("FN", flow.account_sid, when, data)
            self.executions[rec.sid] = rec
            self.steps[rec.sid] = []
            self.contexts[rec.sid] = context
            return rec

    def add_step(
        self,
        execution: Rec,
        *,
        name: str,
        transitioned_from: str,
        transitioned_to: str,
        widget_type: str,
        when: datetime,
        context: dict[str, Any],
    ) -> Rec:
        """One transition of an execution."""
        with self.lock:
            steps = self.steps[execution.sid]
            data: dict[str, Any] = {
                "sid": None, "account_sid": execution.account_sid,
                "flow_sid": execution.data["flow_sid"], "execution_sid": execution.sid,
                "parent_step_sid": steps[-1].sid if steps else None, "name": name,
                "context": context, "transitioned_from": transitioned_from,
                "transitioned_to": transitioned_to, "type": widget_type,
                "date_created": when, "date_updated": None,
            }
            rec = self._rec("FT", execution.account_sid, when, data)
            steps.append(rec)
            return rec
