"""A local IMAP mailbox for tests, benchmarks and demo mode: pymap (MIT), dict backend.

``LocalMailbox`` runs pymap's IMAP service on 127.0.0.1 in a thread with its own asyncio
loop, so it answers whether the caller is a plain test, the benchmark or the app's qasync loop
(whose GUI thread it never touches). Mail is added over IMAP itself (APPEND with imapclient),
exactly as any mail client would, so the app reads what a real server would hold.

Login from localhost needs no STARTTLS. The backend offers IDLE, UIDPLUS and MOVE. The server
can be configured as providers differ: ``access_token`` also offers AUTHENTICATE XOAUTH2 (what
Gmail and Microsoft 365 take), ``offer_move=False`` leaves MOVE out of the capabilities (older
servers), ``can_create=False`` refuses CREATE (an account without the right to make folders).
Folders keep keywords (``$MiloProcessed``) as Dovecot and Gmail do.

XOAUTH2: pysasl's server mechanism reads ``user=…\x01auth=Bearer …`` into credentials that
"require external verification" — the application checks the token, as a provider checks it
against its OAuth server. pymap's dict backend leaves that check out (such a login is always
refused), so ``_Login`` adds it: the one token this mailbox was given, for its one user.
"""

from __future__ import annotations

import asyncio
import hmac
import socket
import threading
from argparse import Namespace
from collections.abc import Sequence
from contextlib import AsyncExitStack
from typing import Any

from imapclient import IMAPClient
from pymap.backend.dict import Config, DictBackend, Identity, Login
from pymap.backend.dict.filter import FilterSet
from pymap.backend.dict.mailbox import MailboxData, MailboxSet
from pymap.concurrent import Subsystem
from pymap.exceptions import InvalidAuth, NotAllowedError
from pymap.imap import IMAPService
from pymap.parsing.specials import ObjectId
from pymap.parsing.specials.flag import Flag, Wildcard
from pysasl import SASLAuth
from pysasl.creds.external import ExternalCredentials, ExternalVerificationRequired
from pysasl.creds.server import ServerCredentials

DEFAULT_USER = "jobs"
DEFAULT_PASSWORD = "milo-demo"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Config(Config):
    """The dict backend's configuration with the provider's differences (see the module)."""

    def __init__(self, args: Namespace, *, access_token: str | None = None,
                 offer_move: bool = True, **kw: Any) -> None:
        super().__init__(args, **kw)
        self.access_token = access_token
        self.offer_move = offer_move

    @property
    def tls_auth(self) -> SASLAuth:
        return SASLAuth.named([b"PLAIN", b"LOGIN", *([b"XOAUTH2"] if self.access_token
                                                     else [])])

    @property
    def login_capability(self) -> Sequence[bytes]:
        found = list(super().login_capability)
        return found if self.offer_move else [c for c in found if c != b"MOVE"]


class _Login(Login):
    """Password logins as the dict backend checks them; XOAUTH2 bearer tokens checked here."""

    async def authenticate(self, credentials: ServerCredentials) -> Identity:
        if not isinstance(credentials, ExternalCredentials):
            return await super().authenticate(credentials)
        try:
            credentials.verify(None)  # always raises, handing over the token
        except ExternalVerificationRequired as exc:
            token = exc.token or ""
        config = self.config
        expected = (config.access_token if isinstance(config, _Config) else None) or ""
        if not expected or credentials.authzid != config.demo_user or \
                not hmac.compare_digest(token.encode(), expected.encode()):
            raise InvalidAuth()
        return Identity(credentials.authzid, self, None, frozenset())


class _Backend(DictBackend):
    @classmethod
    async def init(cls, args: Namespace, **overrides: Any) -> tuple[DictBackend, Config]:
        config = _Config.from_args(args, **overrides)
        login = _Login(config)
        await cls._add_demo_user(config, login)
        return cls(login, config), config


class _Folder(MailboxData):
    """A folder that keeps keywords (``$MiloProcessed``) as Dovecot and Gmail do: PERMANENTFLAGS
    carries ``\\*`` (the dict backend keeps system flags only)."""

    @property
    def permanent_flags(self) -> frozenset[Flag]:
        return super().permanent_flags | {Wildcard}


class _Folders(MailboxSet):
    """The user's folders: keyword-keeping, and CREATE refused when ``can_create`` is False."""

    def __init__(self, can_create: bool) -> None:
        super().__init__()
        self.can_create = can_create
        self._inbox = _Folder(self._content_cache, self._thread_cache)

    async def add_mailbox(self, name: str) -> ObjectId:
        if not self.can_create:
            raise NotAllowedError("You may not create folders in this mailbox.")
        async with self._set_lock.write_lock():
            if name in self._set:
                raise ValueError(name)
            self._set[name] = folder = _Folder(self._content_cache, self._thread_cache)
            return folder.mailbox_id


class LocalMailbox:
    """``with LocalMailbox() as box: box.append(raw)``; ``box.url`` is an ``imap://`` URL the
    app reads (``MILO_IMAP_URL``)."""

    def __init__(self, user: str = DEFAULT_USER, password: str = DEFAULT_PASSWORD, *,
                 port: int = 0, disable_idle: bool = False, cert_file: str | None = None,
                 key_file: str | None = None, access_token: str | None = None,
                 offer_move: bool = True, can_create: bool = True) -> None:
        self.user = user
        self.password = password
        self.port = port or _free_port()
        self.host = "127.0.0.1"
        self.disable_idle = disable_idle
        self.cert_file = cert_file  # with a certificate the server offers STARTTLS
        self.key_file = key_file
        self.access_token = access_token  # also offer AUTHENTICATE XOAUTH2, for this token
        self.offer_move = offer_move
        self.can_create = can_create
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
        backend, config = await _Backend.init(args, invalid_user_sleep=0.0,
                                              reject_dnsbl=False,
                                              disable_idle=self.disable_idle,
                                              cpu_subsystem=Subsystem.for_asyncio(),
                                              access_token=self.access_token,
                                              offer_move=self.offer_move)
        config.apply_context()
        config.set_cache[self.user] = (_Folders(self.can_create), FilterSet())
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
