"""Every parser of a provider record, fed random JSON and mutated real records: the result is a
valid record (storable as it is) or a quarantine entry, never an exception.

Inputs: hypothesis ``st.recursive`` JSON (None, booleans, integers up to 5,000 digits, floats
with NaN and infinities, text with lone surrogates and NUL, lists, objects keyed with the
fields Twilio sends), and mutations of real records the sandbox produced (each key at any
depth dropped, or its value replaced by any JSON) — random ones, and every key replaced by
each poison value in turn. Deterministic (``derandomize``, seeded), no deadline. The number
of inputs fed to each parser is printed at the end of the module (the figures for the
closing note).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import random
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields, is_dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from milo_desktop.enums import QuestionKind, SpendKind
from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.call_evaluation.transcript import build_transcript
from milo_desktop.services.connectors import MalformedRecord, Quarantine
from milo_desktop.services.connectors.payloads import dump_payload, poison_in
from milo_desktop.services.connectors.twilio.connector import (
    TwilioPage,
    context_of,
    page_from_payload,
    split_records,
)
from milo_desktop.services.connectors.twilio.inbound import (
    CallerNumber,
    CollectedCall,
    Price,
    caller_number,
    read_call,
    record_price,
)
from milo_desktop.services.connectors.twilio.records import (
    MAX_COUNT,
    SID_RE,
    SPECS,
    context_problem,
    int_or_none,
    parse_time,
    price_micros,
    problem_with,
)
from milo_desktop.services.flows import (
    AnswerKey,
    CapturedAnswer,
    QuestionSpec,
    ReceptionistConfig,
    compile_receptionist,
    extract_answers,
)
from milo_desktop.services.flows.config import is_e164
from milo_desktop.services.stages.collect import (
    BadContext,
    Cost,
    answers_of,
    call_sids,
    check_context,
    message_sids,
    record_cost,
)
from milo_desktop.services.stages.studio import (
    ExecutionInfo,
    MessagePrice,
    execution_info,
    message_price_of,
)

# Sized so the module runs in well under a minute on two cores; drawing a document costs
# hypothesis ~10 ms, parsing it well under 1 ms.
POOL_SIZE = 400  # random JSON documents drawn once, fed to every parser
RANDOM_EXAMPLES = 20  # fresh documents drawn per parser
SEEDED_MUTATIONS = 500  # mutations of the parser's real sample per parser (seeded)
MUTATED_EXAMPLES = 30  # hypothesis-drawn mutations per parser


def fuzz(examples: int) -> settings:
    """Deterministic (the same inputs every run), no deadline, no example database."""
    return settings(max_examples=examples, derandomize=True, deadline=None, database=None,
                    print_blob=False,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


NUMBER = "+15550001111"
CALLER = "+12145550142"
QUESTIONS = (QuestionSpec("lift", QuestionKind.YES_NO, "Can you lift 50 pounds?",
                          expected_yes=True),
             QuestionSpec("shift", QuestionKind.MULTIPLE_CHOICE, "Which shift?",
                          choices=("Day", "Night")))
CONFIG = ReceptionistConfig(agent_name="Milo", intro_message="Thanks for calling.",
                            questions=QUESTIONS, collect_location=True)
DEFINITION = compile_receptionist(CONFIG)
FIGURES: Counter[str] = Counter()

# -- inputs ----------------------------------------------------------------------------------
POISON_VALUES: tuple[Any, ...] = (
    None, True, 0, -1, 10**400, -(10**400), 10**5000, 2**63, math.nan, math.inf, -math.inf,
    1e308, "", "NaN", "Infinity", "1e400", "-1", "\x00", "a\x00b", "\ud800", "FN\udfff",
    "x" * 150_000, "+1 (555) 01", "00000", "anonymous", "😀", "+266696687", [], {}, [None],
    {"a": None}, "not an object", ["a", "list"], {"nested": {"deeper": [None, {"x": None}]}},
)
KEYS = st.sampled_from([
    "sid", "price", "price_unit", "duration", "date_created", "start_time", "end_time", "to",
    "from", "status", "body", "calls", "messages", "executions", "recordings", "meta", "key",
    "next_page_uri", "next_page_url", "context", "widgets", "flow", "trigger", "call",
    "contact", "channel", "address", "From", "CallSid", "CallerName", "Digits",
    "SpeechResult", "Confidence", "RecordingUrl", "RecordingSid", "RecordingDuration",
    "inbound", "outbound", "Body", "ask_name", "ask_callback", "voicemail", "q_lift",
])
TEXT = st.text(st.one_of(st.characters(), st.characters(categories=["Cs"]),
                         st.sampled_from(["\x00", "\ud800", "0", "+", "-", "."])), max_size=24)
LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(),
    # Huge integers (400 and 5,000 digits: past Python's str() limit), built, not listed:
    # hypothesis prints its strategies' elements.
    st.sampled_from([(1, 400), (-1, 400), (1, 19), (1, 5000)]).map(lambda p: p[0] * 10**p[1]),
    st.floats(allow_nan=True, allow_infinity=True), TEXT,
    st.sampled_from([v for v in POISON_VALUES if not isinstance(v, int) or abs(v) < 10**4000]),
    st.from_regex(SID_RE, fullmatch=True),
    st.sampled_from(["2026-11-20T10:00:00Z", "Fri, 20 Nov 2026 10:00:00 +0000",
                     "9999-12-31T23:59:59-14:00", "Mon, 01 Jan 0001 00:00:00 +1400", "-0.0079",
                     "12", "https://studio.twilio.com/v2/Flows?Page=1", "ended", "active"]),
)
ANY_JSON = st.recursive(
    LEAVES,
    lambda children: st.one_of(st.lists(children, max_size=5),
                               st.dictionaries(st.one_of(KEYS, TEXT), children, max_size=6)),
    max_leaves=24,
)


def paths(doc: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key (and list index) of ``doc`` at any depth, as a path."""
    items = doc.items() if isinstance(doc, dict) else (
        enumerate(doc) if isinstance(doc, list) else ())
    for key, value in items:
        yield (*prefix, key)
        yield from paths(value, (*prefix, key))


