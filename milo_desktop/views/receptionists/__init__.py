"""The Inbound via Phone screens: AI receptionists and the pipeline of their callers."""

from milo_desktop.views.receptionists.pipeline import PipelineSection

__all__ = ["PipelineSection"]
