"""The résumé parser on the generated corpus (tests/resume_corpus.py); prints one JSON object.

``--count`` résumés (default 42, at least 40) are written by the corpus generator from
``--seed`` into a temporary folder, then each is read and parsed as the Résumé stage does
(``extract_text`` + ``parse_text``; only that is timed, not the writing).

- fields.<name>.precision / recall / f1   micro-averaged over the corpus. Titles and
  employers count per entry position (a title given to the wrong entry is wrong); dates are
  (start, end) pairs as "YYYY-MM/YYYY-MM|present"; skills, education, certifications and
  languages per item, compared case-insensitively.
- targets: email and phone ≥ 0.95 F1, titles and date ranges ≥ 0.85 (met: true/false)
- pages_per_s      pages read and parsed per second (a DOCX, TXT or RTF counts as one page;
                   a PDF its pages); files_per_s; pdf_pages_per_s over the PDFs alone;
                   pages_per_cpu_s per second of this process's CPU time, which other
                   work on a shared machine slows far less than the wall clock
- failed           files that raised (each is a miss for every field)
- by_kind / by_arrangement   title, employer and dates F1 per file layout and per way of
                   arranging an entry, to see where misses come from
- held_out         the same figures on a second corpus of the same size and seed whose
                   entries are arranged only in ways the parser was never fitted to
                   (tests/resume_corpus.py HELD_OUT_ARRANGEMENTS): the honest estimate

Run: ``.venv/bin/python benchmarks/resume_parse.py [--count 300] [--seed 99]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

NOW = dt.date(2026, 12, 7)  # fixed: "Present" means the same day on every run
TARGETS = {"email": 0.95, "phone": 0.95, "title": 0.85, "dates": 0.85}


def run(count: int, seed: int, held_out: bool = False) -> dict[str, Any]:
    from milo_desktop.errors import ValidationProblem
    from milo_desktop.services.resume.extract import extract_text
    from milo_desktop.services.resume.parse import ParsedResume, parse_text
    from tests.resume_corpus import FIELDS, generate, score

    folder = Path(tempfile.mkdtemp(prefix="resume-bench-"))
    try:
        corpus = generate(folder, count, seed, held_out)
        pairs: list[tuple[Any, object]] = []
        failed: list[str] = []
        pages = pdf_pages = 0
        pdf_seconds = 0.0
        started, cpu_started = time.perf_counter(), time.process_time()
        for e in corpus:
            t0 = time.perf_counter()
            try:
                found = extract_text(e.path)
                parsed: object = parse_text(found.text, now=NOW, kind=found.kind,
                                            pages=found.pages)
            except ValidationProblem as exc:
                failed.append(f"{e.path.name}: {exc.message}")
                parsed = ParsedResume()
                found = None
            spent = time.perf_counter() - t0
            n = (found.pages or 1) if found is not None else 1
            pages += n
            if e.path.suffix == ".pdf":
                pdf_pages += n
                pdf_seconds += spent
            pairs.append((e, parsed))
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    tallies = score(pairs)
    by_kind = _by(pairs, lambda e: e.kind)
    by_arrangement = _by(pairs, lambda e: e.arrangement)
    fields = {name: tallies[name].figures() for name in FIELDS}
    return {
        "resumes": count, "seed": seed, "fields": fields,
        "targets": {name: {"target": goal, "f1": fields[name]["f1"],
                           "met": fields[name]["f1"] >= goal} for name, goal in TARGETS.items()},
        "pages": pages, "pages_per_s": round(pages / elapsed, 1),
        "pages_per_cpu_s": round(pages / cpu, 1),
        "files_per_s": round(count / elapsed, 1),
        "pdf_pages_per_s": round(pdf_pages / pdf_seconds, 1) if pdf_seconds else None,
        "failed": failed, "by_kind": by_kind, "by_arrangement": by_arrangement,
    }


def _by(pairs: list[tuple[Any, object]], key: Any) -> dict[str, dict[str, float]]:
    """Title, employer and dates F1 per group of résumés (file kind, entry arrangement)."""
    from tests.resume_corpus import Tally, expected_sets, found_sets

    out: dict[str, dict[str, float]] = {}
    for group in sorted({key(e) for e, _ in pairs}):
        tallies = {name: Tally() for name in ("title", "employer", "dates")}
        for e, parsed in pairs:
            if key(e) == group:
                want, got = expected_sets(e), found_sets(parsed)
                for name, tally in tallies.items():
                    tally.add(want[name], got[name])
        out[group] = {f"{name}_f1": tally.figures()["f1"] for name, tally in tallies.items()}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=42, help="résumés (at least 40)")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)
    if args.count < 40:
        parser.error("--count must be at least 40")
    result = run(args.count, args.seed)
    held = run(args.count, args.seed, held_out=True)
    result["held_out"] = {key: held[key] for key in ("fields", "targets", "by_arrangement",
                                                     "failed")}
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
