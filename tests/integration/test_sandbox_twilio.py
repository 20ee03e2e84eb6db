"""The Twilio sandbox over real sockets: the real twilio client (its HttpClient pointed at the
sandbox) and plain httpx; and the sandbox's answers checked against Twilio's OpenAPI files."""

from __future__ import annotations

import asyncio
import io
import json
import wave
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from milo_desktop.sandbox.twilio_contract import Spec
from milo_desktop.sandbox.twilio_flowrun import builtin_runner, simulator_runner
from milo_desktop.sandbox.twilio_server import TwilioSandbox
from tests.inputs import twilio_spec

NUMBER = "+15550001111"
CALLER = "+15557654321"


class SandboxHttpClient(TwilioHttpClient):
    """Sends the twilio client's requests (api / studio hosts) to the sandbox."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        parts = urlsplit(url)
        local = self.base_url + parts.path + (f"?{parts.query}" if parts.query else "")
        return super().request(method, local, *args, **kwargs)


def flow_definition() -> dict[str, Any]:
    """A small receptionist: greet, name, one yes/no question, voicemail, confirmation SMS."""

    def state(name: str, kind: str, props: dict[str, Any], *transitions: Any) -> dict[str, Any]:
        return {"name": name, "type": kind, "properties": {**props, "offset": {"x": 0, "y": 0}},
                "transitions": [dict(t) for t in transitions]}

    gather = {"say": "What is your name?", "speech_timeout": "auto", "timeout": 5}
    return {
        "description": "test receptionist",
        "initial_state": "Trigger",
        "flags": {"allow_concurrent_calls": True},
        "states": [
            state("Trigger", "trigger", {}, {"event": "incomingCall", "next": "greet"},
                  {"event": "incomingMessage"}, {"event": "incomingRequest"}),
            state("greet", "say-play", {"say": "Hello, this is Milo."},
                  {"event": "audioComplete", "next": "ask_name"}),
            state("ask_name", "gather-input-on-call", gather,
                  {"event": "speech", "next": "q_1"}, {"event": "keypress", "next": "q_1"},
                  {"event": "timeout", "next": "q_1"}),
            state("q_1", "gather-input-on-call", {"say": "Can you lift 50 pounds?"},
                  {"event": "speech", "next": "check"}, {"event": "keypress", "next": "check"},
                  {"event": "timeout", "next": "voicemail"}),
            {"name": "check", "type": "split-based-on",
             "properties": {"input": "{{widgets.q_1.SpeechResult}}", "offset": {"x": 0, "y": 0}},
             "transitions": [{"event": "noMatch", "next": "voicemail"},
                             {"event": "match", "next": "set_yes", "conditions": [
                                 {"friendly_name": "yes", "arguments": ["{{widgets.q_1.SpeechResult}}"],
                                  "type": "contains", "value": "yes"}]}]},
            state("set_yes", "set-variables", {"variables": [{"key": "lifts", "value": "yes"}]},
                  {"event": "next", "next": "voicemail"}),
            state("voicemail", "record-voicemail", {"max_length": 60, "play_beep": "true"},
                  {"event": "recordingComplete", "next": "confirm_sms"},
                  {"event": "noAudio", "next": "confirm_sms"},
                  {"event": "hangup", "next": "confirm_sms"}),
            state("confirm_sms", "send-and-wait-for-reply",
                  {"from": "{{flow.channel.address}}", "to": "{{contact.channel.address}}",
                   "body": "Hi {{widgets.ask_name.SpeechResult}}, reply YES to confirm.",
                   "timeout": "3600"},
                  {"event": "incomingMessage"}, {"event": "timeout"},
                  {"event": "deliveryFailure"}),
        ],
    }


RUNNERS = {"simulator": simulator_runner, "builtin": builtin_runner}


@pytest.fixture
def sandbox(request: pytest.FixtureRequest) -> Iterator[TwilioSandbox]:
    sb = TwilioSandbox(runner=RUNNERS[getattr(request, "param", "simulator")])
    with sb.running():
        yield sb


def make_client(sandbox: TwilioSandbox, user: str | None = None, secret: str | None = None,
                account_sid: str | None = None) -> Client:
    return Client(user or sandbox.account.sid, secret or sandbox.account.auth_token,
                  account_sid=account_sid, http_client=SandboxHttpClient(sandbox.base_url))


@pytest.fixture
def client(sandbox: TwilioSandbox) -> Iterator[Client]:
    twilio = make_client(sandbox)
    yield twilio
    twilio.http_client.session.close()


@pytest.fixture
def http(sandbox: TwilioSandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.base_url,
                      auth=(sandbox.account.sid, sandbox.account.auth_token)) as h:
        yield h


def published_flow(client: Client, sandbox: TwilioSandbox) -> tuple[str, str]:
    """(flow sid, PN sid) with NUMBER's VoiceUrl/SmsUrl pointed at the flow."""
    flow = client.studio.v2.flows.create(
        friendly_name="Receptionist", status="published",
        definition=flow_definition(), commit_message="first",
    )
    pn = sandbox.add_number(NUMBER, "Front desk")
    client.incoming_phone_numbers(pn).update(voice_url=flow.webhook_url, sms_url=flow.webhook_url)
    return flow.sid, pn


