"""The Twilio connector: the real twilio package, async, over httpx.

Every operation goes through ``with_retries`` (429 backoff, 401 → AuthFailed, network →
Offline). List operations return a ``TwilioPage`` of raw records (dicts as received) with the
malformed ones already set aside as ``Quarantine`` entries, and the absolute URL of the next
page (the library turns the 2010 API's relative next_page_uri into one; Studio's
next_page_url is absolute already). A caller resumes paging by passing that URL back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.base.page import Page
from twilio.rest import Client

from milo_desktop.services.connectors import Quarantine
from milo_desktop.services.connectors.twilio.credentials import TwilioCredentials
from milo_desktop.services.connectors.twilio.http import ApiBases, HttpxTwilioClient
from milo_desktop.services.connectors.twilio.records import problem_with
from milo_desktop.services.connectors.twilio.retry import SERVICE, RetryPolicy, with_retries

NON_JSON_ATTEMPTS = 3


@dataclass(frozen=True)
class TwilioPage:
    """One page of a list: accepted raw records, quarantined ones, and where to go next.

    ``broken`` is True when the page as a whole could not be read (not JSON after retries):
    it is quarantined with its raw text and paging cannot go on past it this round.
    """

    resource: str
    records: list[dict[str, Any]]
    quarantined: list[Quarantine] = field(default_factory=list)
    next_url: str | None = None
    broken: bool = False


@dataclass(frozen=True)
class PhoneNumber:
    sid: str
    phone_number: str
    friendly_name: str
    voice_url: str
    sms_url: str


@dataclass(frozen=True)
class FlowInfo:
    sid: str
    friendly_name: str
    status: str
    revision: int
    webhook_url: str
    valid: bool
    errors: list[Any]


@dataclass(frozen=True)
class FlowValidation:
    valid: bool
    message: str = ""
    details: Any = None


@dataclass(frozen=True)
class SentMessage:
    sid: str
    status: str
    to: str
    from_: str
    body: str


def _number(n: Any) -> PhoneNumber:
    return PhoneNumber(n.sid, n.phone_number, n.friendly_name or "", n.voice_url or "",
                       n.sms_url or "")


def _flow(f: Any) -> FlowInfo:
    return FlowInfo(f.sid, f.friendly_name, str(f.status), int(f.revision or 0),
                    f.webhook_url or "", bool(f.valid), list(f.errors or []))


class TwilioConnector:
    """One account's Twilio, for the sync engine, the outbox worker and the Integrations
    screen. Use as ``async with TwilioConnector(...) as twilio:`` or call ``aclose()``."""

    def __init__(
        self,
        credentials: TwilioCredentials,
        bases: ApiBases | None = None,
        *,
        policy: RetryPolicy | None = None,
        page_size: int = 50,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        self.credentials = credentials
        self.http = HttpxTwilioClient(bases)
        self.client = Client(credentials.username, credentials.secret,
                             account_sid=credentials.account_sid, http_client=self.http)
        self.account = self.client.api.v2010.accounts(credentials.account_sid)
        self.studio = self.client.studio.v2
        self.policy = policy or RetryPolicy()
        self.page_size = page_size
        self._sleep = sleep

    async def __aenter__(self) -> TwilioConnector:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self.http.aclose()

    async def _call(self, what: str, call: Callable[[], Awaitable[Any]],
                    policy: RetryPolicy | None = None) -> Any:
        policy = policy or self.policy
        if self._sleep is None:
            return await with_retries(what, call, policy)
        return await with_retries(what, call, policy, self._sleep)

    # -- account and numbers -------------------------------------------------------------
    async def test_connection(self) -> str:
        """Fetch the account; returns its friendly name (AuthFailed / Offline otherwise)."""
        account = await self._call("fetch account", self.account.fetch_async)
        return str(account.friendly_name or account.sid)

    async def list_numbers(self) -> list[PhoneNumber]:
        """The account's incoming phone numbers."""
        numbers = await self._call("list numbers", self.account.incoming_phone_numbers.list_async)
        return [_number(n) for n in numbers]

    async def point_number(self, number_sid: str, voice_url: str, sms_url: str) -> PhoneNumber:
        """Set a number's VoiceUrl / SmsUrl (POST); "" unpoints it."""
        ctx = self.account.incoming_phone_numbers(number_sid)
        updated = await self._call("update number", lambda: ctx.update_async(
            voice_url=voice_url, voice_method="POST", sms_url=sms_url, sms_method="POST"))
        return _number(updated)

    # -- Studio --------------------------------------------------------------------------
    async def create_flow(self, name: str, definition: Mapping[str, Any], *,
                          status: str = "published", commit_message: str | None = None) -> FlowInfo:
        """Create (and by default publish) a Studio flow."""
        flow = await self._call("create flow", lambda: self.studio.flows.create_async(
            friendly_name=name, status=status, definition=dict(definition),
            **({"commit_message": commit_message} if commit_message else {})))
        return _flow(flow)

    async def update_flow(self, flow_sid: str, definition: Mapping[str, Any], *,
                          status: str = "published", commit_message: str | None = None) -> FlowInfo:
        """A new revision of a flow."""
        flow = await self._call("update flow", lambda: self.studio.flows(flow_sid).update_async(
            status=status, definition=dict(definition),
            **({"commit_message": commit_message} if commit_message else {})))
        return _flow(flow)

    async def fetch_flow(self, flow_sid: str) -> FlowInfo:
        return _flow(await self._call("fetch flow", self.studio.flows(flow_sid).fetch_async))

    async def validate_flow(self, name: str, definition: Mapping[str, Any]) -> FlowValidation:
        """Ask Studio whether a definition is valid (invalid → valid=False with its details)."""
        try:
            await self._call("validate flow", lambda: self.studio.flow_validate.update_async(
                friendly_name=name, status="published", definition=dict(definition)))
        except TwilioRestException as exc:
            if exc.status != 400:
                raise
            return FlowValidation(False, str(exc.msg), exc.details)
        return FlowValidation(True)

    async def create_execution(self, flow_sid: str, to: str, from_: str,
                               parameters: Mapping[str, Any] | None = None) -> str:
        """Start a flow execution (outbound call/SMS); returns its FN sid."""
        executions = self.studio.flows(flow_sid).executions
        created = await self._call("create execution", lambda: executions.create_async(
            to=to, from_=from_, parameters=dict(parameters or {})))
        return str(created.sid)

    async def executions_page(self, flow_sid: str, since: dt.datetime | None,
                              url: str | None = None) -> TwilioPage:
        """Executions created at/after ``since`` (newest first), or the page at ``url``."""
        lst = self.studio.flows(flow_sid).executions
        return await self._page("executions", lst, url, date_created_from=since)

    async def execution_context(self, flow_sid: str, execution_sid: str) -> dict[str, Any]:
        """The execution's context ({"flow", "contact", "trigger", "widgets"…})."""
        ctx = self.studio.flows(flow_sid).executions(execution_sid).execution_context()
        got = await self._call("fetch execution context", ctx.fetch_async)
        return dict(got.context or {})

    async def execution_steps(self, flow_sid: str, execution_sid: str) -> list[dict[str, Any]]:
        """Every step of an execution (raw records, oldest paging handled)."""
        lst = self.studio.flows(flow_sid).executions(execution_sid).steps
        return await self._all("steps", lst)

    # -- 2010 lists ------------------------------------------------------------------------
    async def calls_page(self, since: dt.datetime | None, url: str | None = None) -> TwilioPage:
        """Calls started at/after ``since`` (newest first), or the page at ``url``."""
        return await self._page("calls", self.account.calls, url, start_time_after=since)

    async def messages_page(self, since: dt.datetime | None, url: str | None = None, *,
                            to: str | None = None) -> TwilioPage:
        """Messages sent at/after ``since`` (newest first; optionally to one number)."""
        return await self._page("messages", self.account.messages, url,
                                date_sent_after=since, to=to)

    async def recordings_page(self, since: dt.datetime | None,
                              url: str | None = None) -> TwilioPage:
        """Recordings created at/after ``since`` (newest first), or the page at ``url``."""
        return await self._page("recordings", self.account.recordings, url,
                                date_created_after=since)

    async def fetch_call(self, call_sid: str) -> dict[str, Any]:
        """One call as a raw record (price / duration as strings); {} when malformed."""
        url = (f"https://api.twilio.com/2010-04-01/Accounts/{self.credentials.account_sid}"
               f"/Calls/{call_sid}.json")

        async def get() -> Any:
            resp = await self.client.request_async("GET", url)
            if resp.status_code != 200:
                raise TwilioException("Unable to fetch page", resp)
            return json.loads(resp.text)

        record = await self._call("fetch call", get)
        return record if problem_with("calls", record) is None else {}

    async def call_recordings(self, call_sid: str) -> list[dict[str, Any]]:
        """A call's recordings (this endpoint types price as a number)."""
        return await self._all("recordings", self.account.calls(call_sid).recordings)

    async def download_recording(self, recording_sid: str) -> bytes:
        """The recording's audio as WAV (Basic auth, redirects followed)."""
        url = (f"https://api.twilio.com/2010-04-01/Accounts/{self.credentials.account_sid}"
               f"/Recordings/{recording_sid}.wav")
        auth = (self.credentials.username, self.credentials.secret)

        async def get() -> bytes:
            resp, content = await self.http.download(url, auth)
            if resp.status_code >= 400:
                raise TwilioException("Unable to fetch page", resp)
            return content

        return await self._call("download recording", get)

    async def send_sms(self, to: str, from_: str, body: str,
                       status_callback: str | None = None) -> SentMessage:
        """Send an SMS. 429s are retried (never processed); a 5xx is not (it may have been):
        the TwilioRestException reaches the outbox, which reconciles before any resend."""
        extra = {"status_callback": status_callback} if status_callback else {}
        msg = await self._call("send sms", lambda: self.account.messages.create_async(
            to=to, from_=from_, body=body, **extra),
            dataclasses.replace(self.policy, retry_server_errors=False))
        return SentMessage(msg.sid, str(msg.status), msg.to, getattr(msg, "from_", from_),
                           msg.body or "")

    # -- paging ------------------------------------------------------------------------------
    async def _page(self, resource: str, lst: Any, url: str | None,
                    **filters: Any) -> TwilioPage:
        kwargs = {k: v for k, v in filters.items() if v is not None}
        if url:
            return await self._read(resource, lambda: lst.get_page_async(url))
        return await self._read(resource, lambda: lst.page_async(page_size=self.page_size,
                                                                 **kwargs))

    async def _read(self, resource: str, fetch: Callable[[], Awaitable[Any]]) -> TwilioPage:
        for attempt in range(1, NON_JSON_ATTEMPTS + 1):
            try:
                got = await self._call(f"list {resource}", fetch)
                break
            except json.JSONDecodeError as exc:
                if attempt == NON_JSON_ATTEMPTS:
                    reason = f"the {resource} page is not JSON ({exc.msg})"
                    return TwilioPage(resource, [], [Quarantine(SERVICE, resource, reason,
                                                                exc.doc)], None, broken=True)
        return page_of(resource, got)

    async def _all(self, resource: str, lst: Any) -> list[dict[str, Any]]:
        page = await self._page(resource, lst, None)
        out = list(page.records)
        while page.next_url:
            page = await self._page(resource, lst, page.next_url)
            out.extend(page.records)
        return out


