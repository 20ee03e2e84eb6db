"""The score report PDF (fpdf2, no Qt): one candidate per section, each starting on a new
page, so one file serves a single candidate or a whole selection (a combined report prints
and mails as one document; a recruiter who wants one file per person selects one person).

Each section: the candidate and the interviewer, the overall score and status, a table of the
stages (score, structured requirements met, evaluator), every answer with its score,
evaluator, summary and an excerpt of the evidence, the knock-out reason, and the notes.
Text is set in DejaVu Sans (bundled under resources/fonts, free licence) so names such as
"Zoë Ångström" print as written.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from milo_desktop.enums import ApplicationStatus, StageKind, StageStatus
from milo_desktop.files import write_private
from milo_desktop.paths import resources_dir
from milo_desktop.services.review.records import EVIDENCE_EXCERPT
from milo_desktop.services.review.rows import AnswerRecord, ApplicationRecord, StageRecord

FONT = "DejaVu"
INK = (17, 24, 39)
MUTED = (107, 114, 128)
DANGER = (185, 28, 28)
GOOD = (21, 128, 61)
RULE = (229, 231, 235)
KEEP_MM = 24  # room for a question, its answer and its verdict

STATUS_WORDS = {
    ApplicationStatus.PENDING: "Pending", ApplicationStatus.IN_PROGRESS: "In progress",
    ApplicationStatus.EVALUATING: "Evaluating", ApplicationStatus.COMPLETED: "Completed",
    ApplicationStatus.SHORTLISTED: "Shortlisted", ApplicationStatus.DISMISSED: "Dismissed",
    ApplicationStatus.KNOCKED_OUT: "Knocked out",
}
STAGE_WORDS = {
    StageStatus.NOT_STARTED: "not started", StageStatus.IN_PROGRESS: "in progress",
    StageStatus.COMPLETED: "completed", StageStatus.KNOCKED_OUT: "knocked out",
}
KIND_WORDS = {StageKind.RESUME: "Résumé", StageKind.VOICE: "Voice", StageKind.SMS: "SMS",
              StageKind.FORM: "Form"}


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


def date_text(when: dt.datetime | None) -> str:
    """The app's date style ("Nov 3, 2026"), in local time."""
    if when is None:
        return "—"
    local = when.astimezone()
    return f"{local:%b} {local.day}, {local.year}"



