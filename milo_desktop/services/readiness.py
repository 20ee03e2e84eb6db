"""Whether an interviewer's screening can progress: ONE decision, used by the wizard (its
Settings and Share steps, and Create), the interviewer's page, activation and invitations.

A stage that runs by phone or text (Voice, SMS, Form as an SMS form) needs a number to call
or text from — the stage's own, the interviewer's, or the workspace's default SMS sender —
or every candidate invited to it waits for good: that *blocks* going live and inviting.
Two more things are said up front without blocking: with no email account connected,
invitation emails wait in the queue until one is; and a Résumé stage waits for the résumé
the recruiter attaches from the candidate's profile (it is the only résumé source so far).

``decide`` is the decision, over plain data; ``interviewer_readiness`` (a stored interviewer)
and ``draft_readiness`` (the wizard's draft) only gather that data in a read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.enums import Channel, Direction, MessageStatus, StageKind
from milo_desktop.models import Interviewer, Stage
from milo_desktop.models.system import WorkspaceSetting
from milo_desktop.services.email_intake.addresses import mailbox_settings

POLICY_KEY = "outreach.policy"  # = policy.SETTING_KEY
SMTP_KEY = "smtp.settings"  # = settings.SETTING_KEY (Integrations → Email)
CALLED = frozenset({StageKind.VOICE})
TEXTED = frozenset({StageKind.SMS, StageKind.FORM})

NO_NUMBER = "no_number"
NO_EMAIL_ACCOUNT = "no_email_account"
RESUME_BY_HAND = "resume_by_hand"


@dataclass(frozen=True)
class ReadinessProblem:
    code: str  # NO_NUMBER, NO_EMAIL_ACCOUNT, RESUME_BY_HAND
    message: str  # what is missing and what to do, in the recruiter's words
    blocking: bool  # True: it cannot go live, and nobody is invited, until this is fixed
    field: str = ""  # the wizard field it belongs under ("phone_number")
    stages: tuple[str, ...] = ()  # the stages it is about, by name
    does: str = ""  # what those stages do: "calls" / "texts"


@dataclass(frozen=True)
class Readiness:
    problems: tuple[ReadinessProblem, ...] = ()

    @property
    def blocking(self) -> tuple[ReadinessProblem, ...]:
        return tuple(p for p in self.problems if p.blocking)

    @property
    def notices(self) -> tuple[ReadinessProblem, ...]:
        return tuple(p for p in self.problems if not p.blocking)

    @property
    def ready(self) -> bool:
        return not self.blocking

    def reason(self) -> str:
        """The blocking problems in one paragraph ("" when ready)."""
        return " ".join(p.message for p in self.blocking)

    def has(self, code: str) -> bool:
        return any(p.code == code for p in self.problems)


@dataclass(frozen=True)
class StageNeeds:
    """What ``decide`` reads of one stage."""

    kind: StageKind
    name: str
    own_number: str | None = None  # the stage's own number (Stage.settings["phone_number"])


@dataclass(frozen=True)
class Means:
    """What the workspace provides to every interviewer."""

    default_sender: str | None = None  # the communication policy's SMS sender
    email_connected: bool = False  # an email account under Integrations → Email
    mailbox_connected: bool = False  # the apply-by-email mailbox (résumés arrive by email)


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def decide(stages: Sequence[StageNeeds], interviewer_number: str | None,
           means: Means) -> Readiness:
    """The readiness of an interviewer with ``stages`` (in order) and ``interviewer_number``.
    """
    problems: list[ReadinessProblem] = []
    fallback = _text(interviewer_number) or _text(means.default_sender)
    stranded = [st for st in stages if StageKind(st.kind) in CALLED | TEXTED
                and not _text(st.own_number) and not fallback]
    if stranded:  # one problem for all of them: the fix is the same
        first = stranded[0]
        kind = StageKind(first.kind)
        names = tuple(dict.fromkeys(
            st.name.strip() or {StageKind.VOICE: "Voice", StageKind.SMS: "SMS screening",
                                StageKind.FORM: "Form"}.get(StageKind(st.kind), "")
            for st in stranded))
        does = "calls" if kind in CALLED else "texts"
        problems.append(ReadinessProblem(
            NO_NUMBER,
            f"The “{names[0]}” stage {does} candidates, but there is no phone number to "
            f"{'call' if kind in CALLED else 'text'} from: invited candidates would wait for "
            "good. Give the interviewer a phone number (its Settings, under Communication), "
            "or set a default SMS sender under Outreach → Communication policy.",
            True, "phone_number", names, does))
    if not means.email_connected:
        problems.append(ReadinessProblem(
            NO_EMAIL_ACCOUNT,
            "No email account is connected: invitation emails are queued and go out once you "
            "connect one under Integrations → Email.", False))
    if any(StageKind(st.kind) == StageKind.RESUME for st in stages) \
            and not means.mailbox_connected:
        problems.append(ReadinessProblem(
            RESUME_BY_HAND,
            "Résumés are attached by hand from each candidate's profile: candidates wait at "
            "the Résumé stage until you attach theirs.", False))
    return Readiness(tuple(problems))


def email_connected(s: Session) -> bool:
    """An email account is set up (Integrations → Email saved its settings)."""
    row = s.get(WorkspaceSetting, SMTP_KEY)
    return row is not None and isinstance(row.value, dict) and bool(_text(row.value.get("host")))


def mailbox_connected(s: Session) -> bool:
    """The apply-by-email mailbox is set up (its address and IMAP server saved)."""
    value = mailbox_settings(s)
    imap = value.get("imap") if value is not None else None
    return bool(value is not None and _text(value.get("address")) and isinstance(imap, dict)
                and _text(imap.get("host")))


def workspace_means(s: Session) -> Means:
    row = s.get(WorkspaceSetting, POLICY_KEY)
    sender = row.value.get("sms_from") if row is not None and isinstance(row.value, dict) \
        else None
    return Means(_text(sender), email_connected(s), mailbox_connected(s))


def _own_number(settings: object) -> str | None:
    return _text(settings.get("phone_number")) if isinstance(settings, dict) else None


class _StageLike(Protocol):
    kind: StageKind
    name: str
    settings: Any


def needs_of(stages: Iterable[_StageLike]) -> list[StageNeeds]:
    """``StageNeeds`` of stored stages or the wizard's stage drafts, in the order given."""
    return [StageNeeds(StageKind(st.kind), st.name, _own_number(st.settings)) for st in stages]


