"""The Interviewers screen: the list of roles and one interviewer's page."""

from milo_desktop.views.interviewers.section import InterviewersSection

__all__ = ["InterviewersSection"]
