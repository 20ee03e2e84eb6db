"""Writing exports: CSV (one row per application, stage cells as columns) and JSON (each
application with its stages and their answers). Blocking file work: the service calls these
from a worker thread, one page of records at a time, into a temporary file it renames into
place at the end (a cancelled or failed export leaves nothing half-written behind).
"""

from __future__ import annotations

import csv
import datetime as dt
import errno
import io
import json
import re
from pathlib import Path
from typing import IO, Any

from milo_desktop.errors import DiskFull, EnvironmentProblem
from milo_desktop.files import open_private
from milo_desktop.services.review.rows import ApplicationRecord, ExportFormat, StageRecord

# A spreadsheet runs a cell that starts with one of these as a formula ("CSV injection"), and
# candidates type their own names and answers. Such cells get a leading apostrophe, as OWASP
# advises; numbers and phone numbers ("+1 469…", "-3") are left alone.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBERISH = re.compile(r"^[+-]?[\d\s().-]+$")

BASE_COLUMNS = ("application_id", "candidate_id", "name", "email", "phone", "location",
                "status", "score", "invited_at", "last_engaged_at", "completed_at",
                "knocked_out_stage")


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value is not None else None


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBERISH.match(
            value):
        return "'" + value
    return value


def csv_header(stage_names: list[str]) -> list[str]:
    columns = list(BASE_COLUMNS)
    for name in stage_names:
        columns += [f"{name} status", f"{name} score", f"{name} passed", f"{name} total"]
    return columns


def csv_row(r: ApplicationRecord) -> list[Any]:
    values: list[Any] = [r.application_id, r.candidate_id, r.name, r.email, r.phone, r.location,
                         r.status.value, r.score, _iso(r.invited_at), _iso(r.last_engaged_at),
                         _iso(r.completed_at), r.knocked_out_stage]
    for st in r.stages:
        values += [st.status.value, st.score, st.structured_passed, st.structured_total]
    return [_cell(v) for v in values]


def json_record(r: ApplicationRecord) -> dict[str, Any]:
    return {
        "application_id": r.application_id,
        "candidate": {"id": r.candidate_id, "name": r.name, "email": r.email,
                      "phone": r.phone, "location": r.location},
        "status": r.status.value,
        "score": r.score,
        "invited_at": _iso(r.invited_at),
        "started_at": _iso(r.started_at),
        "completed_at": _iso(r.completed_at),
        "last_engaged_at": _iso(r.last_engaged_at),
        "knocked_out_stage": r.knocked_out_stage,
        "knockout_reason": r.knockout_reason,
        "stages": [_json_stage(st) for st in r.stages],
    }


def _json_stage(st: StageRecord) -> dict[str, Any]:
    return {
        "position": st.position, "name": st.name, "kind": st.kind.value,
        "status": st.status.value, "score": st.score,
        "structured_passed": st.structured_passed, "structured_total": st.structured_total,
        "evaluator": st.evaluator, "completed_at": _iso(st.completed_at),
        "answers": [{"question": a.question, "answer": a.answer, "score": a.score,
                     "passed": a.passed, "evaluator": a.evaluator, "summary": a.summary,
                     "evidence": a.evidence, "dealbreaker": a.dealbreaker}
                    for a in st.answers],
    }


def render_page(fmt: ExportFormat, records: list[ApplicationRecord], first: bool) -> str:
    """A page of records as the text that goes into the file. Rendered where the records
    are read (a reader thread), so a page crosses threads as one string: no per-record
    objects survive into the garbage collector's old generation, whose full collections
    would otherwise pause every thread, the GUI's included, as an export of 10,000 goes on."""
    if fmt == ExportFormat.CSV:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows(csv_row(r) for r in records)
        return buffer.getvalue()
    parts = [json.dumps(json_record(r), ensure_ascii=False) for r in records]
    if not parts:
        return ""
    return ("\n" if first else ",\n") + ",\n".join(parts)


class ExportWriter:
    """One export file being written: ``open`` → ``write`` (a rendered page at a time) →
    ``finish`` or ``discard``. OS errors become messages (disk full, no permission)."""

    def __init__(self, path: Path, fmt: ExportFormat, interviewer: dict[str, Any],
                 stage_names: list[str]) -> None:
        self.path = path
        self.fmt = fmt
        self.part = path.with_name(f".{path.name}.part")
        self.interviewer = interviewer
        self.stage_names = stage_names
        self._file: IO[str] | None = None

    def open(self) -> None:
        with os_errors(self.path):
            # utf-8-sig: spreadsheet programs then read "Zoë Ångström" as such, not mojibake.
            encoding = "utf-8-sig" if self.fmt == ExportFormat.CSV else "utf-8"
            # 0600: an export holds candidates' personal data
            self._file = open_private(self.part, "w", encoding=encoding, newline="")
            if self.fmt == ExportFormat.CSV:
                csv.writer(self._file, lineterminator="\r\n").writerow(
                    csv_header(self.stage_names))
            else:
                # {"interviewer": …, "exported_at": …, "candidates": [ …pages… ]}
                self._file.write(
                    '{"interviewer": ' + json.dumps(self.interviewer, ensure_ascii=False)
                    + ', "exported_at": ' + json.dumps(_iso(dt.datetime.now(dt.UTC)))
                    + ', "candidates": [')

    def write(self, text: str) -> None:
        assert self._file is not None
        with os_errors(self.path):
            self._file.write(text)

    def finish(self) -> None:
        assert self._file is not None
        with os_errors(self.path):
            if self.fmt == ExportFormat.JSON:
                self._file.write("\n]}\n")
            self._file.close()
            self._file = None
            self.part.replace(self.path)

    def discard(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self.part.unlink(missing_ok=True)


class os_errors:  # noqa: N801 - a context manager
    """OSError while writing ``path`` → the message the user needs."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, exc: BaseException | None, tb: Any) -> None:
        if not isinstance(exc, OSError):
            return
        if exc.errno == errno.ENOSPC:
            raise DiskFull(f"The disk is full: {self.path.name} could not be written. "
                           "Free some space and export again.") from exc
        raise EnvironmentProblem(
            f"Cannot write {self.path}: {exc.strerror or exc}. Choose another folder.",
            detail=str(exc)) from exc
