"""Outbound executions answered by scripted candidates (a screening started through the
Executions API), leaving what Twilio would: the Execution with its Context and Steps, the
Call (outbound-api, priced, recorded when the widget asks), Recordings with media, and the
Messages both ways.

Who answers is ``Candidates``: a script per phone number (the app's own
``flows.ScriptedCaller``), numbers that never answer (the call rings out; texts get no reply),
and an optional ``default`` that writes a script for anyone else (demo mode). A number with
none of these leaves the execution as the sandbox always did: active, only its trigger step.

Texts wait like Studio does: a send-and-wait-for-reply with no reply coming keeps the
execution active until its ``timeout`` has passed on the sandbox clock; the next request
after that (``Outbound.resume_due``) moves it on. A candidate's replies reach the execution
only when the sending number's SmsUrl points at the flow, as on Twilio.

Each stretch of a run (until it waits, or ends) is dated so that it ends at the sandbox's
"now": nothing is dated in the future, so watermarks never jump ahead.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from milo_desktop.sandbox.twilio_calls import SMS_REPLY_DELAY, _messages, _seconds
from milo_desktop.sandbox.twilio_flowrun import DEFAULT_RECORDING_SECONDS, VOICE_TYPES
from milo_desktop.sandbox.twilio_state import Rec, SandboxState
from milo_desktop.sandbox.twilio_util import TwilioError, later, new_sid, rfc2822
from milo_desktop.services.flows import ScriptedCaller, Simulation, Trigger

# (definition, candidate's number) → a script, or None: that candidate does not answer.
ScriptWriter = Callable[[Mapping[str, Any], str], ScriptedCaller | None]
DEFAULT_REPLY_WAIT = 3600


@dataclass
class Candidates:
    """Who answers outbound executions (see the module docstring)."""

    scripts: dict[str, ScriptedCaller] = field(default_factory=dict)
    never_answers: set[str] = field(default_factory=set)
    default: ScriptWriter | None = None

    def script(self, caller: ScriptedCaller) -> None:
        """``caller.number`` answers with ``caller``'s script from now on."""
        self.scripts[caller.number] = caller

    def never_answer(self, number: str) -> None:
        """``number`` lets calls ring out and never replies to a text."""
        self.never_answers.add(number)

    def answerer(self, definition: Mapping[str, Any],
                 number: str) -> tuple[ScriptedCaller | None, bool]:
        """(script, never answers); (None, False) when nobody is set up for ``number``."""
        if number in self.never_answers:
            return ScriptedCaller(number=number), True
        script = self.scripts.get(number)
        if script is not None:
            return script, False
        if self.default is not None:  # everyone answers for themselves, or rings out
            script = self.default(definition, number)
            return (script, False) if script is not None else (ScriptedCaller(number), True)
        return None, False


@dataclass
class _Run:
    """An outbound execution being played; kept while it waits for a text reply."""

    execution: Rec
    flow: Rec
    sim: Simulation
    caller: ScriptedCaller
    never: bool
    routed: bool  # the sending number's SmsUrl points at this flow
    to: str
    from_: str
    steps_done: int = 0
    texted: set[str] = field(default_factory=set)  # widgets whose outbound text exists
    call_sid: str | None = None
    wait_until: datetime | None = None


_STAGE_PREFIX = re.compile(r"^s\d+_(.+)$")


def own_name(widget: str) -> str:
    """``s12_q_7`` → ``q_7``: a stage's widget as named in its own flow."""
    match = _STAGE_PREFIX.match(widget)
    return match.group(1) if match else widget


