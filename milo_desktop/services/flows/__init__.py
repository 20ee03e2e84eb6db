"""Receptionist and SMS-screening Studio flows: configuration, compiler, checks, simulator and
answer extraction. Pure Python (no Qt, no network), shared by the app, the sandbox and tests.
"""

from milo_desktop.services.flows.answers import (
    AnswerKey,
    CapturedAnswer,
    extract_answers,
    extract_question_answers,
)
from milo_desktop.services.flows.checks import check_definition
from milo_desktop.services.flows.compiler import compile_receptionist
from milo_desktop.services.flows.config import (
    CustomContext,
    Disclosures,
    QuestionSpec,
    ReceptionistConfig,
    is_e164,
    to_e164,
)
from milo_desktop.services.flows.naming import answer_widgets, question_widget
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
from milo_desktop.services.flows.simulator import ScriptedCaller, Simulation, Trigger, simulate
from milo_desktop.services.flows.sms import compile_sms_screening

__all__ = [
    "AnswerKey",
    "CallerAction",
    "CapturedAnswer",
    "CustomContext",
    "Disclosures",
    "HangUp",
    "Keys",
    "Prompt",
    "QuestionSpec",
    "ReceptionistConfig",
    "ScriptedCaller",
    "Silence",
    "Simulation",
    "SimulationError",
    "SimulationResult",
    "Speech",
    "Step",
    "TranscriptLine",
    "Trigger",
    "answer_widgets",
    "check_definition",
    "compile_receptionist",
    "compile_sms_screening",
    "extract_answers",
    "extract_question_answers",
    "is_e164",
    "question_widget",
    "simulate",
    "to_e164",
]
