"""The product's rules on a receptionist draft beyond the flow's own: a name, one dedicated
E.164 number never shared with another receptionist or an SMS screening, sane routing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.enums import InterviewerStatus, StageKind
from milo_desktop.models import Interviewer, Receptionist, ReceptionistInterviewer, Stage
from milo_desktop.services.accepting import refusal
from milo_desktop.services.flows import to_e164
from milo_desktop.services.receptionists.types import NAME_MAX, ReceptionistDraft


def normalise_number(raw: str, region: str = "US") -> str | None:
    """``raw`` as E.164 ("(214) 555-0197" → "+12145550197"), or None when it is no number."""
    raw = raw.strip()
    return to_e164(raw, region) if raw else None


def static_problems(draft: ReceptionistDraft) -> list[str]:
    """Problems that need no database: the flow's limits, the name, the number's format and
    the routing choice. The wizard runs these inline; the service runs them again."""
    out: list[str] = []
    name = draft.name.strip()
    if not 1 <= len(name) <= NAME_MAX:
        out.append(f"Give the receptionist a name of 1–{NAME_MAX} characters.")
    if not draft.phone_number.strip():
        out.append("Choose the phone number callers will dial.")
    elif normalise_number(draft.phone_number) is None:
        out.append(
            f"“{draft.phone_number.strip()}” is not a valid phone number. Write it in "
            "international format, e.g. +12145550197."
        )
    if not draft.config.manual_approval and draft.default_interviewer_id is None:
        out.append("Choose the default interviewer that callers who pass are invited to, "
                   "or turn on manual approval.")
    out.extend(draft.config.validate())
    return out


def _numbers_in(settings: Mapping[str, Any] | None) -> Iterable[str]:
    # Stage settings are free-form JSON; the SMS/voice number sits under a key naming a number.
    for key, value in (settings or {}).items():
        if isinstance(value, str) and ("number" in key or key in ("from", "from_e164")):
            yield value


def number_conflict(s: Session, e164: str, exclude_id: int | None = None) -> str | None:
    """What already answers on ``e164`` (a sentence), or None when the number is free."""
    other = s.execute(select(Receptionist.id, Receptionist.name)
                      .where(Receptionist.phone_number == e164)).first()
    if other is not None and other.id != exclude_id:
        return (f"{e164} already belongs to the receptionist “{other.name}”. "
                "Each receptionist needs its own number.")
    screening = s.execute(
        select(Interviewer.name, Interviewer.phone_number)
        .where(Interviewer.phone_number.is_not(None),
               Interviewer.status != InterviewerStatus.ARCHIVED)
    ).all()
    for name, number in screening:
        if number == e164 or normalise_number(number) == e164:
            return (f"{e164} is the SMS screening number of the interviewer “{name}”. "
                    "A receptionist needs a number no screening uses.")
    stages = s.execute(
        select(Interviewer.name, Stage.settings).join(Interviewer, Stage.interviewer_id ==
                                                      Interviewer.id)
        .where(Stage.kind.in_((StageKind.SMS, StageKind.VOICE)))
    ).all()
    for name, settings in stages:
        if any(n == e164 or normalise_number(n) == e164 for n in _numbers_in(settings)):
            return (f"{e164} is used by a screening stage of the interviewer “{name}”. "
                    "A receptionist needs a number no screening uses.")
    return None


def routing_problems(s: Session, draft: ReceptionistDraft, exclude_id: int | None = None,
                     now: dt.datetime | None = None) -> list[str]:
    """Every routing target exists and accepts candidates (``services/accepting.py``); a
    route the receptionist ``exclude_id`` already has is kept even when its interviewer has
    since closed (the wizard shows it as such)."""
    ids = set(draft.interviewer_ids)
    if draft.default_interviewer_id is not None:
        ids.add(draft.default_interviewer_id)
    if not ids:
        return []
    now = now or dt.datetime.now(dt.UTC)
    found = {iid: (name, status, deadline) for iid, name, status, deadline in s.execute(
        select(Interviewer.id, Interviewer.name, Interviewer.status, Interviewer.deadline)
        .where(Interviewer.id.in_(ids)))}
    if ids - set(found):
        return ["An interviewer chosen for routing no longer exists; choose again."]
    kept: set[int] = set()
    if exclude_id is not None:
        kept = set(s.scalars(select(ReceptionistInterviewer.interviewer_id)
                             .where(ReceptionistInterviewer.receptionist_id == exclude_id)))
        kept |= set(s.scalars(select(Receptionist.default_interviewer_id)
                              .where(Receptionist.id == exclude_id)
                              .where(Receptionist.default_interviewer_id.is_not(None))))
    out = []
    for iid in sorted(ids - kept, key=lambda i: found[i][0]):
        why = refusal(*found[iid], now)
        if why:
            out.append(why)
    return out
