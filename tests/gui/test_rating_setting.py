"""The wizard's "End with an optional 1–5 rating" setting, per stage, on by default: shown for
Voice, SMS and Form stages only, and saved so the stage's flow asks (or doesn't ask) it."""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtCore import Qt

from milo_desktop.enums import StageKind
from milo_desktop.models import Stage
from milo_desktop.services.stages.compiler import RATING, compile_stage
from milo_desktop.services.stages.config import load_stage
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.authoring import AuthoringWizard


def test_the_rating_is_on_by_default_and_turned_off_per_stage(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    wizard = AuthoringWizard(make_ctx(sqlite_workspace))
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitUntil(wizard.is_loaded)
    plan = wizard.plan
    qtbot.keyClicks(plan.search, "forklift")
    plan.cards.setCurrentRow(next(i for i in range(plan.cards.count())
                                  if not plan.cards.item(i).isHidden()))
    qtbot.mouseClick(plan.use_template, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(wizard.draft.stages) == 2 and wizard.is_loaded())
    draft = wizard.draft
    wizard.stages.add_stage(StageKind.SMS)  # step 3, as the Add button does
    draft.stages[-1].questions = list(draft.stages[1].questions[:1])
    qs = wizard.questions
    qs.load(draft)

    kinds = [s.kind for s in draft.stages]
    assert kinds == [StageKind.RESUME, StageKind.VOICE, StageKind.SMS]
    qs.stage_tabs.setCurrentIndex(0)
    assert qs.rating_on.isHidden()  # a résumé is not a conversation: nothing to rate
    qs.stage_tabs.setCurrentIndex(1)
    assert not qs.rating_on.isHidden() and qs.rating_on.isChecked()  # on by default
    qs.stage_tabs.setCurrentIndex(2)
    assert qs.rating_on.isChecked()
    qtbot.mouseClick(qs.rating_on, Qt.MouseButton.LeftButton)  # off for the SMS stage only
    assert draft.stages[2].settings == {"ask_rating": False}
    qs.stage_tabs.setCurrentIndex(1)
    assert qs.rating_on.isChecked()  # each stage keeps its own
    qs.stage_tabs.setCurrentIndex(2)
    assert not qs.rating_on.isChecked()

    assert wizard.draft is draft
    draft.slug = "forklift-rating"
    draft.phone_number = "+12145550100"
    task = asyncio.ensure_future(sqlite_workspace.authoring.create(draft))
    qtbot.waitUntil(task.done, timeout=10_000)
    interviewer_id = task.result()

    def flows(s: Any) -> dict[StageKind, bool]:
        out = {}
        for st in s.query(Stage).filter(Stage.interviewer_id == interviewer_id).all():
            config = load_stage(s, st.id)
            if config is not None and st.kind != StageKind.RESUME:
                assert config.ask_rating == any(w["name"] == RATING
                                                for w in compile_stage(config)["states"])
                out[st.kind] = config.ask_rating
        return out

    assert sqlite_workspace.db.run_sync(flows) == {StageKind.VOICE: True, StageKind.SMS: False}
    wizard.close()
