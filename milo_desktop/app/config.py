"""Where things live and what the command line asked for. Declared once, with defaults."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from milo_desktop import __version__

APP_NAME = "Milo Desktop"
APP_AUTHOR = "Milo"
MAX_DEMO_CANDIDATES = 1_000_000
DEFAULT_DEMO_CANDIDATES = 3_000
SMOKE_DEMO_CANDIDATES = 200  # --smoke-test: every screen has rows, built in seconds
VIEWS = ("interviewers", "directory", "pipeline", "receptionists", "integrations", "wizard",
         "analytics", "ats", "outreach", "email", "data", "settings")


@dataclass(frozen=True)
class Paths:
    data_dir: Path
    log_dir: Path

    @classmethod
    def resolve(cls, data_dir: str | None) -> Paths:
        """``--data-dir`` beats ``MILO_DATA_DIR`` beats the platform's user data dir."""
        chosen = data_dir or os.environ.get("MILO_DATA_DIR")
        if chosen:
            root = Path(chosen).expanduser().resolve()
            return cls(root, root / "logs")
        return cls(
            Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR)),
            Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR)),
        )

    def workspace_db(self, demo_candidates: int | None) -> Path:
        if demo_candidates is None:
            return self.data_dir / "workspace.db"
        if demo_candidates == DEFAULT_DEMO_CANDIDATES:
            return self.data_dir / "demo.db"
        return self.data_dir / f"demo-{demo_candidates}.db"

    @property
    def ui_settings(self) -> Path:
        """Window geometry, splitters, column layouts: UI state, kept apart from workspace data."""
        return self.data_dir / "ui-state.ini"


@dataclass(frozen=True)
class Options:
    paths: Paths
    db_url: str
    demo: bool
    demo_candidates: int
    screenshot: Path | None
    view: str
    dark: bool | None  # None: follow the system
    kiosk: str | None = None  # an interviewer's slug: start in its front-desk kiosk
    smoke_test: bool = False  # --smoke-test: app/smoke.py, then exit


def _view(value: str) -> str:
    if value in VIEWS or (value.startswith("interviewer:") and len(value) > len("interviewer:")):
        return value
    raise argparse.ArgumentTypeError(
        f"unknown view {value!r}; choose {', '.join(VIEWS)} or interviewer:<slug>"
    )


def _candidates(value: str) -> int:
    n = int(value)
    if not 1 <= n <= MAX_DEMO_CANDIDATES:
        raise argparse.ArgumentTypeError(f"between 1 and {MAX_DEMO_CANDIDATES:,}")
    return n


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="milo-desktop", description=APP_NAME)
    p.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    p.add_argument("--data-dir", help="folder for the workspace, logs and UI state")
    p.add_argument(
        "--db-url",
        help="team mode: a PostgreSQL URL (postgresql+psycopg://user@host/db) instead of the local file",
    )
    p.add_argument("--demo", action="store_true", help="open the demo workspace (created once)")
    p.add_argument(
        "--demo-candidates",
        type=_candidates,
        metavar="N",
        help=f"a bigger demo workspace with N candidates (up to {MAX_DEMO_CANDIDATES:,}); implies --demo",
    )
    p.add_argument(
        "--screenshot", type=Path, metavar="FILE.png", help="render a view offscreen, save, exit"
    )
    p.add_argument(
        "--view",
        type=_view,
        default="interviewers",
        help="interviewers | directory | pipeline | receptionists | integrations | "
        "wizard (Create Interviewer, step 1) | analytics | ats (From ATS) | "
        "outreach (Outreach: Waiting to send) | email (Apply via Email) | data | "
        "settings (Settings: Account) | interviewer:<slug>",
    )
    p.add_argument(
        "--kiosk",
        metavar="SLUG",
        help="start full screen in the walk-in kiosk of this interviewer's Form stage "
        "(staff leave it with Ctrl+Shift+Q)",
    )
    p.add_argument(
        "--smoke-test",
        action="store_true",
        help="check this installation offscreen on a small demo workspace in --data-dir "
        "(required): open the window, sync once, render every section, print one JSON line",
    )
    theme = p.add_mutually_exclusive_group()
    theme.add_argument("--dark", dest="dark", action="store_true", default=None, help="dark theme")
    theme.add_argument("--light", dest="dark", action="store_false", help="light theme")
    return p


def parse_options(argv: list[str] | None = None) -> Options:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.smoke_test and not args.data_dir:  # never the user's own workspace
        parser.error("--smoke-test needs --data-dir DIR")
    paths = Paths.resolve(args.data_dir)
    demo = bool(args.demo or args.demo_candidates or args.smoke_test)
    n = args.demo_candidates or (SMOKE_DEMO_CANDIDATES if args.smoke_test
                                 else DEFAULT_DEMO_CANDIDATES)
    url = args.db_url or f"sqlite:///{paths.workspace_db(n if demo else None)}"
    return Options(
        paths=paths,
        db_url=url,
        demo=demo,
        demo_candidates=n,
        screenshot=args.screenshot,
        view=args.view,
        dark=args.dark,
        kiosk=args.kiosk,
        smoke_test=args.smoke_test,
    )


@dataclass(frozen=True)
class SyncOptions:
    paths: Paths
    db_url: str


SYNC_EPILOG = """\
Every connected service syncs once (pages pulled since the saved cursors, records the app
cannot accept kept under Sync issues), then the outbox sends what is due. One line per
service is printed.

exit status:
  0  every connected service synced (also when none is connected: "No service is connected")
  1  a connected service did not sync (offline, refused sign-in, an error answer, or an
     internal error: its details are in the log, never a traceback here)
  2  the workspace could not be opened

environment (each overrides the keychain / the saved settings for this run):
"""


def parse_sync_options(argv: list[str], environment: str = "") -> SyncOptions:
    """``milo-desktop sync --once [--data-dir DIR] [--db-url URL]``: one headless round."""
    p = argparse.ArgumentParser(
        prog="milo-desktop sync",
        description="Run one background sync round headless (for cron, tests and scripts).",
        epilog=SYNC_EPILOG + environment,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--once", action="store_true", required=True, help="one round, then exit")
    p.add_argument("--data-dir", help="folder of the workspace (as for the app)")
    p.add_argument("--db-url", help="team mode: a PostgreSQL URL instead of the local file")
    args = p.parse_args(argv)
    paths = Paths.resolve(args.data_dir)
    return SyncOptions(paths, args.db_url or f"sqlite:///{paths.workspace_db(None)}")