def acct_path(sandbox: TwilioSandbox, tail: str) -> str:
    return f"/2010-04-01/Accounts/{sandbox.account.sid}/{tail}"


# -- 2010 API through the real client -----------------------------------------------------
def test_messages_create_then_page_through_120_with_relative_next_page_uri(
    sandbox: TwilioSandbox, client: Client, http: httpx.Client
) -> None:
    sent = [client.messages.create(to=f"+1555000{i:04d}", from_=NUMBER, body=f"hello {i}")
            for i in range(120)]
    assert sent[0].status == "queued" and sent[0].price is None
    assert sent[0].num_segments == "1" and sent[0].sid.startswith("SM")

    sandbox.faults.clear()
    page = client.messages.page(page_size=50)
    sizes = []
    seen: list[str] = []
    while page is not None:
        rows = list(page)
        sizes.append(len(rows))
        seen += [m.sid for m in rows]
        page = page.next_page()
    assert sizes == [50, 50, 20]
    assert sorted(seen) == sorted(m.sid for m in sent)
    assert sandbox.faults.count(r"/Messages\.json$", "GET") == 3

    raw = http.get(acct_path(sandbox, "Messages.json"), params={"PageSize": 50}).json()
    assert raw["next_page_uri"].startswith(acct_path(sandbox, "Messages.json?"))
    assert "PageToken=PA" in raw["next_page_uri"] and "Page=1" in raw["next_page_uri"]
    assert (raw["page"], raw["page_size"], raw["start"], raw["end"]) == (0, 50, 0, 49)
    assert raw["previous_page_uri"] is None
    second = http.get(raw["next_page_uri"]).json()
    assert (second["page"], second["start"], second["end"]) == (1, 50, 99)
    assert "PageToken=PB" in second["previous_page_uri"]
    back = http.get(second["previous_page_uri"]).json()
    assert [m["sid"] for m in back["messages"]] == [m["sid"] for m in raw["messages"]]

    # Later the message is delivered and priced (as strings).
    fetched = client.messages(sent[0].sid).fetch()
    assert fetched.status == "delivered" and fetched.price == "-0.00790"
    assert fetched.price_unit == "USD" and fetched.date_sent is not None


def test_message_list_filters_and_required_parameters(
    sandbox: TwilioSandbox, client: Client
) -> None:
    client.messages.create(to=CALLER, from_=NUMBER, body="one")
    client.messages.create(to="+15559990000", from_=NUMBER, body="two")
    assert [m.body for m in client.messages.list(to=CALLER)] == ["one"]
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    assert len(client.messages.list(date_sent_after=datetime.now(UTC) - timedelta(hours=1))) == 2
    assert client.messages.list(date_sent_after=tomorrow) == []
    assert len(client.messages.list(date_sent_before=tomorrow)) == 2
    for kwargs, code in (({"to": "", "from_": NUMBER, "body": "x"}, 21604),
                         ({"to": CALLER, "from_": NUMBER}, 21602),
                         ({"to": CALLER, "body": "x"}, 21603)):
        with pytest.raises(TwilioRestException) as err:
            client.messages.create(**kwargs)
        assert (err.value.status, err.value.code) == (400, code)


