"""Reading one emailed message: an application, a bounce report, or a reason to keep it aside.

``read_message(raw)`` is total: whatever bytes arrive, it answers an ``Applicant``, a
``Bounce`` or a ``Rejected`` (with the reason shown in Sync issues), never an exception.
Blocking (a PDF's encryption check opens it): call it from a worker thread.

What is not an application (integrations.md, Email): auto-replies (``Auto-Submitted`` other
than "no", ``X-Autoreply``, ``Precedence: auto_reply``), bounces (``multipart/report`` or a
mailer-daemon / postmaster sender), mail without a From, spam (``X-Spam-Flag: YES``),
encrypted mail (S/MIME, PGP), winmail.dat (TNEF), encrypted or corrupt attachments, zip
bombs and absurd header lines.

Attachment names: RFC 2231, then RFC 2047 words inside quotes, then Content-Type ``name=``,
then the bytes are sniffed.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from email.header import decode_header, make_header
from email.message import EmailMessage, Message

import phonenumbers

RESUME_KINDS = ("pdf", "docx", "txt", "rtf")
MAX_ATTACHMENT = 10 * 1024 * 1024  # what the résumé reader takes
MAX_UNPACKED = 60 * 1024 * 1024  # a DOCX unpacking to more is a zip bomb
MAX_HEADER_LINE = 16 * 1024  # RFC 5322 says 998; far past that is hostile
MAX_PARTS = 200
ROBOTS = ("mailer-daemon", "postmaster", "mail-daemon", "noreply-dsn")


@dataclass(frozen=True)
class Attachment:
    name: str
    kind: str  # pdf | docx | txt | rtf
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Applicant:
    name: str
    email: str
    phone_e164: str | None
    recipients: tuple[str, ...]  # To / Cc / Delivered-To addresses, lower-cased
    message_key: str
    subject: str
    # every PDF / DOCX / TXT / RTF attachment, once each (by content), in the message's order;
    # files.rank picks the one the Résumé stage scores
    resumes: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class Bounce:
    """A delivery status notification: which of our messages failed, and why."""

    message_key: str
    original_ids: tuple[str, ...]  # Message-IDs of the failed message(s), "<…>"
    recipients: tuple[str, ...]
    status: str  # "5.1.1"
    diagnostic: str


@dataclass(frozen=True)
class Rejected:
    code: str  # auto_reply | bounce | no_from | spam | encrypted | tnef | attachment | ...
    reason: str  # the recruiter's words
    message_key: str
    summary: dict[str, str] = field(default_factory=dict)  # from / to / subject, for review


Reading = Applicant | Bounce | Rejected


def content_key(raw: bytes) -> str:
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def message_key(msg: Message | None, raw: bytes) -> str:
    """The Message-ID (``<…>``, at most 255 characters), or a hash of the bytes without one."""
    mid = _header(msg, "Message-ID") if msg is not None else ""
    mid = " ".join(mid.split())
    if mid and len(mid) <= 255 and "@" in mid:
        return mid if mid.startswith("<") else f"<{mid.strip('<>')}>"
    return content_key(raw)


def header_key(header: bytes) -> str | None:
    """The Message-ID from a message's header alone (before downloading it), or None."""
    try:
        msg = email.message_from_bytes(header, policy=email.policy.compat32)
    except Exception:
        return None
    key = message_key(msg, header)
    return None if key.startswith("sha256:") else key


def _header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # a header the policy cannot parse: its raw text
        values = [v for k, v in msg.raw_items() if k.lower() == name.lower()] \
            if isinstance(msg, EmailMessage) else []
        value = values[0] if values else None
    if value is None:
        return ""
    try:
        return str(value)
    except Exception:
        return ""


