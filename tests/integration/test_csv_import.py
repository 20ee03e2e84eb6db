"""CSV import into a real workspace (SQLite and PostgreSQL): people created or linked by the
de-duplication keys, missing fields filled, possible duplicates, quarantined rows with their
reasons and their download, remembered mappings, Cancel, and a 100,000-row file."""

from __future__ import annotations

import asyncio
import csv
import json
import os
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from milo_desktop.enums import CandidateSource
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import Candidate, CandidateNote, PossibleDuplicate
from milo_desktop.services.candidates import csv_import
from milo_desktop.services.candidates.csv_import import CsvImportService, ImportReport, new_row
from milo_desktop.services.candidates.identity import Person, new_candidate
from milo_desktop.services.core.events import CandidatesChanged
from milo_desktop.services.sync.cursors import list_issues
from milo_desktop.services.workspace import Workspace
from tests.factories import make_candidate

HEADERS = ["First name", "Last name", "Email", "Phone", "City", "Notes"]
MAPPING = {0: "first_name", 1: "last_name", 2: "email", 3: "phone", 4: "city", 5: "notes"}


def write_csv(path: Path, rows: list[list[str]], headers: list[str] = HEADERS, *,
              delimiter: str = ",", encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f, delimiter=delimiter)
        w.writerow(headers)
        w.writerows(rows)
    return path


def candidates(ws: Workspace) -> list[Candidate]:
    def read(s: Any) -> list[Candidate]:
        rows = list(s.scalars(select(Candidate).order_by(Candidate.id)))
        s.expunge_all()
        return rows
    return ws.db.run_sync(read)


def count(ws: Workspace, model: Any) -> int:
    return int(ws.db.run_sync(lambda s: s.scalar(select(func.count()).select_from(model))))


@pytest.fixture
def service(workspace: Workspace) -> CsvImportService:
    return CsvImportService(workspace.db, workspace.bus)


def test_people_are_created_and_a_second_import_changes_nothing(
        workspace: Workspace, service: CsvImportService, arun: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "people.csv", [
        ["Jane", "Doe", "Jane.Doe@Example.com", "(212) 555-2368", "Austin", "Strong Python"],
        ["Raj", "Patel", "", "+44 20 7946 0958", "London", ""],
    ])
    events: list[CandidatesChanged] = []
    workspace.bus.subscribe(CandidatesChanged, events.append)
    report = arun(service.import_file(path, MAPPING))
    assert (report.created, report.updated, report.unchanged, report.quarantined,
            report.cancelled, report.total) == (2, 0, 0, 0, False, 2)
    assert report.rejects_path is None
    people = candidates(workspace)
    assert [(c.full_name, c.email, c.phone_e164, c.location, c.source) for c in people] == [
        ("Jane Doe", "jane.doe@example.com", "+12125552368", "Austin", CandidateSource.MANUAL),
        ("Raj Patel", None, "+442079460958", "London", CandidateSource.MANUAL)]
    notes = workspace.db.run_sync(lambda s: s.execute(
        select(CandidateNote.candidate_id, CandidateNote.body, CandidateNote.author)).all())
    assert [tuple(n) for n in notes] == [(people[0].id, "Strong Python",
                                          "CSV import: people.csv")]

    again = arun(service.import_file(path, MAPPING))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert count(workspace, Candidate) == 2
    assert count(workspace, CandidateNote) == 1
    arun(asyncio.sleep(0))  # the bus calls subscribers on the loop
    assert events  # the directory is told to reload


def test_existing_people_get_their_missing_fields_never_overwritten(
        workspace: Workspace, service: CsvImportService, arun: Any, tmp_path: Path) -> None:
    jane = make_candidate(workspace, "Jane Doe", "jane@example.com")
    ravi = make_candidate(workspace, "Ravi Kumar", "ravi@example.com", phone_e164="+12125550100",
                          location="Boston")
    path = write_csv(tmp_path / "crm.csv", [
        ["jane", "DOE", "JANE@example.com", "(212) 555-2368", "Austin", ""],
        ["Ravi", "Kumar", "", "(212) 555-0100", "Denver", ""],  # phone key, same name
    ])
    report = arun(service.import_file(path, MAPPING))
    assert (report.created, report.updated, report.unchanged,
            report.possible_duplicates) == (0, 1, 1, 0)
    by_id = {c.id: c for c in candidates(workspace)}
    assert len(by_id) == 2
    assert (by_id[jane].full_name, by_id[jane].phone_e164, by_id[jane].location) == (
        "Jane Doe", "+12125552368", "Austin")
    assert (by_id[ravi].email, by_id[ravi].location) == ("ravi@example.com", "Boston")


