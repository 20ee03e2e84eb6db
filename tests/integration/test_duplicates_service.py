"""One person, many sources (SQLite and PostgreSQL): possible duplicates listed with their
reason, "Not the same person" final, Merge moving everything in one logged transaction, Undo
putting both people back exactly within 30 days, and the name scan."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, or_, select

from milo_desktop.enums import (
    ApplicationStatus,
    CandidateSource,
    Channel,
    Direction,
    NotificationKind,
    OutboxStatus,
    StageStatus,
)
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import (
    Answer,
    Application,
    Candidate,
    CandidateNote,
    ExternalIdentity,
    InboundCall,
    MergeLog,
    Message,
    Notification,
    OutboxItem,
    PossibleDuplicate,
    Receptionist,
    StageResult,
)
from milo_desktop.models.base import Base
from milo_desktop.services.candidates.duplicates import (
    _block_words,
    find_name_pairs,
    record_name_pairs,
)
from milo_desktop.services.candidates.identity import Person, record_possible, resolve
from milo_desktop.services.core.events import CandidatesChanged
from milo_desktop.services.pipeline.matching import names_agree
from milo_desktop.services.workspace import Workspace
from tests.factories import NOW, make_application, make_candidate, make_interviewer

UNLOGGED = {"merge_log", "audit_log"}  # what a merge and its Undo add on purpose


def dump(ws: Workspace) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (but the merge's own log), in id order."""
    def read(s: Any) -> dict[str, list[tuple[Any, ...]]]:
        out = {}
        for table in Base.metadata.sorted_tables:
            if table.name in UNLOGGED:
                continue
            order = [table.c.id] if "id" in table.c else list(table.primary_key.columns)
            out[table.name] = [tuple(r) for r in s.execute(select(table).order_by(*order))]
        return out

    return ws.db.run_sync(read)


def add(ws: Workspace, *rows: Any) -> list[int]:
    def w(s: Any) -> list[int]:
        s.add_all(rows)
        s.flush()
        return [r.id for r in rows]

    return ws.db.run_sync(w, write=True)


def stage_ids(ws: Workspace, app_id: int) -> list[int]:
    return ws.db.run_sync(lambda s: list(s.scalars(
        select(StageResult.id).where(StageResult.application_id == app_id)
        .order_by(StageResult.id))))


