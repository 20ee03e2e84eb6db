"""What the screens ask of Apply via Email: an interviewer's apply address (through
``addresses.apply_address``, the one function every producer uses) and, in demo mode, a test
application with a generated résumé APPENDed to the demo mailbox."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

from sqlalchemy.orm import Session

from milo_desktop.errors import ValidationProblem
from milo_desktop.models import Interviewer
from milo_desktop.services.connectors.email.imap import ImapConnector, parse_imap_url
from milo_desktop.services.core.database import Database
from milo_desktop.services.email_intake.addresses import apply_address
from milo_desktop.services.email_intake.mailbox import ENV_URL

ENV_DEMO = "MILO_DEMO_MAILBOX"  # "1": the mailbox is demo mode's local one (test button)
DEMO_PEOPLE = (("Priya Raman", "2145550171"), ("Marcus Lee", "9725550172"),
               ("Sofía Herrera", "4695550173"), ("Daniel Okafor", "8175550174"),
               ("Hannah Becker", "2145550175"))


@dataclass(frozen=True)
class ApplyAddress:
    interviewer_id: int
    slug: str
    address: str | None  # None: no mailbox address set yet


class ApplyByEmail:
    def __init__(self, db: Database, env: Mapping[str, str] | None = None) -> None:
        self.db = db
        self.env = dict(env or {})
        self._sent = 0

    @property
    def demo(self) -> bool:
        return self.env.get(ENV_DEMO) == "1" and bool(self.env.get(ENV_URL))

    async def address_of(self, interviewer_id: int) -> ApplyAddress:
        def read(s: Session) -> ApplyAddress:
            iv = s.get(Interviewer, interviewer_id)
            if iv is None:
                raise ValidationProblem("This interviewer no longer exists.")
            return ApplyAddress(iv.id, iv.slug, apply_address(s, iv.slug))
        return await self.db.read(read)

    async def send_test_application(self, interviewer_id: int) -> str:
        """Demo only: someone applies to this interviewer's address with a PDF résumé.
        Returns the applicant's name."""
        if not self.demo:
            raise ValidationProblem("Test applications go to the demo mailbox only.")
        target = await self.address_of(interviewer_id)
        if target.address is None:
            raise ValidationProblem("The demo mailbox has no address yet.")
        title = await self.db.read(lambda s: getattr(s.get(Interviewer, interviewer_id),
                                                     "position_title", "") or "")
        name, phone = DEMO_PEOPLE[self._sent % len(DEMO_PEOPLE)]
        self._sent += 1
        stamp = dt.datetime.now(dt.UTC)
        raw = await asyncio.to_thread(demo_application, name, phone, target.address, title,
                                      stamp)
        settings, secret = parse_imap_url(self.env[ENV_URL])
        imap = ImapConnector(settings, secret, timeout=15)
        try:
            await imap.append(raw)
        finally:
            await imap.aclose()
        return name


def demo_application(name: str, phone: str, to: str, title: str, now: dt.datetime) -> bytes:
    """An application email with a one-page PDF résumé (fpdf2), as a mail client sends it."""
    first = name.split()[0].lower()
    sender = f"{first}.{now:%H%M%S}@example.com"
    pretty = f"({phone[:3]}) {phone[3:6]}-{phone[6:]}"
    msg = EmailMessage()
    msg["From"] = f"{name} <{sender}>"
    msg["To"] = to
    msg["Subject"] = f"Application: {title}" if title else "Application"
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid(domain="example.com")
    msg.set_content(f"Hello,\n\nI'd like to apply for the {title or 'open'} position. My résumé "
                    f"is attached.\n\nBest regards,\n{name}\n{pretty}\n")
    msg.add_attachment(_resume_pdf(name, sender, pretty), maintype="application",
                       subtype="pdf", filename=f"{name} - Resume.pdf")
    return msg.as_bytes(policy=SMTP)


def _resume_pdf(name: str, email: str, phone: str) -> bytes:
    from fpdf import FPDF

    lines = [f"{email} | {phone} | Dallas, TX", "", "EXPERIENCE",
             "Warehouse Associate, Acme Logistics", "Jan 2020 - Present",
             "- Operated sit-down and reach forklifts in a 200,000 sq ft distribution center.",
             "- Loaded and unloaded trucks; cycle counts with RF scanners.",
             "Cashier, FoodMart", "2017 - 2019",
             "- Customer service at the register; handled returns and resolved complaints.",
             "", "CERTIFICATIONS", "Forklift certified (OSHA), 2021.", "",
             "SKILLS", "Forklift, pallet jack, inventory, RF scanner, customer service"]
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.cell(0, 10, _latin(name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=11)
    for line in lines:
        pdf.cell(0, 7, _latin(line), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _latin(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


__all__ = ["ENV_DEMO", "ApplyAddress", "ApplyByEmail", "demo_application"]
