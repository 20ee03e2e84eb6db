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
from typing import Any, TypeGuard, TypeVar
from urllib.parse import urlsplit

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.base.page import Page
from twilio.http.response import Response
from twilio.rest import Client

from milo_desktop.services.connectors import MalformedRecord, ProviderError, Quarantine
from milo_desktop.services.connectors.payloads import kind_of, poison_in, show
from milo_desktop.services.connectors.twilio.credentials import TwilioCredentials
from milo_desktop.services.connectors.twilio.http import (
    REAL_API_BASE,
    REAL_STUDIO_BASE,
    ApiBases,
    HttpxTwilioClient,
    last_response,
)
from milo_desktop.services.connectors.twilio.records import (
    SID_RE,
    SPECS,
    problem_with,
    text_of,
)
from milo_desktop.services.connectors.twilio.retry import SERVICE, RetryPolicy, with_retries

T = TypeVar("T")

NON_JSON_ATTEMPTS = 3
MAX_LINK = 4000  # characters of a next-page link


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
    # The library hands over what Twilio answered, typed or not: read it defensively.
    revision = f.revision if isinstance(f.revision, int) and not isinstance(f.revision, bool) \
        and 0 <= f.revision < 2**31 else 0
    return FlowInfo(str(f.sid), str(f.friendly_name or ""), str(f.status), revision,
                    f.webhook_url if isinstance(f.webhook_url, str) else "", f.valid is True,
                    list(f.errors) if isinstance(f.errors, list) else [])


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

    async def _call(self, what: str, call: Callable[[], Awaitable[T]],
                    policy: RetryPolicy | None = None) -> T:
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
        """The account's incoming phone numbers (a malformed record is left out)."""
        page = await self._all("incoming_phone_numbers", self.account.incoming_phone_numbers)
        return [PhoneNumber(str(r["sid"]), text_of(r, "phone_number") or "",
                            text_of(r, "friendly_name") or "", text_of(r, "voice_url") or "",
                            text_of(r, "sms_url") or "") for r in page.records]

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
        except ProviderError as exc:
            cause = exc.__cause__
            if exc.status != 400 or not isinstance(cause, TwilioRestException):
                raise
            return FlowValidation(False, str(cause.msg), cause.details)
        return FlowValidation(True)

    async def create_execution(self, flow_sid: str, to: str, from_: str,
                               parameters: Mapping[str, Any] | None = None) -> str:
        """Start a flow execution (outbound call/SMS); returns its FN sid."""
        executions = self.studio.flows(flow_sid).executions
        created = await self._call("create execution", lambda: executions.create_async(
            to=to, from_=from_, parameters=dict(parameters or {})))
        return str(created.sid)

    async def executions_page(self, flow_sid: str, since: dt.datetime | None,
                              url: str | None = None, *,
                              status: str | None = None) -> TwilioPage:
        """Executions created at/after ``since`` (newest first; only ``status`` ones when
        given: "active" / "ended"), or the page at ``url``."""
        lst = self.studio.flows(flow_sid).executions
        return await self._page("executions", lst, url, date_created_from=since, status=status)

    async def execution(self, flow_sid: str, execution_sid: str) -> dict[str, Any]:
        """One execution as a checked raw record; MalformedRecord when it cannot be read."""
        url = f"{REAL_STUDIO_BASE}/v2/Flows/{flow_sid}/Executions/{execution_sid}"
        return await self._record("fetch execution", "executions", url)

    async def execution_context(self, flow_sid: str, execution_sid: str) -> dict[str, Any]:
        """The execution's context ({"flow", "contact", "trigger", "widgets"…}); {} when
        Twilio has none. MalformedRecord when the answer is not a context object (its shape
        inside is the reader's business: ``inbound.read_call``, ``stages.collect``)."""
        url = f"{REAL_STUDIO_BASE}/v2/Flows/{flow_sid}/Executions/{execution_sid}/Context"
        payload = await self._json("fetch execution context", "execution_context", url)
        return context_of(payload, execution_sid)

    async def execution_steps(self, flow_sid: str, execution_sid: str) -> list[dict[str, Any]]:
        """Every step of an execution (raw records, oldest paging handled)."""
        lst = self.studio.flows(flow_sid).executions(execution_sid).steps
        return list((await self._all("steps", lst)).records)

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
        """One call as a checked raw record (price / duration as strings); MalformedRecord
        (with the record for quarantine) when it cannot be read."""
        url = f"{self._api_2010}/Calls/{call_sid}.json"
        return await self._record("fetch call", "calls", url)

    async def fetch_message(self, message_sid: str) -> dict[str, Any]:
        """One message as a checked raw record; MalformedRecord when it cannot be read."""
        url = f"{self._api_2010}/Messages/{message_sid}.json"
        return await self._record("fetch message", "messages", url)

    async def call_recordings(self, call_sid: str) -> list[dict[str, Any]]:
        """A call's recordings (this endpoint types price as a number); malformed ones are
        left out (``call_recordings_page`` has them)."""
        return list((await self.call_recordings_page(call_sid)).records)

    async def call_recordings_page(self, call_sid: str) -> TwilioPage:
        """A call's recordings, every page: the accepted ones and those set aside."""
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
    @property
    def _api_2010(self) -> str:
        return f"{REAL_API_BASE}/2010-04-01/Accounts/{self.credentials.account_sid}"

    async def _json(self, what: str, resource: str, url: str) -> Any:
        """GET ``url`` (through the retry policy) and parse its JSON; MalformedRecord when
        the answer is not JSON."""

        async def get() -> Response:
            resp = await self.client.request_async("GET", url)
            if resp.status_code != 200:
                raise TwilioException("Unable to fetch page", resp)
            return resp

        resp = await self._call(what, get)
        try:
            return json.loads(resp.text)
        except (ValueError, RecursionError) as exc:
            reason = f"Twilio's answer to {what} is not JSON ({_why(exc)})"
            raise MalformedRecord(Quarantine(SERVICE, resource, reason, resp.text)) from exc

    async def _record(self, what: str, resource: str, url: str) -> dict[str, Any]:
        """One raw record of ``resource`` checked like a list's (``problem_with``)."""
        record = await self._json(what, resource, url)
        problem = problem_with(resource, record)
        if problem is not None:
            sid = record.get("sid") if isinstance(record, Mapping) else None
            raise MalformedRecord(Quarantine.of(SERVICE, resource, problem, record, sid))
        return dict(record)

    async def _page(self, resource: str, lst: Any, url: str | None,
                    **filters: Any) -> TwilioPage:
        kwargs = {k: v for k, v in filters.items() if v is not None}
        absolute = lst._version.domain.absolute_url
        if url:
            return await self._read(resource, lambda: lst.get_page_async(url), absolute)
        return await self._read(resource, lambda: lst.page_async(page_size=self.page_size,
                                                                 **kwargs), absolute)

    async def _read(self, resource: str, fetch: Callable[[], Awaitable[Any]],
                    absolute: Callable[[str], str]) -> TwilioPage:
        for attempt in range(1, NON_JSON_ATTEMPTS + 1):
            got = await self._call(f"list {resource}", lambda: _guarded(fetch))
            if not isinstance(got, _Unreadable):
                return page_from_payload(resource, got._payload, absolute, self._link_ok)
            try:
                payload = json.loads(got.text)
            except (ValueError, RecursionError) as exc:
                if attempt == NON_JSON_ATTEMPTS:
                    reason = f"the {resource} page is not JSON ({_why(exc)})"
                    return TwilioPage(resource, [], [Quarantine(SERVICE, resource, reason,
                                                                got.text)], None, broken=True)
                continue
            return page_from_payload(resource, payload, absolute, self._link_ok)
        raise AssertionError("unreachable")  # pragma: no cover

    def _link_ok(self, url: str) -> bool:
        """Whether a next-page link stays on Twilio (or the configured bases): a link to any
        other host would be sent our credentials."""
        parts = urlsplit(url)
        allowed = {(urlsplit(base).scheme, urlsplit(base).netloc) for base in (
            REAL_API_BASE, REAL_STUDIO_BASE, self.http.bases.api, self.http.bases.studio)}
        return (parts.scheme, parts.netloc) in allowed

    async def _all(self, resource: str, lst: Any) -> TwilioPage:
        """Every page of a (short) list: the accepted records and the quarantined ones;
        ``broken`` when a page could not be read (the records before it are kept)."""
        page = await self._page(resource, lst, None)
        records, quarantined = list(page.records), list(page.quarantined)
        while page.next_url and not page.broken:
            page = await self._page(resource, lst, page.next_url)
            records.extend(page.records)
            quarantined.extend(page.quarantined)
        return TwilioPage(resource, records, quarantined, None, broken=page.broken)