@pytest.fixture
def people(workspace: Workspace) -> dict[str, Any]:
    """Ana (kept) and Anna (merged) with a history each, sharing one interviewer."""
    ws = workspace
    ws.duplicates.clock = lambda: NOW
    iv1, iv2, shared = (make_interviewer(ws, n) for n in ("Forklift", "Picker", "Driver"))
    ana = make_candidate(ws, "Ana Lopez", "ana@example.com", phone_e164="+12145550101",
                         location="Austin, TX", created_at=NOW - dt.timedelta(days=20),
                         updated_at=NOW - dt.timedelta(days=20))
    anna = make_candidate(ws, "Anna Lopez-Ruiz", "anna.ruiz@example.com",
                          phone_e164="+12145550101", linkedin_url="linkedin.com/in/annaruiz",
                          source=CandidateSource.ATS, ats_provider="greenhouse",
                          ats_candidate_id="77", created_at=NOW - dt.timedelta(days=2),
                          updated_at=NOW - dt.timedelta(days=2))
    other = make_candidate(ws, "Zed Other", "zed@example.com")
    ana_iv1 = make_application(ws, ana, iv1, ApplicationStatus.COMPLETED, {0: 80.0, 1: 70.0})
    ana_shared = make_application(ws, ana, shared)  # pending: the merged one got further
    anna_iv2 = make_application(ws, anna, iv2, ApplicationStatus.IN_PROGRESS, {0: 60.0})
    anna_shared = make_application(ws, anna, shared, ApplicationStatus.IN_PROGRESS,
                                   {0: 90.0}, has_notes=True)
    res = add(ws, Receptionist(name="Front desk", agent_name="Mia"))[0]
    add(ws, Answer(stage_result_id=stage_ids(ws, ana_shared)[0], question_text="Q?",
                   answer_text="kept's answer"),
        Answer(stage_result_id=stage_ids(ws, anna_shared)[0], question_text="Q?",
               answer_text="merged's answer"),
        CandidateNote(candidate_id=ana, body="kept note"),
        CandidateNote(candidate_id=ana, application_id=ana_shared, body="note on kept app"),
        CandidateNote(candidate_id=anna, application_id=anna_shared, body="note on shared"),
        Message(candidate_id=anna, application_id=anna_iv2, channel=Channel.SMS,
                direction=Direction.OUTBOUND, to_addr="+12145550101"),
        Message(candidate_id=ana, application_id=ana_shared, channel=Channel.EMAIL,
                direction=Direction.OUTBOUND, to_addr="ana@example.com"),
        Notification(kind=NotificationKind.COMPLETED, title="Anna completed",
                     candidate_id=anna),
        InboundCall(receptionist_id=res, caller_name="Anna", candidate_id=anna,
                    from_e164="+12145550101"),
        ExternalIdentity(provider="greenhouse", kind="candidate", external_id="77",
                         candidate_id=anna),
        ExternalIdentity(provider="greenhouse", kind="application", external_id="A77",
                         candidate_id=anna, application_id=anna_shared, job_external_id="J"),
        ExternalIdentity(provider="lever", kind="application", external_id="L1",
                         candidate_id=ana, application_id=ana_shared),
        OutboxItem(kind="ats_note", payload={"candidate_id": anna, "job": "J"},
                   idempotency_key="ats:1", status=OutboxStatus.PENDING),
        OutboxItem(kind="ats_note", payload={"candidate_id": anna, "job": "J"},
                   idempotency_key="ats:2", status=OutboxStatus.DONE))
    ws.db.run_sync(lambda s: record_possible(s, anna, [(ana, "phone")], "greenhouse"),
                   write=True)
    ws.db.run_sync(lambda s: record_possible(s, anna, [(other, "email")], "csv"), write=True)
    ws.db.run_sync(lambda s: record_possible(s, ana, [(other, "name")], "scan"), write=True)
    return dict(ana=ana, anna=anna, other=other, ana_iv1=ana_iv1, ana_shared=ana_shared,
                anna_iv2=anna_iv2, anna_shared=anna_shared, iv1=iv1, iv2=iv2, shared=shared)


def count(ws: Workspace, model: Any, *where: Any) -> int:
    return ws.db.run_sync(lambda s: s.scalar(select(func.count()).select_from(model)
                                             .where(*where)))


def test_a_key_shared_under_another_name_is_never_linked(workspace: Workspace) -> None:
    maria = make_candidate(workspace, "Maria Gomez", "family@example.com",
                           phone_e164="+12145550123")
    got = workspace.db.run_sync(lambda s: resolve(s, [
        Person("Jose Gomez", email="family@example.com"),
        Person("José Gómez", phone_e164="+12145550123"),
        Person("maria GÓMEZ", email="family@example.com")]))
    assert got[0].candidate_id is None and got[0].possible == ((maria, "email"),)
    assert got[1].candidate_id is None and got[1].possible == ((maria, "phone"),)
    assert got[2].candidate_id == maria  # the names agree: the same person


