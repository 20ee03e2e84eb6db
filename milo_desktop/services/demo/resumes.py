"""Demo mode: candidates invited to an interviewer whose first stage is the Résumé stage send
a résumé, as a real applicant would by email or through the ATS, so a newcomer sees the
whole chain — résumé scored, then the phone or text screening — without anyone typing.

Only demo candidates (emails on the reserved example domains) ever get one. Each résumé is
a plain-text file made from the candidate's name and the role: two dated jobs (so the
years-of-experience requirements have something to read) and the role's requirements,
most of them met, some not, so the scores differ.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milo_desktop.enums import ApplicationStatus, QuestionKind, StageKind, StageStatus
from milo_desktop.errors import EnvironmentProblem
from milo_desktop.files import private_dir, write_private
from milo_desktop.models import Application, Candidate, Interviewer, Question, Stage, StageResult
from milo_desktop.services.core.database import Database

log = logging.getLogger(__name__)
# Reserved for documentation (RFC 2606): the demo's people only ever have these addresses.
DEMO_DOMAINS = ("example.com", "example.org", "example.net", ".example")
SEND_AFTER = dt.timedelta(seconds=20)  # an applicant takes a moment to reply
PER_PASS = 5
_EMPLOYERS = ["Northwind Logistics", "Contoso Health", "Fabrikam Retail", "Tailspin Foods",
              "Wide World Importers", "Adventure Works", "Litware Security"]
_LEADS = re.compile(r"^(has|have|holds|hold|is|can|with)\s+(an?\s+|the\s+)?(current\s+|valid\s+)?",
                    re.IGNORECASE)


@dataclass(frozen=True)
class ResumeAsk:
    """An application waiting for its résumé, with what the résumé should talk about."""

    application_id: int
    full_name: str
    email: str
    title: str
    requirements: tuple[tuple[str, QuestionKind, float | None], ...]


def waiting_for_resumes(s: Session, now: dt.datetime, limit: int = PER_PASS) -> list[ResumeAsk]:
    """Demo applications whose first stage is a Résumé stage not started yet."""
    first = (select(Stage.interviewer_id, func.min(Stage.position).label("pos"))
             .group_by(Stage.interviewer_id).subquery())
    rows = s.execute(
        select(Application.id, Candidate.full_name, Candidate.email, Interviewer.position_title,
               Stage.id)
        .join(Candidate, Application.candidate_id == Candidate.id)
        .join(Interviewer, Application.interviewer_id == Interviewer.id)
        .join(first, first.c.interviewer_id == Interviewer.id)
        .join(Stage, (Stage.interviewer_id == Interviewer.id) & (Stage.position == first.c.pos))
        .join(StageResult, (StageResult.application_id == Application.id)
              & (StageResult.stage_id == Stage.id))
        .where(Stage.kind == StageKind.RESUME,
               StageResult.status == StageStatus.NOT_STARTED,
               Application.status.in_((ApplicationStatus.PENDING, ApplicationStatus.IN_PROGRESS)),
               Application.created_at <= now - SEND_AFTER,
               Candidate.email.is_not(None))
        .order_by(Application.id).limit(limit * 4)).all()
    asks = []
    for app_id, name, email, title, stage_id in rows:
        domain = (email or "").rsplit("@", 1)[-1]
        if domain not in DEMO_DOMAINS[:3] and not domain.endswith(DEMO_DOMAINS[3]):
            continue
        questions = s.execute(select(Question.prompt, Question.kind, Question.min_value)
                              .where(Question.stage_id == stage_id)
                              .order_by(Question.position)).all()
        asks.append(ResumeAsk(app_id, name, email, title,
                              tuple((p, k, v) for p, k, v in questions)))
        if len(asks) == limit:
            break
    return asks


def resume_text(ask: ResumeAsk, rng: random.Random, today: dt.date) -> str:
    """A plain résumé: contact, two dated jobs, skills and certifications."""
    years = rng.choice([0.5, 1, 2, 3, 4, 6, 8])
    start = today - dt.timedelta(days=int(years * 365))
    middle = start + (today - start) / 2
    first, second = rng.sample(_EMPLOYERS, 2)
    lines = [ask.full_name, f"{ask.email} · Dallas, TX", "", "EXPERIENCE",
             f"{ask.title}, {second} — {middle:%b %Y} - Present",
             f"{ask.title}, {first} — {start:%b %Y} - {middle:%b %Y}", "",
             "SKILLS AND CERTIFICATIONS"]
    for prompt, kind, _minimum in ask.requirements:
        if kind == QuestionKind.MIN_AMOUNT or rng.random() < 0.25:
            continue  # years come from the dated jobs; some requirements are simply not met
        lines.append("- " + _LEADS.sub("", prompt.rstrip("?.")).strip().capitalize())
    return "\n".join(lines) + "\n"


async def send_demo_resumes(db: Database, resumes: Any, folder: Path, rng: random.Random,
                            now: dt.datetime | None = None) -> int:
    """One pass: write and attach a résumé for each waiting demo application; returns how
    many were attached. ``resumes`` is the workspace's ResumeService."""
    moment = now or dt.datetime.now(dt.UTC)
    asks = await db.read(lambda s: waiting_for_resumes(s, moment))
    attached = 0
    for ask in asks:
        path = folder / f"{re.sub(r'[^a-z0-9]+', '-', ask.full_name.lower())}-{ask.application_id}.txt"
        await asyncio.to_thread(_write, path, resume_text(ask, rng, moment.date()))
        try:
            await resumes.attach(ask.application_id, path)
        except EnvironmentProblem as exc:  # e.g. the application moved on meanwhile
            log.info("demo résumé for application %s not attached: %s", ask.application_id,
                     exc.message)
            continue
        attached += 1
    return attached


def _write(path: Path, text: str) -> None:
    private_dir(path.parent)
    write_private(path, text)
