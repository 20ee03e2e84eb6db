"""Reading emailed applications: names from RFC 2047 in odd charsets, phones from signatures,
attachment names (RFC 2231, RFC 2047 in quotes, name=, sniffed), and every kind of mail that
is not an application. Also the builders of the hostile corpus the intake tests use."""

from __future__ import annotations

import base64
import email.policy
import io
import zipfile
from email.message import EmailMessage
from pathlib import Path

import pytest

from milo_desktop.services.email_intake.parse import (
    Applicant,
    Bounce,
    Rejected,
    read_message,
)

BOX = "jobs@agency.example"


def pdf_bytes(lines: list[str] | None = None, password: str | None = None) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    pdf.add_page()
    for line in lines or ["Dana Lopez", "Warehouse Associate, Acme Logistics",
                          "Jan 2020 - Present", "Forklift certified (OSHA), 2021."]:
        pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    if password is not None:
        pdf.set_encryption(owner_password="o-" + password, user_password=password)
    return bytes(pdf.output())


def docx_bytes(lines: list[str] | None = None) -> bytes:
    import docx

    d = docx.Document()
    for line in lines or ["Dana Lopez", "Warehouse Associate", "2019 - 2024"]:
        d.add_paragraph(line)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def application(sender: str = "Dana Lopez <dana@example.com>", to: str = "jobs+forklift@agency.example",
                *, subject: str = "Application", body: str = "Hello, please find my résumé.\n",
                attachments: list[tuple[str, str, bytes]] = (),  # type: ignore[assignment]
                message_id: str | None = "<app-1@example.com>",
                headers: dict[str, str] | None = None) -> bytes:
    msg = EmailMessage()
    if sender:
        msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    if message_id:
        msg["Message-ID"] = message_id
    for k, v in (headers or {}).items():
        msg[k] = v
    msg.set_content(body)
    for name, ctype, data in attachments:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes(policy=email.policy.SMTP)  # CRLF, as on the wire


def raw_with_header(head: str, body: bytes = b"hello\r\n", encoding: str = "utf-8") -> bytes:
    return head.replace("\n", "\r\n").encode(encoding) + b"\r\n" + body


def dsn(original_id: str, rcpt: str = "dana@example.com") -> bytes:
    """A Postfix-style delivery status notification (RFC 3464) about ``original_id``."""
    text = f"""From: Mail Delivery System <MAILER-DAEMON@mx.agency.example>
To: {BOX}
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn-{abs(hash(original_id)) % 10**8}@mx.agency.example>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="RPT"

--RPT
Content-Type: text/plain; charset=us-ascii

Your message could not be delivered to {rcpt}.

--RPT
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.agency.example
Arrival-Date: Mon, 7 Dec 2026 10:00:00 +0000

Final-Recipient: rfc822; {rcpt}
Original-Recipient: rfc822;{rcpt}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <{rcpt}>: No such user

--RPT
Content-Type: text/rfc822-headers

From: Acme Recruiting <{BOX}>
To: {rcpt}
Subject: Invitation
Message-ID: {original_id}

--RPT--
"""
    return text.replace("\n", "\r\n").encode()