def test_open_pairs_list_both_people_with_their_sources_and_reason(
        workspace: Workspace, people: dict[str, Any], arun: Any) -> None:
    assert arun(workspace.duplicates.count_open()) == 3
    page = arun(workspace.duplicates.open_pairs(limit=2))
    assert len(page.rows) == 2 and page.next_cursor is not None
    rest = arun(workspace.duplicates.open_pairs(after=page.next_cursor[0], limit=2))
    assert len(rest.rows) == 1 and rest.next_cursor is None
    newest_first = [p.id for p in page.rows + rest.rows]
    assert newest_first == sorted(newest_first, reverse=True)
    pair = next(p for p in page.rows + rest.rows if p.key == "phone")
    assert pair.reason == "Same phone, different names" and pair.source == "greenhouse"
    assert (pair.first.id, pair.second.id) == (people["ana"], people["anna"])  # older first
    assert pair.first.applications == 2 and pair.second.applications == 2
    assert pair.second.providers == ("greenhouse",)
    assert pair.second.source == CandidateSource.ATS
    assert set(pair.second.interviewers) == {"Picker", "Driver"}
    assert pair.differing_fields() == ("full_name", "email", "linkedin_url", "location",
                                       "source", "ats")
    # Keeping Ana: the newer person's name and email, whoever has the LinkedIn / ATS / town.
    assert pair.default_choices() == {"full_name": "merged", "email": "merged",
                                      "linkedin_url": "merged", "location": "kept",
                                      "source": "merged", "ats": "merged"}


def test_not_the_same_person_is_never_suggested_again(
        workspace: Workspace, people: dict[str, Any], arun: Any) -> None:
    pair = next(p for p in arun(workspace.duplicates.open_pairs()).rows if p.key == "phone")
    arun(workspace.duplicates.mark_distinct(pair.id))
    assert arun(workspace.duplicates.count_open()) == 2
    again = workspace.db.run_sync(lambda s: record_possible(
        s, people["ana"], [(people["anna"], "phone")], "greenhouse"), write=True)
    assert again == 0
    arun(workspace.duplicates.scan_names())
    assert pair.id not in [p.id for p in arun(workspace.duplicates.open_pairs()).rows]
    row = workspace.db.run_sync(lambda s: s.get(PossibleDuplicate, pair.id))
    assert (row.resolution, row.resolved_at) == ("distinct", NOW)


def test_merge_moves_everything_in_one_logged_transaction(
        workspace: Workspace, people: dict[str, Any], arun: Any) -> None:
    ws, p = workspace, people
    seen: list[Any] = []
    ws.bus.subscribe(CandidatesChanged, seen.append)
    done = arun(ws.duplicates.merge(p["ana"], p["anna"],
                                    {"email": "merged", "linkedin_url": "merged",
                                     "ats": "merged"}, actor="sam"))
    assert (done.kept_id, done.merged_id) == (p["ana"], p["anna"])
    ana = ws.db.run_sync(lambda s: s.get(Candidate, p["ana"]))
    assert ws.db.run_sync(lambda s: s.get(Candidate, p["anna"])) is None
    assert (ana.full_name, ana.email, ana.linkedin_url, ana.location) == (
        "Ana Lopez", "anna.ruiz@example.com", "linkedin.com/in/annaruiz", "Austin, TX")
    assert (ana.ats_provider, ana.ats_candidate_id, ana.source) == (
        "greenhouse", "77", CandidateSource.MANUAL)
    assert ana.created_at == NOW - dt.timedelta(days=20)
    # Applications: Anna's Picker moved; at the shared interviewer hers (further along) stays
    # and Ana's pending one is folded into it (its note, message and ATS identity follow).
    apps = ws.db.run_sync(lambda s: sorted(s.execute(select(
        Application.id, Application.interviewer_id, Application.has_notes).where(
        Application.candidate_id == p["ana"])).tuples()))
    assert apps == sorted([(p["ana_iv1"], p["iv1"], False), (p["anna_iv2"], p["iv2"], False),
                           (p["anna_shared"], p["shared"], True)])
    assert count(ws, Application, Application.id == p["ana_shared"]) == 0
    assert count(ws, Answer, Answer.answer_text == "kept's answer") == 0
    assert count(ws, Answer, Answer.answer_text == "merged's answer") == 1
    on_shared = CandidateNote.application_id == p["anna_shared"]
    assert count(ws, CandidateNote, on_shared) == 2
    assert count(ws, Message, Message.application_id == p["anna_shared"]) == 1
    assert count(ws, ExternalIdentity, ExternalIdentity.application_id == p["anna_shared"]) == 2
    for model in (CandidateNote, Message, Notification, InboundCall, ExternalIdentity):
        assert count(ws, model, model.candidate_id == p["anna"]) == 0
        assert count(ws, model, model.candidate_id == p["ana"]) > 0
    # The pair is gone with Anna; her pair with Zed is now Ana's, beside Ana's own with Zed
    # (kept once: the existing one).
    pairs = ws.db.run_sync(lambda s: sorted(s.execute(select(
        PossibleDuplicate.candidate_id, PossibleDuplicate.other_id)).tuples()))
    assert pairs == [(p["ana"], p["other"])]
    outbox = ws.db.run_sync(lambda s: sorted(s.execute(select(
        OutboxItem.idempotency_key, OutboxItem.payload)).tuples()))
    assert outbox[0][1]["candidate_id"] == p["ana"]  # pending: will write for Ana
    assert outbox[1][1]["candidate_id"] == p["anna"]  # done: history, left alone
    log = ws.db.run_sync(lambda s: s.get(MergeLog, done.log_id))
    assert (log.kept_id, log.merged_id, log.actor) == (p["ana"], p["anna"], "sam")
    assert log.snapshot["merged"]["full_name"] == "Anna Lopez-Ruiz"
    assert log.snapshot["kept"]["email"] == "ana@example.com"
    assert set(log.snapshot["merged"]) == set(log.snapshot["kept"]) == set(
        Candidate.__table__.c.keys())  # every column of both people
    assert log.choices["email"] == "merged" and log.choices["full_name"] == "kept"
    assert seen[-1] == CandidatesChanged((p["ana"], p["anna"]))


