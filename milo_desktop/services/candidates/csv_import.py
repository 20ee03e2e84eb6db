"""CSV import: people from any other system into the directory, without duplicates.

A file is read in batches of ``BATCH_ROWS`` (the parsing in a worker thread, the storing in one
``db.write`` transaction per batch, so the window never waits and a crash or a Cancel keeps the
batches already stored). Each batch is resolved with ``identity.resolve``: a row whose email,
phone or LinkedIn profile belongs to someone of the same name fills that person's empty fields
(never overwrites, never duplicates); a key match under another name becomes a new person and a
"Possible duplicate" for someone to decide. A person repeated in the file is matched the same
way against their earlier row (``_runs``).

Rows that cannot be taken (no name and no way to reach them, an invalid email, a phone that is
unreadable when it is the only contact, NUL bytes, control characters, oversized values) are
quarantined with their reason — in the Sync issues list (``service="csv"``) and in an
owner-only spool file the recruiter can download as CSV with a "reason" column. Cells that look
like spreadsheet formulas are stored as text (nothing here evaluates them); the download
escapes them so a spreadsheet does not run them either.

People imported get ``CandidateSource.MANUAL``: a person (not a connected system) brought them
in — ``ATS`` means a live connector with an ATS id, ``DIRECTORY`` is an application's source
(invited from the directory), ``PHONE`` / ``EMAIL`` are channels.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Protocol, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from milo_desktop.enums import CandidateSource
from milo_desktop.errors import ValidationProblem
from milo_desktop.files import open_private
from milo_desktop.models import Candidate, CandidateNote, WorkspaceSetting
from milo_desktop.services.candidates import csv_mapping as m
from milo_desktop.services.candidates.identity import (
    Person,
    fill_missing,
    record_possible_many,
    resolve,
)
from milo_desktop.services.connectors import Quarantine
from milo_desktop.services.connectors.payloads import dump_payload
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import CandidatesChanged, EventBus
from milo_desktop.services.sync.cursors import add_quarantine

SETTING_KEY = "csv_import.mappings"  # workspace setting: {header signature: {column: field}}
REMEMBERED_MAX = 50
BATCH_ROWS = 500
_KEY_ORDER = ("email", "linkedin", "phone")
# Core, not the ORM's bulk insert: that one splits the rows by which columns are None.
_CANDIDATES = cast(Table, Candidate.__table__)


class CancelFlag(Protocol):
    def is_set(self) -> bool: ...


@dataclass(frozen=True)
class Preview:
    """The first rows of a file and the mapping to offer (``remembered``: the one confirmed
    last time for a file with these headers, else the suggestion from the header names)."""

    headers: list[str]
    rows: list[list[str]]
    format: m.CsvFormat
    mapping: m.ColumnMapping
    remembered: bool


@dataclass(frozen=True)
class ImportReport:
    file_name: str
    total: int  # data rows in the file
    created: int = 0
    updated: int = 0  # existing people whose missing fields (or a note) were filled in
    unchanged: int = 0  # existing people the row told nothing new about
    quarantined: int = 0
    possible_duplicates: int = 0
    cancelled: bool = False
    rejects_path: str | None = None  # owner-only spool of the quarantined rows

    @property
    def done(self) -> int:
        return self.created + self.updated + self.unchanged + self.quarantined


def _keys(p: Person | Candidate) -> Iterator[tuple[str, str]]:
    for kind, value in zip(_KEY_ORDER, (p.email, p.linkedin_url, p.phone_e164), strict=True):
        if value:
            yield kind, value


@dataclass
class _Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    possible: int = 0


def _runs(items: list[m.Parsed]) -> Iterator[list[m.Parsed]]:
    """The batch cut wherever a row shares a key with an earlier row of its run, so
    each run is resolved against the directory *with* the rows before it (flushed): a person
    repeated in a file is treated exactly as one already in the directory, whatever the batch
    boundaries. Files rarely repeat anyone, so a batch is usually one run."""
    run: list[m.Parsed] = []
    keys: set[tuple[str, str]] = set()
    for it in items:
        mine = set(_keys(it.person))
        if mine & keys:
            yield run
            run, keys = [], set()
        run.append(it)
        keys |= mine
    if run:
        yield run


def new_row(p: Person) -> dict[str, Any]:
    """``identity.new_candidate``'s columns as a row for one multi-row INSERT: an ORM object
    per person costs more than the insert itself at 100,000 rows."""
    name = p.full_name.strip() or (p.email or p.phone_e164 or "Unnamed")
    return {"full_name": name[:200], "name_key": name.casefold()[:200], "email": p.email,
            "phone_e164": p.phone_e164, "linkedin_url": p.linkedin_url,
            "location": (p.location or None) and p.location[:120],
            "source": CandidateSource.MANUAL}


def _insert(s: Session, fresh: list[tuple[int | None, dict[str, Any]]],
            outcome: list[list[Any]]) -> None:
    """New people in file order: runs nothing refers to in one executemany each (RETURNING
    would make SQLite insert them one by one); those a note or a possible duplicate will
    refer to with their id."""
    plain: list[dict[str, Any]] = []
    for slot, row in [*fresh, (-1, {})]:
        if slot is None:
            plain.append(row)
            continue
        if plain:
            s.connection().execute(insert(_CANDIDATES), plain)
            plain = []
        if slot >= 0:
            outcome[slot][0] = s.connection().execute(
                insert(_CANDIDATES).returning(_CANDIDATES.c.id), row).scalar_one()


def store_batch(s: Session, items: list[m.Parsed], rejected: list[m.Rejected], *,
                file_name: str, headers: list[str], source_label: str,
                counts: _Counts) -> None:
    """One batch in the caller's transaction (see the module's rules)."""
    outcome: list[list[Any]] = []  # [candidate id, "created" | "updated" | "unchanged"]
    notes: list[tuple[int, str]] = []  # (outcome index, body)
    for run in _runs(items):
        resolutions = resolve(s, [it.person for it in run])
        picks: list[int | None] = []
        for it, res in zip(run, resolutions, strict=True):
            # A row without a name brings no name to disagree with: its first key match is
            # the person.
            pick = res.candidate_id
            if pick is None and not it.person.full_name and res.possible:
                pick = min(res.possible, key=lambda cp: (_KEY_ORDER.index(cp[1]), cp[0]))[0]
            picks.append(pick)
        ids = sorted({p for p in picks if p is not None})
        loaded = {c.id: c for i in range(0, len(ids), 400) for c in
                  s.scalars(select(Candidate).where(Candidate.id.in_(ids[i:i + 400])))}
        fresh: list[tuple[int | None, dict[str, Any]]] = []  # (outcome index if id needed, row)
        pending: list[tuple[int, list[tuple[int, str]]]] = []
        for it, res, pick in zip(run, resolutions, picks, strict=True):
            slot = len(outcome)
            if pick is None:
                outcome.append([None, "created"])
                wanted = it.note or (it.person.full_name and res.possible)
                fresh.append((slot if wanted else None, new_row(it.person)))
            else:
                status = "updated" if fill_missing(loaded[pick], it.person) else "unchanged"
                outcome.append([pick, status])
            if it.person.full_name and res.possible:
                pending.append((slot, [cp for cp in res.possible if cp[0] != pick]))
            if it.note:
                notes.append((slot, it.note))
        _insert(s, fresh, outcome)
        s.flush()  # the filled-in fields, before the next run resolves against them
        counts.possible += record_possible_many(
            s, [(outcome[slot][0], possible) for slot, possible in pending], "csv")
    _add_notes(s, outcome, notes, source_label)
    for _c, status in outcome:
        setattr(counts, status, getattr(counts, status) + 1)
    if rejected:
        add_quarantine(s, [Quarantine(service="csv", resource=file_name, reason=r.reason,
                                      payload=_payload(r, headers),
                                      external_id=f"row {r.number}") for r in rejected])
        counts.quarantined += len(rejected)


def _add_notes(s: Session, outcome: list[list[Any]], notes: list[tuple[int, str]],
               author: str) -> None:
    """Notes from the file, each once per person (importing a file again adds none)."""
    if not notes:
        return
    ids = sorted({outcome[i][0] for i, _b in notes})
    bodies = {b for _i, b in notes}
    have: set[tuple[int, str]] = set()
    for k in range(0, len(ids), 400):
        have.update((cid, body) for cid, body in s.execute(
            select(CandidateNote.candidate_id, CandidateNote.body)
            .where(CandidateNote.candidate_id.in_(ids[k:k + 400]))).tuples() if body in bodies)
    for i, body in notes:
        cid = outcome[i][0]
        if (cid, body) in have:
            continue
        have.add((cid, body))
        s.add(CandidateNote(candidate_id=cid, author=author[:120], body=body))
        if outcome[i][1] == "unchanged":
            outcome[i][1] = "updated"


def _payload(r: m.Rejected, headers: list[str]) -> str:
    values: dict[str, str] = {}
    for i, value in enumerate(r.fields):
        key = headers[i] if i < len(headers) and headers[i] else f"column {i + 1}"
        values[key if key not in values else f"{key} ({i + 1})"] = value
    return dump_payload({"row": r.number, "values": values})


class _Run:
    """One import's reading side: the row stream and the rejects spool (worker threads)."""

    def __init__(self, path: Path, fmt: m.CsvFormat, headers: list[str],
                 mapping: m.ColumnMapping, region: str) -> None:
        self.rows = m.iter_rows(path, fmt)
        self.mapping, self.region, self.headers = mapping, region, headers
        fd, name = tempfile.mkstemp(prefix="milo-csv-rejects-", suffix=".csv")  # 0600
        self.spool_path = name
        self.spool = os.fdopen(fd, "w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.spool)
        self.writer.writerow([m.safe_cell(h) for h in headers] + ["reason", "row"])
        self.rejected = 0

    def read_batch(self) -> tuple[list[m.Parsed], list[m.Rejected]] | None:
        items: list[m.Parsed] = []
        rejected: list[m.Rejected] = []
        for row in self.rows:
            parsed = m.parse_row(row, self.mapping, self.region)
            if isinstance(parsed, m.Rejected):
                rejected.append(parsed)
                cells = parsed.fields + [""] * (len(self.headers) - len(parsed.fields))
                self.writer.writerow([m.safe_cell(c.replace("\x00", "")) for c in cells]
                                     + [parsed.reason, parsed.number])
            else:
                items.append(parsed)
            if len(items) + len(rejected) >= BATCH_ROWS:
                break
        self.rejected += len(rejected)
        return (items, rejected) if items or rejected else None

    def close(self) -> str | None:
        """Stop reading; the spool's path when it holds rejected rows (else it is removed)."""
        close = getattr(self.rows, "close", None)
        if close is not None:
            close()
        self.spool.close()
        if self.rejected:
            return self.spool_path
        with contextlib.suppress(OSError):
            os.unlink(self.spool_path)
        return None


def _remembered(s: Session) -> dict[str, Any]:
    row = s.get(WorkspaceSetting, SETTING_KEY)
    return dict(row.value) if row is not None and isinstance(row.value, dict) else {}


class CsvImportService:
    """Preview, import and rejected rows of CSV files (``region``: the country phone numbers
    without a "+" are read in)."""

    def __init__(self, db: Database, bus: EventBus, *, region: str = "US") -> None:
        self.db, self.bus, self.region = db, bus, region

    async def preview(self, path: str | Path, rows: int = 20) -> Preview:
        """The file's format, header and first rows, and the mapping to offer."""
        path = Path(path)
        fmt = await asyncio.to_thread(m.sniff, path)
        headers, body = await asyncio.to_thread(m.read_head, path, fmt, rows)
        if not headers:
            raise ValidationProblem("This file is empty: there is no header row to read.")
        saved = (await self.db.read(_remembered)).get(m.header_signature(headers))
        mapping = _valid_mapping(saved, len(headers)) if isinstance(saved, dict) else None
        if mapping is not None:
            return Preview(headers, body, fmt, mapping, remembered=True)
        return Preview(headers, body, fmt, m.suggest_mapping(headers), remembered=False)

    async def remember_mapping(self, headers: list[str], mapping: m.ColumnMapping) -> None:
        """Offer ``mapping`` again for files with these headers (the newest ``REMEMBERED_MAX``
        layouts are kept)."""
        signature = m.header_signature(headers)

        def save(s: Session) -> None:
            row = s.get(WorkspaceSetting, SETTING_KEY)
            value = _remembered(s)
            value.pop(signature, None)
            value[signature] = {str(i): f for i, f in sorted(mapping.items())}
            value = dict(list(value.items())[-REMEMBERED_MAX:])
            if row is None:
                s.add(WorkspaceSetting(key=SETTING_KEY, value=value))
            else:
                row.value = value

        await self.db.write(save)

    async def import_file(self, path: str | Path, mapping: m.ColumnMapping, *,
                          source_label: str = "",
                          progress: Callable[[int, int], None] | None = None,
                          cancel: CancelFlag | None = None,
                          region: str | None = None) -> ImportReport:
        """Import every row (see the module's rules); ``progress(done, total)`` after each
        batch, on the caller's loop; ``cancel`` is checked between batches — the batches
        already stored stay, and the report says it was cancelled."""
        problem = m.mapping_problem(mapping)
        if problem:
            raise ValidationProblem(problem)
        path = Path(path)
        fmt = await asyncio.to_thread(m.sniff, path)
        headers, _rows = await asyncio.to_thread(m.read_head, path, fmt, 0)
        if not headers:
            raise ValidationProblem("This file is empty: there is no header row to read.")
        await self.remember_mapping(headers, mapping)
        try:
            total, fmt = await asyncio.to_thread(m.count_rows, path, fmt)
        except UnicodeDecodeError as exc:
            raise ValidationProblem("The file's text could not be read: save it as UTF-8 CSV "
                                    "and try again.", detail=str(exc)) from exc
        label = source_label or f"CSV import: {path.name}"
        counts = _Counts()
        run = _Run(path, fmt, headers, mapping, region or self.region)
        cancelled = False
        try:
            if progress is not None:
                progress(0, total)
            while True:
                if cancel is not None and cancel.is_set():
                    cancelled = True
                    break
                batch = await asyncio.to_thread(run.read_batch)
                if batch is None:
                    break
                await self.db.write(partial(store_batch, items=batch[0], rejected=batch[1],
                                            file_name=path.name, headers=headers,
                                            source_label=label, counts=counts))
                if progress is not None:
                    progress(min(total, counts.created + counts.updated + counts.unchanged
                                 + counts.quarantined), total)
        finally:
            rejects = await asyncio.to_thread(run.close)
            self.bus.publish(CandidatesChanged())
        return ImportReport(path.name, total, counts.created, counts.updated, counts.unchanged,
                            counts.quarantined, counts.possible, cancelled, rejects)

    async def rejected_rows_csv(self, report: ImportReport, dest: str | Path) -> int:
        """Write the report's rejected rows (with "reason" and "row") to ``dest``, owner-only;
        returns how many rows were written."""
        if report.rejects_path is None:
            raise ValidationProblem("This import has no rejected rows.")
        spool = report.rejects_path

        def copy() -> int:
            with open(spool, encoding="utf-8", newline="") as src, \
                    open_private(dest, "w", encoding="utf-8-sig", newline="") as out:
                shutil.copyfileobj(src, out)
            return report.quarantined

        return await asyncio.to_thread(copy)

    @staticmethod
    def discard(report: ImportReport) -> None:
        """Remove the report's rejects spool (the dialog closing)."""
        if report.rejects_path:
            with contextlib.suppress(OSError):
                os.unlink(report.rejects_path)


def _valid_mapping(saved: dict[str, Any], width: int) -> m.ColumnMapping | None:
    mapping: m.ColumnMapping = {}
    for key, value in saved.items():
        if not (isinstance(key, str) and key.isdigit() and isinstance(value, str)):
            return None
        if int(key) < width and value in m.FIELDS:
            mapping[int(key)] = value
    return mapping if m.mapping_problem(mapping) is None else None


__all__ = ["BATCH_ROWS", "SETTING_KEY", "CancelFlag", "CsvImportService", "ImportReport",
           "Preview", "new_row", "store_batch"]