def test_wrong_credentials_answer_401_20003_and_api_keys_work(sandbox: TwilioSandbox) -> None:
    wrong = make_client(sandbox, sandbox.account.sid, "not-the-token")
    other = sandbox.add_account()
    intruder = make_client(sandbox, other.sid, other.auth_token, account_sid=sandbox.account.sid)
    key, secret = sandbox.add_api_key()
    keyed = make_client(sandbox, key, secret, account_sid=sandbox.account.sid)
    try:
        for bad in (wrong, intruder):
            with pytest.raises(TwilioRestException) as err:
                bad.messages.create(to=CALLER, from_=NUMBER, body="hi")
            assert (err.value.status, err.value.code) == (401, 20003)
        with pytest.raises(TwilioRestException) as err:
            wrong.studio.v2.flows("FW" + "0" * 32).fetch()
        assert err.value.status == 401
        assert keyed.messages.create(to=CALLER, from_=NUMBER, body="hi").status == "queued"
        assert keyed.api.v2010.accounts(sandbox.account.sid).fetch().status == "active"
    finally:
        for c in (wrong, intruder, keyed):
            c.http_client.session.close()


def test_injected_429_reaches_the_client_then_clears(sandbox: TwilioSandbox, client: Client) -> None:
    sandbox.faults.inject("429", count=2, path=r"/Messages\.json$", retry_after=3)
    with pytest.raises(TwilioRestException) as err:
        client.messages.create(to=CALLER, from_=NUMBER, body="hi")
    assert (err.value.status, err.value.code) == (429, 20429)
    with pytest.raises(TwilioException) as page_err:
        client.messages.list()
    response = page_err.value.args[1]
    assert response.status_code == 429 and response.headers["Retry-After"] == "3"
    assert json.loads(response.text)["code"] == 20429
    assert client.messages.list() == []
    assert sandbox.faults.count(r"/Messages\.json$") == 3


def test_server_errors_and_malformed_pages(
    sandbox: TwilioSandbox, client: Client, http: httpx.Client
) -> None:
    for i in range(3):
        client.messages.create(to=CALLER, from_=NUMBER, body=f"m{i}")
    path = acct_path(sandbox, "Messages.json")
    sandbox.faults.inject("500", path="Messages", method="GET")
    failed = http.get(path)
    assert failed.status_code == 500 and failed.json()["code"] == 20500
    sandbox.faults.inject("missing_sid", path="Messages", method="GET")
    rows = http.get(path).json()["messages"]
    assert "sid" not in rows[0] and all("sid" in r for r in rows[1:])
    sandbox.faults.inject("non_json", path="Messages", method="GET")
    cut = http.get(path)
    assert cut.status_code == 200
    with pytest.raises(ValueError):
        cut.json()
    assert len(http.get(path).json()["messages"]) == 3


def test_paging_errors_and_the_json_suffix(sandbox: TwilioSandbox, http: httpx.Client) -> None:
    too_big = http.get(acct_path(sandbox, "Calls.json"), params={"PageSize": 1001})
    assert too_big.status_code == 400
    body = too_big.json()
    assert body["code"] == 20007 and body["status"] == 400
    assert body["more_info"] == "https://www.twilio.com/docs/errors/20007"
    assert http.get(acct_path(sandbox, "Calls.json"), params={"PageSize": 1000}).status_code == 200
    bad = http.get(acct_path(sandbox, "Calls.json"), params={"PageToken": "PAnonsense"})
    assert (bad.status_code, bad.json()["code"]) == (400, 21481)
    xml = http.get(acct_path(sandbox, "Calls"))
    assert xml.status_code == 404 and "<Code>20404</Code>" in xml.text
    missing = http.get(acct_path(sandbox, "Calls/CA" + "0" * 32 + ".json"))
    assert missing.status_code == 404 and missing.json()["code"] == 20404


