"""Evaluating an inbound call end to end, once it reaches Processing.

``CallEvaluator(db, bus, notifications, context_source).evaluate`` is ``TwilioSync``'s
``evaluate`` hook: it reads the execution context (``context_source(flow_sid,
execution_sid)``, in the app ``TwilioConnector.execution_context``), extracts and evaluates
every answer (structured questions deterministically, scored ones with the rubric
evaluator), and in one transaction writes the answers, the caller's details, the transcript,
the score and the review (``scoring.route``), links the caller to the directory (same phone
or email: linked, never duplicated) and, for an approved caller, invites them to the
receptionist's default interviewer through the outbox (never twice). Then it publishes
``CallUpdated`` (and ``CandidatesChanged`` when the directory grew) and adds a notification.
Evaluating a call that is no longer in Processing does nothing.
"""

from milo_desktop.services.call_evaluation.directory import DirectoryLink, link_and_invite
from milo_desktop.services.call_evaluation.evaluator import (
    CallEvaluation,
    CallEvaluator,
    ContextSource,
)
from milo_desktop.services.call_evaluation.transcript import build_transcript

__all__ = [
    "CallEvaluation",
    "CallEvaluator",
    "ContextSource",
    "DirectoryLink",
    "build_transcript",
    "link_and_invite",
]
