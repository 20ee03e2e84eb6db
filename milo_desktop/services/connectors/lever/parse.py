"""Total parsers: Lever's JSON → the neutral records, or a ``Quarantine`` saying why not.

Nothing here raises, whatever the body holds (NaN, huge numbers, lone surrogates, wrong
types, missing keys): a record that cannot be read is set aside with a reason and the rest
of its page is kept. Lever answers lists as ``{"data": [...], "hasNext": bool, "next":
"<offset token>"}`` and single objects as ``{"data": {...}}``.

Lever's person is a *contact* with many *opportunities*; ``parse_person`` builds one
``CandidateRecord`` from all the opportunities of one contact (each an ``ApplicationRecord``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from milo_desktop.services.connectors import Quarantine
from milo_desktop.services.connectors.ats.records import (
    ApplicationRecord,
    ApplicationState,
    CandidateRecord,
    JobRecord,
    JobStatus,
    StageRecord,
    email_key,
    ident,
    iso_time,
    linkedin_key,
    text,
)

SERVICE = "lever"

# Lever posting states → ours. "internal" postings are open (listed on the internal job site
# only); "pending"/"rejected" are postings waiting for or refused approval.
JOB_STATES: dict[str, JobStatus] = {
    "published": "open", "internal": "open", "closed": "closed", "draft": "draft",
    "pending": "draft", "rejected": "archived",
}


class _Bad(ValueError):
    """A value that makes the record unreadable (the message is the quarantine reason)."""


@dataclass(frozen=True)
class ListBody:
    items: list[Any]
    has_next: bool
    next: str | None


def list_body(body: Any) -> ListBody | None:
    """A Lever list answer, or None when the body is not one (a broken page)."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        return None
    has_next = body.get("hasNext") is True
    nxt = body.get("next")
    token = nxt if isinstance(nxt, str) and nxt and len(nxt) <= 2000 else None
    return ListBody(list(body["data"]), has_next and token is not None, token)


def single(body: Any) -> dict[str, Any] | None:
    """The object of a ``{"data": {...}}`` answer, or None."""
    if isinstance(body, dict) and isinstance(body.get("data"), dict):
        return dict(body["data"])
    return None


def _sane(value: str, what: str) -> str:
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        raise _Bad(f"{what} holds characters that are not text")
    return value


def _text(raw: Mapping[str, Any], key: str, what: str, limit: int = 300) -> str:
    return _sane(text(raw.get(key), limit), what)


def _id(raw: Mapping[str, Any], key: str, what: str) -> str:
    found = ident(raw.get(key))
    if found is None:
        raise _Bad(f"{what} has no usable id")
    return _sane(found, what)


def _quarantine(resource: str, reason: str, raw: Any) -> Quarantine:
    ext = raw.get("id") if isinstance(raw, dict) else None
    return Quarantine.of(SERVICE, resource, reason, raw, ext if isinstance(ext, str) else None)


def parse_posting(raw: Any) -> JobRecord | Quarantine:
    """A Lever posting as a ``JobRecord`` (stages are account-wide: ``stages`` is [])."""
    try:
        if not isinstance(raw, dict):
            raise _Bad("the posting is not an object")
        state = raw.get("state")
        status = JOB_STATES.get(state) if isinstance(state, str) else None
        if status is None:
            raise _Bad(f"the posting's state is not one Lever documents: {str(state)[:40]!r}")
        categories = raw.get("categories")
        location = None
        if isinstance(categories, dict):
            location = _text(categories, "location", "the posting's location") or None
        return JobRecord(kind="job", id=_id(raw, "id", "the posting"),
                         title=_text(raw, "text", "the posting's title"), status=status,
                         location=location, stages=[],
                         updated_at=iso_time(raw.get("updatedAt")), deleted=False)
    except _Bad as exc:
        return _quarantine("jobs", str(exc), raw)
    except Exception as exc:  # a safety net: a parser never raises
        return _quarantine("jobs", f"the posting could not be read ({type(exc).__name__})", raw)


