"""The front-desk kiosk: a walk-in fills in an interviewer's Form stage on a shared screen.

A walk-in is one person among the directory's candidates, never a duplicate: the same E.164
phone, then the same lower-cased email, links to the existing candidate (blank contact details
are filled in, nothing is overwritten). They get (or keep) an Application to the interviewer and
their answers are scored and stored by ``ApplicationsService.complete_stage`` exactly as any
other stage result, so the Candidates tab, notifications and reports need nothing special.

No Qt here; the kiosk window (views/kiosk/) and the authoring preview show ``KioskForm``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.enums import (
    ApplicationStatus,
    CandidateSource,
    InterviewerStatus,
    QuestionKind,
    StageKind,
    StageStatus,
)
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import Application, AuditEntry, Candidate, Interviewer, Stage, StageResult
from milo_desktop.services.applications.service import ApplicationsService
from milo_desktop.services.candidates.identity import note_lookalikes
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import CandidatesChanged, EventBus
from milo_desktop.services.flows.config import to_e164
from milo_desktop.services.flows.rating import HIGHEST as RATING_HIGHEST
from milo_desktop.services.flows.rating import LOWEST as RATING_LOWEST
from milo_desktop.services.flows.rating import asks_rating
from milo_desktop.services.pipeline.matching import match_caller
from milo_desktop.services.scoring.spec import QuestionSpec

NAME_MAX = 200  # candidates.full_name
EMAIL_MAX = 254
ANSWER_MAX = 4000  # a scored answer typed at the kiosk
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"[A-Za-z]{2,63}$"
)
WALK_IN = "walk-in"  # how the audit log names where the application came from


class PersonProblem(ValidationProblem):
    """The walk-in's details need fixing; ``fields`` maps name/email/phone/consent → message."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        super().__init__(" ".join(fields.values()))
        self.fields = dict(fields)


@dataclass(frozen=True)
class KioskPerson:
    """What the kiosk's first screen asks, as typed."""

    name: str
    email: str = ""
    phone: str = ""
    consent: bool = False


@dataclass(frozen=True)
class CheckedPerson:
    """A walk-in's details after validation: trimmed name, lower-cased email, E.164 phone."""

    name: str
    email: str | None
    phone_e164: str | None


def check_email(raw: str) -> str | None:
    """The lower-cased address, None when blank; PersonProblem when it is not an address."""
    email = raw.strip().lower()
    if not email:
        return None
    if len(email) > EMAIL_MAX or ".." in email or not _EMAIL.match(email):
        raise PersonProblem({"email": "This doesn't look like an email address "
                                      "(for example name@example.com)."})
    return email


def check_phone(raw: str, region: str = "US") -> str | None:
    """The number in E.164, None when blank; PersonProblem when it cannot be a phone number."""
    if not raw.strip():
        return None
    e164 = to_e164(raw.strip(), region)
    if e164 is None:
        raise PersonProblem({"phone": "We couldn't read this phone number. Include the area "
                                      "code, or start with + and the country code."})
    return e164


def check_person(person: KioskPerson, region: str = "US") -> CheckedPerson:
    """Validate every field at once, so the kiosk can mark each one that needs fixing."""
    problems: dict[str, str] = {}
    name = " ".join(person.name.split())
    if not name:
        problems["name"] = "Please type your name."
    elif len(name) > NAME_MAX:
        problems["name"] = f"Please keep your name under {NAME_MAX} characters."
    email = phone = None
    try:
        email = check_email(person.email)
    except PersonProblem as exc:
        problems.update(exc.fields)
    try:
        phone = check_phone(person.phone, region)
    except PersonProblem as exc:
        problems.update(exc.fields)
    if not person.email.strip() and not person.phone.strip():
        problems["email"] = "Give an email address or a phone number so we can reach you."
    if not person.consent:
        problems["consent"] = "Please tick the box to agree before you continue."
    if problems:
        raise PersonProblem(problems)
    return CheckedPerson(name, email, phone)


@dataclass(frozen=True)
class KioskForm:
    """An interviewer's Form stage as the kiosk shows it; ``closed`` says why it takes no one."""

    interviewer_id: int
    stage_id: int
    interviewer_name: str
    position_title: str
    stage_name: str
    questions: tuple[QuestionSpec, ...]
    min_score: int | None
    closed: str | None = None
    ask_rating: bool = True  # end with the optional 1–5 rating (services/flows/rating.py)


@dataclass(frozen=True)
class KioskResult:
    """What a submission did: who it was, whether anything new was created, the stage outcome."""

    candidate_id: int
    candidate_created: bool
    application_id: int
    application_created: bool
    stage_status: StageStatus
    score: float | None
    application_status: ApplicationStatus


