"""Stage flows: compiler → checks (ours and the sandbox's Studio rules) → simulator → answers,
over many generated stages and candidates; plus the shape of the voice and text flows."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from milo_desktop.enums import QuestionKind, StageKind
from milo_desktop.sandbox.twilio_candidates import plausible_candidates
from milo_desktop.sandbox.twilio_studio import definition_errors
from milo_desktop.services.call_evaluation.transcript import build_transcript
from milo_desktop.services.flows import (
    CallerAction,
    Keys,
    ScriptedCaller,
    Silence,
    Simulation,
    Speech,
    Trigger,
    check_definition,
    extract_question_answers,
)
from milo_desktop.services.flows.conditions import holds
from milo_desktop.services.flows.naming import RATING, question_widget, retry_widget
from milo_desktop.services.flows.rating import rating_of_context
from milo_desktop.services.scoring import QuestionSpec, parse_amount, parse_yes_no
from milo_desktop.services.scoring.structured import evaluate_structured
from milo_desktop.services.stages.compiler import compile_stage
from milo_desktop.services.stages.config import StageFlowConfig
from milo_desktop.services.stages.knockout import (
    KNOCKED_OUT,
    failing_conditions,
    knocked_out_text,
)
from milo_desktop.services.stages.phrases import ENGLISH, SPANISH, greeting, phrases_for
from tests.unit.test_flows_roundtrip import awkward_text, questions

CANDIDATE, OURS = "+14155550142", "+14155550199"


@st.composite
def stages(draw: st.DrawFn) -> StageFlowConfig:
    flow_questions = draw(questions())
    specs = tuple(QuestionSpec(**{f: getattr(q, f) for f in q.__dataclass_fields__})
                  for q in flow_questions)
    return StageFlowConfig(
        stage_id=draw(st.integers(1, 10_000)),
        kind=draw(st.sampled_from([StageKind.VOICE, StageKind.SMS, StageKind.FORM])),
        stage_name=draw(awkward_text(40)),
        position_title=draw(awkward_text(120)),
        questions=specs,
        language=draw(st.sampled_from(["en", "es", "es-MX", "fr", ""])),
        ai_disclosure=draw(st.booleans()),
        recording_disclosure=draw(st.booleans()),
        days_to_complete=draw(st.integers(1, 60)),
        interviewer_name=draw(awkward_text(60)),
        ask_rating=draw(st.booleans()),
    )


@dataclass
class Script:
    caller: ScriptedCaller
    expected: dict[str, tuple[str, str]]  # question id → (text, widget it lands in)
    asked: list[str]  # question ids whose prompt went out
    outcome: str
    finished_with: str  # the last widget before "Ended"
    rating: int | None = None  # what the closing rating question should read back


@st.composite
def rating_action(draw: st.DrawFn) -> tuple[CallerAction, int | None]:
    """What a candidate does at the closing rating: a key, a number said, "skip", silence,
    or something that is no rating."""
    value = draw(st.integers(1, 5))
    return draw(st.sampled_from([
        (Keys(str(value)), value), (Speech(f"I'd say {value} out of 5"), value),
        (Speech("skip"), None), (Silence(), None), (Keys("9"), None),
        (Speech("three or four"), None)]))


@st.composite
def voice_scripts(draw: st.DrawFn, config: StageFlowConfig) -> Script:
    answers: dict[str, CallerAction] = {}
    expected: dict[str, tuple[str, str]] = {}
    asked: list[str] = []
    hang_at = draw(st.sampled_from([None, *(question_widget(q.id) for q in config.questions)]))
    for q in config.questions:
        first, again = question_widget(q.id), retry_widget(question_widget(q.id))
        asked.append(q.id)
        if first == hang_at:
            break
        mode = draw(st.sampled_from(["speech", "keys", "retry", "silent"]))
        speech = draw(awkward_text(80))
        digits = ("1" if q.kind is QuestionKind.YES_NO else
                  str(draw(st.integers(1, max(1, len(q.choices))))))
        if mode == "speech":
            answers[first] = Speech(speech)
            expected[q.id] = (speech, first)
        elif mode == "keys":
            answers[first] = Keys(digits + "#")
            expected[q.id] = (digits, first)
        elif mode == "retry":
            answers[first], answers[again] = Silence(), Speech(speech)
            expected[q.id] = (speech, again)
        else:
            answers[first] = answers[again] = Silence()
    hung = hang_at is not None
    rating = None
    if not hung and config.ask_rating and config.questions:
        answers[RATING], rating = draw(rating_action())
    return Script(ScriptedCaller(CANDIDATE, answers, hang_up_at=hang_at), expected, asked,
                  "hung_up" if hung else "completed", "" if hung else "closing", rating)


@st.composite
def text_scripts(draw: st.DrawFn, config: StageFlowConfig) -> Script:
    replies: dict[str, str] = {}
    expected: dict[str, tuple[str, str]] = {}
    asked: list[str] = []
    last = "closing"
    for q in config.questions:
        first, again = question_widget(q.id), retry_widget(question_widget(q.id))
        asked.append(q.id)
        mode = draw(st.sampled_from(["reply", "after_reminder", "never"]))
        failing = failing_conditions(q, "")
        # Now and then a reply that fails a dealbreaker for certain (knockout.py).
        text = draw(awkward_text(80) if not failing else st.one_of(
            awkward_text(80), st.sampled_from(["No", " nope ", "1", "0", "2", "Night",
                                               "YES"])))
        if mode == "reply":
            replies[first] = text
            expected[q.id] = (text, first)
        elif mode == "after_reminder":
            replies[again] = text
            expected[q.id] = (text, again)
        else:
            last = "gave_up"
            break
        if any(holds(c["type"], text, c["value"]) for c in failing):
            last = KNOCKED_OUT  # no more questions, no rating: one text, and it ends
            break
    rating = None
    if last == "closing" and config.ask_rating and config.questions:
        reply, rating = draw(st.sampled_from([
            ("5", 5), ("1", 1), ("4 out of 5", 4), ("SKIP", None), ("10", None), (None, None)]))
        if reply is None:
            last = RATING  # no reply: the rating's wait ends the flow quietly
        else:
            replies[RATING] = reply
    return Script(ScriptedCaller(CANDIDATE, sms_replies=replies), expected, asked,
                  "completed", last, rating)


@settings(max_examples=80, deadline=None)
@given(data=st.data(), config=stages())
def test_compile_check_simulate_extract_round_trip(data: st.DataObject,
                                                   config: StageFlowConfig) -> None:
    assert config.problems() == []
    definition = compile_stage(config)
    assert check_definition(definition) == []
    assert definition_errors(definition) == []  # what the sandbox's Studio would refuse
    assert json.loads(json.dumps(definition)) == definition  # what the Flows API receives
    script = data.draw(voice_scripts(config) if config.kind is StageKind.VOICE
                       else text_scripts(config))
    hello = greeting(config.language, "José {{Núñez}}")
    sim = Simulation(definition, trigger=Trigger.REQUEST, contact=CANDIDATE, channel=OURS,
                     parameters={"greeting": hello, "application_id": 7})
    script.caller.play(sim)
    result = sim.result()

    steps = result.steps
    assert steps[0].name == "incomingRequest"
    assert steps[-1].transitioned_to == "Ended"
    assert all(s.transitioned_to != "Ended" for s in steps[:-1])
    assert all(a.transitioned_to == b.transitioned_from for a, b in itertools.pairwise(steps))
    assert result.outcome == script.outcome
    if script.finished_with:
        assert steps[-1].transitioned_from == script.finished_with
    said = result.agent_text()
    assert said.startswith(hello)  # the parameter is rendered, its braces left alone
    assert config.position_title.strip() in said
    for qid in script.asked:
        prompt = next(q.prompt.strip() for q in config.questions if q.id == qid)
        assert prompt in said
    captured = extract_question_answers(result.context, config.questions)
    assert [a.question_id for a in captured] == [q.id for q in config.questions]
    got = {a.question_id: (a.text, a.widget) for a in captured if a.answered}
    assert got == script.expected
    # The closing rating is read back from where it landed, and never as a question's answer.
    assert rating_of_context(result.context) == script.rating
    asked_rating = any(s.transitioned_from == RATING for s in steps)
    assert asked_rating == (config.ask_rating and bool(config.questions)
                            and script.outcome == "completed"
                            and script.finished_with not in ("gave_up", KNOCKED_OUT))
    transcript = build_transcript(definition, result.context)
    for text, _widget in script.expected.values():
        assert " ".join(text.split()) in transcript


@settings(max_examples=30, deadline=None)
@given(config=stages())
def test_a_call_nobody_answers_asks_nothing(config: StageFlowConfig) -> None:
    voice = replace(config, kind=StageKind.VOICE)
    sim = Simulation(compile_stage(voice), trigger=Trigger.REQUEST, contact=CANDIDATE,
                     channel=OURS, outbound_answered=False)
    result = sim.result()
    assert result.outcome == "no_answer"
    assert [(s.name, s.transitioned_from) for s in result.steps] == [
        ("incomingRequest", "Trigger"), ("noAnswer", "call")]
    assert result.context["widgets"] == {}


YES = QuestionSpec("11", QuestionKind.YES_NO, "Do you have a forklift licence?",
                   expected_yes=True, dealbreaker=True)
CHOICE = QuestionSpec("12", QuestionKind.MULTIPLE_CHOICE, "Which shift?",
                      choices=("Day", "Night"), accepted_choices=("Day",))
YEARS = QuestionSpec("13", QuestionKind.MIN_AMOUNT, "Years on a forklift?", min_value=2,
                     unit="years")
WHY = QuestionSpec("14", QuestionKind.SCORED, "Tell me about a {{busy}} shift.")


def config_of(kind: StageKind, **changes: Any) -> StageFlowConfig:
    base = StageFlowConfig(1, kind, "Phone screen", "Forklift Operator",
                           (YES, CHOICE, YEARS, WHY))
    return replace(base, **changes)


def states(definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in definition["states"]}


def nexts(state: dict[str, Any]) -> dict[str, str]:
    return {t["event"]: t.get("next", "") for t in state["transitions"] if t["event"] != "match"}


def test_voice_flow_calls_the_candidate_from_our_number_and_records_when_disclosed() -> None:
    flow = states(compile_stage(config_of(StageKind.VOICE)))
    trigger, call = flow["Trigger"], flow["call"]
    assert nexts(trigger) == {"incomingCall": "", "incomingMessage": "",
                              "incomingRequest": "call", "incomingParent": ""}
    assert call["type"] == "make-outgoing-call-v2"
    assert call["properties"]["to"] == "{{contact.channel.address}}"
    assert call["properties"]["from"] == "{{flow.channel.address}}"
    assert call["properties"]["record"] is True
    assert nexts(call) == {"answered": "check_machine", "busy": "", "noAnswer": "",
                           "failed": ""}
    assert "This call is recorded" in flow["greeting"]["properties"]["say"]
    quiet = states(compile_stage(config_of(StageKind.VOICE, recording_disclosure=False)))
    assert quiet["call"]["properties"]["record"] is False
    assert "recorded" not in quiet["greeting"]["properties"]["say"]
    gather = flow["q_11"]["properties"]
    assert (gather["number_of_digits"], gather["finish_on_key"]) == (1, "#")
    assert gather["hints"].startswith("yes, no")
    assert "number_of_digits" not in flow["q_13"]["properties"]  # "12#" for twelve years
    assert "press 2 for Night" in flow["q_12"]["properties"]["say"]


def test_an_answering_machine_hears_a_short_message_and_no_questions() -> None:
    definition = compile_stage(config_of(StageKind.VOICE))
    person = Simulation(definition, trigger=Trigger.REQUEST, contact=CANDIDATE, channel=OURS)
    prompt = person.current_prompt()
    assert prompt is not None and prompt.widget == "q_11"  # a person: the questions start
    flow = states(definition)
    split = flow["check_machine"]
    match = next(t for t in split["transitions"] if t["event"] == "match")
    assert match["next"] == "machine_message"
    condition = match["conditions"][0]
    assert condition["arguments"] == ["{{widgets.call.AnsweredBy}}"]
    for answered_by, machine in (("machine_end_beep", True), ("machine_start", True),
                                 ("human", False), ("", False)):
        assert holds(condition["type"], answered_by, condition["value"]) is machine
    assert nexts(flow["machine_message"]) == {"audioComplete": ""}
    assert "try you again later" in flow["machine_message"]["properties"]["say"]


def test_text_flow_waits_reminds_then_gives_up() -> None:
    config = config_of(StageKind.SMS, days_to_complete=6)
    flow = states(compile_stage(config))
    first, again = flow["q_11"], flow["q_11_again"]
    assert first["type"] == again["type"] == "send-and-wait-for-reply"
    assert first["properties"]["timeout"] == str(3 * 86_400)  # half of the six days
    assert flow["q_12"]["properties"]["timeout"] == "86400"  # later questions: a day
    # Q11 is a dealbreaker: its replies are checked before Q12 (knockout.py).
    assert nexts(first) == {"incomingMessage": "check_11", "timeout": "q_11_again",
                            "deliveryFailure": ""}
    assert nexts(again) == {"incomingMessage": "check_11_again", "timeout": "gave_up",
                            "deliveryFailure": ""}
    assert nexts(flow["check_11"]) == nexts(flow["check_11_again"]) == {"noMatch": "q_12"}
    assert again["properties"]["body"].startswith(ENGLISH.sms_reminder)
    assert first["properties"]["body"].endswith("(Reply YES or NO)")
    assert "(Reply with a number: 1) Day, 2) Night)" in flow["q_12"]["properties"]["body"]
    sim = Simulation(compile_stage(config), trigger=Trigger.REQUEST, contact=CANDIDATE,
                     channel=OURS)
    sim.reply_sms("yes")
    sim.reply_sms(None)
    sim.reply_sms(None)
    assert sim.finished
    assert sim.transcript[-1].text == ENGLISH.sms_gave_up
    assert [a.text for a in extract_question_answers(sim.context, config.questions)] == [
        "yes", "", "", ""]


@pytest.mark.parametrize(("days", "first", "later"), [
    (1, 43_200, 43_200), (7, 302_400, 86_400), (30, 604_800, 86_400), (0, 43_200, 43_200)])
def test_reply_waits_follow_the_days_to_complete(days: int, first: int, later: int) -> None:
    config = config_of(StageKind.SMS, days_to_complete=days)
    assert (config.first_wait_s(), config.next_wait_s()) == (first, later)


def test_form_stage_runs_as_an_sms_form_and_spanish_speaks_spanish() -> None:
    form = states(compile_stage(config_of(StageKind.FORM)))
    assert "complete this short form" in form["intro"]["properties"]["body"]
    assert form["q_11"]["type"] == "send-and-wait-for-reply"
    voice = states(compile_stage(config_of(StageKind.VOICE, language="es-MX")))
    assert voice["q_11"]["properties"]["language"] == "es-US"
    assert voice["q_11"]["properties"]["voice"] == "Polly.Lupe"
    assert SPANISH.say_yes_no in voice["q_11"]["properties"]["say"]
    assert voice["q_11_again"]["properties"]["say"].startswith(SPANISH.retry_prefix)
    assert phrases_for("fr") is ENGLISH
    assert greeting("es", "Ana María López") == "Hola Ana"
    assert greeting("en", "  ") == "Hi there"


def test_problems_name_what_to_fix() -> None:
    assert config_of(StageKind.VOICE).problems() == []
    assert "has no questions" in " ".join(config_of(StageKind.SMS, questions=()).problems())
    assert "not run by phone" in " ".join(config_of(StageKind.RESUME).problems())
    bad_number = config_of(StageKind.SMS, from_number="555-0100").problems()
    assert any("international format" in p for p in bad_number)
    twice = config_of(StageKind.SMS, questions=(YES, YES)).problems()
    assert any("same question twice" in p for p in twice)


@pytest.mark.parametrize("kind", [StageKind.VOICE, StageKind.SMS])
def test_demo_candidates_answer_every_kind_of_question_sensibly(kind: StageKind) -> None:
    config = config_of(kind)
    definition = compile_stage(config)
    write = plausible_candidates(seed=5, no_show=0.0, says_no=0.0)
    for _ in range(20):
        caller = write(definition, CANDIDATE)
        assert caller is not None
        sim = Simulation(definition, trigger=Trigger.REQUEST, contact=CANDIDATE, channel=OURS)
        caller.play(sim)
        answers = {a.question_id: a for a in extract_question_answers(sim.context,
                                                                       config.questions)}
        assert all(a.answered for a in answers.values())
        yes = answers[YES.id]
        assert yes.value == "yes" or parse_yes_no(yes.text, yes.digits).answer is True
        assert answers[CHOICE.id].value in CHOICE.choices
        amount = parse_amount(answers[YEARS.id].text, YEARS.unit)
        assert amount.value is not None and 1 <= amount.value <= 6
        assert len(answers[WHY.id].text.split()) > 5


def test_demo_no_shows_only_miss_calls() -> None:
    voice = compile_stage(config_of(StageKind.VOICE))
    text = compile_stage(config_of(StageKind.SMS))
    write = plausible_candidates(seed=1, no_show=1.0)
    assert write(voice, CANDIDATE) is None
    assert write(text, CANDIDATE) is not None  # a silent texter would hold the number


def test_a_text_out_of_the_blue_gets_a_pointer_not_the_questions() -> None:
    definition = compile_stage(config_of(StageKind.SMS))
    result = Simulation(definition, trigger=Trigger.MESSAGE, contact=CANDIDATE, channel=OURS,
                        body="hello?").result()
    assert result.outcome == "completed"
    assert result.agent_text() == ENGLISH.sms_unprompted.format(title="Forklift Operator")
    assert extract_question_answers(result.context, config_of(StageKind.SMS).questions)[0].text == ""


def test_a_failed_sms_dealbreaker_ends_the_screening_with_one_polite_text() -> None:
    years = replace(YEARS, dealbreaker=True)
    shift = replace(CHOICE, dealbreaker=True)
    config = config_of(StageKind.SMS, questions=(YES, shift, years, WHY), ask_rating=False)
    definition = compile_stage(config)
    assert check_definition(definition) == [] and definition_errors(definition) == []
    for replies, asked in (
            (["No"], [YES]),  # no licence: no more questions
            (["yes", "2"], [YES, shift]),  # the night shift only: not accepted
            (["yes", "Day", "1"], [YES, shift, years]),  # one year, two required
            (["yes", "day", "about 3 years", "Loads of pallets."], [YES, shift, years, WHY])):
        sim = Simulation(definition, trigger=Trigger.REQUEST, contact=CANDIDATE, channel=OURS)
        for reply in replies:
            sim.reply_sms(reply)
        result = sim.result()
        said = result.agent_text()
        for q in config.questions:
            assert (q.prompt in said) == (q in asked), (replies, q.prompt)
        knocked = len(asked) < len(config.questions)
        assert (knock_text := knocked_out_text("en")) in said if knocked else knock_text not in said
        assert result.steps[-1].transitioned_from == ("knocked_out" if knocked else "closing")
    # Unclear or hedged answers never stop it: the scorer decides at the end.
    sim = Simulation(definition, trigger=Trigger.REQUEST, contact=CANDIDATE, channel=OURS)
    sim.reply_sms("not sure, maybe")
    assert shift.prompt in sim.result().agent_text()


@pytest.mark.parametrize("q", [YES, replace(YES, expected_yes=False),
                               replace(YEARS, dealbreaker=True),
                               replace(CHOICE, dealbreaker=True)], ids=str)
def test_the_flow_knocks_out_only_where_the_scorer_is_sure_the_dealbreaker_failed(
        q: QuestionSpec) -> None:
    conds = failing_conditions(q, "")
    assert conds
    replies = [v for c in conds for v in c["value"].split(",")]
    if q.kind is QuestionKind.MIN_AMOUNT:
        replies = ["0", "1", "1.5"]
    for reply in replies:
        assert any(holds(c["type"], reply, c["value"]) for c in conds), reply
        verdict = evaluate_structured(q, reply)
        assert (verdict.passed, verdict.confident) == (False, True), (reply, verdict.summary)
