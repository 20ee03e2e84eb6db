"""The job-description planner on real-looking job descriptions: title, closest template,
requirements turned into structured questions, and clear messages for unusable text."""

from __future__ import annotations

import pytest

from milo_desktop.enums import QuestionKind, StageKind
from milo_desktop.errors import ValidationProblem
from milo_desktop.services.authoring import AuthoringService, InterviewerDraft, QuestionDraft
from milo_desktop.services.authoring.planner import find_title
from milo_desktop.services.authoring.requirements import find_requirements
from milo_desktop.services.workspace import Workspace

FORKLIFT_JD = """Forklift Operator - 2nd Shift
Northwind Logistics is hiring a Forklift Operator for our Dallas distribution center.

What you'll do:
- Load and unload trailers using sit-down and stand-up reach trucks
- Put away and replenish pallets accurately using an RF scanner

Requirements:
- 2+ years of warehouse forklift experience required
- Current forklift certification required (we can re-certify on site)
- Must be able to lift up to 50 lbs repeatedly
- Must be at least 18 years of age
- Availability to work weekends and overtime as needed
- Must pass a background check and drug screen
- High school diploma or GED preferred

Pay: $21/hour, weekly pay, benefits after 60 days.
"""

CNA_JD = """Job Title: Certified Nursing Assistant (CNA) - Nights
Sunrise Living, a 120-bed skilled nursing community, is looking for a compassionate CNA to
join our night team. You will help residents with ADLs, take vitals and chart care.

Qualifications: Active CNA certification in Texas is required. At least 1 year of long-term
care experience preferred. Current CPR/BLS card required. Every other weekend. Must pass a
background check. Bilingual English/Spanish a plus.
"""

SUPPORT_JD = """We're hiring Customer Support Representatives to answer inbound calls and
chat for an online retailer. You will resolve order and billing questions in Zendesk.
Typing 40 WPM. 6 months of call center experience. Work from home with a quiet space.
Must be authorized to work in the US.
"""


@pytest.fixture
def svc(sqlite_workspace: Workspace) -> AuthoringService:
    return sqlite_workspace.authoring


def questions(draft: InterviewerDraft) -> list[QuestionDraft]:
    return [q for s in draft.stages for q in s.questions]


def by_prompt(draft: InterviewerDraft, start: str) -> QuestionDraft:
    return next(q for q in questions(draft) if q.prompt.startswith(start))


def test_a_forklift_job_description_becomes_a_forklift_screening(svc: AuthoringService) -> None:
    draft = svc.draft_from_description(FORKLIFT_JD)
    assert draft.template_key == "forklift-operator"
    assert draft.position_title == draft.name == "Forklift Operator - 2nd Shift"
    assert draft.slug == "forklift-operator-2nd-shift"
    assert draft.job_description.startswith("Forklift Operator - 2nd Shift")
    assert draft.workflow() == "Résumé → Voice"
    # "2+ years … required" tunes the template's own experience question.
    years = by_prompt(draft, "How many years of warehouse forklift experience")
    assert (years.kind, years.min_value, years.unit, years.dealbreaker) == (
        QuestionKind.MIN_AMOUNT, 2.0, "years", True)
    assert sum(q.requirement == "experience_years" and q.kind == QuestionKind.MIN_AMOUNT
               for q in questions(draft)) == 1
    cert = [q for q in questions(draft) if q.prompt == "Do you have a current forklift "
                                                         "certification?"]
    assert len(cert) == 1 and cert[0].dealbreaker
    lift = by_prompt(draft, "Can you lift up to 50 lb")
    assert lift.kind == QuestionKind.YES_NO and lift.expected_yes and lift.dealbreaker
    assert by_prompt(draft, "Are you at least 18 years of age").dealbreaker
    assert not by_prompt(draft, "Are you available to work weekends").dealbreaker
    assert not by_prompt(draft, "Do you have a high school diploma or GED").dealbreaker  # preferred
    assert by_prompt(draft, "Are you willing to complete a background check").dealbreaker
    assert by_prompt(draft, "Are you able to work overtime")
    # Found questions go into the Voice stage, before its open (scored) questions.
    voice = draft.stages[1]
    assert voice.kind == StageKind.VOICE
    kinds = [q.kind for q in voice.questions]
    first_scored = kinds.index(QuestionKind.SCORED)
    assert lift in voice.questions[:first_scored]
    # Transparent: every finding is explained.
    notes = "\n".join(draft.plan_notes)
    assert "“Forklift Operator” template" in notes
    assert "Found “2+ years of warehouse forklift experience”" in notes
    assert "Found “lift up to 50 lbs” → asks “Can you lift up to 50 lb" in notes
    assert draft.deadline is not None


