"""``milo-desktop erase --email ADDRESS --data-dir DIR [--now --yes-erase-now]``: request a
person's erasure from a script (no Qt), or erase at once.

Without ``--now`` the request waits out the workspace's grace period like one made in the
app (cancellable under Settings → Privacy). ``--now`` erases immediately and irreversibly,
and only together with ``--yes-erase-now``, so a typo in a script cannot skip the grace
period by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path
from typing import TextIO

from milo_desktop.app.config import Paths
from milo_desktop.errors import EnvironmentProblem

log = logging.getLogger(__name__)

EPILOG = """\
Without --now, the request runs after the workspace's grace period (Settings → Privacy,
30–180 days, default 60) and can be cancelled there until it runs. With --now and
--yes-erase-now, everything held about the person is removed at once: their rows, the search
index, recordings, résumés, kept emails and exports the app wrote; one audit note without
personal data is left. A copy an ATS holds is not erased.

exit status:
  0  requested (or erased with --now)
  1  no candidate has that email address
  2  the workspace could not be opened
  64 bad usage (--now without --yes-erase-now)
"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="milo-desktop erase",
        description="Erase a candidate's personal data (by default after the grace period).",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--email", required=True, help="the candidate's email address")
    p.add_argument("--data-dir", help="folder of the workspace (as for the app)")
    p.add_argument("--db-url", help="team mode: a PostgreSQL URL instead of the local file")
    p.add_argument("--now", action="store_true",
                   help="erase at once instead of after the grace period (irreversible)")
    p.add_argument("--yes-erase-now", action="store_true",
                   help="the confirmation --now requires")
    return p


async def _erase(data_dir: Path, db_url: str, email: str, now: bool, out: TextIO) -> int:
    from milo_desktop.services.privacy import PrivacyService
    from milo_desktop.services.workspace import Workspace

    loop = asyncio.get_running_loop()
    ws = await loop.run_in_executor(None, Workspace.open, db_url)
    try:
        privacy = PrivacyService(ws.db, ws.bus, data_dir)
        ids = await privacy.find_by_email(email)
        if not ids:
            print("erase: no candidate has that email address", file=sys.stderr)
            return 1
        for cid in ids:
            if now:
                done = await privacy.erase_now(cid, "request")
                print(done.note() if done else f"candidate #{cid} was already gone", file=out)
            else:
                p = await privacy.request(cid, actor="milo-desktop erase")
                print(f"candidate #{cid}: erasure requested; it runs on or after "
                      f"{p.due_at:%Y-%m-%d %H:%M} UTC unless cancelled under Settings → "
                      "Privacy. The ATS copy, if any, is not erased.", file=out)
        return 0
    finally:
        await ws.tasks.drain()
        await loop.run_in_executor(None, ws.close)


def erase_main(argv: list[str], out: TextIO | None = None) -> int:
    from milo_desktop.app.main import prepare_data_dirs
    from milo_desktop.services.core.logs import setup_logging

    out = out or sys.stdout
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help (0) or bad usage (2 from argparse)
        return 0 if exc.code in (0, None) else 64
    if args.now and not args.yes_erase_now:
        print("erase: --now erases at once and cannot be undone; add --yes-erase-now to "
              "confirm", file=sys.stderr)
        return 64
    paths = Paths.resolve(args.data_dir)
    prepare_data_dirs(paths)
    log_path = setup_logging(paths.log_dir)
    db_url = args.db_url or f"sqlite:///{paths.workspace_db(None)}"
    try:
        return asyncio.run(_erase(paths.data_dir, db_url, args.email, args.now, out))
    except EnvironmentProblem as exc:
        print(f"erase: {exc.message}", file=sys.stderr)
        return 2
    except Exception:  # our bug: the traceback goes to the log, never to the terminal
        log.exception("erase failed")
        print(f"erase: stopped by an internal error; the details are in {log_path}",
              file=sys.stderr)
        return 1
