"""Compile a receptionist into a Twilio Studio flow definition.

Widget sequence for an inbound call (side widgets in brackets)::

    Trigger -> setup -> [language_menu -> language_check -> (language_es)] -> greeting
    -> ask_name (ask_name_again) -> save_name
    -> ask_callback -> check_callback -> callback_keypad | callback_intl | callback_caller_id
    -> [ask_location (ask_location_again) -> save_location -> [check_location (location_mismatch)]]
    -> q_<id> (q_<id>_again) ... for each question
    -> [more_info -> (details)] -> voicemail_prompt -> voicemail -> closing
    -> confirm_sms -> check_confirmation -> confirmed_sms | corrections_sms

Every user-supplied text goes through :func:`liquid.escape`, so braces are spoken, not run.
"""

from __future__ import annotations

from typing import Any

from milo_desktop.enums import LanguageMode, QuestionKind
from milo_desktop.services.flows import naming as n
from milo_desktop.services.flows.config import QuestionSpec, ReceptionistConfig
from milo_desktop.services.flows.liquid import escape
from milo_desktop.services.flows.voice import (
    GATHER_TIMEOUT,
    RETRY_PREFIX,
    Speaker,
    answer_expr,
    expr,
    speech_hints,
)
from milo_desktop.services.flows.widgets import FlowBuilder, condition

__all__ = ["GATHER_TIMEOUT", "RETRY_PREFIX", "answer_expr", "compile_receptionist", "expr",
           "speech_hints", "spoken_hint", "var"]

SMS_TIMEOUT = "3600"  # how long the confirmation text waits for a reply (Studio wants a string)
CONFIRM_WORDS = "yes, y, yeah, yep, yes please, correct, confirm, confirmed, ok, okay"
CHANNEL = "{{flow.channel.address}}"  # the receptionist's own number
CONTACT = "{{contact.channel.address}}"  # the caller (inbound) or the callee (REST execution)


def var(name: str) -> str:
    """The Liquid expression for ``flow.variables.<name>``."""
    return expr("flow.variables." + name)


def spoken_hint(question: QuestionSpec) -> str:
    """How the caller may answer ``question`` on the phone (appended to the prompt)."""
    if question.kind == QuestionKind.YES_NO:
        return "Say yes or no, or press 1 for yes and 2 for no."
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        keys = ", ".join(f"press {i} for {c.strip()}" for i, c in enumerate(question.choices, 1))
        return f"Say your answer, or {keys}."
    if question.kind == QuestionKind.MIN_AMOUNT:
        return (
            f"Say the number of {(question.unit or '').strip()}, or enter it on your keypad "
            "followed by the pound key."
        )
    return ""


