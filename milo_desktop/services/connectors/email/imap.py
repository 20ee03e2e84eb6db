"""IMAP: the Apply-via-Email mailbox, read with imapclient (BSD) — never aioimaplib (GPL-3.0).

imapclient is blocking, so every call runs on the connector's own single worker thread (one
connection is one conversation: calls never interleave), with a socket timeout on every
call. The server's answers become the connectors' problems:

- refused connection, DNS failure, timeout, lost connection → ``Offline``;
- LOGIN / AUTHENTICATE refused → ``AuthFailed``;
- a command the server refuses (NO / BAD) → ``ProviderError``.

Settings carry no secret: the app password or OAuth2 access token (XOAUTH2, what Microsoft
365 and Gmail accept) comes from the keychain or ``MILO_IMAP_URL`` for headless runs.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import imaplib
import ssl
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from milo_desktop.services.connectors import AuthFailed, Offline, ProviderError

SERVICE = "email"
KEY_SECRET = "imap:secret"  # the keychain entry: app password or OAuth2 access token
PROCESSED_FLAG = "$MiloProcessed"
HEADER_LIMIT = 65536  # bytes of headers fetched before a message is downloaded

T = TypeVar("T")


class ImapSecurity(StrEnum):
    TLS = "tls"  # TLS from the first byte (port 993)
    STARTTLS = "starttls"  # plain, upgraded with STARTTLS (port 143)
    NONE = "none"  # plain: a mailbox on this computer only


class ImapAuth(StrEnum):
    PASSWORD = "password"  # LOGIN with an (app) password
    OAUTH2 = "oauth2"  # AUTHENTICATE XOAUTH2 with an access token


DEFAULT_PORTS = {ImapSecurity.TLS: 993, ImapSecurity.STARTTLS: 143, ImapSecurity.NONE: 143}


@dataclass(frozen=True)
class ImapSettings:
    """Where the mailbox is and as whom to read it (no secret)."""

    host: str
    port: int
    security: ImapSecurity
    username: str
    auth: ImapAuth = ImapAuth.PASSWORD
    folder: str = "INBOX"
    processed_folder: str = "Milo/Processed"

    @property
    def account(self) -> str:
        """The mailbox's identity in the intake's records: user@host/folder."""
        return f"{self.username.lower()}@{self.host.lower()}/{self.folder}"[:254]


@dataclass(frozen=True)
class FolderState:
    uidvalidity: int
    exists: int
    uidnext: int | None = None


@dataclass(frozen=True)
class MessageMeta:
    """What is fetched before a message is downloaded."""

    uid: int
    size: int
    header: bytes
    bodystructure: Any = None
    flags: tuple[bytes, ...] = field(default_factory=tuple)


def parse_imap_url(url: str) -> tuple[ImapSettings, str]:
    """``imap://user:password@host:port/INBOX`` or ``imaps://…`` → (settings, password);
    user and password are URL-decoded. ValueError for anything else."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("imap", "imaps"):
        raise ValueError("MILO_IMAP_URL starts with imap:// or imaps://")
    if not parts.hostname or parts.username is None:
        raise ValueError("MILO_IMAP_URL names the user and the host: imap://user:password@host")
    security = ImapSecurity.TLS if parts.scheme == "imaps" else (
        ImapSecurity.NONE if parts.hostname in ("127.0.0.1", "localhost", "::1")
        else ImapSecurity.STARTTLS)
    try:
        port = parts.port or DEFAULT_PORTS[security]
    except ValueError as exc:
        raise ValueError("MILO_IMAP_URL has an invalid port") from exc
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    return (ImapSettings(parts.hostname, port, security, unquote(parts.username),
                         folder=folder), unquote(parts.password or ""))


def _xoauth2(user: str, token: str) -> str:
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


