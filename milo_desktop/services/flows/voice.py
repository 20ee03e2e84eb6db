"""The spoken side of a Studio flow, shared by the receptionist and the screening stages:
how a prompt is spoken and how a question is gathered (speech + keypad), asked once more
after silence, then left behind.

The widget names follow :mod:`naming` (a repeat is ``<name>_again``), which is where
:func:`answers.extract_question_answers` and the transcript look for the caller's answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from milo_desktop.enums import QuestionKind
from milo_desktop.services.flows import naming as n
from milo_desktop.services.flows.config import QuestionSpec
from milo_desktop.services.flows.liquid import escape
from milo_desktop.services.flows.widgets import FlowBuilder

GATHER_TIMEOUT = 5  # seconds of silence before a gather's timeout event
RETRY_PREFIX = "Sorry, I didn't catch that. "


def expr(*paths: str) -> str:
    """A Liquid output of the first non-blank of ``paths`` (``a | default: b | …``)."""
    return "{{" + " | default: ".join(paths) + "}}"


def answer_expr(widget: str, *, digits: bool = False) -> str:
    """What the caller said (or, with ``digits``, typed) at ``widget`` or at its repeat."""
    again = n.retry_widget(widget)
    fields = ("SpeechResult", "Digits") if digits else ("SpeechResult",)
    return expr(*(f"widgets.{w}.{f}" for w in (widget, again) for f in fields))


def speech_hints(question: QuestionSpec) -> str:
    """Words that help speech recognition for ``question`` (Studio's comma-separated hints)."""
    if question.kind == QuestionKind.YES_NO:
        words = ["yes", "no", "yeah", "nope", "I do", "I don't"]
    elif question.kind == QuestionKind.MULTIPLE_CHOICE:
        words = [c.strip() for c in question.choices]
    elif question.kind == QuestionKind.MIN_AMOUNT:
        words = [(question.unit or "").strip(), "none", "zero"]
    else:
        return ""
    # Commas separate hints, so a comma inside a choice would split it in two.
    return ", ".join(w.replace(",", " ") for w in words if w)


def one_key(question: QuestionSpec) -> bool:
    """Whether the keypad answer is a single digit (yes/no as 1/2, the n-th choice)."""
    return question.kind in (QuestionKind.YES_NO, QuestionKind.MULTIPLE_CHOICE)


@dataclass(frozen=True)
class Speaker:
    """How one flow speaks: its voice, the language it speaks and the one it listens for
    (a Liquid expression when the caller picks the language during the call)."""

    voice: str
    language: str = "en-US"
    gather_language: str = "en-US"
    retry_prefix: str = RETRY_PREFIX

    def speech(self) -> dict[str, Any]:
        """The say properties every spoken widget carries."""
        return {"voice": self.voice, "language": self.language, "loop": 1}

    def gather(self, say: str, **extra: Any) -> dict[str, Any]:
        """Properties of a gather that takes speech and keypad; ``extra`` overrides or adds
        (blank values are left out)."""
        props: dict[str, Any] = {
            **self.speech(),
            "say": say,
            "timeout": GATHER_TIMEOUT,
            "speech_timeout": "auto",
            "gather_language": self.gather_language,
            "profanity_filter": "false",  # "true" would mask words and lose the caller's answer
            "stop_gather": True,
            "finish_on_key": "#",
        }
        props.update({k: v for k, v in extra.items() if v not in (None, "")})
        return props

    def ask_twice(
        self, b: FlowBuilder, name: str, say: str, after: str, *, speech_only: bool = False,
        **extra: Any,
    ) -> None:
        """A gather; on timeout it is asked once more (side widget), then the flow moves on."""
        again = n.retry_widget(name)
        # For a speech-only ask (a name) a keypress gets the repeat, like silence does.
        first = {"speech": after, "keypress": again if speech_only else after, "timeout": again}
        b.add(name, "gather-input-on-call", self.gather(say, **extra), first)
        retry = escape(self.retry_prefix) + say
        then = {"speech": after, "keypress": after, "timeout": after}
        b.add(again, "gather-input-on-call", self.gather(retry, **extra), then, side=True)

    def ask_question(self, b: FlowBuilder, question: QuestionSpec, say: str, after: str) -> None:
        """Ask screening ``question`` (``say`` is its escaped prompt and answering hint) at
        widget ``q_<id>``, with its repeat, then go to ``after``."""
        self.ask_twice(
            b, n.question_widget(question.id), say, after,
            hints=speech_hints(question), number_of_digits=1 if one_key(question) else None,
        )
