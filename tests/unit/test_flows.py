"""Receptionist flows: validation, the compiled definition, checks, simulator and answers."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from milo_desktop.enums import QuestionKind
from milo_desktop.services.flows import (
    AnswerKey,
    CustomContext,
    Keys,
    QuestionSpec,
    ReceptionistConfig,
    ScriptedCaller,
    Silence,
    Simulation,
    SimulationError,
    Speech,
    Trigger,
    check_definition,
    compile_receptionist,
    compile_sms_screening,
    extract_answers,
    extract_question_answers,
    simulate,
)
from milo_desktop.services.flows.widgets import WIDGET_EVENTS, WIDGET_PROPERTIES
from tests.inputs import STUDIO_V2, spec_path

LICENSE = QuestionSpec("lic", QuestionKind.YES_NO, "Do you have a forklift license?",
                       expected_yes=True, dealbreaker=True)
YEARS = QuestionSpec("years", QuestionKind.MIN_AMOUNT, "How many years in a warehouse?",
                     min_value=2, unit="years")
SHIFT = QuestionSpec("shift", QuestionKind.MULTIPLE_CHOICE, "Which shift suits you?",
                     choices=("Day", "Night"), accepted_choices=("Day",))
WHY = QuestionSpec("why", QuestionKind.SCORED, "Why do you want this job?")


def make_config(**changes: Any) -> ReceptionistConfig:
    values: dict[str, Any] = {
        "agent_name": "Ava",
        "intro_message": "Thanks for calling Acme Staffing.",
        "questions": (LICENSE, YEARS, SHIFT, WHY),
    }
    values.update(changes)
    return ReceptionistConfig(**values)


def states_by_name(definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in definition["states"]}


# ----- validation -----

def test_a_sensible_receptionist_validates() -> None:
    assert make_config().validate() == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"intro_message": "x" * 801}, "the limit is 800"),
        ({"intro_message": "  "}, "Write an intro message"),
        ({"agent_name": ""}, "agent name must be 1–60"),
        ({"agent_name": "a" * 61}, "agent name must be 1–60"),
        ({"routing_threshold": 101}, "between 0 and 100"),
        ({"routing_threshold": -1}, "between 0 and 100"),
        ({"questions": ()}, "at least one screening question"),
        ({"from_number": "555-1234"}, "not a valid phone number"),
        ({"from_number": "+10000000000"}, "not a valid phone number"),
        ({"enforce_job_location_match": True}, "also collect the caller's location"),
        ({"enforce_job_location_match": True, "collect_location": True}, "list the job locations"),
        ({"custom_context": CustomContext(pay="$" * 801)}, "Pay is longer than 800"),
        ({"questions": (LICENSE, LICENSE)}, "share the same id"),
        ({"questions": (QuestionSpec("a b", QuestionKind.SCORED, "Hi?"),)}, "letters, digits"),
        ({"questions": (QuestionSpec("a", QuestionKind.SCORED, " "),)}, "write the question"),
        ({"questions": (QuestionSpec("a", QuestionKind.YES_NO, "Ok?"),)}, "expected answer"),
        ({"questions": (QuestionSpec("a", QuestionKind.SCORED, "Ok?", dealbreaker=True),)},
         "can be dealbreakers"),
        ({"questions": (QuestionSpec("a", QuestionKind.MIN_AMOUNT, "Years?", min_value=-1,
                                     unit="years"),)}, "zero or more"),
        ({"questions": (QuestionSpec("a", QuestionKind.MIN_AMOUNT, "Years?", min_value=1),)},
         "give the amount a unit"),
        ({"questions": (QuestionSpec("a", QuestionKind.MULTIPLE_CHOICE, "Pick", choices=("A",),
                                     accepted_choices=("A",)),)}, "at least two choices"),
        ({"questions": (QuestionSpec("a", QuestionKind.MULTIPLE_CHOICE, "Pick",
                                     choices=tuple("ABCDEFGHIJ"), accepted_choices=("A",)),)},
         "at most 9 choices"),
        ({"questions": (QuestionSpec("a", QuestionKind.MULTIPLE_CHOICE, "Pick",
                                     choices=("A", "B")),)}, "at least one choice as accepted"),
        ({"questions": (QuestionSpec("a", QuestionKind.MULTIPLE_CHOICE, "Pick",
                                     choices=("A", "B"), accepted_choices=("C",)),)},
         "must be among the choices"),
    ],
)
def test_validation_names_each_problem(changes: dict[str, Any], expected: str) -> None:
    problems = make_config(**changes).validate()
    assert any(expected in p for p in problems), problems


def test_a_flow_over_studios_state_limit_is_refused() -> None:
    many = tuple(QuestionSpec(f"q{i}", QuestionKind.SCORED, f"Question {i}?") for i in range(600))
    problems = make_config(questions=many).validate()
    assert len(problems) == 1 and "Twilio allows 1000" in problems[0]


# ----- the compiled definition -----

def test_definition_shape_and_widget_sequence() -> None:
    definition = compile_receptionist(make_config(collect_location=True))
    assert definition["initial_state"] == "Trigger"
    assert definition["flags"] == {"allow_concurrent_calls": True}
    assert check_definition(definition) == []
    names = [s["name"] for s in definition["states"]]
    main = [s["name"] for s in definition["states"] if s["properties"]["offset"]["x"] == 0]
    assert main == [
        "Trigger", "setup", "greeting", "ask_name", "save_name", "ask_callback", "check_callback",
        "callback_keypad", "ask_location", "save_location", "q_lic", "q_years", "q_shift", "q_why",
        "voicemail_prompt", "voicemail", "closing", "confirm_sms", "check_confirmation",
        "confirmed_sms",
    ]
    assert {"q_lic_again", "q_why_again", "ask_name_again", "callback_caller_id"} <= set(names)
    ys = [s["properties"]["offset"]["y"] for s in definition["states"]]
    assert ys == sorted(ys)  # top to bottom
    by = states_by_name(definition)
    trigger = {t["event"]: t.get("next") for t in by["Trigger"]["transitions"]}
    assert trigger == {"incomingCall": "setup", "incomingMessage": "text_reply",
                       "incomingRequest": "outbound_call", "incomingParent": None}
    q = by["q_lic"]
    assert q["properties"]["number_of_digits"] == 1
    assert "press 1 for yes and 2 for no" in q["properties"]["say"]
    assert {t["event"]: t["next"] for t in q["transitions"]} == {
        "keypress": "q_years", "speech": "q_years", "timeout": "q_lic_again"}
    again = {t["event"]: t["next"] for t in by["q_lic_again"]["transitions"]}
    assert again == {"keypress": "q_years", "speech": "q_years", "timeout": "q_years"}
    setup = {v["key"]: v["value"] for v in by["setup"]["properties"]["variables"]}
    assert setup["question_lic"] == "q_lic,q_lic_again"
    sms = by["confirm_sms"]["properties"]
    assert sms["to"] == "{{flow.variables.callback}}" and sms["timeout"] == "3600"


def test_only_documented_widgets_events_and_properties_are_used() -> None:
    config = make_config(collect_location=True, enforce_job_location_match=True,
                         job_locations=("Dallas, TX",), language_mode="multilingual",
                         custom_context=CustomContext(shifts="Days", directions="Exit 4"))
    for state in compile_receptionist(config)["states"]:
        assert state["type"] in WIDGET_EVENTS
        assert set(state["properties"]) - {"offset"} <= WIDGET_PROPERTIES[state["type"]]
        assert {t["event"] for t in state["transitions"]} <= set(WIDGET_EVENTS[state["type"]])


def test_disclosures_and_user_braces_are_spoken_not_evaluated() -> None:
    config = make_config(intro_message="Hi {{trigger.call.From}} {% if x %}")
    greeting = states_by_name(compile_receptionist(config))["greeting"]["properties"]["say"]
    assert "{{trigger" not in greeting
    result = simulate(compile_receptionist(config), ScriptedCaller(hang_up_at="ask_name"))
    said = result.agent_text()
    assert "Hi {{trigger.call.From}} {% if x %}" in said
    assert "I am an automated AI assistant" in said and "This call is recorded" in said
    assert "E-Verify" not in said


def test_published_spec_leaves_the_definition_unconstrained() -> None:
    """The spec types Definition as 'any JSON': check_definition is the real gate."""
    spec = json.loads(spec_path(STUDIO_V2).read_text(encoding="utf-8"))
    request = spec["paths"]["/v2/Flows"]["post"]["requestBody"]["content"]
    schema = request["application/x-www-form-urlencoded"]["schema"]
    definition_schema = schema["properties"]["Definition"]
    assert not {"type", "properties", "$ref", "required"} & set(definition_schema)
    assert "Definition" in schema["required"]
    flow = spec["components"]["schemas"]["studio.v2.flow"]["properties"]["definition"]
    assert "type" not in flow
    # The form field is a JSON string of our definition and must round-trip.
    text = json.dumps(compile_receptionist(make_config()))
    assert check_definition(json.loads(text)) == []


# ----- check_definition catches broken flows -----

def _broken(change: Any) -> list[str]:
    definition = copy.deepcopy(compile_receptionist(make_config()))
    change(definition)
    return check_definition(definition)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["states"][3]["transitions"][0].update(next="nowhere"), "missing state"),
        (lambda d: d.update(initial_state="Start"), "initial state 'Start' does not exist"),
        (lambda d: d["states"].append({**d["states"][3], "name": "orphan"}), "unreachable"),
        (lambda d: d["states"].append(copy.deepcopy(d["states"][3])), "two states are named"),
        (lambda d: d["states"][3].update(type="run-function"), "unknown widget type"),
        (lambda d: d["states"][3]["transitions"].append({"event": "Next"}), "has no event"),
        (lambda d: d["states"][3]["properties"].pop("offset"), "offset"),
        (lambda d: d["states"][3]["properties"].update(colour="red"), "no properties colour"),
        (lambda d: d.update(states=[]), "1..1000 states"),
        (lambda d: d["states"][3].update(name="bad name"), "letters, digits"),
    ],
)
def test_check_definition_finds_problems(change: Any, expected: str) -> None:
    problems = _broken(change)
    assert any(expected in p for p in problems), problems


# ----- simulator: known cases -----

def test_keypad_one_is_recorded_as_digits_and_means_yes() -> None:
    config = make_config(questions=(LICENSE,))
    result = simulate(compile_receptionist(config), ScriptedCaller(answers={"q_lic": Keys("1")}))
    entry = result.context["widgets"]["q_lic"]
    assert entry["Digits"] == "1" and entry["SpeechResult"] is None
    assert entry["CallSid"].startswith("CA")
    answer = next(a for a in extract_answers(result.context, config) if a.question_id == "lic")
    assert (answer.text, answer.digits, answer.value, answer.widget) == ("1", "1", "yes", "q_lic")


def test_silence_repeats_the_question_once_then_moves_on() -> None:
    config = make_config(questions=(LICENSE, YEARS))
    caller = ScriptedCaller(answers={"q_years": Speech("about three years")})
    result = simulate(compile_receptionist(config), caller)
    path = [(s.transitioned_from, s.name, s.transitioned_to) for s in result.steps]
    assert ("q_lic", "timeout", "q_lic_again") in path
    assert ("q_lic_again", "timeout", "q_years") in path
    assert "q_lic" not in result.context["widgets"]
    assert result.agent_text().count("Sorry, I didn't catch that. Do you have a forklift") == 1
    answers = extract_question_answers(result.context, config.questions)
    assert [a.text for a in answers] == ["", "about three years"]
    assert answers[1].confidence == pytest.approx(0.92)


def test_answer_on_the_repeat_is_found_there() -> None:
    config = make_config(questions=(SHIFT,))
    caller = ScriptedCaller(answers={"q_shift": Silence(), "q_shift_again": Keys("2")})
    result = simulate(compile_receptionist(config), caller)
    answer = extract_question_answers(result.context, config.questions)[0]
    assert (answer.widget, answer.text, answer.value) == ("q_shift_again", "2", "Night")


def test_confirmation_sms_reads_back_name_and_number() -> None:
    config = make_config(collect_location=True, from_number="+14155550199")
    caller = ScriptedCaller(
        answers={"ask_name": Speech("Jane Doe"), "ask_callback": Keys("2125551234#"),
                 "ask_location": Speech("Dallas"), "voicemail": Speech("See you soon")},
        sms_replies={"confirm_sms": "Yes"},
    )
    result = simulate(compile_receptionist(config), caller)
    sms = result.context["widgets"]["confirm_sms"]
    assert sms["outbound"]["To"] == "+12125551234"
    assert sms["outbound"]["From"] == "+14155550199"
    body = sms["outbound"]["Body"]
    assert "Jane Doe" in body and "+12125551234" in body and "Dallas" in body
    assert "Reply YES to confirm" in body
    assert sms["inbound"]["Body"] == "Yes"
    assert result.steps[-1].transitioned_from == "confirmed_sms"
    assert result.steps[-1].transitioned_to == "Ended"
    got = {a.key: a for a in extract_answers(result.context, config)}
    assert got[AnswerKey.CALLBACK].value == "+12125551234"
    assert got[AnswerKey.LOCATION].text == "Dallas"
    assert got[AnswerKey.RECORDING].text.startswith("https://api.twilio.com/")
    assert got[AnswerKey.RECORDING].value.startswith("RE")
    assert got[AnswerKey.CONFIRMATION].text == "Yes"
    assert result.outcome == "completed"


def test_corrections_and_no_reply() -> None:
    definition = compile_receptionist(make_config())
    corrected = simulate(definition, ScriptedCaller(sms_replies={"confirm_sms": "My name is Jo"}))
    assert corrected.steps[-1].transitioned_from == "corrections_sms"
    silent = simulate(definition, ScriptedCaller())
    assert silent.steps[-1] == silent.steps[-1].__class__("timeout", "confirm_sms", "Ended")
    assert "inbound" not in silent.context["widgets"]["confirm_sms"]


def test_unparseable_callback_keeps_raw_digits_and_texts_the_caller_id() -> None:
    config = make_config(questions=(WHY,))
    caller = ScriptedCaller(number="+14155550123", answers={"ask_callback": Keys("555#")})
    result = simulate(compile_receptionist(config), caller)
    assert result.context["flow"]["variables"]["callback"] == "+14155550123"
    assert result.context["flow"]["variables"]["callback_source"] == "caller_id"
    callback = next(a for a in extract_answers(result.context, config) if a.key is AnswerKey.CALLBACK)
    assert (callback.text, callback.value) == ("555", None)


def test_blocked_caller_id_ends_at_delivery_failure() -> None:
    result = simulate(compile_receptionist(make_config()), ScriptedCaller(number="anonymous"))
    assert result.steps[-1].name == "deliveryFailure"


def test_hanging_up_mid_call_ends_the_execution_without_a_text() -> None:
    config = make_config()
    caller = ScriptedCaller(answers={"q_lic": Speech("yeah I do")}, hang_up_at="q_years")
    result = simulate(compile_receptionist(config), caller)
    assert result.outcome == "hung_up"
    assert result.steps[-1] == result.steps[-1].__class__("hangup", "q_years", "Ended")
    assert "confirm_sms" not in result.context["widgets"]
    answers = extract_question_answers(result.context, config.questions)
    assert [a.text for a in answers] == ["yeah I do", "", "", ""]


def test_hanging_up_at_the_voicemail_still_texts() -> None:
    result = simulate(compile_receptionist(make_config()), ScriptedCaller(hang_up_at="voicemail"))
    assert ("voicemail", "hangup", "confirm_sms") in [
        (s.transitioned_from, s.name, s.transitioned_to) for s in result.steps]
    assert result.outcome == "hung_up"


def test_context_has_the_studio_shape() -> None:
    result = simulate(compile_receptionist(make_config()), ScriptedCaller())
    context = result.studio_context()["context"]
    assert set(context) == {"flow", "contact", "trigger", "widgets"}
    assert context["flow"]["data"] == {}
    assert context["contact"] == {"channel": {"address": "+14155550100"}}
    assert context["trigger"]["call"]["From"] == "+14155550100"
    assert context["trigger"]["call"]["To"] == "+14155550199"
    json.dumps(context)  # the sandbox serves it as is


def test_multilingual_callers_choose_spanish_recognition() -> None:
    definition = compile_receptionist(make_config(language_mode="multilingual"))
    spanish = simulate(definition, ScriptedCaller(answers={"language_menu": Speech("Español")}))
    assert spanish.context["flow"]["variables"]["language"] == "es-US"
    english = simulate(definition, ScriptedCaller(answers={"language_menu": Keys("1")}))
    assert english.context["flow"]["variables"]["language"] == "en-US"
    by = states_by_name(definition)
    assert by["q_lic"]["properties"]["gather_language"] == "{{flow.variables.language}}"


def test_job_location_mismatch_is_told_and_the_call_continues() -> None:
    config = make_config(collect_location=True, enforce_job_location_match=True,
                         job_locations=("Dallas, TX", "Austin"))
    definition = compile_receptionist(config)
    away = simulate(definition, ScriptedCaller(answers={"ask_location": Speech("Seattle")}))
    assert "Our current openings are in Dallas, TX; Austin" in away.agent_text()
    near = simulate(definition, ScriptedCaller(answers={"ask_location": Speech("near austin")}))
    assert "current openings" not in near.agent_text()
    assert "Do you have a forklift license?" in near.agent_text()


def test_details_are_read_on_request() -> None:
    config = make_config(custom_context=CustomContext(open_positions="Pickers", pay="$18/h"))
    definition = compile_receptionist(config)
    asked = simulate(definition, ScriptedCaller(answers={"more_info": Keys("1")}))
    assert "We are currently hiring for: Pickers" in asked.agent_text()
    assert "Pay: $18/h" in asked.agent_text()
    skipped = simulate(definition, ScriptedCaller())
    assert "Pay: $18/h" not in skipped.agent_text()


def test_a_text_to_the_number_points_to_the_phone_line() -> None:
    sim = Simulation(compile_receptionist(make_config()), trigger=Trigger.MESSAGE, body="hi")
    result = sim.result()
    assert sim.finished and result.outcome == "completed"
    assert "please call this number" in result.transcript[0].text
    assert result.context["trigger"]["message"]["Body"] == "hi"


def test_outbound_execution_calls_first() -> None:
    definition = compile_receptionist(make_config())
    answered = Simulation(definition, trigger=Trigger.REQUEST, contact="+12125551234")
    assert answered.current_prompt() is not None
    assert answered.context["widgets"]["outbound_call"]["To"] == "+12125551234"
    missed = Simulation(definition, trigger=Trigger.REQUEST, outbound_answered=False)
    assert missed.finished and missed.result().outcome == "no_answer"


def test_step_by_step_api_for_the_test_call() -> None:
    sim = Simulation(compile_receptionist(make_config(questions=(LICENSE,))))
    prompt = sim.current_prompt()
    assert prompt is not None and prompt.widget == "ask_name" and "first and last name" in prompt.text
    with pytest.raises(SimulationError):
        sim.reply_sms("yes")
    sim.answer_speech("Jane Doe")
    sim.answer_digits("4155550123#")
    assert sim.current_prompt().widget == "q_lic"
    sim.answer_speech("nope")
    sim.stay_silent()  # the voicemail
    assert sim.current_prompt().kind == "sms"
    assert sim.result().outcome == "waiting"
    sim.reply_sms("yes")
    assert sim.finished and sim.current_prompt() is None
    assert sim.result().context["widgets"]["q_lic"]["SpeechResult"] == "nope"
    with pytest.raises(SimulationError):
        sim.hang_up()


# ----- simulator on hand-written definitions -----

def _split_flow(conditions: list[dict[str, Any]]) -> dict[str, Any]:
    def state(name: str, kind: str, props: dict[str, Any], transitions: list[Any]) -> dict[str, Any]:
        return {"name": name, "type": kind, "properties": {**props, "offset": {"x": 0, "y": 0}},
                "transitions": transitions}

    return {
        "description": "t", "initial_state": "Trigger", "flags": {"allow_concurrent_calls": True},
        "states": [
            state("Trigger", "trigger", {}, [{"event": "incomingRequest", "next": "split"}]),
            state("split", "split-based-on", {"input": "{{flow.data.value}}"}, [
                {"event": "noMatch", "next": "no"},
                {"event": "match", "next": "yes", "conditions": conditions},
            ]),
            state("yes", "send-message", {"to": "{{contact.channel.address}}", "from": "+14155550199",
                                          "body": "yes {{flow.data.value}}"}, []),
            state("no", "send-message", {"to": "{{contact.channel.address}}", "from": "+14155550199",
                                         "body": "no"}, []),
        ],
    }


@pytest.mark.parametrize(
    ("kind", "value", "data", "matches"),
    [
        ("equal_to", "Yes", "yes", True),
        ("not_equal_to", "yes", "no", True),
        ("matches_any_of", "yes, y, yeah", "Yeah", True),
        ("does_not_match_any_of", "yes, y", "nope", True),
        ("contains", "dallas", "Near Dallas TX", True),
        ("does_not_contain", "dallas", "Austin", True),
        ("starts_with", "1", "123", True),
        ("regex", r"^[0-9]{3}$", "123", True),
        ("regex", r"^[0-9]{3}$", "12a", False),
        ("is_blank", "", "  ", True),
        ("is_not_blank", "", "", False),
        ("less_than", "10", "9.5", True),
        ("greater_than", "10", "ten", False),
    ],
)
def test_split_conditions(kind: str, value: str, data: str, matches: bool) -> None:
    flow = _split_flow([{"friendly_name": "c", "arguments": ["{{flow.data.value}}"],
                         "type": kind, "value": value}])
    assert check_definition(flow) == []
    sim = Simulation(flow, trigger=Trigger.REQUEST, parameters={"value": data})
    assert sim.result().steps[1].transitioned_to == ("yes" if matches else "no")
    if matches:
        assert sim.result().transcript[0].text == f"yes {data}"


def test_unknown_widget_is_a_simulation_error() -> None:
    flow = _split_flow([{"friendly_name": "c", "arguments": ["x"], "type": "equal_to", "value": "x"}])
    flow["states"][2]["type"] = "run-function"
    with pytest.raises(SimulationError, match="run-function"):
        Simulation(flow, trigger=Trigger.REQUEST)


# ----- SMS screening -----

def test_sms_screening_round_trip() -> None:
    questions = (LICENSE, SHIFT, WHY)
    definition = compile_sms_screening(questions, intro="Hi! A few questions from Acme {{Staffing}}.")
    assert check_definition(definition) == []
    sim = Simulation(definition, trigger=Trigger.REQUEST, contact="+12125551234")
    replies = iter(["YES", "2", "I like forklifts"])
    while (prompt := sim.current_prompt()) is not None:
        assert prompt.kind == "sms"
        sim.reply_sms(next(replies))
    result = sim.result()
    assert result.transcript[0].text == "Hi! A few questions from Acme {{Staffing}}."
    assert "(Reply with a number: 1) Day, 2) Night)" in result.agent_text()
    answers = extract_question_answers(result.context, questions)
    assert [(a.widget, a.text) for a in answers] == [
        ("q_lic", "YES"), ("q_shift", "2"), ("q_why", "I like forklifts")]
    assert answers[1].value == "Night"
    assert result.steps[-1].transitioned_from == "sms_closing"
    assert result.steps[-1].transitioned_to == "Ended"