def test_calls_create_filter_and_errors(sandbox: TwilioSandbox, client: Client) -> None:
    made = client.calls.create(to=CALLER, from_=NUMBER, url="https://example.com/twiml")
    assert made.status == "queued" and made.direction == "outbound-api"
    assert made.price is None and made.duration is None
    done = client.calls(made.sid).fetch()
    assert done.status == "completed" and done.price == "-0.00000"
    published_flow(client, sandbox)
    sandbox.place_inbound_call(NUMBER, CALLER, "Ada", {"ask_name": "Ada", "q_1": "yes"})
    assert {c.direction for c in client.calls.list(to=NUMBER)} == {"inbound"}
    assert len(client.calls.list(status="completed")) == 2
    assert client.calls.list(from_="+15550000000") == []
    today = datetime.now(UTC).date()
    assert len(client.calls.list(start_time_after=today)) == 2
    assert client.calls.list(start_time_before=today - timedelta(days=1)) == []
    with pytest.raises(TwilioRestException) as err:
        client.calls.create(to="", from_=NUMBER, url="https://example.com")
    assert (err.value.status, err.value.code) == (400, 21201)


def test_incoming_phone_numbers_filter_and_update(sandbox: TwilioSandbox, client: Client) -> None:
    pn = sandbox.add_number(NUMBER, "Front desk")
    sandbox.add_number("+15550002222", "Night line")
    assert [n.sid for n in client.incoming_phone_numbers.list(phone_number=NUMBER)] == [pn]
    assert len(client.incoming_phone_numbers.list(phone_number="555000")) == 2
    assert len(client.incoming_phone_numbers.list()) == 2
    updated = client.incoming_phone_numbers(pn).update(
        voice_url="https://webhooks.twilio.com/v1/Accounts/AC/Flows/FW", sms_method="POST"
    )
    assert updated.voice_url.startswith("https://webhooks.twilio.com/")
    assert client.incoming_phone_numbers(pn).fetch().voice_url == updated.voice_url
    assert updated.capabilities == {"voice": True, "sms": True, "mms": True, "fax": False}


# -- Studio --------------------------------------------------------------------------------
def test_flows_create_update_page_with_absolute_next_page_url(
    sandbox: TwilioSandbox, client: Client, http: httpx.Client
) -> None:
    flows = [client.studio.v2.flows.create(friendly_name=f"Flow {i}", status="published",
                                           definition=flow_definition()) for i in range(7)]
    first = flows[0]
    assert first.revision == 1 and first.valid is True and first.errors == []
    assert first.webhook_url == (
        f"https://webhooks.twilio.com/v1/Accounts/{sandbox.account.sid}/Flows/{first.sid}"
    )
    assert first.definition["initial_state"] == "Trigger"
    assert first.links["executions"].endswith(f"/v2/Flows/{first.sid}/Executions")

    sandbox.faults.clear()
    assert sorted(f.sid for f in client.studio.v2.flows.list(page_size=3)) == sorted(
        f.sid for f in flows
    )
    assert sandbox.faults.count(r"^/v2/Flows$", "GET") == 3
    meta = http.get("/v2/Flows", params={"PageSize": 3}).json()["meta"]
    assert meta["next_page_url"].startswith(sandbox.studio_base_url + "/v2/Flows?")
    assert meta["key"] == "flows" and meta["previous_page_url"] is None

    definition = flow_definition()
    definition["states"][1]["properties"]["say"] = "Hi there."
    updated = client.studio.v2.flows(first.sid).update(status="published", definition=definition,
                                                       commit_message="greeting")
    assert updated.revision == 2 and updated.commit_message == "greeting"
    assert client.studio.v2.flows(first.sid).update(status="draft").revision == 2
    assert client.studio.v2.flows(first.sid).delete() is True
    with pytest.raises(TwilioRestException) as err:
        client.studio.v2.flows(first.sid).fetch()
    assert (err.value.status, err.value.code) == (404, 20404)


