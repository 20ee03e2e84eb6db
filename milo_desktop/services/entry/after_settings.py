"""An interviewer's after-screening settings and role details, as stored in
``Interviewer.settings`` (pure: no queries, so authoring's validation and store use them too).

``after_screening`` = {"send_on": "off" | "pass" | "shortlist", "scheduling_link": "https://…",
"closing_message": "…", "since": ISO time sending was switched on}; ``role_details`` =
{"pay", "shifts", "location", "benefits"} (the flows read them out when a candidate asks).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from milo_desktop.enums import ApplicationStatus
from milo_desktop.errors import ValidationProblem

AFTER_KEY = "after_screening"
ROLE_KEY = "role_details"
ROLE_FIELDS = ("pay", "shifts", "location", "benefits")
ROLE_LABELS = {"pay": "Pay", "shifts": "Shifts", "location": "Location",
               "benefits": "Benefits"}
FIELD_MAX = 500
CLOSING_MAX = 600
LINK_MAX = 500


class SendOn(StrEnum):
    OFF = "off"
    PASS = "pass"  # completed without a knock-out (or shortlisted)
    SHORTLIST = "shortlist"  # only once the recruiter shortlists


PASSED = frozenset({ApplicationStatus.COMPLETED, ApplicationStatus.SHORTLISTED})


@dataclass(frozen=True)
class AfterScreening:
    send_on: SendOn = SendOn.OFF
    scheduling_link: str = ""
    closing_message: str = ""
    role: tuple[tuple[str, str], ...] = tuple((f, "") for f in ROLE_FIELDS)
    since: dt.datetime | None = None  # when sending was switched on

    def role_value(self, name: str) -> str:
        return dict(self.role).get(name, "")


def check_link(link: str) -> str:
    text = link.strip()
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in text \
            or len(text) > LINK_MAX:
        raise ValidationProblem("The scheduling link must be the web address of a booking "
                                "page, e.g. https://calendly.com/your-team/interview.")
    return text


def check(after: AfterScreening) -> AfterScreening:
    """The settings as stored, or ValidationProblem naming everything wrong."""
    problems: list[str] = []
    link = ""
    try:
        link = check_link(after.scheduling_link)
    except ValidationProblem as exc:
        problems.append(exc.message)
    if after.send_on != SendOn.OFF and not link and not problems:
        problems.append("Add the scheduling link to send, or choose not to send one.")
    if len(after.closing_message) > CLOSING_MAX:
        problems.append(f"The closing message is {len(after.closing_message):,} characters; "
                        f"the limit is {CLOSING_MAX}.")
    for name, value in after.role:
        if len(value) > FIELD_MAX:
            problems.append(f"{ROLE_LABELS.get(name, name)} is longer than {FIELD_MAX} "
                            "characters.")
    if problems:
        raise ValidationProblem(" ".join(problems))
    return AfterScreening(after.send_on, link, after.closing_message.strip(),
                          tuple((f, after.role_value(f).strip()) for f in ROLE_FIELDS),
                          after.since)


def read(settings: dict[str, Any] | None) -> AfterScreening:
    """An interviewer's settings, tolerant of missing or hand-edited values."""
    raw = (settings or {}).get(AFTER_KEY)
    raw = raw if isinstance(raw, dict) else {}
    role = (settings or {}).get(ROLE_KEY)
    role = role if isinstance(role, dict) else {}
    try:
        send_on = SendOn(str(raw.get("send_on", "off")))
    except ValueError:
        send_on = SendOn.OFF
    try:
        since = dt.datetime.fromisoformat(str(raw["since"])) if raw.get("since") else None
    except ValueError:
        since = None
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)
    return AfterScreening(send_on, str(raw.get("scheduling_link") or ""),
                          str(raw.get("closing_message") or ""),
                          tuple((f, str(role.get(f) or "")) for f in ROLE_FIELDS), since)


def merged(settings: dict[str, Any] | None, after: AfterScreening,
           now: dt.datetime) -> tuple[dict[str, Any], AfterScreening]:
    """``settings`` with ``after`` checked and stored in it (a new dict: JSON columns notice
    reassignment only); ``since`` starts (again) when sending is switched on or its trigger
    changes. ValidationProblem when ``after`` is not valid."""
    checked = check(after)
    before = read(settings)
    since = before.since if before.send_on == checked.send_on else None
    if checked.send_on != SendOn.OFF and since is None:
        since = now
    out = {**(settings or {}),
           AFTER_KEY: {"send_on": checked.send_on.value,
                       "scheduling_link": checked.scheduling_link,
                       "closing_message": checked.closing_message,
                       "since": since.isoformat() if since else None},
           ROLE_KEY: dict(checked.role)}
    return out, AfterScreening(checked.send_on, checked.scheduling_link,
                               checked.closing_message, checked.role, since)


def role_text(after: AfterScreening, company: str = "") -> str:
    """The lines a flow reads out when asked ("Pay: $19 an hour"), company first."""
    lines = [f"About us: {_one_line(company)}"] if company.strip() else []
    lines += [f"{ROLE_LABELS[name]}: {_one_line(value)}" for name, value in after.role
              if value.strip()]
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return " ".join(text.split())


# What the screenings say to offer the role details (services/stages/compiler.py), by language.
DETAILS_PROMPTS: dict[str, dict[str, str]] = {
    "en": {
        "voice": "Before we finish: to hear about {topics}, press 1 or say details. Otherwise, "
                 "stay on the line.",
        "text": "Any questions about {topics}? Reply INFO and we'll text you the details, or "
                "DONE to finish.",
        "topics_company": "us",
        "and": "and",
    },
    "es": {
        "voice": "Antes de terminar: para escuchar sobre {topics}, marque 1 o diga detalles. Si "
                 "no, permanezca en la línea.",
        "text": "¿Preguntas sobre {topics}? Responda INFO y le enviaremos los detalles, o LISTO "
                "para terminar.",
        "topics_company": "nosotros",
        "and": "y",
    },
}
TOPIC_WORDS = {"en": {"pay": "pay", "shifts": "shifts", "location": "location",
                      "benefits": "benefits"},
               "es": {"pay": "el pago", "shifts": "los turnos", "location": "el lugar",
                      "benefits": "los beneficios"}}
# A text reply that asks for the details: one of these words alone, or a question mentioning
# a topic (each a ``contains`` condition of the split; Studio's case rules are UNCONFIRMED, so
# the common spellings are listed).
INFO_WORDS = "INFO,Info,info,DETAILS,details,DETALLES,detalles,YES,Yes,yes,SI,Si,si,SÍ,Sí,sí"
INFO_HINTS = ("?", "pay", "Pay", "wage", "salary", "shift", "Shift", "benefit", "Benefit",
              "where", "Where", "hour", "pago", "turno", "beneficio")


def details_prompt(after: AfterScreening, company: str, language: str, channel: str) -> str:
    """"Before we finish: to hear about pay, shifts and us, press 1…" ("" without details)."""
    words = DETAILS_PROMPTS.get(language, DETAILS_PROMPTS["en"])
    topics = [TOPIC_WORDS.get(language, TOPIC_WORDS["en"])[name] for name, value in after.role
              if value.strip()]
    if company.strip():
        topics.append(words["topics_company"])
    if not topics:
        return ""
    joined = topics[0] if len(topics) == 1 else \
        ", ".join(topics[:-1]) + f" {words['and']} " + topics[-1]
    return words[channel].format(topics=joined)
