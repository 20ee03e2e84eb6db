"""Reading one finished stage execution back: its context → the candidate's answers, the
transcript, the call's recording (downloaded) and what the calls and texts cost.

All network work, no database: ``collect`` returns a plain ``CollectedRun`` (or raises
``BadContext`` for a context the app cannot read, which the sync quarantines).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from milo_desktop.enums import SpendKind
from milo_desktop.services.call_evaluation.transcript import build_transcript
from milo_desktop.services.connectors import NotFoundAtProvider
from milo_desktop.services.connectors.twilio.connector import TwilioConnector
from milo_desktop.services.connectors.twilio.records import parse_time, price_micros
from milo_desktop.services.flows.answers import CapturedAnswer, extract_question_answers
from milo_desktop.services.scoring import QuestionSpec
from milo_desktop.services.stages.compiler import CALL
from milo_desktop.services.stages.studio import message_price

log = logging.getLogger(__name__)
Answers = dict[str, tuple[str, str | None]]


class BadContext(ValueError):
    """The execution context is not shaped like a Studio context: quarantined with this."""


@dataclass(frozen=True)
class Cost:
    sid: str
    kind: SpendKind
    micros: int | None  # None: not priced yet (the Twilio sync fills it in later)
    currency: str
    occurred_at: dt.datetime | None


@dataclass(frozen=True)
class CollectedRun:
    """What one ended execution told us."""

    answers: Answers  # question id → (text, keypad digits); answered questions only
    transcript: str
    recording_path: str | None
    call_sids: tuple[str, ...]
    costs: tuple[Cost, ...]

    @property
    def answered(self) -> bool:
        return bool(self.answers)


def check_context(context: Any) -> Mapping[str, Any]:
    """The context itself (the Context resource body is accepted too); BadContext when it
    is not an object with ``widgets`` and ``flow`` objects."""
    inner = context.get("context", context) if isinstance(context, Mapping) else None
    if not isinstance(inner, Mapping):
        raise BadContext(f"the execution context is a {type(context).__name__}, not an object")
    for key in ("widgets", "flow"):
        if not isinstance(inner.get(key), Mapping):
            raise BadContext(f"the execution context has no {key!r} object")
    for name, entry in inner["widgets"].items():
        if not isinstance(entry, Mapping):
            raise BadContext(f"widget {name!r} in the execution context is not an object")
    return inner


def answers_of(context: Mapping[str, Any], questions: Sequence[QuestionSpec]) -> Answers:
    """The answered questions, keyed as the scoring spec keys them (the question's id)."""
    return {a.question_id: (a.text, _digits(a))
            for a in extract_question_answers(context, questions)
            if a.answered and a.question_id}


def _digits(answer: CapturedAnswer) -> str | None:
    if answer.digits:
        return answer.digits
    # A texted "1" reads like a pressed 1 (extract_question_answers normalised it).
    texted = answer.text.strip()
    return texted if answer.value is not None and answer.speech is None and texted.isdigit() \
        else None


def call_sids(context: Mapping[str, Any]) -> tuple[str, ...]:
    """Every call the execution made (the outbound call; gathers name it too)."""
    found: dict[str, None] = {}
    widgets = context["widgets"]
    first = widgets.get(CALL, {}).get("CallSid")
    for sid in (first, *(w.get("CallSid") for w in widgets.values())):
        if isinstance(sid, str) and sid.startswith("CA"):
            found.setdefault(sid)
    return tuple(found)


def message_sids(context: Mapping[str, Any]) -> tuple[str, ...]:
    """Every text the execution sent or received (send-message / send-and-wait widgets)."""
    found: dict[str, None] = {}
    for entry in context["widgets"].values():
        for part, key in ((entry, "Sid"), (entry.get("outbound"), "Sid"),
                          (entry.get("inbound"), "MessageSid")):
            sid = part.get(key) if isinstance(part, Mapping) else None
            if isinstance(sid, str) and sid[:2] in ("SM", "MM"):
                found.setdefault(sid)
    return tuple(found)


async def collect(twilio: TwilioConnector, data_dir: Path, context: Any,
                  definition: Mapping[str, Any], questions: Sequence[QuestionSpec]) -> CollectedRun:
    """Answers, transcript, recording and costs of one ended execution."""
    inner = check_context(context)
    answers = answers_of(inner, questions)
    try:
        transcript = build_transcript(definition, inner)
    except Exception:  # a transcript is a courtesy; never lose the answers over it
        log.exception("building a stage transcript failed")
        transcript = ""
    costs: list[Cost] = []
    recording: str | None = None
    calls = call_sids(inner)
    for sid in calls:
        # A call or recording deleted in the console since: its cost and audio are gone.
        with contextlib.suppress(NotFoundAtProvider):
            call = await twilio.fetch_call(sid)
            if call:
                costs.append(Cost(sid, SpendKind.CALL, price_micros(call.get("price")),
                                  call.get("price_unit") or "USD",
                                  parse_time(call.get("start_time"))))
            recordings = await twilio.call_recordings(sid)
            for rec in recordings:
                costs.append(Cost(rec["sid"], SpendKind.RECORDING, price_micros(rec.get("price")),
                                  rec.get("price_unit") or "USD",
                                  parse_time(rec.get("date_created"))))
            longest = max(recordings, key=lambda r: _seconds(r.get("duration")), default=None)
            if longest is not None and recording is None and answers:
                recording = await download(twilio, data_dir, longest["sid"])
    for sid in message_sids(inner):
        try:
            price = await message_price(twilio, sid)
        except (ValueError, NotFoundAtProvider):  # unreadable or deleted: no cost to record
            continue
        costs.append(Cost(sid, SpendKind.SMS, price.micros, price.currency, price.sent_at))
    return CollectedRun(answers, transcript, recording, calls, tuple(costs))


def _seconds(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


async def download(twilio: TwilioConnector, data_dir: Path, recording_sid: str) -> str:
    """The recording's audio under ``<data dir>/recordings`` (where the receptionist's go)."""
    target = data_dir / "recordings" / f"{recording_sid}.wav"
    if not target.exists():
        audio = await twilio.download_recording(recording_sid)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        partial.write_bytes(audio)
        partial.replace(target)  # atomic: a crash never leaves half a file under the name
    return str(target)
