"""Stable widget names: the contract between the compiler, the simulator and the evaluator.

An answer's place in an execution context is ``widgets.<name>``; these names never change
for a given question id, so executions of older flow revisions stay readable.
"""

from __future__ import annotations

NAME = "ask_name"
CALLBACK = "ask_callback"
LOCATION = "ask_location"
VOICEMAIL = "voicemail"
CONFIRM_SMS = "confirm_sms"
SETUP = "setup"
RETRY_SUFFIX = "_again"
RATING = "rating"  # a screening's optional closing question: the candidate rates it 1–5

# flow.variables keys the receptionist flow sets
VAR_CALLER_NAME = "caller_name"
VAR_CALLBACK = "callback"
VAR_CALLBACK_SOURCE = "callback_source"  # "keypad" or "caller_id"
VAR_LOCATION = "location"
VAR_LANGUAGE = "language"
QUESTION_VAR_PREFIX = "question_"  # question_<id> = "q_<id>,q_<id>_again"


def question_widget(question_id: str) -> str:
    """The gather (or send-and-wait) widget that asks question ``question_id`` first."""
    return f"q_{question_id}"


def retry_widget(widget: str) -> str:
    """The widget that asks again after ``widget`` timed out (asked once more, then moved on)."""
    return f"{widget}{RETRY_SUFFIX}"


def answer_widgets(question_id: str) -> tuple[str, str]:
    """Where a voice answer to ``question_id`` may be: the first ask, then the repeat."""
    first = question_widget(question_id)
    return first, retry_widget(first)
