"""The Twilio connector (the real twilio package over httpx) against the sandbox, over real
sockets: paging both ways, 429 backoff, 401, offline, malformed and non-JSON pages."""

from __future__ import annotations

import datetime as dt
import email.utils
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.connectors import AuthFailed, Offline, ServiceUnavailable
from milo_desktop.services.connectors.twilio import (
    ApiBases,
    RetryPolicy,
    TwilioConnector,
    TwilioCredentials,
    api_bases,
    credentials_from_env,
    price_micros,
)

NUMBER = "+15550001111"
CALLER = "+15557654321"
FAST = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05)
MESSAGES = r"/Messages\.json$"


@pytest.fixture
def sandbox() -> Iterator[TwilioSandbox]:
    sb = TwilioSandbox()
    with sb.running():
        sb.add_number(NUMBER)
        yield sb


def connector(sb: TwilioSandbox, *, token: str | None = None, page_size: int = 2,
              user: str | None = None) -> TwilioConnector:
    creds = TwilioCredentials(sb.account.sid, user or sb.account.sid,
                              token or sb.account.auth_token)
    return TwilioConnector(creds, ApiBases(sb.base_url, sb.studio_base_url), policy=FAST,
                           page_size=page_size)


async def send(tw: TwilioConnector, n: int) -> list[str]:
    return [(await tw.send_sms(CALLER, NUMBER, f"hello {i}")).sid for i in range(n)]


async def walk(fetch: Any) -> tuple[list[str], list[str | None]]:
    sids: list[str] = []
    urls: list[str | None] = []
    page = await fetch(None)
    while True:
        sids += [r["sid"] for r in page.records]
        urls.append(page.next_url)
        if not page.next_url:
            return sids, urls
        page = await fetch(page.next_url)


def test_relative_paging_on_the_2010_api(sandbox: TwilioSandbox, arun: Any) -> None:
    async def go() -> None:
        async with connector(sandbox) as tw:
            sent = await send(tw, 5)
            sids, urls = await walk(lambda url: tw.messages_page(None, url))
            assert sorted(sids) == sorted(sent) and len(sids) == 5
            # next_page_uri is relative: the library makes it absolute on Twilio's host, and
            # the transport sends it to the configured base.
            assert urls[0] is not None and urls[0].startswith("https://api.twilio.com/2010-04-01/")
            assert len(urls) == 3 and urls[-1] is None

    arun(go())


def test_absolute_paging_on_studio(sandbox: TwilioSandbox, arun: Any) -> None:
    async def go() -> None:
        async with connector(sandbox) as tw:
            flow = await tw.create_flow("Paging", simple_flow())
            made = [await tw.create_execution(flow.sid, CALLER, NUMBER) for _ in range(3)]
            sids, urls = await walk(lambda url: tw.executions_page(flow.sid, None, url))
            assert sorted(sids) == sorted(made)
            assert urls[0] is not None and urls[0].startswith(sandbox.base_url + "/v2/Flows/")
            assert urls[-1] is None

    arun(go())


def test_429_is_retried_then_succeeds(sandbox: TwilioSandbox, arun: Any) -> None:
    async def go() -> None:
        async with connector(sandbox) as tw:
            await send(tw, 1)
            sandbox.faults.clear()
            sandbox.faults.inject("429", count=2, path=MESSAGES, method="GET", retry_after=0)
            page = await tw.messages_page(None)
            assert len(page.records) == 1
            assert sandbox.faults.count(MESSAGES, "GET") == 3

    arun(go())


def test_429_gives_up_after_bounded_attempts(sandbox: TwilioSandbox, arun: Any) -> None:
    async def go() -> None:
        async with connector(sandbox) as tw:
            sandbox.faults.inject("429", count=10, path=MESSAGES, method="GET", retry_after=0)
            with pytest.raises(ServiceUnavailable):
                await tw.messages_page(None)
            assert sandbox.faults.count(MESSAGES, "GET") == FAST.attempts

    arun(go())