def mutate(doc: Any, path: tuple[Any, ...], value: Any, drop: bool) -> Any:
    """``doc`` with the key at ``path`` dropped or set to ``value``: the containers on the
    path are copied, the rest shared (the parsers never change their input; the tests check)."""
    head, rest = path[0], path[1:]
    out = dict(doc) if isinstance(doc, dict) else list(doc)
    if rest:
        out[head] = mutate(doc[head], rest, value, drop)
    elif drop:
        del out[head]
    else:
        out[head] = value
    return out


def mutations(sample: Any) -> st.SearchStrategy[Any]:
    every = list(paths(sample))
    return st.tuples(st.sampled_from(every), ANY_JSON, st.booleans()).map(
        lambda t: mutate(sample, t[0], t[1], t[2]))


# -- samples: real records from the sandbox ----------------------------------------------------
def _samples() -> dict[str, Any]:
    sb = TwilioSandbox()
    flow = sb.add_flow(DEFINITION, "Front desk")
    sb.add_number(NUMBER, voice_url=flow.data["webhook_url"])
    fn = sb.place_inbound_call(NUMBER, CALLER, "Ada", {
        "ask_name": "Ada Lovelace", "ask_location": "Austin", "ask_callback": "2145550199",
        "q_lift": "yes", "q_shift": "2", "voicemail": "4", "confirm_sms": "YES"})
    state, origin = sb.state, "https://studio.twilio.com"
    context = state.contexts[fn]
    call_sid = context["trigger"]["call"]["CallSid"]
    # As the sandbox answers them (2010 records are stored as answered; Studio ones rendered).
    samples = {
        "execution": sb.studio._execution_json(state.executions[fn], origin),
        "context": context, "call": state.calls[call_sid].data,
        "recordings": [state.recordings[s].data
                       for s in state.recordings_by_call.get(call_sid, [])],
        "message": next(iter(state.messages.values())).data,
        "number": next(iter(state.numbers.values())).data,
        # A flow record of its own with a one-widget definition: the receptionist's has
        # hundreds of keys, each mutated 36 ways for nothing problem_with reads.
        "flow": sb.studio._flow_json(sb.add_flow({
            "description": "small", "initial_state": "Trigger", "flags": {},
            "states": [{"name": "Trigger", "type": "trigger", "transitions": [],
                        "properties": {"offset": {"x": 0, "y": 0}}}]}, "Small"), origin),
        "step": sb.studio._step_json(state.steps[fn][0], origin),
    }
    return dict(json.loads(json.dumps(samples)))  # plain JSON, as a client parses it


SAMPLES = _samples()
# The same call had the caller typed no callback number: the caller ID is what is kept.
NO_CALLBACK = {**SAMPLES["context"], "widgets": {
    k: v for k, v in SAMPLES["context"]["widgets"].items() if k != "ask_callback"}}


# -- what a valid result is ---------------------------------------------------------------------
def storable(text: Any, limit: int | None = None) -> bool:
    """Text both databases store: encodes as UTF-8, no NUL, within the column."""
    if not isinstance(text, str) or "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return limit is None or len(text) <= limit


