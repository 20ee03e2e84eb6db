"""Message templates: invitation, nudge, final nudge and report-ready, by email and SMS.

Placeholders are ``{{candidate_name}}``, ``{{job_title}}``, ``{{next_step}}`` (how this
candidate's next stage starts, in words: "We'll call you from +1 214 555 0142 within the
hour") and ``{{link}}`` (spaces inside the braces allowed). ``{{link}}`` exists only when the
workspace has set the address of a candidate page it hosts itself (``services/links.py``):
without one it is never offered, and a message that uses it is refused before anything is
sent (``LinkUnavailable``). Rendering is one pass over the template, so a value that itself looks like a
placeholder (a candidate called "{{link}}") is printed as it is, never expanded. Values are
flattened to one line: a name with line breaks can't reshape a message or an email header.
Any other ``{{…}}``, or a stray ``{{`` / ``}}``, is refused with a message naming it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.enums import Channel
from milo_desktop.errors import ValidationProblem
from milo_desktop.models.messaging import MessageTemplate

PLACEHOLDERS = ("candidate_name", "job_title", "next_step", "link")
LINK = "link"
NO_LINK = ("This message uses {{link}}, but no candidate page address is set, so there is no "
           "link to send. Remove {{link}} (the default templates say how the next step starts "
           "with {{next_step}}), or set your candidate page address in Settings → Account. "
           "Nothing was sent.")
GENERIC_NEXT_STEP = "Reply to this message and we'll tell you how to start."
PLACEHOLDER_RE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
SUBJECT_MAX = 200
EMAIL_BODY_MAX = 10_000
SMS_BODY_MAX = 2_000
FALLBACK_NAME = "there"  # "Hi there," when a candidate has no usable name


class TemplateKind(StrEnum):
    INVITATION = "invitation"
    NUDGE = "nudge"
    FINAL_NUDGE = "final_nudge"
    REPORT_READY = "report_ready"


KIND_NAMES = {TemplateKind.INVITATION: "Invitation", TemplateKind.NUDGE: "Nudge",
              TemplateKind.FINAL_NUDGE: "Final nudge", TemplateKind.REPORT_READY: "Report ready"}


class LinkUnavailable(ValidationProblem):
    """A message uses ``{{link}}`` while the workspace has no candidate page address."""

    def __init__(self) -> None:
        super().__init__(NO_LINK)


@dataclass(frozen=True)
class TemplateText:
    subject: str
    body: str


@dataclass(frozen=True)
class TemplateRow:
    id: int
    kind: TemplateKind
    channel: Channel
    name: str
    subject: str
    body: str


DEFAULTS: dict[tuple[TemplateKind, Channel], TemplateText] = {
    (TemplateKind.INVITATION, Channel.EMAIL): TemplateText(
        "Your interview for {{job_title}}",
        "Hi {{candidate_name}},\n\nThank you for your interest in the {{job_title}} role. The "
        "next step is a short screening interview:\n\n{{next_step}}\n\nIt takes about 10 to "
        "15 minutes. Reply to this email if you have any questions.\n\nGood luck!"),
    (TemplateKind.INVITATION, Channel.SMS): TemplateText(
        "", "Hi {{candidate_name}}, thanks for your interest in the {{job_title}} role. "
        "{{next_step}}"),
    (TemplateKind.NUDGE, Channel.EMAIL): TemplateText(
        "Reminder: your {{job_title}} interview",
        "Hi {{candidate_name}},\n\nA friendly reminder: your screening interview for "
        "{{job_title}} is waiting for you.\n\n{{next_step}}\n\nIt only takes a few minutes."),
    (TemplateKind.NUDGE, Channel.SMS): TemplateText(
        "", "Hi {{candidate_name}}, a reminder that your {{job_title}} interview is waiting. "
        "{{next_step}}"),
    (TemplateKind.FINAL_NUDGE, Channel.EMAIL): TemplateText(
        "Last reminder: your {{job_title}} interview",
        "Hi {{candidate_name}},\n\nThis is our last reminder about your screening interview "
        "for {{job_title}}. If you are still interested, please take it soon:\n\n"
        "{{next_step}}\n\nThank you!"),
    (TemplateKind.FINAL_NUDGE, Channel.SMS): TemplateText(
        "", "Hi {{candidate_name}}, last reminder: your {{job_title}} interview closes soon. "
        "{{next_step}}"),
    (TemplateKind.REPORT_READY, Channel.EMAIL): TemplateText(
        "Your {{job_title}} interview results",
        "Hi {{candidate_name}},\n\nThank you for completing your interview for {{job_title}}. "
        "Your report is ready, and we will be in touch about the next step."),
    (TemplateKind.REPORT_READY, Channel.SMS): TemplateText(
        "", "Hi {{candidate_name}}, thank you for completing your {{job_title}} interview. "
        "We will be in touch about the next step."),
}

# The built-in texts of earlier versions, which all carried {{link}}: a stored template still
# exactly like one of them was never edited, and ``ensure_defaults`` brings it up to date.
# Templates a recruiter edited are kept as they are.
OLD_DEFAULTS: dict[tuple[TemplateKind, Channel], TemplateText] = {
    (TemplateKind.INVITATION, Channel.EMAIL): TemplateText(
        "Your interview for {{job_title}}",
        "Hi {{candidate_name}},\n\nThank you for your interest in the {{job_title}} role. The "
        "next step is a short screening interview you can take whenever it suits you:\n\n"
        "{{link}}\n\nIt takes about 10 to 15 minutes. Reply to this email if you have any "
        "questions.\n\nGood luck!"),
    (TemplateKind.INVITATION, Channel.SMS): TemplateText(
        "", "Hi {{candidate_name}}, thanks for your interest in the {{job_title}} role. Start "
        "your short screening interview here: {{link}}"),
    (TemplateKind.NUDGE, Channel.EMAIL): TemplateText(
        "Reminder: your {{job_title}} interview",
        "Hi {{candidate_name}},\n\nA friendly reminder: your screening interview for "
        "{{job_title}} is waiting for you.\n\n{{link}}\n\nIt only takes a few minutes."),
    (TemplateKind.NUDGE, Channel.SMS): TemplateText(
        "", "Hi {{candidate_name}}, a reminder that your {{job_title}} interview is waiting: "
        "{{link}}"),
    (TemplateKind.FINAL_NUDGE, Channel.EMAIL): TemplateText(
        "Last reminder: your {{job_title}} interview",
        "Hi {{candidate_name}},\n\nThis is our last reminder about your screening interview "
        "for {{job_title}}. If you are still interested, please take it soon:\n\n{{link}}\n\n"
        "Thank you!"),
    (TemplateKind.FINAL_NUDGE, Channel.SMS): TemplateText(
        "", "Hi {{candidate_name}}, last reminder: your {{job_title}} interview closes soon. "
        "{{link}}"),
    (TemplateKind.REPORT_READY, Channel.EMAIL): TemplateText(
        "Your {{job_title}} interview results",
        "Hi {{candidate_name}},\n\nThank you for completing your interview for {{job_title}}. "
        "Your report is ready:\n\n{{link}}"),
    (TemplateKind.REPORT_READY, Channel.SMS): TemplateText(
        "", "Hi {{candidate_name}}, your {{job_title}} interview report is ready: {{link}}"),
}


def default_name(kind: TemplateKind, channel: Channel) -> str:
    """"Invitation (email)", "Final nudge (SMS)"."""
    return f"{KIND_NAMES[kind]} ({'email' if channel == Channel.EMAIL else 'SMS'})"


# ----- checking and rendering -----------------------------------------------------------------
def unknown_placeholders(text: str) -> list[str]:
    """The ``{{names}}`` in ``text`` that are not placeholders, in order, once each."""
    found: list[str] = []
    for name in PLACEHOLDER_RE.findall(text):
        if name not in PLACEHOLDERS and name not in found:
            found.append(name)
    return found


def _stray_braces(text: str) -> bool:
    rest = PLACEHOLDER_RE.sub("", text)
    return "{{" in rest or "}}" in rest


def check_text(subject: str, body: str, channel: Channel, *,
               body_max: int | None = None) -> None:
    """ValidationProblem naming everything wrong with a template or a blast's text."""
    problems: list[str] = []
    limit = body_max or (EMAIL_BODY_MAX if channel == Channel.EMAIL else SMS_BODY_MAX)
    if channel == Channel.EMAIL:
        if not subject.strip():
            problems.append("The email needs a subject.")
        elif len(subject) > SUBJECT_MAX:
            problems.append(f"The subject is {len(subject):,} characters; the limit is "
                            f"{SUBJECT_MAX}.")
    if not body.strip():
        problems.append("The message is empty.")
    elif len(body) > limit:
        problems.append(f"The message is {len(body):,} characters; the limit is {limit:,}.")
    unknown = unknown_placeholders(subject + "\n" + body)
    if unknown:
        names = ", ".join("{{" + n + "}}" for n in unknown)
        allowed = ", ".join("{{" + n + "}}" for n in PLACEHOLDERS)
        problems.append(f"Unknown placeholder{'s' if len(unknown) > 1 else ''} {names}. "
                        f"You can use {allowed}.")
    elif _stray_braces(subject + "\n" + body):
        problems.append("A “{{” or “}}” is not part of a placeholder; placeholders look like "
                        "{{candidate_name}}.")
    if problems:
        raise ValidationProblem(" ".join(problems))