def test_undo_restores_both_people_and_every_row_exactly(
        workspace: Workspace, people: dict[str, Any], arun: Any) -> None:
    ws, p = workspace, people
    before = dump(ws)
    done = arun(ws.duplicates.merge(p["ana"], p["anna"], {
        "full_name": "merged", "email": "merged", "location": "merged", "ats": "merged"}))
    assert dump(ws) != before
    ws.duplicates.clock = lambda: NOW + dt.timedelta(days=29, hours=23)
    recent = arun(ws.duplicates.recent_merges())
    assert [(m.id, m.kept_name, m.merged_name, m.can_undo) for m in recent] == [
        (done.log_id, "Ana Lopez", "Anna Lopez-Ruiz", True)]
    assert arun(ws.duplicates.undo_merge(done.log_id)) == (p["ana"], p["anna"])
    assert dump(ws) == before
    # The search index follows (SQLite's FTS triggers, PostgreSQL's trigram indexes).
    found = arun(ws.search.typeahead("Lopez-Ruiz")).candidates
    assert [h.id for h in found] == [p["anna"]]
    assert arun(ws.duplicates.recent_merges()) == []
    with pytest.raises(ValidationProblem, match="already undone"):
        arun(ws.duplicates.undo_merge(done.log_id))


def test_undo_after_30_days_is_refused(workspace: Workspace, people: dict[str, Any],
                                       arun: Any) -> None:
    ws, p = workspace, people
    done = arun(ws.duplicates.merge(p["ana"], p["anna"], {}))
    ws.duplicates.clock = lambda: NOW + dt.timedelta(days=30, seconds=1)
    with pytest.raises(ValidationProblem) as err:
        arun(ws.duplicates.undo_merge(done.log_id))
    assert "can be undone for 30 days" in err.value.message
    assert count(ws, Candidate, Candidate.id == p["anna"]) == 0  # nothing restored
    assert arun(ws.duplicates.recent_merges()) == []