def hostile_corpus() -> dict[str, tuple[bytes, str]]:
    """name → (raw message, the Rejected code it must get). Built fresh, never from disk."""
    tnef = application(attachments=[("winmail.dat", "application/ms-tnef", b"\x78\x9f\x3e\x22")],
                       message_id="<tnef@x>")
    smime = (b"From: Sam <sam@example.com>\r\nTo: jobs+forklift@agency.example\r\n"
             b"Message-ID: <smime@x>\r\nMIME-Version: 1.0\r\nContent-Type: application/pkcs7-mime;"
             b" smime-type=enveloped-data; name=smime.p7m\r\nContent-Transfer-Encoding: base64"
             b"\r\n\r\n" + base64.encodebytes(b"\x30\x80" * 40).replace(b"\n", b"\r\n"))
    pgp = (b"From: Pat <pat@example.com>\r\nTo: jobs+forklift@agency.example\r\n"
           b"Message-ID: <pgp@x>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/encrypted; "
           b"protocol=\"application/pgp-encrypted\"; boundary=b1\r\n\r\n--b1\r\n"
           b"Content-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n--b1\r\n"
           b"Content-Type: application/octet-stream\r\n\r\n-----BEGIN PGP MESSAGE-----\r\n"
           b"--b1--\r\n")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("word/filler.xml", b"\0" * (70 * 1024 * 1024))
    return {
        "no_from": (application(sender="", message_id="<nofrom@x>"), "no_from"),
        "auto_submitted": (application(headers={"Auto-Submitted": "auto-replied"},
                                       message_id="<ooo@x>"), "auto_reply"),
        "x_autoreply": (application(headers={"X-Autoreply": "yes"}, message_id="<xar@x>"),
                        "auto_reply"),
        "precedence": (application(headers={"Precedence": "auto_reply"}, message_id="<pr@x>"),
                       "auto_reply"),
        "spam": (application(headers={"X-Spam-Flag": "YES"}, message_id="<spam@x>"), "spam"),
        "mailer_daemon": (application(sender="MAILER-DAEMON@mx.example", message_id="<md@x>"),
                          "bounce"),
        "winmail": (tnef, "tnef"),
        "smime": (smime, "encrypted"),
        "pgp": (pgp, "encrypted"),
        "pdf_password": (application(attachments=[("cv.pdf", "application/pdf",
                                                   pdf_bytes(password="s3cret"))],
                                     message_id="<pdfpw@x>"), "attachment"),
        "docx_password": (application(attachments=[
            ("cv.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)], message_id="<docpw@x>"),
            "attachment"),
        "pdf_corrupt": (application(attachments=[("cv.pdf", "application/pdf",
                                                  b"this is not a pdf at all")],
                                    message_id="<pdfbad@x>"), "attachment"),
        "zip_bomb": (application(attachments=[
            ("cv.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             bomb.getvalue())], message_id="<bomb@x>"), "attachment"),
        "huge_header": (raw_with_header(
            "From: Max <max@example.com>\nTo: jobs+forklift@agency.example\n"
            "Message-ID: <huge@x>\nX-Filler: " + "A" * 40000 + "\n"), "header"),
    }


# ----- tests ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(hostile_corpus()))
def test_hostile_mail_is_rejected_with_its_reason(name: str) -> None:
    raw, code = hostile_corpus()[name]
    got = read_message(raw)
    assert isinstance(got, Rejected), got
    assert got.code == code
    assert got.reason and len(got.reason) > 20


def test_an_application_gives_name_email_phone_and_resume() -> None:
    body = "Hello,\n\nI'd like to apply.\n\n-- \nDana Lopez\nMobile: (214) 555-0142\n"
    raw = application(body=body, attachments=[("Dana CV.pdf", "application/pdf", pdf_bytes())])
    got = read_message(raw)
    assert isinstance(got, Applicant)
    assert (got.name, got.email, got.phone_e164) == ("Dana Lopez", "dana@example.com",
                                                     "+12145550142")
    assert got.recipients == ("jobs+forklift@agency.example",)
    assert got.message_key == "<app-1@example.com>"
    assert [(a.name, a.kind) for a in got.resumes] == [("Dana CV.pdf", "pdf")]


@pytest.mark.parametrize("header, expected", [
    ("=?koi8-r?B?7MXO?= <lena@example.com>", "Лен"),
    ("=?iso-8859-1?Q?Jos=E9_Mar=EDa?= <jm@example.com>", "José María"),
    ("=?utf-8?B?5p2O5bCP6b6Z?= <li@example.com>", "李小龙"),
    ("=?shift_jis?B?k2OShg==?= <tanaka@example.com>", "田中"),
    ("\"O'Brien, Siobhán\" <sob@example.com>", "O'Brien, Siobhán"),
])
def test_display_names_in_odd_charsets(header: str, expected: str) -> None:
    for encoding in ("utf-8", "cp1252"):  # raw 8-bit headers: RFC 6532, or an old client
        raw = raw_with_header(f"From: {header}\nTo: jobs+forklift@agency.example\n"
                              "Message-ID: <n@x>\nMIME-Version: 1.0\n", encoding=encoding) \
            if header.isascii() or encoding == "utf-8" or header.encode(
                "cp1252", "ignore").decode("cp1252") == header else None
        if raw is None:
            continue
        got = read_message(raw)
        assert isinstance(got, Applicant), got
        assert got.name == expected


def test_attachment_names_rfc2231_then_2047_then_name_then_sniffed() -> None:
    data = pdf_bytes()
    b64 = base64.encodebytes(data).decode()
    parts = [
        # RFC 2231 (with a charset and language)
        ("Content-Type: application/octet-stream\nContent-Disposition: attachment; "
         "filename*=utf-8''Lebenslauf%20J%C3%BCrgen.pdf\n"),
        # RFC 2047 words inside quotes (what Outlook and Gmail send)
        ("Content-Type: application/octet-stream\nContent-Disposition: attachment; "
         "filename=\"=?utf-8?B?Q1YgSm9zw6kucGRm?=\"\n"),
        # Content-Type name= only
        "Content-Type: application/pdf; name=\"cv-name-only.pdf\"\n",
        # nothing: sniffed
        "Content-Type: application/octet-stream\nContent-Disposition: attachment\n",
    ]
    expected = ["Lebenslauf Jürgen.pdf", "CV José.pdf", "cv-name-only.pdf", "resume.pdf"]
    for head, name in zip(parts, expected, strict=True):
        raw = raw_with_header(
            "From: Dana <dana@example.com>\nTo: jobs+forklift@agency.example\nMessage-ID: <a@x>\n"
            "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=zz\n",
            ("--zz\r\nContent-Type: text/plain\r\n\r\nhi\r\n--zz\r\n" + head.replace("\n", "\r\n")
             + "Content-Transfer-Encoding: base64\r\n\r\n" + b64 + "--zz--\r\n").encode())
        got = read_message(raw)
        assert isinstance(got, Applicant), got
        assert [a.name for a in got.resumes] == [name]
        assert got.resumes[0].data == data


def test_a_dsn_names_the_message_it_reports_on() -> None:
    got = read_message(dsn("<invite-7@agency.example>"))
    assert isinstance(got, Bounce)
    assert got.original_ids == ("<invite-7@agency.example>",)
    assert got.recipients == ("dana@example.com",)
    assert got.status == "5.1.1" and "No such user" in got.diagnostic


def test_random_bytes_never_raise() -> None:
    import random

    rng = random.Random(12)
    base = application(attachments=[("cv.pdf", "application/pdf", pdf_bytes())])
    for _ in range(300):
        raw = bytearray(base)
        for _ in range(rng.randint(1, 40)):
            raw[rng.randrange(len(raw))] = rng.randrange(256)
        got = read_message(bytes(raw))
        assert isinstance(got, Applicant | Rejected | Bounce)


def test_docx_resume_is_recognised(tmp_path: Path) -> None:
    raw = application(attachments=[
        ("cv.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         docx_bytes())])
    got = read_message(raw)
    assert isinstance(got, Applicant)
    assert [a.kind for a in got.resumes] == ["docx"]


def test_every_document_is_kept_once_each_by_content() -> None:
    """Not only the first three: a résumé, its copy under another name (once), a cover letter,
    a certificate, notes; a photo is no document."""
    cv, letter = pdf_bytes(), pdf_bytes(["Dear hiring manager,"])
    raw = application(attachments=[
        ("Cover letter.pdf", "application/pdf", letter), ("CV.pdf", "application/pdf", cv),
        ("CV copy.pdf", "application/pdf", cv), ("photo.jpg", "image/jpeg", b"\xff\xd8\xff"),
        ("certificate.txt", "text/plain", b"Forklift certified"),
        ("notes.rtf", "application/rtf", b"{\\rtf1 notes}"),
        ("more.txt", "text/plain", b"more")])
    got = read_message(raw)
    assert isinstance(got, Applicant)
    assert [a.name for a in got.resumes] == ["Cover letter.pdf", "CV.pdf", "certificate.txt",
                                             "notes.rtf", "more.txt"]
