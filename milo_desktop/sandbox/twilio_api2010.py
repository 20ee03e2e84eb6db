"""The sandbox's Twilio REST API 2010-04-01: Accounts (fetch), Calls, Recordings (+ media),
Messages and IncomingPhoneNumbers, under /2010-04-01/Accounts/{AccountSid}/….

Lists are newest first. Error codes: 21604 / 21603 / 21602 / 21617 (Messages) and 21201 /
21213 (Calls) are Twilio's documented codes; 21205 for a call without Url/Twiml is UNCONFIRMED.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from milo_desktop.sandbox.twilio_http import Req, Resp, xml_not_found
from milo_desktop.sandbox.twilio_paging import envelope_2010
from milo_desktop.sandbox.twilio_state import API, Rec, SandboxState
from milo_desktop.sandbox.twilio_util import (
    TwilioError,
    later,
    not_found,
    parse_when,
    rfc2822,
    wav_bytes,
    when_matches,
)

ACCOUNT_RE = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-fA-F]{32})(?P<rest>(?:\.json|/.*)?)$")
MEDIA_RE = re.compile(r"^/Recordings/(RE[0-9a-f]{32})(\.wav|\.mp3)?$")
NUMBER_FIELDS = {
    "FriendlyName": "friendly_name", "VoiceUrl": "voice_url", "VoiceMethod": "voice_method",
    "VoiceFallbackUrl": "voice_fallback_url", "VoiceFallbackMethod": "voice_fallback_method",
    "SmsUrl": "sms_url", "SmsMethod": "sms_method", "SmsFallbackUrl": "sms_fallback_url",
    "SmsFallbackMethod": "sms_fallback_method", "StatusCallback": "status_callback",
    "StatusCallbackMethod": "status_callback_method",
    "VoiceApplicationSid": "voice_application_sid", "SmsApplicationSid": "sms_application_sid",
}


def _newest_first(records: Iterable[Rec]) -> list[Rec]:
    return sorted(records, key=lambda r: (r.created, r.seq), reverse=True)


def _date_filters(query: Any, name: str) -> list[tuple[str, Any]]:
    """(op, bound) pairs for Name, Name< and Name> (the library sends 'Name>' = 'value')."""
    out = []
    for suffix, op in (("", "="), ("<", "<"), (">", ">")):
        raw = query.get(name + suffix)
        if raw:
            out.append((op, parse_when(raw)))
    return out


def _render(rec: Rec, origin: str) -> dict[str, Any]:
    data = dict(rec.data)
    if "media_path" in rec.extra:
        data["media_url"] = origin + rec.extra["media_path"]
    return data


def _call_recording(rec: Rec, origin: str) -> dict[str, Any]:
    data = {k: v for k, v in rec.data.items() if k not in ("media_url", "subresource_uris")}
    data["uri"] = f"{API}/Accounts/{rec.account_sid}/Calls/{data['call_sid']}/Recordings/{rec.sid}.json"
    data["track"] = "both"
    # The spec types this subresource's price as a number (the account-level one is a string).
    data["price"] = float(data["price"]) if data["price"] is not None else None
    return data


def _get(store: dict[str, Rec], sid: str, account: str, path: str) -> Rec:
    rec = store.get(sid)
    if rec is None or rec.account_sid != account:
        raise not_found(path)
    return rec


class Api2010:
    """Routes and handlers of the 2010 API over a SandboxState."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        # (method, pattern on the part after /Accounts/{AC}, handler)
        self.routes: list[tuple[str, re.Pattern[str], Callable[..., Resp]]] = [
            ("GET", re.compile(r"^\.json$"), self.fetch_account),
            ("GET", re.compile(r"^/Calls\.json$"), self.list_calls),
            ("POST", re.compile(r"^/Calls\.json$"), self.create_call),
            ("GET", re.compile(r"^/Calls/(CA\w{32})\.json$"), self.fetch_call),
            ("GET", re.compile(r"^/Calls/(CA\w{32})/Recordings\.json$"), self.list_call_recordings),
            ("GET", re.compile(r"^/Calls/(CA\w{32})/Recordings/(RE\w{32})\.json$"),
             self.fetch_call_recording),
            ("GET", re.compile(r"^/Recordings\.json$"), self.list_recordings),
            ("GET", re.compile(r"^/Recordings/(RE\w{32})\.json$"), self.fetch_recording),
            ("DELETE", re.compile(r"^/Recordings/(RE\w{32})\.json$"), self.delete_recording),
            ("GET", re.compile(r"^/Messages\.json$"), self.list_messages),
            ("POST", re.compile(r"^/Messages\.json$"), self.create_message),
            ("GET", re.compile(r"^/Messages/((?:SM|MM)\w{32})\.json$"), self.fetch_message),
            ("GET", re.compile(r"^/IncomingPhoneNumbers\.json$"), self.list_numbers),
            ("GET", re.compile(r"^/IncomingPhoneNumbers/(PN\w{32})\.json$"), self.fetch_number),
            ("POST", re.compile(r"^/IncomingPhoneNumbers/(PN\w{32})\.json$"), self.update_number),
        ]

    def handle(self, req: Req, account: str, rest: str) -> Resp:
        """Answer one request for `account` (path tail `rest`); raises TwilioError."""
        media = MEDIA_RE.match(rest)
        if media and req.method == "GET":
            return self.media(req, account, media.group(1), media.group(2) or "")
        if not rest.endswith(".json"):
            return xml_not_found(req.path)
        allowed = False
        for method, pattern, handler in self.routes:
            match = pattern.match(rest)
            if match:
                allowed = True
                if method == req.method:
                    return handler(req, account, *match.groups())
        if allowed:
            raise TwilioError(405, 20004, "Method not allowed")
        raise not_found(req.path)

    # -- accounts ------------------------------------------------------------------------
    def fetch_account(self, req: Req, account: str) -> Resp:
        """GET /Accounts/{AC}.json (what a connection test reads)."""
        acct = self.state.accounts[account]
        base = f"{API}/Accounts/{account}"
        subs: tuple[tuple[str, str], ...] = (
            ("calls", "Calls"), ("recordings", "Recordings"), ("messages", "Messages"))
        subs += (("incoming_phone_numbers", "IncomingPhoneNumbers"),)
        return Resp(body={
            "auth_token": acct.auth_token, "date_created": rfc2822(self.state.clock()),
            "date_updated": rfc2822(self.state.clock()), "friendly_name": "Sandbox account",
            "owner_account_sid": account, "sid": account, "status": "active",
            "subresource_uris": {k: f"{base}/{v}.json" for k, v in subs},
            "type": "Full", "uri": f"{base}.json",
        })

    # -- calls ---------------------------------------------------------------------------
    def list_calls(self, req: Req, account: str) -> Resp:
        """GET Calls.json with To, From, ParentCallSid, Status, StartTime[<>], EndTime[<>]."""
        q = req.query
        starts, ends = _date_filters(q, "StartTime"), _date_filters(q, "EndTime")
        rows = []
        for rec in self.state.calls.values():
            d = rec.data
            if rec.account_sid != account:
                continue
            if any(q.get(p) and d[f] != q.get(p) for p, f in (
                ("To", "to"), ("From", "from"), ("Status", "status"),
                ("ParentCallSid", "parent_call_sid"),
            )):
                continue
            start = rec.extra["start"] if d["start_time"] else None
            end = later(start, int(d["duration"])) if start and d["duration"] else None
            if all(when_matches(start, b, op) for op, b in starts) and all(
                when_matches(end, b, op) for op, b in ends
            ):
                rows.append(rec)
        body = envelope_2010("calls", req.path, q, _newest_first(rows), lambda r: r.data)
        return Resp(body=body)

    def create_call(self, req: Req, account: str) -> Resp:
        """POST Calls.json: an outbound-api call, 'queued' until it settles."""
        f = req.form
        if not f.get("To"):
            raise TwilioError(400, 21201, "No 'To' number is specified")
        if not f.get("From"):
            raise TwilioError(400, 21213, "No 'From' number is specified")
        if not (f.get("Url") or f.get("Twiml") or f.get("ApplicationSid")):
            raise TwilioError(400, 21205, "Url parameter is required")  # UNCONFIRMED code
        now = self.state.clock()
        rec = self.state.add_call(
            account, to=f["To"], from_=f["From"], direction="outbound-api", start=now,
            duration=None, status="queued",
        )
        self.state.schedule_settle(rec, later(now, self.state.settle_seconds))
        return Resp(201, dict(rec.data))

    def fetch_call(self, req: Req, account: str, sid: str) -> Resp:
        """GET Calls/{CA}.json."""
        return Resp(body=dict(_get(self.state.calls, sid, account, req.path).data))

    # -- recordings ----------------------------------------------------------------------
    def _recordings(
        self,
        req: Req,
        account: str,
        call_sid: str | None,
        render: Callable[[Rec, str], dict[str, Any]] = _render,
    ) -> Resp:
        q = req.query
        call_sid = call_sid or q.get("CallSid")
        dates = _date_filters(q, "DateCreated")
        if call_sid:
            sids = self.state.recordings_by_call.get(call_sid, ())
            candidates: Iterable[Rec] = [
                self.state.recordings[sid] for sid in sids if sid in self.state.recordings]
        else:
            candidates = self.state.recordings.values()
        rows = [
            r for r in candidates
            if r.account_sid == account
            and (not call_sid or r.data["call_sid"] == call_sid)
            and all(when_matches(r.created, b, op) for op, b in dates)
        ]
        body = envelope_2010(
            "recordings", req.path, q, _newest_first(rows), lambda r: render(r, req.origin)
        )
        return Resp(body=body)

    def list_recordings(self, req: Req, account: str) -> Resp:
        """GET Recordings.json with CallSid, DateCreated[<>]."""
        return self._recordings(req, account, None)

    def list_call_recordings(self, req: Req, account: str, call_sid: str) -> Resp:
        """GET Calls/{CA}/Recordings.json (the call_recording shape: `track`, no media_url)."""
        _get(self.state.calls, call_sid, account, req.path)
        return self._recordings(req, account, call_sid, _call_recording)

    def fetch_call_recording(self, req: Req, account: str, call_sid: str, sid: str) -> Resp:
        """GET Calls/{CA}/Recordings/{RE}.json."""
        rec = _get(self.state.recordings, sid, account, req.path)
        if rec.data["call_sid"] != call_sid:
            raise not_found(req.path)
        return Resp(body=_call_recording(rec, req.origin))

    def fetch_recording(self, req: Req, account: str, sid: str) -> Resp:
        """GET Recordings/{RE}.json."""
        return Resp(body=_render(_get(self.state.recordings, sid, account, req.path), req.origin))

    def delete_recording(self, req: Req, account: str, sid: str) -> Resp:
        """DELETE Recordings/{RE}.json -> 204."""
        _get(self.state.recordings, sid, account, req.path)
        del self.state.recordings[sid]
        return Resp(204)

    def media(self, req: Req, account: str, sid: str, suffix: str) -> Resp:
        """GET Recordings/{RE}[.wav] -> audio/x-wav (a real WAV as long as the recording).

        `.mp3` answers 404: the sandbox has no MP3 encoder (the stdlib has none) and will
        not serve WAV bytes labelled audio/mpeg."""
        rec = _get(self.state.recordings, sid, account, req.path)
        if suffix == ".mp3":
            raise not_found(req.path)
        return Resp(body=wav_bytes(int(rec.data["duration"])), content_type="audio/x-wav")

    # -- messages ------------------------------------------------------------------------
    def list_messages(self, req: Req, account: str) -> Resp:
        """GET Messages.json with To, From, DateSent[<>]."""
        q = req.query
        dates = _date_filters(q, "DateSent")
        rows = [
            r for r in self.state.messages.values()
            if r.account_sid == account
            and (not q.get("To") or r.data["to"] == q.get("To"))
            and (not q.get("From") or r.data["from"] == q.get("From"))
            and all(when_matches(r.extra.get("sent"), b, op) for op, b in dates)
        ]
        body = envelope_2010("messages", req.path, q, _newest_first(rows), lambda r: r.data)
        return Resp(body=body)

    def create_message(self, req: Req, account: str) -> Resp:
        """POST Messages.json -> 201 'queued', price null (filled in when it settles)."""
        f = req.form
        if not f.get("To"):
            raise TwilioError(400, 21604, "A 'To' phone number is required.")
        if not (f.get("From") or f.get("MessagingServiceSid")):
            raise TwilioError(400, 21603, "A 'From' phone number is required.")
        media = tuple(f.getall("MediaUrl", []))
        body = f.get("Body", "")
        if not (body or media or f.get("ContentSid")):
            raise TwilioError(400, 21602, "Message body is required.")
        if len(body) > 1600:
            raise TwilioError(
                400, 21617, "The concatenated message body exceeds the 1600 character limit."
            )
        rec = self.state.add_message(
            account, to=f["To"], from_=f.get("From") or "", body=body, direction="outbound-api",
            media_urls=media, messaging_service_sid=f.get("MessagingServiceSid"), settled=False,
        )
        return Resp(201, dict(rec.data))

    def fetch_message(self, req: Req, account: str, sid: str) -> Resp:
        """GET Messages/{SM}.json."""
        return Resp(body=dict(_get(self.state.messages, sid, account, req.path).data))

    # -- incoming phone numbers ----------------------------------------------------------
    def list_numbers(self, req: Req, account: str) -> Resp:
        """GET IncomingPhoneNumbers.json with PhoneNumber (partial, '*' wildcards) and
        FriendlyName (exact)."""
        q = req.query
        pattern = q.get("PhoneNumber")
        rx = re.compile(".".join(map(re.escape, pattern.split("*")))) if pattern else None
        rows = [
            r for r in self.state.numbers.values()
            if r.account_sid == account
            and (rx is None or rx.search(r.data["phone_number"]))
            and (not q.get("FriendlyName") or r.data["friendly_name"] == q.get("FriendlyName"))
        ]
        rows.sort(key=lambda r: (r.created, r.seq))
        body = envelope_2010("incoming_phone_numbers", req.path, q, rows, lambda r: r.data)
        return Resp(body=body)

    def fetch_number(self, req: Req, account: str, sid: str) -> Resp:
        """GET IncomingPhoneNumbers/{PN}.json."""
        return Resp(body=dict(_get(self.state.numbers, sid, account, req.path).data))

    def update_number(self, req: Req, account: str, sid: str) -> Resp:
        """POST IncomingPhoneNumbers/{PN}.json: VoiceUrl, SmsUrl, methods, FriendlyName…"""
        rec = _get(self.state.numbers, sid, account, req.path)
        for param, name in NUMBER_FIELDS.items():
            if param in req.form:
                rec.data[name] = req.form[param]
        if "VoiceCallerIdLookup" in req.form:
            rec.data["voice_caller_id_lookup"] = req.form["VoiceCallerIdLookup"].lower() == "true"
        rec.data["date_updated"] = rfc2822(self.state.clock())
        return Resp(body=dict(rec.data))
