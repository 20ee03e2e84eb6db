"""Source Candidates → From ATS: the ATS cards and the jobs list beside our interviewers."""

from milo_desktop.views.ats.section import AtsSection

__all__ = ["AtsSection"]
