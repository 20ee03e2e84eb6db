"""Bullhorn JSON → neutral records, totally: every input gives a record or a ``Quarantine``.

Bullhorn ids are integers, dates are epoch milliseconds, names may be null, a person has up to
three emails (``email``, ``email2``, ``email3``) and three phones (``mobile``, ``phone``,
``workPhone``). Applications are JobSubmissions, whose ``status`` is a per-tenant string: it is
both the stage id and the stage name, and its wording tells rejected ("Client Rejected") and
hired ("Placed") apart. Soft-deleted (``isDeleted``) and anonymised people come as
``deleted: True`` records; a person Bullhorn no longer returns at all is ``deleted_candidate``.
"""

from __future__ import annotations

import math
from typing import Any

from milo_desktop.services.connectors import Quarantine
from milo_desktop.services.connectors.ats.records import (
    ApplicationRecord,
    ApplicationState,
    CandidateRecord,
    JobRecord,
    JobStatus,
    email_key,
    iso_time,
    linkedin_key,
    text,
)

SERVICE = "bullhorn"
CANDIDATE_FIELDS = ("id,firstName,lastName,email,email2,email3,mobile,phone,workPhone,"
                    "companyURL,address,dateLastModified,isDeleted,isAnonymized")
SUBMISSION_FIELDS = "id,status,candidate,jobOrder,dateLastModified,isDeleted"
JOB_FIELDS = "id,title,status,isOpen,isDeleted,address,dateLastModified"
MAX_ID = 2**53  # larger "ids" are not Bullhorn's (and lose precision in JSON)
HIRED_WORDS = ("placed", "hired", "offer accepted")


def status_state(status: str) -> ApplicationState:
    """A tenant's JobSubmission status in neutral words."""
    low = status.lower()
    if "reject" in low or "not interested" in low:
        return "rejected"
    if any(word in low for word in HIRED_WORDS):
        return "hired"
    return "active"