class Waits:
    """The connector's injectable ``sleep``: records each backoff instead of sleeping."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


RETRY_AFTER_S = 600  # far above the policy's own backoff (0.01 s, 0.02 s…): only the header
PATIENT = RetryPolicy(attempts=4, base_delay=0.01, max_delay=3600.0)  # explains such a wait


def http_date(seconds_ahead: int) -> str:
    """Retry-After's other form: "Mon, 07 Dec 2026 00:10:00 GMT" (whole seconds)."""
    when = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=seconds_ahead)
    return email.utils.format_datetime(when, usegmt=True)


@pytest.mark.parametrize("status", [429, 503])
@pytest.mark.parametrize("form", ["seconds", "http-date"])
def test_retry_after_is_honoured_in_both_its_forms(
    sandbox: TwilioSandbox, arun: Any, form: str, status: int
) -> None:
    """The waits the connector asks for follow the Retry-After the sandbox sent (plus at most
    25 % jitter), whether it came as seconds or as an HTTP date."""
    header = str(RETRY_AFTER_S) if form == "seconds" else http_date(RETRY_AFTER_S)
    waits = Waits()

    async def go() -> int:
        creds = TwilioCredentials(sandbox.account.sid, sandbox.account.sid,
                                  sandbox.account.auth_token)
        async with TwilioConnector(creds, ApiBases(sandbox.base_url, sandbox.studio_base_url),
                                   policy=PATIENT, page_size=2, sleep=waits) as tw:
            await send(tw, 1)
            sandbox.faults.clear()
            if status == 429:
                sandbox.faults.inject("429", count=2, path=MESSAGES, method="GET",
                                      retry_after=header)
            else:
                sandbox.faults.inject("status", status=status, count=2, path=MESSAGES,
                                      method="GET", retry_after=header)
            return len((await tw.messages_page(None)).records)

    assert arun(go()) == 1
    assert sandbox.faults.count(MESSAGES, "GET") == 3  # two refused, the third answered
    assert len(waits.seconds) == 2, waits.seconds
    # An HTTP date is counted from the moment the answer is read: allow the test's own
    # seconds between writing the header and reading the answer (never near 10 s).
    low = RETRY_AFTER_S - (0 if form == "seconds" else 10)
    assert all(low <= w <= RETRY_AFTER_S * 1.25 for w in waits.seconds), waits.seconds


def test_401_raises_auth_failed_without_retrying(sandbox: TwilioSandbox, arun: Any) -> None:
    async def go() -> None:
        async with connector(sandbox, token="wrong") as tw:
            with pytest.raises(AuthFailed) as fetch_err:
                await tw.test_connection()
            with pytest.raises(AuthFailed):
                await tw.calls_page(None)
        assert "20003" in fetch_err.value.message and fetch_err.value.service == "twilio"
        assert sandbox.faults.count(r"/Calls\.json$") == 1

    arun(go())


def test_api_key_credentials(sandbox: TwilioSandbox, arun: Any) -> None:
    key, secret = sandbox.add_api_key()

    async def go() -> None:
        async with connector(sandbox, user=key, token=secret) as tw:
            assert await tw.test_connection()
            assert [n.phone_number for n in await tw.list_numbers()] == [NUMBER]

    arun(go())


def test_malformed_record_is_quarantined_and_the_rest_proceeds(
    sandbox: TwilioSandbox, arun: Any
) -> None:
    async def go() -> None:
        async with connector(sandbox, page_size=10) as tw:
            await send(tw, 3)
            sandbox.faults.inject("missing_sid", path=MESSAGES, method="GET")
            page = await tw.messages_page(None)
            assert len(page.records) == 2 and not page.broken
            [q] = page.quarantined
            assert (q.service, q.resource, q.reason) == ("twilio", "messages", "the record has no sid")
            assert '"body": "hello' in q.payload

    arun(go())


def test_non_json_page_is_retried_then_quarantined_whole(
    sandbox: TwilioSandbox, arun: Any
) -> None:
    async def go() -> None:
        async with connector(sandbox, page_size=10) as tw:
            await send(tw, 2)
            sandbox.faults.inject("non_json", count=1, path=MESSAGES, method="GET")
            assert len((await tw.messages_page(None)).records) == 2  # retried
            sandbox.faults.inject("non_json", count=10, path=MESSAGES, method="GET")
            page = await tw.messages_page(None)
            assert page.broken and page.records == [] and page.next_url is None
            [q] = page.quarantined
            assert "not JSON" in q.reason and q.payload.startswith('{"messages"')

    arun(go())