def test_merges_unwind_in_order(workspace: Workspace, people: dict[str, Any],
                                arun: Any) -> None:
    ws, p = workspace, people
    before = dump(ws)
    first = arun(ws.duplicates.merge(p["ana"], p["anna"], {"email": "merged"}))
    second = arun(ws.duplicates.merge(p["other"], p["ana"], {"full_name": "merged"}))
    with pytest.raises(ValidationProblem, match="undo that merge first"):
        arun(ws.duplicates.undo_merge(first.log_id))
    views = {m.id: m for m in arun(ws.duplicates.recent_merges())}
    assert views[second.log_id].can_undo and not views[first.log_id].can_undo
    arun(ws.duplicates.undo_merge(second.log_id))
    arun(ws.duplicates.undo_merge(first.log_id))
    assert dump(ws) == before


def test_undo_keeps_what_changed_since(workspace: Workspace, people: dict[str, Any],
                                       arun: Any) -> None:
    ws, p = workspace, people
    done = arun(ws.duplicates.merge(p["ana"], p["anna"], {"email": "merged",
                                                          "location": "merged"}))
    arun(ws.candidates.add_note(p["ana"], "after the merge", author="sam"))

    def edit(s: Any) -> None:
        s.get(Candidate, p["ana"]).location = "Dallas, TX"

    ws.db.run_sync(edit, write=True)
    arun(ws.duplicates.undo_merge(done.log_id))
    ana = ws.db.run_sync(lambda s: s.get(Candidate, p["ana"]))
    assert (ana.email, ana.location) == ("ana@example.com", "Dallas, TX")
    assert count(ws, CandidateNote, CandidateNote.body == "after the merge",
                 CandidateNote.candidate_id == p["ana"]) == 1
    assert count(ws, Candidate, Candidate.id == p["anna"]) == 1


def test_merge_refuses_the_same_or_a_missing_person(workspace: Workspace,
                                                    people: dict[str, Any], arun: Any) -> None:
    with pytest.raises(ValidationProblem, match="two different people"):
        arun(workspace.duplicates.merge(people["ana"], people["ana"], {}))
    with pytest.raises(ValidationProblem, match="no longer in the directory"):
        arun(workspace.duplicates.merge(people["ana"], 999_999, {}))


def test_scan_finds_same_and_similar_names_but_not_common_ones(
        workspace: Workspace, arun: Any) -> None:
    ws = workspace
    ws.duplicates.clock = lambda: NOW
    keisha = make_candidate(ws, "Keisha Haddad", "k1@example.com")
    middle = make_candidate(ws, "keisha m. Haddad", "k2@example.com")
    initial = make_candidate(ws, "K. Haddad", "k3@example.com")
    kevin = make_candidate(ws, "Kevin Haddad", "k4@example.com")  # "K." could be him too
    jo1 = make_candidate(ws, "Jo Park", "j1@example.com")
    jo2 = make_candidate(ws, "Jo Park", "j2@example.com")
    accents = [make_candidate(ws, n, f"{i}@example.com")
               for i, n in enumerate(("José Núñez", "Jose Nunez"))]
    for i in range(5):  # a common name: says nothing about any two of them
        make_candidate(ws, "Maria Garcia", f"m{i}@example.com")
    result = arun(ws.duplicates.scan_names(block_max=4))
    pairs = ws.db.run_sync(lambda s: {(r.candidate_id, r.other_id): r for r in s.scalars(
        select(PossibleDuplicate))})
    assert all(r.key == "name" and r.source == "scan" for r in pairs.values())
    assert pairs[(jo1, jo2)].reason.startswith("Same name")
    similar = {k for k, r in pairs.items() if r.reason.startswith("Similar names")}
    assert similar == {(keisha, middle), (keisha, initial), (middle, initial),
                       (initial, kevin), tuple(accents)}
    assert (keisha, kevin) not in pairs
    assert (result.same_name, result.similar_name) == (1, 5) and result.compared == 13
    again = arun(ws.duplicates.scan_names(block_max=4))
    assert (again.same_name, again.similar_name) == (0, 0)  # each pair recorded once