@pytest.mark.parametrize(
    ("break_it", "path"),
    [
        (lambda d: d.update(initial_state="Nowhere"), "#/initial_state"),
        (lambda d: d["states"][1]["transitions"][0].update(next="missing"),
         "#/states/1/transitions/0/next"),
        (lambda d: d.update(states=[]), "#/states"),
        (lambda d: d.update(states=d["states"] * 200), "#/states"),
        (lambda d: d["states"][1]["transitions"][0].update(event="audio_complete"),
         "#/states/1/transitions/0/event"),
    ],
)
def test_validate_rejects_broken_definitions(
    client: Client, http: httpx.Client, break_it: Any, path: str
) -> None:
    good = client.studio.v2.flow_validate.update(
        friendly_name="ok", status="published", definition=flow_definition()
    )
    assert good.valid is True
    broken = flow_definition()
    break_it(broken)
    answer = http.post("/v2/Flows/Validate", data={
        "FriendlyName": "bad", "Status": "published", "Definition": json.dumps(broken)})
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == 20001 and body["status"] == 400
    assert path in [e["property_path"] for e in body["details"]["errors"]]
    with pytest.raises(TwilioRestException) as err:
        client.studio.v2.flows.create(friendly_name="bad", status="published", definition=broken)
    assert err.value.status == 400
    draft = client.studio.v2.flows.create(friendly_name="wip", status="draft", definition=broken)
    assert draft.valid is False and draft.errors


def test_executions_create_list_filter_and_end(sandbox: TwilioSandbox, client: Client) -> None:
    flow_sid, _ = published_flow(client, sandbox)
    flow = client.studio.v2.flows(flow_sid)
    started = flow.executions.create(to=CALLER, from_=NUMBER, parameters={"job": "forklift"})
    assert started.status == "active" and started.contact_channel_address == CALLER
    context = flow.executions(started.sid).execution_context().fetch().context
    assert context["flow"]["data"] == {"job": "forklift"}
    assert [e.sid for e in flow.executions.list(status="active")] == [started.sid]
    ended = flow.executions(started.sid).update(status="ended")
    assert ended.status == "ended"
    assert flow.executions.list(status="active") == []
    hour_ago = datetime.now(UTC) - timedelta(hours=1)
    assert len(flow.executions.list(date_created_from=hour_ago)) == 1
    assert flow.executions.list(date_created_to=hour_ago) == []
    with pytest.raises(TwilioRestException) as err:
        flow.executions.create(to="", from_=NUMBER)
    assert err.value.status == 400


# -- simulated inbound calls ---------------------------------------------------------------
@pytest.mark.parametrize("sandbox", list(RUNNERS), indirect=True)
def test_inbound_call_leaves_linked_call_execution_recording_and_messages(
    sandbox: TwilioSandbox, client: Client, http: httpx.Client
) -> None:
    flow_sid, pn = published_flow(client, sandbox)
    fn = sandbox.place_inbound_call(
        NUMBER, CALLER, "Ada Lovelace",
        {"ask_name": "Ada Lovelace", "q_1": "yes I can", "voicemail": "12", "confirm_sms": "YES"},
    )
    execution = client.studio.v2.flows(flow_sid).executions(fn).fetch()
    assert execution.status == "ended" and execution.contact_channel_address == CALLER
    call = client.calls(execution.initiated_by).fetch()
    assert (call.direction, call.status, call.to, call.caller_name) == (
        "inbound", "completed", NUMBER, "Ada Lovelace")
    assert call.phone_number_sid == pn
    assert int(call.duration) >= 12 and call.price.startswith("-") and call.price_unit == "USD"

    ctx = client.studio.v2.flows(flow_sid).executions(fn).execution_context().fetch().context
    widgets = ctx["widgets"]
    assert widgets["ask_name"]["SpeechResult"] == "Ada Lovelace"
    assert widgets["q_1"]["CallSid"] == call.sid
    assert ctx["flow"]["variables"] == {"lifts": "yes"}
    assert ctx["trigger"]["call"]["CallSid"] == call.sid
    assert ctx["contact"]["channel"]["address"] == CALLER

    steps = client.studio.v2.flows(flow_sid).executions(fn).steps.list()
    assert [s.transitioned_from for s in steps] == [
        "Trigger", "greet", "ask_name", "q_1", "check", "set_yes", "voicemail", "confirm_sms"]
    assert steps[0].name == "incomingCall" and steps[-1].transitioned_to == "Ended"
    assert steps[-1].name == "incomingMessage"

    (recording,) = client.recordings.list(call_sid=call.sid)
    assert recording.duration == "12" and recording.sid == widgets["voicemail"]["RecordingSid"]
    assert client.calls(call.sid).recordings.list()[0].sid == recording.sid
    outbound = client.messages(widgets["confirm_sms"]["outbound"]["Sid"]).fetch()
    assert outbound.body == "Hi Ada Lovelace, reply YES to confirm."
    assert (outbound.to, outbound.from_, outbound.direction) == (CALLER, NUMBER, "outbound-api")
    reply = client.messages(widgets["confirm_sms"]["inbound"]["MessageSid"]).fetch()
    assert (reply.body, reply.direction, reply.status) == ("YES", "inbound", "received")
    assert reply.price.startswith("-")
    transcript = sandbox.transcript(fn)
    assert ("caller", "yes I can") in transcript

    media = http.get(widgets["voicemail"]["RecordingUrl"] + ".wav")
    assert media.headers["content-type"] == "audio/x-wav"
    with wave.open(io.BytesIO(media.content)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 8000)
        assert wav.getnframes() == 12 * 8000
    assert http.get(recording.media_url).content == media.content  # no suffix: WAV too
    assert http.get(recording.media_url + ".mp3").status_code == 404
    assert httpx.get(recording.media_url + ".wav").status_code == 401  # media needs auth too