class Outbound:
    """Plays outbound executions over a SandboxState (call under ``state.lock``)."""

    def __init__(self, state: SandboxState, candidates: Candidates,
                 origin: Callable[[], str]) -> None:
        self.state = state
        self.candidates = candidates
        self.origin = origin  # the sandbox's base URL, for RecordingUrl
        self.waiting: dict[str, _Run] = {}

    def start(self, flow: Rec, execution: Rec, params: Mapping[str, Any]) -> bool:
        """Studio's hook on a new execution: play it when someone answers for its number.
        Returns False to leave it as the plain REST trigger (nobody set up)."""
        definition = flow.data["definition"]
        to = execution.data["contact_channel_address"]
        caller, never = self.candidates.answerer(definition, to)
        if caller is None:
            return False
        context = self.state.contexts[execution.sid]
        from_ = context["flow"]["channel"]["address"]
        number = self.state.number_for(from_)
        if number is None or number.account_sid != flow.account_sid:
            # Twilio refuses the request; nothing of the execution remains (code UNCONFIRMED).
            del self.state.executions[execution.sid]
            self.state.steps.pop(execution.sid, None)
            self.state.contexts.pop(execution.sid, None)
            raise TwilioError(400, 21212, f"The From phone number {from_} is not a valid, "
                                          "SMS-capable inbound phone number for your account")
        sim = Simulation(definition, trigger=Trigger.REQUEST, contact=to, channel=from_,
                         parameters=dict(params), outbound_answered=not never,
                         seed=execution.seq)
        sim.context["flow"].update(flow_sid=flow.sid, sid=execution.sid)
        self.state.contexts[execution.sid] = sim.context
        caller = dataclasses.replace(caller, number=to)
        routed = number.data.get("sms_url") == flow.data["webhook_url"]
        run = _Run(execution, flow, sim, caller, never, routed, to, from_)
        self._advance(run)
        return True

    def resume_due(self) -> None:
        """Move on every run whose text has waited its timeout (no reply came)."""
        now = self.state.clock()
        for sid, run in list(self.waiting.items()):
            if run.execution.data["status"] == "ended":  # ended through the API meanwhile
                del self.waiting[sid]
            elif run.wait_until is not None and run.wait_until <= now:
                del self.waiting[sid]
                run.wait_until = None
                run.sim.reply_sms(None)  # the widget's timeout event
                self._advance(run)

    # -- playing ---------------------------------------------------------------------------
    def _props(self, run: _Run, widget: str) -> Mapping[str, Any]:
        for state in run.flow.data["definition"].get("states", []):
            if state.get("name") == widget:
                return state.get("properties") or {}
        return {}

    def _play(self, run: _Run) -> None:
        """Answer prompts until the run ends or waits for a reply that is not coming. A
        screening inside a number's flow has its widgets named ``s<stage id>_<name>``: the
        script answers them by either name."""
        sim, caller = run.sim, run.caller
        while (prompt := sim.current_prompt()) is not None:
            own = own_name(prompt.widget)
            if prompt.kind == "sms":
                reply = caller.sms_replies.get(prompt.widget, caller.sms_replies.get(own))
                if run.never or not run.routed or reply is None:
                    wait = int(str(self._props(run, prompt.widget).get("timeout")
                                   or DEFAULT_REPLY_WAIT))
                    run.wait_until = later(self.state.clock(), wait)
                    return
                sim.reply_sms(reply)
            elif caller.hang_up_at in (prompt.widget, own):
                sim.hang_up()
            else:
                sim.act(caller.answers.get(prompt.widget, caller.answers.get(own, caller.default)))

    def _advance(self, run: _Run) -> None:
        self._play(run)
        self._materialise(run)
        if run.sim.finished:
            run.execution.data["status"] = "ended"
        else:
            self.waiting[run.execution.sid] = run

    def _materialise(self, run: _Run) -> None:
        """Turn the steps taken since the last stretch into Twilio resources."""
        state, sim = self.state, run.sim
        states = {s["name"]: s for s in run.flow.data["definition"]["states"]}
        widgets: dict[str, Any] = sim.context["widgets"]
        new = sim.steps[run.steps_done:]
        offsets: list[float] = []
        clock, call_from, call_to = 0.0, None, None
        for step in new:
            kind = states.get(step.transitioned_from, {}).get("type", "")
            widget = widgets.get(step.transitioned_from, {})
            clock += _seconds(kind, states.get(step.transitioned_from, {}).get("properties", {}),
                              widget)
            offsets.append(clock)
            if kind == "make-outgoing-call-v2":
                call_from = clock
            if kind in VOICE_TYPES and call_from is not None:
                call_to = clock
            if kind == "send-and-wait-for-reply" and "inbound" in widget:
                clock += SMS_REPLY_DELAY
        waiting = sim.current_prompt()
        now = state.clock()
        start = later(now, -clock)
        if run.steps_done == 0:  # the execution began when its first stretch did
            run.execution.created = start
            run.execution.data["date_created"] = start
        account = run.flow.account_sid
        self._call(run, states, new, start, call_from, call_to)
        for step, offset in zip(new, offsets, strict=True):
            name = step.transitioned_from
            kind = states.get(name, {}).get("type", "")
            widget = widgets.get(name)
            when = later(start, offset)
            if kind == "record-voicemail" and isinstance(widget, dict) and run.call_sid:
                seconds = int(widget.get("RecordingDuration") or DEFAULT_RECORDING_SECONDS)
                rec = state.add_recording(account, run.call_sid, later(when, -seconds), seconds)
                widget.update(RecordingSid=rec.sid, RecordingUrl=self.origin()
                              + rec.extra["media_path"])
            elif (kind in ("send-message", "send-and-wait-for-reply")
                  and isinstance(widget, dict) and name not in run.texted):
                _messages(state, account, widget, kind, when, run.from_, run.to)
                run.texted.add(name)
            state.add_step(run.execution, name=step.name, transitioned_from=name,
                           transitioned_to=step.transitioned_to, widget_type=kind, when=when,
                           context={"widgets": {name: widget}} if widget is not None else {})
        if waiting is not None and waiting.widget not in run.texted:
            # The question went out; its reply is what the execution now waits for.
            widget = widgets[waiting.widget]
            _messages(state, account, widget, "send-and-wait-for-reply", now, run.from_, run.to)
            run.texted.add(waiting.widget)
        for widget in widgets.values():
            if isinstance(widget, dict) and "CallSid" in widget and run.call_sid:
                widget["CallSid"] = run.call_sid
        run.steps_done = len(sim.steps)
        run.execution.data["date_updated"] = now

    def _call(self, run: _Run, states: Mapping[str, Any], steps: list[Any], start: datetime,
              call_from: float | None, call_to: float | None) -> None:
        """The Call an outbound-call widget placed in this stretch (and its recording)."""
        dial = next((s for s in steps if states.get(s.transitioned_from, {}).get("type")
                     == "make-outgoing-call-v2"), None)
        if dial is None or call_from is None:
            return
        widget_name = dial.transitioned_from
        props = states[widget_name].get("properties", {})
        call_sid = new_sid("CA")
        run.call_sid = call_sid
        number = self.state.number_for(run.from_)
        answered = dial.name == "answered"
        began = later(start, call_from)
        duration = max(1, round((call_to or call_from) - call_from)) if answered else None
        self.state.add_call(
            run.flow.account_sid, sid=call_sid, to=run.to, from_=run.from_,
            direction="outbound-api", start=began, duration=duration,
            phone_number_sid=number.sid if number else None,
            status="completed" if answered else "no-answer")
        widget = run.sim.context["widgets"].setdefault(widget_name, {})
        widget.update(CallSid=call_sid, To=run.to, From=run.from_,
                      CallStatus="completed" if answered else "no-answer")
        if answered:
            widget["AnsweredBy"] = "human"
            if props.get("record") in (True, "true") and duration:
                self.state.add_recording(run.flow.account_sid, call_sid, began, duration)
        else:
            rec = self.state.calls[call_sid]
            rec.data.update(start_time=None, date_updated=rfc2822(began))