def test_similar_names_are_what_names_agree_says(workspace: Workspace) -> None:
    names = ["Keisha Haddad", "keisha m. Haddad", "K. Haddad", "Keisha H.", "Kevin Haddad",
             "Kim Hall", "K H", "José Núñez", "Jose Nunez", "J. Núñez-Ruiz", "Jo Ruiz",
             "Ana María López", "Ana Lopez", "A. López", "Anne Lopez", "O'Brien Sean",
             "Obrien Sean", "Zoë Adams", "Zoe A."]
    ids = [make_candidate(workspace, n, f"p{i}@example.com") for i, n in enumerate(names)]
    _same, similar, _read = workspace.db.run_sync(lambda s: find_name_pairs(s, block_max=99))

    def one_side_in_full(a: str, b: str) -> bool:  # "K. Haddad" / "Keisha H.": too vague
        wa, wb = _block_words(a.casefold()), _block_words(b.casefold())
        return wa[0] == wb[0] or wa[-1] == wb[-1]

    expected = {(ids[i], ids[j]) for i in range(len(names)) for j in range(i + 1, len(names))
                if names[i].casefold() != names[j].casefold()
                and names_agree(names[i], names[j]) and one_side_in_full(names[i], names[j])}
    assert len(expected) > 10 and set(similar) == expected


def test_scan_leaves_out_people_gone_or_being_erased(workspace: Workspace) -> None:
    a, b, c = (make_candidate(workspace, "Lee Chan", f"lee{i}@example.com") for i in range(3))

    def erase(s: Any) -> None:
        s.get(Candidate, c).erase_requested_at = NOW

    workspace.db.run_sync(erase, write=True)
    same, similar, _read = workspace.db.run_sync(find_name_pairs)
    assert same == [(a, b), (a, c), (b, c)] and similar == []
    added = workspace.db.run_sync(lambda s: record_name_pairs(
        s, [*same, (a, 999_999)], [], NOW), write=True)  # 999999: merged away since
    assert added == (1, 0)
    assert workspace.db.run_sync(lambda s: s.execute(select(
        PossibleDuplicate.candidate_id, PossibleDuplicate.other_id)).all()) == [(a, b)]


def test_scan_is_bounded(workspace: Workspace, arun: Any) -> None:
    for i in range(6):
        make_candidate(workspace, f"Lee Chan{i % 3}", f"lee{i}@example.com")
    result = arun(workspace.duplicates.scan_names(max_new=2))
    assert result.same_name + result.similar_name == 2
    assert count(workspace, PossibleDuplicate) == 2


def test_stage_results_of_a_moved_application_follow_it(
        workspace: Workspace, people: dict[str, Any], arun: Any) -> None:
    ws, p = workspace, people
    results = stage_ids(ws, p["anna_iv2"])
    arun(ws.duplicates.merge(p["ana"], p["anna"], {}))
    assert stage_ids(ws, p["anna_iv2"]) == results
    status = ws.db.run_sync(lambda s: s.get(StageResult, results[0]).status)
    assert status == StageStatus.COMPLETED


