"""Applications: status machines, stage results and the service that stores them.

- ``status`` — the transition tables of applications and stages, and review actions.
- ``results`` — ``evaluate_stage`` / ``store_stage_result`` (the scoring rules live there).
- ``service`` — ``ApplicationsService`` (``workspace.applications``).
"""

from milo_desktop.services.applications.results import (
    AnswerRecord,
    StageAdvance,
    StageEvaluation,
    evaluate_stage,
    fold_stage,
    store_stage_result,
    work_statuses,
)
from milo_desktop.services.applications.service import (
    ApplicationsService,
    EvaluatorFactory,
    StageJob,
)
from milo_desktop.services.applications.status import (
    APPLICATION_TRANSITIONS,
    STAGE_TRANSITIONS,
    ReviewAction,
    check_application_transition,
    check_stage_transition,
    review_transition,
    status_from_stages,
)

__all__ = [
    "APPLICATION_TRANSITIONS",
    "STAGE_TRANSITIONS",
    "AnswerRecord",
    "ApplicationsService",
    "EvaluatorFactory",
    "ReviewAction",
    "StageAdvance",
    "StageEvaluation",
    "StageJob",
    "check_application_transition",
    "check_stage_transition",
    "evaluate_stage",
    "fold_stage",
    "review_transition",
    "status_from_stages",
    "store_stage_result",
    "work_statuses",
]
