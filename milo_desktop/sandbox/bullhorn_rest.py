"""The Bullhorn sandbox's REST calls (under ``/rest-services/sbx1/``), with Bullhorn's shapes:
``search`` → ``{total, start, count, data}``; ``query`` → ``{start, count, data}``; one entity
→ ``{data: {...}}``, several → ``{data: [...]}`` (404 when none is found); a create (PUT) or
update (POST) → ``{changedEntityType, changedEntityId, changeType, data}``; events →
``{requestId, events}`` or an empty 200 when nothing is queued.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from milo_desktop.sandbox.ats_base import AtsReq, AtsResp
from milo_desktop.sandbox.bullhorn_state import Subscription, ms, project, where_ids

if TYPE_CHECKING:
    from milo_desktop.sandbox.bullhorn import BullhornSandbox


def _err(status: int, message: str, key: str = "errors.request") -> AtsResp:
    return AtsResp(status, {"errorMessage": message, "errorMessageKey": key,
                            "errorCode": status})


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _changed(entity: str, eid: int, kind: str, data: dict[str, Any]) -> AtsResp:
    return AtsResp(200, {"changedEntityType": entity, "changedEntityId": eid,
                         "changeType": kind, "data": data})


def rest(sb: BullhornSandbox, req: AtsReq, rest_path: str) -> AtsResp:
    parts = rest_path.strip("/").split("/")
    head, method = parts[0], req.method
    if head == "search" and len(parts) == 2 and method == "GET":
        return _search(sb, req, parts[1])
    if head == "query" and parts[1:] == ["JobSubmission"] and method == "GET":
        return _query_submissions(sb, req)
    if head == "settings" and parts[1:] == ["jobResponseStatusList"] and method == "GET":
        return AtsResp(200, {"jobResponseStatusList": list(sb.store.statuses)})
    if head == "event" and len(parts) >= 3 and parts[1] == "subscription":
        return _events(sb, req, parts[2], parts[3:])
    if head == "entity" and len(parts) >= 2:
        if method == "GET" and len(parts) in (3, 4):
            return _entity_get(sb, req, parts[1], parts[2], parts[3] if len(parts) == 4 else "")
        if method == "PUT" and len(parts) == 2:
            return _create(sb, req, parts[1])
        if method == "POST" and len(parts) == 3:
            return _update(sb, req, parts[1], parts[2])
    return _err(404, f"No such REST resource: {rest_path}", "errors.notFound")


def _search(sb: BullhornSandbox, req: AtsReq, entity: str) -> AtsResp:
    if entity not in ("Candidate", "JobOrder"):
        return _err(400, f"{entity} is not a searchable entity")
    query, fields = req.arg("query"), req.arg("fields")
    if not query or not fields:
        return _err(400, "query and fields are required")
    if req.arg("sort") not in (None, "id"):
        return _err(400, "the sandbox sorts by id only")
    count = max(1, min(_int(req.arg("count"), 20), sb.max_page_size))
    start = max(0, _int(req.arg("start"), 0))
    total, page = sb.store.search(entity, query, start, count)
    if entity == "Candidate":
        hidden = [r for r in page if sb.unindexed(r["id"])]
        page = [r for r in page if r not in hidden]
        total -= len(hidden)
        sb.searched()
    data = [{"_score": 1.0, **project(r, fields)} for r in page]
    return AtsResp(200, {"total": total, "start": start, "count": len(data), "data": data})


def _query_submissions(sb: BullhornSandbox, req: AtsReq) -> AtsResp:
    where, fields = req.arg("where"), req.arg("fields")
    if not where or not fields:
        return _err(400, "where and fields are required")
    count = max(1, min(_int(req.arg("count"), 20), 500))
    start = max(0, _int(req.arg("start"), 0))
    sids = sorted(s for cid in where_ids(where) for s in sb.store.subs_of.get(cid, []))
    page = [project(sb.store.submissions[s], fields) for s in sids[start:start + count]]
    return AtsResp(200, {"start": start, "count": len(page), "data": page})


def _table(sb: BullhornSandbox, entity: str) -> dict[int, dict[str, Any]] | None:
    return {"Candidate": sb.store.candidates, "JobOrder": sb.store.jobs,
            "JobSubmission": sb.store.submissions, "Note": sb.store.notes}.get(entity)


def _entity_get(sb: BullhornSandbox, req: AtsReq, entity: str, ids: str,
                assoc: str) -> AtsResp:
    table, fields = _table(sb, entity), req.arg("fields")
    if table is None or not fields:
        return _err(400, "unknown entity, or fields missing")
    wanted = [_int(i, -1) for i in ids.split(",")]
    if any(i in sb.hidden for i in wanted):
        return _err(403, "The entity requested is hidden for administrators only",
                    "errors.entityHidden")
    if assoc:
        if entity != "Candidate" or assoc != "notes" or len(wanted) != 1:
            return _err(400, f"no to-many association {assoc}")
        if wanted[0] not in table:
            return _err(404, "Entity not found", "errors.entityNotFound")
        nids = sb.store.notes_of.get(wanted[0], [])
        count = max(1, min(_int(req.arg("count"), 5), 500))
        start = max(0, _int(req.arg("start"), 0))
        data = [project(sb.store.notes[n], fields) for n in nids[start:start + count]]
        return AtsResp(200, {"total": len(nids), "start": start, "count": len(data),
                             "data": data})
    found = [project(table[i], fields) for i in wanted if i in table]
    if not found:
        return _err(404, f"Entity {entity} not found", "errors.entityNotFound")
    return AtsResp(200, {"data": found[0] if len(wanted) == 1 else found})


def _ref(body: dict[str, Any], key: str) -> int | None:
    value = body.get(key)
    return value.get("id") if isinstance(value, dict) and isinstance(value.get("id"), int) \
        else None


def _create(sb: BullhornSandbox, req: AtsReq, entity: str) -> AtsResp:
    body = req.body if isinstance(req.body, dict) else None
    if body is None:
        return _err(400, "a JSON object is required")
    store, when = sb.store, sb.tick()
    if entity == "Candidate":
        if not body.get("firstName") or not body.get("lastName"):
            return _err(400, "firstName and lastName are required", "errors.missingField")
        new = store.add_candidate(body, when)
        sb.created_by_api(new)
        return _changed(entity, new, "INSERT", project(store.candidates[new], ",".join(body)))
    if entity == "JobSubmission":
        cid, jid, status = _ref(body, "candidate"), _ref(body, "jobOrder"), body.get("status")
        if cid is None or jid is None or cid not in store.candidates or jid not in store.jobs:
            return _err(400, "candidate and jobOrder must exist", "errors.invalidAssociation")
        if not isinstance(status, str) or status not in store.statuses:
            return _err(400, f"status {status!r} is not in jobResponseStatusList")
        sid = store.add_submission(cid, jid, status, when)
        return _changed(entity, sid, "INSERT", {"status": status})
    if entity == "Note":
        person = _ref(body, "personReference")
        if person not in store.candidates or not isinstance(body.get("comments"), str):
            return _err(400, "personReference and comments are required")
        nid = store.new_id()
        store.notes[nid] = {"id": nid, "comments": body["comments"],
                            "action": body.get("action"), "personReference": {"id": person},
                            "dateAdded": ms(when), "isDeleted": False}
        store.notes_of.setdefault(person, []).append(nid)
        return _changed(entity, nid, "INSERT", {"comments": body["comments"]})
    if entity == "NoteEntity":
        note = _ref(body, "note")
        target, name = body.get("targetEntityID"), body.get("targetEntityName")
        table = _table(sb, name) if isinstance(name, str) else None
        if note not in store.notes or table is None or target not in table:
            return _err(400, "note, targetEntityID and targetEntityName must exist")
        neid = store.new_id()
        store.note_entities.append({"id": neid, **body})
        return _changed(entity, neid, "INSERT", {})
    return _err(400, f"the sandbox cannot create {entity}")


def _update(sb: BullhornSandbox, req: AtsReq, entity: str, raw_id: str) -> AtsResp:
    body = req.body if isinstance(req.body, dict) else None
    table, eid = _table(sb, entity), _int(raw_id, -1)
    if body is None or table is None:
        return _err(400, "a JSON object and a known entity are required")
    if eid not in table:
        return _err(404, "Entity not found", "errors.entityNotFound")
    if entity == "JobSubmission" and "status" in body \
            and body["status"] not in sb.store.statuses:
        return _err(400, f"status {body['status']!r} is not in jobResponseStatusList")
    rec = table[eid]
    rec.update({k: v for k, v in body.items() if k != "id"})
    rec["dateLastModified"] = ms(sb.tick())
    sb.store.event(entity, eid, "UPDATED", [k for k in body if k != "id"])
    return _changed(entity, eid, "UPDATE", {k: v for k, v in body.items() if k != "id"})


def _events(sb: BullhornSandbox, req: AtsReq, sub_id: str, rest: list[str]) -> AtsResp:
    subs = sb.store.subscriptions
    if req.method == "PUT" and not rest:
        names, types = req.arg("names"), req.arg("eventTypes")
        if req.arg("type") != "entity" or not names or not types:
            return _err(400, "type=entity, names and eventTypes are required")
        created = ms(sb.now)
        subs[sub_id] = Subscription(set(names.split(",")), set(types.split(",")), created)
        return AtsResp(200, {"lastRequestId": 0, "subscriptionId": sub_id, "createdOn": created,
                             "jmsSelector": f"JMSType='ENTITY' AND BhCorpId=1 AND "
                                            f"BhEntityName IN ({names}) AND "
                                            f"BhEntityEventType IN ({types})"})
    sub = subs.get(sub_id)
    if sub is None:
        return _err(404, f"Subscription {sub_id} not found", "errors.subscriptionNotFound")
    if req.method == "GET" and rest == ["lastRequestId"]:
        return AtsResp(200, {"result": sub.last_request})
    if req.method != "GET" or rest:
        return _err(405, "method not allowed")
    most = _int(req.arg("maxEvents"), 0)
    if most <= 0:
        return _err(400, "maxEvents is required")
    again = req.arg("requestId")
    if again is not None:
        if _int(again, -1) != sub.last_request or sub.last_request == 0 \
                or not sub.rereadable:
            return _err(400, f"no events for requestId {again}")
        return AtsResp(200, {"requestId": sub.last_request, "events": sub.last_batch})
    if not sub.queue:
        return AtsResp(200, None)
    batch = [sub.queue.popleft() for _ in range(min(most, len(sub.queue)))]
    sub.last_request += 1  # the previous batch is acknowledged for good
    sub.last_batch, sub.rereadable = batch, True
    return AtsResp(200, {"requestId": sub.last_request, "events": batch})