def test_unreachable_service_is_offline(arun: Any) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: connection refused
    base = f"http://127.0.0.1:{port}"

    async def go() -> None:
        creds = TwilioCredentials.auth_token("AC" + "0" * 32, "token")
        async with TwilioConnector(creds, ApiBases(base, base), policy=FAST) as tw:
            with pytest.raises(Offline):
                await tw.test_connection()

    arun(go())


def test_numbers_flows_and_recordings(sandbox: TwilioSandbox, arun: Any) -> None:
    async def go() -> None:
        async with connector(sandbox) as tw:
            [number] = await tw.list_numbers()
            assert (await tw.validate_flow("x", simple_flow())).valid
            assert not (await tw.validate_flow("x", {"states": []})).valid
            flow = await tw.create_flow("Reception", simple_flow())
            assert flow.status == "published" and flow.webhook_url.endswith(flow.sid)
            assert (await tw.update_flow(flow.sid, simple_flow())).revision == 2
            pointed = await tw.point_number(number.sid, flow.webhook_url, flow.webhook_url)
            assert pointed.voice_url == pointed.sms_url == flow.webhook_url
            fn = sandbox.place_inbound_call(NUMBER, CALLER, "Ada", {"voicemail": "3"})
            context = await tw.execution_context(flow.sid, fn)
            call_sid = context["trigger"]["call"]["CallSid"]
            steps = await tw.execution_steps(flow.sid, fn)
            assert steps and steps[-1]["transitioned_to"] == "Ended"
            call = await tw.fetch_call(call_sid)
            assert call["sid"] == call_sid and call["price"].startswith("-")
            [rec] = await tw.call_recordings(call_sid)
            assert isinstance(rec["price"], float)  # this endpoint types price as a number
            audio = await tw.download_recording(rec["sid"])
            assert audio[:4] == b"RIFF"

    arun(go())


def test_config_from_environment() -> None:
    env = {"MILO_TWILIO_API_BASE": "http://127.0.0.1:9/", "TWILIO_ACCOUNT_SID": "AC1",
           "TWILIO_AUTH_TOKEN": "tok"}
    bases = api_bases(studio_base="http://studio.local", env=env)
    assert bases == ApiBases("http://127.0.0.1:9", "http://studio.local")
    assert bases.rewrite("https://api.twilio.com/2010-04-01/x.json?a=1") == (
        "http://127.0.0.1:9/2010-04-01/x.json?a=1")
    assert api_bases(env={}) == ApiBases()
    creds = credentials_from_env(env)
    assert creds == TwilioCredentials("AC1", "AC1", "tok") and "tok" not in repr(creds)
    assert credentials_from_env({}) is None


def test_price_micros() -> None:
    assert price_micros("-0.00790") == 7900
    assert price_micros(-0.0025) == 2500
    assert price_micros(None) is None and price_micros("") is None
    with pytest.raises(ValueError):
        price_micros("free")


def simple_flow() -> dict[str, Any]:
    """Greet, record a voicemail, end."""
    def state(name: str, kind: str, props: dict[str, Any], *transitions: Any) -> dict[str, Any]:
        return {"name": name, "type": kind, "properties": {**props, "offset": {"x": 0, "y": 0}},
                "transitions": [dict(t) for t in transitions]}

    return {
        "description": "test", "initial_state": "Trigger",
        "flags": {"allow_concurrent_calls": True},
        "states": [
            state("Trigger", "trigger", {}, {"event": "incomingCall", "next": "greet"},
                  {"event": "incomingMessage"}, {"event": "incomingRequest"}),
            state("greet", "say-play", {"say": "Hello."},
                  {"event": "audioComplete", "next": "voicemail"}),
            state("voicemail", "record-voicemail", {"max_length": 60},
                  {"event": "recordingComplete"}, {"event": "noAudio"}, {"event": "hangup"}),
        ],
    }