def page_of(resource: str, page: Page) -> TwilioPage:
    """Split a library page into accepted and quarantined raw records."""
    payload = page._payload  # the raw JSON; the library's instances hide malformed fields
    try:
        records = page.load_page(payload)
    except TwilioException:
        reason = f"the {resource} page has no record list"
        return TwilioPage(resource, [], [Quarantine(SERVICE, resource, reason,
                                                    json.dumps(payload))], None, broken=True)
    return split_records(resource, records, page.next_page_url)


def split_records(resource: str, records: Any, next_url: str | None) -> TwilioPage:
    """Accept well-formed records; quarantine the rest with the reason and raw JSON."""
    accepted: list[dict[str, Any]] = []
    quarantined: list[Quarantine] = []
    if not isinstance(records, list):
        reason = f"the {resource} list is a {type(records).__name__}"
        return TwilioPage(resource, [], [Quarantine(SERVICE, resource, reason,
                                                    json.dumps(records))], next_url, broken=True)
    for record in records:
        problem = problem_with(resource, record)
        if problem is None:
            accepted.append(record)
        else:
            sid = record.get("sid") if isinstance(record, dict) else None
            quarantined.append(Quarantine(SERVICE, resource, problem,
                                          json.dumps(record, default=str),
                                          sid if isinstance(sid, str) else None))
    return TwilioPage(resource, accepted, quarantined, next_url)
