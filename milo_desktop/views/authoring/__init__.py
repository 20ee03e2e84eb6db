"""The Create Interviewer wizard (and its edit mode) over ``AuthoringService``."""

from milo_desktop.views.authoring.wizard import AuthoringWizard

__all__ = ["AuthoringWizard"]