@pytest.mark.parametrize("sandbox", list(RUNNERS), indirect=True)
def test_caller_who_hangs_up_leaves_no_recording(sandbox: TwilioSandbox, client: Client) -> None:
    flow_sid, _ = published_flow(client, sandbox)
    fn = sandbox.place_inbound_call(NUMBER, CALLER, "Bo", {"ask_name": "Bo"}, hang_up_at="q_1")
    steps = client.studio.v2.flows(flow_sid).executions(fn).steps.list()
    assert [s.transitioned_from for s in steps][:3] == ["Trigger", "greet", "ask_name"]
    assert {s.transitioned_from for s in steps} <= {"Trigger", "greet", "ask_name", "q_1"}
    call_sid = client.studio.v2.flows(flow_sid).executions(fn).fetch().initiated_by
    assert client.recordings.list(call_sid=call_sid) == []
    assert client.messages.list() == []
    with pytest.raises(LookupError):
        sandbox.place_inbound_call("+15550009999", CALLER, "Nobody", {})


def test_async_start_stop_on_the_running_loop() -> None:
    async def main() -> int:
        sandbox = TwilioSandbox()
        await sandbox.start()
        try:
            async with httpx.AsyncClient(
                auth=(sandbox.account.sid, sandbox.account.auth_token)
            ) as h:
                answer = await h.get(f"{sandbox.base_url}/v2/Flows")
            return answer.status_code
        finally:
            await sandbox.stop()

    assert asyncio.run(main()) == 200


# -- contract: answers against Twilio's OpenAPI files --------------------------------------
@pytest.fixture(scope="module")
def world() -> Iterator[tuple[TwilioSandbox, dict[str, str]]]:
    """A sandbox holding one of everything, and the sids to build paths from."""
    sandbox = TwilioSandbox()
    with sandbox.running():
        twilio = make_client(sandbox)
        try:
            flow_sid, pn = published_flow(twilio, sandbox)
            fn = sandbox.place_inbound_call(
                NUMBER, CALLER, "Ada", {"ask_name": "Ada", "q_1": "yes", "voicemail": "5"})
            twilio.messages.create(to=CALLER, from_=NUMBER, body="queued one")
            twilio.calls.create(to=CALLER, from_=NUMBER, url="https://example.com/twiml")
            with sandbox.state.lock:
                steps = sandbox.state.steps[fn]
                execution = sandbox.state.executions[fn]
                call = sandbox.state.calls[execution.data["initiated_by"]]
                recording = next(iter(sandbox.state.recordings))
                message = next(iter(sandbox.state.messages))
            ids = {"AccountSid": sandbox.account.sid, "Sid": "", "FlowSid": flow_sid, "PN": pn,
                   "FN": fn, "FT": steps[-1].sid, "CA": call.sid, "RE": recording,
                   "SM": message}
            yield sandbox, ids
        finally:
            twilio.http_client.session.close()


