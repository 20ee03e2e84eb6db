"""The preview's service side: stages from the database or a wizard draft, the compiled flow
played in the simulator, answers read back for the evaluator, and nothing stored."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from milo_desktop.enums import QuestionKind, StageKind
from milo_desktop.models import Answer, StageResult
from milo_desktop.services.authoring.draft import InterviewerDraft, QuestionDraft, StageDraft
from milo_desktop.services.preview import PreviewService, answers_from_context, stage_from_draft
from milo_desktop.services.workspace import Workspace
from tests.form_stage import make_form_interviewer
from tests.resume_files import write_pdf


def test_a_stored_voice_stage_played_and_evaluated_without_storing(workspace: Workspace,
                                                                   arun: Any) -> None:
    _iv, stage_id = make_form_interviewer(workspace, stages=(StageKind.VOICE,))
    service = PreviewService(workspace.db, workspace.applications)
    stage = arun(service.stage(stage_id))
    assert stage.kind == StageKind.VOICE and stage.position_title == "Forklift Operator"
    assert stage.problems() == [] and stage.simulated

    sim = stage.simulation()
    sim.answer_speech("yes I am")
    sim.stay_silent()  # asked again after silence …
    sim.answer_speech("two and a half years")  # … and answered the second time
    sim.answer_digits("3")
    sim.answer_speech("")  # nothing to say: skipped after the repeat
    sim.stay_silent()
    assert sim.current_prompt().widget == "rating"  # the optional closing rating …
    sim.answer_digits("4")  # … heard and given, but never evaluated with the answers
    assert sim.finished
    answers = answers_from_context(sim.result().context, stage.questions)
    q = [x.id for x in stage.questions]
    assert answers == {q[0]: ("yes I am", None), q[1]: ("two and a half years", None),
                       q[2]: ("", "3")}

    ev = arun(service.evaluate(stage, answers))
    by_prompt = {r.prompt: r for r in ev.answers}
    assert by_prompt["Which shift suits you?"].evaluation.value == "Weekends"
    assert ev.structured_passed == 3 and ev.score == 0.0  # the story was never told
    assert not by_prompt["Tell us about a time you kept a warehouse safe."].answered
    stored = workspace.db.run_sync(
        lambda s: (s.scalar(select(func.count()).select_from(StageResult)),
                   s.scalar(select(func.count()).select_from(Answer))))
    assert stored == (0, 0)


def test_a_wizard_draft_becomes_a_preview_stage() -> None:
    draft = StageDraft.new(StageKind.SMS)
    draft.settings = {"ai_disclosure": False}
    draft.questions = [
        QuestionDraft(QuestionKind.MULTIPLE_CHOICE, " Which site? ", choices=["Reno", "Sparks"],
                      accepted_choices=["Reno"], expected_yes=True),  # stale field: dropped
        QuestionDraft(QuestionKind.MIN_AMOUNT, "Years driving?", min_value=2, unit="years",
                      id=41),
    ]
    stage = stage_from_draft(draft, InterviewerDraft(position_title="Driver", language="es"))
    first, second = stage.questions
    assert (first.id, first.prompt, first.expected_yes, first.choices) == \
        ("draft_1", "Which site?", None, ("Reno", "Sparks"))
    assert (second.id, second.min_value, second.unit) == ("41", 2, "years")
    assert stage.position_title == "Driver" and stage.language == "es"
    assert not stage.ai_disclosure and stage.problems() == []
    sim = stage.simulation()
    text = sim.current_prompt().text  # type: ignore[union-attr]
    assert "Which site?" in text
    assert "automated" not in sim.result().agent_text().lower()  # no AI disclosure asked for
    sim.reply_sms("2")
    sim.reply_sms("3 years")
    assert answers_from_context(sim.result().context, stage.questions) == {
        "draft_1": ("2", None), "41": ("3 years", None)}

    empty = stage_from_draft(StageDraft.new(StageKind.RESUME))
    assert empty.position_title == "Résumé screening"
    assert empty.problems() == ["The Résumé screening stage has no requirements yet."]


def test_a_resume_preview_counts_present_to_the_services_clock(
        workspace: Workspace, arun: Any, tmp_path: Path) -> None:
    """"Jan 2020 - Present" ends on the clock's day, not the computer's: the résumé's years
    (2017–2019 and since 2020) meet a minimum of 5 on a day in 2026, not on one in 2021."""
    draft = StageDraft.new(StageKind.RESUME)
    draft.questions = [QuestionDraft(QuestionKind.MIN_AMOUNT, "Work experience",
                                     min_value=5, unit="years")]
    stage = stage_from_draft(draft, InterviewerDraft(position_title="Forklift Operator"))
    cv = write_pdf(tmp_path / "cv.pdf")  # "2017 - 2019", then "Jan 2020 - Present"
    service = PreviewService(workspace.db, workspace.applications)
    verdicts = []
    for day in (dt.datetime(2026, 11, 22, tzinfo=dt.UTC), dt.datetime(2021, 6, 1, tzinfo=dt.UTC)):
        workspace.applications.clock = lambda day=day: day
        _text, ev = arun(service.evaluate_resume(stage, str(cv)))
        [record] = ev.answers
        verdicts.append(record.evaluation.passed)
    assert verdicts == [True, False]
