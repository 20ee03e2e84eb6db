"""Read what a caller gave out of an execution context (simulated or fetched from Studio).

This is the hand-off to the evaluator: raw answers, where they were found, and the few
normalisations the flow itself defines (keypad 1/2 = yes/no, keypad n = the n-th choice).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from milo_desktop.enums import QuestionKind
from milo_desktop.services.flows import naming as n
from milo_desktop.services.flows.config import QuestionSpec, ReceptionistConfig, to_e164


class AnswerKey(StrEnum):
    NAME = "name"
    CALLBACK = "callback"
    LOCATION = "location"
    QUESTION = "question"
    RECORDING = "recording"
    CONFIRMATION = "confirmation"  # the caller's reply to the confirmation text


@dataclass(frozen=True)
class CapturedAnswer:
    """One thing the caller gave.

    ``text`` is the raw answer (speech, keypad digits, SMS body or recording URL; "" when the
    question went unanswered). ``value`` is a normalisation the flow defines: the E.164
    callback number (None when unparseable — ``text`` keeps the raw digits), "yes"/"no" for
    keypad 1/2, the chosen choice for a keypad digit, the recording SID.
    """

    key: AnswerKey
    text: str
    widget: str | None = None
    question_id: str | None = None
    speech: str | None = None
    digits: str | None = None
    confidence: float | None = None
    value: str | None = None
    duration_s: int | None = None

    @property
    def answered(self) -> bool:
        return bool(self.text)


def _text(value: Any) -> str | None:
    """A context value as text: strings as they are, numbers written out, anything else
    (objects, lists, booleans, NaN, absurd integers) None. Studio sends strings; a context
    from elsewhere may not."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if value.bit_length() < 1000 else None
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else None
    return None


def _number(value: Any) -> float | None:
    """A confidence ("0.91" or 0.91) as a finite float, else None."""
    text = _text(value)
    if text is None or len(text) > 40:
        return None
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _small_int(text: str | None, digits: int = 6) -> int | None:
    """``text`` of ASCII digits only (at most ``digits`` of them) as an int, else None."""
    if not text or not text.isascii() or not text.isdigit() or len(text) > digits:
        return None
    return int(text)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _widgets(context: Mapping[str, Any]) -> Mapping[str, Any]:
    # Accept both the Context resource body ({"context": {...}}) and the context itself.
    inner = context.get("context", context)
    widgets = inner.get("widgets") if isinstance(inner, Mapping) else None
    return widgets if isinstance(widgets, Mapping) else {}


def _first_answer(
    widgets: Mapping[str, Any], names: Sequence[str]
) -> tuple[str, Mapping[str, Any]] | None:
    """The first widget among ``names`` with a spoken, typed or texted answer."""
    for name in names:
        entry = widgets.get(name)
        if not isinstance(entry, Mapping):
            continue
        inbound = entry.get("inbound")
        if isinstance(inbound, Mapping) and _text(inbound.get("Body")):
            return name, entry
        if _text(entry.get("SpeechResult")) or _text(entry.get("Digits")):
            return name, entry
    return None


def _voice_answer(
    key: AnswerKey, widgets: Mapping[str, Any], names: Sequence[str], question_id: str | None = None
) -> CapturedAnswer:
    found = _first_answer(widgets, names)
    if found is None:
        return CapturedAnswer(key, "", question_id=question_id)
    name, entry = found
    inbound = entry.get("inbound")
    body = _text(inbound.get("Body")) if isinstance(inbound, Mapping) else None
    if body:
        return CapturedAnswer(key, body, name, question_id)
    speech = _text(entry.get("SpeechResult")) or None
    digits = _text(entry.get("Digits")) or None
    return CapturedAnswer(
        key,
        speech or digits or "",
        name,
        question_id,
        speech=speech,
        digits=digits,
        confidence=_number(entry.get("Confidence")) if speech else None,
    )


def _keypad_value(question: QuestionSpec, digits: str | None) -> str | None:
    choice = _small_int(digits, 2)
    if choice is None or digits is None:
        return None
    if question.kind == QuestionKind.YES_NO:
        return {"1": "yes", "2": "no"}.get(digits)
    if question.kind == QuestionKind.MULTIPLE_CHOICE and 1 <= choice <= len(question.choices):
        return question.choices[choice - 1]
    return None


def extract_question_answers(
    context: Mapping[str, Any], questions: Sequence[QuestionSpec]
) -> list[CapturedAnswer]:
    """Each question's answer (voice gathers or SMS replies), in question order."""
    widgets = _widgets(context)
    out = []
    for q in questions:
        answer = _voice_answer(AnswerKey.QUESTION, widgets, n.answer_widgets(q.id), q.id)
        # A texted "2" means the same as a pressed 2 (the SMS hint offers numbered choices).
        texted = answer.text.strip() if answer.speech is None and answer.digits is None else None
        value = _keypad_value(q, answer.digits or texted)
        out.append(answer if value is None else replace(answer, value=value))
    return out


def extract_answers(
    context: Mapping[str, Any], config: ReceptionistConfig, *, region: str = "US"
) -> list[CapturedAnswer]:
    """Everything a receptionist call captured: name, callback, location, each question,
    the recording and the reply to the confirmation text (unanswered items have text "").

    ``region`` reads a callback number typed without its country code.
    """
    widgets = _widgets(context)
    out = [_voice_answer(AnswerKey.NAME, widgets, (n.NAME, n.retry_widget(n.NAME)))]
    out.append(_callback(context, widgets, region))
    if config.collect_location:
        out.append(
            _voice_answer(AnswerKey.LOCATION, widgets, (n.LOCATION, n.retry_widget(n.LOCATION)))
        )
    out.extend(extract_question_answers(context, config.questions))
    recording = _mapping(widgets.get(n.VOICEMAIL))
    url = _text(recording.get("RecordingUrl"))
    if url:
        out.append(CapturedAnswer(
            AnswerKey.RECORDING, url, n.VOICEMAIL,
            value=_text(recording.get("RecordingSid")),
            duration_s=_small_int(_text(recording.get("RecordingDuration"))),
        ))
    else:
        out.append(CapturedAnswer(AnswerKey.RECORDING, ""))
    reply = widgets.get(n.CONFIRM_SMS)
    inbound = reply.get("inbound") if isinstance(reply, Mapping) else None
    body = (_text(inbound.get("Body")) or "") if isinstance(inbound, Mapping) else ""
    out.append(CapturedAnswer(AnswerKey.CONFIRMATION, body, n.CONFIRM_SMS if body else None))
    return out


def _callback(
    context: Mapping[str, Any], widgets: Mapping[str, Any], region: str
) -> CapturedAnswer:
    digits = _text(_mapping(widgets.get(n.CALLBACK)).get("Digits"))
    if digits:
        # Typed with the country code but no "+" ("4420…") reads as international.
        e164 = to_e164(digits, region) or to_e164("+" + digits)
        return CapturedAnswer(AnswerKey.CALLBACK, digits, n.CALLBACK, digits=digits, value=e164)
    caller_id = caller_id_of(context)
    return CapturedAnswer(AnswerKey.CALLBACK, caller_id, None, value=to_e164(caller_id, region))


def caller_id_of(context: Mapping[str, Any]) -> str:
    """The number the call came from as the provider sent it ("" when absent): the trigger's
    ``From``, else the contact's channel address."""
    inner = _mapping(context.get("context", context))
    call = _mapping(_mapping(inner.get("trigger")).get("call"))
    channel = _mapping(_mapping(inner.get("contact")).get("channel"))
    return _text(call.get("From")) or _text(channel.get("address")) or ""
