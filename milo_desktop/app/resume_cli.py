"""``milo-desktop resume parse FILE [--json] [--region US] [--today YYYY-MM-DD]``: what the
résumé parser reads from a file, for scripts and tests (no Qt, no workspace).

Exit codes: 0 parsed; 2 the file cannot be read (the reason on stderr, as the app would say
it: "cv.pdf: This PDF has no text layer — scanned? …"); 64 bad usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from typing import TextIO

from milo_desktop.errors import ValidationProblem


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="milo-desktop resume",
        description="Read a résumé (PDF, DOCX, RTF or text) and print what was extracted.")
    sub = parser.add_subparsers(dest="command", required=True)
    parse = sub.add_parser("parse", help="parse one résumé file")
    parse.add_argument("file", help="the résumé file")
    parse.add_argument("--json", action="store_true",
                       help="print one JSON object (every field with its line)")
    parse.add_argument("--region", default="US",
                       help="region for phone numbers without a country code when the "
                            "résumé names no country (ISO code; default US)")
    parse.add_argument("--today", type=dt.date.fromisoformat, default=None,
                       help="the day 'Present' means (YYYY-MM-DD; default today)")
    return parser


def _summary(parsed: object, out: TextIO) -> None:
    from milo_desktop.services.resume.parse import ParsedResume

    assert isinstance(parsed, ParsedResume)
    for label, v in (("Name", parsed.name), ("Email", parsed.email),
                     ("Phone", parsed.phone), ("Location", parsed.location)):
        print(f"{label}: {v.value if v else '—'}", file=out)
    print(f"Experience ({len(parsed.jobs)}):", file=out)
    for job in parsed.jobs:
        title = job.title.value if job.title else "(no title)"
        employer = f", {job.employer.value}" if job.employer else ""
        print(f"  {title}{employer}: {job.start} – {job.end} ({job.months} months)", file=out)
    for label, values in (("Skills", parsed.skills), ("Education", parsed.education),
                          ("Certifications", parsed.certifications),
                          ("Languages", parsed.languages)):
        print(f"{label}: {'; '.join(v.value for v in values) or '—'}", file=out)


def resume_main(argv: list[str], out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help (0) or bad usage (2 from argparse)
        return 0 if exc.code in (0, None) else 64
    from milo_desktop.services.resume.parse import parse_file

    today = args.today or dt.date.today()
    if not os.path.exists(args.file):
        print(f"resume parse: {args.file}: no such file", file=err)
        return 2
    try:
        parsed = parse_file(args.file, now=today, region=args.region.upper())
    except ValidationProblem as exc:
        print(f"resume parse: {exc.message}", file=err)
        return 2
    if args.json:
        print(parsed.to_json(), file=out)
    else:
        _summary(parsed, out)
    return 0
