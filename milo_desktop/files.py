"""Owner-only folders and files: nothing Milo Desktop writes is readable by other users.

Folders are 0700 and files 0600 whatever the process umask. A file is created with that mode
(``os.open(..., 0o600)``: the umask can only take bits away) and set to exactly that mode once
open, so a file an older version left wider, or one a library created with the umask's mode,
is tightened too. Only the folders this module creates, and the one it is asked for, are
tightened: a parent that already existed (the user's home, a shared folder) is left alone.

Standard library only, below every layer: the models (the SQLite file and its backups), the
services (logs, recordings, résumés, exports), the views and the app (ui-state.ini) use it.

On Windows the permission bits mean nothing (``os.chmod`` only toggles read-only), so these
calls change no mode there: the files live in the user's profile (``%LOCALAPPDATA%``), whose
ACL already restricts them to that user (docs/architecture.md, "Privacy").
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from pathlib import Path
from typing import IO, Any

log = logging.getLogger(__name__)

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
_POSIX = os.name == "posix"


def _set_mode(path: Path, mode: int, current: int) -> None:
    if stat.S_IMODE(current) == mode:
        return
    try:
        os.chmod(path, mode)
    except OSError as exc:  # e.g. a file system without modes, or a folder someone else owns
        log.warning("could not make %s private to its owner: %s", path, exc.strerror or exc)


def tighten(path: str | os.PathLike[str]) -> None:
    """Set an existing folder to 0700 and an existing file to 0600; nothing if it is missing."""
    if not _POSIX:
        return
    target = Path(path)
    try:
        st = target.stat()
    except FileNotFoundError:
        return
    _set_mode(target, PRIVATE_DIR if stat.S_ISDIR(st.st_mode) else PRIVATE_FILE, st.st_mode)


def private_dir(path: str | os.PathLike[str]) -> Path:
    """``path`` as an owner-only folder: created 0700 with any missing parents (0700 too),
    or tightened to 0700 when it exists with a wider mode."""
    target = Path(path)
    if not target.is_dir():
        parent = target.parent
        if parent != target and not parent.exists():
            private_dir(parent)
        try:
            target.mkdir(PRIVATE_DIR)
        except FileExistsError:
            if not target.is_dir():
                raise
    tighten(target)
    return target


def private_opener(path: str | os.PathLike[str], flags: int) -> int:
    """An ``opener`` for :func:`open`: the file is created 0600 and set to 0600 once open."""
    fd = os.open(path, flags, PRIVATE_FILE)
    if _POSIX:
        try:
            current = os.fstat(fd).st_mode
            if stat.S_IMODE(current) != PRIVATE_FILE:
                os.fchmod(fd, PRIVATE_FILE)
        except OSError as exc:
            log.warning("could not make %s private to its owner: %s", path, exc.strerror or exc)
    return fd


def open_private(path: str | os.PathLike[str], mode: str = "w", **kwargs: Any) -> IO[Any]:
    """:func:`open` for writing a file only its owner can read (same arguments)."""
    return open(path, mode, opener=private_opener, **kwargs)


def write_private(path: str | os.PathLike[str], data: bytes | str, *,
                  encoding: str = "utf-8") -> None:
    """Write ``data`` to ``path`` (replacing what was there) as an owner-only file."""
    if isinstance(data, str):
        with open_private(path, "w", encoding=encoding) as out:
            out.write(data)
    else:
        with open_private(path, "wb") as out:
            out.write(data)


def private_file(path: str | os.PathLike[str]) -> Path:
    """``path`` as an existing owner-only file: created empty (0600) when missing, tightened
    to 0600 otherwise; its content is kept. For files another library then writes in place
    (SQLite, Qt's settings) and keeps the mode of."""
    target = Path(path)
    with contextlib.suppress(FileExistsError):
        os.close(private_opener(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL))
    tighten(target)
    return target