def parse_stage(raw: Any) -> StageRecord | None:
    if not isinstance(raw, dict):
        return None
    sid = ident(raw.get("id"))
    name = text(raw.get("text"))
    if sid is None or any("\ud800" <= ch <= "\udfff" for ch in sid + name):
        return None
    return StageRecord(id=sid, name=name)


def contact_of(raw: Any) -> str | None:
    """The contact (person) id of an opportunity: a string, or ``{"id"}`` when expanded."""
    if not isinstance(raw, dict):
        return None
    contact = raw.get("contact")
    if isinstance(contact, dict):
        contact = contact.get("id")
    found = ident(contact)
    if found is None or any("\ud800" <= ch <= "\udfff" for ch in found):
        return None
    return found


def _stage(raw: Mapping[str, Any]) -> tuple[str | None, str | None]:
    stage = raw.get("stage")
    if stage is None:
        return None, None
    if isinstance(stage, dict):
        sid = ident(stage.get("id"))
        return (None if sid is None else _sane(sid, "the stage id"),
                _text(stage, "text", "the stage name") or None)
    sid = ident(stage)
    if sid is None:
        raise _Bad("the opportunity's stage is neither an id nor a stage")
    return _sane(sid, "the stage id"), None


def _job(raw: Mapping[str, Any]) -> str | None:
    apps = raw.get("applications")
    if apps is None:
        return None
    if not isinstance(apps, list):
        raise _Bad("the opportunity's applications are not a list")
    for app in apps:
        if isinstance(app, dict):
            posting = app.get("posting")
            if isinstance(posting, dict):
                posting = posting.get("id")
            found = ident(posting)
            if found is not None:
                return _sane(found, "the posting id")
    return None


def _state(raw: Mapping[str, Any], hired: frozenset[str]) -> ApplicationState:
    archived = raw.get("archived")
    if archived is None:
        return "active"
    if not isinstance(archived, dict):
        raise _Bad("the opportunity's archived state is not an object")
    reason = archived.get("reason")
    if isinstance(reason, dict):
        reason = reason.get("id")
    return "hired" if ident(reason) in hired else "rejected"


def parse_application(raw: Any, hired: frozenset[str]) -> ApplicationRecord | Quarantine:
    """One opportunity as an ``ApplicationRecord``; ``hired``: the ids of the account's
    archive reasons of type "hired"."""
    try:
        if not isinstance(raw, dict):
            raise _Bad("the opportunity is not an object")
        stage_id, stage_name = _stage(raw)
        return ApplicationRecord(id=_id(raw, "id", "the opportunity"), job_id=_job(raw),
                                 stage_id=stage_id, stage_name=stage_name,
                                 status=_state(raw, hired),
                                 updated_at=iso_time(raw.get("updatedAt")))
    except _Bad as exc:
        return _quarantine("candidates", str(exc), raw)
    except Exception as exc:
        return _quarantine("candidates",
                           f"the opportunity could not be read ({type(exc).__name__})", raw)


def split_name(name: str) -> tuple[str, str]:
    """Lever keeps one name: "Jane van Dijk" → ("Jane", "van Dijk")."""
    parts = name.split(None, 1)
    if not parts:
        return "", ""
    return parts[0], (parts[1] if len(parts) > 1 else "")


def _emails(values: Iterable[Any]) -> list[str]:
    found: list[str] = []
    for value in values:
        key = email_key(value)
        if key and key not in found:
            found.append(_sane(key, "an email"))
    return found


def _phones(values: Iterable[Any]) -> list[str]:
    found: list[str] = []
    for value in values:
        raw = value.get("value") if isinstance(value, dict) else value
        phone = _sane(text(raw, 40), "a phone number")
        if phone and phone not in found:
            found.append(phone)
    return found


def _listed(raw: Mapping[str, Any], key: str) -> list[Any]:
    value = raw.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _Bad(f"the opportunity's {key} are not a list")
    return value


def _location(raw: Mapping[str, Any]) -> str | None:
    loc = raw.get("location")
    if isinstance(loc, dict):
        loc = loc.get("name")
    return _sane(text(loc), "the location") or None