def test_a_cna_description_finds_licences_and_schedule(svc: AuthoringService) -> None:
    draft = svc.draft_from_description(CNA_JD)
    assert draft.template_key == "cna"
    assert draft.position_title == "Certified Nursing Assistant (CNA) - Nights"
    cna = [q for q in questions(draft) if q.requirement == "cna_licence"
           and q.kind == QuestionKind.YES_NO]
    assert any(q.dealbreaker for q in cna)
    years = next(q for q in questions(draft) if q.kind == QuestionKind.MIN_AMOUNT)
    assert (years.min_value, years.unit, years.dealbreaker) == (1.0, "years", False)
    assert "long-term care" in years.prompt
    assert by_prompt(draft, "Do you have a current BLS / CPR").dealbreaker
    assert by_prompt(draft, "Are you available to work weekends")
    assert by_prompt(draft, "Do you speak Spanish fluently")
    assert not by_prompt(draft, "Do you speak Spanish fluently").dealbreaker  # "a plus"


def test_a_description_without_a_title_line(svc: AuthoringService) -> None:
    draft = svc.draft_from_description(SUPPORT_JD)
    assert draft.template_key == "customer-support"
    assert draft.position_title == "Customer Support Representatives"
    typing = by_prompt(draft, "How many words per minute")
    assert (typing.min_value, typing.unit) == (40.0, "words per minute")
    months = next(q for q in questions(draft) if q.kind == QuestionKind.MIN_AMOUNT
                  and q.unit == "months")
    assert months.min_value == 6.0 and "call center" in months.prompt
    assert by_prompt(draft, "Are you legally authorized").dealbreaker


def test_no_matching_template_falls_back_to_the_general_one(svc: AuthoringService) -> None:
    draft = svc.draft_from_description(
        "Lighthouse keeper\nKeep the lamp lit on a remote island. Boat licence holders "
        "welcome. Weekends required.")
    assert draft.template_key == "general-hourly"
    assert draft.position_title == "Lighthouse keeper"
    assert by_prompt(draft, "Are you available to work weekends").dealbreaker
    assert "No role template matched closely" in draft.plan_notes[0]


@pytest.mark.parametrize(("text", "message"), [
    ("", "Paste a job description first"),
    ("   \n ", "Paste a job description first"),
    ("Forklift driver needed", "too short to plan from"),
    ("word " * 5000, "paste at most 20,000"),
])
def test_unusable_text_gets_a_clear_message(svc: AuthoringService, text: str,
                                            message: str) -> None:
    with pytest.raises(ValidationProblem, match=message):
        svc.draft_from_description(text)


@pytest.mark.parametrize(("text", "title"), [
    ("Position: Line Cook\nWe need a cook.", "Line Cook"),
    ("Security Officer | Acme Corp\nGuard our site.", "Security Officer"),
    ("Acme is seeking a reliable Delivery Driver to run routes. It pays well.",
     "Delivery Driver"),
    ("This is a long first sentence about our company and its history of excellence.\n"
     "More text.", None),
])
def test_titles(text: str, title: str | None) -> None:
    assert find_title(text)[0] == title


def test_requirement_rules_one_sentence_each() -> None:
    found = {f.key: f for f in find_requirements(
        "Must have a valid driver's license. CDL-A preferred. 3-5 years of delivery "
        "experience. Night shifts. Travel up to 20% of the time. OSHA 10 required.")}
    assert found["drivers_licence"].question.dealbreaker
    assert found["cdl"].question.prompt == "Do you hold a valid CDL class A?"
    assert not found["cdl"].question.dealbreaker
    assert found["experience_years"].question.min_value == 3.0
    assert found["nights"].question.prompt == "Can you work night shifts?"
    assert "20%" in found["travel"].question.prompt
    assert found["osha"].question.dealbreaker