def one_line(value: str) -> str:
    return " ".join((value or "").split())


def offered_placeholders(has_link: bool) -> tuple[str, ...]:
    """The placeholders the template editor offers: ``{{link}}`` only with an address."""
    return PLACEHOLDERS if has_link else tuple(p for p in PLACEHOLDERS if p != LINK)


def placeholder_values(candidate_name: str, job_title: str, link: str | None,
                       next_step: str = GENERIC_NEXT_STEP) -> dict[str, str]:
    """The values of one message; ``link`` None (no candidate page address) leaves
    ``{{link}}`` without a value, so ``render`` refuses a message that uses it."""
    values = {"candidate_name": one_line(candidate_name) or FALLBACK_NAME,
              "job_title": one_line(job_title), "next_step": one_line(next_step)}
    if link:
        values[LINK] = one_line(link)
    return values


def uses_link(text: str) -> bool:
    return LINK in PLACEHOLDER_RE.findall(text)


def render(text: str, values: Mapping[str, str]) -> str:
    """``text`` with its placeholders filled in (one pass); unknown ones are refused, and
    ``{{link}}`` without a link is ``LinkUnavailable``."""
    if LINK not in values and uses_link(text):
        raise LinkUnavailable()
    unknown = [n for n in unknown_placeholders(text) if n not in values]
    unknown += [n for n in PLACEHOLDER_RE.findall(text)
                if n in PLACEHOLDERS and n not in values and n not in unknown]
    if unknown:
        raise ValidationProblem("Unknown placeholder " + ", ".join("{{" + n + "}}"
                                                                   for n in unknown) + ".")
    return PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), ""), text)


