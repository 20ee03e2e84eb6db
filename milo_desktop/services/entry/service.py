"""``EntryService`` (``workspace.entry``): what the screens ask about entry points — an
interviewer's ways in and keyword, Settings → Account (the candidate page address, company
information) with the check that the address answers, the after-screening settings, and in
demo mode the "Simulate a text…" action (the app plugs the sandbox in: ``text_simulator``)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from milo_desktop.errors import ValidationProblem
from milo_desktop.models import Interviewer
from milo_desktop.models.base import utcnow
from milo_desktop.services import links
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import AccountChanged, EventBus, InterviewersChanged
from milo_desktop.services.entry import after
from milo_desktop.services.entry.after_settings import AfterScreening, read
from milo_desktop.services.entry.keywords import keyword_of, set_keyword
from milo_desktop.services.entry.points import (
    EntryKind,
    EntryPoints,
    entry_points,
    no_keyword_note,
    text_number,
)
from milo_desktop.services.entry.reachability import page_problem

COMPANY_MAX = 2_000
# (to number, from number, body) -> the execution sid; set by demo mode only.
TextSimulator = Callable[[str, str, str], Awaitable[str | None]]
DEMO_TEXTER = "+12145550199"  # fictional 555-01xx: a demo can never text a real person


@dataclass(frozen=True)
class AccountSettings:
    candidate_page: str  # "" = none: no {{link}} anywhere
    company_info: str


def _account(s: Session) -> AccountSettings:
    raw = links.account_settings(s)
    return AccountSettings(links.link_base(s) or "", str(raw.get("company_info") or ""))


def _save_account(s: Session, candidate_page: str, company_info: str) -> AccountSettings:
    page = links.check_address(candidate_page)
    if len(company_info) > COMPANY_MAX:
        raise ValidationProblem(f"The company information is {len(company_info):,} "
                                f"characters; the limit is {COMPANY_MAX:,}.")
    links.set_account(s, candidate_page=page, company_info=company_info.strip())
    return _account(s)


def _set_keyword(s: Session, interviewer_id: int, keyword: str | None) -> str:
    iv = s.get(Interviewer, interviewer_id)
    if iv is None:
        raise ValidationProblem("This interviewer no longer exists.")
    number = text_number(s, iv)
    if number is None:
        raise ValidationProblem(no_keyword_note(s, iv) or (
            "Give this interviewer a phone number first (or set the SMS sender under "
            "Outreach): candidates text its keyword to it."))
    return set_keyword(s, interviewer_id, number, keyword)


class EntryService:
    def __init__(self, db: Database, bus: EventBus | None = None,
                 clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.db = db
        self.bus = bus
        self.clock = clock
        self.text_simulator: TextSimulator | None = None

    async def points(self, interviewer_id: int) -> EntryPoints:
        """Every way in for a saved interviewer (its default keyword is given on first ask)."""
        return await self.db.write(functools.partial(entry_points,
                                                     interviewer_id=interviewer_id))

    async def keyword(self, interviewer_id: int) -> str | None:
        row = await self.db.read(functools.partial(keyword_of, interviewer_id=interviewer_id))
        return row.keyword if row else None

    async def set_keyword(self, interviewer_id: int, keyword: str | None) -> str:
        """Change the keyword (None: back to the default); ValidationProblem when invalid or
        another interviewer has it on the same number."""
        word = await self.db.write(functools.partial(
            _set_keyword, interviewer_id=interviewer_id, keyword=keyword))
        if self.bus is not None:
            self.bus.publish(InterviewersChanged((interviewer_id,)))
        return word

    # ----- Settings → Account ----------------------------------------------------------------
    async def account(self) -> AccountSettings:
        return await self.db.read(_account)

    async def save_account(self, candidate_page: str, company_info: str) -> AccountSettings:
        saved = await self.db.write(functools.partial(
            _save_account, candidate_page=candidate_page, company_info=company_info))
        if self.bus is not None:
            self.bus.publish(AccountChanged())
        return saved

    async def page_problem(self, address: str | None = None) -> str | None:
        """Whether the candidate page (``address``, else the saved one) answers: None, or
        why not. No address: None (there is nothing to check)."""
        if address is None:
            address = (await self.account()).candidate_page
        return await page_problem(address) if address else None

    # ----- after the screening ---------------------------------------------------------------
    async def after_screening(self, interviewer_id: int) -> AfterScreening:
        def q(s: Session) -> AfterScreening:
            iv = s.get(Interviewer, interviewer_id)
            return read(iv.settings if iv is not None else None)
        return await self.db.read(q)

    async def save_after_screening(self, interviewer_id: int,
                                   settings: AfterScreening) -> AfterScreening:
        now = self.clock()
        saved = await self.db.write(lambda s: after.store(s, interviewer_id, settings, now))
        if self.bus is not None:
            self.bus.publish(InterviewersChanged((interviewer_id,)))
        return saved

    # ----- demo ------------------------------------------------------------------------------
    @property
    def can_simulate(self) -> bool:
        return self.text_simulator is not None

    async def simulate_text(self, points: EntryPoints, from_number: str = DEMO_TEXTER) -> str:
        """Demo mode: send the poster's text code (the keyword to the number) into the
        sandbox Twilio as an inbound SMS; the text-to-apply job then starts the screening.
        Returns what happened, in words."""
        text = points.of(EntryKind.TEXT)
        if self.text_simulator is None or text is None or points.keyword is None:
            raise ValidationProblem("Simulating a text needs demo mode and a keyword number.")
        sid = await self.text_simulator(text.target, from_number, points.keyword)
        if sid is None:
            return (f"{text.target} does not take texts to apply yet: its router is published "
                    "within a minute of opening the app. Try again shortly.")
        return (f"Texted {points.keyword} to {text.target} from {from_number}. The screening "
                "starts within a minute: watch the interviewer's Candidates tab.")