def test_a_key_under_another_name_is_a_new_person_and_a_possible_duplicate(
        workspace: Workspace, service: CsvImportService, arun: Any, tmp_path: Path) -> None:
    old = make_candidate(workspace, "Maria Lopez", "shared@example.com")
    path = write_csv(tmp_path / "x.csv", [["Tom", "Baker", "shared@example.com", "", "", ""]])
    report = arun(service.import_file(path, MAPPING))
    assert (report.created, report.updated, report.possible_duplicates) == (1, 0, 1)
    people = candidates(workspace)
    assert [c.full_name for c in people] == ["Maria Lopez", "Tom Baker"]
    pairs = workspace.db.run_sync(lambda s: [(p.candidate_id, p.other_id, p.key, p.source)
                                             for p in s.scalars(select(PossibleDuplicate))])
    assert pairs == [(old, people[1].id, "email", "csv")]
    # Importing it again links Tom to himself and records nothing twice.
    again = arun(service.import_file(path, MAPPING))
    assert (again.created, again.unchanged, again.possible_duplicates) == (0, 1, 0)
    assert count(workspace, PossibleDuplicate) == 1


def test_a_row_without_a_name_links_to_the_person_its_email_belongs_to(
        workspace: Workspace, service: CsvImportService, arun: Any, tmp_path: Path) -> None:
    ann = make_candidate(workspace, "Ann Lee", "ann@example.com")
    path = write_csv(tmp_path / "n.csv", [["", "", "ann@example.com", "(212) 555-2368", "", ""]])
    report = arun(service.import_file(path, MAPPING))
    assert (report.created, report.updated, report.possible_duplicates) == (0, 1, 0)
    assert [(c.id, c.phone_e164) for c in candidates(workspace)] == [(ann, "+12125552368")]


@pytest.mark.parametrize("batch", [500, 2])
def test_a_person_repeated_in_the_file_is_one_person(
        workspace: Workspace, service: CsvImportService, arun: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, batch: int) -> None:
    monkeypatch.setattr(csv_import, "BATCH_ROWS", batch)  # same batch, and across batches
    path = write_csv(tmp_path / "r.csv", [
        ["Kim", "Park", "kim@example.com", "", "", ""],
        ["Other", "Person", "other@example.com", "", "", ""],
        ["Kim", "Park", "", "(212) 555-2368", "Seoul", ""],
        ["Kim", "Park", "kim@example.com", "(212) 555-2368", "", ""],
        ["Lee", "Min", "kim@example.com", "", "", ""],
    ])
    report = arun(service.import_file(path, MAPPING))
    people = candidates(workspace)
    ids = [c.id for c in people]
    assert [c.full_name for c in people] == ["Kim Park", "Other Person", "Kim Park", "Lee Min"]
    # Row 4 shares no key with row 2 (a phone only): a second Kim — a name alone never links
    # (bulk imports leave same-name pairs to the Possible duplicates scan). Row 5 shares the
    # email with the first Kim and is them (their phone filled in), and shares the phone with
    # the second: a possible duplicate. Lee Min under Kim's email is someone else, possibly
    # the same.
    assert (report.created, report.updated, report.unchanged,
            report.possible_duplicates) == (4, 1, 0, 2)
    assert people[0].phone_e164 == "+12125552368"
    pairs = workspace.db.run_sync(lambda s: sorted(
        (p.candidate_id, p.other_id, p.key) for p in s.scalars(select(PossibleDuplicate))))
    assert pairs == [(ids[0], ids[2], "phone"), (ids[0], ids[3], "email")]