class _Compiler:
    def __init__(self, config: ReceptionistConfig) -> None:
        self.c = config
        self.b = FlowBuilder()
        multilingual = config.language_mode == LanguageMode.MULTILINGUAL
        self.gather_language = var(n.VAR_LANGUAGE) if multilingual else "en-US"
        self.speaker = Speaker(config.voice, "en-US", self.gather_language)
        first_q = config.questions[0].id if config.questions else None
        self.questions_start = n.question_widget(first_q) if first_q else self.after_questions()

    def voice(self) -> dict[str, Any]:
        return self.speaker.speech()

    def gather(self, say: str, **extra: Any) -> dict[str, Any]:
        return self.speaker.gather(say, **extra)

    def ask_twice(
        self, name: str, say: str, after: str, *, speech_only: bool = False, **extra: Any
    ) -> None:
        """A gather; on timeout it is asked once more (side widget), then the flow moves on."""
        self.speaker.ask_twice(self.b, name, say, after, speech_only=speech_only, **extra)

    def compile(self) -> dict[str, Any]:
        c, b = self.c, self.b
        greeting_parts = [c.intro_message.strip(), *c.disclosures.sentences()]
        if c.custom_context.open_positions.strip():
            greeting_parts.append(
                "We are currently hiring for: " + c.custom_context.open_positions.strip()
            )
        first_step = "language_menu" if self.gather_language != "en-US" else "greeting"
        b.add(
            "Trigger",
            "trigger",
            {},
            {"incomingCall": n.SETUP, "incomingMessage": "text_reply",
             "incomingRequest": "outbound_call"},
        )
        # A text to the receptionist's number (not a reply to our confirmation, which Studio
        # routes to the waiting execution) gets pointed at the phone line.
        b.add(
            "text_reply",
            "send-message",
            {"from": CHANNEL, "to": CONTACT, "body": escape(
                f"Hi, this is {c.agent_name.strip()}. To apply, please call this number and I "
                "will take your details."
            )},
            {},
            side=True,
        )
        # A REST execution (Executions API) calls the candidate first: outbound screening.
        b.add(
            "outbound_call",
            "make-outgoing-call-v2",
            {"to": CONTACT, "from": CHANNEL, "record": False, "machine_detection": "Enable"},
            {"answered": n.SETUP},
            side=True,
        )
        question_vars = [
            {"key": n.QUESTION_VAR_PREFIX + q.id, "value": ",".join(n.answer_widgets(q.id))}
            for q in c.questions
        ]
        b.add(
            n.SETUP,
            "set-variables",
            {"variables": [{"key": n.VAR_LANGUAGE, "value": "en-US"}, *question_vars]},
            {"next": first_step},
        )
        if first_step == "language_menu":
            self.language_menu()
        say = escape("\n\n".join(p for p in greeting_parts if p))
        b.add("greeting", "say-play", {**self.voice(), "say": say}, {"audioComplete": n.NAME})
        self.ask_twice(
            n.NAME, "To get started, please say your first and last name.", "save_name",
            speech_only=True, hints="",
        )
        name_expr = answer_expr(n.NAME)
        b.add(
            "save_name",
            "set-variables",
            {"variables": [{"key": n.VAR_CALLER_NAME, "value": name_expr}]},
            {"next": n.CALLBACK},
        )
        self.callback()
        if c.collect_location:
            self.location(self.questions_start)
        for index, question in enumerate(c.questions):
            following = c.questions[index + 1] if index + 1 < len(c.questions) else None
            after = n.question_widget(following.id) if following else self.after_questions()
            self.question(question, after)
        self.ending()
        return b.definition(c.description or f"Receptionist {c.agent_name.strip()}"[:200])

    def language_menu(self) -> None:
        b = self.b
        say = "For English, press 1 or stay on the line. Para español, oprima 2 o diga español."
        b.add(
            "language_menu",
            "gather-input-on-call",
            {**self.gather(say, number_of_digits=1, hints="English, Español, Spanish"),
             "gather_language": "en-US", "timeout": 4},
            {"keypress": "language_check", "speech": "language_check", "timeout": "greeting"},
        )
        spanish = [
            ("language_es", [condition("equal_to", "{{widgets.language_menu.Digits}}", "2")]),
            ("language_es", [condition(
                "contains", "{{widgets.language_menu.SpeechResult}}", "espa", "Español")]),
            ("language_es", [condition(
                "contains", "{{widgets.language_menu.SpeechResult}}", "spanish", "Spanish")]),
        ]
        b.add(
            "language_check", "split-based-on", {"input": "{{widgets.language_menu.Digits}}"},
            {"noMatch": "greeting"}, conditions=spanish,
        )
        b.add(
            "language_es", "set-variables",
            {"variables": [{"key": n.VAR_LANGUAGE, "value": "es-US"}]},
            {"next": "greeting"}, side=True,
        )

    def callback(self) -> None:
        b = self.b
        after = n.LOCATION if self.c.collect_location else self.questions_start
        say = (
            "What is the best number to reach you? Enter it on your keypad, then press the pound "
            "key. Or just wait, and we will use the number you are calling from."
        )
        b.add(
            n.CALLBACK, "gather-input-on-call", self.gather(say, hints=""),
            {"keypress": "check_callback", "speech": "check_callback",
             "timeout": "callback_caller_id"},
        )
        digits = expr(f"widgets.{n.CALLBACK}.Digits")
        b.add(
            "check_callback", "split-based-on", {"input": digits},
            {"noMatch": "callback_caller_id"},
            conditions=[
                # Ten digits are a North American number typed without the country code.
                ("callback_keypad", [condition("regex", digits, r"^[2-9][0-9]{9}$", "US")]),
                ("callback_intl", [condition(
                    "regex", digits, r"^(1[2-9][0-9]{9}|[2-9][0-9]{10,14})$", "With country code")]),
            ],
        )

        def save(name: str, value: str, source: str, side: bool) -> None:
            b.add(
                name, "set-variables",
                {"variables": [{"key": n.VAR_CALLBACK, "value": value},
                               {"key": n.VAR_CALLBACK_SOURCE, "value": source}]},
                {"next": after}, side=side,
            )

        save("callback_keypad", "+1" + digits, "keypad", False)
        save("callback_intl", "+" + digits, "keypad", True)
        # contact.channel.address is the caller ID on an inbound call (trigger.call.From) and
        # the dialled number on a REST execution, so this works for both directions.
        save("callback_caller_id", CONTACT, "caller_id", True)

    def location(self, after: str) -> None:
        c, b = self.c, self.b
        hints = ", ".join(p.split(",")[0].strip() for p in c.job_locations)
        self.ask_twice(
            n.LOCATION, "Which city or ZIP code do you live in?", "save_location", hints=hints,
        )
        value = answer_expr(n.LOCATION, digits=True)  # a ZIP code may be typed
        enforce = c.enforce_job_location_match and c.job_locations
        b.add(
            "save_location", "set-variables",
            {"variables": [{"key": n.VAR_LOCATION, "value": value}]},
            {"next": "check_location" if enforce else after},
        )
        if not enforce:
            return
        loc = var(n.VAR_LOCATION)
        branches = [
            (after, [condition("contains", loc, escape(p.split(",")[0].strip()), p)])
            for p in c.job_locations
        ]
        b.add(
            "check_location", "split-based-on", {"input": loc}, {"noMatch": "location_mismatch"},
            conditions=branches,
        )
        places = "; ".join(p.strip() for p in c.job_locations)
        b.add(
            "location_mismatch", "say-play",
            {**self.voice(), "say": escape(
                f"Thanks. Our current openings are in {places}. I will still pass your details "
                "to our team.")},
            {"audioComplete": after}, side=True,
        )

    def question(self, q: QuestionSpec, after: str) -> None:
        say = escape(" ".join(p for p in (q.prompt.strip(), spoken_hint(q)) if p))
        self.speaker.ask_question(self.b, q, say, after)

    def after_questions(self) -> str:
        return "more_info" if self.c.custom_context.details() else "voicemail_prompt"

    def ending(self) -> None:
        c, b = self.c, self.b
        details = c.custom_context.details()
        if details:
            b.add(
                "more_info", "gather-input-on-call",
                {**self.gather(
                    "To hear about " + ", ".join(label.lower() for label, _ in details)
                    + ", press 1 or say details. Otherwise, stay on the line.",
                    number_of_digits=1, hints="details, more information"), "timeout": 4},
                {"keypress": "details", "speech": "details", "timeout": "voicemail_prompt"},
            )
            text = "\n".join(f"{label}: {body}" for label, body in details)
            b.add("details", "say-play", {**self.voice(), "say": escape(text)},
                  {"audioComplete": "voicemail_prompt"}, side=True)
        b.add(
            "voicemail_prompt", "say-play",
            {**self.voice(), "say": (
                "Last step. After the beep, tell us anything else about your experience or "
                "availability. Press the pound key when you are done.")},
            {"audioComplete": n.VOICEMAIL},
        )
        b.add(
            n.VOICEMAIL, "record-voicemail",
            {"max_length": 120, "silence_timeout": 5, "finish_on_key": "#",
             "play_beep": "true", "trim": "trim-silence", "transcribe": False},
            # A caller who hangs up here still gets the confirmation text.
            {"recordingComplete": "closing", "noAudio": "closing", "hangup": n.CONFIRM_SMS},
        )
        b.add(
            "closing", "say-play",
            {**self.voice(), "say": (
                "Thank you for calling. I will text you now to confirm what I took down. Goodbye.")},
            {"audioComplete": n.CONFIRM_SMS},
        )
        b.add(
            n.CONFIRM_SMS, "send-and-wait-for-reply",
            {"from": c.from_number or CHANNEL, "to": var(n.VAR_CALLBACK),
             "body": confirmation_body(c), "timeout": SMS_TIMEOUT},
            {"incomingMessage": "check_confirmation"},
        )
        b.add(
            "check_confirmation", "split-based-on",
            {"input": expr(f"widgets.{n.CONFIRM_SMS}.inbound.Body")},
            {"noMatch": "corrections_sms"},
            conditions=[("confirmed_sms", [condition(
                "matches_any_of", expr(f"widgets.{n.CONFIRM_SMS}.inbound.Body"),
                CONFIRM_WORDS, "Confirmed")])],
        )
        sms = {"from": c.from_number or CHANNEL, "to": var(n.VAR_CALLBACK)}
        b.add("confirmed_sms", "send-message",
              {**sms, "body": "Thanks, you are all set. A recruiter will be in touch."}, {})
        b.add("corrections_sms", "send-message",
              {**sms, "body": "Thanks, we have passed your corrections to the recruiter."}, {},
              side=True)


def confirmation_body(config: ReceptionistConfig) -> str:
    """The text that reads back what the call captured and asks the caller to confirm it."""
    parts = [
        "Hi, this is "
        + escape(config.agent_name.strip())
        + ". Here is what I took down.",
        "Name: " + var(n.VAR_CALLER_NAME),
        "Callback number: " + var(n.VAR_CALLBACK),
    ]
    if config.collect_location:
        parts.append("Location: " + var(n.VAR_LOCATION))
    parts.append("Reply YES to confirm, or text corrections.")
    return "\n".join(parts)


def compile_receptionist(config: ReceptionistConfig) -> dict[str, Any]:
    """The Studio flow definition for ``config`` (validate it first: this does not)."""
    return _Compiler(config).compile()
