"""Compile a Voice, SMS or Form (SMS form) stage into a Studio flow for OUTBOUND executions.

One execution per invited candidate, started through the Executions API (To = the candidate,
From = the stage's number; Parameters ``greeting``, ``application_id``, ``stage_id``).

Voice::

    Trigger (incomingRequest) -> call (make-outgoing-call-v2, recorded when disclosed)
    -> check_machine -> [machine_message] | greeting -> q_<id> (q_<id>_again) ... -> [rating]
    -> closing

SMS and SMS form::

    Trigger (incomingRequest) -> intro -> q_<id> --timeout--> q_<id>_again (a reminder)
    --timeout--> gave_up;  ... -> [rating --timeout--> end] -> closing
    (incomingMessage: text_in, a pointer)

``rating`` is the optional closing 1–5 question (on unless ``ask_rating`` is off; never
scored, read back by ``flows.rating.rating_of_context``).

Answers land where the receptionist's do (``widgets.q_<id>`` / ``q_<id>_again``: SpeechResult
and Digits on a call, ``inbound.Body`` by text), so ``flows.extract_question_answers`` and the
transcript builder read both. Every text from the recruiter goes through ``liquid.escape``.
"""

from __future__ import annotations

from typing import Any

from milo_desktop.enums import StageKind
from milo_desktop.services.entry.after_settings import INFO_HINTS, INFO_WORDS
from milo_desktop.services.flows import naming as n
from milo_desktop.services.flows.liquid import escape
from milo_desktop.services.flows.voice import Speaker
from milo_desktop.services.flows.widgets import FlowBuilder, condition
from milo_desktop.services.stages.config import StageFlowConfig
from milo_desktop.services.stages.knockout import (
    add_knocked_out,
    has_dealbreaker_checks,
    route_reply,
)
from milo_desktop.services.stages.phrases import Phrases, phrases_for, spoken_hint, text_hint

CONTACT = "{{contact.channel.address}}"  # the candidate (To of the execution)
CHANNEL = "{{flow.channel.address}}"  # our number (From of the execution)
CALL = "call"  # the make-outgoing-call-v2 widget; its CallSid is the call to price and record
GREETING = "greeting"
INTRO = "intro"
CLOSING = "closing"
GAVE_UP = "gave_up"
RATING = n.RATING  # the optional closing 1–5 rating
RATING_HINTS = "1, 2, 3, 4, 5, one, two, three, four, five, skip"
RATING_WAIT_S = 3_600  # a text rating nobody answers holds the stage result this long at most
MORE_INFO = "more_info"  # the role details on offer (services/entry/after_settings.py)
MORE_INFO_CHECK = "more_info_check"
DETAILS = "details"


def greeting_expr(p: Phrases) -> str:
    """The execution's ``greeting`` parameter, or the anonymous hello."""
    return "{{flow.data.greeting | default: '" + p.hello_anonymous + "'}}"


def _questions_then(config: StageFlowConfig, index: int) -> str:
    following = config.questions[index + 1] if index + 1 < len(config.questions) else None
    return n.question_widget(following.id) if following else _after_questions(config)


def _after_questions(config: StageFlowConfig) -> str:
    """Where the last question leads: the role details on offer, then the optional rating
    when the stage asks it."""
    if config.details_offer and config.questions:
        return MORE_INFO
    return _after_details(config)


def _after_details(config: StageFlowConfig) -> str:
    return RATING if config.ask_rating and config.questions else CLOSING


def _add_details(b: FlowBuilder, config: StageFlowConfig,
                 speaker: Speaker | None = None) -> None:
    """The role details on offer before the end, as the receptionist's custom context is:
    by phone "press 1 or say details", by text "reply INFO"; anything else goes on."""
    if _after_questions(config) != MORE_INFO:
        return
    after = _after_details(config)
    if speaker is not None:
        b.add(MORE_INFO, "gather-input-on-call",
              {**speaker.gather(escape(config.details_offer), number_of_digits=1,
                                hints="details, more information, detalles"), "timeout": 4},
              {"keypress": DETAILS, "speech": DETAILS, "timeout": after})
        b.add(DETAILS, "say-play", {**speaker.speech(), "say": escape(config.details)},
              {"audioComplete": after}, side=True)
        return
    text = {"from": CHANNEL, "to": CONTACT}
    b.add(MORE_INFO, "send-and-wait-for-reply",
          {**text, "body": escape(config.details_offer), "timeout": str(RATING_WAIT_S)},
          {"incomingMessage": MORE_INFO_CHECK, "timeout": after})
    reply = "{{widgets." + MORE_INFO + ".inbound.Body}}"
    b.add(MORE_INFO_CHECK, "split-based-on", {"input": reply}, {"noMatch": after},
          conditions=[(DETAILS, [condition("matches_any_of", reply, INFO_WORDS, "INFO")])]
          + [(DETAILS, [condition("contains", reply, hint)]) for hint in INFO_HINTS])
    b.add(DETAILS, "send-message", {**text, "body": escape(config.details)},
          {"sent": after}, side=True)