def _addresses(msg: Message, *names: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for name in names:
        try:
            values = msg.get_all(name) or []
        except Exception:
            continue
        for v in values:
            try:
                found.extend(email.utils.getaddresses([str(v)]))
            except Exception:
                continue
    return [(n.strip(), a.strip().lower()) for n, a in found if "@" in a]


def summary_of(msg: Message | None) -> dict[str, str]:
    if msg is None:
        return {}
    return {"from": _header(msg, "From")[:300], "to": _header(msg, "To")[:300],
            "subject": _header(msg, "Subject")[:300], "date": _header(msg, "Date")[:80]}


def read_message(raw: bytes, *, region: str = "US") -> Reading:
    """What ``raw`` is (see the module's doc); never raises."""
    try:
        return _read(raw, region)
    except Exception as exc:  # the parser met something it cannot read: keep it aside
        return Rejected("corrupt", f"The message could not be read ({type(exc).__name__}).",
                        content_key(raw))


def _read(raw: bytes, region: str) -> Reading:
    for line in raw.split(b"\n\n", 1)[0].splitlines():
        if len(line) > MAX_HEADER_LINE:
            return Rejected("header", f"A header line is {len(line):,} characters long; mail "
                                      "servers allow 998. Kept aside as malformed.",
                            content_key(raw))
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    key = message_key(msg, raw)
    info = summary_of(msg)

    def reject(code: str, reason: str) -> Rejected:
        return Rejected(code, reason, key, info)

    parts = list(msg.walk())
    if len(parts) > MAX_PARTS:
        return reject("parts", f"The message has {len(parts)} parts; an application has a "
                               "few. Kept aside.")
    ctype = msg.get_content_type()
    senders = _addresses(msg, "From")
    sender = senders[0][1] if senders else ""
    if ctype == "multipart/report" or sender.split("@")[0] in ROBOTS:
        bounce = _bounce(msg, key)
        if bounce is not None:
            return bounce
        return reject("bounce", "A delivery report (bounce) from a mail server, not an "
                                "application.")
    if not sender:
        return reject("no_from", "The message has no sender (From) address, so there is "
                                 "nobody to reply to.")
    auto = _header(msg, "Auto-Submitted").strip().lower()
    if (auto and auto != "no") or _header(msg, "X-Autoreply") or _header(msg, "X-Autorespond") \
            or _header(msg, "Precedence").strip().lower() == "auto_reply":
        return reject("auto_reply", "An automatic reply (out of office or similar), not an "
                                    "application.")
    if _header(msg, "X-Spam-Flag").strip().upper() == "YES":
        return reject("spam", "The mail server marked this message as spam.")
    resumes: list[Attachment] = []
    seen: set[bytes] = set()
    for part in parts:
        pt = part.get_content_type()
        if pt in ("application/pkcs7-mime", "application/x-pkcs7-mime", "multipart/encrypted",
                  "application/pgp-encrypted"):
            return reject("encrypted", "The message is encrypted (S/MIME or PGP); Milo cannot "
                                       "read it. Ask the candidate to send it unencrypted.")
        if part.is_multipart():
            continue
        name = attachment_name(part)
        if pt == "application/ms-tnef" or name.lower() == "winmail.dat":
            return reject("tnef", "The attachment is winmail.dat (Outlook's TNEF format), "
                                  "which hides the real files. Ask the candidate to send "
                                  "the résumé as PDF or DOCX.")
        if part.get_content_disposition() != "attachment" and not name:
            continue
        try:
            data = part.get_payload(decode=True) or b""
        except Exception:
            return reject("attachment", f"The attachment {name or '(unnamed)'} is damaged "
                                        "and cannot be decoded.")
        if not isinstance(data, bytes):
            continue
        kind = _kind(name, data)
        if kind is None:
            continue  # a logo, a photo: not a résumé, nothing to refuse
        if not name:
            name = f"resume.{kind}"
        digest = hashlib.sha256(data).digest()
        if digest in seen:
            continue  # the same file attached twice: one copy
        seen.add(digest)
        problem = _attachment_problem(name, kind, data)
        if problem:
            return reject("attachment", problem)
        resumes.append(Attachment(_safe_name(name), kind, data))
    name = senders[0][0] or ""
    if "\ufffd" in name:  # raw 8-bit bytes in the header: UTF-8 (RFC 6532), else Windows-1252
        name = _raw_display_name(raw) or name
    return Applicant(" ".join(name.replace('"', " ").split())[:200], sender,
                     _phone(msg, region), tuple(dict.fromkeys(_recipients(msg))), key,
                     info.get("subject", ""), tuple(resumes))


def _raw_display_name(raw: bytes) -> str | None:
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    for line in head.splitlines():
        if line[:5].lower() == b"from:":
            for codec in ("utf-8", "cp1252"):
                try:
                    text = line[5:].decode(codec)
                except UnicodeDecodeError:
                    continue
                pairs = email.utils.getaddresses([text])
                return pairs[0][0].strip() if pairs else None
    return None


def _recipients(msg: Message) -> list[str]:
    return [a for _n, a in _addresses(msg, "Delivered-To", "X-Original-To", "To", "Cc")]


def attachment_name(part: Message) -> str:
    """RFC 2231, then RFC 2047 words inside quotes, then Content-Type ``name=``; "" when
    none (the caller sniffs the bytes)."""
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    if not name:
        try:
            name = str(part.get_param("name") or "")
        except Exception:
            name = ""
    if "=?" in name:
        try:
            name = str(make_header(decode_header(name)))
        except Exception:
            pass
    return " ".join(name.replace("\x00", "").split())[:200]


def _safe_name(name: str) -> str:
    return re.sub(r"[\\/:*?\"<>|\x00-\x1f]+", "_", name).strip(". ") or "resume"


def _kind(name: str, data: bytes) -> str | None:
    head = data[:1024]
    lower = name.lower()
    if head.startswith(b"%PDF-") or lower.endswith(".pdf"):
        return "pdf"
    if lower.endswith(".docx") or (head.startswith(b"PK\x03\x04") and b"word/" in data[:4096]):
        return "docx"
    if head.lstrip()[:5] == b"{\\rtf" or lower.endswith(".rtf"):
        return "rtf"
    if lower.endswith(".txt"):
        return "txt"
    return None


def _attachment_problem(name: str, kind: str, data: bytes) -> str | None:
    if len(data) > MAX_ATTACHMENT:
        return (f"The attachment {name} is {len(data) / 1048576:.1f} MB; résumés up to "
                f"{MAX_ATTACHMENT // 1048576} MB are read.")
    if kind == "pdf":
        if b"%PDF-" not in data[:1024]:
            return f"The attachment {name} is not a readable PDF (damaged or renamed)."
        try:
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                return (f"The PDF {name} is password-protected; ask the candidate for an "
                        "unprotected copy.")
            _ = len(reader.pages)
        except Exception:
            return f"The PDF {name} is damaged and cannot be opened."
    if kind == "docx":
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            return (f"The Word file {name} is password-protected (or an old .doc); ask for an "
                    "unprotected DOCX or a PDF.")
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                infos = z.infolist()
                if "word/document.xml" not in {i.filename for i in infos}:
                    return f"The attachment {name} is not a Word document."
                if sum(i.file_size for i in infos) > MAX_UNPACKED:
                    return (f"The attachment {name} unpacks to more than "
                            f"{MAX_UNPACKED // 1048576} MB: a zip bomb, not a résumé.")
        except (zipfile.BadZipFile, ValueError, OSError):
            return f"The Word file {name} is damaged and cannot be opened."
    return None


def _body_text(msg: Message) -> str:
    try:
        part = msg.get_body(preferencelist=("plain", "html")) \
            if isinstance(msg, EmailMessage) else None
        if part is None:
            return ""
        text = part.get_content() if isinstance(part, EmailMessage) else ""
    except Exception:
        return ""
    if not isinstance(text, str):
        return ""
    if part.get_content_type() == "text/html":
        text = re.sub(r"<[^>]{0,2000}>", " ", text)
    return text[:20000]


def _phone(msg: Message, region: str) -> str | None:
    """The first phone number of the signature (the last lines of the body), as E.164."""
    lines = [ln for ln in _body_text(msg).splitlines() if ln.strip() and not ln.startswith(">")]
    tail = "\n".join(lines[-15:])
    try:
        for match in phonenumbers.PhoneNumberMatcher(tail, region):
            if phonenumbers.is_valid_number(match.number):
                return str(phonenumbers.format_number(match.number,
                                                      phonenumbers.PhoneNumberFormat.E164))
    except Exception:
        return None
    return None


def _bounce(msg: Message, key: str) -> Bounce | None:
    """A DSN's failed recipients and the Message-ID of the message it reports on."""
    originals: list[str] = []
    recipients: list[str] = []
    status = diagnostic = ""
    for part in msg.walk():
        ct = part.get_content_type()
        if ct == "message/delivery-status":
            payload = part.get_payload()
            blocks = payload if isinstance(payload, list) else []
            for block in blocks:
                if not isinstance(block, Message):
                    continue
                for k, v in block.items():
                    lk, sv = k.lower(), str(v)
                    if lk == "final-recipient" or lk == "original-recipient":
                        addr = sv.split(";", 1)[-1].strip().lower()
                        if "@" in addr:
                            recipients.append(addr)
                    elif lk == "status":
                        status = status or sv.strip()
                    elif lk == "diagnostic-code":
                        diagnostic = diagnostic or " ".join(sv.split())[:300]
                    elif lk in ("original-message-id", "x-original-message-id"):
                        originals.append(sv.strip())
        elif ct in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers"):
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                mid = _header(inner[0], "Message-ID")
            else:
                data = part.get_payload(decode=True)
                text = inner if isinstance(inner, str) else (
                    data.decode("utf-8", "replace") if isinstance(data, bytes) else "")
                m = re.search(r"^Message-ID:\s*(<[^>\r\n]+>)", text, re.I | re.M)
                mid = m.group(1) if m else ""
            if mid:
                originals.append(mid.strip())
    for name in ("Original-Message-ID", "X-Original-Message-ID"):
        v = _header(msg, name)
        if v:
            originals.append(v.strip())
    originals = list(dict.fromkeys(o for o in originals if o))
    if not originals:
        return None
    return Bounce(key, tuple(originals), tuple(dict.fromkeys(recipients)), status or "5.0.0",
                  diagnostic)


__all__ = ["RESUME_KINDS", "Applicant", "Attachment", "Bounce", "Reading", "Rejected",
           "attachment_name", "content_key", "header_key", "message_key", "read_message",
           "summary_of"]
