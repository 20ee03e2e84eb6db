"""Merging two people into one, and undoing it, each in the caller's ONE transaction.

``merge_people`` keeps one person (``keep_id``) and removes the other (``merge_id``):

* both people's rows (every ``candidates`` column) go into the merge log's snapshot;
* every row that points at the removed person is re-pointed to the kept one: applications
  (their stage results and answers follow them), notes, messages, notifications, inbound
  calls, identities at the ATSs, possible duplicates, earlier merge logs, and open outbox
  items naming the person; each change is written down as ``{table, ids, column: [old, new]}``;
* an application is unique per (interviewer, candidate), so when both people applied to the
  same interviewer only one application can stay: the one that got further (finished beats
  started beats invited; on a tie the kept person's). The other one's notes, messages and
  ATS identities move to it, and the other one itself (with its stage results and answers) is
  deleted — whole rows in the snapshot, so Undo puts it back with the same ids;
* the pair's own possible-duplicate row is deleted (it names the removed person), kept in the
  snapshot too; the kept person takes the chosen value of each field (``MERGE_FIELDS``) and the
  earlier of the two "joined" dates.

``undo_merge`` puts everything back: the removed person with the same id, the deleted rows,
every re-pointed row (only where it still has the value the merge gave it), and the kept
person's fields — exactly as they were when nothing changed them since, otherwise field by
field where the merge's value is still there. Undo is refused after ``UNDO_DAYS`` and while a
later merge involving the kept person is in place (undo that one first: merges unwind in
order, so every restore is exact). On SQLite a person who arrived after the merge may have
been given the removed person's id (the highest id + 1 is reused): they move to a fresh id,
with everything of theirs, before the removed person comes back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from milo_desktop.enums import ApplicationStatus, OutboxStatus
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import (
    Answer,
    Application,
    AuditEntry,
    Candidate,
    CandidateNote,
    ExternalIdentity,
    InboundCall,
    MergeLog,
    Message,
    Notification,
    OutboxItem,
    PossibleDuplicate,
    StageResult,
)
from milo_desktop.services.candidates.merge_rows import Journal, decode, row_of, rows, t_of, unwind

UNDO_DAYS = 30
# Field → the candidates columns it sets ("ats": the provider and the id there go together).
MERGE_FIELDS: dict[str, tuple[str, ...]] = {
    "full_name": ("full_name",), "email": ("email",), "phone_e164": ("phone_e164",),
    "linkedin_url": ("linkedin_url",), "location": ("location",), "source": ("source",),
    "ats": ("ats_provider", "ats_candidate_id"),
}
KEPT, MERGED = "kept", "merged"
# Tables whose rows simply follow the person (candidate_id → the kept person).
_FOLLOWERS: tuple[Any, ...] = (CandidateNote, Message, Notification, InboundCall,
                               ExternalIdentity)
# Tables whose rows point at an application (re-pointed when that application is folded).
_APP_FOLLOWERS: tuple[Any, ...] = (CandidateNote, Message, ExternalIdentity)
_STATUS_RANK = {
    ApplicationStatus.PENDING: 0, ApplicationStatus.IN_PROGRESS: 1,
    ApplicationStatus.EVALUATING: 2, ApplicationStatus.COMPLETED: 3,
    ApplicationStatus.KNOCKED_OUT: 3, ApplicationStatus.SHORTLISTED: 4,
    ApplicationStatus.DISMISSED: 4,
}


_OPEN_OUTBOX = (OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.FAILED)


@dataclass(frozen=True)
class MergeDone:
    log_id: int
    kept_id: int
    merged_id: int
    kept_name: str
    merged_name: str


# ----- merge ----------------------------------------------------------------------------------
def merge_people(s: Session, keep_id: int, merge_id: int, choices: Mapping[str, str],
                 actor: str, now: dt.datetime) -> MergeDone:
    """Merge ``merge_id`` into ``keep_id`` (see the module's rules); returns the log's id."""
    if keep_id == merge_id:
        raise ValidationProblem("Choose two different people to merge.")
    c = t_of(Candidate)
    locked = s.execute(select(c.c.id, c.c.erase_requested_at).where(
        c.c.id.in_([keep_id, merge_id])).with_for_update()).all()
    if len(locked) != 2:
        raise ValidationProblem("One of these people is no longer in the directory (merged or "
                                "removed meanwhile).")
    if any(erase is not None for _i, erase in locked):
        raise ValidationProblem("One of these people is being erased, so they cannot be merged.")
    bad = sorted(set(choices) - set(MERGE_FIELDS))
    if bad or any(v not in (KEPT, MERGED) for v in choices.values()):
        raise ValueError(f"unknown merge choices {dict(choices)!r}")
    kept_before = row_of(s, c, keep_id)
    merged = row_of(s, c, merge_id)
    assert kept_before is not None and merged is not None  # locked above
    j = Journal()
    _fold_applications(s, j, keep_id, merge_id)
    for model in _FOLLOWERS:
        t = t_of(model)
        ids = list(s.scalars(select(t.c.id).where(t.c.candidate_id == merge_id)))
        j.repoint(s, t, ids, {"candidate_id": (merge_id, keep_id)})
    _move_pairs(s, j, keep_id, merge_id)
    ml = t_of(MergeLog)
    j.repoint(s, ml, list(s.scalars(select(ml.c.id).where(ml.c.kept_id == merge_id))),
              {"kept_id": (merge_id, keep_id)})
    outbox = _move_outbox(s, keep_id, merge_id)

    values = _chosen_values(kept_before, merged, choices)
    values["updated_at"] = now
    s.execute(update(c).where(c.c.id == keep_id).values(values))
    kept_after = row_of(s, c, keep_id)
    s.execute(delete(c).where(c.c.id == merge_id))
    snapshot = {"version": 1, "kept": kept_before, "merged": merged, "after": kept_after,
                "ops": j.ops, "outbox": outbox}
    full = {f: choices.get(f, KEPT) for f in MERGE_FIELDS}
    log = MergeLog(kept_id=keep_id, merged_id=merge_id, snapshot=snapshot, choices=full,
                   actor=actor[:120], created_at=now, note="")
    s.add(log)
    s.flush()
    s.add(AuditEntry(at=now, actor=actor[:120], action="candidate.merge", entity="candidate",
                     entity_id=keep_id, detail={"merged_id": merge_id, "merge_log_id": log.id}))
    return MergeDone(log.id, keep_id, merge_id, str(kept_before["full_name"]),
                     str(merged["full_name"]))


def _chosen_values(kept: Mapping[str, Any], merged: Mapping[str, Any],
                   choices: Mapping[str, str]) -> dict[str, Any]:
    decoded_k = decode(t_of(Candidate), kept)
    decoded_m = decode(t_of(Candidate), merged)
    values: dict[str, Any] = {}
    for field, columns in MERGE_FIELDS.items():
        source = decoded_m if choices.get(field, KEPT) == MERGED else decoded_k
        for col in columns:
            values[col] = source[col]
    values["name_key"] = str(values["full_name"]).casefold()[:200]
    values["created_at"] = min(decoded_k["created_at"], decoded_m["created_at"])
    return values


def _rank(app: Mapping[str, Any]) -> int:
    return _STATUS_RANK.get(ApplicationStatus(app["status"]), 0)


def _fold_applications(s: Session, j: Journal, keep_id: int, merge_id: int) -> None:
    a = t_of(Application)
    kept = {r["interviewer_id"]: r for r in rows(s, a, a.c.candidate_id == keep_id)}
    moving: list[int] = []
    for app in rows(s, a, a.c.candidate_id == merge_id):
        other = kept.get(app["interviewer_id"])
        if other is None:
            moving.append(app["id"])
            continue
        winner, loser = (app, other) if _rank(app) > _rank(other) else (other, app)
        for model in _APP_FOLLOWERS:
            t = t_of(model)
            ids = list(s.scalars(select(t.c.id).where(t.c.application_id == loser["id"])))
            j.repoint(s, t, ids, {"application_id": (loser["id"], winner["id"])})
        if loser["has_notes"] and not winner["has_notes"]:
            j.repoint(s, a, [winner["id"]], {"has_notes": (False, True)})
        results = rows(s, t_of(StageResult),
                        t_of(StageResult).c.application_id == loser["id"])
        answers = rows(s, t_of(Answer), t_of(Answer).c.stage_result_id.in_(
            [r["id"] for r in results])) if results else []
        j.remove(s, t_of(Answer), answers)
        j.remove(s, t_of(StageResult), results)
        j.remove(s, a, [loser])
        if winner is app:
            moving.append(app["id"])
    j.repoint(s, a, moving, {"candidate_id": (merge_id, keep_id)})


def _move_pairs(s: Session, j: Journal, keep_id: int, merge_id: int) -> None:
    p = t_of(PossibleDuplicate)
    pairs = rows(s, p, or_(p.c.candidate_id == merge_id, p.c.other_id == merge_id))
    existing = set(s.execute(select(p.c.candidate_id, p.c.other_id).where(
        or_(p.c.candidate_id == keep_id, p.c.other_id == keep_id))).tuples())
    gone: list[dict[str, Any]] = []
    for pair in pairs:
        other = pair["other_id"] if pair["candidate_id"] == merge_id else pair["candidate_id"]
        new = (min(keep_id, other), max(keep_id, other))
        if other == keep_id or new in existing:
            gone.append(pair)
            continue
        existing.add(new)
        j.repoint(s, p, [pair["id"]], {"candidate_id": (pair["candidate_id"], new[0]),
                                       "other_id": (pair["other_id"], new[1])})
    j.remove(s, p, gone)


def _move_outbox(s: Session, keep_id: int, merge_id: int) -> list[dict[str, Any]]:
    """Open outbox items naming the removed person (e.g. an ATS write) now name the kept one."""
    moved = []
    for item_id, payload in s.execute(select(OutboxItem.id, OutboxItem.payload).where(
            OutboxItem.status.in_(_OPEN_OUTBOX))).tuples():
        if isinstance(payload, dict) and payload.get("candidate_id") == merge_id:
            s.execute(update(OutboxItem).where(OutboxItem.id == item_id).values(
                payload={**payload, "candidate_id": keep_id},
                updated_at=OutboxItem.updated_at))  # the item's own progress, untouched
            moved.append({"id": item_id, "old": merge_id, "new": keep_id})
    return moved


# ----- undo -----------------------------------------------------------------------------------
def undo_problem(s: Session, log: MergeLog, now: dt.datetime) -> str | None:
    """Why ``log`` cannot be undone now (None: it can)."""
    if log.undone_at is not None:
        return "This merge was already undone."
    if now - log.created_at > dt.timedelta(days=UNDO_DAYS):
        return (f"Merges can be undone for {UNDO_DAYS} days; this one was made on "
                f"{day_text(log.created_at)}.")
    kept = int(log.snapshot["kept"]["id"])
    later = s.execute(select(MergeLog.snapshot).where(
        MergeLog.id > log.id, MergeLog.undone_at.is_(None),
        or_(MergeLog.kept_id == kept, MergeLog.merged_id == kept)).order_by(MergeLog.id.desc())
    ).scalars().first()
    if later is not None:
        return (f"{later['merged']['full_name']} was merged with {later['kept']['full_name']} "
                "after this; undo that merge first.")
    if log.kept_id != kept or s.get(Candidate, kept) is None:
        return "The person this merge kept is no longer in the directory."
    return None


def undo_merge(s: Session, log_id: int, now: dt.datetime,
               actor: str = "") -> tuple[int, ...]:
    """Undo one merge (see the module's rules); returns (kept id, restored id), and the new
    id of a newcomer who had been given the restored id (SQLite), if any."""
    log = s.get(MergeLog, log_id, with_for_update=True)
    if log is None:
        raise ValidationProblem("This merge is no longer in the merge log.")
    problem = undo_problem(s, log, now)
    if problem:
        raise ValidationProblem(problem)
    snap = log.snapshot
    c = t_of(Candidate)
    moved: tuple[int, ...] = ()
    if s.get(Candidate, log.merged_id) is not None:
        moved = (_renumber(s, log.merged_id),)
    s.execute(insert(c).values(decode(c, snap["merged"])))
    unwind(s, snap["ops"])
    for item in snap.get("outbox", []):
        payload = s.scalar(select(OutboxItem.payload).where(OutboxItem.id == item["id"]))
        if isinstance(payload, dict) and payload.get("candidate_id") == item["new"]:
            s.execute(update(OutboxItem).where(OutboxItem.id == item["id"]).values(
                payload={**payload, "candidate_id": item["old"]},
                updated_at=OutboxItem.updated_at))
    _restore_kept(s, snap, now)
    log.undone_at = now
    s.add(AuditEntry(at=now, actor=actor[:120], action="candidate.merge_undone",
                     entity="candidate", entity_id=log.kept_id,
                     detail={"merged_id": log.merged_id, "merge_log_id": log.id}))
    return (log.kept_id, log.merged_id, *moved)


def _renumber(s: Session, old_id: int) -> int:
    """Move the person at ``old_id`` (and everything of theirs) to a fresh id.

    SQLite gives a new row the highest id + 1, so when the merged person had the highest id,
    the next person to arrive gets it again; Undo gives it back to the person it belonged to
    (PostgreSQL's sequences never hand an id out twice)."""
    c = t_of(Candidate)
    row = s.execute(select(c).where(c.c.id == old_id)).mappings().one()
    new_id = int(s.scalar(select(func.max(c.c.id))) or 0) + 1
    s.execute(insert(c).values({**row, "id": new_id}))
    j = Journal()  # the same moves as a merge into the copy; nothing to undo later
    for model in (Application, *_FOLLOWERS):
        t = t_of(model)
        ids = list(s.scalars(select(t.c.id).where(t.c.candidate_id == old_id)))
        j.repoint(s, t, ids, {"candidate_id": (old_id, new_id)})
    p = t_of(PossibleDuplicate)
    for pair in rows(s, p, or_(p.c.candidate_id == old_id, p.c.other_id == old_id)):
        other = pair["other_id"] if pair["candidate_id"] == old_id else pair["candidate_id"]
        j.repoint(s, p, [pair["id"]], {"candidate_id": (pair["candidate_id"], min(other, new_id)),
                                       "other_id": (pair["other_id"], max(other, new_id))})
    ml = t_of(MergeLog)
    j.repoint(s, ml, list(s.scalars(select(ml.c.id).where(ml.c.kept_id == old_id))),
              {"kept_id": (old_id, new_id)})
    _move_outbox(s, new_id, old_id)
    s.execute(delete(c).where(c.c.id == old_id))
    return new_id


def _restore_kept(s: Session, snap: Mapping[str, Any], now: dt.datetime) -> None:
    """The kept person's fields as before the merge: exactly (timestamps too) when nothing
    changed them since; otherwise only the fields that still have the merge's value."""
    c = t_of(Candidate)
    before, after = decode(c, snap["kept"]), decode(c, snap["after"])
    current = s.execute(select(c).where(c.c.id == before["id"])).mappings().one()
    touched = [col for cols in MERGE_FIELDS.values() for col in cols]
    touched += ["name_key", "created_at"]
    if all(current[col] == after[col] for col in [*touched, "updated_at"]):
        s.execute(update(c).where(c.c.id == before["id"]).values(
            {k: v for k, v in before.items() if k != "id"}))
        return
    values = {col: before[col] for col in touched if current[col] == after[col]}
    if "full_name" in values:
        values["name_key"] = before["name_key"]
    values["updated_at"] = now
    s.execute(update(c).where(c.c.id == before["id"]).values(values))


def day_text(moment: dt.datetime) -> str:
    """"3 Dec 2026", in the computer's time zone (services' messages name days this way)."""
    local = moment.astimezone()
    return f"{local.day} {local:%b %Y}"


__all__ = ["KEPT", "MERGED", "MERGE_FIELDS", "UNDO_DAYS", "MergeDone", "day_text",
           "merge_people", "row_of", "undo_merge", "undo_problem"]
