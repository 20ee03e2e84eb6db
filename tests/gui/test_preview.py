"""Preview: a recruiter plays the candidate of a Voice, SMS, Form or Résumé stage and sees the
evaluation the candidate would get — and nothing is stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from milo_desktop.enums import QuestionKind, StageKind
from milo_desktop.models import Answer, Application, Candidate, StageResult
from milo_desktop.services.authoring.draft import InterviewerDraft, QuestionDraft, StageDraft
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.preview import PreviewDialog, open_preview
from milo_desktop.views.preview.dialog import FORM, PROBLEMS, RESUME, SIMULATED
from tests.form_stage import FORM_QUESTIONS, make_form_interviewer

CLICK = Qt.MouseButton.LeftButton


def _dialog(qtbot: Any, make_ctx: Any, ws: Workspace, stage: Any, **kw: Any) -> PreviewDialog:
    dialog = PreviewDialog(make_ctx(ws), stage, **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.stage is not None or dialog.pages.currentIndex() == PROBLEMS)
    return dialog


def _nothing_stored(ws: Workspace) -> None:
    counts = ws.db.run_sync(lambda s: [s.scalar(select(func.count()).select_from(m))
                                       for m in (Candidate, Application, StageResult, Answer)])
    assert counts == [0, 0, 0, 0]


def _table(dialog_result: Any) -> dict[str, tuple[str, str]]:
    t = dialog_result.table
    return {t.item(r, 0).text(): (t.item(r, 1).text(), t.item(r, 2).text())
            for r in range(t.rowCount())}


def test_voice_stage_answered_by_typing_and_keys(qtbot: Any, make_ctx: Any,
                                                 sqlite_workspace: Workspace) -> None:
    _iv, stage = make_form_interviewer(sqlite_workspace, stages=(StageKind.VOICE,))
    dialog = _dialog(qtbot, make_ctx, sqlite_workspace, stage)
    panel = dialog.panel
    assert dialog.pages.currentIndex() == SIMULATED
    assert dialog.title.text() == "Phone screen · Forklift Operator"
    says = panel.agent_says.text()
    assert "Forklift Operator position" in says and "authorized to work" in says
    assert "AI assistant" in says  # the disclosure comes before the first question

    qtbot.keyClicks(panel.speech, "yeah I do")
    qtbot.keyClick(panel.speech, Qt.Key.Key_Return)
    assert "years of forklift experience" in panel.agent_says.text()
    qtbot.keyClicks(panel.speech, "about three years")
    qtbot.mouseClick(panel.say_button, CLICK)
    qtbot.mouseClick(panel.keypad["2"], CLICK)  # Nights: not an accepted shift
    qtbot.mouseClick(panel.press_button, CLICK)
    qtbot.keyClicks(panel.speech, "I spotted a hazard, reported it to my supervisor and fixed "
                                  "it, then followed up with the team.")
    qtbot.keyClick(panel.speech, Qt.Key.Key_Return)
    # Last, the optional rating of the call: pressed here, and never part of the evaluation.
    assert panel.prompt_kind() == "gather" and "rate this call" in panel.agent_says.text()
    qtbot.mouseClick(panel.keypad["5"], CLICK)
    qtbot.mouseClick(panel.press_button, CLICK)

    assert panel.prompt_kind() is None
    result = dialog.sim_result
    qtbot.waitUntil(lambda: result.evaluation is not None)
    ev = result.evaluation
    assert ev is not None and ev.score is not None and not ev.knocked_out
    assert (ev.structured_passed, ev.structured_total) == (2, 3)
    rows = _table(result)
    assert rows["Are you authorized to work in the US?"] == ("yeah I do", "Pass")
    assert rows["How many years of forklift experience do you have?"] == \
        ("about three years", "Pass")
    assert rows["Which shift suits you?"] == ("[keypad 2]", "Fail")
    assert rows["Tell us about a time you kept a warehouse safe."][1].endswith("/ 5")
    assert "Requirements met: 2 of 3" in result.facts.text()
    assert "You\nyeah I do" in panel.transcript.toPlainText()
    _nothing_stored(sqlite_workspace)

    # Try again: a new candidate, a fresh call.
    qtbot.mouseClick(result.again, CLICK)
    assert panel.prompt_kind() == "gather" and result.evaluation is None
    assert "yeah I do" not in panel.transcript.toPlainText()
    assert panel.input.currentIndex() == 0


def test_sms_stage_and_a_hang_up_style_ending(qtbot: Any, make_ctx: Any,
                                              sqlite_workspace: Workspace) -> None:
    _iv, stage = make_form_interviewer(sqlite_workspace, stages=(StageKind.SMS,))
    dialog = _dialog(qtbot, make_ctx, sqlite_workspace, stage)
    panel = dialog.panel
    assert panel.prompt_kind() == "sms" and panel.input.currentIndex() == 1
    assert "(Reply YES or NO)" in panel.agent_says.text()
    qtbot.keyClicks(panel.sms_reply, "no")
    qtbot.keyClick(panel.sms_reply, Qt.Key.Key_Return)
    # A confidently failed dealbreaker ends the text screening: no further question is sent.
    assert panel.agent_says.text() == "The screening is over."
    result = dialog.sim_result
    qtbot.waitUntil(lambda: result.evaluation is not None)
    assert result.evaluation.knocked_out  # the dealbreaker: not authorized to work
    assert "Knocked out" in result.facts.text()
    assert _table(result)["Which shift suits you?"][0] == "— not answered —"
    _nothing_stored(sqlite_workspace)


def test_form_stage_from_a_wizard_draft_in_the_kiosk_widget(qtbot: Any, make_ctx: Any,
                                                            sqlite_workspace: Workspace) -> None:
    draft = StageDraft.new(StageKind.FORM)
    draft.min_score = 80
    draft.questions = [
        QuestionDraft(QuestionKind.YES_NO, "Do you have steel-toe boots?", expected_yes=True),
        QuestionDraft(QuestionKind.SCORED, "Why do you want this job?",
                      rubric_low="No reason given.", rubric_high="Specific, about this role."),
    ]
    interviewer = InterviewerDraft(name="Dock — Reno", position_title="Dock Worker")
    dialog = open_preview(make_ctx(sqlite_workspace), draft, interviewer=interviewer)
    qtbot.addWidget(dialog)
    kiosk = dialog.kiosk
    assert dialog.pages.currentIndex() == FORM and kiosk.role.text() == "Dock Worker"
    assert dialog.banner_text.text().startswith("PREVIEW")

    # The preview checks the details like the kiosk does, but stores nothing.
    qtbot.keyClicks(kiosk.details.name.edit, "Pat Preview")
    qtbot.keyClicks(kiosk.details.phone.edit, "not a number")
    qtbot.mouseClick(kiosk.details.consent, CLICK)
    qtbot.mouseClick(kiosk.next, CLICK)
    assert "couldn't read this phone number" in kiosk.details.phone.error.text()
    kiosk.details.phone.edit.clear()
    qtbot.keyClicks(kiosk.details.phone.edit, "415 555 0142")
    qtbot.mouseClick(kiosk.next, CLICK)
    qtbot.waitUntil(lambda: kiosk.pages.currentIndex() == 1)
    qtbot.keyClick(kiosk.pages.currentWidget(), Qt.Key.Key_Y)
    qtbot.keyClick(kiosk.pages.currentWidget(), Qt.Key.Key_Return)
    qtbot.keyClicks(kiosk.pages.currentWidget().edit, "It is close to home.")
    qtbot.mouseClick(kiosk.next, CLICK)
    assert kiosk.rating is not None and kiosk.pages.currentWidget() is kiosk.rating
    qtbot.mouseClick(kiosk.next, CLICK)  # the rating is optional: Submit skips it
    qtbot.waitUntil(lambda: dialog.form_result.isVisible())
    ev = dialog.form_result.evaluation
    assert ev is not None and ev.score is not None and ev.below_min_score
    assert "Below the stage minimum of 80" in dialog.form_result.facts.text()
    assert kiosk.on_thanks()
    _nothing_stored(sqlite_workspace)
    # Done on the thank-you screen starts over for the next candidate.
    qtbot.mouseClick(kiosk.thanks.done, CLICK)
    assert not dialog.form_result.isVisible() and kiosk.pages.currentIndex() == 0
    dialog.close()


def test_resume_stage_reads_a_file_without_keeping_it(qtbot: Any, make_ctx: Any,
                                                      sqlite_workspace: Workspace,
                                                      tmp_path: Path) -> None:
    _iv, stage = make_form_interviewer(sqlite_workspace, stages=(StageKind.RESUME,))
    dialog = _dialog(qtbot, make_ctx, sqlite_workspace, stage)
    assert dialog.pages.currentIndex() == RESUME
    cv = tmp_path / "maria.txt"
    cv.write_text("Maria Lopez\nForklift Operator, Acme Warehouse — Jan 2019 – Present\n"
                  "Authorized to work in the US. Available for weekends.\n"
                  "Reported hazards and led safety walk-throughs.\n", encoding="utf-8")
    dialog.evaluate_file(str(cv))
    qtbot.waitUntil(lambda: dialog.resume_result.evaluation is not None)
    assert "maria.txt — TXT" in dialog.file_label.text()
    assert "Acme Warehouse" in dialog.resume_text.toPlainText()
    rows = _table(dialog.resume_result)
    assert rows["Are you authorized to work in the US?"][1] == "Pass"
    assert rows["Which shift suits you?"][1] == "Pass"
    _nothing_stored(sqlite_workspace)
    assert not [p for p in tmp_path.rglob("*") if p.name == "resumes"]  # no copy kept

    # A file it cannot read says why, and the previous result is cleared.
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    dialog.evaluate_file(str(empty))
    qtbot.waitUntil(lambda: dialog.resume_problem.isVisible())
    assert dialog.resume_problem.text() == "empty.pdf is empty."
    assert dialog.resume_result.evaluation is None and dialog.pick.isEnabled()


def test_a_stage_that_cannot_run_says_why(qtbot: Any, make_ctx: Any,
                                          sqlite_workspace: Workspace) -> None:
    _iv, stage = make_form_interviewer(sqlite_workspace, stages=(StageKind.SMS,), questions=())
    dialog = _dialog(qtbot, make_ctx, sqlite_workspace, stage)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == PROBLEMS)
    assert "has no questions to ask" in dialog.problems.text()

    gone = _dialog(qtbot, make_ctx, sqlite_workspace, 987_654)
    qtbot.waitUntil(lambda: gone.pages.currentIndex() == PROBLEMS)
    assert "This stage no longer exists." in gone.problems.text()


def test_every_form_question_kind_reaches_the_kiosk(qtbot: Any, make_ctx: Any,
                                                    sqlite_workspace: Workspace) -> None:
    _iv, stage = make_form_interviewer(sqlite_workspace, stages=(StageKind.FORM,))
    dialog = _dialog(qtbot, make_ctx, sqlite_workspace, stage)
    assert [p.question.kind for p in dialog.kiosk.questions] == [q["kind"]
                                                                 for q in FORM_QUESTIONS]
