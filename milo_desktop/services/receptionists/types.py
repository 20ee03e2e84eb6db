"""The plain data of receptionists: drafts the wizard builds, rows and details the screens
show, the publisher protocol the Twilio connector implements, and the service's event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable

from milo_desktop.enums import LanguageMode, ReceptionistStatus
from milo_desktop.errors import EnvironmentProblem, ValidationProblem
from milo_desktop.services.core.events import Event
from milo_desktop.services.flows import ReceptionistConfig

NAME_MAX = 120  # receptionists.name is String(120)
TABS = ("all", "live", "inactive")
NOT_PUBLISHED_NOTE = "Not published: connect Twilio, then resume it."


@runtime_checkable
class FlowPublisher(Protocol):
    """Publishes Studio flows and points numbers at them (the Twilio connector implements it).

    ``publish_flow`` creates a flow, or updates ``flow_sid`` in place when given, and returns
    (flow SID, webhook URL). ``point_number`` sets the number's VoiceUrl and SmsUrl to
    ``webhook_url``, or clears them when it is None (the number stops answering).
    """

    async def publish_flow(
        self, friendly_name: str, definition: dict[str, object], *, flow_sid: str | None = None
    ) -> tuple[str, str]: ...

    async def point_number(self, e164: str, webhook_url: str | None) -> None: ...


@runtime_checkable
class NumberSource(FlowPublisher, Protocol):
    """A publisher that can also list the account's phone numbers (E.164)."""

    async def list_numbers(self) -> list[str]: ...


@dataclass(frozen=True)
class ReceptionistsChanged(Event):
    """Receptionists were created, edited, paused or resumed (empty ids: reload)."""

    ids: tuple[int, ...] = ()


class DraftProblems(ValidationProblem):
    """Everything wrong with a draft, one sentence each (the wizard lists them)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


class PublishProblem(EnvironmentProblem):
    """Saved, but Twilio refused or could not be reached: the receptionist stays inactive."""

    title = "The receptionist could not be published"

    def __init__(self, message: str, receptionist_id: int) -> None:
        super().__init__(message)
        self.receptionist_id = receptionist_id


class NotCreated(EnvironmentProblem):
    """Create failed at Twilio after the draft passed every check; the new receptionist was
    removed again, so nothing is left behind."""

    title = "The receptionist was not created"


@dataclass(frozen=True)
class ReceptionistDraft:
    """What the wizard hands the service: the flow config plus where it lives and routes."""

    name: str
    phone_number: str
    config: ReceptionistConfig
    default_interviewer_id: int | None = None
    interviewer_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class ReceptionistRow:
    """One line of the receptionists list."""

    id: int
    name: str
    agent_name: str
    phone_number: str | None
    status: ReceptionistStatus
    language_mode: LanguageMode
    questions: int
    calls: int
    published: bool  # has a flow on Twilio (False: saved locally only)
    created_at: dt.datetime
    spend_micros: int = 0  # the provider's prices for this line's calls and texts

    @property
    def note(self) -> str:
        """Why an inactive receptionist is inactive when it was never published."""
        return "" if self.published else NOT_PUBLISHED_NOTE


@dataclass(frozen=True)
class ReceptionistList:
    rows: tuple[ReceptionistRow, ...]
    counts: dict[str, int] = field(default_factory=dict)  # "all" / "live" / "inactive"


@dataclass(frozen=True)
class InterviewerChoice:
    """A routing target. ``closed`` is None when it accepts candidates, else one word for why
    not ("draft", "expired", "archived"): only a receptionist's existing routes are offered
    closed, so the wizard can show them as such."""

    id: int
    name: str
    closed: str | None = None

    @property
    def accepts(self) -> bool:
        return self.closed is None


@dataclass(frozen=True)
class NumberChoice:
    """One of the account's numbers; ``used_by`` names what already answers on it."""

    e164: str
    used_by: str | None = None


class NumbersState(StrEnum):
    READY = "ready"  # the account's numbers were listed (maybe none: ``numbers`` empty)
    NOT_CONNECTED = "not_connected"  # no Twilio credentials
    UNAVAILABLE = "unavailable"  # Twilio refused or could not be reached (``message`` says)


@dataclass(frozen=True)
class AccountNumbers:
    """What the wizard's number picker offers: the connected account's numbers, or why none."""

    state: NumbersState
    numbers: tuple[NumberChoice, ...] = ()
    message: str = ""


@dataclass(frozen=True)
class ReceptionistDetail:
    """Everything about one receptionist, as plain data."""

    id: int
    name: str
    phone_number: str | None
    status: ReceptionistStatus
    flow_sid: str | None
    default_interviewer_id: int | None
    interviewer_ids: tuple[int, ...]
    created_at: dt.datetime
    _config: ReceptionistConfig

    def config(self) -> ReceptionistConfig:
        """The flow configuration (question ids are the database ids, as strings)."""
        return self._config

    def draft(self) -> ReceptionistDraft:
        """A draft to edit and pass back to ``update``."""
        return ReceptionistDraft(
            name=self.name, phone_number=self.phone_number or "", config=self._config,
            default_interviewer_id=self.default_interviewer_id,
            interviewer_ids=self.interviewer_ids,
        )

    @property
    def note(self) -> str:
        return "" if self.flow_sid else NOT_PUBLISHED_NOTE
