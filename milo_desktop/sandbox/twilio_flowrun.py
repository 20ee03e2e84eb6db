"""How the sandbox runs a published flow for a simulated inbound call.

A `FlowRunner` takes the flow definition and a scripted caller and returns a `FlowRun`: the
Studio-shaped execution context, the steps (transitions) and a transcript. The sandbox then
turns the run into Twilio resources (twilio_calls.py). `builtin_runner` is a small walker
for tests and for when the app's simulator (milo_desktop.services.flows) is not plugged in;
`simulator_runner` (the default) runs the app's own simulator
(milo_desktop.services.flows.simulate), so what the sandbox plays is what the app tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from milo_desktop.services.flows import Keys, Speech, simulate
from milo_desktop.services.flows import ScriptedCaller as SimCaller
from milo_desktop.services.flows.liquid import render

VOICE_TYPES = frozenset({"gather-input-on-call", "say-play", "record-voicemail", "record-call"})
MAX_STEPS = 500
DEFAULT_RECORDING_SECONDS = 8


@dataclass(frozen=True)
class ScriptedCaller:
    """Who calls and what they say.

    `answers` maps a widget name to the caller's answer: digits-only text is keyed in (a
    keypress), anything else is spoken; for a send-and-wait-for-reply widget it is the SMS
    reply, for record-voicemail the recording's length in seconds. A widget with no answer
    times out, except SMS widgets, which get `sms_reply` (None: no reply, a timeout).
    From `hang_up_at` (a widget name) on, the call is down: the run ends at the next voice
    widget, as Studio does.
    """

    phone: str
    name: str = ""
    answers: Mapping[str, str] = field(default_factory=dict)
    hang_up_at: str | None = None
    sms_reply: str | None = "YES"
    to_number: str = ""  # the Twilio number called (filled in by the sandbox)
    call_sid: str = ""  # the Call's sid (filled in by the sandbox)


@dataclass(frozen=True)
class FlowRun:
    """What running a flow produced.

    context: Studio-shaped {"flow": {...}, "contact": {...}, "trigger": {"call": {...}},
        "widgets": {name: {...}}}; steps: dicts with name (the event), transitioned_from,
        transitioned_to ("Ended" last, unless the caller hung up mid-flow) and type;
        transcript: (speaker, text) pairs, speaker "agent" or "caller".
    """

    context: dict[str, Any]
    steps: list[dict[str, str]]
    transcript: list[tuple[str, str]]


# runner(definition, caller, to_number) -> FlowRun (or a (context, steps, transcript) tuple)
FlowRunner = Callable[[dict[str, Any], Any, str], Any]


def initial_context(caller: ScriptedCaller) -> dict[str, Any]:
    """The context Studio starts an inbound call's execution with."""
    return {
        "flow": {"channel": {"address": caller.to_number}, "data": {}, "variables": {}},
        "contact": {"channel": {"address": caller.phone}},
        "trigger": {
            "call": {
                "CallSid": caller.call_sid, "From": caller.phone, "To": caller.to_number,
                "Caller": caller.phone, "Called": caller.to_number, "CallerName": caller.name,
                "CallStatus": "ringing", "Direction": "inbound", "ApiVersion": "2010-04-01",
            }
        },
        "widgets": {},
    }


def _condition(value: str, cond: Mapping[str, Any]) -> bool:
    kind, target = cond.get("type", ""), str(cond.get("value", ""))
    low, tlow = value.strip().lower(), target.strip().lower()
    options = [o.strip().lower() for o in target.split(",")]
    tests: dict[str, Callable[[], bool]] = {
        "equal_to": lambda: low == tlow,
        "not_equal_to": lambda: low != tlow,
        "contains": lambda: tlow in low,
        "does_not_contain": lambda: tlow not in low,
        "starts_with": lambda: low.startswith(tlow),
        "does_not_start_with": lambda: not low.startswith(tlow),
        "matches_any_of": lambda: low in options,
        "does_not_match_any_of": lambda: low not in options,
        "is_blank": lambda: not low,
        "is_not_blank": lambda: bool(low),
        "regex": lambda: re.search(target, value) is not None,
    }
    if kind in ("less_than", "greater_than"):
        try:
            a, b = float(value), float(target)
        except ValueError:
            return False
        return a < b if kind == "less_than" else a > b
    test = tests.get(kind)
    return bool(test and test())


def _split(state: Mapping[str, Any], ctx: Mapping[str, Any]) -> tuple[str, str | None]:
    value = render(str(state.get("properties", {}).get("input", "")), ctx)
    for tr in state.get("transitions", []):
        conds = tr.get("conditions") or []
        if tr.get("event") == "match" and conds and all(_condition(value, c) for c in conds):
            return "match", tr.get("next")
    return "noMatch", None


