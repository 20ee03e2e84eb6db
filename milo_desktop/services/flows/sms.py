"""Compile an SMS screening stage: one send-and-wait-for-reply per question.

Widget sequence::

    Trigger (incomingRequest from the Executions API, or the candidate texting first)
    -> setup -> sms_intro -> q_<id> ... -> sms_closing

Answers land where the evaluator reads voice answers too: ``widgets.q_<id>.inbound.Body``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from milo_desktop.enums import QuestionKind
from milo_desktop.services.flows import naming as n
from milo_desktop.services.flows.config import QuestionSpec
from milo_desktop.services.flows.liquid import escape
from milo_desktop.services.flows.widgets import FlowBuilder

CONTACT = "{{contact.channel.address}}"
CHANNEL = "{{flow.channel.address}}"
REPLY_TIMEOUT = "3600"  # an unanswered question ends the screening after an hour


def sms_hint(question: QuestionSpec) -> str:
    """How to answer ``question`` by text (appended to the question)."""
    if question.kind == QuestionKind.YES_NO:
        return "(Reply YES or NO)"
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        options = ", ".join(f"{i}) {c.strip()}" for i, c in enumerate(question.choices, 1))
        return f"(Reply with a number: {options})"
    if question.kind == QuestionKind.MIN_AMOUNT:
        return f"(Reply with a number of {(question.unit or '').strip()})"
    return ""


def compile_sms_screening(
    questions: Sequence[QuestionSpec],
    *,
    intro: str,
    closing: str = "Thank you! We have your answers and will be in touch.",
    from_number: str | None = None,
    description: str = "SMS screening",
) -> dict[str, Any]:
    """The Studio flow definition of an SMS screening asking ``questions`` in order."""
    b = FlowBuilder()
    sender = from_number or CHANNEL
    b.add("Trigger", "trigger", {},
          {"incomingRequest": n.SETUP, "incomingMessage": n.SETUP})
    b.add(n.SETUP, "set-variables", {"variables": [
        {"key": n.QUESTION_VAR_PREFIX + q.id, "value": n.question_widget(q.id)}
        for q in questions
    ]}, {"next": "sms_intro"})
    first = n.question_widget(questions[0].id) if questions else "sms_closing"
    b.add("sms_intro", "send-message",
          {"from": sender, "to": CONTACT, "body": escape(intro.strip())},
          {"sent": first})
    for index, q in enumerate(questions):
        after = n.question_widget(questions[index + 1].id) if index + 1 < len(questions) else (
            "sms_closing")
        body = escape(" ".join(p for p in (q.prompt.strip(), sms_hint(q)) if p))
        b.add(n.question_widget(q.id), "send-and-wait-for-reply",
              {"from": sender, "to": CONTACT, "body": body, "timeout": REPLY_TIMEOUT},
              {"incomingMessage": after})
    b.add("sms_closing", "send-message",
          {"from": sender, "to": CONTACT, "body": escape(closing.strip())}, {})
    return b.definition(description)