def excerpt(text: str, limit: int = EVIDENCE_EXCERPT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class _Pdf(FPDF):
    generated = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"Milo Desktop score report · generated {self.generated}", align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")


def render_report(records: list[ApplicationRecord], path: Path,
                  now: dt.datetime | None = None) -> int:
    """Write the report for ``records`` to ``path``; returns the number of pages."""
    pdf = _Pdf(format="A4")
    pdf.generated = date_text(now or dt.datetime.now(dt.UTC))
    fonts = fonts_dir()
    pdf.add_font(FONT, "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_margins(16, 16, 16)
    names = ", ".join(r.name for r in records[:3]) + ("…" if len(records) > 3 else "")
    pdf.set_title(f"Score report — {names}")
    pdf.set_creator("Milo Desktop")
    for record in records:
        _candidate(pdf, record)
    write_private(path, bytes(pdf.output()))  # 0600: it holds candidates' personal data
    return pdf.pages_count


def _line(pdf: FPDF, text: str, size: float = 10, *, bold: bool = False,
          color: tuple[int, int, int] = INK, height: float | None = None) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, height or size * 0.5, text, align="L", new_x=XPos.LMARGIN,
                   new_y=YPos.NEXT)


def _candidate(pdf: FPDF, r: ApplicationRecord) -> None:
    pdf.add_page()
    role = r.interviewer_name
    if r.position_title and r.position_title.casefold() != role.casefold():
        role += f" ({r.position_title})"
    _line(pdf, f"Score report · {role}", 9, color=MUTED)
    pdf.ln(1)
    _line(pdf, r.name, 20, bold=True, height=10)
    contact = " · ".join(" ".join(x.split()) for x in (r.email, r.phone, r.location) if x)
    if contact:
        _line(pdf, contact, 10, color=MUTED)
    pdf.ln(3)
    pdf.set_font(FONT, "B", 14)
    pdf.set_text_color(*INK)
    overall = "Not scored yet" if r.score is None else f"Overall score {r.score:.0f} / 100"
    pdf.cell(70, 8, overall)
    pdf.set_font(FONT, "", 10)
    status_color = DANGER if r.status == ApplicationStatus.KNOCKED_OUT else (
        GOOD if r.status == ApplicationStatus.SHORTLISTED else INK)
    pdf.set_text_color(*status_color)
    pdf.cell(0, 8, STATUS_WORDS[r.status], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    dates = [f"Invited {date_text(r.invited_at)}"]
    if r.completed_at:
        dates.append(f"completed {date_text(r.completed_at)}")
    _line(pdf, " · ".join(dates), 9, color=MUTED)
    if r.knockout_reason:
        pdf.ln(2)
        _line(pdf, r.knockout_reason, 10, bold=True, color=DANGER)
    pdf.ln(4)
    _stage_table(pdf, r.stages)
    for stage in r.stages:
        if stage.answers:
            _answers(pdf, stage)
    _notes(pdf, r)


def _stage_table(pdf: FPDF, stages: tuple[StageRecord, ...]) -> None:
    if not stages:
        _line(pdf, "This interviewer has no stages.", 10, color=MUTED)
        return
    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(*INK)
    pdf.set_draw_color(*RULE)
    with pdf.table(col_widths=(38, 22, 16, 34, 38), text_align=("LEFT", "LEFT", "RIGHT",
                                                               "LEFT", "LEFT"),
                   line_height=5.5, borders_layout="HORIZONTAL_LINES", padding=(1, 2),
                   headings_style=FontFace(emphasis="BOLD", color=MUTED)) as table:
        table.row(("Stage", "Status", "Score", "Requirements met", "Evaluator"))
        for st in stages:
            requirements = (f"{st.structured_passed} of {st.structured_total}"
                            if st.structured_total else "—")
            score = "—" if st.score is None else f"{st.score:.0f}%"
            table.row((f"{st.position + 1}. {_stage_name(st)}",
                       STAGE_WORDS[st.status], score, requirements, st.evaluator or "—"))
    pdf.ln(2)


def _stage_name(st: StageRecord) -> str:
    """"Phone screen (Voice)"; just "Voice" when the stage is named after its kind."""
    kind = KIND_WORDS[st.kind]
    if _plain(st.name) == _plain(kind):
        return kind
    return f"{st.name} ({kind})"


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _answers(pdf: FPDF, stage: StageRecord) -> None:
    pdf.ln(3)
    _keep_together(pdf, KEEP_MM + 8)  # nor does a stage's heading
    _line(pdf, f"{_stage_name(stage)} — answers", 12, bold=True, height=7)
    for a in stage.answers:
        pdf.ln(1.5)
        _keep_together(pdf, KEEP_MM)  # a question never ends a page without its answer
        _line(pdf, a.question, 10, bold=True)
        _line(pdf, a.answer.strip() or "(no answer)", 10)
        verdict = _verdict(a)
        who = f" · evaluated by {a.evaluator}" if a.evaluator else ""
        color = DANGER if a.passed is False else INK
        _line(pdf, f"{verdict}{who}" + (" · dealbreaker" if a.dealbreaker else ""), 9,
              color=color)
        if a.summary:
            _line(pdf, f"Summary: {a.summary}", 9, color=MUTED)
        if a.evidence:
            _line(pdf, f"Evidence: “{excerpt(a.evidence)}”", 9, color=MUTED)


def _keep_together(pdf: FPDF, height_mm: float) -> None:
    if pdf.get_y() + height_mm > pdf.h - pdf.b_margin:
        pdf.add_page()


def _verdict(a: AnswerRecord) -> str:
    if a.score is not None:
        return f"Score {a.score:g} / 5"
    if a.passed is True:
        return "Pass"
    if a.passed is False:
        return "Fail"
    return "Not evaluated"


def _notes(pdf: FPDF, r: ApplicationRecord) -> None:
    pdf.ln(4)
    _line(pdf, "Notes", 12, bold=True, height=7)
    if not r.notes:
        _line(pdf, "No notes.", 10, color=MUTED)
    for note in r.notes:
        pdf.ln(1)
        _line(pdf, f"{note.author or 'Unknown author'} · {date_text(note.created_at)}", 9,
              color=MUTED)
        _line(pdf, note.body, 10)
