"""The Inbound via Phone screens: AI receptionists and the pipeline of their callers."""

from milo_desktop.views.receptionists.pipeline import PipelineSection
from milo_desktop.views.receptionists.practice_call import PracticeCallDialog
from milo_desktop.views.receptionists.receptionists_list import ReceptionistsSection
from milo_desktop.views.receptionists.wizard import ReceptionistWizard

__all__ = ["PipelineSection", "PracticeCallDialog", "ReceptionistWizard", "ReceptionistsSection"]
