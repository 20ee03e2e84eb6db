"""Source Candidates → Apply via Email: the mailbox's state and each interviewer's apply
address with what came in by email."""

from milo_desktop.views.email_intake.section import EmailIntakeSection

__all__ = ["EmailIntakeSection"]
