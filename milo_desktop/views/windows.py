"""How one screen opens another screen's window without importing it.

Screens are independent packages (an import-linter contract): the Interviewers page may open a
candidate's profile, the stage Preview, the kiosk or the interviewer wizard, but it asks
``ctx.windows`` for them instead of importing views/candidates, views/preview… ``Windows`` is
that interface; views/screen_windows.py: ``ScreenWindows`` is the one implementation, the only
module besides main_window that knows every screen, handed to ``ViewContext`` by whoever builds
it (the app, the tests). Each method shows its window and returns it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtWidgets import QDialog, QWidget

if TYPE_CHECKING:
    from milo_desktop.views.context import ViewContext


class Navigator(Protocol):
    """Walks a list of applications from a candidate's profile. ``step`` answers the row before
    (-1) or after (1) ``application_id`` — anything with ``id`` (the application) and
    ``candidate_id`` — or None at either end; ``followed`` is told where the profile went."""

    label: str

    async def step(self, application_id: int, step: int) -> Any: ...

    def followed(self, application_id: int) -> None:
        """The profile now shows ``application_id`` (the list may follow along)."""


class Windows(Protocol):
    def candidate_profile(self, ctx: ViewContext, candidate_id: int,
                          parent: QWidget | None = None, *, navigator: Navigator | None = None,
                          application_id: int | None = None) -> QDialog:
        """The candidate's profile window (raised if already open for them). ``navigator`` and
        ``application_id``: opened from a list of applications (that row shown first)."""
        ...

    def stage_preview(self, ctx: ViewContext, stage: Any, parent: QWidget | None = None, *,
                      interviewer: Any | None = None) -> QDialog:
        """Run a stage as a candidate would: a stored stage's id, or the wizard's
        ``StageDraft`` (with its ``InterviewerDraft`` as ``interviewer``)."""
        ...

    def kiosk(self, ctx: ViewContext, interviewer_id: int,
              parent: QWidget | None = None) -> QWidget:
        """The front-desk kiosk for the interviewer's Form stage, full screen."""
        ...

    def edit_interviewer(self, ctx: ViewContext, interviewer_id: int, parent: QWidget | None,
                         *, on_saved: Callable[[int], None] | None = None) -> QDialog:
        """The interviewer wizard in edit mode (deleted when closed); ``on_saved(id)`` after a
        save."""
        ...

    def invite(self, ctx: ViewContext, candidate_ids: Sequence[int],
               parent: QWidget | None) -> QDialog:
        """Invite candidates to an interviewer (deleted when closed)."""
        ...

    def blast(self, ctx: ViewContext, application_ids: Sequence[int],
              parent: QWidget | None) -> QDialog:
        """One message to many candidates."""
        ...