def closed_reason(iv: Interviewer, now: dt.datetime) -> str | None:
    """Why this interviewer takes no new candidates (archived, expired), in the walk-in's words."""
    if iv.status == InterviewerStatus.ARCHIVED:
        return f"{iv.position_title} is no longer taking applications."
    if iv.status == InterviewerStatus.EXPIRED or (iv.deadline is not None and iv.deadline < now):
        day = iv.deadline.astimezone() if iv.deadline else None
        on = f" on {day:%B} {day.day}" if day else ""
        return f"Applications for {iv.position_title} closed{on}."
    return None


def _form_stage(iv: Interviewer, stage_id: int | None) -> Stage:
    forms = [st for st in iv.stages if st.kind == StageKind.FORM]
    if stage_id is not None:
        forms = [st for st in forms if st.id == stage_id]
    if not forms:
        raise ValidationProblem(f"{iv.name} has no Form stage to show at the kiosk. Add one in "
                                "the interviewer's stages first.")
    return forms[0]


def transcript_of(questions: Sequence[QuestionSpec], answers: Mapping[str, str]) -> str:
    """The questions and answers as one readable transcript (shown in the candidate profile)."""
    return "\n\n".join(f"Q: {q.prompt}\nA: {answers.get(q.id, '')}" for q in questions)


def check_answers(questions: Sequence[QuestionSpec], answers: Mapping[str, str]) -> dict[str, str]:
    """Every question answered, choices among the options, lengths in bounds; trimmed copies."""
    out: dict[str, str] = {}
    for number, q in enumerate(questions, start=1):
        text = " ".join((answers.get(q.id) or "").split()) if q.kind != QuestionKind.SCORED \
            else (answers.get(q.id) or "").strip()
        if not text:
            raise ValidationProblem(f"Question {number} has no answer yet.")
        if len(text) > ANSWER_MAX:
            raise ValidationProblem(f"The answer to question {number} is longer than "
                                    f"{ANSWER_MAX} characters.")
        if q.kind == QuestionKind.MULTIPLE_CHOICE and text not in q.choices:
            raise ValidationProblem(f"Question {number}: choose one of the options.")
        out[q.id] = text
    if set(answers) - {q.id for q in questions}:
        # The recruiter edited the stage while someone was filling it in.
        raise ValidationProblem("This form has just been changed. Please start again.")
    return out


