"""A chart's data as CSV, and writing an export off the GUI thread with a clear message when
the disk says no.

The CSV is what the chart shows, one row per bucket, in plain numbers a spreadsheet reads
without guessing: ISO dates (the bucket's first UTC day), counts, and dollars with six
decimals (providers price in fractions of a cent; micro-units are kept exact).
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import errno
import io
from pathlib import Path

from milo_desktop.enums import SpendKind
from milo_desktop.errors import DiskFull, EnvironmentProblem
from milo_desktop.files import write_private
from milo_desktop.services.analytics.figures import ActivityPoint, SpendPoint
from milo_desktop.services.analytics.series import Bucket

SPEND_KINDS = tuple(SpendKind)


def _dollars(micros: int) -> str:
    sign = "-" if micros < 0 else ""
    whole, frac = divmod(abs(micros), 1_000_000)
    return f"{sign}{whole}.{frac:06d}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180; spreadsheets expect CRLF
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def activity_csv(points: tuple[ActivityPoint, ...], bucket: Bucket) -> str:
    return _table(
        [f"{bucket.value}_start_utc", "invited", "started", "completed"],
        [[p.start.isoformat(), str(p.invited), str(p.started), str(p.completed)]
         for p in points])


def spend_csv(points: tuple[SpendPoint, ...], bucket: Bucket) -> str:
    return _table(
        [f"{bucket.value}_start_utc", "total_usd", *(f"{k.value}_usd" for k in SPEND_KINDS)],
        [[p.start.isoformat(), _dollars(p.micros),
          *(_dollars(p.by_kind.get(k, 0)) for k in SPEND_KINDS)] for p in points])


def _write(path: Path, data: bytes) -> None:
    """Whole or nothing: written beside the target, then moved over it."""
    part = path.with_name(path.name + ".part")
    try:
        write_private(part, data)
        part.replace(path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            part.unlink(missing_ok=True)
        if exc.errno == errno.ENOSPC:
            raise DiskFull(f"The disk is full; {path.name} was not saved.") from exc
        raise EnvironmentProblem(
            f"Could not save {path}: {exc.strerror or exc}.", detail=str(exc)) from exc


async def write_export(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` in a worker thread (EnvironmentProblem when it cannot)."""
    await asyncio.to_thread(_write, path, data)
