"""Simulated inbound calls: run the flow a number points at, then leave behind what Twilio
would — the Call (ended, priced), the Execution with its Context and Steps, Recordings with
media, and the SMS Messages (outbound confirmations and the caller's replies).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from milo_desktop.sandbox.twilio_flowrun import (
    DEFAULT_RECORDING_SECONDS,
    VOICE_TYPES,
    FlowRun,
    FlowRunner,
    ScriptedCaller,
)
from milo_desktop.sandbox.twilio_state import Rec, SandboxState
from milo_desktop.sandbox.twilio_util import WEBHOOK_RE, later, new_sid

SMS_REPLY_DELAY = 30  # seconds between a confirmation SMS and the caller's reply


def _words(text: Any) -> int:
    return len(str(text or "").split())


def _seconds(kind: str, props: Mapping[str, Any], widget: Mapping[str, Any]) -> float:
    """How long a step takes on the call: speech at ~2.5 words a second."""
    if kind == "trigger":
        return 1
    if kind == "say-play":
        return max(2.0, _words(props.get("say")) / 2.5)
    if kind == "gather-input-on-call":
        said = widget.get("SpeechResult") or widget.get("Digits")
        return _words(props.get("say")) / 2.5 + _words(said) / 2.5 + 2
    if kind == "record-voicemail":
        return float(widget.get("RecordingDuration") or DEFAULT_RECORDING_SECONDS)
    if kind in ("send-message", "send-and-wait-for-reply"):
        return 1
    return 0


def _as_run(result: Any) -> FlowRun:
    if isinstance(result, FlowRun):
        return result
    context, steps, transcript = result  # a (context, steps, transcript) tuple
    return FlowRun(dict(context), [dict(s) for s in steps], list(transcript))


def flow_for_number(state: SandboxState, to_number: str) -> tuple[Rec, Rec]:
    """The IncomingPhoneNumber and the published flow its VoiceUrl points at (LookupError)."""
    number = state.number_for(to_number)
    if number is None:
        raise LookupError(f"no IncomingPhoneNumber {to_number} in the sandbox")
    match = WEBHOOK_RE.search(number.data["voice_url"] or "")
    flow = state.flows.get(match.group(2)) if match else None
    if flow is None or flow.data["status"] != "published":
        raise LookupError(f"{to_number}'s VoiceUrl is not a published Studio flow")
    return number, flow


def place_inbound_call(
    state: SandboxState,
    runner: FlowRunner,
    *,
    to_number: str,
    from_number: str,
    caller_name: str,
    answers: Mapping[str, str] | Any,
    hang_up_at: str | None,
    at: datetime | None,
    origin: str,
) -> str:
    """Simulate a finished inbound call to `to_number`; returns the Execution sid.

    `answers` is a widget-name -> answer mapping (see ScriptedCaller) or a script object the
    runner understands (a ScriptedCaller gets the number and CallSid filled in). `at` is when
    the call started (default: so that it, and any SMS reply, ended just now). `origin` is the
    sandbox's base URL, for RecordingUrl.
    """
    with state.lock:
        number, flow = flow_for_number(state, to_number)
        account = number.account_sid
        call_sid = new_sid("CA")
        if isinstance(answers, Mapping):
            caller: Any = ScriptedCaller(from_number, caller_name, dict(answers), hang_up_at)
        else:
            caller = answers
        if isinstance(caller, ScriptedCaller):
            caller = dataclasses.replace(caller, to_number=to_number, call_sid=call_sid)
        definition = flow.data["definition"]
        run = _as_run(runner(definition, caller, to_number))
        states = {s["name"]: s for s in definition["states"]}
        widgets: dict[str, Any] = run.context.setdefault("widgets", {})

        # Timeline: offsets (seconds from the call's start) of each step, and the call's end.
        offsets: list[float] = []
        clock, call_end = 0.0, 1.0
        for step in run.steps:
            state_def = states.get(step["transitioned_from"], {})
            kind = state_def.get("type", step.get("type", ""))
            widget = widgets.get(step["transitioned_from"], {})
            clock += _seconds(kind, state_def.get("properties", {}), widget)
            offsets.append(clock)
            if kind in VOICE_TYPES or kind == "trigger":
                call_end = clock
            if kind == "send-and-wait-for-reply" and "inbound" in widget:
                clock += SMS_REPLY_DELAY
        duration = max(1, round(call_end))
        start = at or later(state.clock(), -clock)

        state.add_call(
            account, sid=call_sid, to=to_number, from_=from_number, direction="inbound",
            start=start, duration=duration, caller_name=caller_name or None,
            phone_number_sid=number.sid,
        )
        for step, offset in zip(run.steps, offsets, strict=True):
            name = step["transitioned_from"]
            kind = states.get(name, {}).get("type", "")
            widget = widgets.get(name)
            when = later(start, offset)
            if kind == "record-voicemail" and isinstance(widget, dict):
                seconds = int(widget.get("RecordingDuration") or DEFAULT_RECORDING_SECONDS)
                rec = state.add_recording(account, call_sid, later(when, -seconds), seconds)
                widget.update(RecordingSid=rec.sid, RecordingDuration=str(seconds),
                              RecordingUrl=origin + rec.extra["media_path"])
            elif kind == "record-call" and states[name].get("properties", {}).get("record_call"):
                state.add_recording(account, call_sid, later(start, offset), duration)
            elif kind in ("send-message", "send-and-wait-for-reply") and isinstance(widget, dict):
                _messages(state, account, widget, kind, when, to_number, from_number)
        # The runner made up its own CallSid; use the Call's.
        for widget in widgets.values():
            if isinstance(widget, dict) and "CallSid" in widget:
                widget["CallSid"] = call_sid
        trigger_call = run.context.setdefault("trigger", {}).setdefault("call", {})
        trigger_call.update(CallSid=call_sid, From=from_number, To=to_number)
        if caller_name:
            trigger_call["CallerName"] = caller_name

        flow_ctx = run.context.setdefault("flow", {})
        execution = state.add_execution(
            flow, contact=from_number, initiated_by=call_sid, when=start, context=run.context,
            status="ended",
        )
        flow_ctx.update(flow_sid=flow.sid, sid=execution.sid)
        execution.data["date_updated"] = later(start, clock)
        execution.extra["transcript"] = run.transcript
        for step, offset in zip(run.steps, offsets, strict=True):
            name = step["transitioned_from"]
            widget = widgets.get(name)
            state.add_step(
                execution, name=step["name"], transitioned_from=name,
                transitioned_to=step["transitioned_to"],
                widget_type=states.get(name, {}).get("type", step.get("type", "")),
                when=later(start, offset),
                context={"widgets": {name: widget}} if widget is not None else {},
            )
        return execution.sid


def _messages(
    state: SandboxState,
    account: str,
    widget: dict[str, Any],
    kind: str,
    when: datetime,
    twilio_number: str,
    caller: str,
) -> None:
    """Create the Message(s) an SMS widget sent and received, and put their sids in its context."""
    outbound = widget.get("outbound", widget) if kind == "send-and-wait-for-reply" else widget
    sent = state.add_message(
        account, to=outbound.get("To") or caller, from_=outbound.get("From") or twilio_number,
        body=str(outbound.get("Body", "")), direction="outbound-api", when=when,
    )
    outbound["Sid"] = sent.sid
    inbound = widget.get("inbound") if kind == "send-and-wait-for-reply" else None
    if isinstance(inbound, dict):
        reply = state.add_message(
            account, to=twilio_number, from_=inbound.get("From") or caller,
            body=str(inbound.get("Body", "")), direction="inbound",
            when=later(when, SMS_REPLY_DELAY),
        )
        inbound.update(MessageSid=reply.sid, From=reply.data["from"], To=twilio_number)