def test_bad_rows_are_quarantined_with_reasons_and_downloadable(
        workspace: Workspace, service: CsvImportService, arun: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bad.csv", [
        ["Good", "Row", "good@example.com", "", "", ""],
        ["Bad", "Email", "not-an-email", "", "", ""],
        ["", "", "", "", "Paris", "no name, no contact"],
        ["Only", "Phone", "", "12", "", ""],
        ["Nul", "By\x00te", "nul@example.com", "", "", ""],
        ["=HYPERLINK(\"http://evil\")", "Formula", "f@example.com", "", "", ""],
    ])
    report = arun(service.import_file(path, MAPPING))
    assert (report.created, report.quarantined) == (2, 4)
    formula = next(c for c in candidates(workspace) if c.email == "f@example.com")
    assert formula.full_name == '=HYPERLINK("http://evil") Formula'  # stored as text

    issues = workspace.db.run_sync(lambda s: list_issues(s))
    assert sorted((i.service, i.resource, i.external_id, i.reason) for i in issues) == [
        ("csv", "bad.csv", "row 3", "The email address is not valid."),
        ("csv", "bad.csv", "row 4", "No name, email address or phone number."),
        ("csv", "bad.csv", "row 5",
         "The phone number could not be read and there is no email address."),
        ("csv", "bad.csv", "row 6", "Last name contains a NUL character (the file may be "
                                    "damaged)."),
    ]
    payload = json.loads(next(i.payload for i in issues if i.external_id == "row 3"))
    assert payload == {"row": 3, "values": {"First name": "Bad", "Last name": "Email",
                                            "Email": "not-an-email", "Phone": "", "City": "",
                                            "Notes": ""}}

    dest = tmp_path / "out" / "rejected.csv"
    dest.parent.mkdir()
    assert arun(service.rejected_rows_csv(report, dest)) == 4
    if os.name == "posix":
        assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    with open(dest, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == [*HEADERS, "reason", "row"]
    assert [(r[2], r[-2], r[-1]) for r in rows[1:]] == [
        ("not-an-email", "The email address is not valid.", "3"),
        ("", "No name, email address or phone number.", "4"),
        ("", "The phone number could not be read and there is no email address.", "5"),
        ("nul@example.com", "Last name contains a NUL character (the file may be damaged).",
         "6")]
    CsvImportService.discard(report)
    assert not Path(report.rejects_path or "").exists()


def test_a_formula_in_a_rejected_row_is_escaped_in_the_download(
        workspace: Workspace, service: CsvImportService, arun: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "f.csv", [["=cmd|' /C calc'!A0", "", "bad@", "", "", ""]])
    report = arun(service.import_file(path, MAPPING))
    dest = tmp_path / "rejected.csv"
    arun(service.rejected_rows_csv(report, dest))
    assert "'=cmd|' /C calc'!A0" in dest.read_text(encoding="utf-8-sig")
    CsvImportService.discard(report)


def test_the_mapping_is_remembered_for_files_with_the_same_headers(
        workspace: Workspace, service: CsvImportService, arun: Any, tmp_path: Path) -> None:
    headers = ["Kontaktperson", "Adresse électronique 2", "Zip"]
    first = write_csv(tmp_path / "a.csv", [["Ann Lee", "ann@example.com", "75001"]], headers)
    preview = arun(service.preview(first))
    assert preview.remembered is False
    assert preview.headers == headers and preview.rows == [["Ann Lee", "ann@example.com",
                                                            "75001"]]
    chosen = {0: "name", 1: "email"}
    assert preview.mapping != chosen
    arun(service.import_file(first, chosen))
    later = write_csv(tmp_path / "b.csv", [["Bo Chen", "bo@example.com", "1000"]],
                      ["kontaktperson", "Adresse electronique 2", "ZIP"], delimiter=";")
    again = arun(service.preview(later))
    assert (again.remembered, again.mapping, again.format.delimiter) == (True, chosen, ";")
    other = write_csv(tmp_path / "c.csv", [["x"]], ["Something else"])
    assert arun(service.preview(other)).remembered is False


def test_a_mapping_without_a_name_or_contact_is_refused(
        service: CsvImportService, arun: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", [["Ann", "Lee", "a@example.com", "", "", ""]])
    with pytest.raises(ValidationProblem):
        arun(service.import_file(path, {4: "city"}))


def test_cancel_stops_between_batches_and_keeps_what_was_stored(
        workspace: Workspace, service: CsvImportService, arun: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_import, "BATCH_ROWS", 10)
    rows = [[f"Person{i}", "Test", f"p{i}@example.com", "", "", ""] for i in range(50)]
    path = write_csv(tmp_path / "big.csv", rows)
    cancel = threading.Event()
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if done >= 20:
            cancel.set()

    report: ImportReport = arun(service.import_file(path, MAPPING, progress=progress,
                                                    cancel=cancel))
    assert report.cancelled is True
    assert (report.created, report.done, report.total) == (20, 20, 50)
    assert seen == [(0, 50), (10, 50), (20, 50)]
    assert count(workspace, Candidate) == 20


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_hundred_thousand_rows(workspace: Workspace, service: CsvImportService, arun: Any,
                                 tmp_path: Path) -> None:
    existing = [make_candidate(workspace, f"Known{i} Person", f"known{i}@example.com")
                for i in range(5)]
    path = tmp_path / "100k.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(HEADERS)
        for i in range(100_000):
            if i % 1000 == 999:
                w.writerow([f"Bad{i}", "Row", "no-at-sign", "", "", ""])
            elif i < 5:
                w.writerow([f"Known{i}", "Person", f"known{i}@example.com", f"212555{i:04d}",
                            "Austin", ""])
            else:
                w.writerow([f"First{i}", f"Last{i}", f"user{i}@example.com",
                            f"+1 646 {300 + i // 10000} {i % 10000:04d}" if i % 3 == 0 else "", "Dallas",
                            "line one\nline two" if i % 50 == 0 else ""])
    report = arun(service.import_file(path, MAPPING), timeout=600)
    assert report.total == 100_000
    assert report.quarantined == 100
    assert report.updated == 5 and report.unchanged == 0
    assert report.created == 100_000 - 100 - 5
    assert count(workspace, Candidate) == 100_000 - 100
    assert count(workspace, CandidateNote) == len(range(0, 100_000, 50)) - len(
        [i for i in range(0, 100_000, 50) if i % 1000 == 999 or i < 5])
    assert {c.id for c in candidates(workspace)[:5]} == set(existing)
    CsvImportService.discard(report)


@pytest.mark.parametrize("person", [
    Person("  Ana  Silva ", "ana@example.com", "+12125552368", "linkedin.com/in/ana", "L" * 130),
    Person("", "only@example.com"),
    Person("", None, "+12125552368"),
    Person("   ", None, None, "linkedin.com/in/x"),
])
def test_a_new_row_is_what_identity_makes_of_a_new_person(person: Person) -> None:
    made = new_candidate(person, CandidateSource.MANUAL)
    row = new_row(person)
    assert row == {key: getattr(made, key) for key in row}
    assert set(row) >= {"full_name", "name_key", "email", "phone_e164", "linkedin_url",
                        "location", "source"}
