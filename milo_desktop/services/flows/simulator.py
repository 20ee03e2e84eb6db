"""Walk any Studio flow definition the way Studio would, with a caller played by code or a person.

The in-app "Test call" drives :class:`Simulation` one answer at a time; :func:`simulate` drives
it with a :class:`ScriptedCaller`; the sandbox Twilio server keeps the resulting context and
steps as an execution. What is simulated is exactly what is published.

Assumptions where Studio's behaviour is not documented (UNCONFIRMED): a gather that times out
adds nothing to ``widgets``; once the caller has hung up, reaching a voice widget ends the
execution with a step named ``hangup``.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from milo_desktop.services.flows.conditions import holds
from milo_desktop.services.flows.liquid import render
from milo_desktop.services.flows.simulation_types import (
    CallerAction,
    HangUp,
    Keys,
    Prompt,
    Silence,
    SimulationError,
    SimulationResult,
    Speech,
    Step,
    TranscriptLine,
)
from milo_desktop.services.flows.widgets import VOICE_WIDGETS

MAX_STEPS = 10_000  # a flow that loops forever is a bug in the flow; stop and say so
_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


class Trigger(StrEnum):
    CALL = "call"  # incomingCall: someone rings the number
    MESSAGE = "message"  # incomingMessage: someone texts the number
    REQUEST = "request"  # incomingRequest: the Executions API (outbound screening)


class Simulation:
    """One execution of ``definition``; call the answer methods while :attr:`finished` is False."""

    def __init__(
        self,
        definition: Mapping[str, Any],
        *,
        trigger: Trigger = Trigger.CALL,
        contact: str = "+14155550100",
        channel: str = "+14155550199",
        body: str = "",
        parameters: Mapping[str, Any] | None = None,
        outbound_answered: bool = True,
        seed: int = 0,
    ) -> None:
        self._states: dict[str, dict[str, Any]] = {s["name"]: s for s in definition["states"]}
        self._rng = random.Random(seed)
        self._outbound_answered = outbound_answered
        self._call_active = trigger == Trigger.CALL
        self._hung_up = False
        self._no_answer = False
        self.steps: list[Step] = []
        self.transcript: list[TranscriptLine] = []
        self.finished = False
        self._prompt: Prompt | None = None
        self.call_sid = self._sid("CA") if trigger != Trigger.MESSAGE else ""
        self.context: dict[str, Any] = {
            "flow": {
                "flow_sid": self._sid("FW"),
                "sid": self._sid("FN"),
                "channel": {"address": channel},
                "data": dict(parameters or {}),
                "variables": {},
            },
            "contact": {"channel": {"address": contact}},
            "trigger": self._trigger_context(trigger, contact, channel, body, parameters),
            "widgets": {},
        }
        self._current = definition["initial_state"]
        self._event_from_trigger(trigger)
        self._run()

    # ----- the caller's side (the "Test call" UI calls these) -----

    def current_prompt(self) -> Prompt | None:
        """What the flow is waiting for (the spoken question, the text), or None when done."""
        return None if self.finished else self._prompt

    def answer_speech(self, text: str, confidence: float = 0.92) -> None:
        """The caller says ``text`` (blank text counts as silence)."""
        self.act(Speech(text, confidence))

    def answer_digits(self, digits: str) -> None:
        """The caller presses ``digits`` on the keypad."""
        self.act(Keys(digits))

    def stay_silent(self) -> None:
        """The caller says and presses nothing until the widget times out."""
        self.act(Silence())

    def hang_up(self) -> None:
        """The caller hangs up."""
        self.act(HangUp())

    def reply_sms(self, text: str | None) -> None:
        """The caller texts ``text`` back to a send-and-wait-for-reply (None: never replies)."""
        prompt = self._expect({"sms"})
        name = prompt.widget
        if text is None:
            self._transition("timeout")
        else:
            outbound = self.context["widgets"][name]["outbound"]
            self.context["widgets"][name]["inbound"] = {
                "Body": text, "From": outbound["To"], "To": outbound["From"],
                "MessageSid": self._sid("SM"),
            }
            self._say("caller", "sms", name, text)
            self._transition("incomingMessage")
        self._run()

    def result(self) -> SimulationResult:
        """The execution so far: context, steps, transcript and outcome."""
        if not self.finished:
            outcome = "waiting"
        elif self._no_answer:
            outcome = "no_answer"
        else:
            outcome = "hung_up" if self._hung_up else "completed"
        return SimulationResult(
            context=self.context,
            steps=tuple(self.steps),
            transcript=tuple(self.transcript),
            outcome=outcome,
        )

    # ----- the engine -----

    def _sid(self, prefix: str) -> str:
        return prefix + "".join(self._rng.choice("0123456789abcdef") for _ in range(32))

    def _trigger_context(
        self, trigger: Trigger, contact: str, channel: str, body: str,
        parameters: Mapping[str, Any] | None,
    ) -> dict[str, Any]:
        if trigger == Trigger.CALL:
            return {"call": {"CallSid": self.call_sid, "From": contact, "To": channel,
                             "Direction": "inbound", "CallStatus": "ringing"}}
        if trigger == Trigger.MESSAGE:
            return {"message": {"MessageSid": self._sid("SM"), "From": contact, "To": channel,
                                "Body": body}}
        return {"request": {"from": channel, "to": contact, "parameters": dict(parameters or {})}}

    def _event_from_trigger(self, trigger: Trigger) -> None:
        event = {Trigger.CALL: "incomingCall", Trigger.MESSAGE: "incomingMessage",
                 Trigger.REQUEST: "incomingRequest"}[trigger]
        self._transition(event)

    def _state(self) -> dict[str, Any]:
        try:
            return self._states[self._current]
        except KeyError:
            raise SimulationError(f"transition to a missing state {self._current!r}") from None

    def _transition(self, event: str, target: str | None = None) -> None:
        if target is None:
            found = [t for t in self._state().get("transitions", []) if t["event"] == event]
            target = found[0].get("next", "") if found else ""
        self.steps.append(Step(event, self._current, target or "Ended"))
        self._prompt = None
        if len(self.steps) > MAX_STEPS:
            raise SimulationError(f"more than {MAX_STEPS} steps: the flow loops")
        if target:
            self._current = target
        else:
            self.finished = True

    def _say(self, speaker: str, channel: str, widget: str, text: str) -> None:
        self.transcript.append(TranscriptLine(speaker, channel, widget, text))

    def _render(self, props: Mapping[str, Any], key: str) -> str:
        value = props.get(key)
        return "" if value is None else render(str(value), self.context)

    def _run(self) -> None:
        """Advance through widgets that need no caller input until one does, or the end."""
        while not self.finished and self._prompt is None:
            state = self._state()
            kind, props = state["type"], state.get("properties", {})
            if kind in VOICE_WIDGETS and not self._call_active:
                self._transition("hangup", "")  # the call is gone: Studio ends the execution
                continue
            handler = getattr(self, "_w_" + kind.replace("-", "_"), None)
            if handler is None:
                raise SimulationError(f"widget type {kind!r} ({state['name']}) is not simulated")
            handler(state["name"], props, state)

    def _expect(self, kinds: set[str]) -> Prompt:
        if self.finished or self._prompt is None:
            raise SimulationError("the execution is not waiting for the caller")
        if self._prompt.kind not in kinds:
            raise SimulationError(f"{self._prompt.widget} waits for {self._prompt.kind}, not that")
        return self._prompt

    def act(self, action: CallerAction) -> None:
        """The caller does ``action`` at the waiting gather or recording."""
        prompt = self._expect({"gather", "record"})
        if isinstance(action, HangUp):
            self._hung_up, self._call_active = True, False
            self._say("caller", "voice", prompt.widget, "[hangs up]")
            if prompt.kind == "record":
                self._transition("hangup")
            else:
                self._transition("hangup", "")
        elif prompt.kind == "record":
            self._record(prompt.widget, action)
        else:
            self._gather(prompt.widget, action)
        self._run()

    def _gather(self, name: str, action: CallerAction) -> None:
        props = self._state().get("properties", {})
        entry: dict[str, Any] = {"SpeechResult": None, "Confidence": None, "Digits": None,
                                 "CallSid": self.call_sid}
        if isinstance(action, Speech) and action.text.strip():
            entry.update(SpeechResult=action.text, Confidence=f"{action.confidence:.2f}")
            event, said = "speech", action.text
        elif isinstance(action, Keys):
            digits = action.digits
            finish = str(props.get("finish_on_key") or "")
            if finish and finish in digits:
                digits = digits[: digits.index(finish)]
            if props.get("number_of_digits"):
                digits = digits[: int(props["number_of_digits"])]
            entry["Digits"] = digits
            event, said = ("keypress", f"[keypad] {digits}") if digits else ("timeout", "")
        else:
            event, said = "timeout", ""
        if event != "timeout":
            self.context["widgets"][name] = entry
            self._say("caller", "voice", name, said)
        self._transition(event)

    def _record(self, name: str, action: CallerAction) -> None:
        if isinstance(action, Speech) and action.text.strip():
            sid = self._sid("RE")
            seconds = max(1, round(len(action.text.split()) / 2.5))  # ~150 words a minute
            self.context["widgets"][name] = {
                "RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/AC{'0' * 32}"
                                f"/Recordings/{sid}",
                "RecordingSid": sid, "RecordingDuration": str(seconds), "CallSid": self.call_sid,
            }
            self._say("caller", "voice", name, action.text)
            self._transition("recordingComplete")
        else:
            self._transition("noAudio")

    # ----- widgets (one method per type; name, properties, state) -----

    def _w_gather_input_on_call(self, name: str, props: Mapping[str, Any], _: Any) -> None:
        text = self._render(props, "say") or f"[audio: {props.get('play', '')}]"
        self._say("agent", "voice", name, text)
        self._prompt = Prompt(name, "gather", text)

    def _w_say_play(self, name: str, props: Mapping[str, Any], _: Any) -> None:
        text = self._render(props, "say") or f"[audio: {props.get('play', '')}]"
        self._say("agent", "voice", name, text)
        self._transition("audioComplete")

    def _w_record_voicemail(self, name: str, props: Mapping[str, Any], _: Any) -> None:
        self._say("agent", "voice", name, "[beep]" if props.get("play_beep") != "false" else "")
        self._prompt = Prompt(name, "record", "")

    def _w_record_call(self, name: str, props: Mapping[str, Any], _: Any) -> None:
        self._transition("success")

    def _w_set_variables(self, name: str, props: Mapping[str, Any], _: Any) -> None:
        variables = self.context["flow"]["variables"]
        for item in props.get("variables", []):
            variables[item["key"]] = render(str(item.get("value", "")), self.context)
        self._transition("next")

    def _w_split_based_on(self, name: str, props: Mapping[str, Any], state: Any) -> None:
        default_arg = self._render(props, "input")
        for t in state.get("transitions", []):
            if t["event"] != "match":
                continue
            if all(self._condition(c, default_arg) for c in t.get("conditions", [])):
                self._transition("match", t.get("next", ""))
                return
        self._transition("noMatch")

    def _condition(self, cond: Mapping[str, Any], default_arg: str) -> bool:
        args = cond.get("arguments") or []
        arg = render(str(args[0]), self.context) if args else default_arg
        return holds(cond["type"], arg, render(str(cond.get("value", "")), self.context))

    def _message(self, props: Mapping[str, Any]) -> dict[str, str]:
        return {"Sid": self._sid("SM"), "To": self._render(props, "to"),
                "From": self._render(props, "from"), "Body": self._render(props, "body")}

    def _w_send_message(self, name: str, props: Mapping[str, Any], _: Any) -> None:
        message = self._message(props)
        if not _E164.match(message["To"]):
            self._transition("failed")
            return
        self.context["widgets"][name] = {**message, "Status": "sent"}
        self._say("agent", "sms", name, message["Body"])
        self._transition("sent")

    def _w_send_and_wait_for_reply(self, name: str, props: Mapping[str, Any], _: Any) -> None:
        message = self._message(props)
        if not _E164.match(message["To"]):
            self._transition("deliveryFailure")
            return
        self.context["widgets"][name] = {"outbound": {**message, "Status": "sent"}}
        self._say("agent", "sms", name, message["Body"])
        self._prompt = Prompt(name, "sms", message["Body"])

    def _w_make_outgoing_call_v2(self, name: str, props: Mapping[str, Any], _: Any) -> None:
        if not self._outbound_answered:
            self._no_answer = True
            self._transition("noAnswer")
            return
        self._call_active = True
        self.context["widgets"][name] = {"CallSid": self.call_sid, "CallStatus": "in-progress",
                                         "To": self._render(props, "to")}
        self._transition("answered")


@dataclass(frozen=True)
class ScriptedCaller:
    """A caller that follows a script keyed by widget name.

    ``answers`` holds what to do at each gather / record widget (missing: ``default``);
    ``sms_replies`` what to text back to each send-and-wait widget (missing: no reply);
    ``hang_up_at`` a voice widget where the caller hangs up after hearing it.
    """

    number: str = "+14155550100"
    answers: Mapping[str, CallerAction] = field(default_factory=dict)
    sms_replies: Mapping[str, str] = field(default_factory=dict)
    hang_up_at: str | None = None
    default: CallerAction = field(default_factory=Silence)

    def play(self, sim: Simulation) -> None:
        """Answer every prompt of ``sim`` until the execution ends."""
        while (prompt := sim.current_prompt()) is not None:
            if prompt.kind == "sms":
                sim.reply_sms(self.sms_replies.get(prompt.widget))
            elif prompt.widget == self.hang_up_at:
                sim.hang_up()
            else:
                sim.act(self.answers.get(prompt.widget, self.default))


def simulate(
    definition: Mapping[str, Any],
    caller: ScriptedCaller,
    *,
    trigger: Trigger = Trigger.CALL,
    channel: str = "+14155550199",
    seed: int = 0,
) -> SimulationResult:
    """Run ``definition`` from its trigger with ``caller`` on the other end, to the end."""
    sim = Simulation(definition, trigger=trigger, contact=caller.number, channel=channel, seed=seed)
    caller.play(sim)
    return sim.result()
