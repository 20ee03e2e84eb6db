"""The protocol every ATS client implements, and what a connector declares about itself.

Every method is async, talks over httpx (``http.AtsHttp``) and raises only the errors of
``connectors/errors.py``. Lists come a page at a time: ``jobs_page`` / ``candidates_page``
take the watermark (``since``: the newest ``updated_at`` stored by the last complete walk,
None for a first import) and the opaque token of the page to read (None: the first page) and
answer an ``AtsPage`` whose ``next_url`` is the token of the page after it (None on the last).
The token is whatever the vendor pages by (Greenhouse's next link, Lever's offset token,
Workable's next URL, a Bullhorn "start" or event request id): the sync core stores it with the
page's rows in one transaction and hands it back after a crash.

Writes (Send results to ATS) are idempotent from the caller's side: before any resend the
outbox asks ``find_note`` whether a note carrying its marker is already there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from milo_desktop.services.connectors import Quarantine
from milo_desktop.services.connectors.ats.records import (
    ApplicationRecord,
    CandidateRecord,
    StageRecord,
)


@dataclass(frozen=True)
class AtsPage:
    """One page of jobs or candidates (satisfies ``connectors.Page``)."""

    resource: str  # "jobs" | "candidates"
    records: Sequence[Mapping[str, Any]]  # JobRecord / CandidateRecord dicts
    quarantined: Sequence[Quarantine] = ()
    next_url: str | None = None  # the next page's token
    broken: bool = False  # the page as a whole could not be read (quarantined whole)


@dataclass(frozen=True)
class NewCandidate:
    """A person to create at the ATS (Send results for someone who is not there yet)."""

    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    job_id: str  # created with an application to this job


@dataclass(frozen=True)
class NoteRef:
    id: str
    body: str


class AtsClient(Protocol):
    """A connected ATS account."""

    @property
    def service(self) -> str: ...  # "greenhouse"

    async def test_connection(self) -> str:
        """Sign in and read one small thing; answer what to show ("Connected to Greenhouse
        as Jane Smith · 12 jobs"). Raises AuthFailed / Offline / … with the user's words."""
        ...

    async def jobs_page(self, since: dt.datetime | None, token: str | None) -> AtsPage: ...

    async def candidates_page(self, since: dt.datetime | None, token: str | None) -> AtsPage: ...

    async def stages(self, job_id: str) -> list[StageRecord]:
        """The stages a job's applications move through (for the stage mapping)."""
        ...

    async def find_by_email(self, email: str) -> list[CandidateRecord]:
        """The ATS's people with this email (searched before any create)."""
        ...

    async def create_candidate(self, person: NewCandidate) -> CandidateRecord:
        """Create the person with an application to ``person.job_id``; the answer holds it."""
        ...

    async def application(self, application_id: str) -> ApplicationRecord | None:
        """One application as the ATS has it now (None when it is gone)."""
        ...

    async def add_note(self, candidate_id: str, application_id: str | None, body: str) -> str:
        """Add a note (Greenhouse note, Lever note, Workable comment, Bullhorn Note); its id."""
        ...

    async def find_note(self, candidate_id: str, application_id: str | None,
                        marker: str) -> NoteRef | None:
        """A note on the person whose body contains ``marker`` (reconciliation)."""
        ...

    async def move(self, application_id: str, to_stage_id: str,
                   from_stage_id: str | None) -> None:
        """Move the application to a stage of its job."""
        ...

    async def reject(self, application_id: str, reason: str) -> None:
        """Reject / disqualify / archive the application; already rejected is done, not an
        error."""
        ...

    async def aclose(self) -> None: ...


@dataclass(frozen=True)
class AtsField:
    """One credential or setting of a connector, as the Connect dialog asks for it."""

    name: str  # "client_id"
    label: str  # "Client ID"
    secret: bool = True  # kept in the keychain (non-secret ones too: nothing in the database)
    required: bool = True
    help: str = ""
    default: str = ""


Persist = Callable[[str, str], Awaitable[None]]
# (field, value): store a rotated secret (Lever's refresh token) in the keychain before using it.
ClientFactory = Callable[[Mapping[str, str], str, Persist], Awaitable[AtsClient]]
# (fields, base_url, persist) -> a client; it may sign in lazily (on its first request).


@dataclass(frozen=True)
class AtsSpec:
    """What a connector declares: ``service`` ("greenhouse"), ``title`` ("Greenhouse"), the
    fields it needs, its real base URL, and how to make a client from filled-in fields."""

    service: str
    title: str
    fields: tuple[AtsField, ...]
    default_base: str
    make_client: ClientFactory
    # Extra environment variables beyond MILO_<SERVICE>_API_BASE and one per field
    # (MILO_<SERVICE>_<FIELD>), with what they set.
    env_vars: tuple[tuple[str, str], ...] = ()
    docs_url: str = ""
    # Words for an application's statuses, when the vendor's own differ ("archived").
    wording: Mapping[str, str] = field(default_factory=dict)
    # Reading a page changes nothing at the ATS, so the next page may be asked for while one
    # is written. False for an event queue where reading a new batch acknowledges the last
    # (Bullhorn's subscription).
    prefetch: bool = True


__all__ = ["AtsClient", "AtsField", "AtsPage", "AtsSpec", "ClientFactory", "NewCandidate",
           "NoteRef", "Persist"]
