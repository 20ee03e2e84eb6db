"""Nothing readable by others, no personal data in logs: the redaction rules one by one (each
case leaks when its rule is taken away), the log stays readable, and every file the app
writes is 0600 in a 0700 folder under a permissive umask (0o022, and 0o000)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from milo_desktop.files import open_private, private_dir, private_file, write_private
from milo_desktop.services.core.logs import (
    LOG_NAME,
    QUIET_LOGGERS,
    redact,
    setup_logging,
    url_for_log,
)
from milo_desktop.services.workspace import Workspace

posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX (the ACL "
                                "of the user profile protects them on Windows)")
BASELINE = Path(__file__).parents[1] / "data" / "workspace-0001_baseline.sqlite"


# ----- redaction, rule by rule --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "leaked"),
    [
        # Basic / Bearer credentials
        ("retrying with Bearer eyJhbGciOi.payload-part", "eyJhbGciOi.payload-part"),
        # message bodies
        ("queued sms body=Your interview code is 4417", "Your interview code"),
        # secret-looking keys
        ('connect {"password": "hunter2"}', "hunter2"),
        # credentials in URLs
        ("connecting to postgresql://milo:pa55word@localhost/team", "pa55word"),
        # 32-hex secrets (an auth token without a key in front of it)
        ("signed with 0123456789abcdef0123456789abcdef today", "0123456789abcdef0123456789"),
        # query strings, absolute and relative
        ("GET https://api.twilio.com/2010-04-01/Calls.json?PageToken=PA9x&Page=2", "PageToken"),
        ("next page /2010-04-01/Accounts/AC1/Calls.json?PageToken=PA9x", "PageToken"),
        # emails, plain and URL-encoded
        ("invitation to jane.doe+jobs@example.com queued", "jane.doe"),
        ("form To=jane%40example.com sent", "jane%40example"),
        # E.164 and written international numbers
        ("sending SMS to +12145550142 now", "2145550142"),
        ("caller +44 20 7946 0958 hung up", "7946 0958"),
        ("caller +1 (214) 555-0142 hung up", "555-0142"),
        # URL-encoded, outside a URL (a form body)
        ("posted To=%2B12145550142&From=%2B12145550190", "2145550142"),
        ("posted To=%2B1%20214%20555%200142", "555%200142"),
        # North American national formats, and keypad digits
        ("callback (214) 555-0142", "555-0142"),
        ("callback 214-555-0142", "555-0142"),
        ("callback 214.555.0142", "555.0142"),
        ("callback 1 214 555 0142", "555 0142"),
        ("pressed Keys(2145550142)", "2145550142"),
        # national formats with a trunk 0
        ("London 020 7946 0958", "7946 0958"),
        ("mobile 07700 900123", "900123"),
        ("Paris 06 12 34 56 78", "34 56 78"),
    ],
)
def test_each_redaction_rule_masks_its_kind(raw: str, leaked: str) -> None:
    assert leaked not in redact(raw)


def test_masks_say_what_was_there() -> None:
    assert redact("SMS to +12145550142 and mail to ann@example.com") == \
        "SMS to [phone] and mail to [email]"
    assert redact("GET https://api.twilio.com/x/Messages.json?To=%2B12145550142 200") == \
        "GET https://api.twilio.com/x/Messages.json?[query] 200"


@pytest.mark.parametrize(
    "kept",
    [
        "account AC0123456789abcdef0123456789abcdef, call CA2145550142abcdef0123456789abcdef",
        "message SM0123456789abcdef0123456789abcdef delivered, flow FW2145550142",
        "round at 2026-05-01 12:00:00 (2026-05-01T12:00:00+00:00) took 0.2145550142 s",
        "HTTP 429 (code 20429), retry 3 in 1.5 s; 127.0.0.1:5432; pid 12345; 01.05.2026 12:00",
        "task <Task pending coro=<run() running at /x/y.py:123> at 0x7f3a2c1b4d90>",
        "id 123e4567-e89b-12d3-a456-426614174000, 3,000 candidates, 20260501120000",
        "caller number +1 (555) 01 does not normalise; 00000 neither",
    ],
)
def test_the_log_stays_readable(kept: str) -> None:
    """SIDs, times, durations, counts, addresses and codes are not personal data."""
    assert redact(kept) == kept


def test_urls_are_logged_without_query_or_credentials() -> None:
    assert url_for_log("https://u:pw@api.twilio.com:8443/2010-04-01/Messages.json?To=%2B1214#x") \
        == "https://api.twilio.com:8443/2010-04-01/Messages.json"


@pytest.mark.expect_log_warnings
def test_third_party_http_loggers_stay_below_info(tmp_path: Path) -> None:
    for name in QUIET_LOGGERS:  # as a fresh process has them (an earlier test set them up)
        logging.getLogger(name).setLevel(logging.NOTSET)
    path = setup_logging(tmp_path)
    try:
        for name in ("httpx", "httpcore.http11", "twilio.http_client", "aiosmtplib", "urllib3"):
            logging.getLogger(name).info("HTTP Request: GET /Messages.json To=+12145550142")
        logging.getLogger("httpx").warning("the pool is full")
    finally:
        _remove_our_handlers()
    text = path.read_text()
    assert "HTTP Request" not in text
    assert "WARNING httpx" in text  # their warnings still arrive
    assert {"httpx", "httpcore", "twilio", "aiosmtplib", "urllib3"} <= set(QUIET_LOGGERS)


# ----- modes ------------------------------------------------------------------------------------------
def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o022, 0o000], ids=["umask022", "umask000"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def _remove_our_handlers() -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_milo", False):
            handler.close()
            root.removeHandler(handler)


@posix_only
def test_the_helpers_create_and_tighten(tmp_path: Path, umask: int) -> None:
    deep = private_dir(tmp_path / "a" / "b" / "c")
    assert [mode(p) for p in (tmp_path / "a", tmp_path / "a" / "b", deep)] == [0o700] * 3
    write_private(deep / "x.bin", b"1")
    write_private(deep / "x.txt", "é")
    with open_private(deep / "y.csv", "w", newline="") as out:
        out.write("a,b\r\n")
    assert [mode(deep / n) for n in ("x.bin", "x.txt", "y.csv")] == [0o600] * 3
    # left wide by an older version: tightened, content kept
    wide = tmp_path / "wide"
    wide.mkdir()
    wide.chmod(0o755)
    (wide / "old.ini").write_text("[General]\nx=1\n")
    (wide / "old.ini").chmod(0o644)
    (wide / "report.csv").write_text("old")
    (wide / "report.csv").chmod(0o644)
    private_dir(wide)
    private_file(wide / "old.ini")
    write_private(wide / "report.csv", "new")  # rewritten over a file left readable
    assert [mode(p) for p in (wide, wide / "old.ini", wide / "report.csv")] == [0o700, 0o600,
                                                                              0o600]
    assert (wide / "old.ini").read_text() == "[General]\nx=1\n"
    assert (wide / "report.csv").read_text() == "new"
    # a parent that already existed is not ours to change
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    private_dir(shared / "mine")
    assert mode(shared) == 0o755 and mode(shared / "mine") == 0o700


@posix_only
@pytest.mark.expect_log_warnings
def test_log_files_are_owner_only_also_after_rotation(tmp_path: Path, umask: int) -> None:
    logs = tmp_path / "data" / "logs"
    logs.mkdir(parents=True)
    logs.chmod(0o755)
    (logs / f"{LOG_NAME}.2").write_text("left by an older version\n")
    (logs / f"{LOG_NAME}.2").chmod(0o644)
    path = setup_logging(logs)
    try:
        handler = next(h for h in logging.getLogger().handlers if getattr(h, "_milo", False))
        logging.getLogger("milo_desktop.test").warning("before the rollover")
        handler.doRollover()  # type: ignore[attr-defined]
        logging.getLogger("milo_desktop.test").warning("after the rollover")
    finally:
        _remove_our_handlers()
    assert mode(logs) == 0o700
    files = sorted(logs.iterdir())
    # the new file, the one rolled over, and the old .2 (tightened) moved to .3
    assert [p.name for p in files] == [LOG_NAME, f"{LOG_NAME}.1", f"{LOG_NAME}.3"]
    assert [mode(p) for p in files] == [0o600] * 3
    assert "after the rollover" in path.read_text()


@posix_only
def test_data_and_log_dirs_are_made_private_before_anything_is_written(tmp_path: Path,
                                                                        umask: int) -> None:
    from milo_desktop.app.config import Paths
    from milo_desktop.app.main import prepare_data_dirs

    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o755)  # as an older version left it
    paths = Paths.resolve(str(data))
    prepare_data_dirs(paths)
    assert mode(data) == 0o700 and mode(paths.log_dir) == 0o700
    elsewhere = Paths(tmp_path / "share" / "Milo Desktop", tmp_path / "state" / "log")
    prepare_data_dirs(elsewhere)  # the platform's folders, created with their parents
    assert all(mode(p) == 0o700 for p in (tmp_path / "share", elsewhere.data_dir,
                                          tmp_path / "state", elsewhere.log_dir))


@posix_only
def test_database_wal_shm_and_backup_are_owner_only(tmp_path: Path, umask: int) -> None:
    fresh = tmp_path / "new" / "workspace.db"
    ws = Workspace.open(f"sqlite:///{fresh}")
    try:
        ws.db.run_sync(lambda s: s.execute(__import__("sqlalchemy").text(
            "INSERT INTO labels (name, kind, color) VALUES ('x', 'd', '#000')")), write=True)
        side = [fresh.with_name(fresh.name + s) for s in ("-wal", "-shm")]
        assert all(p.exists() for p in side)
        assert [mode(p) for p in (fresh, *side)] == [0o600] * 3
        assert mode(fresh.parent) == 0o700
    finally:
        ws.close()
    # A database an older version left readable, with its WAL: tightened; the backup taken
    # before migrating is owner-only too.
    old = tmp_path / "old" / "workspace.db"
    old.parent.mkdir()
    shutil.copy(BASELINE, old)
    old.chmod(0o644)
    wal = old.with_name(old.name + "-wal")
    wal.write_bytes(b"")
    wal.chmod(0o644)
    ws = Workspace.open(f"sqlite:///{old}")
    try:
        assert ws.backup_path is not None
        assert mode(old) == 0o600 and mode(Path(ws.backup_path)) == 0o600
        assert all(mode(p) == 0o600 for p in old.parent.iterdir())
    finally:
        ws.close()


@posix_only
def test_resumes_and_exports_are_owner_only(tmp_path: Path, umask: int, arun: Any) -> None:
    from milo_desktop.services.analytics.export import write_export
    from milo_desktop.services.demo.resumes import _write as write_demo_resume
    from milo_desktop.services.resume.service import keep_copy
    from milo_desktop.services.review import ExportFormat, ReviewSelection
    from tests.review_factories import build

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "resumes").mkdir(mode=0o755)
    (data_dir / "resumes").chmod(0o755)
    source = tmp_path / "cv.txt"
    source.write_text("Ann Lee\nann@example.com\n")
    kept = keep_copy(source, data_dir / "resumes", 7, dt.datetime(2026, 5, 1, tzinfo=dt.UTC))
    assert mode(kept) == 0o600 and mode(kept.parent) == 0o700
    demo = data_dir / "demo-resumes" / "ann-lee-7.txt"
    write_demo_resume(demo, "Ann Lee\n")
    assert mode(demo) == 0o600 and mode(demo.parent) == 0o700

    ws = Workspace.open(f"sqlite:///{tmp_path / 'w.db'}")
    try:
        review = build(ws)
        everyone = ReviewSelection(review.interviewer_id, tuple(review.apps.values())[:3])
        out = tmp_path / "exports"
        out.mkdir()
        for fmt in (ExportFormat.CSV, ExportFormat.JSON):
            arun(ws.review.export(everyone, out / f"c.{fmt.value}", fmt))
        arun(ws.review.score_report(everyone, out / "report.pdf"))
        arun(write_export(out / "chart.csv", b"day,n\r\n"))
        assert sorted(p.name for p in out.iterdir()) == ["c.csv", "c.json", "chart.csv",
                                                         "report.pdf"]
        assert all(mode(p) == 0o600 for p in out.iterdir())
    finally:
        ws.close()


@posix_only
def test_ui_state_stays_owner_only_when_qt_writes_it(tmp_path: Path, umask: int) -> None:
    from milo_desktop.app.main import close_ui_settings, open_ui_settings

    path = tmp_path / "ui-state.ini"
    settings = open_ui_settings(path)
    settings.setValue("window/geometry", "1440x900")
    settings.sync()  # Qt writes it (through a temporary file it renames over the old one)
    assert mode(path) == 0o600 and "1440x900" in path.read_text()
    close_ui_settings(settings, path)
    assert mode(path) == 0o600
    # left readable by an older version: tightened when opened, its state kept
    path.chmod(0o644)
    again = open_ui_settings(path)
    assert mode(path) == 0o600 and again.value("window/geometry") == "1440x900"