def _add_rating(b: FlowBuilder, config: StageFlowConfig, p: Phrases,
                speaker: Speaker | None = None) -> None:
    """The optional closing rating (services/flows/rating.py): asked once, any answer or
    none leads on. By text it waits ``RATING_WAIT_S`` at most and then ends quietly."""
    if _after_details(config) != RATING:
        return
    if speaker is not None:
        b.add(RATING, "gather-input-on-call",
              speaker.gather(escape(p.voice_rating), hints=RATING_HINTS, number_of_digits=1),
              {"speech": CLOSING, "keypress": CLOSING, "timeout": CLOSING})
        return
    b.add(RATING, "send-and-wait-for-reply",
          {"from": CHANNEL, "to": CONTACT, "body": escape(p.sms_rating),
           "timeout": str(RATING_WAIT_S)},
          {"incomingMessage": CLOSING})


def compile_voice(config: StageFlowConfig) -> dict[str, Any]:
    """The outbound phone screening of ``config`` (check ``config.problems()`` first)."""
    p = phrases_for(config.language)
    language, voice = config.speech
    speaker = Speaker(voice, language, language, retry_prefix=p.retry_prefix)
    b = FlowBuilder()
    first = n.question_widget(config.questions[0].id) if config.questions else CLOSING
    b.add("Trigger", "trigger", {}, {"incomingRequest": CALL})
    # Busy, no answer and failed end the execution: the sync sees a call nobody answered.
    b.add(CALL, "make-outgoing-call-v2",
          {"to": CONTACT, "from": CHANNEL, "record": config.recording_disclosure,
           "machine_detection": "Enable"},
          {"answered": "check_machine"})
    answered_by = "{{widgets." + CALL + ".AnsweredBy}}"
    b.add("check_machine", "split-based-on", {"input": answered_by}, {"noMatch": GREETING},
          conditions=[("machine_message", [condition("starts_with", answered_by, "machine",
                                                     "Voicemail")])])
    title = config.position_title.strip()
    b.add("machine_message", "say-play",
          {**speaker.speech(), "say": escape(p.machine_message.format(title=title))}, {},
          side=True)
    intro = p.voice_intro.format(title=title, n=len(config.questions)) if len(
        config.questions) != 1 else p.voice_intro_one.format(title=title)
    parts = [intro]
    if config.ai_disclosure:
        parts.append(p.ai_disclosure)
    if config.recording_disclosure:
        parts.append(p.recording_disclosure)
    say = greeting_expr(p) + escape(". " + " ".join(parts))
    b.add(GREETING, "say-play", {**speaker.speech(), "say": say}, {"audioComplete": first})
    for index, q in enumerate(config.questions):
        prompt = escape(" ".join(x for x in (q.prompt.strip(), spoken_hint(p, q)) if x))
        speaker.ask_question(b, q, prompt, _questions_then(config, index))
    _add_details(b, config, speaker)
    _add_rating(b, config, p, speaker)
    b.add(CLOSING, "say-play", {**speaker.speech(), "say": escape(p.voice_closing)}, {})
    return b.definition(f"Voice screening: {title}"[:200])


def compile_text(config: StageFlowConfig) -> dict[str, Any]:
    """The SMS screening (or SMS form) of ``config``: one text per question, each waiting
    for the reply, reminded once, then given up (check ``config.problems()`` first)."""
    p = phrases_for(config.language)
    b = FlowBuilder()
    title = config.position_title.strip()
    text = {"from": CHANNEL, "to": CONTACT}
    first = n.question_widget(config.questions[0].id) if config.questions else CLOSING
    b.add("Trigger", "trigger", {}, {"incomingRequest": INTRO, "incomingMessage": "text_in"})
    # A text to the number outside a screening (replies inside one reach their execution).
    b.add("text_in", "send-message",
          {**text, "body": escape(p.sms_unprompted.format(title=title))}, {}, side=True)
    intro = p.form_intro if config.kind == StageKind.FORM else p.sms_intro
    parts = [intro.format(title=title)]
    if config.ai_disclosure:
        parts.append(p.sms_ai_disclosure)
    body = greeting_expr(p) + escape("! " + " ".join(parts))
    b.add(INTRO, "send-message", {**text, "body": body}, {"sent": first})
    for index, q in enumerate(config.questions):
        name = n.question_widget(q.id)
        again = n.retry_widget(name)
        after = _questions_then(config, index)
        wait = str(config.first_wait_s() if index == 0 else config.next_wait_s())
        ask = " ".join(x for x in (q.prompt.strip(), text_hint(p, q)) if x)
        # A reply to a dealbreaker is checked first: a confident fail ends it (knockout.py).
        b.add(name, "send-and-wait-for-reply",
              {**text, "body": escape(ask), "timeout": wait},
              {"incomingMessage": route_reply(b, q, name, after), "timeout": again})
        b.add(again, "send-and-wait-for-reply",
              {**text, "body": escape(p.sms_reminder + ask), "timeout": wait},
              {"incomingMessage": route_reply(b, q, again, after), "timeout": GAVE_UP},
              side=True)
    if config.questions:
        b.add(GAVE_UP, "send-message", {**text, "body": escape(p.sms_gave_up)}, {}, side=True)
    if has_dealbreaker_checks(config.questions):
        add_knocked_out(b, config.language, text, escape)
    _add_details(b, config)
    _add_rating(b, config, p)
    b.add(CLOSING, "send-message", {**text, "body": escape(p.sms_closing)}, {})
    label = "SMS form" if config.kind == StageKind.FORM else "SMS screening"
    return b.definition(f"{label}: {title}"[:200])


def compile_stage(config: StageFlowConfig) -> dict[str, Any]:
    """The Studio flow definition of a Voice, SMS or Form stage."""
    return compile_text(config) if config.is_text else compile_voice(config)
