"""The two kinds of error.

``EnvironmentProblem`` and its subclasses are the user's environment speaking (offline, disk
full, bad credentials, a locked or newer database): the UI shows their message, no traceback.
Every other exception is our bug: it goes to the log with its traceback and the crash dialog.
"""

from __future__ import annotations


class EnvironmentProblem(Exception):
    """A problem in the user's environment, with a message written for the user."""

    title = "Something needs your attention"

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class DatabaseProblem(EnvironmentProblem):
    title = "The workspace database cannot be opened"


class SchemaTooNew(DatabaseProblem):
    """The database was written by a newer Milo Desktop."""


class DiskFull(EnvironmentProblem):
    title = "The disk is full"


class ValidationProblem(EnvironmentProblem):
    """The user asked for something the rules don't allow (a bad budget, a duplicate slug)."""

    title = "Please check your input"
