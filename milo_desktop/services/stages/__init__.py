"""Screening stages run by phone and text: compiled to Twilio Studio flows, published,
started as one outbound execution per candidate, and synced back into stage results.

- ``compile_stage(StageFlowConfig)`` → the Studio definition (voice, SMS, SMS form);
  ``load_stage(session, stage_id)`` builds the config from the database.
- ``StageRunner(db, connector_factory)``: ``ensure_published(stage_id)`` (only when changed;
  a text stage's flow is its number's: services/entry/number_flow.py).
- ``FlowExecutionHandler``: the outbox handler for rows of kind ``FLOW_EXECUTION``;
  ``enqueue_execution(session, application_id, stage_id, to)`` queues a start.
- The sync job reading executions back is Twilio's: ``connectors/twilio/stages_job.py``.
"""

from milo_desktop.services.stages.compiler import compile_stage
from milo_desktop.services.stages.config import StageFlowConfig, load_stage
from milo_desktop.services.stages.handler import (
    FLOW_EXECUTION,
    FlowExecutionHandler,
    enqueue_execution,
    execution_key,
)
from milo_desktop.services.stages.runner import StageNotRunnable, StageRunner

__all__ = [
    "FLOW_EXECUTION",
    "FlowExecutionHandler",
    "StageFlowConfig",
    "StageNotRunnable",
    "StageRunner",
    "compile_stage",
    "enqueue_execution",
    "execution_key",
    "load_stage",
]
