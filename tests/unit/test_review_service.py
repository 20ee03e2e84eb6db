"""ReviewService on SQLite and PostgreSQL: shortlist / dismiss / undo through the status
machine, selection resolution under the tab's filters, CSV / JSON exports checked against the
database, and the score report PDF read back with pypdf."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from milo_desktop.enums import ApplicationStatus
from milo_desktop.errors import EnvironmentProblem, ValidationProblem
from milo_desktop.models import Application, AuditEntry, Candidate, StageResult
from milo_desktop.services.applications.status import ReviewAction
from milo_desktop.services.core.events import ApplicationsChanged, InterviewersChanged
from milo_desktop.services.core.paging import PageQuery
from milo_desktop.services.review import (
    ExportFormat,
    ReviewSelection,
    decisions,
    service,
)
from milo_desktop.services.workspace import Workspace
from tests.factories import make_application, make_candidate
from tests.review_factories import ODD_LOCATION, ODD_NAME, ReviewData, build, statuses

A = ApplicationStatus


@pytest.fixture
def data(workspace: Workspace) -> ReviewData:
    return build(workspace)


def sel(d: ReviewData, *names: str, **filters: Any) -> ReviewSelection:
    if names:
        return ReviewSelection(d.interviewer_id, tuple(d.apps[n] for n in names))
    return ReviewSelection(d.interviewer_id, None, filters, "name", False)


def events(ws: Workspace) -> list[Any]:
    seen: list[Any] = []
    ws.bus.subscribe(ApplicationsChanged, seen.append)
    ws.bus.subscribe(InterviewersChanged, seen.append)
    return seen


# ----- decisions --------------------------------------------------------------------------------
def test_shortlist_moves_finished_ones_and_refuses_the_rest(
        workspace: Workspace, data: ReviewData, arun: Any) -> None:
    seen = events(workspace)
    outcome = arun(workspace.review.shortlist(sel(data, "Ann", "Dan", "Cara", "Eve")))
    a = data.apps
    assert set(outcome.changed) == {a["Ann"], a["Dan"]}
    after = statuses(workspace, list(a.values()))
    assert after[a["Ann"]] == after[a["Dan"]] == A.SHORTLISTED  # a knock-out may be overruled
    assert after[a["Cara"]] == A.PENDING and after[a["Eve"]] == A.SHORTLISTED
    reasons = {ids: msg for msg, ids in outcome.refused.items()}
    assert "finished the interview" in reasons[(a["Cara"],)]
    assert reasons[(a["Eve"],)] == "This application is already shortlisted."
    assert outcome.refused_count == 2
    assert outcome.undo is not None and outcome.undo.count == 2
    assert dict(outcome.undo.previous) == {A.COMPLETED: (a["Ann"],), A.KNOCKED_OUT: (a["Dan"],)}
    assert ApplicationsChanged(outcome.changed) in seen
    assert InterviewersChanged((data.interviewer_id,)) in seen

    def audit(s: Any) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in s.execute(select(
            AuditEntry.action, AuditEntry.entity_id, AuditEntry.detail)
            .where(AuditEntry.entity == "application").order_by(AuditEntry.entity_id))]

    rows = workspace.db.run_sync(audit)
    assert [(r[0], r[1], r[2]["before"], r[2]["after"]) for r in rows] == sorted([
        ("application.shortlist", a["Ann"], "completed", "shortlisted"),
        ("application.shortlist", a["Dan"], "knocked_out", "shortlisted")],
        key=lambda r: r[1])
    assert {r[2]["batch"] for r in rows} == {outcome.undo.batch}


def test_dismiss_then_undo_restores_each_previous_status(
        workspace: Workspace, data: ReviewData, arun: Any) -> None:
    a = data.apps
    before = statuses(workspace, list(a.values()))
    outcome = arun(workspace.review.dismiss(sel(data)))  # all matching: every status
    assert set(outcome.changed) == set(a.values())
    assert set(statuses(workspace, list(a.values())).values()) == {A.DISMISSED}
    assert outcome.undo is not None
    # something else moves Ann before the undo (a teammate's undo): she is left alone

    def move_ann(s: Any) -> None:
        s.execute(update(Application).where(Application.id == a["Ann"])
                  .values(status=A.SHORTLISTED))

    workspace.db.run_sync(move_ann, write=True)
    undone = arun(workspace.review.undo(outcome.undo))
    assert set(undone.changed) == set(a.values()) - {a["Ann"]}
    assert undone.refused == {decisions.CHANGED_SINCE: (a["Ann"],)}
    after = statuses(workspace, list(a.values()))
    assert after == {**before, a["Ann"]: A.SHORTLISTED}
    entry = workspace.db.run_sync(lambda s: s.scalars(select(AuditEntry.detail).where(
        AuditEntry.action == "application.undo")).one())
    assert entry == {"batch": outcome.undo.batch, "undid": "dismiss", "restored": 5,
                     "left_alone": [a["Ann"]]}
    assert statuses(workspace, [data.other_app])[data.other_app] == A.COMPLETED


def test_illegal_decisions_are_refused_with_a_message(
        workspace: Workspace, data: ReviewData, arun: Any) -> None:
    a = data.apps
    arun(workspace.review.dismiss(sel(data, "Bob")))
    again = arun(workspace.review.dismiss(sel(data, "Bob")))
    assert again.changed == () and again.undo is None
    assert again.refused == {"This application is already dismissed.": (a["Bob"],)}
    # another interviewer's application cannot be reached through this one
    other = arun(workspace.review.dismiss(
        ReviewSelection(data.interviewer_id, (data.other_app,))))
    assert other.changed == ()
    assert statuses(workspace, [data.other_app])[data.other_app] == A.COMPLETED
    # a pending application cannot be shortlisted, whatever the selection says
    pending = arun(workspace.review.shortlist(sel(data, "Cara")))
    assert pending.changed == () and "pending" in next(iter(pending.refused))


def test_bulk_decisions_go_in_chunks_with_progress(
        workspace: Workspace, data: ReviewData, arun: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decisions, "CHUNK", 2)
    progress: list[tuple[int, int]] = []
    outcome = arun(workspace.review.dismiss(sel(data), progress=lambda d, t: progress.append(
        (d, t))))
    assert progress == [(2, 6), (4, 6), (6, 6)]
    assert len(outcome.changed) == 6
    undone = arun(workspace.review.undo(outcome.undo))
    assert len(undone.changed) == 6 and undone.refused == {}


def test_undo_token_checks_the_status_machine(workspace: Workspace, data: ReviewData,
                                              arun: Any) -> None:
    outcome = arun(workspace.review.shortlist(sel(data, "Ann")))
    assert outcome.undo is not None
    forged = type(outcome.undo)(ReviewAction.SHORTLIST, data.interviewer_id, A.SHORTLISTED,
                                {A.SHORTLISTED: (data.apps["Ann"],)}, "x")
    refused = arun(workspace.review.undo(forged))
    assert refused.changed == ()
    assert refused.refused == {"The status before this decision is not known.": (
        data.apps["Ann"],)}
    assert statuses(workspace, [data.apps["Ann"]])[data.apps["Ann"]] == A.SHORTLISTED


# ----- selection --------------------------------------------------------------------------------
def test_resolve_selection_under_the_tab_filters(workspace: Workspace, data: ReviewData,
                                                 arun: Any) -> None:
    a, resume, voice = data.apps, *data.stage_ids
    review = workspace.review

    def ids(**filters: Any) -> tuple[int, ...]:
        return arun(review.resolve(sel(data, **filters)))

    assert ids() == tuple(a[n] for n in ("Ann", "Bob", "Cara", "Dan", "Eve", "Zoë"))
    assert ids(status="completed") == (a["Ann"], a["Zoë"])
    assert ids(status=("completed", "knocked_out")) == (a["Ann"], a["Dan"], a["Zoë"])
    assert ids(search="stone") == (a["Bob"],)
    assert ids(search="zoe@example") == (a["Zoë"],)
    assert ids(has_notes=True) == (a["Ann"],)
    assert ids(stage=(voice, "knocked_out")) == (a["Dan"],)
    assert ids(stage=(resume, "not_started")) == (a["Cara"],)
    assert ids(status="completed", has_notes=True) == (a["Ann"],)
    assert arun(review.count(sel(data, status="completed"))) == 2
    # the tab's own order: invited, newest first
    newest = ReviewSelection.of(PageQuery("recent", True, {"interviewer_id": data.interviewer_id}))
    assert arun(review.resolve(newest)) == tuple(
        a[n] for n in ("Ann", "Bob", "Cara", "Dan", "Zoë", "Eve"))
    # explicit ids keep their order and lose strangers
    explicit = ReviewSelection(data.interviewer_id, (a["Dan"], data.other_app, a["Ann"], 999999))
    assert arun(review.resolve(explicit)) == (a["Dan"], a["Ann"])


def test_neighbours_follow_the_tab_order(workspace: Workspace, data: ReviewData,
                                         arun: Any) -> None:
    a = data.apps
    svc = workspace.interviewers
    q = PageQuery("name", False, {"interviewer_id": data.interviewer_id, "status": "completed"})
    nxt = arun(svc.candidate_neighbour(q, a["Ann"], 1))
    assert nxt is not None and nxt.id == a["Zoë"]
    assert arun(svc.candidate_neighbour(q, a["Zoë"], 1)) is None
    prev = arun(svc.candidate_neighbour(q, a["Zoë"], -1))
    assert prev is not None and prev.id == a["Ann"]
    # Bob does not match the filter, yet his place in the order still has neighbours
    after_bob = arun(svc.candidate_neighbour(q, a["Bob"], 1))
    assert after_bob is not None and after_bob.id == a["Zoë"]
    # fresh rows for the tab: only those still matching
    rows = arun(svc.candidates_rows(q, [a["Ann"], a["Bob"]]))
    assert [r.id for r in rows] == [a["Ann"]]


# ----- exports ----------------------------------------------------------------------------------
def db_rows(ws: Workspace, ids: list[int]) -> dict[int, tuple[Any, ...]]:
    def q(s: Any) -> dict[int, tuple[Any, ...]]:
        return {r.id: r for r in s.execute(
            select(Application.id, Application.status, Application.score, Candidate.full_name,
                   Candidate.email, Candidate.location)
            .join(Candidate, Candidate.id == Application.candidate_id)
            .where(Application.id.in_(ids)))}

    return ws.db.run_sync(q)


def test_csv_export_matches_the_database(workspace: Workspace, data: ReviewData, arun: Any,
                                         tmp_path: Path) -> None:
    # a name that a spreadsheet would run as a formula
    evil = make_candidate(workspace, "=HYPERLINK(\"http://x\")", "evil@example.com")
    make_application(workspace, evil, data.interviewer_id, A.PENDING)
    path = tmp_path / "out.csv"
    progress: list[tuple[int, int]] = []
    result = arun(workspace.review.export(sel(data), path, ExportFormat.CSV,
                                          progress=lambda d, t: progress.append((d, t))))
    assert result.rows == 7 and not result.cancelled and progress[-1] == (7, 7)
    assert not list(tmp_path.glob(".*.part"))
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM: spreadsheets then read UTF-8
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0])[:8] == ["application_id", "candidate_id", "name", "email", "phone",
                                 "location", "status", "score"]
    assert "Resume score" in rows[0] and "Voice passed" in rows[0]
    by_id = {int(r["application_id"]): r for r in rows}
    truth = db_rows(workspace, list(by_id))
    for aid, row in by_id.items():
        t = truth[aid]
        assert row["status"] == t.status.value
        assert row["score"] == ("" if t.score is None else f"{t.score:g}")
        if not t.full_name.startswith("="):
            assert (row["name"], row["email"], row["location"]) == (
                t.full_name, t.email, t.location or "")
    zoe = by_id[data.apps["Zoë"]]
    assert zoe["name"] == ODD_NAME and zoe["location"] == ODD_LOCATION  # quotes, comma, \n
    assert (zoe["Resume score"], zoe["Resume passed"], zoe["Resume total"]) == ("91", "2", "3")
    assert zoe["Voice status"] == "completed" and zoe["Voice score"] == "88"
    assert by_id[data.apps["Dan"]]["knocked_out_stage"] == "Voice"
    assert by_id[data.apps["Ann"]]["phone"] == "+1 469-555-0123"
    evil_row = next(r for r in rows if r["email"] == "evil@example.com")
    assert evil_row["name"] == "'=HYPERLINK(\"http://x\")"


def test_json_export_has_stages_and_answers(workspace: Workspace, data: ReviewData, arun: Any,
                                            tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    chosen = ReviewSelection(data.interviewer_id, (data.apps["Zoë"], data.apps["Dan"]))
    result = arun(workspace.review.export(chosen, path, ExportFormat.JSON))
    assert result.rows == 2
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["interviewer"]["name"] == "Forklift Driver"
    zoe, dan = doc["candidates"]
    assert zoe["candidate"]["name"] == ODD_NAME
    assert [st["name"] for st in zoe["stages"]] == ["Resume", "Voice"]

    def truth(s: Any) -> list[float | None]:
        return list(s.scalars(select(StageResult.score).where(
            StageResult.application_id == data.apps["Zoë"]).order_by(StageResult.stage_id)))

    assert [st["score"] for st in zoe["stages"]] == workspace.db.run_sync(truth)
    voice = zoe["stages"][1]
    assert voice["evaluator"] == "rubric:v1"
    assert [a["question"] for a in voice["answers"]] == [
        "Do you hold a forklift licence?", "Tell us about your warehouse experience."]
    experience = voice["answers"][1]
    assert experience["score"] == 4.0 and experience["evaluator"] == "rubric:v1"
    assert experience["evidence"] == "six years at Nordlager driving reach trucks"
    assert experience["answer"] == 'Six years at "Nordlager", reach trucks, counterbalance'
    assert dan["status"] == "knocked_out" and dan["knocked_out_stage"] == "Voice"
    assert dan["knockout_reason"] == (
        "Knocked out in Voice: Do you hold a forklift licence? — answered “No, not yet”")


def test_export_cancel_and_unwritable_target(workspace: Workspace, data: ReviewData,
                                             arun: Any, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decisions, "CHUNK", 2)
    out = tmp_path / "exports"
    out.mkdir()
    path = out / "big.csv"
    pages: list[int] = []
    result = arun(workspace.review.export(
        sel(data), path, ExportFormat.CSV, progress=lambda d, t: pages.append(d),
        cancelled=lambda: len(pages) >= 1))
    assert result.cancelled and result.rows == 2
    assert not path.exists() and not list(out.iterdir())
    with pytest.raises(EnvironmentProblem, match="Choose another folder"):
        arun(workspace.review.export(sel(data), tmp_path / "missing" / "x.csv",
                                     ExportFormat.CSV))


# ----- score report -----------------------------------------------------------------------------
def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_score_report_pdf(workspace: Workspace, data: ReviewData, arun: Any,
                          tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    chosen = ReviewSelection(data.interviewer_id, (data.apps["Zoë"], data.apps["Dan"]))
    result = arun(workspace.review.score_report(chosen, path))
    assert result.candidates == 2 and result.pages >= 2
    reader = PdfReader(str(path))
    assert len(reader.pages) == result.pages
    text = pdf_text(path)
    flat = " ".join(text.split())
    assert ODD_NAME in flat  # Unicode survives: the font is embedded with its ToUnicode map
    assert "Forklift Driver" in flat
    assert "Overall score 90 / 100" in flat  # (91 + 88) / 2, rounded as the tab shows it
    assert "Tell us about your warehouse experience." in flat
    assert "Score 4 / 5" in flat and "rubric:v1" in flat
    assert "six years at Nordlager driving reach trucks" in flat
    assert "Prefers night shifts" in flat
    assert "2 of 3" in flat  # the Résumé stage's structured requirements
    assert ("Knocked out in Voice: Do you hold a forklift licence? — answered “No, not yet”"
            in flat)
    # each candidate starts on a page of their own
    first_pages = [p.extract_text() for p in reader.pages]
    dan_page = next(i for i, t in enumerate(first_pages) if "Dan Fox" in t)
    assert dan_page >= 1 and "Dan Fox" not in " ".join(first_pages[:dan_page])


def test_score_report_limits(workspace: Workspace, data: ReviewData, arun: Any,
                             tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tmp_path = tmp_path / "reports"
    tmp_path.mkdir()
    with pytest.raises(ValidationProblem, match="at least one"):
        arun(workspace.review.score_report(sel(data, status="evaluating"), tmp_path / "a.pdf"))
    monkeypatch.setattr(service, "MAX_REPORT_CANDIDATES", 2)
    with pytest.raises(ValidationProblem, match="at most 2 candidates; 6 are selected"):
        arun(workspace.review.score_report(sel(data), tmp_path / "b.pdf"))
    assert not list(tmp_path.iterdir())
    # one candidate with no answers at all still gets a readable page
    ok = arun(workspace.review.score_report(sel(data, "Cara"), tmp_path / "c.pdf"))
    assert ok.pages == 1
    text = pdf_text(tmp_path / "c.pdf")
    assert "Cara Diaz" in text and "Not scored yet" in text and "No notes." in text