def interviewer_readiness(s: Session, iv: Interviewer | int) -> Readiness:
    """The readiness of a stored interviewer (``iv`` or its id)."""
    found = s.get(Interviewer, iv) if isinstance(iv, int) else iv
    if found is None:
        return Readiness()
    stages = s.scalars(select(Stage).where(Stage.interviewer_id == found.id)
                       .order_by(Stage.position, Stage.id)).all()
    return decide(needs_of(stages), found.phone_number, workspace_means(s))


def first_stage_needs_phone(s: Session, interviewer_id: int) -> bool:
    """The first stage calls or texts the candidate: a candidate without a mobile number can
    never start it."""
    kind = s.scalar(select(Stage.kind).where(Stage.interviewer_id == interviewer_id)
                    .order_by(Stage.position, Stage.id).limit(1))
    return kind is not None and StageKind(kind) in CALLED | TEXTED


WAITING_FOR_EMAIL = "connect an email account to send"


def message_waits(s: Session) -> Callable[[Channel, Direction, MessageStatus], str | None]:
    """For the contact history: why a queued message has not gone out, from what this
    workspace lacks (read once): an email with no email account connected waits for one."""
    mail_ok = email_connected(s)

    def why(channel: Channel, direction: Direction, status: MessageStatus) -> str | None:
        if (status == MessageStatus.QUEUED and direction == Direction.OUTBOUND
                and channel == Channel.EMAIL and not mail_ok):
            return WAITING_FOR_EMAIL
        return None

    return why