def test_undo_after_someone_new_took_the_merged_id(workspace: Workspace,
                                                   people: dict[str, Any], arun: Any) -> None:
    """SQLite gives a new row the highest id + 1, so the id of a merged newest person is
    handed out again: Undo moves the newcomer (and all of theirs) to a fresh id first."""
    ws, p = workspace, people
    newest = make_candidate(ws, "Newest Person", "newest@example.com")
    done = arun(ws.duplicates.merge(p["ana"], newest, {}))
    newcomer = make_candidate(ws, "Nia Newcomer", "nia@example.com")
    app = make_application(ws, newcomer, make_interviewer(ws, "Loader"))
    add(ws, CandidateNote(candidate_id=newcomer, body="Nia's note"))
    ws.db.run_sync(lambda s: record_possible(s, newcomer, [(p["ana"], "name"),
                                                           (p["other"], "email")], "csv"),
                   write=True)
    ids = arun(ws.duplicates.undo_merge(done.log_id))
    back = ws.db.run_sync(lambda s: s.get(Candidate, newest))
    assert back is not None and back.full_name == "Newest Person"
    nia = ws.db.run_sync(lambda s: s.scalars(select(Candidate).where(
        Candidate.email == "nia@example.com")).one())
    assert ids[:2] == (p["ana"], newest) and nia.id in (newcomer, *ids[2:])
    assert ws.db.run_sync(lambda s: s.get(Application, app).candidate_id) == nia.id
    assert count(ws, CandidateNote, CandidateNote.candidate_id == nia.id,
                 CandidateNote.body == "Nia's note") == 1
    pairs = ws.db.run_sync(lambda s: {(r.candidate_id, r.other_id) for r in s.scalars(
        select(PossibleDuplicate).where(or_(PossibleDuplicate.candidate_id == nia.id,
                                            PossibleDuplicate.other_id == nia.id)))})
    assert pairs == {(p["ana"], nia.id), (p["other"], nia.id)}


def test_undo_brings_a_folded_application_back_after_its_ids_were_reused(
        workspace: Workspace, arun: Any) -> None:
    """The kept person's newest application loses to the other's further one and is deleted;
    SQLite hands its ids (application, stage results, answers) to the next rows made. Undo
    brings it back under fresh ids, its results and answers with it, its note back on it."""
    ws = workspace
    ws.duplicates.clock = lambda: NOW
    role = make_interviewer(ws, "Loader")
    kim = make_candidate(ws, "Kim Park", "kim@example.com")
    kimberly = make_candidate(ws, "Kimberly Park", "kimberly@example.com")
    further = make_application(ws, kimberly, role, ApplicationStatus.IN_PROGRESS, {0: 70.0})
    folded = make_application(ws, kim, role)  # pending, and the newest rows everywhere
    add(ws, Answer(stage_result_id=stage_ids(ws, folded)[0], question_text="Q?",
                   answer_text="Kim's answer"),
        CandidateNote(candidate_id=kim, application_id=folded, body="Kim's note"))
    done = arun(ws.duplicates.merge(kim, kimberly, {}))
    assert count(ws, Application, Application.id == folded) == 0
    reused = make_application(ws, make_candidate(ws, "Lou Newer", "lou@example.com"), role)
    add(ws, Answer(stage_result_id=stage_ids(ws, reused)[0], question_text="Q?",
                   answer_text="Lou's answer"))
    newer = dump(ws)

    arun(ws.duplicates.undo_merge(done.log_id))
    back = ws.db.run_sync(lambda s: s.scalars(select(Application).where(
        Application.candidate_id == kim)).one())
    assert back.interviewer_id == role and back.status == ApplicationStatus.PENDING
    assert ws.db.run_sync(lambda s: s.get(Application, further).candidate_id) == kimberly
    results = stage_ids(ws, back.id)
    assert len(results) == 2
    assert count(ws, Answer, Answer.stage_result_id.in_(results),
                 Answer.answer_text == "Kim's answer") == 1
    assert count(ws, CandidateNote, CandidateNote.application_id == back.id,
                 CandidateNote.body == "Kim's note") == 1
    # Lou's rows are untouched, but for Lou himself: he had been given Kimberly's id.
    after = dump(ws)
    lou_results = stage_ids(ws, reused)
    assert [r for r in after["stage_results"] if r[0] in lou_results] == [
        r for r in newer["stage_results"] if r[0] in lou_results]
    assert count(ws, Answer, Answer.stage_result_id == lou_results[0],
                 Answer.answer_text == "Lou's answer") == 1
    lou = ws.db.run_sync(lambda s: s.scalars(select(Candidate.id).where(
        Candidate.email == "lou@example.com")).one())
    assert ws.db.run_sync(lambda s: s.get(Application, reused).candidate_id) == lou