def valid_quarantine(q: Quarantine) -> bool:
    ok = all(storable(v) for v in (q.service, q.resource, q.reason, q.payload)) and bool(
        q.reason) and (q.external_id is None or storable(q.external_id, 80))
    return ok and len(q.service) <= 40 and len(q.resource) <= 60


def aware(moment: Any) -> bool:
    return moment is None or (isinstance(moment, dt.datetime) and moment.tzinfo is not None)


def is_sid(value: Any) -> bool:
    return isinstance(value, str) and SID_RE.fullmatch(value) is not None


def valid(value: Any) -> bool:
    """A result a parser may give: each type's own check (recursively for containers)."""
    if isinstance(value, Quarantine):
        return valid_quarantine(value)
    if isinstance(value, TwilioPage):
        return (all(problem_with(value.resource, r) is None for r in value.records)
                and all(map(valid_quarantine, value.quarantined))
                and (value.next_url is None or (storable(value.next_url)
                                                and value.next_url.startswith("http")))
                and not (value.broken and (value.records or value.next_url)))
    if isinstance(value, CollectedCall):
        return (is_sid(value.execution_sid) and (value.call_sid is None or is_sid(value.call_sid))
                and (value.recording_sid is None or is_sid(value.recording_sid))
                and storable(value.caller_name, 200)
                and (value.from_e164 is None or is_e164(value.from_e164))
                and all(v is None or storable(v, 80)
                        for v in (value.caller_number_raw, value.callback_number_raw))
                and (value.location is None or storable(value.location, 120))
                and (value.duration_s is None or 0 <= value.duration_s <= MAX_COUNT)
                and aware(value.started_at) and aware(value.ended_at)
                and all(map(valid, value.prices)) and all(map(valid, value.quarantined)))
    if isinstance(value, Price | Cost):
        micros_ok = value.micros is None or (isinstance(value.micros, int)
                                             and 0 <= value.micros <= 10**12)
        return is_sid(value.sid) and micros_ok and storable(value.currency) and aware(
            value.occurred_at)
    if isinstance(value, CallerNumber):
        return (value.e164 is None or is_e164(value.e164)) and all(
            v is None or storable(v, 80) for v in (value.caller_raw, value.callback_raw))
    if isinstance(value, ExecutionInfo | MessagePrice):
        return all(valid_field(getattr(value, f.name)) for f in fields(value))
    if isinstance(value, CapturedAnswer):
        return all(valid_field(getattr(value, f.name)) for f in fields(value))
    if isinstance(value, list | tuple):
        return all(valid(v) for v in value)
    return valid_field(value)


def valid_field(value: Any) -> bool:
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, int):
        return value.bit_length() <= 63
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dt.datetime):
        return aware(value)
    if isinstance(value, Mapping):
        return all(valid_field(v) for v in value.values())
    if is_dataclass(value) or isinstance(value, list | tuple):
        return valid(value)
    return False


# -- the parsers ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Parser:
    """``run(document)`` → a result ``valid`` accepts; ``raises``: the exceptions that are
    the parser's documented way of saying "quarantine this" (field readers, check_context)."""

    run: Callable[[Any], Any]
    sample: Any
    raises: tuple[type[BaseException], ...] = ()


def _slots(doc: Any, *names: str) -> list[Any]:
    """A multi-argument parser's arguments out of one document (a random one fills the first
    argument when it is not an object)."""
    if isinstance(doc, dict) and set(doc) <= set(names) and doc:
        return [doc.get(n) for n in names]
    return [doc, *(SAMPLES.get(n) for n in names[1:])]


def _stage_context(doc: Any) -> Any:
    inner = check_context(doc)  # BadContext: quarantined by the stage sync
    return (answers_of(inner, QUESTIONS), call_sids(inner), message_sids(inner),
            build_transcript(DEFINITION, inner))


