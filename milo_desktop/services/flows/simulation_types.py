"""Plain values the simulator takes and returns (also what the Test call UI shows)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class SimulationError(Exception):
    """The definition cannot be walked (missing state, unknown widget, endless loop): a bug."""


@dataclass(frozen=True)
class Speech:
    """The caller says something."""

    text: str
    confidence: float = 0.92


@dataclass(frozen=True)
class Keys:
    """The caller presses keys on the keypad."""

    digits: str


@dataclass(frozen=True)
class Silence:
    """The caller does nothing until the widget times out."""


@dataclass(frozen=True)
class HangUp:
    """The caller hangs up."""


CallerAction = Speech | Keys | Silence | HangUp


@dataclass(frozen=True)
class Prompt:
    """What the execution waits for: ``kind`` is "gather", "record" or "sms"."""

    widget: str
    kind: str
    text: str


@dataclass(frozen=True)
class Step:
    """One transition, shaped like Studio's Steps resource (``name`` is the event)."""

    name: str
    transitioned_from: str
    transitioned_to: str


@dataclass(frozen=True)
class TranscriptLine:
    """Something said or texted: ``speaker`` "agent"/"caller", ``channel`` "voice"/"sms"."""

    speaker: str
    channel: str
    widget: str
    text: str


@dataclass(frozen=True)
class SimulationResult:
    """A finished (or paused) execution.

    ``outcome``: "completed", "hung_up" (the caller hung up; later SMS steps may still have
    run), "no_answer" (an outbound call nobody picked up) or "waiting" (not finished yet).
    """

    context: dict[str, Any]
    steps: tuple[Step, ...]
    transcript: tuple[TranscriptLine, ...]
    outcome: str

    def studio_context(self) -> dict[str, Any]:
        """The body of Studio's Execution Context resource: ``{"context": {...}}``."""
        return {"context": self.context}

    def agent_text(self) -> str:
        """Everything the flow said or texted, in order, one line per prompt."""
        return "\n".join(line.text for line in self.transcript if line.speaker == "agent")