@dataclass(frozen=True)
class _Unreadable:
    """A 200 answer the library could not turn into its page (its raw text)."""

    text: str


async def _guarded(fetch: Callable[[], Awaitable[Any]]) -> Any:
    """``fetch()`` (a library list call), or ``_Unreadable`` with the answer's text when the
    library failed on a 200 answer it could not read: not JSON, a JSON that is not an object,
    an object without its record list (the library's Page raises KeyError, TypeError,
    AttributeError or "Page Records can not be deserialized" for those). HTTP errors and
    transport errors propagate to the retry policy unchanged."""
    last_response.set(None)
    try:
        return await fetch()
    except TwilioRestException:
        raise
    except (TwilioException, ValueError, RecursionError, KeyError, TypeError, AttributeError,
            IndexError) as exc:
        resp = last_response.get()
        if isinstance(exc, TwilioException) and len(exc.args) > 1 and \
                isinstance(exc.args[1], Response):
            raise  # "Unable to fetch page" with a non-200 answer: the policy classifies it
        if resp is None or resp.status_code != 200:
            raise
        return _Unreadable(resp.text)


def _why(exc: BaseException) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return exc.msg
    if isinstance(exc, RecursionError):
        return "nested too deep"
    return str(exc)[:200]


def context_of(payload: Any, execution_sid: str) -> dict[str, Any]:
    """The context out of a Context resource's answer ({} when Twilio has none);
    MalformedRecord when the answer is not an object, its context not one, or it holds what
    no database stores."""
    problem = (f"the answer is {kind_of(payload)}, not an object"
               if not isinstance(payload, Mapping) else poison_in(payload))
    context = payload.get("context") if isinstance(payload, Mapping) else None
    if problem is None and context is not None and not isinstance(context, Mapping):
        problem = f"its context is {kind_of(context)}, not an object"
    if problem is not None or (context is not None and not isinstance(context, Mapping)):
        raise MalformedRecord(Quarantine.of(
            SERVICE, "execution_context",
            f"The context of execution {show(execution_sid)} cannot be read: {problem}",
            payload, execution_sid))
    return dict(context or {})


