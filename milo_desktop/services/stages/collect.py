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
from milo_desktop.files import private_dir, write_private
from milo_desktop.services.call_evaluation.transcript import build_transcript
from milo_desktop.services.connectors import MalformedRecord, NotFoundAtProvider, Quarantine
from milo_desktop.services.connectors.twilio.connector import TwilioConnector, is_sid
from milo_desktop.services.connectors.twilio.records import (
    context_problem,
    parse_time,
    price_micros,
    text_of,
)
from milo_desktop.services.flows.answers import CapturedAnswer, extract_question_answers
from milo_desktop.services.flows.rating import rating_of_context
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
    # Records met on the way that could not be read (a call, a recording, a message): kept
    # aside with their reason; the run itself is stored.
    quarantined: tuple[Quarantine, ...] = ()
    rating: int | None = None  # the candidate's 1–5 rating of the screening (never scored)

    @property
    def answered(self) -> bool:
        return bool(self.answers)


def check_context(context: Any) -> Mapping[str, Any]:
    """The context itself (the Context resource body is accepted too); BadContext when it
    is not an object with ``widgets`` and ``flow`` objects, holds what no database stores
    (NUL, lone surrogates, NaN…), or a widget's answer is not text (``context_problem``)."""
    inner = context.get("context", context) if isinstance(context, Mapping) else context
    problem = context_problem(inner, ("widgets", "flow"))
    if problem is not None or not isinstance(inner, Mapping):
        raise BadContext(problem or "the execution context is not an object")
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
        if is_sid(sid, "CA"):
            found.setdefault(sid)
    return tuple(found)


def message_sids(context: Mapping[str, Any]) -> tuple[str, ...]:
    """Every text the execution sent or received (send-message / send-and-wait widgets)."""
    found: dict[str, None] = {}
    for entry in context["widgets"].values():
        for part, key in ((entry, "Sid"), (entry.get("outbound"), "Sid"),
                          (entry.get("inbound"), "MessageSid")):
            sid = part.get(key) if isinstance(part, Mapping) else None
            if is_sid(sid, "SM") or is_sid(sid, "MM"):
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
    quarantined: list[Quarantine] = []
    for sid in calls:
        # A call or recording deleted in the console since: its cost and audio are gone.
        with contextlib.suppress(NotFoundAtProvider):
            try:
                costs.append(record_cost(await twilio.fetch_call(sid), SpendKind.CALL,
                                         "start_time"))
            except MalformedRecord as exc:  # its cost is unknown; the answers still count
                quarantined.append(exc.quarantine)
            page = await twilio.call_recordings_page(sid)
            quarantined.extend(page.quarantined)
            recordings = list(page.records)
            costs.extend(record_cost(rec, SpendKind.RECORDING, "date_created")
                         for rec in recordings)
            longest = max(recordings, key=lambda r: _seconds(r.get("duration")), default=None)
            if longest is not None and recording is None and answers:
                recording = await download(twilio, data_dir, longest["sid"])
    for sid in message_sids(inner):
        try:
            price = await message_price(twilio, sid)
        except MalformedRecord as exc:
            quarantined.append(exc.quarantine)
            continue
        except NotFoundAtProvider:  # deleted: no cost to record
            continue
        costs.append(Cost(sid, SpendKind.SMS, price.micros, price.currency, price.sent_at))
    return CollectedRun(answers, transcript, recording, calls, tuple(costs), tuple(quarantined),
                        rating_of_context(inner))


def record_cost(record: Mapping[str, Any], kind: SpendKind, date_field: str) -> Cost:
    """A call's or recording's cost from its record (checked by the connector, so its price
    and dates read; ``ValueError`` otherwise)."""
    return Cost(str(record["sid"]), kind, price_micros(record.get("price")),
                text_of(record, "price_unit") or "USD", parse_time(record.get(date_field)))


def _seconds(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return 0


async def download(twilio: TwilioConnector, data_dir: Path, recording_sid: str) -> str:
    """The recording's audio under ``<data dir>/recordings`` (where the receptionist's go)."""
    target = data_dir / "recordings" / f"{recording_sid}.wav"
    if not target.exists():
        audio = await twilio.download_recording(recording_sid)
        private_dir(target.parent)
        partial = target.with_suffix(".part")
        write_private(partial, audio)  # 0600: a candidate's voice
        partial.replace(target)  # atomic: a crash never leaves half a file under the name
    return str(target)
