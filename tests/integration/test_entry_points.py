"""Entry points with no web server of ours: the sms: / tel: / mailto: codes the Share step and
the poster carry (each QR code read back module by module and compared with the symbol segno
makes of the URI), the poster produced as PNG and PDF, and the words each invitation uses to
say how the candidate's next stage starts."""

from __future__ import annotations

import io
from typing import Any

import pypdf
import pytest
import segno
from PIL import Image
from sqlalchemy import select

from milo_desktop.enums import Channel, ReceptionistStatus, StageKind
from milo_desktop.models import (
    Interviewer,
    Message,
    Receptionist,
    ReceptionistInterviewer,
    Stage,
    WorkspaceSetting,
)
from milo_desktop.services.authoring import share
from milo_desktop.services.email_intake.addresses import MAILBOX_KEY
from milo_desktop.services.entry.points import EntryKind, next_step
from milo_desktop.services.outreach import CommunicationPolicy
from milo_desktop.services.workspace import Workspace
from tests.factories import make_candidate, make_interviewer

NUMBER = "+12145550142"
RECEPTION = "+12145550177"
SLUG = "forklift-dallas"


def qr_modules(png: bytes, scale: int = 10, border: int = 4) -> tuple[tuple[bool, ...], ...]:
    """Read a QR code image back into its dark/light modules (the centre pixel of each)."""
    image = Image.open(io.BytesIO(png)).convert("L")
    size = image.width // scale - 2 * border
    return tuple(tuple(image.getpixel(((border + x) * scale + scale // 2,
                                       (border + y) * scale + scale // 2)) < 128
                       for x in range(size)) for y in range(size))


def symbol_of(uri: str) -> tuple[tuple[bool, ...], ...]:
    return tuple(tuple(bool(v) for v in row) for row in segno.make(uri, error="m").matrix)


def with_mailbox(ws: Workspace) -> None:
    ws.db.run_sync(lambda s: s.add(WorkspaceSetting(
        key=MAILBOX_KEY, value={"address": "jobs@agency.example", "mode": "plus"})), write=True)


def with_receptionist(ws: Workspace, iv: int) -> None:
    def write(s: Any) -> None:
        r = Receptionist(name="Front desk", agent_name="Ava", phone_number=RECEPTION,
                         status=ReceptionistStatus.LIVE)
        s.add(r)
        s.flush()
        s.add(ReceptionistInterviewer(receptionist_id=r.id, interviewer_id=iv))
    ws.db.run_sync(write, write=True)


def test_every_entry_point_is_a_uri_a_phone_opens(workspace: Workspace, arun: Any) -> None:
    ws = workspace
    iv = make_interviewer(ws, "Forklift Operator", slug=SLUG, phone_number=NUMBER,
                          stages=(StageKind.VOICE,))
    with_receptionist(ws, iv)
    with_mailbox(ws)
    points = arun(ws.entry.points(iv))
    assert [(p.kind, p.uri, p.words) for p in points.points] == [
        (EntryKind.TEXT, f"sms:{NUMBER}?body=FORKLIFT", "Text FORKLIFT to +1 214 555 0142"),
        (EntryKind.CALL, f"tel:{RECEPTION}", "Call +1 214 555 0177"),
        (EntryKind.EMAIL, "mailto:jobs+forklift-dallas@agency.example",
         "Email your résumé to jobs+forklift-dallas@agency.example"),
    ]  # and no link: the workspace hosts no candidate page
    assert points.problem is None and points.keyword == "FORKLIFT"

    # Each QR code carries exactly its URI.
    for point in points.points:
        assert qr_modules(share.qr_png(point.uri)) == symbol_of(point.uri), point.uri
    assert qr_modules(share.qr_png(points.points[0].uri)) != symbol_of("sms:+12145550142")

    png = arun(ws.authoring.poster_png(iv))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert Image.open(io.BytesIO(png)).size == (1240, 1754)
    pdf = arun(ws.authoring.poster_pdf(iv))
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    text = " ".join(page.extract_text().split())
    for point in points.points:
        assert point.words in text
    assert len(page.images) == 3  # one QR code per way in
    assert "http" not in text


def test_a_candidate_page_adds_a_link_and_nothing_else_changes(workspace: Workspace,
                                                              arun: Any) -> None:
    ws = workspace
    iv = make_interviewer(ws, "Forklift Operator", slug=SLUG, phone_number=NUMBER,
                          stages=(StageKind.VOICE,))
    arun(ws.entry.save_account("https://jobs.agency.example/apply/", "Northwind Staffing"))
    points = arun(ws.entry.points(iv))
    assert [p.uri for p in points.points] == [
        f"sms:{NUMBER}?body=FORKLIFT", "https://jobs.agency.example/apply/forklift-dallas"]
    assert arun(ws.entry.account()).company_info == "Northwind Staffing"
    arun(ws.entry.save_account("", "Northwind Staffing"))  # cleared: no link again
    assert [p.kind for p in arun(ws.entry.points(iv)).points] == [EntryKind.TEXT]


def test_no_way_in_is_said(workspace: Workspace, arun: Any) -> None:
    iv = make_interviewer(workspace, "Forklift Operator", slug=SLUG, stages=(StageKind.RESUME,))
    points = arun(workspace.entry.points(iv))
    assert points.points == () and points.problem is not None
    assert "no way in" in points.problem
    pdf = arun(workspace.authoring.poster_pdf(iv))
    assert "Ask at the front desk" in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


@pytest.mark.parametrize(("kind", "channel", "phone", "mailbox", "words"), [
    (StageKind.VOICE, Channel.EMAIL, True, False,
     "We'll call you from +1 214 555 0142 within the hour."),
    (StageKind.VOICE, Channel.SMS, True, False,
     "We'll call you from +1 214 555 0142 within the hour."),
    (StageKind.SMS, Channel.EMAIL, True, False,
     "We'll text you from +1 214 555 0142 within the hour: reply to that text to answer."),
    (StageKind.SMS, Channel.SMS, True, False,
     "Our questions come by text from +1 214 555 0142 within the hour: reply to each one."),
    # Without the candidate's phone: the keyword, on the number the form also texts from.
    (StageKind.FORM, Channel.EMAIL, False, False, "To start, text FORKLIFT to +1 214 555 0142."),
    (StageKind.VOICE, Channel.EMAIL, False, False, "To start, text FORKLIFT to +1 214 555 0142."),
    (StageKind.RESUME, Channel.EMAIL, True, False,
     "Reply to this email with your résumé attached."),
    (StageKind.RESUME, Channel.EMAIL, True, True,
     "Reply with your résumé attached, or send it to jobs+forklift-dallas@agency.example."),
    (StageKind.RESUME, Channel.SMS, True, True,
     "Email your résumé to jobs+forklift-dallas@agency.example."),
])
def test_next_step_words_per_stage_type(workspace: Workspace, kind: StageKind, channel: Channel,
                                        phone: bool, mailbox: bool, words: str) -> None:
    iv = make_interviewer(workspace, "Forklift Operator", slug=SLUG, phone_number=NUMBER,
                          stages=(kind,))
    if mailbox:
        with_mailbox(workspace)

    def q(s: Any) -> str:
        interviewer = s.get(Interviewer, iv)
        stage = s.scalar(select(Stage).where(Stage.interviewer_id == iv))
        return next_step(s, interviewer, stage, channel, can_call=phone, open_now=True)

    assert workspace.db.run_sync(q, write=True) == words


def test_outside_business_hours_the_call_waits_for_them(workspace: Workspace) -> None:
    iv = make_interviewer(workspace, "Forklift Operator", slug=SLUG, phone_number=NUMBER,
                          stages=(StageKind.VOICE,))

    def q(s: Any) -> str:
        stage = s.scalar(select(Stage).where(Stage.interviewer_id == iv))
        return next_step(s, s.get(Interviewer, iv), stage, Channel.EMAIL, can_call=True,
                         open_now=False)

    assert workspace.db.run_sync(q) == ("We'll call you from +1 214 555 0142 during our "
                                        "business hours.")


def test_each_invitation_says_how_the_next_stage_starts(workspace: Workspace,
                                                        arun: Any) -> None:
    ws = workspace
    arun(ws.outreach.save_policy(CommunicationPolicy(sms_enabled=True, sms_from=NUMBER)))
    iv = make_interviewer(ws, "Forklift Operator", slug=SLUG, phone_number=NUMBER,
                          stages=(StageKind.VOICE, StageKind.RESUME))
    cid = make_candidate(ws, "Ana Phone", "ana@example.com", phone_e164="+12145550111")
    assert arun(ws.outreach.invite([cid], iv)).queued == 1
    bodies = ws.db.run_sync(lambda s: {m.channel: m.body for m in s.scalars(select(Message))})
    assert "We'll call you from +1 214 555 0142 within the hour." in bodies[Channel.EMAIL]
    assert bodies[Channel.SMS].endswith("We'll call you from +1 214 555 0142 within the hour.")
    assert all("http" not in b for b in bodies.values())


SENDER = "+12145550143"  # the workspace's SMS sender


def keyword_rows(ws: Workspace) -> list[tuple[int, str, str]]:
    from milo_desktop.models import EntryKeyword

    return ws.db.run_sync(lambda s: [(k.interviewer_id, k.phone_number, k.keyword)
                                     for k in s.scalars(select(EntryKeyword))])


def test_the_keyword_shares_the_number_its_text_stage_sends_from(
        workspace: Workspace, arun: Any) -> None:
    """One flow per number holds the keyword router and the text screenings
    (services/entry/number_flow.py), so a text stage's number carries keywords too."""
    ws = workspace
    arun(ws.outreach.save_policy(CommunicationPolicy(sms_from=SENDER)))
    iv = make_interviewer(ws, "Forklift Operator", slug=SLUG, phone_number=NUMBER,
                          stages=(StageKind.SMS,))
    other = make_interviewer(ws, "Line Cook", slug="line-cook", stages=(StageKind.FORM,))
    points = arun(ws.entry.points(iv))
    assert [(p.uri, p.words) for p in points.points] == [
        (f"sms:{NUMBER}?body=FORKLIFT", "Text FORKLIFT to +1 214 555 0142")]
    assert points.note is None and points.problem is None
    cook = arun(ws.entry.points(other))  # no number of its own: the workspace's sender
    assert cook.keyword == "LINE" and cook.text_number == SENDER
    assert sorted(keyword_rows(ws)) == sorted([(iv, NUMBER, "FORKLIFT"),
                                               (other, SENDER, "LINE")])

    def q(s: Any) -> str:
        stage = s.scalar(select(Stage).where(Stage.interviewer_id == iv))
        return next_step(s, s.get(Interviewer, iv), stage, Channel.EMAIL, can_call=False,
                         open_now=True)
    assert ws.db.run_sync(q, write=True) == "To start, text FORKLIFT to +1 214 555 0142."


def test_no_text_entry_point_when_a_receptionist_answers_on_both_numbers(
        workspace: Workspace, arun: Any) -> None:
    from milo_desktop.enums import ReceptionistStatus
    from milo_desktop.errors import ValidationProblem
    from milo_desktop.models import Receptionist
    from milo_desktop.services.entry.points import NO_SPARE_NUMBER

    ws = workspace
    arun(ws.outreach.save_policy(CommunicationPolicy(sms_from=SENDER)))
    iv = make_interviewer(ws, "Forklift Operator", slug=SLUG, phone_number=NUMBER,
                          stages=(StageKind.FORM,))
    assert arun(ws.entry.points(iv)).text_number == NUMBER

    def answer_on(number: str) -> Any:
        def write(s: Any) -> None:
            s.add(Receptionist(name=f"Desk {number[-2:]}", agent_name="Ava",
                               phone_number=number, status=ReceptionistStatus.LIVE))
        return write
    # A receptionist takes the interviewer's number: the keyword moves to the sender.
    ws.db.run_sync(answer_on(NUMBER), write=True)
    points = arun(ws.entry.points(iv))
    assert points.text_number == SENDER and points.keyword == "FORKLIFT"
    assert keyword_rows(ws) == [(iv, SENDER, "FORKLIFT")]
    # and one on the sender too: no text entry point, and the recruiter is told why.
    ws.db.run_sync(answer_on(SENDER), write=True)
    points = arun(ws.entry.points(iv))
    assert points.of(EntryKind.TEXT) is None and points.keyword is None
    assert points.note == NO_SPARE_NUMBER
    assert "spare number" in points.note and "Outreach → Communication policy" in points.note
    assert points.problem is not None and "no way in" in points.problem  # both are said
    assert keyword_rows(ws) == []  # the keyword left the number
    with pytest.raises(ValidationProblem, match="spare number"):
        arun(ws.entry.set_keyword(iv, "LIFT"))
    # With another way in only the note stays.
    with_mailbox(ws)
    points = arun(ws.entry.points(iv))
    assert points.problem is None and points.note == NO_SPARE_NUMBER


def test_the_wizards_draft_keeps_its_keyword_beside_its_text_stages(workspace: Workspace,
                                                                    arun: Any) -> None:
    from milo_desktop.services.authoring.draft import InterviewerDraft, StageDraft

    ws = workspace
    arun(ws.outreach.save_policy(CommunicationPolicy(sms_from=SENDER)))
    draft = InterviewerDraft(name="Forklift", slug=SLUG, position_title="Forklift Operator",
                             phone_number=NUMBER, stages=[StageDraft.new(StageKind.VOICE)])
    points = arun(ws.authoring.entry_points(draft))
    assert points.text_number == NUMBER and points.note is None
    draft.stages.append(StageDraft.new(StageKind.SMS))  # sends from NUMBER too
    draft.stages.append(StageDraft(StageKind.FORM, settings={"phone_number": SENDER}))
    points = arun(ws.authoring.entry_points(draft))
    assert points.text_number == NUMBER and points.keyword == "FORKLIFT"
    assert points.note is None
