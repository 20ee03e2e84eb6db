"""What a completed interview is likely to cost, and how many a budget pays for.

An estimate shown while authoring; real spend is what Twilio reports afterwards (services/spend).
Prices are Twilio's US list prices (twilio.com/en-us/voice/pricing/us and …/sms/pricing/us,
2024): an outbound call to a US number $0.0140/min, call recording $0.0025/min, an SMS
segment $0.0083 plus about $0.0030 of carrier (10DLC) fees — inbound replies cost the same.

How long things take is an assumption, stated here so it can be argued with:

* **Voice**: 1 minute of greeting, disclosures and goodbye; 2 minutes per scored question (an
  open answer), 0.5 per structured one (yes / a number / a choice), 1 per follow-up.
* **SMS**: the opening and closing texts, then per question its prompt (GSM-7: 160 characters
  a segment, 153 when split; 70 / 67 with characters outside GSM-7) and a reply of 1 segment
  (structured) or 2 (scored); 2 segments per follow-up exchange.
* **Form** (the front-desk kiosk) and **Résumé** (parsed on this computer) cost nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from milo_desktop.enums import BudgetKind, QuestionKind, StageKind
from milo_desktop.services.authoring.draft import InterviewerDraft, QuestionDraft, StageDraft

VOICE_CENTS_PER_MINUTE = 1.40
RECORDING_CENTS_PER_MINUTE = 0.25
SMS_CENTS_PER_SEGMENT = 0.83 + 0.30
VOICE_FIXED_MINUTES = 1.0
VOICE_MINUTES_SCORED = 2.0
VOICE_MINUTES_STRUCTURED = 0.5
VOICE_MINUTES_FOLLOW_UP = 1.0
SMS_FIXED_SEGMENTS = 3  # "Hi, this is the screening for …" (2) + the closing thank-you (1)
SMS_REPLY_SEGMENTS = {True: 1, False: 2}  # structured reply, scored reply
SMS_FOLLOW_UP_SEGMENTS = 2
_GSM7 = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNO"
            "PQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€")


@dataclass(frozen=True)
class StageCost:
    name: str
    kind: StageKind
    cents: float
    basis: str  # "≈ 8.5 min of call" / "≈ 14 SMS segments" / "no telephony"


@dataclass(frozen=True)
class CostEstimate:
    """``per_completed_interview_cents`` rounds up (it is what interviewers.est_cost… stores);
    ``capacity`` is completed interviews the budget pays for — per day for a daily budget —
    or None when there is no budget or nothing costs money."""

    per_completed_interview_cents: int
    capacity: int | None
    stages: tuple[StageCost, ...]
    exact_cents: float


def sms_segments(text: str) -> int:
    """Segments Twilio bills for one message of ``text``."""
    if not text:
        return 1
    gsm = all(c in _GSM7 for c in text)
    single, multi = (160, 153) if gsm else (70, 67)
    return 1 if len(text) <= single else math.ceil(len(text) / multi)


def _voice_minutes(questions: Iterable[QuestionDraft]) -> float:
    minutes = VOICE_FIXED_MINUTES
    for q in questions:
        minutes += VOICE_MINUTES_SCORED if q.kind == QuestionKind.SCORED \
            else VOICE_MINUTES_STRUCTURED
        minutes += VOICE_MINUTES_FOLLOW_UP * len([f for f in q.follow_ups if f.strip()])
    return minutes


def _sms_count(questions: Iterable[QuestionDraft]) -> int:
    segments = SMS_FIXED_SEGMENTS
    for q in questions:
        segments += sms_segments(q.prompt.strip())
        segments += SMS_REPLY_SEGMENTS[q.kind != QuestionKind.SCORED]
        segments += SMS_FOLLOW_UP_SEGMENTS * len([f for f in q.follow_ups if f.strip()])
    return segments


def stage_cost(stage: StageDraft) -> StageCost:
    if stage.kind == StageKind.VOICE:
        minutes = _voice_minutes(stage.questions)
        cents = minutes * (VOICE_CENTS_PER_MINUTE + RECORDING_CENTS_PER_MINUTE)
        return StageCost(stage.name, stage.kind, cents, f"≈ {minutes:g} min of call")
    if stage.kind == StageKind.SMS:
        segments = _sms_count(stage.questions)
        return StageCost(stage.name, stage.kind, segments * SMS_CENTS_PER_SEGMENT,
                         f"≈ {segments} SMS segments")
    return StageCost(stage.name, stage.kind, 0.0, "no telephony")


def estimate(draft: InterviewerDraft) -> CostEstimate:
    stages = tuple(stage_cost(s) for s in draft.stages)
    total = sum(s.cents for s in stages)
    capacity = None
    if draft.budget_kind != BudgetKind.NONE and draft.budget_cents and total > 0:
        capacity = math.floor(draft.budget_cents / total)
    return CostEstimate(math.ceil(round(total, 6)), capacity, stages, total)