# ----- storage --------------------------------------------------------------------------------
def ensure_defaults(s: Session) -> None:
    """Insert the default template of every kind and channel that has none yet."""
    for t in s.scalars(select(MessageTemplate)):
        try:
            key = (TemplateKind(t.kind), t.channel)
        except ValueError:
            continue
        old = OLD_DEFAULTS.get(key)
        if old is not None and (t.subject, t.body) == (old.subject, old.body):
            new = DEFAULTS[key]
            t.subject, t.body = new.subject, new.body
    have = set(s.execute(select(MessageTemplate.kind, MessageTemplate.channel)).tuples())
    names = set(s.scalars(select(MessageTemplate.name)))
    for (kind, channel), text in DEFAULTS.items():
        name = default_name(kind, channel)
        if (kind.value, channel) in have or name in names:
            continue
        s.add(MessageTemplate(kind=kind.value, channel=channel, name=name,
                              subject=text.subject, body=text.body))
    s.flush()


def load_template(s: Session, kind: TemplateKind, channel: Channel,
                  preferred: str | None = None) -> TemplateText:
    """The template to use: ``preferred`` (an interviewer's chosen email template, by name)
    when it exists for this kind and channel, else the first of that kind and channel, else
    the built-in default."""
    stmt = select(MessageTemplate).where(MessageTemplate.kind == kind.value,
                                         MessageTemplate.channel == channel)
    rows = list(s.scalars(stmt.order_by(MessageTemplate.id)))
    chosen = next((t for t in rows if preferred and t.name == preferred), None)
    chosen = chosen or (rows[0] if rows else None)
    if chosen is None:
        return DEFAULTS[(kind, channel)]
    if (chosen.subject, chosen.body) == _old_default(kind, channel):
        return DEFAULTS[(kind, channel)]  # an untouched built-in text of an older version
    return TemplateText(chosen.subject, chosen.body)


def _old_default(kind: TemplateKind, channel: Channel) -> tuple[str, str] | None:
    old = OLD_DEFAULTS.get((kind, channel))
    return (old.subject, old.body) if old is not None else None


def template_rows(s: Session) -> list[TemplateRow]:
    order = {k: i for i, k in enumerate(TemplateKind)}
    kinds = {k.value for k in TemplateKind}
    rows = [TemplateRow(t.id, TemplateKind(t.kind), t.channel, t.name, t.subject, t.body)
            for t in s.scalars(select(MessageTemplate).where(MessageTemplate.kind.in_(kinds)))]
    return sorted(rows, key=lambda r: (order[r.kind], r.channel != Channel.EMAIL, r.id))
