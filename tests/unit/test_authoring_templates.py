"""The bundled role templates: the shape check on every file, the wizard's validation on every
draft, realistic content (rubrics, dealbreakers, structured kinds), the question library, and
where resources are found."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from milo_desktop import paths
from milo_desktop.enums import QuestionKind, StageKind
from milo_desktop.services.authoring.templates import (
    TemplateError,
    build_library,
    check_template,
    load_templates,
)
from milo_desktop.services.authoring.validation import static_problems

TEMPLATE_DIR = paths.resources_dir() / "templates"
FILES = sorted(TEMPLATE_DIR.glob("*.json"))
NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
ROLES = {
    "customer-support", "warehouse-associate", "forklift-operator", "cna", "registered-nurse",
    "retail-associate", "delivery-driver", "line-cook", "sales-development-rep",
    "account-executive", "security-officer", "receptionist",
}


def test_the_twelve_high_volume_roles_are_there() -> None:
    keys = {t.key for t in load_templates()}
    assert keys >= ROLES
    assert len(keys) >= 12


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_template_file_has_the_documented_shape(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert check_template(data, path.stem) == []


@pytest.mark.parametrize("key", sorted(ROLES))
def test_every_template_makes_a_valid_draft_with_real_questions(key: str) -> None:
    template = next(t for t in load_templates() if t.key == key)
    draft = template.draft()
    draft.slug, draft.deadline = key, NOW + dt.timedelta(days=30)
    assert static_problems(draft, NOW) == []
    assert 1 <= len(draft.stages) <= 3
    assert len(draft.position_title) <= 80 and template.description
    questions = [q for s in draft.stages for q in s.questions]
    kinds = {q.kind for q in questions}
    assert QuestionKind.SCORED in kinds and kinds & {QuestionKind.YES_NO, QuestionKind.MIN_AMOUNT,
                                                     QuestionKind.MULTIPLE_CHOICE}
    for q in questions:
        if q.kind == QuestionKind.SCORED:
            assert q.rubric_low and q.rubric_high and 0.5 <= q.weight <= 3
            assert not q.dealbreaker
        assert q.topic
    assert any(q.dealbreaker for q in questions), "every role has at least one knock-out"
    for stage in draft.stages:
        if stage.kind == StageKind.RESUME:  # requirements the résumé scorer reads
            assert {q.kind for q in stage.questions} <= {QuestionKind.SCORED,
                                                         QuestionKind.YES_NO}


def test_templates_carry_each_structured_kind_and_follow_ups() -> None:
    questions = [q for t in load_templates() for s in t.draft().stages for q in s.questions]
    kinds = {q.kind for q in questions}
    assert kinds == set(QuestionKind)
    amounts = {(q.min_value, q.unit) for q in questions if q.kind == QuestionKind.MIN_AMOUNT}
    assert (1.0, "years") in amounts and (6.0, "months") in amounts
    assert sum(bool(q.follow_ups) for q in questions) >= 8
    for q in questions:
        if q.kind == QuestionKind.MULTIPLE_CHOICE:
            assert len(q.choices) >= 2 and set(q.accepted_choices) <= set(q.choices)
            assert q.accepted_choices


def test_sensible_dealbreakers() -> None:
    by_key = {t.key: t.draft() for t in load_templates()}

    def dealbreakers(key: str) -> list[str]:
        return [q.prompt for s in by_key[key].stages for q in s.questions if q.dealbreaker]

    assert "Do you have a current forklift certification?" in dealbreakers("forklift-operator")
    assert "Do you have a valid driver's license?" in dealbreakers("delivery-driver")
    assert any("CNA certification" in p for p in dealbreakers("cna"))
    assert any("RN licence" in p for p in dealbreakers("registered-nurse"))
    assert any("guard card" in p for p in dealbreakers("security-officer"))
    dui = next(q for s in by_key["delivery-driver"].stages for q in s.questions
               if q.prompt.startswith("Any DUI"))
    assert dui.expected_yes is False and dui.dealbreaker
    assert [s.kind for s in by_key["forklift-operator"].stages] == [StageKind.RESUME,
                                                                     StageKind.VOICE]
    assert by_key["forklift-operator"].workflow() == "Résumé → Voice"


def test_each_draft_gets_its_own_objects() -> None:
    template = load_templates()[0]
    a, b = template.draft(), template.draft()
    a.stages[0].questions[0].prompt = "changed"
    assert b.stages[0].questions[0].prompt != "changed"


def _minimal() -> dict[str, Any]:
    return {"key": "x-role", "title": "X", "position_title": "X", "description": "d",
            "keywords": ["x"], "stages": [{"kind": "voice", "questions": [
                {"kind": "yes_no", "prompt": "Ok?", "expected_yes": True, "topic": "T"}]}]}


@pytest.mark.parametrize(("change", "expected"), [
    (lambda d: d.update(key="other"), "must equal the file name"),
    (lambda d: d.pop("keywords"), "fields must be exactly"),
    (lambda d: d.update(stages=[]), "1–3 stages"),
    (lambda d: d["stages"][0].update(kind="video"), "kind must be one of"),
    (lambda d: d["stages"][0]["questions"][0].update(kind="essay"), "unknown kind"),
    (lambda d: d["stages"][0]["questions"][0].pop("expected_yes"), "missing ['expected_yes']"),
    (lambda d: d["stages"][0]["questions"][0].update(expected_yes="yes"), "wrong type"),
    (lambda d: d["stages"][0]["questions"][0].update(colour="red"), "unknown fields"),
    (lambda d: d["stages"][0]["questions"].__setitem__(0, {
        "kind": "scored", "prompt": "p", "rubric_low": "a", "rubric_high": "b", "weight": 1,
        "topic": "T", "dealbreaker": True}), "can't be a dealbreaker"),
])
def test_the_shape_check_names_what_is_wrong(change: Any, expected: str) -> None:
    assert check_template(_minimal(), "x-role") == []
    data = _minimal()
    change(data)
    problems = check_template(data, "x-role")
    assert any(expected in p for p in problems), problems


def test_a_malformed_bundled_template_is_a_build_error(tmp_path: Path) -> None:
    (tmp_path / "x-role.json").write_text(json.dumps(_minimal()), encoding="utf-8")
    assert [t.key for t in load_templates(tmp_path)] == ["x-role"]
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"broken\.json"):
        load_templates(tmp_path)


def test_question_library_is_deduplicated_and_grouped_by_topic() -> None:
    templates = load_templates()
    groups = build_library(templates)
    topics = [g.topic for g in groups]
    assert topics == sorted(topics, key=str.casefold)
    assert {"Experience", "Licences & certifications", "Availability", "Safety"} <= set(topics)
    prompts = [q.prompt for g in groups for q in g.questions]
    assert len(prompts) == len(set(prompts))
    # "Are you at least 18 years of age?" is in several templates, once in the library.
    assert prompts.count("Are you at least 18 years of age?") == 1
    total = sum(len(s["questions"]) for t in templates for s in t.stages)
    assert len(prompts) < total
    assert all(q.id is None for g in groups for q in g.questions)


def test_resources_dir_checkout_frozen_and_override(monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:
    assert (paths.resources_dir() / "templates" / "forklift-operator.json").is_file()
    assert (paths.resources_dir() / "icons" / "milo.svg").is_file()
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.resources_dir() == tmp_path / "resources"
    monkeypatch.setenv(paths.ENV_VAR, str(tmp_path / "mine"))
    assert paths.resources_dir() == tmp_path / "mine"
