"""A call's transcript, rebuilt from the compiled flow and the execution context.

Studio's context holds what the caller gave (``widgets.<name>``) but not what the agent said,
and no order. The compiled definition has both: its states are in flow order (the compiler
adds each widget after the one before it, a retry right after its first ask), and each
prompt's text is in its properties. So the transcript walks the states and keeps those the
context shows were reached.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from milo_desktop.services.connectors.payloads import poison_in
from milo_desktop.services.flows import naming as n
from milo_desktop.services.flows.liquid import render

AGENT, CALLER = "Agent", "Caller"
NO_ANSWER = "(no answer)"
_GATHER, _SAY, _RECORD = "gather-input-on-call", "say-play", "record-voicemail"
_WAIT, _SEND = "send-and-wait-for-reply", "send-message"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _inner(context: Mapping[str, Any]) -> Mapping[str, Any]:
    # Accept the Context resource body ({"context": {...}}) as well as the context itself.
    inner = context.get("context", context) if isinstance(context, Mapping) else None
    if not isinstance(inner, Mapping) or poison_in(inner) is not None:
        return {}  # not a context anything can be read from (the sync quarantines those)
    return inner


def _text(value: Any) -> str:
    """A context value as text ("" for objects, lists and booleans)."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _said(entry: Mapping[str, Any]) -> str:
    speech = _text(entry.get("SpeechResult")).strip()
    if speech:
        return speech
    digits = _text(entry.get("Digits")).strip()
    return f"[keypad] {digits}" if digits else NO_ANSWER


def _next_of(state: Mapping[str, Any], event: str) -> str | None:
    for t in state.get("transitions", ()):
        if t.get("event") == event:
            return t.get("next") or None
    return None


def build_transcript(definition: Mapping[str, Any], context: Mapping[str, Any]) -> str:
    """The call as "Agent: …" / "Caller: …" lines (texts marked "(text)"), in flow order.

    A gather the caller did not answer is listed with "(no answer)" when a later one was
    answered (the call went past it); after the last answer nothing unanswered is listed,
    since the caller may have hung up there.
    """
    inner = _inner(context)
    widgets = inner.get("widgets")
    widgets = widgets if isinstance(widgets, Mapping) else {}
    states = [s for s in definition.get("states", ()) if isinstance(s, Mapping)]
    answered = [i for i, s in enumerate(states)
                if s.get("type") in (_GATHER, _RECORD) and s.get("name") in widgets]
    reached = max(answered, default=-1)
    lines: list[tuple[str, str]] = []

    def agent(state: Mapping[str, Any]) -> None:
        say = (state.get("properties") or {}).get("say")
        if say:
            lines.append((AGENT, _one_line(render(str(say), inner))))

    for index, state in enumerate(states):
        name, kind = str(state.get("name")), state.get("type")
        entry = widgets.get(name)
        if kind == _SAY:
            # Say widgets leave nothing in the context: one was heard when the widget it leads
            # to was reached (the greeting, whenever the call was answered at all).
            trigger = inner.get("trigger")
            heard = _next_of(state, "audioComplete") in widgets or (
                name == "greeting" and (reached >= 0 or (isinstance(trigger, Mapping)
                                                         and bool(trigger.get("call")))))
            if heard:
                agent(state)
        elif kind == _GATHER:
            if isinstance(entry, Mapping):
                agent(state)
                lines.append((CALLER, _one_line(_said(entry))))
            elif not name.endswith(n.RETRY_SUFFIX) and index < reached:
                agent(state)
                lines.append((CALLER, NO_ANSWER))
        elif kind == _RECORD and isinstance(entry, Mapping) and _text(entry.get("RecordingUrl")):
            seconds = _text(entry.get("RecordingDuration")).strip()
            length = f", {seconds} s" if seconds.isascii() and seconds.isdigit() else ""
            lines.append((CALLER, f"[voice message{length}]"))
        elif kind == _WAIT and isinstance(entry, Mapping):
            out, reply = entry.get("outbound"), entry.get("inbound")
            if isinstance(out, Mapping) and _text(out.get("Body")):
                lines.append((f"{AGENT} (text)", _one_line(_text(out["Body"]))))
            if isinstance(reply, Mapping) and _text(reply.get("Body")):
                lines.append((f"{CALLER} (text)", _one_line(_text(reply["Body"]))))
        elif kind == _SEND and isinstance(entry, Mapping) and _text(entry.get("Body")):
            lines.append((f"{AGENT} (text)", _one_line(_text(entry["Body"]))))
    return "\n".join(f"{who}: {text}" for who, text in lines if text)
