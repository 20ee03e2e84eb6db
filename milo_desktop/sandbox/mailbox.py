"""A local IMAP mailbox for tests, benchmarks and demo mode: pymap (MIT), dict backend.

``LocalMailbox`` runs pymap's IMAP service on 127.0.0.1 in a thread with its own asyncio
loop, so it answers whether the caller is a plain test, the benchmark or the app's qasync loop
(whose GUI thread it never touches). Mail is added over IMAP itself (APPEND with imapclient),
exactly as any mail client would, so the app reads what a real server would hold.

Login from localhost needs no STARTTLS. The backend offers IDLE, UIDPLUS and MOVE.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from argparse import Namespace
from contextlib import AsyncExitStack
from typing import Any

from imapclient import IMAPClient
from pymap.backend.dict import DictBackend
from pymap.concurrent import Subsystem
from pymap.imap import IMAPService

DEFAULT_USER = "jobs"
DEFAULT_PASSWORD = "milo-demo"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LocalMailbox:
    """``with LocalMailbox() as box: box.append(raw)``; ``box.url`` is an ``imap://`` URL the
    app reads (``MILO_IMAP_URL``)."""

    def __init__(self, user: str = DEFAULT_USER, password: str = DEFAULT_PASSWORD, *,
                 port: int = 0, disable_idle: bool = False, cert_file: str | None = None,
                 key_file: str | None = None) -> None:
        self.user = user
        self.password = password
        self.port = port or _free_port()
        self.host = "127.0.0.1"
        self.disable_idle = disable_idle
        self.cert_file = cert_file  # with a certificate the server offers STARTTLS
        self.key_file = key_file
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    # ----- life --------------------------------------------------------------------------
    def start(self) -> LocalMailbox:
        self._thread = threading.Thread(target=self._run, name="pymap-sandbox", daemon=True)
        self._thread.start()
        if not self._ready.wait(30) or self._error is not None:
            raise RuntimeError(f"the local mailbox did not start: {self._error!r}")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(10)
        self._thread = None

    def __enter__(self) -> LocalMailbox:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        # A plain selector loop, whatever the policy says: in the app qasync's policy would
        # hand this thread a Qt loop, which only runs on the GUI thread.
        loop = asyncio.SelectorEventLoop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve())
        except BaseException as exc:  # reported to start()
            self._error = exc
            self._ready.set()
        finally:
            # Connections still open (a client that never logged out) end with the loop.
            pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        args = Namespace(debug=False, host=self.host, port=str(self.port), cert=self.cert_file,
                         key=self.key_file, tls=self.cert_file is not None,
                         inherited_sockets=None, proxy_protocol=None,
                         passlib_cfg=None, demo_data=False, demo_user=self.user,
                         demo_password=self.password, skip_services=[])
        # Password hashing on this loop, not pymap's default worker threads (each makes its
        # own event loop, which under the app's qasync policy would be a Qt loop).
        backend, config = await DictBackend.init(args, invalid_user_sleep=0.0,
                                                 reject_dnsbl=False,
                                                 disable_idle=self.disable_idle,
                                                 cpu_subsystem=Subsystem.for_asyncio())
        config.apply_context()
        async with AsyncExitStack() as stack:
            await backend.start(stack)
            await IMAPService(backend, config).start(stack)
            self._ready.set()
            await self._stop.wait()

    # ----- mail --------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"imap://{self.user}:{self.password}@{self.host}:{self.port}/INBOX"

    def client(self) -> IMAPClient:
        c = IMAPClient(self.host, port=self.port, ssl=False, timeout=30)
        c.login(self.user, self.password)
        return c

    def append(self, *raws: bytes, folder: str = "INBOX") -> list[int]:
        """APPEND each message; returns their UIDs (UIDPLUS)."""
        uids: list[int] = []
        c = self.client()
        try:
            for raw in raws:
                answer = c.append(folder, raw)
                uids.append(_appended_uid(answer))
        finally:
            c.logout()
        return uids

    def uids(self, folder: str = "INBOX") -> list[int]:
        c = self.client()
        try:
            if not c.folder_exists(folder):
                return []
            c.select_folder(folder, readonly=True)
            return sorted(int(u) for u in c.search("ALL"))
        finally:
            c.logout()

    def flags(self, folder: str = "INBOX") -> dict[int, tuple[Any, ...]]:
        c = self.client()
        try:
            c.select_folder(folder, readonly=True)
            return {int(k): tuple(v) for k, v in c.get_flags(c.search("ALL")).items()}
        finally:
            c.logout()

    def recreate(self, folder: str = "INBOX") -> None:
        """Move every message of ``folder`` out and back in: new UIDs (and, for a folder
        deleted and made again, a new UIDVALIDITY) — what a server rebuild looks like."""
        c = self.client()
        try:
            c.select_folder(folder)
            ids = c.search("ALL")
            raws = [v[b"RFC822"] for v in c.fetch(ids, ["RFC822"]).values()] if ids else []
            c.close_folder()
            if folder.upper() == "INBOX":
                c.select_folder(folder)
                if ids:
                    c.delete_messages(ids)
                    c.expunge()
                c.close_folder()
            else:
                c.delete_folder(folder)
                c.create_folder(folder)
            for raw in raws:
                c.append(folder, raw)
        finally:
            c.logout()


def _appended_uid(answer: bytes | str) -> int:
    text = answer.decode() if isinstance(answer, bytes) else str(answer)
    # "[APPENDUID <uidvalidity> <uid>] ..."
    if "APPENDUID" in text:
        parts = text.split("APPENDUID", 1)[1].strip().split()
        try:
            return int(parts[1].rstrip("]"))
        except (IndexError, ValueError):
            return 0
    return 0


__all__ = ["DEFAULT_PASSWORD", "DEFAULT_USER", "LocalMailbox"]
