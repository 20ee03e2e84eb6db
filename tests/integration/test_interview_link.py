"""One interview link (issue 10, point 6; issue 12, point 5): when the workspace hosts a
candidate page, the Share step, the QR poster, templates' {{link}} (previews, the invitation
email and SMS, nudges) all give a candidate the same address — with the address set under
Settings → Account, with the older policy key, and with the older wizard key a workspace may
still hold. Without an address there is no link at all (tests/integration/test_entry_links.py)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pypdf
import pytest
from sqlalchemy import select

from milo_desktop.enums import Channel, StageKind
from milo_desktop.models import Application, WorkspaceSetting
from milo_desktop.models.messaging import Message
from milo_desktop.services.authoring.share import link_for as share_link_for
from milo_desktop.services.outreach import CommunicationPolicy, OutreachService, TemplateKind
from milo_desktop.services.workspace import Workspace
from tests.factories import make_candidate, make_interviewer

NOW = dt.datetime(2026, 11, 18, 15, 0, tzinfo=dt.UTC)
SLUG = "forklift-dallas"


def every_link(ws: Workspace, arun: Any, iv: int, candidate: int) -> dict[str, str]:
    """The link as each producer writes it."""
    authoring = ws.authoring
    base = arun(authoring.link_base())
    outreach = OutreachService(ws.db, ws.bus, clock=lambda: NOW)
    preview = arun(outreach.preview(TemplateKind.INVITATION, iv, candidate))
    _title, codes = arun(authoring._title_and_codes(iv))
    poster_link = next(c.uri for c in codes if c.uri.startswith("https://"))
    pdf = arun(authoring.poster_pdf(iv))
    poster_text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text().replace("\n", "")
    arun(outreach.invite([candidate], iv))
    app = ws.db.run_sync(lambda s: s.scalar(select(Application.id).where(
        Application.candidate_id == candidate, Application.interviewer_id == iv)))
    placeholders = arun(outreach.placeholders_for(app))
    sent = ws.db.run_sync(lambda s: {m.channel: m.body for m in s.scalars(
        select(Message).where(Message.application_id == app))})

    def found(text: str) -> str:
        return next(w for w in text.split() if "://" in w).rstrip(".")

    return {
        "share step": share_link_for(base, SLUG),  # SharePage.link_text()
        "authoring.interview_link": arun(authoring.interview_link(SLUG)),
        "poster": poster_link,
        "poster PDF text": next(w for w in (poster_link,) if w in poster_text),
        "template preview (email)": found(preview[Channel.EMAIL].body),
        "template preview (SMS)": found(preview[Channel.SMS].body),
        "{{link}} of an application": placeholders["link"],
        "invitation email": found(sent[Channel.EMAIL]),
        "invitation SMS": found(sent[Channel.SMS]),
    }


@pytest.mark.parametrize("setting", ["account", "policy", "legacy"])
def test_every_producer_gives_the_same_link(workspace: Workspace, arun: Any,
                                            setting: str) -> None:
    ws = workspace
    expected = {"account": f"https://jobs.agency.example/candidates/{SLUG}",
                "policy": f"https://careers.northwind.example/interview/{SLUG}",
                "legacy": f"https://jobs.northwind.example/apply/{SLUG}"}[setting]
    policy = CommunicationPolicy(sms_enabled=True, sms_from="+15550100001")
    if setting == "policy":
        arun(ws.outreach.save_policy(CommunicationPolicy(
            sms_enabled=True, sms_from="+15550100001",
            link_base="https://careers.northwind.example/interview/")))
    else:
        arun(ws.outreach.save_policy(policy))
        if setting == "account":
            arun(ws.entry.save_account("https://jobs.agency.example/candidates/", ""))
        if setting == "legacy":  # stored by an older version; the policy has none
            ws.db.run_sync(lambda s: s.add(WorkspaceSetting(
                key="interview_link_base", value="https://jobs.northwind.example/apply/")),
                write=True)
            ws.db.run_sync(lambda s: _drop_policy_link(s), write=True)
    use_link_templates(ws, arun)
    iv = make_interviewer(ws, "Forklift Operator", slug=SLUG, deadline=None,
                          stages=(StageKind.RESUME,))
    candidate = make_candidate(ws, "Ana Link", phone_e164="+15550100222")
    links = every_link(ws, arun, iv, candidate)
    assert links == dict.fromkeys(links, expected)


def use_link_templates(ws: Workspace, arun: Any) -> None:
    """The default templates say how the next step starts; these invitations add the link."""
    for row in arun(ws.outreach.templates()):
        if row.kind == TemplateKind.INVITATION:
            arun(ws.outreach.save_template(row.id, row.subject,
                                           row.body + " Or start here: {{link}}"))


def _drop_policy_link(s: Any) -> None:
    row = s.get(WorkspaceSetting, "outreach.policy")
    row.value = {k: v for k, v in row.value.items() if k != "link_base"}
