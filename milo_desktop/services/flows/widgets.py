"""The Studio widgets we write and walk: their events and properties (integrations.md), plus
a small builder that lays states out top to bottom.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# type -> events it can fire (camelCase, as Studio names them)
WIDGET_EVENTS: dict[str, tuple[str, ...]] = {
    "trigger": ("incomingCall", "incomingMessage", "incomingRequest", "incomingParent"),
    "gather-input-on-call": ("keypress", "speech", "timeout"),
    "send-and-wait-for-reply": ("incomingMessage", "timeout", "deliveryFailure"),
    "send-message": ("sent", "failed"),
    "record-voicemail": ("recordingComplete", "noAudio", "hangup"),
    "record-call": ("success", "failed"),
    "split-based-on": ("match", "noMatch"),
    "say-play": ("audioComplete",),
    "set-variables": ("next",),
    "make-outgoing-call-v2": ("answered", "busy", "noAnswer", "failed"),
}

# type -> properties it may carry besides ``offset``
WIDGET_PROPERTIES: dict[str, frozenset[str]] = {
    "trigger": frozenset(),
    "gather-input-on-call": frozenset(
        {
            "say", "play", "voice", "language", "loop", "timeout", "finish_on_key",
            "number_of_digits", "stop_gather", "speech_timeout", "gather_language",
            "speech_model", "hints", "profanity_filter",
        }
    ),
    "send-and-wait-for-reply": frozenset(
        {"from", "to", "body", "timeout", "service", "channel", "media_url"}
    ),
    "send-message": frozenset({"from", "to", "body", "media_url", "service", "channel"}),
    "record-voicemail": frozenset(
        {"silence_timeout", "finish_on_key", "max_length", "transcribe", "trim", "play_beep"}
    ),
    "record-call": frozenset({"record_call", "recording_channels", "trim"}),
    "split-based-on": frozenset({"input"}),
    "say-play": frozenset({"say", "play", "digits", "voice", "language", "loop"}),
    "set-variables": frozenset({"variables"}),
    "make-outgoing-call-v2": frozenset({"to", "from", "record", "machine_detection"}),
}

# Widgets that need the call to be up; the simulator ends the execution at one once the caller
# has hung up, which is what Studio does.
VOICE_WIDGETS = frozenset({"gather-input-on-call", "say-play", "record-voicemail", "record-call"})

CONDITION_TYPES = frozenset(
    {
        "equal_to", "not_equal_to", "matches_any_of", "does_not_match_any_of", "is_blank",
        "is_not_blank", "regex", "contains", "does_not_contain", "starts_with",
        "does_not_start_with", "less_than", "greater_than",
    }
)

ROW = 220  # vertical distance between consecutive widgets on Studio's canvas
SIDE = 450  # horizontal distance of a retry / fallback widget from the main column


@dataclass
class FlowBuilder:
    """Accumulates states in reading order; each gets an offset on a top-to-bottom canvas."""

    states: list[dict[str, Any]] = field(default_factory=list)
    _row: int = 0

    def add(
        self,
        name: str,
        widget: str,
        properties: dict[str, Any],
        transitions: dict[str, str],
        *,
        side: bool = False,
        conditions: list[tuple[str, list[dict[str, Any]]]] | None = None,
    ) -> None:
        """Add a state; ``transitions`` maps event -> next state ("" = end of the flow).

        Events of the widget not given are written without ``next`` (unconnected), the way
        Studio exports them. ``conditions`` are split-based-on ``match`` branches, in order.
        ``side`` puts a retry / fallback next to the previous widget instead of below it.
        """
        if not side:
            self._row += 1
        offset = {"x": SIDE if side else 0, "y": self._row * ROW}
        out: list[dict[str, Any]] = []
        for event in WIDGET_EVENTS[widget]:
            if event == "match":
                for next_state, conds in conditions or []:
                    out.append({"next": next_state, "event": "match", "conditions": conds})
                continue
            target = transitions.get(event, "")
            out.append({"next": target, "event": event} if target else {"event": event})
        self.states.append(
            {
                "name": name,
                "type": widget,
                "transitions": out,
                "properties": {**properties, "offset": offset},
            }
        )

    def definition(self, description: str) -> dict[str, Any]:
        """The flow definition Studio's Flows API takes (as a JSON string) in ``Definition``."""
        return {
            "description": description,
            "initial_state": "Trigger",
            "flags": {"allow_concurrent_calls": True},
            "states": self.states,
        }


def condition(kind: str, argument: str, value: str, name: str = "") -> dict[str, Any]:
    """One split-based-on condition, shaped like Studio exports it."""
    return {"friendly_name": name or value, "arguments": [argument], "type": kind, "value": value}