def bh_id(value: Any) -> int | None:
    """A Bullhorn id: a positive integer (never a bool, float or text)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 < value < MAX_ID else None


def _ref_id(value: Any) -> int | None:
    """The id of a to-one association ``{"id": 12}``."""
    return bh_id(value.get("id")) if isinstance(value, dict) else None


def _valid_text(value: Any) -> bool:
    """None or a string a database can store (no lone surrogates)."""
    if value is None:
        return True
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _when(raw: dict[str, Any], key: str) -> tuple[bool, str | None]:
    """(usable, iso): a missing/null date is usable (None); garbage is not."""
    value = raw.get(key)
    if value is None:
        return True, None
    if isinstance(value, float) and not math.isfinite(value):
        return False, None
    iso = iso_time(value)
    return iso is not None, iso


def _location(address: Any) -> str | None:
    if not isinstance(address, dict):
        return None
    parts = [text(address.get(k), 100) for k in ("city", "state")]
    return ", ".join(p for p in parts if p and _valid_text(p)) or None


def parse_candidate(raw: Any, resource: str = "candidates") -> CandidateRecord | Quarantine:
    if not isinstance(raw, dict):
        return Quarantine.of(SERVICE, resource, "a candidate that is not a JSON object", raw)
    cid = bh_id(raw.get("id"))
    if cid is None:
        return Quarantine.of(SERVICE, resource, "a candidate without a usable id", raw)
    for key in ("firstName", "lastName"):
        if not _valid_text(raw.get(key)):
            return Quarantine.of(SERVICE, resource, f"a candidate whose {key} is not text", raw,
                                 str(cid))
    usable, updated = _when(raw, "dateLastModified")
    if not usable:
        return Quarantine.of(SERVICE, resource, "a candidate with an unreadable "
                             "dateLastModified", raw, str(cid))
    emails: list[str] = []
    for key in ("email", "email2", "email3"):
        found = email_key(raw.get(key)) if _valid_text(raw.get(key)) else None
        if found and found not in emails:
            emails.append(found)
    phones: list[str] = []
    for key in ("mobile", "phone", "workPhone"):
        value = raw.get(key)
        phone = text(value, 40) if _valid_text(value) else ""
        if phone and phone not in phones:
            phones.append(phone)
    url = raw.get("companyURL")
    return CandidateRecord(
        kind="candidate", id=str(cid), first_name=text(raw.get("firstName"), 100),
        last_name=text(raw.get("lastName"), 100), emails=emails, phones=phones,
        linkedin_url=linkedin_key(url) if _valid_text(url) else None,
        location=_location(raw.get("address")), updated_at=updated,
        deleted=raw.get("isDeleted") is True or raw.get("isAnonymized") is True,
        applications=[])


def deleted_candidate(cid: str) -> CandidateRecord:
    """A person Bullhorn no longer returns (a DELETED event, or gone from an id lookup)."""
    return CandidateRecord(kind="candidate", id=cid, first_name="", last_name="", emails=[],
                           phones=[], linkedin_url=None, location=None, updated_at=None,
                           deleted=True, applications=[])


def parse_submission(raw: Any, resource: str = "candidates"
                     ) -> tuple[str, ApplicationRecord, bool] | Quarantine:
    """(candidate id, application, deleted) of a JobSubmission, or a Quarantine."""
    if not isinstance(raw, dict):
        return Quarantine.of(SERVICE, resource, "a job submission that is not a JSON object",
                             raw)
    sid = bh_id(raw.get("id"))
    cid = _ref_id(raw.get("candidate"))
    if sid is None or cid is None:
        return Quarantine.of(SERVICE, resource, "a job submission without a usable id or "
                             "candidate", raw)
    status = raw.get("status")
    if not isinstance(status, str) or not status.strip() or not _valid_text(status):
        return Quarantine.of(SERVICE, resource, "a job submission without a readable status",
                             raw, str(sid))
    usable, updated = _when(raw, "dateLastModified")
    if not usable:
        return Quarantine.of(SERVICE, resource, "a job submission with an unreadable "
                             "dateLastModified", raw, str(sid))
    job = _ref_id(raw.get("jobOrder"))
    name = text(status, 100)
    app = ApplicationRecord(id=str(sid), job_id=str(job) if job is not None else None,
                            stage_id=name, stage_name=name, status=status_state(name),
                            updated_at=updated)
    return str(cid), app, raw.get("isDeleted") is True


def _job_status(raw: dict[str, Any]) -> JobStatus:
    status = raw.get("status")
    low = status.lower() if isinstance(status, str) else ""
    if "archive" in low:
        return "archived"
    if raw.get("isOpen") is True:
        return "open"
    return "closed"


def parse_job(raw: Any, resource: str = "jobs") -> JobRecord | Quarantine:
    if not isinstance(raw, dict):
        return Quarantine.of(SERVICE, resource, "a job order that is not a JSON object", raw)
    jid = bh_id(raw.get("id"))
    if jid is None:
        return Quarantine.of(SERVICE, resource, "a job order without a usable id", raw)
    title = raw.get("title")
    if not isinstance(title, str) or not _valid_text(title):
        return Quarantine.of(SERVICE, resource, "a job order whose title is not text", raw,
                             str(jid))
    usable, updated = _when(raw, "dateLastModified")
    if not usable:
        return Quarantine.of(SERVICE, resource, "a job order with an unreadable "
                             "dateLastModified", raw, str(jid))
    return JobRecord(kind="job", id=str(jid), title=text(title, 200) or f"Job {jid}",
                     status=_job_status(raw), location=_location(raw.get("address")),
                     stages=[], updated_at=updated, deleted=raw.get("isDeleted") is True)


def data_list(body: Any) -> list[Any] | None:
    """The ``data`` array of a search / query / multi-entity answer (a single entity's
    ``data`` object counts as a list of one); None when the body is not that shape."""
    if not isinstance(body, dict):
        return None
    data = body.get("data")
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        return [data]
    return None


__all__ = ["CANDIDATE_FIELDS", "JOB_FIELDS", "SUBMISSION_FIELDS", "bh_id", "data_list",
           "deleted_candidate", "parse_candidate", "parse_job", "parse_submission",
           "status_state"]