def _newest(opps: Sequence[Mapping[str, Any]]) -> Mapping[str, Any]:
    def stamp(o: Mapping[str, Any]) -> str:
        return iso_time(o.get("updatedAt")) or ""
    return max(opps, key=stamp)


def parse_person(contact_id: str, opps: Sequence[Any], hired: frozenset[str], *,
                 deleted: bool = False) -> tuple[CandidateRecord | None, list[Quarantine]]:
    """One contact from all of its opportunities: the record (None when none of them can
    be read) and the opportunities set aside. The person's details (name, emails, phones,
    links) are the contact's, copied on every opportunity: the newest one's are taken.
    ``deleted``: the contact has no opportunity left (all deleted at Lever)."""
    good: list[dict[str, Any]] = []
    apps: list[ApplicationRecord] = []
    bad: list[Quarantine] = []
    for raw in opps:
        app = parse_application(raw, hired)
        if isinstance(app, Quarantine):
            bad.append(app)
        else:
            good.append(raw)
            if not deleted:
                apps.append(app)
    if not good:
        return None, bad
    try:
        newest = _newest(good)
        first, last = split_name(_text(newest, "name", "the name"))
        emails = _emails([*_listed(newest, "emails"),
                          *(e for o in good if o is not newest for e in _listed(o, "emails"))])
        linkedin = next((k for k in (linkedin_key(u) for u in _listed(newest, "links")) if k),
                        None)
        stamps = [s for s in (iso_time(o.get("updatedAt")) for o in good) if s]
        record = CandidateRecord(
            kind="candidate", id=_sane(contact_id, "the contact id"), first_name=first,
            last_name=last, emails=emails, phones=_phones(_listed(newest, "phones")),
            linkedin_url=linkedin, location=_location(newest),
            updated_at=max(stamps) if stamps else None,
            deleted=deleted or newest.get("isAnonymized") is True,
            applications=sorted(apps, key=lambda a: a["id"]))
    except _Bad as exc:
        return None, [*bad, _quarantine("candidates", str(exc), good[0])]
    except Exception as exc:
        return None, [*bad, _quarantine(
            "candidates", f"the contact could not be read ({type(exc).__name__})", good[0])]
    return record, bad


def group_by_contact(items: Iterable[Any]) -> tuple[dict[str, list[Any]], list[Quarantine]]:
    """Opportunities grouped by contact id (in first-seen order); those without one set
    aside."""
    groups: dict[str, list[Any]] = {}
    bad: list[Quarantine] = []
    for raw in items:
        contact = contact_of(raw)
        if contact is None:
            bad.append(_quarantine("candidates", "the opportunity has no usable contact id",
                                   raw))
        else:
            groups.setdefault(contact, []).append(raw)
    return groups, bad


def note_body(raw: Any) -> tuple[str, str] | None:
    """(id, text) of a Lever note: its fields' values joined (its title when it has no
    field with a text value)."""
    if not isinstance(raw, dict):
        return None
    nid = ident(raw.get("id"))
    if nid is None:
        return None
    fields = raw.get("fields")
    parts = [text(f.get("value"), 100_000) for f in fields
             if isinstance(f, dict)] if isinstance(fields, list) else []
    body = "\n".join(p for p in parts if p) or text(raw.get("text"), 100_000)
    return nid, body


def hired_reasons(items: Iterable[Any]) -> frozenset[str]:
    """The ids of the archive reasons of type "hired"."""
    return frozenset(rid for rid, _, kind in archive_reasons(items) if kind == "hired")


def archive_reasons(items: Iterable[Any]) -> list[tuple[str, str, str]]:
    """(id, text, type) of each readable archive reason."""
    found = []
    for raw in items:
        if isinstance(raw, dict) and (rid := ident(raw.get("id"))) is not None:
            kind = raw.get("type")
            found.append((rid, text(raw.get("text")),
                          kind if isinstance(kind, str) else "non-hired"))
    return found


__all__ = ["JOB_STATES", "SERVICE", "ListBody", "archive_reasons", "contact_of",
           "group_by_contact", "hired_reasons", "list_body", "note_body", "parse_application",
           "parse_person", "parse_posting", "parse_stage", "single", "split_name"]
