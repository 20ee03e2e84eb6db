"""One router flow per number: the first word of an inbound text picks the interviewer.

::

    Trigger (incomingMessage) -> route (split-based-on the text)
        STOP, HELP, START… -> opt_out (nothing sent: Twilio answers those words itself)
        FORKLIFT PAY…      -> info_<interviewer id> (the role details and company information,
                              then "Text FORKLIFT to start")
        FORKLIFT…          -> kw_<interviewer id> (a thank-you text; the app starts the
                              interviewer's text stage from this execution: intake.py)
        anything else      -> unknown (a polite text listing the keywords)

Keywords match the first word whatever its case, with punctuation around it ("forklift!",
" Forklift please"); the regex spells each letter as ``[Ff]`` so it needs no flags, whatever
regex dialect Studio uses. The definition's hash decides whether it is published again.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from milo_desktop.services.entry.keywords import RESERVED
from milo_desktop.services.flows.liquid import escape
from milo_desktop.services.flows.widgets import FlowBuilder, condition

BODY = "{{trigger.message.Body}}"
CONTACT = "{{contact.channel.address}}"
CHANNEL = "{{flow.channel.address}}"
ROUTE = "route"
OPT_OUT = "opt_out"
UNKNOWN = "unknown"
KEYWORD_PREFIX = "kw_"
SMS_MAX = 320  # two segments: a list of keywords longer than this is cut short
WIDGET_RE = re.compile(r"^kw_(\d+)$")


@dataclass(frozen=True)
class RouterEntry:
    interviewer_id: int
    keyword: str  # upper-case letters and digits
    title: str  # the position title, for the texts
    welcome: str = ""  # the text back at once ("" = the text-screening words)
    info: str = ""  # the role details and company information ("" = none to tell)


INFO_WORDS = ("INFO", "PAY", "SHIFTS", "SHIFT", "BENEFITS", "WHERE", "DETAILS", "HOURS")


def _letters(word: str) -> str:
    """``Fork2`` → ``[Ff][Oo][Rr][Kk]2``: any case, no regex flags needed."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in word)


def keyword_regex(keyword: str) -> str:
    """``FORK2`` → ``^\\W*[Ff][Oo][Rr][Kk]2([^A-Za-z0-9]|$)``."""
    return r"^\W*" + _letters(keyword) + r"([^A-Za-z0-9]|$)"


def info_regex(keyword: str) -> str:
    """The keyword followed by a question word: "forklift pay?", "FORKLIFT info"."""
    words = "|".join(_letters(w) for w in INFO_WORDS)
    return r"^\W*" + _letters(keyword) + r"\W+(" + words + r")([^A-Za-z0-9]|$)"


def info_widget(interviewer_id: int) -> str:
    return f"info_{interviewer_id}"


def info_text(entry: RouterEntry) -> str:
    title = entry.title.strip() or "This role"
    return f"{title}\n{entry.info.strip()}\nText {entry.keyword} to start your screening."


def keyword_widget(interviewer_id: int) -> str:
    return f"{KEYWORD_PREFIX}{interviewer_id}"


def interviewer_of_widget(name: str) -> int | None:
    match = WIDGET_RE.match(name)
    return int(match.group(1)) if match else None


def unknown_text(entries: Sequence[RouterEntry], company: str = "",
                 screening_titles: Sequence[str] = ()) -> str:
    """The reply to a text that names no keyword (and, on a number that sends screenings,
    is no reply to one of their questions)."""
    who = f"{company.strip()} here! " if company.strip() else ""
    if not entries:
        titles = sorted({t.strip() for t in screening_titles if t.strip()})
        if titles:
            named = ", ".join(titles) if len(", ".join(titles)) <= 120 else "our open positions"
            return (f"Thanks for your message! {who}This number sends the screening questions "
                    f"for {named}. If you applied, your questions will arrive here by text.")
        return ("Thanks for your message! We're not taking applications by text right now. "
                "Please check back soon.")
    head = f"Hi! {who}To apply, text one of these words: "
    informed = next((e for e in entries if e.info.strip()), None)
    tail = (f" Add INFO for pay, shifts and more (e.g. {informed.keyword} INFO)."
            if informed else "")
    parts: list[str] = []
    for e in entries:
        part = f"{e.keyword} ({e.title.strip()})" if e.title.strip() else e.keyword
        if len(head) + len(", ".join([*parts, part])) + 1 + len(tail) > SMS_MAX:
            break
        parts.append(part)
    return head + ", ".join(parts) + "." + tail


def welcome_text(entry: RouterEntry) -> str:
    title = entry.title.strip() or "this role"
    return (f"Thanks for your interest in {title}! Your screening starts in a moment: "
            "we'll text you a few short questions from this number. Reply to each one.")


def compile_router(number: str, entries: Sequence[RouterEntry], company: str = "",
                   screening_titles: Sequence[str] = ()) -> dict[str, Any]:
    """The router flow of ``number`` for ``entries`` (keywords unique on the number);
    ``screening_titles``: the positions whose text screenings the number sends
    (number_flow.py), named to someone who texts it something else."""
    b = FlowBuilder()
    text = {"from": CHANNEL, "to": CONTACT}
    b.add("Trigger", "trigger", {}, {"incomingMessage": ROUTE})
    branches: list[tuple[str, list[dict[str, Any]]]] = [
        (OPT_OUT, [condition("matches_any_of", BODY, ",".join(sorted(RESERVED)),
                             "Opt-out and help words")])]
    for e in entries:
        if e.info.strip():  # before the keyword alone: "FORKLIFT PAY" asks, it does not apply
            branches.append((info_widget(e.interviewer_id),
                             [condition("regex", BODY, info_regex(e.keyword),
                                        f"{e.keyword} INFO")]))
        branches.append((keyword_widget(e.interviewer_id),
                         [condition("regex", BODY, keyword_regex(e.keyword), e.keyword)]))
    b.add(ROUTE, "split-based-on", {"input": BODY}, {"noMatch": UNKNOWN}, conditions=branches)
    b.add(OPT_OUT, "set-variables", {"variables": [{"key": "route", "value": "opt_out"}]}, {},
          side=True)
    for e in entries:
        if e.info.strip():
            b.add(info_widget(e.interviewer_id), "send-message",
                  {**text, "body": escape(info_text(e))}, {}, side=True)
        b.add(keyword_widget(e.interviewer_id), "send-message",
              {**text, "body": escape(e.welcome or welcome_text(e))}, {}, side=True)
    unknown = unknown_text(entries, company, screening_titles)
    b.add(UNKNOWN, "send-message", {**text, "body": escape(unknown)}, {})
    return b.definition(f"Text to apply: {number}"[:200])


def friendly_name(number: str) -> str:
    return f"Milo · texts to {number} (apply by keyword, text screenings)"


def definition_hash(definition: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()
