"""Notes on candidates (and on one of their applications)."""

from __future__ import annotations

import getpass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from milo_desktop.errors import ValidationProblem
from milo_desktop.models import Application, Candidate, CandidateNote
from milo_desktop.services.candidates.rows import CandidateNotFound, NoteView
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import CandidatesChanged, EventBus

NOTE_MAX_CHARS = 5000


class NotesMixin:
    """Writing notes (the service's ``db`` and ``bus``)."""

    db: Database
    bus: EventBus

    async def add_note(
        self, candidate_id: int, body: str, *, application_id: int | None = None, author: str = ""
    ) -> NoteView:
        """Add a note to a candidate (and to one of its applications when ``application_id`` is
        given, which then shows "has notes" in that interviewer's Candidates tab).

        ``author`` defaults to the computer's user name. Raises ValidationProblem for an empty
        or over-long note, CandidateNotFound when the candidate is gone."""
        text = body.strip()
        if not text:
            raise ValidationProblem("Write something before saving the note.")
        if len(text) > NOTE_MAX_CHARS:
            raise ValidationProblem(
                f"A note can be at most {NOTE_MAX_CHARS:,} characters (this one has {len(text):,})."
            )
        who = (author or _default_author()).strip()[:120]

        def w(s: Session) -> NoteView:
            exists = s.scalar(
                select(Candidate.id).where(
                    Candidate.id == candidate_id, Candidate.erase_requested_at.is_(None)
                )
            )
            if exists is None:
                raise CandidateNotFound("This candidate no longer exists.")
            if application_id is not None:
                updated = s.execute(
                    update(Application)
                    .where(
                        Application.id == application_id, Application.candidate_id == candidate_id
                    )
                    .values(has_notes=True)
                )
                # SQLAlchemy's stubs: Result; an UPDATE gives a CursorResult (rowcount).
                if not updated.rowcount:  # type: ignore[attr-defined]
                    raise ValidationProblem("That interview does not belong to this candidate.")
            note = CandidateNote(
                candidate_id=candidate_id, application_id=application_id, author=who, body=text
            )
            s.add(note)
            s.flush()
            return NoteView(note.id, note.author, note.body, note.created_at, application_id)

        note = await self.db.write(w)
        self.bus.publish(CandidatesChanged((candidate_id,)))
        return note


def _default_author() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some sandboxes: an unsigned note is fine
        return ""
