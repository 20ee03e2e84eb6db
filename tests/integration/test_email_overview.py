"""services/email_intake/overview.py on SQLite and PostgreSQL: the interviewers taking
candidates at the clock's now with their apply addresses, applications by email counted in
[now − 30 days, now] (the edges included, one second past them not), emails read in the same
window, and unreviewed quarantined email of any age."""

from __future__ import annotations

import datetime as dt
from typing import Any

from milo_desktop.enums import CandidateSource, InterviewerStatus
from milo_desktop.models import QuarantinedRecord
from milo_desktop.models.email import EmailIntakeRecord
from milo_desktop.models.system import WorkspaceSetting
from milo_desktop.services.email_intake.addresses import MAILBOX_KEY
from milo_desktop.services.email_intake.overview import EmailIntakeOverviewService
from milo_desktop.services.workspace import Workspace
from tests.factories import NOW, make_application, make_candidate, make_interviewer

SECOND = dt.timedelta(seconds=1)
START = NOW - dt.timedelta(days=30)


def test_overview_counts_in_the_window_only(workspace: Workspace, arun: Any) -> None:
    ws = workspace
    forklift = make_interviewer(ws, "Forklift Operator", slug="forklift")
    make_interviewer(ws, "assembler", slug="assembler")  # sorted case-blind: first
    make_interviewer(ws, "Ended", slug="ended", deadline=NOW - SECOND)
    closed = make_interviewer(ws, "Archived", slug="archived",
                              status=InterviewerStatus.ARCHIVED)
    ws.db.run_sync(lambda s: s.add(WorkspaceSetting(key=MAILBOX_KEY, value={
        "address": "jobs@agency.example", "mode": "plus", "aliases": {}})), write=True)
    for i, (iv, when, source) in enumerate((
            (forklift, START, CandidateSource.EMAIL),  # the window's first instant
            (forklift, NOW, CandidateSource.EMAIL),  # its last
            (forklift, START - SECOND, CandidateSource.EMAIL),  # before it
            (forklift, NOW + SECOND, CandidateSource.EMAIL),  # after it
            (forklift, NOW - SECOND, CandidateSource.PHONE),  # not by email
            (closed, NOW - SECOND, CandidateSource.EMAIL))):  # not listed, in the total
        make_application(ws, make_candidate(ws, f"Person {i}"), iv, source=source,
                         created_at=when)

    def records(s: Any) -> None:
        for i, when in enumerate((START, NOW, START - SECOND, NOW + SECOND)):
            s.add(EmailIntakeRecord(mailbox="u@h/INBOX", message_key=f"<m{i}@x>",
                                    uidvalidity=1, uid=i + 1, outcome="applied",
                                    created_at=when))
        for service, resolved, when in (("email", None, NOW - dt.timedelta(days=90)),
                                        ("email", NOW, NOW), ("smtp", None, NOW)):
            s.add(QuarantinedRecord(service=service, resource="message", reason="r",
                                    payload="{}", received_at=when, resolved_at=resolved))
    ws.db.run_sync(records, write=True)

    overview = arun(EmailIntakeOverviewService(ws.db, clock=lambda: NOW).overview())

    assert overview.mailbox_address == "jobs@agency.example"
    assert [(r.name, r.address, r.applications) for r in overview.rows] == [
        ("assembler", "jobs+assembler@agency.example", 0),
        ("Forklift Operator", "jobs+forklift@agency.example", 2)]
    assert (overview.applications, overview.emails_read, overview.needs_review) == (3, 2, 1)
    assert overview.period_days == 30
