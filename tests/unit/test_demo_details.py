"""The demo's candidates look lived-in: past the first stage they have answers with scores and
evidence, their calls and texts have transcripts, and their invitations (and nudges) are in
the contact history with statuses that fit what happened next — read through the profile,
as the candidate's window shows them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from milo_desktop.enums import (
    ApplicationStatus,
    Channel,
    MessageStatus,
    StageKind,
    StageStatus,
)
from milo_desktop.models import Application, Candidate, Message, Stage, StageResult
from milo_desktop.services.demo import build_demo
from milo_desktop.services.demo.people import DETAILED_CANDIDATES
from milo_desktop.services.workspace import Workspace

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
FINISHED = (StageStatus.COMPLETED, StageStatus.KNOCKED_OUT)
DONE = (ApplicationStatus.COMPLETED, ApplicationStatus.SHORTLISTED, ApplicationStatus.DISMISSED)


def test_a_seeded_completed_candidate_has_answers_transcripts_and_invitations(
        workspace: Workspace, arun: Any) -> None:
    build_demo(workspace.db, candidates=400, now=NOW)

    def newest_voice_completion(s: Any) -> int:
        # The candidate a recruiter meets first: the latest invited, finished, past a call.
        return s.scalar(
            select(Application.candidate_id)
            .join(StageResult, StageResult.application_id == Application.id)
            .join(Stage, Stage.id == StageResult.stage_id)
            .where(Application.status.in_(DONE), Stage.kind == StageKind.VOICE,
                   StageResult.status == StageStatus.COMPLETED)
            .order_by(Application.created_at.desc()).limit(1))

    candidate_id = workspace.db.run_sync(newest_voice_completion)
    profile = arun(workspace.candidates.profile(candidate_id))
    done = [i for i in profile.interviews if i.status in DONE]
    assert done
    interview = done[0]
    for stage in interview.stages:
        assert stage.status in FINISHED
        if stage.evaluator is None:
            continue  # still being evaluated
        assert stage.answers, stage.stage_name
        assert all(a.answer and a.evidence and a.evaluator for a in stage.answers)
        assert all((a.score is not None) != (a.passed is not None) for a in stage.answers)
        assert sum(a.passed is True for a in stage.answers) == stage.structured_passed
    voice = next(s for s in interview.stages if s.stage_kind == StageKind.VOICE)
    assert voice.transcript.startswith("Agent: Hi ")
    for answer in voice.answers:
        assert f"Caller: {answer.answer}" in voice.transcript
    invitations = [m for m in profile.messages if m.purpose == "invitation"]
    assert invitations, "the invitation is in the contact history"
    # They went on to take the screening, so the invitation reached them.
    assert all(m.status in (MessageStatus.DELIVERED, MessageStatus.OPENED)
               for m in invitations)
    assert {m.channel for m in invitations} >= {Channel.EMAIL if profile.email else Channel.SMS}


def test_every_candidate_past_the_first_stage_is_detailed_in_a_small_demo(
        workspace: Workspace) -> None:
    build_demo(workspace.db, candidates=400, now=NOW)
    assert DETAILED_CANDIDATES >= 400  # a small demo details everyone

    def gaps(s: Any) -> tuple[int, int, int, int]:
        evaluated = (select(StageResult.id).where(StageResult.status.in_(FINISHED),
                                                  StageResult.evaluator.is_not(None)))
        without_answers = s.scalar(select(func.count()).select_from(
            evaluated.where(~StageResult.answers.any()).subquery()))
        voice_without_transcript = s.scalar(
            select(func.count()).select_from(StageResult)
            .join(Stage, Stage.id == StageResult.stage_id)
            .where(StageResult.status.in_(FINISHED), StageResult.evaluator.is_not(None),
                   Stage.kind == StageKind.VOICE, StageResult.transcript == ""))
        uninvited = s.scalar(select(func.count()).select_from(Application).where(
            ~select(Message.id).where(Message.application_id == Application.id,
                                      Message.purpose == "invitation").exists()))
        nudged = s.scalar(select(func.sum(Application.nudges_sent)))
        nudges = s.scalar(select(func.count()).select_from(Message)
                          .where(Message.purpose == "nudge"))
        return without_answers, voice_without_transcript, uninvited, nudged - nudges

    without_answers, untranscribed, uninvited, nudges_missing = workspace.db.run_sync(gaps)
    assert without_answers == 0
    assert untranscribed == 0
    # Everyone invited has the invitation in their history (candidates without an e-mail
    # address get it by text only when the workflow runs by phone or text).
    assert uninvited == _no_contact(workspace)
    assert nudges_missing == _no_email_nudges(workspace)


def _no_contact(ws: Workspace) -> int:
    """Applications whose candidate can receive no invitation: no e-mail, and no phone or a
    workflow that never texts."""
    def q(s: Any) -> int:
        texting = select(Stage.interviewer_id).where(Stage.kind.in_(
            (StageKind.VOICE, StageKind.SMS)))
        return s.scalar(select(func.count()).select_from(Application)
                        .join(Candidate, Candidate.id == Application.candidate_id)
                        .where(Candidate.email.is_(None))
                        .where((Candidate.phone_e164.is_(None))
                               | ~Application.interviewer_id.in_(texting)))

    return ws.db.run_sync(q)


def _no_email_nudges(ws: Workspace) -> int:
    """Nudges that could not go out: the candidate has no e-mail address (nudges are mailed)."""
    def q(s: Any) -> int:
        return s.scalar(select(func.coalesce(func.sum(Application.nudges_sent), 0))
                        .join(Candidate, Candidate.id == Application.candidate_id)
                        .where(Candidate.email.is_(None))) or 0

    return ws.db.run_sync(q)