def _spec(name: str) -> Spec:
    return twilio_spec(name)  # tests/data/twilio-oai; a failure under CI=true when missing


A = "/2010-04-01/Accounts/{AccountSid}"
STUDIO_DEF = json.dumps(flow_definition())
CONTRACTS_2010 = [
    # (spec path, method, status, concrete path (format with ids), form)
    (f"{A}.json".replace("{AccountSid}", "{Sid}"), "get", 200, "/2010-04-01/Accounts/{AccountSid}.json", None),
    (f"{A}/Calls.json", "get", 200, A + "/Calls.json", None),
    (f"{A}/Calls.json", "post", 201, A + "/Calls.json",
     {"To": CALLER, "From": NUMBER, "Url": "https://example.com/t"}),
    (f"{A}/Calls/{{Sid}}.json", "get", 200, A + "/Calls/{CA}.json", None),
    (f"{A}/Calls/{{CallSid}}/Recordings.json", "get", 200, A + "/Calls/{CA}/Recordings.json", None),
    (f"{A}/Calls/{{CallSid}}/Recordings/{{Sid}}.json", "get", 200,
     A + "/Calls/{CA}/Recordings/{RE}.json", None),
    (f"{A}/Recordings.json", "get", 200, A + "/Recordings.json", None),
    (f"{A}/Recordings/{{Sid}}.json", "get", 200, A + "/Recordings/{RE}.json", None),
    (f"{A}/Messages.json", "get", 200, A + "/Messages.json", None),
    (f"{A}/Messages.json", "post", 201, A + "/Messages.json",
     {"To": CALLER, "From": NUMBER, "Body": "hello"}),
    (f"{A}/Messages/{{Sid}}.json", "get", 200, A + "/Messages/{SM}.json", None),
    (f"{A}/IncomingPhoneNumbers.json", "get", 200, A + "/IncomingPhoneNumbers.json", None),
    (f"{A}/IncomingPhoneNumbers/{{Sid}}.json", "get", 200, A + "/IncomingPhoneNumbers/{PN}.json",
     None),
    (f"{A}/IncomingPhoneNumbers/{{Sid}}.json", "post", 200, A + "/IncomingPhoneNumbers/{PN}.json",
     {"FriendlyName": "Front desk"}),
]
E = "/v2/Flows/{FlowSid}/Executions"
CONTRACTS_STUDIO = [
    ("/v2/Flows", "get", 200, "/v2/Flows", None),
    ("/v2/Flows", "post", 201, "/v2/Flows",
     {"FriendlyName": "x", "Status": "draft", "Definition": STUDIO_DEF}),
    ("/v2/Flows/{Sid}", "get", 200, "/v2/Flows/{FlowSid}", None),
    ("/v2/Flows/{Sid}", "post", 200, "/v2/Flows/{FlowSid}",
     {"Status": "published", "Definition": STUDIO_DEF}),
    ("/v2/Flows/Validate", "post", 200, "/v2/Flows/Validate",
     {"FriendlyName": "x", "Status": "published", "Definition": STUDIO_DEF}),
    (E, "get", 200, E, None),
    (E, "post", 201, E, {"To": CALLER, "From": NUMBER, "Parameters": '{"a": 1}'}),
    (E + "/{Sid}", "get", 200, E + "/{FN}", None),
    (E + "/{ExecutionSid}/Context", "get", 200, E + "/{FN}/Context", None),
    (E + "/{ExecutionSid}/Steps", "get", 200, E + "/{FN}/Steps", None),
    (E + "/{ExecutionSid}/Steps/{Sid}", "get", 200, E + "/{FN}/Steps/{FT}", None),
    (E + "/{ExecutionSid}/Steps/{StepSid}/Context", "get", 200, E + "/{FN}/Steps/{FT}/Context",
     None),
]


