"""CandidateService on SQLite and PostgreSQL: directory paging, filters, counts, profile, notes."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from milo_desktop.enums import (
    ApplicationStatus,
    CandidateSource,
    Channel,
    Direction,
    MessageStatus,
    StageStatus,
)
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import Answer, Application, Message, StageResult
from milo_desktop.services.candidates import (
    NOTE_MAX_CHARS,
    CandidateNotFound,
    CandidateRow,
    format_phone,
)
from milo_desktop.services.core.events import CandidatesChanged
from milo_desktop.services.core.paging import PageQuery
from milo_desktop.services.workspace import Workspace
from tests.factories import NOW, make_application, make_candidate, make_interviewer

FIRST = ["Ana", "ben", "Chloé", "Dmitri", "Eve", "Farah", "Gus", "Hana"]


def _seed_57(ws: Workspace) -> list[dict[str, Any]]:
    """57 candidates with many identical joined times and identical names (id tiebreaks)."""
    made = []
    for i in range(57):
        name = "Sam Same" if i % 9 == 0 else f"{FIRST[i % len(FIRST)]} Person{i % 5}"
        created = NOW - dt.timedelta(hours=i // 4)  # groups of 4 share a joined time
        cid = make_candidate(ws, name, f"p{i}@example.com", created_at=created)
        made.append({"id": cid, "name_key": name.casefold(), "created": created})
    return made


def _all_pages(arun: Any, ws: Workspace, query: PageQuery) -> list[CandidateRow]:
    rows: list[CandidateRow] = []
    after = None
    for _ in range(100):
        page = arun(ws.candidates.page(query, after))
        assert len(page.rows) <= query.limit
        rows.extend(page.rows)
        after = page.next_cursor
        if after is None:
            return rows
    raise AssertionError("paging never ended")


@pytest.mark.parametrize(
    ("sort", "descending", "key"),
    [
        ("joined", True, "created"),
        ("joined", False, "created"),
        ("name", False, "name_key"),
        ("name", True, "name_key"),
        ("recent", False, "created"),  # aliases name their own direction
        ("recent", True, "created"),
        ("oldest", False, "created"),
        ("oldest", True, "created"),
    ],
)
def test_paging_every_sort_has_no_gaps_or_duplicates(
    workspace: Workspace, arun: Any, sort: str, descending: bool, key: str
) -> None:
    made = _seed_57(workspace)
    rows = _all_pages(arun, workspace, PageQuery(sort=sort, descending=descending, limit=10))
    reverse = descending if sort in ("joined", "name") else sort == "recent"
    expected = [m["id"] for m in sorted(made, key=lambda m: (m[key], m["id"]), reverse=reverse)]
    assert [r.id for r in rows] == expected
    assert len({r.id for r in rows}) == 57


def test_page_sizes_and_last_cursor(workspace: Workspace, arun: Any) -> None:
    _seed_57(workspace)
    query = PageQuery(sort="name", limit=10)
    first = arun(workspace.candidates.page(query, None))
    assert len(first.rows) == 10 and first.next_cursor is not None
    exact = arun(workspace.candidates.page(query.with_(limit=57), None))
    assert len(exact.rows) == 57 and exact.next_cursor is None


def test_unknown_sort_is_refused(workspace: Workspace, arun: Any) -> None:
    with pytest.raises(ValueError, match="unknown candidate sort"):
        arun(workspace.candidates.page(PageQuery(sort="email"), None))


def test_search_by_name_email_and_phone(workspace: Workspace, arun: Any) -> None:
    ada = make_candidate(workspace, "Ada Lovelace", "ada@analytical.org", phone_e164="+12145550123")
    make_candidate(workspace, "Grace Hopper", "grace@navy.mil", phone_e164="+13125550199")
    make_candidate(workspace, "Alan Turing", "alan@bletchley.uk")

    def ids(text: str) -> set[int]:
        q = PageQuery(sort="joined", descending=True, filters={"search": text})
        return {r.id for r in arun(workspace.candidates.page(q, None)).rows}

    assert ids("Lovelace") == {ada}
    assert ids("lovel") == {ada}  # part of a word, any case
    assert ids("analytical.org") == {ada}
    assert ids("2145550123") == {ada}
    assert ids("zzz-nobody") == set()
    assert len(ids("   ")) == 3  # blank search: everyone


def test_joined_filters_are_inclusive_local_days(workspace: Workspace, arun: Any) -> None:
    chicago = ZoneInfo("America/Chicago")
    # 2026-11-03 03:00 UTC is still 2 November (21:00) in Chicago.
    late_nov2 = make_candidate(
        workspace, "Late Second", created_at=dt.datetime(2026, 11, 3, 3, tzinfo=dt.UTC)
    )
    nov3 = make_candidate(
        workspace, "Third Noon", created_at=dt.datetime(2026, 11, 3, 18, tzinfo=dt.UTC)
    )
    nov5 = make_candidate(
        workspace, "Fifth Late", created_at=dt.datetime(2026, 11, 6, 5, 59, tzinfo=dt.UTC)
    )
    nov6 = make_candidate(
        workspace, "Sixth", created_at=dt.datetime(2026, 11, 6, 6, 0, tzinfo=dt.UTC)
    )

    def ids(**filters: Any) -> set[int]:
        q = PageQuery(sort="joined", filters={"tz": chicago, **filters})
        found = {r.id for r in arun(workspace.candidates.page(q, None)).rows}
        assert arun(workspace.candidates.count(q)) == len(found)
        return found

    assert ids(joined_after=dt.date(2026, 11, 3)) == {nov3, nov5, nov6}
    assert ids(joined_before=dt.date(2026, 11, 2)) == {late_nov2}
    assert ids(joined_after=dt.date(2026, 11, 3), joined_before=dt.date(2026, 11, 5)) == {
        nov3,
        nov5,
    }
    assert ids(joined_after=dt.date(2026, 11, 5), joined_before=dt.date(2026, 11, 5)) == {nov5}
    # exact UTC bounds are accepted as they are
    exact = {"joined_after": dt.datetime(2026, 11, 3, 18, tzinfo=dt.UTC)}
    assert ids(**exact) == {nov3, nov5, nov6}


def test_interview_counts_and_erased_candidates(workspace: Workspace, arun: Any) -> None:
    one = make_interviewer(workspace, "Forklift Operator")
    two = make_interviewer(workspace, "Night Picker")
    busy = make_candidate(workspace, "Busy Bee")
    idle = make_candidate(workspace, "Idle Ida")
    gone = make_candidate(workspace, "Gone Gina", erase_requested_at=NOW)
    make_application(workspace, busy, one)
    make_application(workspace, busy, two)
    make_application(workspace, gone, one)
    query = PageQuery(sort="name")
    rows = {r.id: r for r in arun(workspace.candidates.page(query, None)).rows}
    assert set(rows) == {busy, idle}
    assert rows[busy].interviews == 2 and rows[idle].interviews == 0
    assert arun(workspace.candidates.count(query)) == 2
    fresh = arun(workspace.candidates.rows_by_ids([busy, gone, 999_999]))
    assert [(r.id, r.interviews) for r in fresh] == [(busy, 2)]
    assert arun(workspace.candidates.rows_by_ids([])) == ()


def test_row_contents_and_phone_display(workspace: Workspace, arun: Any) -> None:
    cid = make_candidate(
        workspace,
        "Rosa Parks",
        "Rosa@Example.com",
        phone_e164="+12145550123",
        location="Dallas, TX",
        source=CandidateSource.PHONE,
    )
    (row,) = arun(workspace.candidates.page(PageQuery(sort="name"), None)).rows
    assert (row.id, row.full_name, row.email, row.location) == (
        cid,
        "Rosa Parks",
        "rosa@example.com",
        "Dallas, TX",
    )
    assert row.source == CandidateSource.PHONE and row.joined == NOW
    assert row.phone_display == "+1 214-555-0123"
    assert format_phone("+442079460958") == "+44 20 7946 0958"
    assert format_phone("not a number") == "not a number"
    assert format_phone(None) == ""


def _rich_candidate(ws: Workspace) -> tuple[int, int, int]:
    iv = make_interviewer(ws, "Warehouse Associate")
    cid = make_candidate(
        ws,
        "Maya Chen",
        "maya@example.com",
        phone_e164="+12145550142",
        location="Austin, TX",
        ats_provider="greenhouse",
        ats_candidate_id="gh-77",
    )
    app = make_application(
        ws,
        cid,
        iv,
        ApplicationStatus.COMPLETED,
        stage_scores={0: 74.0, 1: 82.5},
        score=80.0,
        started_at=NOW,
        completed_at=NOW + dt.timedelta(hours=1),
    )

    def write(s: Any) -> None:
        results = s.query(StageResult).filter_by(application_id=app).all()
        voice = max(results, key=lambda r: r.stage_id)
        voice.evaluator = "rubric"
        s.add_all(
            [
                Answer(
                    stage_result_id=voice.id,
                    question_text="Can you lift 50 lb?",
                    answer_text="yes I can",
                    passed=True,
                    summary="Confirmed",
                    evidence="yes I can",
                ),
                Answer(
                    stage_result_id=voice.id,
                    question_text="Tell us about forklifts",
                    answer_text="3 years",
                    score=4.0,
                    summary="Solid experience",
                    evidence="three years on a reach truck",
                ),
                Message(
                    candidate_id=cid,
                    channel=Channel.EMAIL,
                    direction=Direction.OUTBOUND,
                    purpose="invitation",
                    to_addr="maya@example.com",
                    subject="Your interview",
                    status=MessageStatus.DELIVERED,
                    created_at=NOW - dt.timedelta(days=1),
                ),
                Message(
                    candidate_id=cid,
                    channel=Channel.SMS,
                    direction=Direction.OUTBOUND,
                    purpose="nudge",
                    to_addr="+12145550142",
                    status=MessageStatus.FAILED,
                    created_at=NOW,
                ),
            ]
        )

    ws.db.run_sync(write, write=True)
    return cid, iv, app


def test_profile_contents(workspace: Workspace, arun: Any) -> None:
    cid, iv, app = _rich_candidate(workspace)
    p = arun(workspace.candidates.profile(cid))
    assert (p.full_name, p.email, p.phone_display, p.location) == (
        "Maya Chen",
        "maya@example.com",
        "+1 214-555-0142",
        "Austin, TX",
    )
    assert (p.ats_provider, p.ats_candidate_id) == ("greenhouse", "gh-77")
    (interview,) = p.interviews
    assert (interview.application_id, interview.interviewer_id) == (app, iv)
    assert interview.interviewer_name == "Warehouse Associate"
    assert interview.status == ApplicationStatus.COMPLETED and interview.score == 80.0
    assert interview.completed_at == NOW + dt.timedelta(hours=1)
    assert [(st.stage_name, st.status, st.score) for st in interview.stages] == [
        ("Resume", StageStatus.COMPLETED, 74.0),
        ("Voice", StageStatus.COMPLETED, 82.5),
    ]
    voice = interview.stages[1]
    assert voice.evaluator == "rubric"
    assert [(a.question, a.passed, a.score) for a in voice.answers] == [
        ("Can you lift 50 lb?", True, None),
        ("Tell us about forklifts", None, 4.0),
    ]
    assert voice.answers[1].evidence == "three years on a reach truck"
    assert [(m.channel, m.purpose, m.status) for m in p.messages] == [
        (Channel.SMS, "nudge", MessageStatus.FAILED),
        (Channel.EMAIL, "invitation", MessageStatus.DELIVERED),
    ]
    assert p.notes == ()


def test_profile_of_missing_or_erased_candidate(workspace: Workspace, arun: Any) -> None:
    gone = make_candidate(workspace, "Erased Person", erase_requested_at=NOW)
    for cid in (gone, 424242):
        with pytest.raises(CandidateNotFound):
            arun(workspace.candidates.profile(cid))


def test_add_note_validates_stores_and_publishes(workspace: Workspace, arun: Any) -> None:
    cid, _iv, app = _rich_candidate(workspace)
    seen: list[CandidatesChanged] = []
    workspace.bus.subscribe(CandidatesChanged, seen.append)
    for bad in ("", "   \n"):
        with pytest.raises(ValidationProblem, match="Write something"):
            arun(workspace.candidates.add_note(cid, bad))
    with pytest.raises(ValidationProblem, match="at most 5,000"):
        arun(workspace.candidates.add_note(cid, "x" * (NOTE_MAX_CHARS + 1)))
    with pytest.raises(CandidateNotFound):
        arun(workspace.candidates.add_note(987654, "hello"))
    assert seen == []

    first = arun(workspace.candidates.add_note(cid, "  Strong forklift experience.  ", author="Jo"))
    assert first.body == "Strong forklift experience." and first.author == "Jo"
    arun(workspace.candidates.add_note(cid, "y" * NOTE_MAX_CHARS))  # the limit itself is fine
    assert seen == [CandidatesChanged((cid,)), CandidatesChanged((cid,))]
    notes = arun(workspace.candidates.profile(cid)).notes
    assert [n.body[:6] for n in notes] == ["yyyyyy", "Strong"]  # newest first

    has_notes = lambda: workspace.db.run_sync(lambda s: s.get(Application, app).has_notes)  # noqa: E731
    assert has_notes() is False  # candidate-level notes leave the applications alone
    arun(workspace.candidates.add_note(cid, "About this interview", application_id=app))
    assert has_notes() is True
    other = make_candidate(workspace, "Someone Else")
    with pytest.raises(ValidationProblem, match="does not belong"):
        arun(workspace.candidates.add_note(other, "wrong link", application_id=app))


def test_indexes_serve_every_sort(sqlite_workspace: Workspace) -> None:
    """EXPLAIN QUERY PLAN: each directory sort walks its index, with no temporary sort."""
    from sqlalchemy.dialects import sqlite

    svc = sqlite_workspace.candidates
    for sort, desc, index, cursor in [
        ("joined", True, "ix_candidates_created", (NOW, 5)),
        ("joined", False, "ix_candidates_created", (NOW, 5)),
        ("name", False, "ix_candidates_name_key", ("m", 5)),
        ("name", True, "ix_candidates_name_key", ("m", 5)),
    ]:
        for after in (None, cursor):
            stmt = svc.page_statement(PageQuery(sort=sort, descending=desc), after)
            sql = str(
                stmt.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
            )
            rows = sqlite_workspace.db.run_sync(
                lambda s, sql=sql: s.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql).all()
            )
            plan = " | ".join(str(r[-1]) for r in rows)
            assert f"USING INDEX {index}" in plan, plan
            assert "TEMP B-TREE" not in plan, plan
            if after is not None:  # a range on the index, not a scan from its first entry
                assert f"SEARCH candidates USING INDEX {index}" in plan, plan