def page_of(resource: str, page: Page) -> TwilioPage:
    """Split a library page into accepted and quarantined raw records."""
    # The raw JSON: the library's instances hide malformed fields.
    return page_from_payload(resource, page._payload, page._version.domain.absolute_url)


def page_from_payload(resource: str, payload: Any,
                      absolute: Callable[[str], str] | None = None,
                      link_ok: Callable[[str], bool] | None = None) -> TwilioPage:
    """A list page from its parsed JSON, whatever that is: accepted and quarantined records
    and the next page's absolute URL (``absolute`` resolves the 2010 API's relative
    ``next_page_uri``; ``link_ok`` vets the host). A page that is not an object, has no list
    under the resource's key, or whose next link is not a usable link is ``broken``: kept in
    quarantine whole, with no next URL (the walk cannot go on past it)."""
    key = SPECS[resource].key if resource in SPECS else resource

    def broken(why: str) -> TwilioPage:
        return TwilioPage(resource, [], [Quarantine.of(SERVICE, resource,
                                                       f"the {resource} page {why}", payload)],
                          None, broken=True)

    if not isinstance(payload, Mapping):
        return broken(f"is {kind_of(payload)}, not an object")
    if key not in payload:
        return broken(f"has no {key!r} list")
    records = payload[key]
    if not isinstance(records, list):
        return broken(f"holds {kind_of(records)} under {key!r}, not a list")
    link, problem = _next_link(payload, absolute)
    if problem is None and link is not None and link_ok is not None and not link_ok(link):
        problem = f"links its next page to another host: {show(link, 120)}"
    if problem is not None:
        return broken(problem)
    return split_records(resource, records, link)


def _next_link(payload: Mapping[str, Any],
               absolute: Callable[[str], str] | None) -> tuple[str | None, str | None]:
    """(the next page's absolute URL or None, a problem with it or None). Studio's
    ``meta.next_page_url`` is absolute; the 2010 API's ``next_page_uri`` is relative."""
    meta = payload.get("meta")
    if isinstance(meta, Mapping) and "next_page_url" in meta:
        link, relative = meta["next_page_url"], False
    elif meta is not None and not isinstance(meta, Mapping):
        return None, f"has a meta that is {kind_of(meta)}, not an object"
    else:
        link, relative = payload.get("next_page_uri"), True
    if link is None or link == "":
        return None, None
    if not isinstance(link, str) or len(link) > MAX_LINK or poison_in(link) is not None \
            or any(ch.isspace() for ch in link):
        return None, f"has a next link that is not a link: {show(link)}"
    if relative and absolute is not None and not urlsplit(link).scheme:
        link = absolute(link)
    if urlsplit(link).scheme not in ("http", "https"):
        return None, f"has a next link that is not a web address: {show(link)}"
    return link, None


def split_records(resource: str, records: Any, next_url: str | None) -> TwilioPage:
    """Accept well-formed records; quarantine the rest with the reason and raw JSON."""
    accepted: list[dict[str, Any]] = []
    quarantined: list[Quarantine] = []
    if not isinstance(records, list):
        reason = f"the {resource} list is {kind_of(records)}, not a list"
        return TwilioPage(resource, [], [Quarantine.of(SERVICE, resource, reason, records)],
                          None, broken=True)
    for record in records:
        problem = problem_with(resource, record)
        if problem is None:
            accepted.append(dict(record))
        else:
            sid = record.get("sid") if isinstance(record, Mapping) else None
            quarantined.append(Quarantine.of(SERVICE, resource, problem, record, sid))
    return TwilioPage(resource, accepted, quarantined, next_url)


def is_sid(value: object, prefix: str) -> TypeGuard[str]:
    """Whether ``value`` is a Twilio sid starting with ``prefix`` (safe to put in a URL)."""
    return isinstance(value, str) and bool(SID_RE.fullmatch(value)) and value.startswith(prefix)