def _contract(world: tuple[TwilioSandbox, dict[str, str]], spec_name: str, case: tuple) -> None:
    sandbox, ids = world
    spec_path, method, status, concrete, form = case
    spec = _spec(spec_name)
    schema = spec.response_schema(spec_path, method, status)
    with httpx.Client(auth=(sandbox.account.sid, sandbox.account.auth_token)) as h:
        answer = h.request(method.upper(), sandbox.base_url + concrete.format(**ids), data=form)
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert spec.check(body, schema) == []
    # Lists must hold records, or the item schema was never exercised.
    if "meta" in body or "page_size" in body:
        records = [v for v in body.values() if isinstance(v, list)]
        assert records and all(records), f"{concrete}: empty list page"


@pytest.mark.parametrize("case", CONTRACTS_2010, ids=[f"{c[1]} {c[0]}" for c in CONTRACTS_2010])
def test_2010_answers_match_twilio_spec(world: tuple[TwilioSandbox, dict[str, str]], case: tuple) -> None:
    _contract(world, "twilio_api_v2010.json", case)


@pytest.mark.parametrize("case", CONTRACTS_STUDIO, ids=[f"{c[1]} {c[0]}" for c in CONTRACTS_STUDIO])
def test_studio_answers_match_twilio_spec(
    world: tuple[TwilioSandbox, dict[str, str]], case: tuple
) -> None:
    _contract(world, "twilio_studio_v2.json", case)


def test_contract_checker_catches_what_it_claims(world: tuple[TwilioSandbox, dict[str, str]]) -> None:
    spec = _spec("twilio_api_v2010.json")
    schema = {"$ref": "#/components/schemas/api.v2010.account.message"}
    sandbox, ids = world
    with sandbox.state.lock:
        good = dict(sandbox.state.messages[ids["SM"]].data)
    assert spec.check(good, schema) == []
    problems = spec.check(dict(good, price=0.5, num_segments=None, status="lost", extra=1) | {
        "date_sent": "2019-05-24T17:44:46Z", "sid": "XX123"}, schema)
    text = " ".join(problems)
    for expected in ("$.price: float", "$.status: 'lost'", "extra is not in the spec",
                     "$.date_sent", "$.sid: 'XX123'"):
        assert expected in text
    del good["uri"]
    assert spec.check(good, schema) == ["$: missing uri"]


def test_compiled_receptionist_publishes_and_answers_a_scripted_call(
    sandbox: TwilioSandbox, client: Client
) -> None:
    """The app's compiler output passes the sandbox's Studio checks, and a call scripted with
    the simulator's own ScriptedCaller leaves an execution with the answers and a recording."""
    from milo_desktop.services.flows import (
        QuestionSpec,
        ReceptionistConfig,
        ScriptedCaller,
        Speech,
        compile_receptionist,
        question_widget,
    )
    from milo_desktop.services.flows.config import QuestionKind

    config = ReceptionistConfig(
        agent_name="Milo", intro_message="Thanks for calling Acme Staffing.",
        questions=(QuestionSpec("forklift", QuestionKind.YES_NO, "Can you drive a forklift?",
                                expected_yes=True),),
    )
    flow = client.studio.v2.flows.create(
        friendly_name="Acme", status="published", definition=compile_receptionist(config))
    pn = sandbox.add_number(NUMBER)
    client.incoming_phone_numbers(pn).update(voice_url=flow.webhook_url)
    widget = question_widget("forklift")
    caller = ScriptedCaller(number=CALLER, answers={
        "ask_name": Speech("Jane Doe"), widget: Speech("yeah I do"),
        "voicemail": Speech("I worked three years in a warehouse near Dallas"),
    })
    fn = sandbox.place_inbound_call(NUMBER, CALLER, "Jane Doe", caller)
    context = client.studio.v2.flows(flow.sid).executions(fn).execution_context().fetch().context
    assert context["widgets"][widget]["SpeechResult"] == "yeah I do"
    call_sid = context["trigger"]["call"]["CallSid"]
    assert client.calls(call_sid).fetch().status == "completed"
    recordings = client.recordings.list(call_sid=call_sid)
    assert [r.sid for r in recordings] == [context["widgets"]["voicemail"]["RecordingSid"]]
    confirmation = context["widgets"]["confirm_sms"]["outbound"]
    assert client.messages(confirmation["Sid"]).fetch().to == CALLER