class ImapConnector:
    """One IMAP connection, opened on first use; ``aclose()`` logs out."""

    def __init__(self, settings: ImapSettings, secret: str | None, *, timeout: float = 30.0,
                 tls_context: ssl.SSLContext | None = None) -> None:
        self.settings = settings
        self.secret = secret or ""
        self.timeout = timeout
        self.tls_context = tls_context
        self._client: IMAPClient | None = None
        self._pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="imap")
        self._selected: str | None = None
        self._interrupt = threading.Event()

    # ----- plumbing ------------------------------------------------------------------------
    async def _call(self, fn: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._guarded, fn)

    def _guarded(self, fn: Callable[[], T]) -> T:
        where = f"{self.settings.host}:{self.settings.port}"
        try:
            return fn()
        except LoginError as exc:
            self._drop()
            raise AuthFailed(SERVICE, f"The mail server {where} refused the sign-in for "
                                      f"{self.settings.username}. Check the password or "
                                      "token.") from exc
        except TimeoutError as exc:
            self._drop()
            raise Offline(SERVICE, f"The mail server {where} did not answer in time.") from exc
        except ssl.SSLCertVerificationError as exc:
            self._drop()
            raise Offline(SERVICE, f"The mail server {where} showed a certificate this computer "
                                   f"does not trust ({exc.verify_message}). Check the host name, "
                                   "or ask your IT team about the server's certificate.") from exc
        except (ssl.SSLError, ConnectionError, imaplib.IMAP4.abort, EOFError) as exc:
            self._drop()
            raise Offline(SERVICE, f"The connection to the mail server {where} was lost "
                                   f"({type(exc).__name__}).") from exc
        except OSError as exc:
            self._drop()
            raise Offline(SERVICE, f"The mail server {where} cannot be reached "
                                   f"({exc.strerror or exc}).") from exc
        except (IMAPClientError, imaplib.IMAP4.error) as exc:
            text = str(exc)[:200]
            if "authenticat" in text.lower() or "login" in text.lower():
                self._drop()
                raise AuthFailed(SERVICE, f"The mail server {where} refused the sign-in: "
                                          f"{text}") from exc
            raise ProviderError(SERVICE, f"The mail server {where} refused a command: {text}",
                                status=0) from exc

    def _drop(self) -> None:
        client, self._client, self._selected = self._client, None, None
        if client is not None:
            try:
                client.shutdown()
            except Exception:  # a broken socket: nothing more to close
                pass

    def _conn(self) -> IMAPClient:
        if self._client is not None:
            return self._client
        s = self.settings
        context = self.tls_context or (ssl.create_default_context()
                                       if s.security != ImapSecurity.NONE else None)
        client = IMAPClient(s.host, port=s.port, ssl=s.security == ImapSecurity.TLS,
                            ssl_context=context, timeout=self.timeout)
        try:
            if s.security == ImapSecurity.STARTTLS:
                client.starttls(context)
            if s.auth == ImapAuth.OAUTH2:
                client.oauth2_login(s.username, self.secret)
            else:
                client.login(s.username, self.secret)
        except BaseException:
            try:
                client.shutdown()
            except Exception:
                pass
            raise
        self._client = client
        return client

    def _select(self, folder: str) -> FolderState:
        c = self._conn()
        info = c.select_folder(folder)
        self._selected = folder
        return FolderState(int(info.get(b"UIDVALIDITY", 0) or 0), int(info.get(b"EXISTS", 0)),
                           int(info[b"UIDNEXT"]) if info.get(b"UIDNEXT") else None)

    # ----- public --------------------------------------------------------------------------
    async def test(self) -> FolderState:
        """Log in and select the folder; its state (how many messages wait)."""
        return await self._call(lambda: self._select(self.settings.folder))

    async def select(self) -> FolderState:
        return await self._call(lambda: self._select(self.settings.folder))

    def capabilities(self) -> set[str]:
        c = self._client
        if c is None:
            return set()
        return {x.decode() if isinstance(x, bytes) else str(x) for x in c.capabilities()}

    async def uids_after(self, last_uid: int) -> list[int]:
        """UIDs above ``last_uid`` in the selected folder, ascending (``n:*`` always answers
        the last message, even below ``n``: filtered out)."""
        def q() -> list[int]:
            found = self._conn().search(["UID", f"{last_uid + 1}:*"])
            return sorted(int(u) for u in found if int(u) > last_uid)
        return await self._call(q)

    async def meta(self, uids: Sequence[int]) -> dict[int, MessageMeta]:
        """Size, BODYSTRUCTURE, flags and the first 64 KB of the header of each message."""
        if not uids:
            return {}
        part = f"BODY.PEEK[HEADER]<0.{HEADER_LIMIT}>"

        def q() -> dict[int, MessageMeta]:
            got = self._conn().fetch(list(uids), ["RFC822.SIZE", "BODYSTRUCTURE", "FLAGS", part])
            out = {}
            for uid, d in got.items():
                header = next((v for k, v in d.items() if isinstance(k, bytes)
                               and k.startswith(b"BODY[HEADER]")), b"") or b""
                out[int(uid)] = MessageMeta(int(uid), int(d.get(b"RFC822.SIZE", 0) or 0),
                                            bytes(header), d.get(b"BODYSTRUCTURE"),
                                            tuple(d.get(b"FLAGS", ())))
            return out
        return await self._call(q)

    async def fetch_raw(self, uids: Sequence[int]) -> dict[int, bytes]:
        """The whole messages (BODY.PEEK[]: not marked \\Seen)."""
        if not uids:
            return {}

        def q() -> dict[int, bytes]:
            got = self._conn().fetch(list(uids), ["BODY.PEEK[]"])
            return {int(uid): bytes(d.get(b"BODY[]", b"") or b"") for uid, d in got.items()}
        return await self._call(q)

    async def ensure_folder(self, folder: str) -> bool:
        """Create ``folder`` when missing; False when the server will not have it."""
        def q() -> bool:
            c = self._conn()
            if c.folder_exists(folder):
                return True
            try:
                c.create_folder(folder)
            except (IMAPClientError, imaplib.IMAP4.error):
                return False
            return bool(c.folder_exists(folder))
        return await self._call(q)

    async def move(self, uids: Iterable[int], folder: str) -> None:
        """MOVE, or COPY + \\Deleted + (UID) EXPUNGE where MOVE is not offered."""
        wanted = list(uids)
        if not wanted:
            return

        def q() -> None:
            c = self._conn()
            if c.has_capability("MOVE"):
                c.move(wanted, folder)
                return
            c.copy(wanted, folder)
            c.add_flags(wanted, [b"\\Deleted"])
            c.uid_expunge(wanted) if c.has_capability("UIDPLUS") else c.expunge()
        await self._call(q)

    async def flag(self, uids: Iterable[int], flag: str = PROCESSED_FLAG) -> None:
        wanted = list(uids)
        if wanted:
            await self._call(lambda: self._conn().add_flags(wanted, [flag.encode()]))

    async def append(self, raw: bytes, folder: str | None = None) -> None:
        """APPEND a message (the demo's "Send a test application")."""
        await self._call(lambda: self._conn().append(folder or self.settings.folder, raw))

    def has_idle(self) -> bool:
        return "IDLE" in self.capabilities()

    async def idle_wait(self, seconds: float,
                        started: Callable[[], None] | None = None) -> bool:
        """IDLE for up to ``seconds`` (callers keep it under 29 minutes); True when the server
        announced new mail (EXISTS / RECENT). Checked every second, so ``interrupt()`` (from
        any thread) ends it promptly. ``started`` is called on the caller's loop once the
        server has accepted the IDLE."""
        self._interrupt.clear()
        loop = asyncio.get_running_loop()

        def q() -> bool:
            c = self._conn()
            if self._selected != self.settings.folder:
                self._select(self.settings.folder)
            c.idle()
            if started is not None:
                loop.call_soon_threadsafe(started)
            news = False
            try:
                left = seconds
                while left > 0 and not news and not self._interrupt.is_set():
                    answers = c.idle_check(timeout=min(1.0, left))
                    news = any(len(a) > 1 and a[1] in (b"EXISTS", b"RECENT") for a in answers)
                    left -= 1.0
            finally:
                c.idle_done()
            return news
        return await self._call(q)

    def interrupt(self) -> None:
        """End a running ``idle_wait`` within a second (thread-safe)."""
        self._interrupt.set()

    async def aclose(self) -> None:
        def q() -> None:
            client, self._client = self._client, None
            if client is not None:
                try:
                    client.logout()
                except Exception:  # already gone: nothing to say goodbye to
                    client.shutdown() if client._imap.sock else None
        try:
            await asyncio.get_running_loop().run_in_executor(self._pool, q)
        finally:
            self._pool.shutdown(wait=False)


__all__ = ["DEFAULT_PORTS", "KEY_SECRET", "PROCESSED_FLAG", "FolderState", "ImapAuth",
           "ImapConnector", "ImapSecurity", "ImapSettings", "MessageMeta", "parse_imap_url"]
