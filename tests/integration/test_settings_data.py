"""Data and Settings services against real databases: labels with their use counts, the
search index rebuilt in batches (progress, Cancel leaving the index as it was), the brand on
the poster and in an email a real SMTP server receives, and AI defaults reaching new drafts."""

from __future__ import annotations

import io
import stat
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import text

from milo_desktop.enums import StageKind
from milo_desktop.errors import ValidationProblem
from milo_desktop.models.messaging import OutboxItem
from milo_desktop.services.authoring import share
from milo_desktop.services.connectors.email.smtp import SmtpConnector, SmtpSecurity, SmtpSettings
from milo_desktop.services.core.events import InterviewersChanged
from milo_desktop.services.data import IndexRebuild, LabelService, RebuildProgress
from milo_desktop.services.outreach.handlers import EmailHandler
from milo_desktop.services.sync.outbox import OutboxRow
from milo_desktop.services.workspace import Workspace
from milo_desktop.services.workspace_settings.ai_defaults import AiDefaults, AiDefaultsService
from milo_desktop.services.workspace_settings.branding import BrandingService
from tests.factories import make_candidate, make_interviewer
from tests.smtp_server import PASSWORD, USER, mail_server


def png(width: int = 40, height: int = 20, color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


# ----- labels -----------------------------------------------------------------------------
def test_labels_are_created_renamed_recoloured_and_deleted_with_their_use_count(
        workspace: Workspace, arun: Any) -> None:
    events: list[InterviewersChanged] = []
    workspace.bus.subscribe(InterviewersChanged, events.append)
    a = make_interviewer(workspace, "Forklift Operator", labels=("Dallas",))
    b = make_interviewer(workspace, "Line Cook", labels=("Dallas", "Kitchen"))
    labels = LabelService(workspace.db, workspace.bus)

    listed = {x.name: x for x in arun(labels.labels())}
    assert listed["Dallas"].interviewers == 2 and listed["Kitchen"].interviewers == 1
    made = arun(labels.create("  Night   shift ", "#AA3377", "department"))
    assert (made.name, made.color, made.interviewers) == ("Night shift", "#aa3377", 0)
    with pytest.raises(ValidationProblem, match="already a label “Dallas”"):
        arun(labels.create("dallas", "#000000"))
    with pytest.raises(ValidationProblem, match="#rrggbb"):
        arun(labels.create("Weekend", "red"))

    renamed = arun(labels.update(listed["Dallas"].id, name="Dallas–Fort Worth",
                                 color="#112233", kind="location"))
    assert (renamed.name, renamed.color, renamed.kind, renamed.interviewers) == (
        "Dallas–Fort Worth", "#112233", "location", 2)
    assert sorted(events[-1].ids) == sorted((a, b))
    with pytest.raises(ValidationProblem, match="already a label “Kitchen”"):
        arun(labels.update(made.id, name="KITCHEN"))

    assert arun(labels.delete(renamed.id)) == 2  # the count the dialog said
    assert {x.name for x in arun(labels.labels())} == {"Kitchen", "Night shift"}
    left = workspace.db.run_sync(lambda s: s.execute(text(
        "SELECT count(*) FROM interviewer_labels")).scalar_one())
    assert left == 1  # only Line Cook's Kitchen
    assert arun(workspace.interviewers.labels())  # the table's filter still reads them


# ----- the search index --------------------------------------------------------------------
def _indexed(ws: Workspace, name: str) -> bool:
    """Whether the FTS index itself holds ``name`` (type-ahead may scan small tables)."""
    return bool(ws.db.run_sync(lambda s: s.execute(text(
        "SELECT count(*) FROM candidates_fts WHERE candidates_fts MATCH :q"),
        {"q": f'"{name}"'}).scalar_one()))


def _found(ws: Workspace, arun: Any, name: str) -> bool:
    return any(c.full_name == name for c in arun(ws.search.typeahead(name)).candidates)


def _empty_index(ws: Workspace) -> None:
    ws.db.run_sync(lambda s: s.execute(text(
        "INSERT INTO candidates_fts(candidates_fts) VALUES ('delete-all')")), write=True)


def test_rebuild_reports_progress_in_batches_and_mends_the_index(
        sqlite_workspace: Workspace, arun: Any) -> None:
    ws = sqlite_workspace
    for i in range(23):
        make_candidate(ws, f"Quintessa Marlowe {i:02d}", f"q{i}@example.com")
    _empty_index(ws)
    assert not _indexed(ws, "Quintessa Marlowe 22")
    seen: list[RebuildProgress] = []

    assert arun(IndexRebuild(ws.db, seen.append, batch=5).run()) is True

    assert [p.done for p in seen] == [0, 5, 10, 15, 20, 23]
    assert {p.total for p in seen} == {23} and seen[-1].unit == "rows"
    assert _indexed(ws, "Quintessa Marlowe 22") and _indexed(ws, "q0@example.com")
    assert _found(ws, arun, "Quintessa Marlowe 22")
    ws.db.run_sync(lambda s: s.execute(text(
        "INSERT INTO candidates_fts(candidates_fts, rank) VALUES ('integrity-check', 1)")))


def test_a_cancelled_rebuild_leaves_the_index_as_it_was(
        sqlite_workspace: Workspace, arun: Any) -> None:
    ws = sqlite_workspace
    for i in range(12):
        make_candidate(ws, f"Oriel Vantongeren {i:02d}", f"o{i}@example.com")
    assert _indexed(ws, "Oriel Vantongeren 11")
    job: IndexRebuild

    def cancel_after_first_batch(p: RebuildProgress) -> None:
        if p.done >= 4:
            job.cancel()  # the index is half refilled at this point

    job = IndexRebuild(ws.db, cancel_after_first_batch, batch=4)
    assert arun(job.run()) is False
    # Rolled back: every candidate is still indexed, those past the first batch too.
    assert all(_indexed(ws, f"Oriel Vantongeren {i:02d}") for i in range(12))
    # …and the index still follows the table.
    make_candidate(ws, "Zephyrine Abernathy", "z@example.com")
    assert _indexed(ws, "Zephyrine Abernathy")


def test_rebuild_on_each_database(workspace: Workspace, arun: Any) -> None:
    make_candidate(workspace, "Bartholomew Quill", "bq@example.com")
    seen: list[RebuildProgress] = []
    assert arun(IndexRebuild(workspace.db, seen.append).run()) is True
    assert seen[-1].done == seen[-1].total > 0
    assert _found(workspace, arun, "Bartholomew Quill")


# ----- branding ----------------------------------------------------------------------------
def test_company_name_logo_and_colour_are_checked_and_kept_privately(
        sqlite_workspace: Workspace, arun: Any, tmp_path: Path) -> None:
    brand = BrandingService(sqlite_workspace.db, sqlite_workspace.bus, tmp_path / "data")
    with pytest.raises(ValidationProblem, match="26 characters; the limit is 25"):
        arun(brand.save("Northwind Staffing Partner", "#0f766e"))
    with pytest.raises(ValidationProblem, match="#rrggbb"):
        arun(brand.save("Northwind", "teal"))
    saved = arun(brand.save("  Northwind   Staffing ", "#0F766E"))
    assert (saved.company_name, saved.brand_color) == ("Northwind Staffing", "#0f766e")

    fake = tmp_path / "logo.png"
    fake.write_bytes(b"<html>not an image</html>")
    with pytest.raises(ValidationProblem, match="not a PNG image"):
        arun(brand.set_logo(fake))
    big = tmp_path / "huge.png"
    big.write_bytes(png(4001, 10))
    with pytest.raises(ValidationProblem, match="4001×10 pixels"):
        arun(brand.set_logo(big))
    heavy = tmp_path / "heavy.svg"
    heavy.write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'>" + b" " * 1_000_001)
    with pytest.raises(ValidationProblem, match="the limit is 1 MB"):
        arun(brand.set_logo(heavy))
    gif = tmp_path / "logo.gif"
    gif.write_bytes(b"GIF89a")
    with pytest.raises(ValidationProblem, match="PNG, JPEG or SVG"):
        arun(brand.set_logo(gif))

    good = tmp_path / "Logo.PNG"
    good.write_bytes(png())
    kept = Path(arun(brand.set_logo(good)).logo_path)
    assert kept.parent == tmp_path / "data" / "branding" and kept.read_bytes() == png()
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(kept.parent.stat().st_mode) == 0o700
    assert arun(brand.remove_logo()).logo_path == "" and not kept.exists()


def test_the_poster_carries_the_brand(sqlite_workspace: Workspace, arun: Any,
                                      tmp_path: Path) -> None:
    ws = sqlite_workspace
    iid = make_interviewer(ws, "Forklift Operator")
    brand = BrandingService(ws.db, ws.bus, tmp_path)
    plain = Image.open(io.BytesIO(arun(ws.authoring.poster_png(iid))))
    assert plain.getpixel((5, 5)) == share.ACCENT  # no brand: Milo's own colour
    arun(brand.save("Northwind Staffing", "#0f766e"))
    logo = tmp_path / "logo.png"
    logo.write_bytes(png(60, 30, "blue"))
    arun(brand.set_logo(logo))

    page = Image.open(io.BytesIO(arun(ws.authoring.poster_png(iid)))).convert("RGB")
    assert page.getpixel((5, 5)) == (0x0F, 0x76, 0x6E)  # the band
    assert page.getpixel((page.width // 2, 90)) == (0, 0, 255)  # the logo, centred at the top
    pdf = arun(ws.authoring.poster_pdf(iid))
    assert pdf.startswith(b"%PDF") and b"/Subtype /Image" in pdf
    assert share.PosterBrand("Northwind Staffing").headline() == "Northwind Staffing is hiring"


def test_an_outgoing_email_has_the_company_header_and_footer(
        sqlite_workspace: Workspace, arun: Any, tmp_path: Path) -> None:
    ws = sqlite_workspace
    arun(BrandingService(ws.db, ws.bus, tmp_path).save("Northwind Staffing", "#0f766e"))

    def queue(s: Any) -> int:
        item = OutboxItem(kind="email", idempotency_key="brand-1", payload={
            "to": "dana@example.com", "subject": "Your screening", "body": "Hi Dana,\n\nReply."})
        s.add(item)
        s.flush()
        return item.id

    item_id = ws.db.run_sync(queue, write=True)
    with mail_server() as server:
        settings = SmtpSettings("127.0.0.1", server.port, SmtpSecurity.NONE, USER,
                                "jobs@northwind.example", "Northwind")
        smtp = SmtpConnector(settings, PASSWORD, timeout=5)

        async def factory() -> SmtpConnector:
            return smtp

        handler = EmailHandler(ws.db, factory)

        async def send() -> None:
            row = ws.db.run_sync(lambda s: s.get(OutboxItem, item_id).payload)
            assert await handler.start_round()
            await handler.send(OutboxRow(item_id, "email", row, "brand-1", None, 0,  # type: ignore[arg-type]
                                         None, None, None))  # type: ignore[arg-type]

        arun(send())
        (got,) = server.messages()
    plain = got.message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = got.message.get_body(("html",)).get_content()
    assert plain.startswith("Northwind Staffing\n\nHi Dana,") and plain.rstrip().endswith(
        "—\nNorthwind Staffing")
    assert "background:#0f766e" in html and "<p>Hi Dana,</p>" in html


# ----- AI defaults -------------------------------------------------------------------------
def test_ai_defaults_reach_new_drafts_only(workspace: Workspace, arun: Any) -> None:
    authoring = workspace.authoring
    prompts = [q.prompt for g in authoring.question_library() for q in g.questions]
    service = AiDefaultsService(workspace.db, authoring)
    assert arun(service.load()) == AiDefaults()
    with pytest.raises(ValidationProblem, match="does not speak Spanish"):
        arun(service.save(AiDefaults(voice="Polly.Joanna", language="es")))
    chosen = AiDefaults(voice="Polly.Miguel", language="es", evaluator="llm", follow_ups=0,
                        questions=(prompts[0], prompts[1], prompts[0]))
    saved = arun(service.save(chosen))
    assert saved.questions == (prompts[0], prompts[1])  # once each

    # A fresh service reads what was stored (the wizard after a restart).
    authoring.ai_defaults = AiDefaults()
    assert arun(AiDefaultsService(workspace.db, authoring).load()) == saved
    key = authoring.templates()[0].key
    draft = authoring.draft_from_template(key)
    assert draft.language == "es"
    first = next(st for st in draft.stages if st.kind in (StageKind.VOICE, StageKind.SMS,
                                                          StageKind.FORM))
    assert [q.prompt for q in first.questions][-2:] == [prompts[0], prompts[1]] or \
        {prompts[0], prompts[1]} <= {q.prompt for q in first.questions}
    assert all(not q.follow_ups for st in draft.stages for q in st.questions)
    for st in draft.stages:
        if st.kind == StageKind.VOICE:
            assert st.settings["voice"] == "Polly.Miguel"
        if st.kind in (StageKind.VOICE, StageKind.SMS, StageKind.FORM):
            assert st.settings["evaluator"] == "llm"
    assert authoring.blank_draft().language == "es"