def builtin_runner(definition: dict[str, Any], caller: ScriptedCaller, to_number: str = "") -> FlowRun:
    """Walk `definition` for an inbound call by `caller` (see ScriptedCaller); a minimal walker
    kept for tests and as a fallback (`simulator_runner` is the default)."""
    states = {s["name"]: s for s in definition["states"]}
    ctx = initial_context(caller)
    widgets: dict[str, Any] = ctx["widgets"]
    steps: list[dict[str, str]] = []
    transcript: list[tuple[str, str]] = []
    name: str | None = definition["initial_state"]
    hung_up = False
    while name is not None and len(steps) < MAX_STEPS:
        state = states[name]
        kind, props = state["type"], state.get("properties", {})
        hung_up = hung_up or name == caller.hang_up_at
        if hung_up and kind in VOICE_TYPES:
            break
        answer = caller.answers.get(name)
        target: str | None = None
        if kind == "trigger":
            event = "incomingCall"
        elif kind in ("gather-input-on-call", "say-play"):
            if props.get("say"):
                transcript.append(("agent", render(str(props["say"]), ctx)))
            event = "audioComplete"
            if kind == "gather-input-on-call":
                result: dict[str, Any] = {"CallSid": caller.call_sid, "From": caller.phone,
                                          "To": caller.to_number}
                if answer is None:
                    event = "timeout"
                elif answer.strip().isdigit():
                    event, result["Digits"] = "keypress", answer.strip()
                else:
                    event = "speech"
                    result.update(SpeechResult=answer, Confidence="0.93")
                if answer is not None:
                    transcript.append(("caller", answer))
                widgets[name] = result
        elif kind == "split-based-on":
            event, target = _split(state, ctx)
        elif kind == "set-variables":
            event = "next"
            for item in props.get("variables", []):
                ctx["flow"]["variables"][item["key"]] = render(str(item.get("value", "")), ctx)
        elif kind in ("send-and-wait-for-reply", "send-message"):
            body = render(str(props.get("body", "")), ctx)
            outbound = {"Body": body, "To": caller.phone, "From": caller.to_number}
            transcript.append(("agent", body))
            if kind == "send-message":
                event, widgets[name] = "sent", outbound
            else:
                reply = answer if answer is not None else caller.sms_reply
                widgets[name] = {"outbound": outbound}
                event = "timeout"
                if reply is not None:
                    event = "incomingMessage"
                    widgets[name]["inbound"] = {"Body": reply, "From": caller.phone,
                                                "To": caller.to_number}
                    transcript.append(("caller", reply))
        elif kind == "record-voicemail":
            seconds = int(answer) if answer and answer.isdigit() else DEFAULT_RECORDING_SECONDS
            event, widgets[name] = "recordingComplete", {"RecordingDuration": str(seconds)}
        else:
            transitions = state.get("transitions", [])
            event = {"record-call": "success", "make-http-request": "success",
                     "run-function": "success", "connect-call-to": "callCompleted"}.get(
                kind, transitions[0]["event"] if transitions else "next")
        if target is None:
            target = next((t.get("next") for t in state.get("transitions", [])
                           if t.get("event") == event), None)
        target = target or None
        steps.append({"name": event, "transitioned_from": name,
                      "transitioned_to": target or "Ended", "type": kind})
        name = target
    return FlowRun(ctx, steps, transcript)


def simulator_runner(definition: dict[str, Any], caller: Any, to_number: str) -> FlowRun:
    """Run the app's simulator. `caller` is the simulator's own ScriptedCaller, or ours,
    translated: digits are keyed in, other text spoken; a record-voicemail answer of digits is
    the recording's length in seconds; SMS widgets get their answer or `sms_reply`."""
    if isinstance(caller, ScriptedCaller):
        kinds = {s["name"]: s["type"] for s in definition["states"]}
        actions: dict[str, Any] = {}
        replies: dict[str, str] = {}
        for name, kind in kinds.items():
            answer = caller.answers.get(name)
            if kind == "send-and-wait-for-reply":
                reply = answer if answer is not None else caller.sms_reply
                if reply is not None:
                    replies[name] = reply
            elif answer is None:
                continue
            elif kind == "record-voicemail" and answer.strip().isdigit():
                actions[name] = Speech("message " * max(1, round(int(answer) * 2.5)))
            elif answer.strip().isdigit():
                actions[name] = Keys(answer.strip())
            else:
                actions[name] = Speech(answer)
        sim_caller = SimCaller(number=caller.phone, answers=actions, sms_replies=replies,
                               hang_up_at=caller.hang_up_at)
    else:
        sim_caller = caller
    result = simulate(definition, sim_caller, channel=to_number)
    context = result.context
    if isinstance(caller, ScriptedCaller):
        context["trigger"].get("call", {})["CallerName"] = caller.name
        for name, widget in context["widgets"].items():
            answer = caller.answers.get(name, "")
            if kinds.get(name) == "record-voicemail" and answer.strip().isdigit():
                widget["RecordingDuration"] = answer.strip()
    steps = [{"name": s.name, "transitioned_from": s.transitioned_from,
              "transitioned_to": s.transitioned_to} for s in result.steps]
    return FlowRun(context, steps, [(line.speaker, line.text) for line in result.transcript])
