"""``EmailIntake``: the email connector's sync job — one round reads the apply mailbox.

A round: select the folder; UIDVALIDITY changed → read from the start again (the Message-ID
records make every message already handled a no-op); move what earlier rounds stored but
could not move yet; then page through the new UIDs: RFC822.SIZE, BODYSTRUCTURE and the header
first, oversized mail quarantined without downloading it, the rest downloaded and read
(``parse.read_message``, off the loop's thread), stored with the cursor in one transaction
(``store.store_page``), and only then moved to the processed folder (MOVE, or COPY + \\Deleted
+ EXPUNGE, or the ``$MiloProcessed`` flag when the folder cannot be made or refuses the
messages). A message carrying that flag is never read again: it stays in the folder, so a
round whose cursor starts below it (a UIDVALIDITY change, a workspace restored from a backup)
would otherwise download it again. After the commit
each new application's résumé — the attachment that reads most as one (``files.rank``) —
goes to its Résumé stage (``ResumeService.attach_detailed``), every other attachment is kept
as a file on the profile (``files.keep``), and the "application by email" notification is
raised.

Quarantined messages keep their raw bytes in ``<data dir>/email-intake/`` (0600); ``retry``
reads such a file again (Settings → Sync issues → Retry).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import hashlib
import logging
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.files import private_dir, write_private
from milo_desktop.models.base import utcnow
from milo_desktop.models.email import EmailIntakeRecord
from milo_desktop.models.system import QuarantinedRecord
from milo_desktop.services.connectors import ProviderError
from milo_desktop.services.connectors.email.imap import PROCESSED_FLAG, ImapConnector, MessageMeta
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import (
    ApplicationsChanged,
    CandidatesChanged,
    Event,
    InterviewersChanged,
    MessagesChanged,
)
from milo_desktop.services.email_intake import files, store
from milo_desktop.services.email_intake.mailbox import MailboxSettings
from milo_desktop.services.email_intake.parse import (
    Applicant,
    Attachment,
    Rejected,
    content_key,
    header_key,
    read_message,
    summary_of,
)
from milo_desktop.services.sync.round import Progress, RoundResult, open_connector

log = logging.getLogger(__name__)
PAGE = 50  # messages per transaction
PAGE_BYTES = 32 * 1024 * 1024  # downloaded per fetch at most
Factory = Callable[[], Awaitable[ImapConnector | None]]
SettingsSource = Callable[[], Awaitable[MailboxSettings | None]]


@dataclass(frozen=True)
class RetryReport:
    applied: int = 0
    still_quarantined: int = 0
    reasons: tuple[str, ...] = ()
    not_retryable: int = 0


class EmailIntake:
    """The sync job of the apply mailbox (``service`` / ``run``), for the engine."""

    service = "email"
    default_interval = 60.0

    def __init__(self, db: Database, factory: Factory, settings: SettingsSource, data_dir: Path,
                 *, resumes: Any = None, notifications: Any = None, bus: Any = None,
                 clock: Callable[[], dt.datetime] = utcnow,
                 before_move: Callable[[list[int]], None] | None = None) -> None:
        self.db = db
        self.factory = factory
        self.settings = settings
        self.folder = Path(data_dir) / "email-intake"
        self.resumes = resumes  # ResumeService (None: résumés are kept aside, not scored)
        self.notifications = notifications
        self.bus = bus
        self.clock = clock
        self.before_move = before_move  # tests: raise here to simulate a crash before a move

    def not_connected(self) -> str:
        return ("No apply mailbox is connected. Connect it under Integrations → Email → "
                "Mailbox (apply by email).")

    async def run(self, progress: Progress) -> RoundResult:
        settings = await self.settings()
        async with open_connector(self.factory, self.service, self.not_connected()) as imap:
            return await self._round(imap, settings, progress)

    # ----- a round -------------------------------------------------------------------------
    async def _round(self, imap: ImapConnector, settings: MailboxSettings | None,
                     progress: Progress) -> RoundResult:
        account = imap.settings.account
        addresses = settings.address_settings() if settings is not None else {}
        max_bytes = settings.max_bytes if settings is not None else 25 * 1024 * 1024
        state = await imap.select()
        validity, last = await self.db.read(lambda s: store.load_position(s, account))
        if validity != state.uidvalidity:
            last = 0  # renumbered: read again; known Message-IDs are only moved
        processed = imap.settings.processed_folder
        folder_ok = await imap.ensure_folder(processed)
        total = store.Outcome()
        await self._move_pending(imap, account, state.uidvalidity, processed, folder_ok)
        await self._score_leftovers()
        uids = await imap.uids_after(last)
        done = read = 0
        for start in range(0, len(uids), PAGE):
            page = uids[start:start + PAGE]
            metas = {u: m for u, m in (await imap.meta(page)).items()
                     if PROCESSED_FLAG.encode() not in m.flags}
            read += len(metas)
            items = await self._read_page(imap, account, state.uidvalidity, page, metas,
                                          max_bytes)
            now = self.clock()
            out = await self.db.write(functools.partial(
                store.store_page, account=account, uidvalidity=state.uidvalidity, items=items,
                addresses=addresses, now=now, position=page[-1]))
            _merge(total, out)
            await self._after_commit(out)
            await self._move_pending(imap, account, state.uidvalidity, processed, folder_ok)
            done += len(page)
            progress(done)
        return RoundResult(
            pulled={"emails": read, "applications": len(total.applied),
                    "new people": len(total.created), "bounces": len(total.bounced),
                    "invited": total.invited},
            quarantined=total.quarantined, events=self._events(total))

    async def _read_page(self, imap: ImapConnector, account: str, uidvalidity: int,
                         page: Sequence[int], metas: dict[int, MessageMeta],
                         max_bytes: int) -> list[store.Item]:
        small = [u for u in page if u in metas and metas[u].size <= max_bytes]
        raws: dict[int, bytes] = {}
        batch: list[int] = []
        size = 0
        for u in small:
            if batch and size + metas[u].size > PAGE_BYTES:
                raws.update(await imap.fetch_raw(batch))
                batch, size = [], 0
            batch.append(u)
            size += metas[u].size
        if batch:
            raws.update(await imap.fetch_raw(batch))
        return await asyncio.to_thread(self._decide, account, uidvalidity, page, metas, raws,
                                       max_bytes)

    def _decide(self, account: str, uidvalidity: int, page: Sequence[int],
                metas: dict[int, MessageMeta], raws: dict[int, bytes],
                max_bytes: int) -> list[store.Item]:
        """Read each message (blocking: a worker thread) and keep the raw bytes of those
        that will not become an application."""
        items = []
        for uid in page:
            meta = metas.get(uid)
            if meta is None:  # expunged meanwhile by another client
                continue
            if uid not in raws:
                key = header_key(meta.header) or content_key(meta.header + str(uid).encode())
                head = _header_summary(meta.header)
                path = self._keep(account, uidvalidity, uid, meta.header, suffix="-header.txt")
                reason = (f"The message is {meta.size / 1048576:.1f} MB, over the "
                          f"{max_bytes // 1048576} MB limit; it was not downloaded. It stays in "
                          "the mailbox (processed folder); ask the candidate for a smaller "
                          "file.")
                items.append(store.Item(uid, key, meta.size, Rejected("oversized", reason, key,
                                                                      head), path))
                continue
            raw = raws[uid]
            reading = read_message(raw)
            key = reading.message_key
            # Kept until the transaction says it became an application (then removed): a
            # message for an unknown interviewer must be there for Retry.
            kept = self._keep(account, uidvalidity, uid, raw)
            items.append(store.Item(uid, key, len(raw), reading, kept))
        return items

    def _keep(self, account: str, uidvalidity: int, uid: int, raw: bytes,
              suffix: str = ".eml") -> str:
        box = hashlib.sha1(account.encode()).hexdigest()[:12]
        folder = private_dir(self.folder / box)
        path = folder / f"{uidvalidity}-{uid}-{hashlib.sha256(raw).hexdigest()[:16]}{suffix}"
        write_private(path, raw)
        return str(path)

    async def _move_pending(self, imap: ImapConnector, account: str, uidvalidity: int,
                            processed: str, folder_ok: bool) -> None:
        uids = await self.db.read(lambda s: store.pending_moves(s, account, uidvalidity))
        if not uids:
            return
        if self.before_move is not None:
            self.before_move(uids)
        moved = False
        if folder_ok:
            try:
                await imap.move(uids, processed)
                moved = True
            except ProviderError as exc:  # e.g. the folder was deleted since the round began
                log.info("email intake: the processed folder refused the messages; "
                         "flagged instead (%s)", exc.message)
        if not moved:
            await imap.flag(uids)
        now = self.clock()
        await self.db.write(lambda s: store.mark_moved(s, account, uidvalidity, uids, now))

    # ----- after the commit ---------------------------------------------------------------
    async def _after_commit(self, out: store.Outcome) -> None:
        if out.discard:
            await asyncio.to_thread(_unlink_all, out.discard)
        for cid, iv, app_id, resumes in out.applied:
            await self._score(app_id, resumes, out.kept.get(app_id))
            if self.notifications is not None:
                try:
                    await self.notifications.email_application(cid, iv)
                except EnvironmentProblem as exc:
                    log.info("email intake: notification skipped: %s", type(exc).__name__)

    async def _score(self, app_id: int, resumes: Sequence[Attachment],
                     kept: str | None) -> None:
        """Score the attachment that reads most as a résumé (``files.rank``: not the cover
        letter that came first), keep every attachment not yet on the profile as a file, then
        let go of the kept raw message (kept until now so that a crash before this point is
        finished by the next round: each step is safe to repeat)."""
        if self.resumes is None:
            return  # résumés are not scored here: the kept copy waits for an app that does
        ranked = await asyncio.to_thread(files.rank, resumes, self.clock().date(),
                                         self.folder / "tmp")
        if ranked:
            await self._attach(app_id, ranked[0])  # one résumé scores the stage
            apps, scored = await self.db.read(lambda s: files.on_profile_of(s, app_id))
            await asyncio.to_thread(files.keep, Path(self.resumes.folder), app_id, apps,
                                    scored, ranked)
        if kept is not None:
            await self.db.write(lambda s: store.resume_scored(s, [app_id]))
            await asyncio.to_thread(_unlink_all, [kept])

    async def _score_leftovers(self) -> None:
        """Applications committed in a round that stopped before their résumé was scored."""
        if self.resumes is None:
            return
        for app_id, path in await self.db.read(store.resumes_to_score):
            raw = await asyncio.to_thread(_read_file, path)
            reading = await asyncio.to_thread(read_message, raw) if raw is not None else None
            resumes = reading.resumes if isinstance(reading, Applicant) else ()
            await self._score(app_id, resumes, path)

    async def _attach(self, application_id: int, attachment: Attachment) -> None:
        if self.resumes is None:
            return
        tmp = await asyncio.to_thread(self._temp_file, attachment)
        try:
            await self.resumes.attach_detailed(application_id, tmp / attachment.name)
        except EnvironmentProblem as exc:  # quarantined by the résumé service, with its reason
            log.info("email intake: a résumé was not scored (%s)", type(exc).__name__)
        finally:
            await asyncio.to_thread(_remove_tree, tmp)

    def _temp_file(self, attachment: Attachment) -> Path:
        base = private_dir(self.folder / "tmp")
        tmp = Path(tempfile.mkdtemp(dir=base))
        write_private(tmp / attachment.name, attachment.data)
        return tmp

    def _events(self, out: store.Outcome) -> tuple[Event, ...]:
        events: list[Event] = []
        people = tuple(dict.fromkeys(out.created + out.touched))
        if people:
            events.append(CandidatesChanged(people if len(people) <= 500 else ()))
        if out.applied:
            apps = tuple(a for _c, _i, a, _r in out.applied)
            events.append(ApplicationsChanged(apps if len(apps) <= 500 else ()))
            events.append(InterviewersChanged(tuple(dict.fromkeys(
                i for _c, i, _a, _r in out.applied))))
        if out.bounced:
            events.append(MessagesChanged(tuple(dict.fromkeys(out.bounced))))
        return tuple(events)

    # ----- retry from quarantine ----------------------------------------------------------
    async def retry(self, quarantine_ids: Sequence[int]) -> RetryReport:
        """Read the kept raw messages of these quarantined records again, as if they had just
        arrived (an interviewer created since, a policy changed). What still cannot be
        accepted stays quarantined with its (new) reason; the rest becomes applications."""
        settings = await self.settings()
        addresses = settings.address_settings() if settings is not None else {}

        def load(s: Session) -> list[tuple[int, int, str | None, str]]:
            rows = s.execute(select(QuarantinedRecord.id, EmailIntakeRecord.id,
                                    EmailIntakeRecord.raw_path, EmailIntakeRecord.reason)
                             .join(EmailIntakeRecord,
                                   EmailIntakeRecord.quarantine_id == QuarantinedRecord.id)
                             .where(QuarantinedRecord.id.in_(list(quarantine_ids)),
                                    QuarantinedRecord.resolved_at.is_(None)))
            return [(q, r, p, why or "") for q, r, p, why in rows]

        rows = await self.db.read(load)
        total = store.Outcome()
        applied = still = skipped = 0
        reasons: list[str] = []
        for qid, rid, path, _why in rows:
            raw = await asyncio.to_thread(_read_file, path)
            if raw is None or (path or "").endswith("-header.txt"):
                skipped += 1
                continue
            reading = await asyncio.to_thread(read_message, raw)
            now = self.clock()
            out = await self.db.write(functools.partial(
                _retry_one, qid=qid, rid=rid, reading=reading, raw_size=len(raw), path=path,
                addresses=addresses, now=now))
            _merge(total, out)
            if out.quarantined:
                still += 1
                reasons.append(await self.db.read(functools.partial(_reason, rid=rid)))
            else:
                applied += 1
        await self._after_commit(total)
        if self.bus is not None:
            for event in self._events(total):
                self.bus.publish(event)
        return RetryReport(applied, still, tuple(reasons), skipped)


def _retry_one(s: Session, qid: int, rid: int, reading: Any, raw_size: int, path: str | None,
               addresses: Any, now: dt.datetime) -> store.Outcome:
    out = store.Outcome()
    rec = s.get(EmailIntakeRecord, rid)
    old = s.get(QuarantinedRecord, qid)
    if rec is None or old is None:
        return out
    old.resolved_at = now  # replaced by what this reading decides (a new row if still held)
    rec.quarantine_id = None
    item = store.Item(rec.uid, rec.message_key, raw_size, reading, path)
    store.apply_reading(s, rec, item, rec.mailbox, addresses, now, out)
    return out


def _reason(s: Session, rid: int) -> str:
    rec = s.get(EmailIntakeRecord, rid)
    return (rec.reason or "") if rec is not None else ""


def _merge(total: store.Outcome, out: store.Outcome) -> None:
    total.applied.extend(out.applied)
    total.created.extend(out.created)
    total.touched.extend(out.touched)
    total.bounced.extend(out.bounced)
    total.quarantined += out.quarantined
    total.seen += out.seen
    total.invited += out.invited
    total.discard.extend(out.discard)
    total.kept.update(out.kept)


def _header_summary(header: bytes) -> dict[str, str]:
    import email
    import email.policy

    try:
        return summary_of(email.message_from_bytes(header, policy=email.policy.default))
    except Exception:
        return {}


def _read_file(path: str | None) -> bytes | None:
    if not path:
        return None
    try:
        return Path(path).read_bytes()
    except OSError:
        return None


def _unlink_all(paths: Sequence[str]) -> None:
    for p in paths:
        Path(p).unlink(missing_ok=True)


def _remove_tree(path: Path) -> None:
    for child in path.iterdir():
        child.unlink(missing_ok=True)
    path.rmdir()


def intake_for_retry(ws: Any, env: Any = None) -> EmailIntake:
    """An intake over an open workspace for Settings → Sync issues → Retry: no mailbox is
    needed to read a kept message again (the workspace's résumé service knows the data
    dir)."""
    from milo_desktop.services.connectors.twilio.integration import DatabaseSettings
    from milo_desktop.services.email_intake.mailbox import MailboxIntegration

    folder = Path(ws.resumes.folder).parent if ws.resumes is not None else \
        Path(tempfile.gettempdir())
    mailbox = MailboxIntegration(None, DatabaseSettings(ws.db),
                                 env={k: v for k, v in dict(env or {}).items()
                                      if k.startswith("MILO_IMAP")})
    return EmailIntake(ws.db, mailbox.make_connector, mailbox.settings, folder,
                       resumes=ws.resumes, notifications=ws.notifications, bus=ws.bus)


__all__ = ["EmailIntake", "RetryReport", "intake_for_retry"]