def _checked(resource: str, read: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A reader of records the connector checked first (problem_with), as the code runs it."""
    def run(record: Any) -> Any:
        problem = problem_with(resource, record)
        return problem if problem is not None else read(record)
    return run


def _callback(doc: Any) -> Any:
    answers = extract_answers(doc if isinstance(doc, Mapping) else {}, CONFIG)
    found = next((a for a in answers if a.key == AnswerKey.CALLBACK), None)
    return caller_number(doc if isinstance(doc, Mapping) else {}, found)


def _read_call(doc: Any) -> Any:
    ex, context, call, recordings = _slots(doc, "execution", "context", "call", "recordings")
    return read_call(ex, context, call, recordings if isinstance(recordings, list) else
                     [recordings], 1)


def _page(resource: str, envelope: Callable[[Any], Any]) -> Parser:
    return Parser(lambda doc: page_from_payload(resource, doc, lambda uri: "https://api.twilio.com"
                                                + "/" + uri.lstrip("/")),
                  envelope(SAMPLES))


def _dump(doc: Any) -> Any:
    q = Quarantine.of("twilio", "calls", "fuzzed", doc, doc.get("sid")
                      if isinstance(doc, dict) else None)
    json.loads(q.payload)  # NaN / Infinity are read back too
    return q


PARSERS: dict[str, Parser] = {
    **{f"records.problem_with[{r}]": Parser(lambda doc, r=r: problem_with(r, doc), SAMPLES[s])
       for r, s in (("calls", "call"), ("messages", "message"), ("executions", "execution"),
                    ("incoming_phone_numbers", "number"), ("flows", "flow"),
                    ("steps", "step"))},
    "records.problem_with[recordings]": Parser(lambda doc: problem_with("recordings", doc),
                                               SAMPLES["recordings"][0]),
    "records.parse_time": Parser(parse_time, SAMPLES["call"]["start_time"], (ValueError,)),
    "records.price_micros": Parser(price_micros, SAMPLES["call"]["price"], (ValueError,)),
    "records.int_or_none": Parser(int_or_none, SAMPLES["call"]["duration"], (ValueError,)),
    "records.context_problem": Parser(context_problem, SAMPLES["context"]),
    "connector.split_records[calls]": Parser(lambda doc: split_records("calls", doc, None),
                                             [SAMPLES["call"], SAMPLES["call"]]),
    "connector.page_from_payload[calls]": _page("calls", lambda s: {
        "calls": [s["call"]], "page": 0, "page_size": 50,
        "next_page_uri": "/2010-04-01/Accounts/AC/Calls.json?Page=1&PageToken=PA1"}),
    "connector.page_from_payload[executions]": _page("executions", lambda s: {
        "executions": [s["execution"]], "meta": {
            "key": "executions", "next_page_url": "https://studio.twilio.com/v2/Flows/FW/"
                                                  "Executions?Page=1"}}),
    "connector.context_of": Parser(lambda doc: context_of(doc, "FN" + "0" * 32),
                                   {"context": SAMPLES["context"]}, (MalformedRecord,)),
    "inbound.read_call": Parser(_read_call, {k: SAMPLES[k] for k in (
        "execution", "context", "call", "recordings")}),
    "inbound.read_call[caller ID]": Parser(_read_call, {
        **{k: SAMPLES[k] for k in ("execution", "call", "recordings")}, "context": NO_CALLBACK}),
    # Called by read_call on contexts context_problem let through: with a typed callback
    # number, and without one (the caller ID is the number).
    "inbound.caller_number": Parser(lambda doc: context_problem(doc) or _callback(doc),
                                    SAMPLES["context"]),
    "inbound.caller_number[caller ID]": Parser(
        lambda doc: context_problem(doc) or _callback(doc), NO_CALLBACK),
    "inbound.record_price[calls]": Parser(
        lambda doc: record_price(doc, SpendKind.CALL, {NUMBER: 1}), SAMPLES["call"]),
    "inbound.record_price[messages]": Parser(
        lambda doc: record_price(doc, SpendKind.SMS, {NUMBER: 1}), SAMPLES["message"]),
    "stages.check_context+answers+transcript": Parser(_stage_context, SAMPLES["context"],
                                                      (BadContext,)),
    "stages.record_cost[calls]": Parser(_checked("calls", lambda r: record_cost(
        r, SpendKind.CALL, "start_time")), SAMPLES["call"]),
    "stages.record_cost[recordings]": Parser(_checked("recordings", lambda r: record_cost(
        r, SpendKind.RECORDING, "date_created")), SAMPLES["recordings"][0]),
    "studio.execution_info": Parser(_checked("executions", execution_info),
                                    SAMPLES["execution"]),
    "studio.message_price_of": Parser(_checked("messages", message_price_of),
                                      SAMPLES["message"]),
    # The evaluator reads contexts the connector let through (context_of: no poison).
    "flows.extract_answers": Parser(lambda doc: poison_in(doc) or extract_answers(
        doc if isinstance(doc, Mapping) else {}, CONFIG), SAMPLES["context"]),
    "transcript.build_transcript": Parser(lambda doc: build_transcript(
        DEFINITION, doc if isinstance(doc, Mapping) else {}), SAMPLES["context"]),
    "payloads.poison_in": Parser(poison_in, SAMPLES["context"]),
    "payloads.Quarantine.of": Parser(_dump, SAMPLES["call"]),
}


def feed(name: str, doc: Any) -> None:
    """One input into one parser: a valid result, or one of its documented refusals."""
    parser = PARSERS[name]
    FIGURES[name] += 1
    try:
        result = parser.run(doc)
    except parser.raises as exc:
        if isinstance(exc, MalformedRecord):
            assert valid_quarantine(exc.quarantine)
        return
    assert valid(result), f"{name} gave an invalid result for {doc!r:.300}: {result!r:.300}"


@pytest.fixture(scope="module", autouse=True)
def _report(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    lines = [f"  {name}: {n:,}" for name, n in sorted(FIGURES.items())]
    text = "\n".join(["", f"records fuzzed per parser ({sum(FIGURES.values()):,} in all):",
                      *lines])
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if capture is not None:
        with capture.global_and_fixture_disabled():
            print(text)
    else:  # pragma: no cover - run with -p no:capture
        print(text)


def test_every_sample_is_accepted_as_it_is() -> None:
    """The samples are valid records: the fuzz starts from what Twilio really sends."""
    for resource, sample in (("calls", SAMPLES["call"]), ("messages", SAMPLES["message"]),
                             ("executions", SAMPLES["execution"]),
                             ("recordings", SAMPLES["recordings"][0])):
        assert problem_with(resource, sample) is None, resource
    assert context_problem(SAMPLES["context"], ("widgets", "flow")) is None
    got = read_call(SAMPLES["execution"], SAMPLES["context"], SAMPLES["call"],
                    SAMPLES["recordings"], 1)
    assert isinstance(got, CollectedCall) and not got.quarantined
    assert (got.from_e164, got.number_unverified) == ("+12145550199", False)
    assert len(got.prices) == 1 + len(SAMPLES["recordings"])


def test_every_parser_is_listed() -> None:
    assert set(SPECS) <= {n.split("[")[1].rstrip("]") for n in PARSERS
                          if n.startswith("records.problem_with[")}


@pytest.fixture(scope="module")
def pool() -> list[Any]:
    """POOL_SIZE random JSON documents, drawn once by hypothesis (deterministically) and fed
    to every parser: drawing is what costs, parsing is cheap."""
    docs: list[Any] = []

    @fuzz(POOL_SIZE)
    @given(ANY_JSON)
    def draw(doc: Any) -> None:
        docs.append(doc)

    draw()
    return docs


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_random_json(name: str, pool: list[Any]) -> None:
    """The shared pool, then a few fresh documents of this parser's own (hypothesis shrinks
    a failing one to its smallest form)."""
    for doc in pool:
        feed(name, doc)

    @fuzz(RANDOM_EXAMPLES)
    @given(ANY_JSON)
    def run(doc: Any) -> None:
        feed(name, doc)

    run()


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_random_mutations_of_a_real_record(name: str, pool: list[Any]) -> None:
    """Seeded mutations of the parser's real sample (a key dropped, or its value replaced by a
    pool document), then hypothesis-drawn ones."""
    sample = PARSERS[name].sample
    every = list(paths(sample))
    if not every:  # a scalar sample (a date, a price): the random documents cover it
        feed(name, sample)
        return
    rng = random.Random(f"mutations:{name}")
    for _ in range(SEEDED_MUTATIONS):
        feed(name, mutate(sample, rng.choice(every), rng.choice(pool), rng.random() < 0.25))

    @fuzz(MUTATED_EXAMPLES)
    @given(mutations(sample))
    def run(doc: Any) -> None:
        feed(name, doc)

    run()


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_every_key_dropped_or_poisoned(name: str) -> None:
    """Deterministic: each key of the sample, at any depth, dropped, then replaced by each
    poison value in turn."""
    sample = PARSERS[name].sample
    before = copy.deepcopy(sample)
    feed(name, sample)
    for path in paths(sample):
        feed(name, mutate(sample, path, None, drop=True))
        for value in POISON_VALUES:
            feed(name, mutate(sample, path, value, drop=False))
    for value in POISON_VALUES:
        feed(name, value)
    assert sample == before  # no parser changed what it was given


def test_dumped_payloads_keep_every_digit_and_escape_what_databases_refuse() -> None:
    raw = {"sid": "CA\ud800", "body": "a\x00b", "price": math.nan, "n": 10**5000,
           "name": "Zoë 😀"}
    text = dump_payload(raw)
    assert storable(text) and "Zoë 😀" in text  # readable as received, where it can be
    back = json.loads(text)
    assert back["sid"] == "CA\ud800" and back["body"] == "a\x00b" and back["n"] == "1" + "0" * 5000
    assert math.isnan(back["price"]) and back["name"] == "Zoë 😀"
