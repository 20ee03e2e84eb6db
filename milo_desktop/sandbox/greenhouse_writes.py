"""The Greenhouse sandbox's write endpoints (called by ``GreenhouseSandbox.handle`` under its
lock): create candidate / application / note, move and reject an application.

Answers follow v3: creates answer 201 with the record, move and reject answer 204 with no
body; a validation problem is 422 ``{"message": "Validation error", "errors": [{message,
field}]}``; a record that does not exist - or was created too recently to be visible yet - is
404 ``{"message": "Resource not found"}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from milo_desktop.sandbox.ats_base import AtsResp
from milo_desktop.sandbox.greenhouse_state import stamp

if TYPE_CHECKING:
    from milo_desktop.sandbox.greenhouse import GreenhouseSandbox


def _invalid(message: str, field: str) -> AtsResp:
    return AtsResp(422, {"message": "Validation error",
                         "errors": [{"message": message, "field": field}]})


def _missing() -> AtsResp:
    return AtsResp(404, {"message": "Resource not found"})


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _values(items: Any) -> list[str] | None:
    if items is None:
        return []
    if not isinstance(items, list):
        return None
    found = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("value"), str):
            return None
        found.append(item["value"])
    return found


def create_candidate(sb: GreenhouseSandbox, body: dict[str, Any]) -> AtsResp:
    first, last = body.get("first_name"), body.get("last_name")
    if not isinstance(first, str) or not first.strip():
        return _invalid("first_name is required", "first_name")
    if not isinstance(last, str) or not last.strip():
        return _invalid("last_name is required", "last_name")
    emails, phones = _values(body.get("email_addresses")), _values(body.get("phone_numbers"))
    if emails is None:
        return _invalid("email_addresses must be a list of {value, type}", "email_addresses")
    if phones is None:
        return _invalid("phone_numbers must be a list of {value, type}", "phone_numbers")
    cid = sb.state.candidate(first, last, emails, phones, sb.tick())
    sb.fresh(cid)
    return AtsResp(201, sb.state.candidates.rows[cid])


def create_application(sb: GreenhouseSandbox, body: dict[str, Any]) -> AtsResp:
    cid, jid = _int(body.get("candidate_id")), _int(body.get("job_id"))
    if cid is None:
        return _invalid("candidate_id is required", "candidate_id")
    if jid is None or jid not in sb.state.jobs.rows:
        return _invalid("job_id is not a job of this account", "job_id")
    if sb.lagging([cid]) or cid not in sb.state.candidates.rows:
        return _missing()
    aid = sb.state.application(cid, jid, sb.tick(), _int(body.get("initial_stage_id")))
    sb.fresh(aid)
    return AtsResp(201, sb.state.applications.rows[aid])


def create_note(sb: GreenhouseSandbox, body: dict[str, Any], user: int) -> AtsResp:
    cid, aid = _int(body.get("candidate_id")), _int(body.get("application_id"))
    text = body.get("body")
    if cid is None:
        return _invalid("candidate_id is required", "candidate_id")
    if not isinstance(text, str) or not text.strip():
        return _invalid("body is required", "body")
    visibility = body.get("visibility", "public")
    if visibility not in ("admin_only", "private", "public"):
        return _invalid("visibility must be admin_only, private or public", "visibility")
    uid = _int(body.get("user_id")) or user
    named = [cid] + ([aid] if aid is not None else [])
    if sb.lagging(named) or cid not in sb.state.candidates.rows:
        return _missing()
    if aid is not None and sb.state.applications.rows.get(aid, {}).get("candidate_id") != cid:
        return _invalid("application_id is not an application of this candidate",
                        "application_id")
    now = sb.tick()
    nid = sb.state.note(cid, aid, uid, text, visibility, now)
    sb.state.touch(cid, now)
    return AtsResp(201, sb.state.notes.rows[nid])


def move(sb: GreenhouseSandbox, aid: int, body: dict[str, Any]) -> AtsResp:
    if sb.lagging([aid]):
        return _missing()
    app = sb.state.applications.rows.get(aid)
    if app is None:
        return _missing()
    source, target = _int(body.get("from_stage_id")), _int(body.get("to_stage_id"))
    if source is None:
        return _invalid("from_stage_id is required", "from_stage_id")
    if app["status"] != "active":
        return _invalid("only active applications can be moved", "application")
    if source != app["current_stage_id"]:
        return _invalid("from_stage_id is not the application's current stage",
                        "from_stage_id")
    stages = sb.state.stages_by_job.get(app["job_id"], [])
    if target is None:  # no target: advance to the next stage
        at = stages.index(source) if source in stages else len(stages)
        if at + 1 >= len(stages):
            return _invalid("the application is in the last stage", "to_stage_id")
        target = stages[at + 1]
    if target not in stages:
        return _invalid("to_stage_id is not a stage of the application's job", "to_stage_id")
    now = sb.tick()
    app["current_stage_id"] = target
    app["updated_at"] = app["last_activity_at"] = stamp(now)
    sb.state.touch(app["candidate_id"], now)
    return AtsResp(204, None)


def reject(sb: GreenhouseSandbox, aid: int, body: dict[str, Any]) -> AtsResp:
    if sb.lagging([aid]):
        return _missing()
    app = sb.state.applications.rows.get(aid)
    if app is None:
        return _missing()
    reason = body.get("rejection_reason_id")
    if reason is not None and _int(reason) not in sb.state.reasons.rows:
        return _invalid("rejection_reason_id is not a rejection reason", "rejection_reason_id")
    if app["status"] == "rejected":
        return _invalid("the application is already rejected", "application")
    if app["status"] != "active":
        return _invalid("only active applications can be rejected", "application")
    now = sb.tick()
    app["status"] = "rejected"
    app["rejected_at"] = app["updated_at"] = app["last_activity_at"] = stamp(now)
    sb.state.touch(app["candidate_id"], now)
    return AtsResp(204, None)


__all__ = ["create_application", "create_candidate", "create_note", "move", "reject"]