class KioskService:
    """Loads the form and takes walk-ins' submissions (the view builds one per kiosk window)."""

    def __init__(self, db: Database, bus: EventBus, applications: ApplicationsService, *,
                 region: str = "US", clock: Callable[[], dt.datetime] | None = None) -> None:
        self.db = db
        self.bus = bus
        self.applications = applications
        self.region = region
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))

    async def form(self, interviewer_id: int, stage_id: int | None = None) -> KioskForm:
        """The interviewer's Form stage (the first one when ``stage_id`` is None)."""
        now = self.clock()

        def q(s: Session) -> KioskForm:
            iv = s.get(Interviewer, interviewer_id)
            if iv is None:
                raise ValidationProblem("This interviewer no longer exists.")
            stage = _form_stage(iv, stage_id)
            return KioskForm(iv.id, stage.id, iv.name, iv.position_title, stage.name,
                             tuple(QuestionSpec.from_question(x) for x in stage.questions),
                             stage.min_score, closed_reason(iv, now),
                             asks_rating(stage.settings))

        return await self.db.read(q)

    async def form_for_slug(self, slug: str) -> KioskForm:
        """The Form stage of the interviewer with this URL name (``--kiosk <slug>``)."""

        def q(s: Session) -> int | None:
            return s.scalar(select(Interviewer.id).where(Interviewer.slug == slug))

        interviewer_id = await self.db.read(q)
        if interviewer_id is None:
            raise ValidationProblem(f"No interviewer has the URL name {slug!r}.")
        return await self.form(interviewer_id)

    async def check_in(self, interviewer_id: int, stage_id: int, person: KioskPerson) -> None:
        """Refuse early, before any question: bad details, a closed role, a finished form."""
        checked = check_person(person, self.region)
        now = self.clock()

        def q(s: Session) -> None:
            self._refusal(s, interviewer_id, stage_id, checked, now)

        await self.db.read(q)

    async def submit(self, interviewer_id: int, stage_id: int, person: KioskPerson,
                     answers: Mapping[str, str], rating: int | None = None) -> KioskResult:
        """Link or create the candidate, create or reuse the application, then score and store
        the stage through ``complete_stage``. ``rating`` is the walk-in's optional 1–5 rating
        of the form (None: skipped), stored with the result and never scored."""
        checked = check_person(person, self.region)
        if rating is not None and not RATING_LOWEST <= rating <= RATING_HIGHEST:
            raise ValidationProblem("Choose a rating from 1 to 5, or skip it.")
        now = self.clock()

        def w(s: Session) -> tuple[int, bool, int, bool, dict[str, str], str]:
            iv, stage, candidate, app = self._refusal(s, interviewer_id, stage_id, checked, now)
            questions = [QuestionSpec.from_question(x) for x in stage.questions]
            clean = check_answers(questions, answers)
            created = candidate is None
            if candidate is None:
                candidate = Candidate(full_name=checked.name, name_key=checked.name.casefold(),
                                      email=checked.email, phone_e164=checked.phone_e164,
                                      source=CandidateSource.MANUAL, created_at=now,
                                      updated_at=now)
                s.add(candidate)
                s.flush()
                note_lookalikes(s, candidate, "kiosk")
            else:  # fill blanks only: the directory's details may be newer than a kiosk's
                candidate.email = candidate.email or checked.email
                candidate.phone_e164 = candidate.phone_e164 or checked.phone_e164
            new_app = app is None
            if app is None:
                app = Application(candidate_id=candidate.id, interviewer_id=iv.id,
                                  status=ApplicationStatus.PENDING,
                                  source=CandidateSource.MANUAL, created_at=now,
                                  started_at=now, last_engaged_at=now)
                s.add(app)
                s.flush()
                # Its workflow is the interviewer's stages as they are today (an existing
                # application keeps the workflow it was invited with).
                for st in iv.stages:
                    s.add(StageResult(application_id=app.id, stage_id=st.id,
                                      status=StageStatus.NOT_STARTED))
            s.add(AuditEntry(at=now, actor="kiosk", action="kiosk.submit", entity="application",
                             entity_id=app.id,
                             detail={"source": WALK_IN, "stage_id": stage.id,
                                     "candidate_created": created, "consent_at": now.isoformat()}))
            s.flush()
            return (candidate.id, created, app.id, new_app, clean,
                    transcript_of(questions, clean))

        candidate_id, created, app_id, new_app, clean, transcript = await self.db.write(w)
        self.bus.publish(CandidatesChanged((candidate_id,)))
        await self.applications.complete_stage(app_id, stage_id, clean, transcript=transcript,
                                               rating=rating)

        def read_back(s: Session) -> KioskResult:
            result = s.scalars(select(StageResult).where(StageResult.application_id == app_id,
                                                         StageResult.stage_id == stage_id)).one()
            app = s.get(Application, app_id)
            assert app is not None
            return KioskResult(candidate_id, created, app_id, new_app,
                               StageStatus(result.status), result.score,
                               ApplicationStatus(app.status))

        return await self.db.read(read_back)

    def _refusal(self, s: Session, interviewer_id: int, stage_id: int, person: CheckedPerson,
                 now: dt.datetime) -> tuple[Interviewer, Stage, Candidate | None,
                                            Application | None]:
        """The rows a submission works on, or ValidationProblem saying why it is refused.

        A closed (expired) role still lets a candidate who already has an application finish
        (candidates in a flow are never cut off); an archived one takes nobody.
        """
        iv = s.get(Interviewer, interviewer_id)
        if iv is None:
            raise ValidationProblem("This interviewer no longer exists.")
        stage = _form_stage(iv, stage_id)
        # Same email or phone AND name: never a key alone (pipeline/matching.py).
        candidate = match_caller(s, person.phone_e164, person.email, person.name).candidate
        app = None if candidate is None else s.scalars(select(Application).where(
            Application.candidate_id == candidate.id,
            Application.interviewer_id == iv.id)).first()
        closed = closed_reason(iv, now)
        if closed and (app is None or iv.status == InterviewerStatus.ARCHIVED):
            raise ValidationProblem(closed + " Please ask at the front desk.")
        if app is not None:
            results = {sid: status for sid, status in s.execute(
                select(StageResult.stage_id, StageResult.status)
                .where(StageResult.application_id == app.id))}
            done = results.get(stage.id)
            if results and stage.id not in results:
                raise ValidationProblem(
                    f"Your application for {iv.position_title} was started before this form "
                    "was added, so it doesn't include it. Please ask at the front desk.")
            if done in (StageStatus.COMPLETED, StageStatus.KNOCKED_OUT):
                raise ValidationProblem(
                    f"You have already filled in this form for {iv.position_title}. "
                    "The recruiter has your answers.")
            if app.status == ApplicationStatus.DISMISSED:
                raise ValidationProblem(
                    f"Your application for {iv.position_title} is closed. "
                    "Please ask at the front desk.")
        return iv, stage, candidate, app
